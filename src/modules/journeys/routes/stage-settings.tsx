// The stage settings of the cooperative (labels, documents asked), for the direction.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { editableStageConfig, saveStageConfig } from '../stage-config.service.ts';
import { STAGES } from '../stages.ts';
import { StageSettingsPage } from '../views/stage-settings-page.tsx';
import { tenant } from './kit.tsx';

export const stageSettingsRoutes = new Hono<AppEnv>();

async function settingsPage(c: Ctx, errors: Record<string, string> | null = null) {
  const actor = actorOf(c);
  const config = await tenant(c, (tx) => editableStageConfig(tx, actor));
  return c.html(<StageSettingsPage c={c} config={config} errors={errors} />, errors ? 400 : 200);
}
stageSettingsRoutes.get('/accompagnement/parametres', (c) => settingsPage(c));
stageSettingsRoutes.post('/accompagnement/parametres', async (c) => {
  const f = await formValues(c);
  const errors: Record<string, string> = {};
  for (const s of STAGES)
    if ((f[`label_${s}`] ?? '').trim().length < 2) errors[`label_${s}`] = "Indiquez le libellé de l'étape.";
  if (Object.keys(errors).length) return settingsPage(c, errors);
  try {
    await tenant(c, async (tx, actor) => {
      for (const s of STAGES)
        await saveStageConfig(tx, actor, s, {
          label: f[`label_${s}`] ?? '',
          requiredDocuments: (f[`docs_${s}`] ?? '').split(/\r?\n/),
        });
    });
  } catch (e) {
    const fields = fieldErrors(e);
    if (!fields) throw e;
    return settingsPage(c, fields);
  }
  setFlash(c, { kind: 'success', text: 'Étapes enregistrées.' });
  return c.redirect('/accompagnement/parametres');
});

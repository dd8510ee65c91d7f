// The direction's page to rename the stages and list the documents asked at each one.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, TextArea, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import type { StageConfig } from '../stage-config.service.ts';
import { STAGES, type Stage } from '../stages.ts';

export function StageSettingsPage(p: {
  c: Ctx;
  config: Record<Stage, StageConfig>;
  errors: Record<string, string> | null;
}) {
  const { c, config, errors } = p;
  return (
    <Layout c={c} title="Étapes du parcours">
      <PageHeader
        title="Étapes du parcours"
        help="Adaptez les libellés des étapes et la liste des documents demandés à chaque étape (un document par ligne)."
      />
      <Card>
        <form method="post" action="/accompagnement/parametres" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          {STAGES.map((s) => (
            <fieldset>
              <legend>{config[s].label}</legend>
              <Field label="Libellé" name={`label_${s}`} value={config[s].label} error={errors?.[`label_${s}`]} />
              <TextArea
                label="Documents demandés"
                name={`docs_${s}`}
                value={config[s].requiredDocuments.join('\n')}
                error={errors?.[`docs_${s}`]}
                rows={3}
              />
            </fieldset>
          ))}
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </Layout>
  );
}

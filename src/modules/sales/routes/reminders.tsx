import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card } from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { hasRole } from '../../../core/actor.ts';
import { UserError, NotFoundError } from '../../../core/errors.ts';
import { reminderSchedule, parseReminderDays, setReminderSchedule, NOTICE_AFTER_DAYS } from '../reminders.ts';
import { tenant } from './kit.ts';

export const reminderRoutes = new Hono<AppEnv>();

// Reminder schedule of the cooperative: everyone reads it, the director edits it.
async function remindersPage(c: Ctx, opts: { value?: string; error?: string } = {}) {
  const actor = actorOf(c);
  const days = await tenant(c, (trx) => reminderSchedule(trx, actor.cooperativeId));
  const director = hasRole(actor, 'director');
  const describe = (d: number) =>
    d < 0
      ? `${-d} jour${d < -1 ? 's' : ''} avant l'échéance`
      : d === 0
        ? "le jour de l'échéance"
        : `${d} jour${d > 1 ? 's' : ''} après l'échéance`;
  return c.html(
    <Layout c={c} title="Relances">
      <PageHeader
        title="Relances automatiques"
        help={`Un message courtois part à chaque étape, tant que la facture n'est pas payée. Au-delà de ${NOTICE_AFTER_DAYS} jours de retard, une lettre de mise en demeure peut être imprimée depuis la facture.`}
      />
      <Card title="Calendrier actuel">
        <ul>
          {days.map((d) => (
            <li>{describe(d)}</li>
          ))}
        </ul>
      </Card>
      {director ? (
        <Card title="Modifier le calendrier">
          <form method="post" action="/factures/relances" novalidate>
            <Csrf token={c.get('csrf')} />
            <Field
              label="Jours par rapport à l'échéance"
              name="days"
              value={opts.value ?? days.join(', ')}
              error={opts.error}
              hint="Négatif = avant l'échéance. Exemple : -3, 7, 21, 45. Vide : aucune relance."
            />
            <button type="submit">Enregistrer</button>
          </form>
        </Card>
      ) : null}
    </Layout>,
    opts.error ? 400 : 200,
  );
}
reminderRoutes.get('/factures/relances', (c) => remindersPage(c));
reminderRoutes.post('/factures/relances', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  if (!hasRole(actor, 'director')) throw new NotFoundError('Page');
  try {
    const days = parseReminderDays(f.days ?? '');
    await tenant(c, (trx) => setReminderSchedule(trx, actor, days));
  } catch (e) {
    if (e instanceof UserError) return remindersPage(c, { value: f.days, error: e.message });
    throw e;
  }
  setFlash(c, { kind: 'success', text: 'Calendrier des relances enregistré.' });
  return c.redirect('/factures/relances', 303);
});

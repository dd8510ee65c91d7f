// Absences for the payroll: support and payroll staff record a person's absence and see those of
// a month with their working days (the "Jours d'absence" of the payroll variables).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, EmptyState, FormErrorSummary } from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { can } from '../../../core/authz.ts';
import { NotFoundError, UserError, fieldErrors } from '../../../core/errors.ts';
import { formatDate, todayParis } from '../../../core/dates.ts';
import { LEDGER } from '../permissions.ts';
import { monthLabel } from '../posting.service.ts';
import {
  ABSENCE_KINDS,
  absencePeople,
  deleteAbsence,
  listAbsences,
  recordAbsence,
  type Absence,
} from './absence.service.ts';

export const absenceRoutes = new Hono<AppEnv>();
for (const p of ['/absences', '/absences/*']) absenceRoutes.use(p, requireActor);
const db = (c: Ctx) => c.get('app').odb.db;
const monthOk = (s: string | undefined) => (/^\d{4}-(0[1-9]|1[0-2])$/.test(s ?? '') ? s! : null);

/** The page exists only for those who record absences (404 for anyone else). */
function requireAbsences(c: Ctx) {
  if (!can(actorOf(c), LEDGER.absenceRecord)) throw new NotFoundError('Page');
}

async function page(
  c: Ctx,
  month: string,
  state: { values?: Record<string, string>; errors?: Record<string, string>; message?: string } = {},
) {
  const actor = actorOf(c);
  const { people, absences } = await withTenant(db(c), actor.cooperativeId, async (trx) => ({
    people: await absencePeople(trx, actor),
    absences: await listAbsences(trx, actor, month),
  }));
  const v = state.values ?? {};
  const e = state.errors ?? {};
  return (
    <Layout c={c} title="Absences">
      <PageHeader
        title="Absences"
        help="Les absences enregistrées ici donnent les « Jours d'absence » des variables de paie : jours ouvrés, du lundi au vendredi, hors jours fériés."
        action={
          <a class="btn btn-secondary" href={`/salaire/variables?mois=${month}&format=csv`}>
            Variables de paie de {monthLabel(month)}
          </a>
        }
      />
      <Card title="Enregistrer une absence">
        <form method="post" action={`/absences?mois=${month}`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={Object.keys(e).length ? e : null} message={state.message} />
          <div class="form-grid">
            <Select
              label="Personne"
              name="userId"
              value={v.userId}
              options={[['', 'Choisir…'], ...people.map((p): [string, string] => [p.userId, p.name])]}
              error={e.userId}
            />
            <Select
              label="Type d'absence"
              name="kind"
              value={v.kind}
              options={[['', 'Choisir…'], ...Object.entries(ABSENCE_KINDS)]}
              error={e.kind}
            />
            <Field label="Premier jour" name="startDate" type="date" value={v.startDate} error={e.startDate} />
            <Field
              label="Dernier jour"
              name="endDate"
              type="date"
              value={v.endDate}
              error={e.endDate}
              hint="Inclus. Pour une seule journée, le même jour."
            />
            <Field label="Remarque (facultatif)" name="note" value={v.note} error={e.note} />
          </div>
          <button type="submit">Enregistrer l'absence</button>
        </form>
      </Card>
      <Card title={`Absences de ${monthLabel(month)}`}>
        <form method="get" action="/absences" class="inline-form">
          <Field label="Mois" name="mois" type="month" value={month} />
          <button type="submit" class="btn-secondary">
            Afficher
          </button>
        </form>
        {absences.length ? (
          <AbsenceTable c={c} month={month} absences={absences} />
        ) : (
          <EmptyState title="Aucune absence ce mois-ci." />
        )}
      </Card>
    </Layout>
  );
}

function AbsenceTable(p: { c: Ctx; month: string; absences: Absence[] }) {
  return (
    <table class="data">
      <thead>
        <tr>
          <th>Personne</th>
          <th>Type</th>
          <th>Du</th>
          <th>Au</th>
          <th class="num">Jours ouvrés ce mois</th>
          <th>Remarque</th>
          <th>Action</th>
        </tr>
      </thead>
      <tbody>
        {p.absences.map((a) => (
          <tr>
            <td data-label="Personne">{a.personName}</td>
            <td data-label="Type">{ABSENCE_KINDS[a.kind]}</td>
            <td data-label="Du">{formatDate(a.startDate)}</td>
            <td data-label="Au">{formatDate(a.endDate)}</td>
            <td data-label="Jours ouvrés ce mois" class="num">
              {a.workingDays}
            </td>
            <td data-label="Remarque">{a.note ?? ''}</td>
            <td data-label="Action">
              <form method="post" action={`/absences/${a.id}/supprimer?mois=${p.month}`}>
                <Csrf token={p.c.get('csrf')} />
                <button type="submit" class="btn-secondary">
                  Retirer
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

absenceRoutes.get('/absences', async (c) => {
  requireAbsences(c);
  return c.html(await page(c, monthOk(c.req.query('mois')) ?? todayParis().slice(0, 7)));
});

absenceRoutes.post('/absences', async (c) => {
  requireAbsences(c);
  const actor = actorOf(c);
  const f = await formValues(c);
  const month = monthOk(c.req.query('mois')) ?? todayParis().slice(0, 7);
  try {
    const a = await withTenant(db(c), actor.cooperativeId, (trx) =>
      recordAbsence(trx, actor, {
        userId: f.userId ?? '',
        startDate: f.startDate ?? '',
        endDate: f.endDate ?? '',
        kind: f.kind ?? '',
        note: f.note,
      }),
    );
    setFlash(c, {
      kind: 'success',
      text: `Absence de ${a.personName} enregistrée : ${a.workingDays} jour${a.workingDays > 1 ? 's' : ''} ouvré${a.workingDays > 1 ? 's' : ''}.`,
    });
    return c.redirect(`/absences?mois=${a.startDate.slice(0, 7)}`, 303);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(
      await page(c, month, {
        values: f,
        errors: fieldErrors(e) ?? { [e.field ?? 'startDate']: e.message },
        message: e.message,
      }),
      400,
    );
  }
});

absenceRoutes.post('/absences/:id/supprimer', async (c) => {
  requireAbsences(c);
  const actor = actorOf(c);
  await withTenant(db(c), actor.cooperativeId, (trx) => deleteAbsence(trx, actor, c.req.param('id')));
  setFlash(c, { kind: 'success', text: 'Absence retirée.' });
  return c.redirect(`/absences?mois=${monthOk(c.req.query('mois')) ?? todayParis().slice(0, 7)}`, 303);
});

// Caseload pages: the list of people followed (filters, pagination, CSV export) and the form
// that opens a new journey.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { can } from '../../../core/authz.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { todayParis } from '../../../core/dates.ts';
import { JOURNEYS } from '../permissions.ts';
import { ALERT_TYPES, caseload, staffOptions, membersWithoutJourney, type AlertType } from '../caseload.service.ts';
import { createJourney } from '../journeys.service.ts';
import { stageConfig } from '../stage-config.service.ts';
import { STAGES } from '../stages.ts';
import { parisDate, parisTime } from '../paris-time.ts';
import { toCsv } from '../csv.ts';
import { CaseloadPage, NewPersonPage } from '../views/caseload-page.tsx';
import { badRequest, filterOf, pageOf, tenant } from './kit.tsx';

export const caseloadRoutes = new Hono<AppEnv>();

const PAGE_SIZE = 50;
const ALERTS = Object.keys(ALERT_TYPES) as AlertType[];

/** The caseload with its filters (stage, alert, support member), shared by the page and the
 *  CSV; null when a filter makes no sense. */
async function filteredCaseload(c: Ctx) {
  const actor = actorOf(c);
  const all = c.req.query('tous') === '1' || !actor.roles.includes('support');
  const stage = filterOf(c, 'etape', STAGES);
  const alert = filterOf(c, 'alerte', ALERTS);
  if (stage === null || stage === 'exit' || alert === null) return null;
  const { supports, labels } = await tenant(c, async (tx) => ({
    supports: await staffOptions(tx, actor),
    labels: await stageConfig(tx, actor),
  }));
  const suivi = filterOf(
    c,
    'suivi',
    supports.map(([id]) => id),
  );
  if (suivi === null) return null;
  const supportUserId = suivi || (all ? null : actor.userId);
  const rows = await tenant(c, (tx) =>
    caseload(tx, actor, { supportUserId, stage: stage || null, alert: alert || null }),
  );
  rows.sort(
    (x, y) => y.alerts.length - x.alerts.length || x.journey.displayName.localeCompare(y.journey.displayName, 'fr'),
  );
  const params = new URLSearchParams(
    Object.entries({ tous: all ? '1' : '', etape: stage, alerte: alert, suivi }).filter(([, v]) => v),
  );
  return { actor, all, stage, alert, suivi, supports, labels, rows, params };
}
const BAD_FILTER = 'Ce filtre est inconnu : choisissez-le dans la liste.';

caseloadRoutes.get('/accompagnement/export.csv', async (c) => {
  const q = await filteredCaseload(c);
  if (!q) return badRequest(c, BAD_FILTER);
  const csv = toCsv(
    [
      'Personne',
      'E-mail',
      'Téléphone',
      'Étape',
      'Depuis le',
      'Fin du CAPE',
      'Dernier contact',
      'Prochain rendez-vous',
      'Suivi par',
      'Alertes',
    ],
    q.rows.map((r) => [
      r.journey.displayName,
      r.journey.email,
      r.journey.phone,
      q.labels[r.journey.stage].label,
      r.journey.stageSince,
      r.journey.capeEnd,
      r.lastContact ? parisDate(r.lastContact) : null,
      r.nextAppointment ? `${parisDate(r.nextAppointment)} ${parisTime(r.nextAppointment)}` : null,
      r.supportName,
      r.alerts.join(' / '),
    ]),
  );
  return c.body(csv, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="accompagnement-${todayParis()}.csv"`,
    'Cache-Control': 'private, no-store',
  });
});

caseloadRoutes.get('/accompagnement', async (c) => {
  const page = pageOf(c);
  if (page === null) return badRequest(c, 'Ce numéro de page est invalide.');
  const q = await filteredCaseload(c);
  if (!q) return badRequest(c, BAD_FILTER);
  const pages = Math.max(1, Math.ceil(q.rows.length / PAGE_SIZE));
  const shown = Math.min(page, pages);
  return c.html(
    <CaseloadPage
      c={c}
      v={{
        ...q,
        rows: q.rows.slice((shown - 1) * PAGE_SIZE, shown * PAGE_SIZE),
        total: q.rows.length,
        withAlerts: q.rows.filter((r) => r.alerts.length).length,
        page: shown,
        pages,
        canSetStages: can(q.actor, JOURNEYS.stageSettings),
      }}
    />,
  );
});

async function newPersonPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const actor = actorOf(c);
  const { members, supports } = await tenant(c, async (tx) => ({
    members: await membersWithoutJourney(tx, actor),
    supports: await staffOptions(tx, actor),
  }));
  const v: Record<string, string> = { startedOn: todayParis(), supportUserId: actor.userId ?? '', ...values };
  return c.html(
    <NewPersonPage c={c} members={members} supports={supports} values={v} errors={errors} />,
    errors ? 400 : 200,
  );
}
caseloadRoutes.get('/accompagnement/nouveau', (c) => newPersonPage(c));
caseloadRoutes.post('/accompagnement/nouveau', async (c) => {
  const f = await formValues(c);
  try {
    const j = await tenant(c, (tx, actor) =>
      createJourney(tx, actor, {
        displayName: f.displayName || null,
        email: f.email || null,
        phone: f.phone || null,
        userId: f.userId || null,
        supportUserId: f.supportUserId || null,
        startedOn: f.startedOn ?? '',
        comment: f.comment || null,
      }),
    );
    setFlash(c, { kind: 'success', text: 'Parcours ouvert.' });
    return c.redirect(`/accompagnement/${j.id}`);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return newPersonPage(c, f, errors);
  }
});

// Accompaniment pages: caseload, person page (stage, timeline, documents, appointments),
// appointments and free slots, calendar feeds, workshops, info meetings (staff and public).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout, PublicLayout } from '../../web/layout.tsx';
import {
  Field,
  Select,
  TextArea,
  Checkbox,
  Csrf,
  PageHeader,
  Card,
  EmptyState,
  FormErrorSummary,
  Badge,
} from '../../web/components.tsx';
import { formValues, formAll } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { type Actor, isStaff, requireRole } from '../../core/actor.ts';
import { UserError, NotFoundError, fieldErrors } from '../../core/errors.ts';
import { formatDate, formatDateTime, todayParis, addDays, isIsoDate } from '../../core/dates.ts';
import { isUuid } from '../../core/ids.ts';
import { getCooperative, getCooperativeBySlug, listCooperatives, listMembers } from '../directory/index.ts';
import {
  STAGES,
  TRANSITIONS,
  EXIT_REASONS,
  EXIT_REASON_LABELS,
  type Stage,
  getJourney,
  journeyOfUser,
  createJourney,
  transitionJourney,
  journeyHistory,
  stageConfig,
  saveStageConfig,
  addDocument,
  listDocuments,
  readDocument,
  checklist,
  caseload,
  staffOptions,
  membersWithoutJourney,
} from './journeys.service.ts';
import {
  createAppointment,
  getAppointment,
  listAppointments,
  appointmentNotes,
  addNote,
  appointmentActions,
  addAction,
  completeAction,
  setAppointmentStatus,
  createSlot,
  freeSlots,
  bookSlot,
  icsCalendar,
  appointmentEvent,
  renewFeedToken,
  hasFeed,
  calendarFeed,
  parisDate,
  parisTime,
} from './appointments.service.ts';
import {
  createTheme,
  listThemes,
  createSession,
  listSessions,
  getSession,
  register,
  cancelRegistration,
  participants,
  recordAttendance,
  signInSheetPdf,
  sessionHours,
  attendedHours,
} from './workshops.service.ts';
import {
  createMeeting,
  upcomingMeetings,
  allMeetings,
  fillToken,
  registerProspect,
  meetingRegistrations,
  recordMeetingAttendance,
  convertRegistration,
} from './info-meetings.service.ts';
import { ALERT_TYPES, type AlertType, setSupportMember, reverseLastTransition } from './journeys.service.ts';
import { sendAppointmentConfirmation, sendWorkshopStatus } from './reminders.service.ts';
import {
  feedbackState,
  submitFeedback,
  feedbackSummary,
  trainingHours,
  toCsv,
  FEEDBACK_MIN_ANSWERS,
} from './feedback.service.ts';

export const journeysRoutes = new Hono<AppEnv>();
for (const p of [
  '/accompagnement',
  '/accompagnement/*',
  '/mon-parcours',
  '/rendez-vous',
  '/rendez-vous/*',
  '/creneaux/*',
  '/calendrier',
  '/calendrier/lien',
  '/ateliers',
  '/ateliers/*',
  '/reunions',
  '/reunions/*',
  '/documents-parcours/*',
])
  journeysRoutes.use(p, requireActor);

const STAFF = ['support', 'director', 'network_admin'] as const;
const db = (c: Ctx) => c.get('app').odb.db;
const tenant = <T,>(c: Ctx, fn: (trx: any, actor: Actor) => Promise<T>) => {
  const a = actorOf(c);
  return withTenant(db(c), a.cooperativeId, (trx) => fn(trx, a));
};
const STAGE_TONE: Record<string, string> = {
  contact: 'draft',
  info_meeting: 'submitted',
  diagnostic: 'submitted',
  cape: 'validated',
  cesa: 'paid',
  associate: 'accepted',
  exit: 'cancelled',
};
const nowHour = () => {
  const d = new Date(Date.now() + 3600000);
  return `${parisTime(d).slice(0, 2)}:00`;
};
const plusHour = (t: string) => `${String(Math.min(23, Number(t.slice(0, 2)) + 1)).padStart(2, '0')}:${t.slice(3)}`;
const dt = (d: Date) => `${formatDate(parisDate(d))} ${parisTime(d)}`;

// --- caseload -------------------------------------------------------------------------------
const PAGE_SIZE = 50;
/** A number of places typed by hand: digits only, otherwise a message beside the field. */
function capacityOf(v: string | undefined): number {
  if (!/^\s*\d+\s*$/.test(v ?? '')) throw new UserError('Indiquez le nombre de places (un nombre entier).', 'capacity');
  return Number(v);
}
/** The caseload with its filters (stage, alert, support member), shared by the page and the CSV. */
async function caseloadQuery(c: Ctx) {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const q = c.req.query();
  const all = q.tous === '1' || !actor.roles.includes('support');
  const stage = (STAGES as readonly string[]).includes(q.etape ?? '') ? (q.etape as Stage) : null;
  const alert = (q.alerte ?? '') in ALERT_TYPES ? (q.alerte as AlertType) : null;
  const [supports, labels] = await tenant(
    c,
    async (trx) => [await staffOptions(trx, actor), await stageConfig(trx, actor)] as const,
  );
  const supportUserId = q.suivi && supports.some(([id]) => id === q.suivi) ? q.suivi : all ? null : actor.userId;
  const rows = await tenant(c, (trx) => caseload(trx, actor, { supportUserId, stage, alert }));
  rows.sort(
    (x, y) => y.alerts.length - x.alerts.length || x.journey.displayName.localeCompare(y.journey.displayName, 'fr'),
  );
  const params = new URLSearchParams(
    Object.entries({
      tous: all ? '1' : '',
      etape: stage ?? '',
      alerte: alert ?? '',
      suivi: q.suivi && supportUserId === q.suivi ? q.suivi : '',
    }).filter(([, v]) => v),
  );
  return { actor, all, stage, alert, supports, labels, supportUserId, rows, params };
}
journeysRoutes.get('/accompagnement/export.csv', async (c) => {
  const { rows, labels } = await caseloadQuery(c);
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
    rows.map((r) => [
      r.journey.displayName,
      r.journey.email,
      r.journey.phone,
      labels[r.journey.stage].label,
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
journeysRoutes.get('/accompagnement', async (c) => {
  const { actor, all, stage, alert, supports, labels, rows, params } = await caseloadQuery(c);
  const alerts = rows.filter((r) => r.alerts.length).length;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number(c.req.query('page')) || 1));
  const shown = rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const link = (p: number) => {
    const u = new URLSearchParams(params);
    if (p > 1) u.set('page', String(p));
    const qs = u.toString();
    return `/accompagnement${qs ? `?${qs}` : ''}`;
  };
  return c.html(
    <Layout c={c} title="Accompagnement" wide>
      <PageHeader
        title={all ? 'Toutes les personnes accompagnées' : 'Mes personnes accompagnées'}
        help="Chaque personne avec son étape, son dernier contact et son prochain rendez-vous. Les alertes signalent 6 semaines sans contact et les CAPE qui finissent dans 30 jours."
        action={
          <a class="btn" href="/accompagnement/nouveau">
            Nouvelle personne
          </a>
        }
      />
      <p>
        {all ? (
          <a href="/accompagnement">Voir seulement mes personnes</a>
        ) : (
          <a href="/accompagnement?tous=1">Voir toute la coopérative</a>
        )}{' '}
        · {rows.length} personne(s), {alerts} avec alerte · <a href="/reunions">Réunions d'information</a> ·{' '}
        <a href="/ateliers">Ateliers</a>
        {actor.roles.includes('director') ? (
          <>
            {' '}
            · <a href="/accompagnement/parametres">Paramètres des étapes</a>
          </>
        ) : null}
      </p>
      <form method="get" action="/accompagnement" class="filters">
        {all ? <input type="hidden" name="tous" value="1" /> : null}
        <div class="form-grid">
          <Select
            label="Étape"
            name="etape"
            value={stage ?? ''}
            options={[
              ['', 'Toutes'],
              ...STAGES.filter((s) => s !== 'exit').map((s) => [s, labels[s].label] as [string, string]),
            ]}
          />
          <Select
            label="Alerte"
            name="alerte"
            value={alert ?? ''}
            options={[['', 'Toutes'], ...(Object.entries(ALERT_TYPES) as [string, string][])]}
          />
          <Select
            label="Suivi par"
            name="suivi"
            value={c.req.query('suivi') ?? ''}
            options={[['', all ? 'Tout le monde' : 'Moi'], ...supports]}
          />
        </div>
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>{' '}
        <a href={`/accompagnement/export.csv${params.toString() ? `?${params}` : ''}`}>Exporter (CSV)</a>
      </form>
      {shown.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Personne</th>
              <th>Étape</th>
              <th>Dernier contact</th>
              <th>Prochain rendez-vous</th>
              <th>Alertes</th>
              {all ? <th>Suivi par</th> : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr>
                <td data-label="Personne">
                  <a href={`/accompagnement/${r.journey.id}`}>{r.journey.displayName}</a>
                </td>
                <td data-label="Étape">
                  <Badge status={STAGE_TONE[r.journey.stage]} label={labels[r.journey.stage].label} />
                </td>
                <td data-label="Dernier contact">{r.lastContact ? formatDate(parisDate(r.lastContact)) : '—'}</td>
                <td data-label="Prochain rendez-vous">
                  {r.nextAppointment ? (
                    dt(r.nextAppointment)
                  ) : (
                    <a href={`/accompagnement/${r.journey.id}#rdv`}>Planifier</a>
                  )}
                </td>
                <td data-label="Alertes">
                  {r.alerts.map((a) => (
                    <span class="badge badge-danger">{a}</span>
                  ))}
                </td>
                {all ? <td data-label="Suivi par">{r.supportName ?? '—'}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title={stage || alert ? 'Personne ne correspond à ces filtres.' : "Personne à suivre pour l'instant."}
          action={
            <a class="btn" href="/accompagnement/nouveau">
              Ajouter une personne
            </a>
          }
        />
      )}
      {pages > 1 ? (
        <nav class="pagination" aria-label="Pages">
          {page > 1 ? <a href={link(page - 1)}>← Précédente</a> : null} Page {page} sur {pages}{' '}
          {page < pages ? <a href={link(page + 1)}>Suivante →</a> : null}
        </nav>
      ) : null}
    </Layout>,
  );
});

async function newPersonPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const actor = actorOf(c);
  const [members, supports] = await tenant(
    c,
    async (trx) => [await membersWithoutJourney(trx, actor), await staffOptions(trx, actor)] as const,
  );
  const v: Record<string, string> = { startedOn: todayParis(), supportUserId: actor.userId ?? '', ...values };
  const e = errors ?? {};
  return c.html(
    <Layout c={c} title="Nouvelle personne">
      <PageHeader
        title="Nouvelle personne"
        help="Un contact (prospect) ou un membre déjà inscrit sur Radieuse. Le parcours commence à l'étape « Premier contact »."
      />
      <Card>
        <form method="post" action="/accompagnement/nouveau" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <Select
            label="Membre déjà inscrit (facultatif)"
            name="userId"
            value={v.userId}
            error={e.userId}
            options={[['', '— contact sans compte —'], ...members]}
          />
          <Field label="Nom et prénom" name="displayName" value={v.displayName} error={e.displayName} required />
          <Field label="E-mail" name="email" type="email" value={v.email} error={e.email} />
          <Field label="Téléphone" name="phone" value={v.phone} error={e.phone} />
          <Select
            label="Chargé·e d'accompagnement"
            name="supportUserId"
            value={v.supportUserId}
            options={[['', '— personne —'], ...supports]}
          />
          <Field
            label="Date du premier contact"
            name="startedOn"
            type="date"
            value={v.startedOn}
            error={e.startedOn}
            required
          />
          <TextArea label="Commentaire" name="comment" value={v.comment} />
          <button type="submit">Ouvrir le parcours</button>
        </form>
      </Card>
    </Layout>,
    errors ? 400 : 200,
  );
}
journeysRoutes.get('/accompagnement/nouveau', (c) => {
  requireRole(actorOf(c), ...STAFF);
  return newPersonPage(c);
});
journeysRoutes.post('/accompagnement/nouveau', async (c) => {
  const f = await formValues(c);
  try {
    const j = await tenant(c, async (trx, actor) => {
      let name = f.displayName ?? '';
      if (f.userId && !name.trim())
        name =
          (await trx.selectFrom('user_account').select('display_name').where('id', '=', f.userId).executeTakeFirst())
            ?.display_name ?? '';
      return createJourney(trx, actor, {
        displayName: name,
        email: f.email || null,
        phone: f.phone || null,
        userId: f.userId || null,
        supportUserId: f.supportUserId || null,
        startedOn: f.startedOn ?? '',
        comment: f.comment || null,
      });
    });
    setFlash(c, { kind: 'success', text: 'Parcours ouvert.' });
    return c.redirect(`/accompagnement/${j.id}`);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return newPersonPage(c, f, errors);
  }
});

// --- stage settings -------------------------------------------------------------------------
async function settingsPage(c: Ctx, errors: Record<string, string> | null = null) {
  const actor = actorOf(c);
  requireRole(actor, 'director', 'network_admin');
  const cfg = await tenant(c, (trx) => stageConfig(trx, actor));
  return c.html(
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
              <legend>{cfg[s].label}</legend>
              <Field label="Libellé" name={`label_${s}`} value={cfg[s].label} error={errors?.[`label_${s}`]} />
              <TextArea
                label="Documents demandés"
                name={`docs_${s}`}
                value={cfg[s].requiredDocuments.join('\n')}
                rows={3}
              />
            </fieldset>
          ))}
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </Layout>,
    errors ? 400 : 200,
  );
}
journeysRoutes.get('/accompagnement/parametres', (c) => settingsPage(c));
journeysRoutes.post('/accompagnement/parametres', async (c) => {
  const f = await formValues(c);
  const errors: Record<string, string> = {};
  for (const s of STAGES)
    if ((f[`label_${s}`] ?? '').trim().length < 2) errors[`label_${s}`] = "Indiquez le libellé de l'étape.";
  if (Object.keys(errors).length) return settingsPage(c, errors);
  await tenant(c, async (trx, actor) => {
    for (const s of STAGES)
      await saveStageConfig(trx, actor, s, {
        label: f[`label_${s}`]!,
        requiredDocuments: (f[`docs_${s}`] ?? '').split(/\r?\n/),
      });
  });
  setFlash(c, { kind: 'success', text: 'Étapes enregistrées.' });
  return c.redirect('/accompagnement/parametres');
});

// --- person page ----------------------------------------------------------------------------
journeysRoutes.get('/mon-parcours', async (c) => {
  const actor = actorOf(c);
  const j = await tenant(c, (trx) => journeyOfUser(trx, actor, actor.userId ?? ''));
  if (j) return c.redirect(`/accompagnement/${j.id}`);
  return c.html(
    <Layout c={c} title="Mon parcours">
      <PageHeader title="Mon parcours" />
      <EmptyState
        title="Votre parcours n'est pas encore ouvert."
        text="Votre chargé·e d'accompagnement l'ouvrira lors de votre premier rendez-vous."
      />
    </Layout>,
  );
});

interface PersonForms {
  correction?: { values: Record<string, string>; errors: Record<string, string> };
  transition?: { values: Record<string, string>; errors: Record<string, string> };
  appointment?: { values: Record<string, string>; errors: Record<string, string> };
  document?: { values: Record<string, string>; errors: Record<string, string> };
}
async function personPage(c: Ctx, id: string, forms: PersonForms = {}) {
  const actor = actorOf(c);
  const staff = isStaff(actor);
  if (!isUuid(id)) throw new NotFoundError('Parcours');
  const data = await tenant(c, async (trx) => {
    const j = await getJourney(trx, actor, id);
    const [history, cfg, docs, appts, supports] = [
      await journeyHistory(trx, actor, id),
      await stageConfig(trx, actor),
      await listDocuments(trx, actor, id),
      await listAppointments(trx, actor, { journeyId: id }),
      staff ? await staffOptions(trx, actor) : [],
    ];
    const hours = j.userId ? await attendedHours(trx, actor, j.userId) : null;
    return { j, history, cfg, docs, appts, supports, hours };
  });
  const { j, history, cfg, docs, appts, hours } = data;
  const today = todayParis();
  const list = checklist(j, history, cfg, docs, today);
  const tv: Record<string, string> = { effectiveOn: today, ...(forms.transition?.values ?? {}) };
  const te = forms.transition?.errors ?? {};
  const start = nowHour();
  const av: Record<string, string> = {
    date: today,
    start,
    end: plusHour(start),
    subject: 'Rendez-vous de suivi',
    place: 'Locaux de la coopérative',
    status: 'done',
    ...(forms.appointment?.values ?? {}),
  };
  const ae = forms.appointment?.errors ?? {};
  const dv: Record<string, string> = { stage: j.stage, visibility: 'person', ...(forms.document?.values ?? {}) };
  const de = forms.document?.errors ?? {};
  const next = TRANSITIONS[j.stage];
  type Ev = { at: string; text: string; detail?: string | null; href?: string };
  const timeline: Ev[] = [
    ...history.map((h) => ({
      at: h.effectiveOn,
      text: h.data.reverses
        ? `Correction : retour à « ${cfg[h.to].label} » — par ${h.authorLabel}`
        : h.from === 'cape' && h.to === 'cape'
          ? `CAPE renouvelé jusqu'au ${formatDate(String(h.data.capeEnd))}`
          : `${cfg[h.to].label}${h.exitReason ? ` (${EXIT_REASON_LABELS[h.exitReason]})` : ''}${h.to === 'cape' && h.data.capeEnd ? ` du ${formatDate(String(h.data.capeStart))} au ${formatDate(String(h.data.capeEnd))}` : ''} — par ${h.authorLabel}`,
      detail: h.comment,
    })),
    ...appts.map((a) => ({
      at: parisDate(a.startsAt),
      text: `Rendez-vous : ${a.subject} avec ${a.supportName}${a.status === 'cancelled' ? ' (annulé)' : ''}`,
      href: `/rendez-vous/${a.id}`,
    })),
    ...docs.map((d) => ({ at: parisDate(d.createdAt), text: `Document déposé : ${d.kind}` })),
  ].sort((x, y) => y.at.localeCompare(x.at));
  const status = forms.transition || forms.appointment || forms.document || forms.correction ? 400 : 200;
  const ce = forms.correction?.errors ?? {};
  return c.html(
    <Layout c={c} title={j.displayName} wide>
      <PageHeader
        title={j.displayName}
        help={`${cfg[j.stage].label} depuis le ${formatDate(j.stageSince)}${j.stage === 'cape' && j.capeEnd ? ` · CAPE jusqu'au ${formatDate(j.capeEnd)}${j.capeRenewals ? ` (renouvelé ${j.capeRenewals} fois)` : ''}` : ''}${j.exitReason ? ` · ${EXIT_REASON_LABELS[j.exitReason]}` : ''}`}
      />
      <p>
        {[j.email, j.phone].filter(Boolean).join(' · ')}
        {hours ? ` · Ateliers suivis : ${hours.sessions} (${hours.hours} h)` : ''}
      </p>
      {staff ? (
        <Card title="Faire avancer le parcours">
          <form method="post" action={`/accompagnement/${j.id}/etape`} novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={forms.transition?.errors} />
            <Select
              label="Nouvelle étape"
              name="to"
              value={tv.to ?? next[0]}
              error={te.to}
              options={next.map((s) => [s, s === 'cape' && j.stage === 'cape' ? 'Renouveler le CAPE' : cfg[s].label])}
            />
            <Field label="Date" name="effectiveOn" type="date" value={tv.effectiveOn} error={te.effectiveOn} required />
            {next.includes('cape') ? (
              <>
                <Field
                  label="Début du CAPE (si nouveau CAPE)"
                  name="capeStart"
                  type="date"
                  value={tv.capeStart}
                  error={te.capeStart}
                />
                <Field
                  label="Fin du CAPE"
                  name="capeEnd"
                  type="date"
                  value={tv.capeEnd}
                  error={te.capeEnd}
                  hint="Obligatoire pour un CAPE ou un renouvellement"
                />
              </>
            ) : null}
            {next.includes('exit') ? (
              <Select
                label="Motif de sortie (si sortie)"
                name="exitReason"
                value={tv.exitReason ?? ''}
                error={te.exitReason}
                options={[['', '—'], ...EXIT_REASONS.map((r) => [r, EXIT_REASON_LABELS[r]] as [string, string])]}
              />
            ) : null}
            <TextArea label="Commentaire" name="comment" value={tv.comment} rows={2} />
            <button type="submit">Enregistrer l'étape</button>
          </form>
        </Card>
      ) : null}
      {staff ? (
        <Card title="Corriger le suivi">
          <form method="post" action={`/accompagnement/${j.id}/suivi`} novalidate>
            <Csrf token={c.get('csrf')} />
            <Select
              label="Chargé·e d'accompagnement"
              name="supportUserId"
              value={j.supportUserId ?? ''}
              error={ce.supportUserId}
              options={[['', '— personne —'], ...data.supports]}
            />
            <button type="submit" class="btn-secondary">
              Changer
            </button>
          </form>
          {history.length > 1 ? (
            <form method="post" action={`/accompagnement/${j.id}/annuler-etape`} novalidate>
              <Csrf token={c.get('csrf')} />
              <FormErrorSummary errors={forms.correction?.errors} />
              <TextArea
                label="Annuler la dernière étape : pourquoi ?"
                name="reverseComment"
                value={forms.correction?.values.reverseComment}
                error={ce.reverseComment}
                rows={2}
                hint="L'étape n'est pas effacée : une correction est ajoutée à l'historique."
              />
              <button type="submit" class="btn-secondary">
                Annuler la dernière étape
              </button>
            </form>
          ) : null}
        </Card>
      ) : null}
      <Card title="Documents">
        {list.length ? (
          <ul class="checklist">
            {list.map((i) => (
              <li>
                {i.state === 'ok' ? '✓' : i.state === 'missing' ? '○' : '⚠'} {i.kind}{' '}
                <span class="muted">({cfg[i.stage].label})</span>{' '}
                {i.state === 'missing' ? (
                  <span class="badge badge-warn">à fournir</span>
                ) : i.state === 'expired' ? (
                  <span class="badge badge-danger">expiré le {formatDate(i.document!.expiresOn)}</span>
                ) : i.state === 'expiring' ? (
                  <span class="badge badge-warn">expire le {formatDate(i.document!.expiresOn)}</span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucun document demandé à ce stade.</p>
        )}
        {docs.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Document</th>
                <th>Fichier</th>
                <th>Expire le</th>
                {staff ? <th>Visible par</th> : null}
              </tr>
            </thead>
            <tbody>
              {docs.map((d) => (
                <tr>
                  <td data-label="Document">{d.kind}</td>
                  <td data-label="Fichier">
                    <a href={`/documents-parcours/${d.id}`}>{d.fileName}</a>
                  </td>
                  <td data-label="Expire le">{formatDate(d.expiresOn)}</td>
                  {staff ? (
                    <td data-label="Visible par">
                      {d.visibility === 'staff' ? "L'équipe seulement" : "La personne et l'équipe"}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <form method="post" action={`/accompagnement/${j.id}/documents`} enctype="multipart/form-data" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={forms.document?.errors} />
          <Field
            label="Type de document"
            name="kind"
            value={dv.kind}
            error={de.kind}
            hint={
              list
                .filter((i) => i.state !== 'ok')
                .map((i) => i.kind)
                .join(', ') || undefined
            }
            required
          />
          <Select
            label="Étape"
            name="stage"
            value={dv.stage}
            error={de.stage}
            options={STAGES.map((s) => [s, cfg[s].label])}
          />
          <Field label="Date d'expiration" name="expiresOn" type="date" value={dv.expiresOn} error={de.expiresOn} />
          {staff ? (
            <Select
              label="Qui peut le voir"
              name="visibility"
              value={dv.visibility}
              error={de.visibility}
              options={[
                ['person', "La personne et l'équipe"],
                ['staff', "L'équipe seulement"],
              ]}
            />
          ) : null}
          <div class={`field${de.file ? ' has-error' : ''}`}>
            <label for="f-file">Fichier (PDF ou image, 15 Mo au plus)</label>
            <input id="f-file" type="file" name="file" accept="application/pdf,image/*" />
            {de.file ? (
              <p class="error" role="alert">
                {de.file}
              </p>
            ) : null}
          </div>
          <button type="submit" class="btn-secondary">
            Déposer
          </button>
        </form>
      </Card>
      <Card title="Rendez-vous">
        <div id="rdv"></div>
        {appts.length ? (
          <ul>
            {appts.map((a) => (
              <li>
                <a href={`/rendez-vous/${a.id}`}>
                  {dt(a.startsAt)} — {a.subject}
                </a>{' '}
                avec {a.supportName}
                {a.status === 'cancelled' ? ' (annulé)' : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucun rendez-vous.</p>
        )}
        {staff ? (
          <form method="post" action="/rendez-vous" novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={forms.appointment?.errors} />
            <input type="hidden" name="journeyId" value={j.id} />
            <h3>Enregistrer un rendez-vous</h3>
            <div class="form-grid">
              <Field label="Objet" name="subject" value={av.subject} error={ae.subject} required />
              <Field label="Date" name="date" type="date" value={av.date} error={ae.date} required />
              <Field label="Début" name="start" type="time" value={av.start} error={ae.start} required />
              <Field label="Fin" name="end" type="time" value={av.end} error={ae.end} required />
              <Field label="Lieu" name="place" value={av.place} error={ae.place} />
              <Field
                label="Lien de visioconférence"
                name="videoUrl"
                value={av.videoUrl}
                error={ae.videoUrl}
                placeholder="https://…"
              />
              <Select
                label="Statut"
                name="status"
                value={av.status}
                options={[
                  ['done', 'Déjà eu lieu'],
                  ['planned', 'À venir'],
                ]}
              />
            </div>
            <TextArea label="Note (partagée avec la personne)" name="note" value={av.note} error={ae.note} rows={3} />
            <Checkbox
              label="Note interne : réservée à l'équipe d'accompagnement"
              name="noteInternal"
              checked={av.noteInternal === 'on'}
            />
            <button type="submit">Enregistrer le rendez-vous</button>
          </form>
        ) : (
          <p>
            <a href="/rendez-vous">Réserver un créneau</a>
          </p>
        )}
      </Card>
      <Card title="Historique">
        <ol class="timeline">
          {timeline.map((t) => (
            <li>
              <time datetime={t.at}>{formatDate(t.at)}</time> — {t.href ? <a href={t.href}>{t.text}</a> : t.text}
              {t.detail ? <p class="muted">{t.detail}</p> : null}
            </li>
          ))}
        </ol>
      </Card>
    </Layout>,
    status,
  );
}
journeysRoutes.get('/accompagnement/:id', (c) => personPage(c, c.req.param('id')));
journeysRoutes.post('/accompagnement/:id/etape', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, actor) =>
      transitionJourney(trx, actor, id, {
        to: f.to as Stage,
        effectiveOn: f.effectiveOn ?? '',
        comment: f.comment || null,
        exitReason: (f.exitReason || null) as any,
        capeStart: f.capeStart || null,
        capeEnd: f.capeEnd || null,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { transition: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: 'Étape enregistrée.' });
  return c.redirect(`/accompagnement/${id}`);
});
journeysRoutes.post('/accompagnement/:id/suivi', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, actor) => setSupportMember(trx, actor, id, f.supportUserId || null));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { correction: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: "Chargé·e d'accompagnement modifié·e." });
  return c.redirect(`/accompagnement/${id}`);
});
journeysRoutes.post('/accompagnement/:id/annuler-etape', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, actor) => reverseLastTransition(trx, actor, id, { comment: f.reverseComment ?? '' }));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { correction: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: "Dernière étape annulée : la correction figure dans l'historique." });
  return c.redirect(`/accompagnement/${id}`);
});
journeysRoutes.post('/accompagnement/:id/documents', async (c) => {
  const id = c.req.param('id');
  const body = await c.req.parseBody();
  const f = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const file = body.file;
  try {
    if (!(file instanceof File) || file.size === 0) throw new UserError('Choisissez un fichier.', 'file');
    const content = Buffer.from(await file.arrayBuffer());
    await tenant(c, (trx, actor) =>
      addDocument(trx, actor, c.get('app').config.fileKey, id, {
        stage: f.stage ?? '',
        kind: f.kind ?? '',
        expiresOn: f.expiresOn || null,
        visibility: f.visibility,
        fileName: file.name,
        mimeType: file.type,
        content,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { document: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: 'Document déposé.' });
  return c.redirect(`/accompagnement/${id}`);
});
journeysRoutes.get('/documents-parcours/:id', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Document');
  const f = await tenant(c, (trx, actor) => readDocument(trx, actor, c.get('app').config.fileKey, id));
  return c.body(new Uint8Array(f.content), 200, {
    'Content-Type': f.mimeType,
    'Content-Disposition': `attachment; filename="${encodeURIComponent(f.name)}"`,
    'Cache-Control': 'private, no-store',
  });
});

// --- appointments ---------------------------------------------------------------------------
journeysRoutes.post('/rendez-vous', async (c) => {
  const f = await formValues(c);
  try {
    const a = await tenant(c, async (trx, actor) => {
      const appt = await createAppointment(trx, actor, {
        journeyId: f.journeyId ?? '',
        subject: f.subject ?? '',
        date: f.date ?? '',
        start: f.start ?? '',
        end: f.end ?? '',
        place: f.place || null,
        videoUrl: f.videoUrl || null,
        note: f.note || null,
        noteInternal: f.noteInternal === 'on',
        status: f.status === 'planned' ? 'planned' : 'done',
      });
      await sendAppointmentConfirmation(trx, actor, appt.id, c.get('app').config.publicUrl);
      return appt;
    });
    setFlash(c, { kind: 'success', text: 'Rendez-vous enregistré.' });
    return c.redirect(`/accompagnement/${a.journeyId}`);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors || !isUuid(f.journeyId ?? '')) throw e;
    return personPage(c, f.journeyId!, { appointment: { values: f, errors } });
  }
});

journeysRoutes.get('/rendez-vous', async (c) => {
  const actor = actorOf(c);
  const staff = isStaff(actor);
  const from = new Date(Date.now() - 30 * 86400000);
  const [appts, slots, journey] = await tenant(
    c,
    async (trx) =>
      [
        await listAppointments(
          trx,
          actor,
          staff ? { supportUserId: actor.roles.includes('support') ? actor.userId! : undefined, from } : { mine: true },
        ),
        await freeSlots(trx, actor, staff && actor.roles.includes('support') ? { supportUserId: actor.userId } : {}),
        staff ? null : await journeyOfUser(trx, actor, actor.userId ?? ''),
      ] as const,
  );
  const start = nowHour();
  return c.html(
    <Layout c={c} title="Rendez-vous">
      <PageHeader
        title="Rendez-vous"
        help={
          staff
            ? 'Vos rendez-vous et vos créneaux libres, que les entrepreneur·es peuvent réserver eux-mêmes.'
            : "Vos rendez-vous avec votre chargé·e d'accompagnement, et les créneaux libres à réserver."
        }
        action={
          <a class="btn-secondary btn" href="/calendrier">
            Mon agenda (ICS)
          </a>
        }
      />
      <Card title="Rendez-vous">
        {appts.length ? (
          <ul>
            {appts.map((a) => (
              <li>
                <a href={`/rendez-vous/${a.id}`}>
                  {dt(a.startsAt)} — {a.subject}
                </a>{' '}
                · {staff ? a.personName : a.supportName}
                {a.status === 'cancelled' ? ' (annulé)' : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucun rendez-vous.</p>
        )}
      </Card>
      <Card title="Créneaux libres">
        {slots.length ? (
          <ul>
            {slots.map((s) => (
              <li>
                {dt(s.startsAt)}–{parisTime(s.endsAt)} · {s.supportName} · {s.place ?? 'Visioconférence'}
                {!staff && journey ? (
                  <form method="post" action={`/creneaux/${s.id}/reserver`} class="inline">
                    <Csrf token={c.get('csrf')} />
                    <label class="sr-only" for={`subj-${s.id}`}>
                      Objet
                    </label>
                    <input id={`subj-${s.id}`} name="subject" value="Point d'étape" />
                    <button type="submit" class="btn-small">
                      Réserver
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucun créneau libre pour l'instant.</p>
        )}
        {actor.roles.includes('support') ? (
          <form method="post" action="/creneaux" novalidate>
            <Csrf token={c.get('csrf')} />
            <h3>Proposer un créneau</h3>
            <div class="form-grid">
              <Field label="Date" name="date" type="date" value={addDays(todayParis(), 1)} required />
              <Field label="Début" name="start" type="time" value={start} required />
              <Field label="Fin" name="end" type="time" value={plusHour(start)} required />
              <Field label="Lieu" name="place" value="Locaux de la coopérative" />
              <Field label="Lien de visioconférence" name="videoUrl" placeholder="https://…" />
            </div>
            <button type="submit" class="btn-secondary">
              Ajouter le créneau
            </button>
          </form>
        ) : null}
      </Card>
    </Layout>,
  );
});
journeysRoutes.post('/creneaux', async (c) => {
  const f = await formValues(c);
  await tenant(c, (trx, actor) =>
    createSlot(trx, actor, {
      date: f.date ?? '',
      start: f.start ?? '',
      end: f.end ?? '',
      place: f.place || null,
      videoUrl: f.videoUrl || null,
    }),
  );
  setFlash(c, { kind: 'success', text: 'Créneau ajouté.' });
  return c.redirect('/rendez-vous');
});
journeysRoutes.post('/creneaux/:id/reserver', async (c) => {
  const f = await formValues(c);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Créneau');
  const a = await tenant(c, async (trx, actor) => {
    const appt = await bookSlot(trx, actor, id, f.subject ?? '');
    await sendAppointmentConfirmation(trx, actor, appt.id, c.get('app').config.publicUrl);
    return appt;
  });
  setFlash(c, {
    kind: 'success',
    text: "Rendez-vous réservé : la confirmation vous est envoyée par e-mail, avec l'invitation pour votre agenda.",
  });
  return c.redirect(`/rendez-vous/${a.id}`);
});

journeysRoutes.get('/rendez-vous/:id', async (c) => {
  const actor = actorOf(c);
  const staff = isStaff(actor);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Rendez-vous');
  const [a, notes, actions] = await tenant(
    c,
    async (trx) =>
      [
        await getAppointment(trx, actor, id),
        await appointmentNotes(trx, actor, id),
        await appointmentActions(trx, actor, id),
      ] as const,
  );
  return c.html(
    <Layout c={c} title="Rendez-vous">
      <PageHeader
        title={`${a.subject}`}
        help={`${dt(a.startsAt)}–${parisTime(a.endsAt)} · ${a.personName} avec ${a.supportName}`}
        action={
          <a class="btn btn-secondary" href={`/rendez-vous/${a.id}/invitation.ics`}>
            Ajouter à mon agenda
          </a>
        }
      />
      <p>
        {a.place ? `Lieu : ${a.place}` : null}
        {a.videoUrl ? (
          <>
            {' '}
            Visioconférence :{' '}
            <a href={a.videoUrl} rel="noopener noreferrer">
              {a.videoUrl}
            </a>
          </>
        ) : null}
        {a.status === 'cancelled' ? ' · Annulé' : ''}
      </p>
      {staff ? (
        <p>
          <a href={`/accompagnement/${a.journeyId}`}>Voir le parcours de {a.personName}</a>
        </p>
      ) : null}
      <Card title="Notes">
        {notes.length ? (
          notes.map((n) => (
            <article class="note">
              <p>
                {n.internal ? <span class="badge badge-warn">Interne</span> : null} <strong>{n.authorLabel}</strong> ·{' '}
                {formatDateTime(n.createdAt)}
              </p>
              <p class="note-body">{n.body}</p>
            </article>
          ))
        ) : (
          <p class="muted">Aucune note.</p>
        )}
        {staff ? (
          <form method="post" action={`/rendez-vous/${a.id}/notes`} novalidate>
            <Csrf token={c.get('csrf')} />
            <TextArea label="Nouvelle note" name="body" rows={3} />
            <Checkbox label="Note interne : réservée à l'équipe d'accompagnement" name="internal" />
            <button type="submit" class="btn-secondary">
              Ajouter la note
            </button>
          </form>
        ) : null}
      </Card>
      <Card title="Actions à mener">
        {actions.length ? (
          <ul>
            {actions.map((x) => (
              <li>
                {x.doneAt ? '✓ ' : ''}
                {x.label} · {x.owner === 'person' ? a.personName : a.supportName}
                {x.dueOn ? ` · avant le ${formatDate(x.dueOn)}` : ''}
                {!x.doneAt ? (
                  <form method="post" action={`/rendez-vous/actions/${x.id}/fait`} class="inline">
                    <Csrf token={c.get('csrf')} />
                    <button type="submit" class="btn-small">
                      Fait
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucune action.</p>
        )}
        {staff ? (
          <form method="post" action={`/rendez-vous/${a.id}/actions`} novalidate>
            <Csrf token={c.get('csrf')} />
            <div class="form-grid">
              <Field label="Action" name="label" />
              <Select
                label="Qui"
                name="owner"
                options={[
                  ['person', a.personName],
                  ['support', a.supportName],
                ]}
              />
              <Field label="Échéance" name="dueOn" type="date" />
            </div>
            <button type="submit" class="btn-secondary">
              Ajouter l'action
            </button>
          </form>
        ) : null}
      </Card>
      {a.status === 'planned' ? (
        <form method="post" action={`/rendez-vous/${a.id}/annuler`}>
          <Csrf token={c.get('csrf')} />
          <button type="submit" class="btn-secondary" data-confirm="Annuler ce rendez-vous ?">
            Annuler le rendez-vous
          </button>
        </form>
      ) : null}
    </Layout>,
  );
});
journeysRoutes.post('/rendez-vous/:id/notes', async (c) => {
  const f = await formValues(c);
  const id = c.req.param('id');
  await tenant(c, (trx, actor) => addNote(trx, actor, id, f.body ?? '', f.internal === 'on'));
  setFlash(c, { kind: 'success', text: 'Note ajoutée.' });
  return c.redirect(`/rendez-vous/${id}`);
});
journeysRoutes.post('/rendez-vous/:id/actions', async (c) => {
  const f = await formValues(c);
  const id = c.req.param('id');
  await tenant(c, (trx, actor) =>
    addAction(trx, actor, id, { label: f.label ?? '', owner: f.owner ?? '', dueOn: f.dueOn || null }),
  );
  setFlash(c, { kind: 'success', text: 'Action ajoutée.' });
  return c.redirect(`/rendez-vous/${id}`);
});
journeysRoutes.post('/rendez-vous/actions/:id/fait', async (c) => {
  const id = c.req.param('id');
  const appt = await tenant(c, async (trx, actor) => {
    await completeAction(trx, actor, id);
    return (
      await trx
        .selectFrom('appointment_action')
        .select('appointment_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', '=', id)
        .executeTakeFirst()
    )?.appointment_id;
  });
  return c.redirect(`/rendez-vous/${appt}`);
});
journeysRoutes.post('/rendez-vous/:id/annuler', async (c) => {
  const id = c.req.param('id');
  await tenant(c, (trx, actor) => setAppointmentStatus(trx, actor, id, 'cancelled'));
  setFlash(c, { kind: 'success', text: 'Rendez-vous annulé.' });
  return c.redirect(`/rendez-vous/${id}`);
});
journeysRoutes.get('/rendez-vous/:id/invitation.ics', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Rendez-vous');
  const a = await tenant(c, (trx, actor) => getAppointment(trx, actor, id));
  return c.body(icsCalendar('Rendez-vous Radieuse', [appointmentEvent(a, c.get('app').config.publicUrl)]), 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': 'attachment; filename="rendez-vous.ics"',
  });
});

// --- calendar feed --------------------------------------------------------------------------
journeysRoutes.get('/calendrier', async (c) => {
  const exists = await tenant(c, (trx, actor) => hasFeed(trx, actor));
  return c.html(
    <Layout c={c} title="Mon agenda">
      <PageHeader
        title="Mon agenda dans votre calendrier"
        help="Un lien secret à ajouter dans votre calendrier (Agenda Google, Outlook, Thunderbird…) : vos rendez-vous et ateliers y apparaissent automatiquement. Ne le partagez pas."
      />
      <Card>
        <p>
          {exists
            ? "Un lien existe déjà. Pour des raisons de sécurité il n'est affiché qu'à sa création : créez-en un nouveau si vous l'avez perdu (l'ancien cessera de fonctionner)."
            : "Vous n'avez pas encore de lien."}
        </p>
        <form method="post" action="/calendrier/lien">
          <Csrf token={c.get('csrf')} />
          <button type="submit">{exists ? 'Créer un nouveau lien' : 'Créer mon lien'}</button>
        </form>
      </Card>
    </Layout>,
  );
});
journeysRoutes.post('/calendrier/lien', async (c) => {
  const token = await tenant(c, (trx, actor) => renewFeedToken(trx, actor));
  const url = `${c.get('app').config.publicUrl}/calendrier/${token}.ics`;
  return c.html(
    <Layout c={c} title="Mon agenda">
      <PageHeader
        title="Votre lien d'agenda"
        help="Copiez-le maintenant dans votre calendrier (« s'abonner à un calendrier par URL ») : il ne sera plus affiché."
      />
      <Card>
        <p>
          <input readonly value={url} aria-label="Lien de l'agenda" size={80} />
        </p>
        <p>
          <a href={url.replace(/^https?:/, 'webcal:')}>Ouvrir dans mon calendrier</a>
        </p>
      </Card>
    </Layout>,
  );
});
journeysRoutes.get('/calendrier/:file', async (c) => {
  const file = c.req.param('file');
  if (!file.endsWith('.ics')) return c.notFound();
  const body = await calendarFeed(db(c), file.slice(0, -4), c.get('app').config.publicUrl);
  if (!body) return c.text('Calendrier introuvable.', 404);
  return c.body(body, 200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, max-age=300' });
});

// --- workshops ------------------------------------------------------------------------------
async function workshopsPage(
  c: Ctx,
  values: Record<string, string> | null = null,
  errors: Record<string, string> | null = null,
) {
  const actor = actorOf(c);
  const staff = isStaff(actor);
  const sv: Record<string, string> = {
    date: addDays(todayParis(), 7),
    start: '09:30',
    end: '12:00',
    place: 'Locaux de la coopérative',
    capacity: '12',
    ...(values ?? {}),
  };
  const se = errors ?? {};
  const [sessions, themes] = await tenant(
    c,
    async (trx) =>
      [
        await listSessions(trx, actor, { from: staff ? new Date(Date.now() - 60 * 86400000) : new Date() }),
        staff ? await listThemes(trx, actor) : [],
      ] as const,
  );
  const now = new Date();
  return c.html(
    <Layout c={c} title="Ateliers" wide>
      <PageHeader
        title="Ateliers"
        help="Les ateliers collectifs de la coopérative. Inscrivez-vous en un clic ; si c'est complet, vous passez en liste d'attente et êtes inscrit·e automatiquement si une place se libère."
      />
      {sessions.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Atelier</th>
              <th>Lieu</th>
              <th>Places</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td data-label="Date">
                  {dt(s.startsAt)}–{parisTime(s.endsAt)}
                </td>
                <td data-label="Atelier">
                  <a href={`/ateliers/${s.id}`}>{s.themeName}</a>
                </td>
                <td data-label="Lieu">{s.place}</td>
                <td data-label="Places">
                  {s.registered}/{s.capacity}
                  {s.waiting ? ` · ${s.waiting} en attente` : ''}
                </td>
                <td>
                  {s.startsAt > now ? (
                    s.myStatus === 'registered' || s.myStatus === 'waiting' ? (
                      <form method="post" action={`/ateliers/${s.id}/desinscription`}>
                        <Csrf token={c.get('csrf')} />
                        <span>{s.myStatus === 'registered' ? 'Inscrit·e' : "En liste d'attente"}</span>{' '}
                        <button type="submit" class="btn-small btn-secondary">
                          Se désinscrire
                        </button>
                      </form>
                    ) : (
                      <form method="post" action={`/ateliers/${s.id}/inscription`}>
                        <Csrf token={c.get('csrf')} />
                        <button type="submit" class="btn-small">
                          {s.registered >= s.capacity ? "Liste d'attente" : "S'inscrire"}
                        </button>
                      </form>
                    )
                  ) : staff ? (
                    <a href={`/ateliers/${s.id}`}>
                      {s.attendanceRecordedAt ? 'Présences saisies' : 'Saisir les présences'}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucun atelier programmé." />
      )}
      {staff ? (
        <Card title="Programmer une séance">
          <form method="post" action="/ateliers/seances" novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={errors} />
            <div class="form-grid">
              <Select
                label="Thème"
                name="themeId"
                value={sv.themeId}
                error={se.themeId}
                options={themes.map((t) => [t.id, t.name])}
              />
              <Field label="Date" name="date" type="date" value={sv.date} error={se.date} required />
              <Field label="Début" name="start" type="time" value={sv.start} error={se.start} required />
              <Field label="Fin" name="end" type="time" value={sv.end} error={se.end} required />
              <Field label="Lieu" name="place" value={sv.place} error={se.place} required />
              <Field
                label="Places"
                name="capacity"
                inputmode="numeric"
                value={sv.capacity}
                error={se.capacity}
                required
              />
            </div>
            <button type="submit">Programmer</button>
          </form>
          <p>
            <a href="/ateliers/heures.csv">Exporter les heures de formation de l'année (CSV)</a>
          </p>
          <form method="post" action="/ateliers/themes" novalidate>
            <Csrf token={c.get('csrf')} />
            <Field label="Nouveau thème" name="name" />
            <button type="submit" class="btn-secondary">
              Ajouter le thème
            </button>
          </form>
        </Card>
      ) : null}
    </Layout>,
    errors ? 400 : 200,
  );
}
journeysRoutes.get('/ateliers', (c) => workshopsPage(c));
journeysRoutes.post('/ateliers/themes', async (c) => {
  const f = await formValues(c);
  await tenant(c, (trx, actor) => createTheme(trx, actor, { name: f.name ?? '', description: f.description }));
  setFlash(c, { kind: 'success', text: 'Thème ajouté.' });
  return c.redirect('/ateliers');
});
journeysRoutes.post('/ateliers/seances', async (c) => {
  const f = await formValues(c);
  let id: string;
  try {
    if (f.date && isIsoDate(f.date) && f.date < todayParis())
      throw new UserError('Choisissez une date à venir.', 'date');
    id = await tenant(c, (trx, actor) =>
      createSession(trx, actor, {
        themeId: f.themeId ?? '',
        date: f.date ?? '',
        start: f.start ?? '',
        end: f.end ?? '',
        place: f.place ?? '',
        capacity: capacityOf(f.capacity),
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return workshopsPage(c, f, errors);
  }
  setFlash(c, { kind: 'success', text: 'Séance programmée.' });
  return c.redirect(`/ateliers/${id}`);
});
journeysRoutes.post('/ateliers/:id/inscription', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Séance');
  const st = await tenant(c, async (trx, actor) => {
    const r = await register(trx, actor, id);
    await sendWorkshopStatus(trx, actor, id, actor.userId!, r, c.get('app').config.publicUrl);
    return r;
  });
  setFlash(c, {
    kind: 'success',
    text: st === 'registered' ? 'Vous êtes inscrit·e.' : "L'atelier est complet : vous êtes en liste d'attente.",
  });
  return c.redirect('/ateliers');
});
journeysRoutes.post('/ateliers/:id/desinscription', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Séance');
  await tenant(c, async (trx, actor) => {
    const r = await cancelRegistration(trx, actor, id);
    if (r.promoted) await sendWorkshopStatus(trx, actor, id, r.promoted, 'promoted', c.get('app').config.publicUrl);
  });
  setFlash(c, { kind: 'success', text: 'Désinscription enregistrée.' });
  return c.redirect('/ateliers');
});
journeysRoutes.get('/ateliers/heures.csv', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const year = todayParis().slice(0, 4);
  const from = c.req.query('du') || `${year}-01-01`;
  const to = c.req.query('au') || `${year}-12-31`;
  let rows;
  try {
    rows = await tenant(c, (trx) => trainingHours(trx, actor, { from, to }));
  } catch (e) {
    if (!fieldErrors(e)) throw e;
    return c.text('Dates invalides (AAAA-MM-JJ).', 400);
  }
  const csv = toCsv(
    ['Personne', 'E-mail', 'Ateliers suivis', 'Heures de formation'],
    rows.map((r) => [r.name, r.email, r.sessions, r.hours]),
  );
  return c.body(csv, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="heures-formation-${from}-${to}.csv"`,
    'Cache-Control': 'private, no-store',
  });
});
async function sessionPage(
  c: Ctx,
  id: string,
  feedback: { values: Record<string, string>; errors: Record<string, string> } | null = null,
) {
  const actor = actorOf(c);
  const staff = isStaff(actor);
  if (!isUuid(id)) throw new NotFoundError('Séance');
  const [s, people, members, summary, fstate] = await tenant(
    c,
    async (trx) =>
      [
        await getSession(trx, actor, id),
        staff ? await participants(trx, actor, id) : [],
        staff ? (await listMembers(trx, actor, { pageSize: 10000 })).items : [],
        staff ? await feedbackSummary(trx, actor, id) : null,
        await feedbackState(trx, actor, id),
      ] as const,
  );
  const fv = feedback?.values ?? {};
  const fe = feedback?.errors ?? {};
  const scores: [string, string][] = [
    ['', '—'],
    ['5', '5 — très bien'],
    ['4', '4 — bien'],
    ['3', '3 — moyen'],
    ['2', '2 — pas vraiment'],
    ['1', '1 — pas du tout'],
  ];
  const feedbackCard =
    fstate === 'open' ? (
      <Card title="Votre avis sur l'atelier">
        <form method="post" action={`/ateliers/${id}/avis`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={feedback?.errors} />
          <p class="hint">
            Votre avis est anonyme : l'équipe ne voit que la synthèse, à partir de {FEEDBACK_MIN_ANSWERS} réponses.
          </p>
          <Select
            label="Êtes-vous satisfait·e de l'atelier ?"
            name="satisfaction"
            value={fv.satisfaction ?? ''}
            error={fe.satisfaction}
            options={scores}
          />
          <Select
            label="L'atelier vous sera-t-il utile ?"
            name="usefulness"
            value={fv.usefulness ?? ''}
            error={fe.usefulness}
            options={scores}
          />
          <TextArea label="Un commentaire (facultatif)" name="comment" value={fv.comment} error={fe.comment} rows={3} />
          <button type="submit">Envoyer mon avis</button>
        </form>
      </Card>
    ) : fstate === 'given' ? (
      <p class="muted">Merci pour votre avis sur cet atelier.</p>
    ) : null;
  const registered = people.filter((p) => p.status === 'registered');
  const waiting = people.filter((p) => p.status === 'waiting');
  const started = s.startsAt <= new Date();
  const ids = new Set(people.map((p) => p.userId));
  return c.html(
    <Layout c={c} title={s.themeName}>
      <PageHeader
        title={s.themeName}
        help={`${dt(s.startsAt)}–${parisTime(s.endsAt)} · ${s.place} · ${sessionHours(s.startsAt, s.endsAt)} h · ${s.registered}/${s.capacity} inscrit·es`}
        action={
          staff ? (
            <a class="btn btn-secondary" href={`/ateliers/${s.id}/emargement.pdf`}>
              Feuille d'émargement (PDF)
            </a>
          ) : undefined
        }
      />
      {staff ? (
        <Card title={started ? 'Présences' : 'Inscrit·es'}>
          <form method="post" action={`/ateliers/${s.id}/presences`} novalidate>
            <Csrf token={c.get('csrf')} />
            <p class="hint">
              Les personnes inscrites sont cochées : décochez les absent·es puis enregistrez, en une fois pour tout le
              groupe.
            </p>
            <fieldset>
              <legend>Inscrit·es ({registered.length})</legend>
              {registered.map((p) => (
                <div class="field checkbox">
                  <input
                    type="checkbox"
                    id={`p-${p.userId}`}
                    name="present"
                    value={p.userId}
                    checked={p.attended !== false}
                  />
                  <label for={`p-${p.userId}`}>{p.name}</label>
                </div>
              ))}
            </fieldset>
            <Select
              label="Venu·e sans inscription (facultatif)"
              name="walkIn"
              options={[
                ['', '—'],
                ...members.filter((m) => !ids.has(m.userId)).map((m) => [m.userId, m.displayName] as [string, string]),
              ]}
            />
            {started ? (
              <button type="submit">Enregistrer les présences</button>
            ) : (
              <p class="muted">Les présences se saisissent à partir du début de la séance.</p>
            )}
          </form>
          {waiting.length ? (
            <>
              <h3>Liste d'attente</h3>
              <ol>
                {waiting.map((p) => (
                  <li>{p.name}</li>
                ))}
              </ol>
            </>
          ) : null}
          {s.attendanceRecordedAt ? (
            <p class="muted">Présences enregistrées le {formatDateTime(s.attendanceRecordedAt)}.</p>
          ) : null}
        </Card>
      ) : (
        <p>
          {s.myStatus === 'registered' ? (
            'Vous êtes inscrit·e.'
          ) : s.myStatus === 'waiting' ? (
            "Vous êtes en liste d'attente."
          ) : (
            <a href="/ateliers">Retour aux ateliers</a>
          )}
        </p>
      )}
      {summary ? (
        <Card title="Avis des participant·es">
          {summary.shown ? (
            <>
              <p>
                {summary.answers} réponses · satisfaction {String(summary.satisfaction).replace('.', ',')}/5 · utilité{' '}
                {String(summary.usefulness).replace('.', ',')}/5
              </p>
              {summary.comments.length ? (
                <ul>
                  {summary.comments.map((x) => (
                    <li>{x}</li>
                  ))}
                </ul>
              ) : null}
            </>
          ) : (
            <p class="muted">
              {summary.answers} réponse(s) : la synthèse s'affiche à partir de {FEEDBACK_MIN_ANSWERS} réponses, pour que
              les avis restent anonymes.
            </p>
          )}
        </Card>
      ) : null}
      {feedbackCard}
    </Layout>,
    feedback ? 400 : 200,
  );
}
journeysRoutes.get('/ateliers/:id', (c) => sessionPage(c, c.req.param('id')));
journeysRoutes.post('/ateliers/:id/avis', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Séance');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, actor) =>
      submitFeedback(trx, actor, id, {
        satisfaction: f.satisfaction ?? '',
        usefulness: f.usefulness ?? '',
        comment: f.comment || null,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return sessionPage(c, id, { values: f, errors });
  }
  setFlash(c, { kind: 'success', text: 'Merci pour votre avis !' });
  return c.redirect(`/ateliers/${id}`);
});
journeysRoutes.post('/ateliers/:id/presences', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Séance');
  const present = await formAll(c, 'present');
  const f = await formValues(c);
  const r = await tenant(c, (trx, actor) => recordAttendance(trx, actor, id, present, f.walkIn ? [f.walkIn] : []));
  setFlash(c, {
    kind: 'success',
    text: `Présences enregistrées : ${r.present} présent·es, ${r.absent} absent·es, ${r.hours} h d'atelier au total.`,
  });
  return c.redirect(`/ateliers/${id}`);
});
journeysRoutes.get('/ateliers/:id/emargement.pdf', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Séance');
  const pdf = await tenant(c, async (trx, actor) =>
    signInSheetPdf(trx, actor, id, (await getCooperative(trx, actor.cooperativeId))!.name),
  );
  return c.body(new Uint8Array(pdf), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': 'inline; filename="emargement.pdf"',
    'Cache-Control': 'private, no-store',
  });
});

// --- info meetings (staff) ------------------------------------------------------------------
async function meetingsPage(
  c: Ctx,
  values: Record<string, string> | null = null,
  errors: Record<string, string> | null = null,
) {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const [meetings, coop] = await tenant(
    c,
    async (trx) => [await allMeetings(trx, actor), await getCooperative(trx, actor.cooperativeId)] as const,
  );
  const v: Record<string, string> = {
    date: addDays(todayParis(), 14),
    start: '14:00',
    end: '16:00',
    place: `${coop!.addressLine}, ${coop!.city}`,
    capacity: '20',
    ...(values ?? {}),
  };
  const e = errors ?? {};
  const now = new Date();
  return c.html(
    <Layout c={c} title="Réunions d'information">
      <PageHeader
        title="Réunions d'information"
        help={`Les prospects s'inscrivent sans compte sur la page publique : ${c.get('app').config.publicUrl}/reunions-information/${coop!.slug}`}
      />
      {meetings.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Lieu</th>
              <th>Inscrit·es</th>
              <th>Présent·es</th>
            </tr>
          </thead>
          <tbody>
            {meetings.map((m) => (
              <tr>
                <td data-label="Date">
                  <a href={`/reunions/${m.id}`}>{dt(m.startsAt)}</a>
                  {m.startsAt > now ? (
                    <>
                      {' '}
                      <span class="badge">à venir</span>
                    </>
                  ) : null}
                </td>
                <td data-label="Lieu">{m.place}</td>
                <td data-label="Inscrit·es">
                  {m.registered}/{m.capacity}
                </td>
                <td data-label="Présent·es">
                  {m.startsAt > now ? '—' : <a href={`/reunions/${m.id}`}>Saisir ou voir</a>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucune réunion programmée." />
      )}
      <Card title="Programmer une réunion">
        <form method="post" action="/reunions" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <div class="form-grid">
            <Field label="Date" name="date" type="date" value={v.date} error={e.date} required />
            <Field label="Début" name="start" type="time" value={v.start} error={e.start} required />
            <Field label="Fin" name="end" type="time" value={v.end} error={e.end} required />
            <Field label="Lieu" name="place" value={v.place} error={e.place} required />
            <Field label="Places" name="capacity" value={v.capacity} error={e.capacity} inputmode="numeric" required />
          </div>
          <button type="submit">Programmer</button>
        </form>
      </Card>
    </Layout>,
    errors ? 400 : 200,
  );
}
journeysRoutes.get('/reunions', (c) => meetingsPage(c));
journeysRoutes.post('/reunions', async (c) => {
  const f = await formValues(c);
  try {
    if (f.date && isIsoDate(f.date) && f.date < todayParis())
      throw new UserError('Choisissez une date à venir.', 'date');
    await tenant(c, (trx, actor) =>
      createMeeting(trx, actor, {
        date: f.date ?? '',
        start: f.start ?? '',
        end: f.end ?? '',
        place: f.place ?? '',
        capacity: capacityOf(f.capacity),
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return meetingsPage(c, f, errors);
  }
  setFlash(c, { kind: 'success', text: 'Réunion programmée : elle apparaît sur la page publique.' });
  return c.redirect('/reunions');
});
journeysRoutes.get('/reunions/:id', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Réunion');
  const { meeting, registrations } = await tenant(c, (trx, actor) => meetingRegistrations(trx, actor, id));
  return c.html(
    <Layout c={c} title="Réunion d'information">
      <PageHeader
        title={`Réunion du ${dt(meeting.startsAt)}`}
        help={`${meeting.place} · ${registrations.length}/${meeting.capacity} inscrit·es`}
      />
      {registrations.length ? (
        <Card title="Présences">
          <form method="post" action={`/reunions/${id}/presences`}>
            <Csrf token={c.get('csrf')} />
            {registrations.map((r) => (
              <div class="field checkbox">
                <input type="checkbox" id={`r-${r.id}`} name="present" value={r.id} checked={r.attended !== false} />
                <label for={`r-${r.id}`}>
                  {r.displayName} · {r.email}
                  {r.phone ? ` · ${r.phone}` : ''}
                </label>
              </div>
            ))}
            <button type="submit">Enregistrer les présences</button>
          </form>
        </Card>
      ) : (
        <EmptyState title="Aucune inscription pour l'instant." />
      )}
      {registrations.length ? (
        <Card title="Fiches contact">
          <ul>
            {registrations.map((r) => (
              <li>
                {r.displayName} —{' '}
                {r.journeyId ? (
                  <a href={`/accompagnement/${r.journeyId}`}>voir le parcours</a>
                ) : (
                  <form method="post" action={`/reunions/inscriptions/${r.id}/convertir`} class="inline">
                    <Csrf token={c.get('csrf')} />
                    <button type="submit" class="btn-small">
                      Créer la fiche contact
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </Layout>,
  );
});
journeysRoutes.post('/reunions/:id/presences', async (c) => {
  const id = c.req.param('id');
  const present = await formAll(c, 'present');
  await tenant(c, (trx, actor) => recordMeetingAttendance(trx, actor, id, present));
  setFlash(c, { kind: 'success', text: 'Présences enregistrées.' });
  return c.redirect(`/reunions/${id}`);
});
journeysRoutes.post('/reunions/inscriptions/:id/convertir', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Inscription');
  const j = await tenant(c, (trx, actor) => convertRegistration(trx, actor, id));
  setFlash(c, { kind: 'success', text: 'Fiche contact créée.' });
  return c.redirect(`/accompagnement/${j.id}`);
});

// --- info meetings (public, no account) -----------------------------------------------------
journeysRoutes.get('/reunions-information', async (c) => {
  const coops = await listCooperatives(db(c));
  const next = new Map<string, Awaited<ReturnType<typeof upcomingMeetings>>>();
  for (const k of coops)
    next.set(k.id, (await withTenant(db(c), k.id, (trx) => upcomingMeetings(trx, k.id))).slice(0, 3));
  return c.html(
    <PublicLayout c={c} title="Réunions d'information">
      <h1>Réunions d'information</h1>
      <p>
        Vous avez un projet d'activité ? Venez découvrir la coopérative lors d'une réunion d'information gratuite.
        Choisissez votre coopérative :
      </p>
      <ul>
        {coops.map((k) => (
          <li>
            <a href={`/reunions-information/${k.slug}`}>
              {k.name} ({k.city})
            </a>
            {next.get(k.id)!.length ? (
              <ul>
                {next.get(k.id)!.map((m) => (
                  <li>
                    {formatDate(parisDate(m.startsAt))}, {parisTime(m.startsAt)} · {m.place}
                    {m.registered >= m.capacity ? ' (complet)' : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">Pas de réunion programmée pour l'instant.</p>
            )}
          </li>
        ))}
      </ul>
    </PublicLayout>,
  );
});
async function publicMeetingPage(
  c: Ctx,
  slug: string,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const coop = await getCooperativeBySlug(db(c), slug);
  if (!coop) return c.notFound();
  const meetings = await withTenant(db(c), coop.id, (trx) => upcomingMeetings(trx, coop.id));
  const e = errors ?? {};
  return c.html(
    <PublicLayout c={c} title={`Réunions d'information — ${coop.name}`}>
      <h1>Réunions d'information — {coop.name}</h1>
      <p>
        Une réunion gratuite et sans engagement pour découvrir comment la coopérative vous accompagne. Inscrivez-vous :
        vous recevez une confirmation par e-mail.
      </p>
      {meetings.length ? (
        <form method="post" action={`/reunions-information/${coop.slug}`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <fieldset class={`field${e.meetingId ? ' has-error' : ''}`}>
            <legend>Date de la réunion</legend>
            {meetings.map((m, i) => {
              const full = m.registered >= m.capacity;
              return (
                <div class="field checkbox">
                  <input
                    type="radio"
                    id={`m-${m.id}`}
                    name="meetingId"
                    value={m.id}
                    disabled={full}
                    checked={values.meetingId ? values.meetingId === m.id : i === 0 && !full}
                  />
                  <label for={`m-${m.id}`}>
                    {formatDate(parisDate(m.startsAt))}, {parisTime(m.startsAt)}–{parisTime(m.endsAt)} · {m.place}
                    {full ? ' (complet)' : ''}
                  </label>
                </div>
              );
            })}
            {e.meetingId ? (
              <p class="error" role="alert">
                {e.meetingId}
              </p>
            ) : null}
          </fieldset>
          <Field
            label="Nom et prénom"
            name="displayName"
            value={values.displayName}
            error={e.displayName}
            autocomplete="name"
            required
          />
          <Field
            label="Adresse e-mail"
            name="email"
            type="email"
            value={values.email}
            error={e.email}
            autocomplete="email"
            required
          />
          <Field label="Téléphone (facultatif)" name="phone" value={values.phone} error={e.phone} autocomplete="tel" />
          <div class="hp" hidden aria-hidden="true">
            <label for="f-website">Ne pas remplir</label>
            <input id="f-website" name="website" tabindex={-1} autocomplete="off" />
          </div>
          <input type="hidden" name="t" value={fillToken(c.get('app').config.fileKey)} />
          <button type="submit">Je m'inscris</button>
        </form>
      ) : (
        <p>
          Aucune réunion n'est programmée pour l'instant. Revenez bientôt ou écrivez à {coop.email ?? 'la coopérative'}.
        </p>
      )}
    </PublicLayout>,
    errors ? 400 : 200,
  );
}
journeysRoutes.get('/reunions-information/:slug', (c) => publicMeetingPage(c, c.req.param('slug')));
journeysRoutes.post('/reunions-information/:slug', async (c) => {
  const slug = c.req.param('slug');
  const f = await formValues(c);
  const coop = await getCooperativeBySlug(db(c), slug);
  if (!coop) return c.notFound();
  try {
    if (!isUuid(f.meetingId ?? '')) throw new UserError('Choisissez une date.', 'meetingId');
    await withTenant(db(c), coop.id, (trx) =>
      registerProspect(trx, c.get('app').config.fileKey, {
        cooperativeId: coop.id,
        cooperativeName: coop.name,
        meetingId: f.meetingId!,
        displayName: f.displayName ?? '',
        email: f.email ?? '',
        phone: f.phone || null,
        honeypot: f.website,
        fillToken: f.t,
        publicUrl: c.get('app').config.publicUrl,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return publicMeetingPage(c, slug, f, errors);
  }
  // Same answer for robots and people: a robot learns nothing from it.
  return c.html(
    <PublicLayout c={c} title="Inscription enregistrée">
      <h1>Merci !</h1>
      <p>
        Votre inscription est enregistrée. Vous allez recevoir une confirmation par e-mail avec la date et le lieu de la
        réunion.
      </p>
    </PublicLayout>,
  );
});

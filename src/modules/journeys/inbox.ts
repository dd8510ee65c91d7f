// Accompaniment in the inbox. Support: caseload alerts (no contact for 6 weeks, CAPE ending),
// documents expiring in the journeys they follow, appointments today or tomorrow to prepare.
// Entrepreneur: their own action items from appointments and their own expiring documents.
// Uses journeys' exported services; action items and documents are read here (scoped queries).
import { hasRole } from '../../core/actor.ts';
import { addDays, formatDate, toIsoDate, todayParis, type IsoDate } from '../../core/dates.ts';
import { registerInboxProvider, registerDeadlineSource, type InboxItem, type Deadline } from '../inbox/index.ts';
import { createHash } from 'node:crypto';
import { caseload, listAppointments, type CaseloadRow } from './index.ts';
import { journeysDb, type JourneysTx } from './db.ts';

export const DOCUMENT_WARNING_DAYS = 30;
/** Noon in Paris on a business date: a stable instant for services that take `now`. */
const noonOf = (d: IsoDate) => new Date(`${d}T11:00:00Z`);
const time = (d: Date) =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(d);

/** The latest document of each kind of a journey that expires by `horizon` (older versions are replaced). */
function expiringDocuments(trx: JourneysTx, coop: string, horizon: string) {
  return trx
    .selectFrom('journey_document as d')
    .innerJoin('journey as j', (j) =>
      j.onRef('j.cooperative_id', '=', 'd.cooperative_id').onRef('j.id', '=', 'd.journey_id'),
    )
    .where('d.cooperative_id', '=', coop)
    .where('d.expires_on', 'is not', null)
    .where('d.expires_on', '<=', horizon)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('journey_document as n')
            .select('n.id')
            .whereRef('n.cooperative_id', '=', 'd.cooperative_id')
            .whereRef('n.journey_id', '=', 'd.journey_id')
            .whereRef('n.kind', '=', 'd.kind')
            .whereRef('n.created_at', '>', 'd.created_at'),
        ),
      ),
    );
}

/** People without contact for six weeks: one item for one person; several make one item with
 *  their names, so that the list shows one decision and not a wall of identical cards. The key
 *  names the group, so a new person brings a snoozed item back. */
function silenceItems(rows: CaseloadRow[]): InboxItem[] {
  if (!rows.length) return [];
  const why = 'Un long silence précède souvent un abandon : un simple appel aide.';
  if (rows.length === 1) {
    const r = rows[0];
    return [
      {
        key: `journeys.alert:${r.journey.id}:contact`,
        kind: 'journeys.no-contact',
        urgency: 'medium',
        dueDate: null,
        title: `${r.journey.displayName} : ${r.alerts[r.alertTypes.indexOf('no_contact')]}`,
        why,
        action: { label: 'Proposer un rendez-vous', href: `/accompagnement/${r.journey.id}` },
        link: `/accompagnement/${r.journey.id}`,
      },
    ];
  }
  const ids = rows.map((r) => r.journey.id).sort();
  const group = createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 12);
  const names = rows.map((r) => r.journey.displayName);
  const shown = names.slice(0, MAX_NAMES).join(', ');
  const more = names.length > MAX_NAMES ? ` et ${names.length - MAX_NAMES} autre(s)` : '';
  return [
    {
      key: `journeys.no-contact:${group}`,
      kind: 'journeys.no-contact',
      urgency: 'medium',
      dueDate: null,
      title: `${rows.length} personnes sans contact depuis plus de 6 semaines`,
      why: `${shown}${more}. ${why}`,
      action: { label: 'Voir la liste', href: '/accompagnement?alerte=no_contact' },
      link: '/accompagnement?alerte=no_contact',
    },
  ];
}
const MAX_NAMES = 5;

registerInboxProvider({
  name: 'journeys',
  async items(trx, actor, today) {
    const items: InboxItem[] = [];
    const coop = actor.cooperativeId;
    const horizon = addDays(today, DOCUMENT_WARNING_DAYS);
    if (hasRole(actor, 'support') && actor.userId) {
      const rows = await caseload(trx, actor, { supportUserId: actor.userId, now: noonOf(today) });
      items.push(...silenceItems(rows.filter((r) => r.alertTypes.includes('no_contact'))));
      for (const row of rows) {
        const capeAlert = row.alertTypes.findIndex((t) => t === 'cape_ending' || t === 'cape_ended');
        if (capeAlert < 0) continue;
        items.push({
          key: `journeys.alert:${row.journey.id}:cape`,
          kind: 'journeys.cape',
          urgency: 'high',
          dueDate: row.journey.capeEnd,
          title: `${row.journey.displayName} : ${row.alerts[capeAlert]}`,
          why: 'Le contrat CAPE doit être renouvelé, transformé en CESA ou clos à temps.',
          action: { label: 'Ouvrir le parcours', href: `/accompagnement/${row.journey.id}` },
          link: `/accompagnement/${row.journey.id}`,
        });
      }
      const tomorrow = addDays(today, 1);
      for (const a of await listAppointments(trx, actor, {
        supportUserId: actor.userId,
        from: new Date(`${addDays(today, -1)}T00:00:00Z`),
      })) {
        const day = todayParis(a.startsAt);
        if (a.status !== 'planned' || (day !== today && day !== tomorrow)) continue;
        items.push({
          key: `journeys.appointment.prepare:${a.id}`,
          kind: 'journeys.appointment',
          urgency: day === today ? 'high' : 'medium',
          dueDate: day,
          title: `Préparez le rendez-vous avec ${a.personName} (${day === today ? "aujourd'hui" : 'demain'} à ${time(a.startsAt)})`,
          why: `Sujet : ${a.subject}. Relisez les notes et les actions du dernier rendez-vous.`,
          action: { label: 'Ouvrir le rendez-vous', href: `/rendez-vous/${a.id}` },
          link: `/rendez-vous/${a.id}`,
        });
      }
      const docs = await expiringDocuments(journeysDb(trx), coop, horizon)
        .select(['d.id', 'd.kind', 'd.expires_on', 'j.id as journey_id', 'j.display_name'])
        .where('j.support_user_id', '=', actor.userId)
        .where('j.stage', '<>', 'exit')
        .execute();
      for (const d of docs) {
        const exp = toIsoDate(d.expires_on);
        items.push({
          key: `journeys.document:${d.id}`,
          kind: 'journeys.document',
          urgency: exp < today ? 'high' : 'medium',
          dueDate: exp,
          title: `${d.display_name} : « ${d.kind} » ${exp < today ? 'a expiré le' : 'expire le'} ${formatDate(exp)}`,
          why: 'Un document à jour évite de bloquer la prochaine étape du parcours.',
          action: { label: 'Demander le nouveau document', href: `/accompagnement/${d.journey_id}` },
          link: `/accompagnement/${d.journey_id}`,
        });
      }
    }
    if (hasRole(actor, 'entrepreneur', 'cape') && actor.userId) {
      const actions = await journeysDb(trx)
        .selectFrom('appointment_action as x')
        .innerJoin('appointment as a', (j) =>
          j.onRef('a.cooperative_id', '=', 'x.cooperative_id').onRef('a.id', '=', 'x.appointment_id'),
        )
        .innerJoin('journey as j', (j) =>
          j.onRef('j.cooperative_id', '=', 'a.cooperative_id').onRef('j.id', '=', 'a.journey_id'),
        )
        .select(['x.id', 'x.label', 'x.due_on', 'a.id as appointment_id', 'a.subject'])
        .where('x.cooperative_id', '=', coop)
        .where('j.user_id', '=', actor.userId)
        .where('x.owner', '=', 'person')
        .where('x.done_at', 'is', null)
        .where('a.status', '<>', 'cancelled')
        .execute();
      for (const x of actions) {
        const due = x.due_on ? toIsoDate(x.due_on) : null;
        items.push({
          key: `journeys.action:${x.id}`,
          kind: 'journeys.action',
          dueDate: due,
          urgency: due && due <= addDays(today, 3) ? 'high' : due ? 'medium' : 'low',
          title: x.label,
          why: `Convenu lors du rendez-vous « ${x.subject} » avec votre accompagnant·e.`,
          action: { label: "C'est fait", href: `/rendez-vous/actions/${x.id}/fait`, method: 'post' },
          link: `/rendez-vous/${x.appointment_id}`,
        });
      }
      const docs = await expiringDocuments(journeysDb(trx), coop, horizon)
        .select(['d.id', 'd.kind', 'd.expires_on'])
        .where('j.user_id', '=', actor.userId)
        .where('d.visibility', '=', 'person')
        .execute();
      for (const d of docs) {
        const exp = toIsoDate(d.expires_on);
        items.push({
          key: `journeys.my-document:${d.id}`,
          kind: 'journeys.document',
          urgency: exp < today ? 'high' : 'medium',
          dueDate: exp,
          title: `Votre document « ${d.kind} » ${exp < today ? 'a expiré le' : 'expire le'} ${formatDate(exp)}`,
          why: 'Déposez la nouvelle version : votre accompagnant·e en a besoin pour votre dossier.',
          action: { label: 'Déposer le nouveau document', href: '/mon-parcours' },
          link: '/mon-parcours',
        });
      }
    }
    return items;
  },
});

// --- calendar: appointments, workshop sessions, document expiries -----------------------------
registerDeadlineSource({
  name: 'journeys',
  async deadlines(trx, actor, from, to) {
    if (!actor.userId) return [];
    const out: Deadline[] = [];
    const support = hasRole(actor, 'support');
    const person = hasRole(actor, 'entrepreneur', 'cape');
    if (!support && !person) return out;
    const start = new Date(`${addDays(from, -1)}T00:00:00Z`);
    const appts = support
      ? await listAppointments(trx, actor, { supportUserId: actor.userId, from: start })
      : await listAppointments(trx, actor, { from: start });
    for (const a of appts) {
      if (a.status !== 'planned') continue;
      out.push({
        uid: `journeys.appointment:${a.id}`,
        date: todayParis(a.startsAt),
        kind: 'appointment',
        title: `Rendez-vous ${support ? `avec ${a.personName}` : `avec ${a.supportName}`} à ${time(a.startsAt)} : ${a.subject}`,
        href: `/rendez-vous/${a.id}`,
      });
    }
    let sessions = journeysDb(trx)
      .selectFrom('workshop_session as s')
      .innerJoin('workshop_theme as t', (j) =>
        j.onRef('t.cooperative_id', '=', 's.cooperative_id').onRef('t.id', '=', 's.theme_id'),
      )
      .select(['s.id', 's.starts_at', 's.place', 't.name'])
      .where('s.cooperative_id', '=', actor.cooperativeId)
      .where('s.starts_at', '>=', start)
      .where('s.starts_at', '<=', new Date(`${addDays(to, 1)}T00:00:00Z`));
    if (!support) {
      sessions = sessions.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('workshop_registration as r')
            .select('r.user_id')
            .whereRef('r.cooperative_id', '=', 's.cooperative_id')
            .whereRef('r.session_id', '=', 's.id')
            .where('r.user_id', '=', actor.userId!)
            .where('r.status', '=', 'registered'),
        ),
      );
    }
    for (const w of await sessions.execute()) {
      const at = new Date(w.starts_at);
      out.push({
        uid: `journeys.workshop:${w.id}`,
        date: todayParis(at),
        kind: 'workshop',
        title: `Atelier « ${w.name} » à ${time(at)} (${w.place})`,
        href: `/ateliers/${w.id}`,
      });
    }
    let docs = journeysDb(trx)
      .selectFrom('journey_document as d')
      .innerJoin('journey as j', (j) =>
        j.onRef('j.cooperative_id', '=', 'd.cooperative_id').onRef('j.id', '=', 'd.journey_id'),
      )
      .select(['d.id', 'd.kind', 'd.expires_on', 'j.id as journey_id', 'j.display_name'])
      .where('d.cooperative_id', '=', actor.cooperativeId)
      .where('d.expires_on', '>=', from)
      .where('d.expires_on', '<=', to);
    docs = support
      ? docs.where('j.support_user_id', '=', actor.userId)
      : docs.where('j.user_id', '=', actor.userId).where('d.visibility', '=', 'person');
    for (const d of await docs.execute()) {
      out.push({
        uid: `journeys.document:${d.id}`,
        date: toIsoDate(d.expires_on),
        kind: 'document',
        title: support
          ? `${d.display_name} : fin de validité de « ${d.kind} »`
          : `Fin de validité de votre document « ${d.kind} »`,
        href: support ? `/accompagnement/${d.journey_id}` : '/mon-parcours',
      });
    }
    return out;
  },
});

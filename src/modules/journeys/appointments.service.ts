// Appointments between support and a person: place or video link, notes shared with the person
// unless marked internal, action items; free slots that entrepreneurs book themselves; ICS.
import { z } from 'zod';
import ical from 'ical-generator';
import type { Db, Tx } from '../../core/db/handles.ts';
import { journeysDb, type JourneysTx } from './db.ts';
import { rolesInCooperative } from './members.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { uuidv7, type CooperativeId, type UserId } from '../../core/ids.ts';
import { type Actor, requireRole, isStaff } from '../../core/actor.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { isIsoDate, TZ } from '../../core/dates.ts';
import { newToken, hashToken } from '../../core/auth/tokens.ts';
import { getJourney, journeyOfUser } from './journeys.service.ts';

// --- Paris wall-clock time ↔ instants ---------------------------------------------------------
const partsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
function parisParts(d: Date) {
  const p = Object.fromEntries(partsFmt.formatToParts(d).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}
/** '2026-12-03' + '10:00' in Paris → the instant (handles summer/winter time). */
export function parisInstant(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, h, mi);
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const p = parisParts(new Date(t));
    const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
    t = guess - (asUtc - t);
  }
  return new Date(t);
}
export function parisDate(d: Date): string {
  const p = parisParts(d);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}
export function parisTime(d: Date): string {
  const p = parisParts(d);
  return `${String(p.h).padStart(2, '0')}:${String(p.mi).padStart(2, '0')}`;
}
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const SlotTimes = {
  date: z.string().refine(isIsoDate, 'Date invalide (AAAA-MM-JJ).'),
  start: z.string().regex(TIME, 'Heure invalide (HH:MM).'),
  end: z.string().regex(TIME, 'Heure invalide (HH:MM).'),
  place: z.string().trim().max(300).optional().nullable(),
  videoUrl: z
    .string()
    .trim()
    .url('Lien de visioconférence invalide (https://…).')
    .refine((u) => /^https:\/\//.test(u), 'Le lien doit commencer par https://')
    .optional()
    .nullable()
    .or(z.literal('').transform(() => null)),
};
function times(v: { date: string; start: string; end: string }) {
  const startsAt = parisInstant(v.date, v.start);
  const endsAt = parisInstant(v.date, v.end);
  if (endsAt <= startsAt) throw new UserError("L'heure de fin doit être après l'heure de début.", 'end');
  return { startsAt, endsAt };
}

export const AppointmentInput = z.object({
  journeyId: z.string().uuid('Choisissez la personne.'),
  subject: z.string().trim().min(2, "Indiquez l'objet du rendez-vous."),
  ...SlotTimes,
  note: z.string().trim().max(10000).optional().nullable(),
  noteInternal: z.boolean().default(false),
  status: z.enum(['planned', 'done']).default('planned'),
  supportUserId: z.string().uuid().optional().nullable(),
});

export interface Appointment {
  id: string;
  journeyId: string;
  personName: string;
  personUserId: string | null;
  supportUserId: string;
  supportName: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  videoUrl: string | null;
  subject: string;
  status: 'planned' | 'done' | 'cancelled';
}

/** Support records an appointment (past or planned), optionally with its first note: one form. */
export async function createAppointment(
  tx: Tx,
  actor: Actor,
  raw: z.input<typeof AppointmentInput>,
): Promise<Appointment> {
  const trx = journeysDb(tx);
  requireRole(actor, 'support', 'director', 'network_admin');
  const v = parseInput(AppointmentInput, raw);
  if (!v.place && !v.videoUrl) throw new UserError('Indiquez un lieu ou un lien de visioconférence.', 'place');
  const { startsAt, endsAt } = times(v);
  await getJourney(trx, actor, v.journeyId);
  const id = uuidv7();
  await trx
    .insertInto('appointment')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      journey_id: v.journeyId,
      support_user_id: v.supportUserId ?? actor.userId!,
      starts_at: startsAt,
      ends_at: endsAt,
      place: v.place || null,
      video_url: v.videoUrl ?? null,
      subject: v.subject,
      status: v.status,
      booked_by: actor.userId,
    })
    .execute();
  if (v.note) await insertNote(trx, actor, id, v.note, v.noteInternal);
  await audit(trx, actor, {
    action: 'appointment.created',
    targetType: 'appointment',
    targetId: id,
    data: { journeyId: v.journeyId, startsAt: startsAt.toISOString() },
  });
  return getAppointment(trx, actor, id);
}

async function insertNote(tx: Tx, actor: Actor, appointmentId: string, body: string, internal: boolean) {
  const trx = journeysDb(tx);
  await trx
    .insertInto('appointment_note')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      appointment_id: appointmentId,
      body,
      internal,
      author_user_id: actor.userId,
      author_label: actor.label,
    })
    .execute();
}

const apptQuery = (trx: JourneysTx, actor: Actor) =>
  trx
    .selectFrom('appointment')
    .innerJoin('journey', (j) =>
      j
        .onRef('journey.cooperative_id', '=', 'appointment.cooperative_id')
        .onRef('journey.id', '=', 'appointment.journey_id'),
    )
    .innerJoin('user_account as sup', 'sup.id', 'appointment.support_user_id')
    .selectAll('appointment')
    .select([
      'journey.display_name as person_name',
      'journey.user_id as person_user_id',
      'sup.display_name as support_name',
    ])
    .where('appointment.cooperative_id', '=', actor.cooperativeId);
type ApptRow = Awaited<ReturnType<ReturnType<typeof apptQuery>['execute']>>[number];
const toAppt = (r: ApptRow): Appointment => ({
  id: r.id,
  journeyId: r.journey_id,
  personName: r.person_name,
  personUserId: r.person_user_id,
  supportUserId: r.support_user_id,
  supportName: r.support_name,
  startsAt: new Date(r.starts_at),
  endsAt: new Date(r.ends_at),
  place: r.place,
  videoUrl: r.video_url,
  subject: r.subject,
  status: r.status as Appointment['status'],
});

/** Staff see every appointment of the cooperative; a person only their own. */
export async function getAppointment(tx: Tx, actor: Actor, id: string): Promise<Appointment> {
  const trx = journeysDb(tx);
  const r = await apptQuery(trx, actor).where('appointment.id', '=', id).executeTakeFirst();
  if (!r || (!isStaff(actor) && r.person_user_id !== actor.userId)) throw new NotFoundError('Rendez-vous');
  return toAppt(r);
}
export async function listAppointments(
  tx: Tx,
  actor: Actor,
  opts: { journeyId?: string; supportUserId?: string; mine?: boolean; from?: Date } = {},
): Promise<Appointment[]> {
  const trx = journeysDb(tx);
  let q = apptQuery(trx, actor);
  if (opts.journeyId) q = q.where('appointment.journey_id', '=', opts.journeyId);
  if (opts.supportUserId) q = q.where('appointment.support_user_id', '=', opts.supportUserId);
  if (opts.from) q = q.where('appointment.starts_at', '>=', opts.from);
  if (!isStaff(actor) || opts.mine) q = q.where('journey.user_id', '=', actor.userId);
  return (await q.orderBy('appointment.starts_at').execute()).map(toAppt);
}

export interface Note {
  id: string;
  body: string;
  internal: boolean;
  authorLabel: string;
  createdAt: Date;
}
export interface ActionItem {
  id: string;
  label: string;
  owner: 'person' | 'support';
  dueOn: string | null;
  doneAt: Date | null;
}
/** Notes visible to the actor: internal ones only for staff. */
export async function appointmentNotes(tx: Tx, actor: Actor, appointmentId: string): Promise<Note[]> {
  const trx = journeysDb(tx);
  await getAppointment(trx, actor, appointmentId);
  let q = trx
    .selectFrom('appointment_note')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('appointment_id', '=', appointmentId);
  if (!isStaff(actor)) q = q.where('internal', '=', false);
  return (await q.orderBy('created_at').execute()).map((r) => ({
    id: r.id,
    body: r.body,
    internal: r.internal,
    authorLabel: r.author_label,
    createdAt: r.created_at,
  }));
}
export async function addNote(
  tx: Tx,
  actor: Actor,
  appointmentId: string,
  body: string,
  internal: boolean,
): Promise<void> {
  const trx = journeysDb(tx);
  requireRole(actor, 'support', 'director', 'network_admin');
  await getAppointment(trx, actor, appointmentId);
  if (body.trim().length < 2) throw new UserError('Écrivez la note.', 'body');
  await insertNote(trx, actor, appointmentId, body.trim(), internal);
  await audit(trx, actor, {
    action: 'appointment.note_added',
    targetType: 'appointment',
    targetId: appointmentId,
    data: { internal },
  });
}
export async function appointmentActions(tx: Tx, actor: Actor, appointmentId: string): Promise<ActionItem[]> {
  const trx = journeysDb(tx);
  await getAppointment(trx, actor, appointmentId);
  const rows = await trx
    .selectFrom('appointment_action')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('appointment_id', '=', appointmentId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    owner: r.owner,
    dueOn: r.due_on ? String(r.due_on).slice(0, 10) : null,
    doneAt: r.done_at,
  }));
}
export async function addAction(
  tx: Tx,
  actor: Actor,
  appointmentId: string,
  input: { label: string; owner: string; dueOn?: string | null },
): Promise<void> {
  const trx = journeysDb(tx);
  requireRole(actor, 'support', 'director', 'network_admin');
  await getAppointment(trx, actor, appointmentId);
  const errors: Record<string, string> = {};
  if (input.label.trim().length < 2) errors.label = "Décrivez l'action.";
  if (!['person', 'support'].includes(input.owner)) errors.owner = 'Choisissez qui fait cette action.';
  if (input.dueOn && !isIsoDate(input.dueOn)) errors.dueOn = 'Date invalide (AAAA-MM-JJ).';
  if (Object.keys(errors).length) throw new UserError('Certains champs sont à corriger.', undefined, errors);
  await trx
    .insertInto('appointment_action')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      appointment_id: appointmentId,
      label: input.label.trim(),
      owner: input.owner as 'person' | 'support',
      due_on: input.dueOn || null,
      done_at: null,
    })
    .execute();
}
export async function completeAction(tx: Tx, actor: Actor, actionId: string): Promise<void> {
  const trx = journeysDb(tx);
  const a = await trx
    .selectFrom('appointment_action')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', actionId)
    .executeTakeFirst();
  if (!a) throw new NotFoundError('Action');
  await getAppointment(trx, actor, a.appointment_id); // the person or staff only
  await trx
    .updateTable('appointment_action')
    .set({ done_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', actionId)
    .execute();
}
export async function setAppointmentStatus(
  tx: Tx,
  actor: Actor,
  id: string,
  status: 'done' | 'cancelled',
): Promise<void> {
  const trx = journeysDb(tx);
  const a = await getAppointment(trx, actor, id);
  if (!isStaff(actor) && status !== 'cancelled') requireRole(actor, 'support');
  await trx
    .updateTable('appointment')
    .set({ status })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  if (status === 'cancelled')
    await trx
      .updateTable('support_slot')
      .set({ appointment_id: null })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('appointment_id', '=', id)
      .execute();
  await audit(trx, actor, { action: `appointment.${status}`, targetType: 'appointment', targetId: a.id });
}

// --- free slots ------------------------------------------------------------------------------
export const SlotInput = z.object(SlotTimes);
export interface Slot {
  id: string;
  supportUserId: string;
  supportName: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  videoUrl: string | null;
  appointmentId: string | null;
}
export async function createSlot(tx: Tx, actor: Actor, raw: z.input<typeof SlotInput>): Promise<string> {
  const trx = journeysDb(tx);
  requireRole(actor, 'support');
  const v = parseInput(SlotInput, raw);
  if (!v.place && !v.videoUrl) throw new UserError('Indiquez un lieu ou un lien de visioconférence.', 'place');
  const { startsAt, endsAt } = times(v);
  const id = uuidv7();
  await trx
    .insertInto('support_slot')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      support_user_id: actor.userId!,
      starts_at: startsAt,
      ends_at: endsAt,
      place: v.place || null,
      video_url: v.videoUrl ?? null,
      appointment_id: null,
    })
    .execute();
  return id;
}
export async function freeSlots(
  tx: Tx,
  actor: Actor,
  opts: { supportUserId?: string | null; now?: Date } = {},
): Promise<Slot[]> {
  const trx = journeysDb(tx);
  let q = trx
    .selectFrom('support_slot')
    .innerJoin('user_account', 'user_account.id', 'support_slot.support_user_id')
    .selectAll('support_slot')
    .select('user_account.display_name')
    .where('support_slot.cooperative_id', '=', actor.cooperativeId)
    .where('support_slot.appointment_id', 'is', null)
    .where('support_slot.starts_at', '>', opts.now ?? new Date());
  if (opts.supportUserId) q = q.where('support_slot.support_user_id', '=', opts.supportUserId);
  return (await q.orderBy('support_slot.starts_at').execute()).map((r) => ({
    id: r.id,
    supportUserId: r.support_user_id,
    supportName: r.display_name,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    place: r.place,
    videoUrl: r.video_url,
    appointmentId: r.appointment_id,
  }));
}
/** An entrepreneur books a free slot of support: locks the slot so that two people cannot take it. */
export async function bookSlot(tx: Tx, actor: Actor, slotId: string, subject: string): Promise<Appointment> {
  const trx = journeysDb(tx);
  const journey = await journeyOfUser(trx, actor, actor.userId ?? '');
  if (!journey)
    throw new UserError("Votre parcours n'est pas encore ouvert : contactez votre chargé·e d'accompagnement.");
  if (subject.trim().length < 2) throw new UserError("Indiquez l'objet du rendez-vous.", 'subject');
  const slot = await trx
    .selectFrom('support_slot')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', slotId)
    .forUpdate()
    .executeTakeFirst();
  if (!slot) throw new NotFoundError('Créneau');
  if (slot.appointment_id) throw new UserError("Ce créneau vient d'être réservé : choisissez-en un autre.");
  if (new Date(slot.starts_at) <= new Date()) throw new UserError('Ce créneau est passé.');
  const id = uuidv7();
  await trx
    .insertInto('appointment')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      journey_id: journey.id,
      support_user_id: slot.support_user_id,
      starts_at: slot.starts_at,
      ends_at: slot.ends_at,
      place: slot.place,
      video_url: slot.video_url,
      subject: subject.trim(),
      status: 'planned',
      booked_by: actor.userId,
    })
    .execute();
  await trx
    .updateTable('support_slot')
    .set({ appointment_id: id })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', slotId)
    .execute();
  await audit(trx, actor, { action: 'appointment.booked', targetType: 'appointment', targetId: id, data: { slotId } });
  return getAppointment(trx, actor, id);
}

// --- ICS -------------------------------------------------------------------------------------
export interface CalEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  location?: string | null;
  url?: string | null;
  description?: string | null;
}
/** Europe/Paris since 1996 (EU rules): CEST from the last Sunday of March 02:00, CET from the last Sunday of October 03:00. */
export const PARIS_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'X-LIC-LOCATION:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');
/** An instant as Paris wall-clock time, in the shape ical-generator accepts for zoned times
 *  (a dayjs-like object: `format`), so that it writes DTSTART;TZID=Europe/Paris:YYYYMMDDTHHmmss
 *  whatever the server's own time zone. */
function parisClock(d: Date) {
  const day = parisDate(d).replace(/-/g, '');
  const p = parisParts(d);
  const hms = `${String(p.h).padStart(2, '0')}${String(p.mi).padStart(2, '0')}${String(p.s).padStart(2, '0')}`;
  const self = {
    isValid: () => true,
    toDate: () => new Date(d),
    toJSON: () => d.toISOString(),
    tz: () => self,
    format: (f: string) => (f === 'YYYYMMDD' ? day : f === 'HHmmss' ? hms : d.toISOString()),
  };
  return self as unknown as Date;
}
/** Events are written in Paris time (TZID=Europe/Paris) with the VTIMEZONE definition. */
export function icsCalendar(name: string, events: CalEvent[]): string {
  const cal = ical({ name, prodId: { company: 'Radieuse', product: 'radieuse', language: 'FR' } });
  // The calendar itself has no time zone so that DTSTAMP stays in UTC (…Z); each event carries
  // TZID=Europe/Paris and the VTIMEZONE block is added once, before the first component.
  cal.x([{ key: 'X-WR-TIMEZONE', value: TZ }]);
  for (const e of events) {
    cal.createEvent({
      id: e.uid,
      start: parisClock(e.start),
      end: parisClock(e.end),
      timezone: TZ,
      summary: e.summary,
      location: e.location ?? undefined,
      url: e.url ?? undefined,
      description: e.description ?? undefined,
    });
  }
  const out = cal.toString();
  const at = out.indexOf('BEGIN:VEVENT');
  return at < 0
    ? out.replace('END:VCALENDAR', `${PARIS_VTIMEZONE}\r\nEND:VCALENDAR`)
    : `${out.slice(0, at)}${PARIS_VTIMEZONE}\r\n${out.slice(at)}`;
}
export function appointmentEvent(a: Appointment, publicUrl: string): CalEvent {
  return {
    uid: `appointment-${a.id}@radieuse`,
    start: a.startsAt,
    end: a.endsAt,
    summary: `Rendez-vous : ${a.subject} (${a.personName} / ${a.supportName})`,
    location: a.place ?? a.videoUrl,
    url: a.videoUrl ?? `${publicUrl}/rendez-vous/${a.id}`,
    description: a.videoUrl ? `Visioconférence : ${a.videoUrl}` : null,
  };
}

/** Creates (or replaces) the secret feed token of the actor; returns the clear token once. */
export async function renewFeedToken(tx: Tx, actor: Actor): Promise<string> {
  const trx = journeysDb(tx);
  if (!actor.userId) throw new UserError('Réservé aux personnes connectées.');
  const token = newToken(24);
  await trx
    .insertInto('calendar_feed')
    .values({ cooperative_id: actor.cooperativeId, user_id: actor.userId, token_hash: hashToken(token) })
    .onConflict((oc) =>
      oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ token_hash: hashToken(token), created_at: new Date() }),
    )
    .execute();
  await audit(trx, actor, { action: 'calendar_feed.renewed' });
  return token;
}
export async function hasFeed(tx: Tx, actor: Actor): Promise<boolean> {
  const trx = journeysDb(tx);
  return !!(await trx
    .selectFrom('calendar_feed')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId ?? '')
    .executeTakeFirst());
}

/** The feed of one user: their appointments (as person or as support) and their workshop sessions. */
export async function calendarFeed(dbIn: Db, token: string, publicUrl: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  // The token names the cooperative: the only lookup made without a tenant.
  const feed = await withSystem(dbIn, (tx) =>
    journeysDb(tx)
      .selectFrom('calendar_feed')
      .select(['cooperative_id', 'user_id'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst(),
  );
  if (!feed) return null;
  return withTenant(dbIn, feed.cooperative_id, async (tx) => {
    const trx = journeysDb(tx);
    const roles = await rolesInCooperative(tx, feed.cooperative_id, feed.user_id);
    if (!roles.length) return null;
    const actor: Actor = {
      userId: feed.user_id as UserId,
      cooperativeId: feed.cooperative_id as CooperativeId,
      roles,
      label: 'flux',
    };
    const since = new Date(Date.now() - 90 * 86400000);
    const appts = await apptQuery(trx, actor)
      .where('appointment.status', '!=', 'cancelled')
      .where('appointment.starts_at', '>=', since)
      .where((eb) =>
        eb.or([eb('journey.user_id', '=', feed.user_id), eb('appointment.support_user_id', '=', feed.user_id)]),
      )
      .orderBy('appointment.starts_at')
      .execute();
    const sessions = await trx
      .selectFrom('workshop_registration')
      .innerJoin('workshop_session', (j) =>
        j
          .onRef('workshop_session.cooperative_id', '=', 'workshop_registration.cooperative_id')
          .onRef('workshop_session.id', '=', 'workshop_registration.session_id'),
      )
      .innerJoin('workshop_theme', (j) =>
        j
          .onRef('workshop_theme.cooperative_id', '=', 'workshop_session.cooperative_id')
          .onRef('workshop_theme.id', '=', 'workshop_session.theme_id'),
      )
      .select([
        'workshop_session.id',
        'workshop_session.starts_at',
        'workshop_session.ends_at',
        'workshop_session.place',
        'workshop_theme.name',
      ])
      .where('workshop_registration.cooperative_id', '=', feed.cooperative_id)
      .where('workshop_registration.user_id', '=', feed.user_id)
      .where('workshop_registration.status', '=', 'registered')
      .where('workshop_session.starts_at', '>=', since)
      .execute();
    const events: CalEvent[] = [
      ...appts.map((r) => appointmentEvent(toAppt(r), publicUrl)),
      ...sessions.map((s) => ({
        uid: `workshop-${s.id}@radieuse`,
        start: new Date(s.starts_at),
        end: new Date(s.ends_at),
        summary: `Atelier : ${s.name}`,
        location: s.place,
        url: `${publicUrl}/ateliers/${s.id}`,
      })),
    ];
    return icsCalendar('Radieuse — mon agenda', events);
  });
}

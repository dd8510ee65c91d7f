// Public information meetings: prospects register without an account (honeypot + minimum fill
// time against robots), get a confirmation e-mail; staff record attendance and convert a
// registration into a contact with a journey.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import { journeysDb } from './db.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { JOURNEYS } from './permissions.ts';
import { earlier } from './iso-dates.ts';
import { isUuid } from '../../core/ids.ts';
import { TimeRangeFields, capacityField, instantsOf } from './time-inputs.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { formatDateLong, todayParis } from '../../core/dates.ts';
import { safeEqual } from '../../core/auth/tokens.ts';
import { enqueueMail } from '../../core/mail.ts';
import { renderEmail } from '../../web/email.tsx';
import { parisDate, parisTime } from './paris-time.ts';
import { attendanceComment, createJourney, transitionJourney, type Journey } from './journeys.service.ts';

export const MIN_FILL_MS = 3000;
export const MAX_FILL_MS = 24 * 3600 * 1000;

export const MeetingInput = z.object({
  ...TimeRangeFields,
  place: z.string().trim().min(2, 'Indiquez le lieu.').max(300, 'Lieu trop long (300 caractères au plus).'),
  capacity: capacityField,
});
export async function createMeeting(tx: Tx, actor: Actor, raw: z.input<typeof MeetingInput>): Promise<string> {
  authorize(actor, JOURNEYS.infoMeetingManage);
  const trx = journeysDb(tx);
  const v = parseInput(MeetingInput, raw);
  if (v.date < todayParis()) throw new UserError('Choisissez une date à venir.', 'date');
  const { startsAt, endsAt } = instantsOf(v);
  const id = uuidv7();
  await trx
    .insertInto('info_meeting')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      starts_at: startsAt,
      ends_at: endsAt,
      place: v.place,
      capacity: v.capacity,
    })
    .execute();
  await audit(tx, actor, { action: 'info_meeting.created', targetType: 'info_meeting', targetId: id });
  return id;
}

export interface Meeting {
  id: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  capacity: number;
  registered: number;
}
/** Upcoming meetings of one cooperative (the public page runs it under that cooperative's tenant). */
export async function upcomingMeetings(tx: Tx, cooperativeId: string, now = new Date()): Promise<Meeting[]> {
  const trx = journeysDb(tx);
  const rows = await trx
    .selectFrom('info_meeting')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('info_meeting_registration as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.cooperative_id', '=', 'info_meeting.cooperative_id')
        .whereRef('r.meeting_id', '=', 'info_meeting.id')
        .as('registered'),
    )
    .where('cooperative_id', '=', cooperativeId)
    .where('starts_at', '>', now)
    .orderBy('starts_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    place: r.place,
    capacity: r.capacity,
    registered: Number(r.registered ?? 0),
  }));
}
export async function allMeetings(tx: Tx, actor: Actor): Promise<Meeting[]> {
  authorize(actor, JOURNEYS.infoMeetingManage);
  const trx = journeysDb(tx);
  const rows = await trx
    .selectFrom('info_meeting')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('info_meeting_registration as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.cooperative_id', '=', 'info_meeting.cooperative_id')
        .whereRef('r.meeting_id', '=', 'info_meeting.id')
        .as('registered'),
    )
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('starts_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    place: r.place,
    capacity: r.capacity,
    registered: Number(r.registered ?? 0),
  }));
}

/** A signed timestamp put in the form when it is displayed: a robot that posts at once is refused. */
export function fillToken(key: Buffer, at: number = Date.now()): string {
  return `${at}.${createHmac('sha256', key).update(`info-meeting:${at}`).digest('base64url').slice(0, 22)}`;
}
function checkFillToken(key: Buffer, token: string | undefined, now: number): boolean {
  if (!token) return false;
  const [atS, mac] = token.split('.');
  const at = Number(atS);
  if (!Number.isSafeInteger(at) || !mac) return false;
  if (!safeEqual(fillToken(key, at), token)) return false;
  return now - at >= MIN_FILL_MS && now - at <= MAX_FILL_MS;
}

export const PublicRegistrationInput = z.object({
  displayName: z.string().trim().min(2, 'Indiquez vos nom et prénom.').max(200),
  email: z.string().trim().toLowerCase().email('Adresse e-mail invalide.'),
  phone: z.string().trim().max(30).optional().nullable(),
});
export type SpamVerdict = 'ok' | 'spam';
/** Registers a prospect. Returns 'spam' (and writes nothing) when the honeypot is filled or the
 *  form was sent too fast; the page then answers like a success so robots learn nothing. */
export async function registerProspect(
  tx: Tx,
  key: Buffer,
  input: {
    cooperativeId: string;
    cooperativeName: string;
    meetingId: string;
    displayName: string;
    email: string;
    phone?: string | null;
    honeypot?: string;
    fillToken?: string;
    now?: number;
    publicUrl: string;
  },
): Promise<SpamVerdict> {
  const trx = journeysDb(tx);
  const now = input.now ?? Date.now();
  if ((input.honeypot ?? '').trim() !== '' || !checkFillToken(key, input.fillToken, now)) return 'spam';
  const v = parseInput(PublicRegistrationInput, input);
  if (!isUuid(input.meetingId)) throw new UserError('Choisissez une date.', 'meetingId');
  const m = await trx
    .selectFrom('info_meeting')
    .selectAll()
    .where('cooperative_id', '=', input.cooperativeId)
    .where('id', '=', input.meetingId)
    .forUpdate()
    .executeTakeFirst();
  if (!m || new Date(m.starts_at) <= new Date(now))
    throw new UserError("Cette réunion n'est plus ouverte aux inscriptions.", 'meetingId');
  const dup = await trx
    .selectFrom('info_meeting_registration')
    .select('id')
    .where('cooperative_id', '=', input.cooperativeId)
    .where('meeting_id', '=', m.id)
    .where('email', '=', v.email)
    .executeTakeFirst();
  if (dup) return 'ok'; // already registered: same answer, no second e-mail
  const { n } = await trx
    .selectFrom('info_meeting_registration')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', input.cooperativeId)
    .where('meeting_id', '=', m.id)
    .executeTakeFirstOrThrow();
  if (Number(n) >= m.capacity)
    throw new UserError('Cette réunion est complète : choisissez une autre date.', 'meetingId');
  const id = uuidv7();
  await trx
    .insertInto('info_meeting_registration')
    .values({
      cooperative_id: input.cooperativeId,
      id,
      meeting_id: m.id,
      display_name: v.displayName,
      email: v.email,
      phone: v.phone || null,
      attended: null,
      journey_id: null,
    })
    .execute();
  const start = new Date(m.starts_at);
  await enqueueMail(tx, {
    to: v.email,
    cooperativeId: input.cooperativeId,
    subject: `Votre inscription à la réunion d'information — ${input.cooperativeName}`,
    ...renderEmail({
      paragraphs: [
        `Bonjour ${v.displayName},`,
        `Votre inscription à la réunion d'information de ${input.cooperativeName} est bien enregistrée.`,
        `Date : ${formatDateLong(parisDate(start))}, de ${parisTime(start)} à ${parisTime(new Date(m.ends_at))}\nLieu : ${m.place}`,
        'Si vous ne pouvez pas venir, répondez simplement à ce message.',
        'À bientôt !',
      ],
      footer: [`${input.cooperativeName}, coopérative d'activité et d'emploi`],
    }),
    dedupeKey: `info-meeting:${m.id}:${v.email}`,
  });
  return 'ok';
}

export interface MeetingRegistration {
  id: string;
  displayName: string;
  email: string;
  phone: string | null;
  attended: boolean | null;
  journeyId: string | null;
  createdAt: Date;
}
export async function meetingRegistrations(
  tx: Tx,
  actor: Actor,
  meetingId: string,
): Promise<{ meeting: Meeting; registrations: MeetingRegistration[] }> {
  authorize(actor, JOURNEYS.infoMeetingManage);
  const trx = journeysDb(tx);
  if (!isUuid(meetingId)) throw new NotFoundError('Réunion');
  const meeting = (await allMeetings(tx, actor)).find((m) => m.id === meetingId);
  if (!meeting) throw new NotFoundError('Réunion');
  const rows = await trx
    .selectFrom('info_meeting_registration')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('meeting_id', '=', meetingId)
    .orderBy('display_name')
    .execute();
  return {
    meeting,
    registrations: rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      email: r.email,
      phone: r.phone,
      attended: r.attended,
      journeyId: r.journey_id,
      createdAt: r.created_at,
    })),
  };
}

export async function recordMeetingAttendance(
  tx: Tx,
  actor: Actor,
  meetingId: string,
  presentIds: string[],
): Promise<void> {
  authorize(actor, JOURNEYS.infoMeetingAttendance);
  const trx = journeysDb(tx);
  const { registrations } = await meetingRegistrations(tx, actor, meetingId);
  const present = new Set(presentIds);
  for (const r of registrations) {
    await trx
      .updateTable('info_meeting_registration')
      .set({ attended: present.has(r.id) })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', r.id)
      .execute();
  }
  await audit(tx, actor, {
    action: 'info_meeting.attendance_recorded',
    targetType: 'info_meeting',
    targetId: meetingId,
    data: { present: present.size },
  });
}

/** Turns a registration into a contact with a journey, already at the "info meeting" stage. */
export async function convertRegistration(tx: Tx, actor: Actor, registrationId: string): Promise<Journey> {
  authorize(actor, JOURNEYS.infoMeetingConvert);
  const trx = journeysDb(tx);
  if (!isUuid(registrationId)) throw new NotFoundError('Inscription');
  const r = await trx
    .selectFrom('info_meeting_registration')
    .innerJoin('info_meeting', (j) =>
      j
        .onRef('info_meeting.cooperative_id', '=', 'info_meeting_registration.cooperative_id')
        .onRef('info_meeting.id', '=', 'info_meeting_registration.meeting_id'),
    )
    .selectAll('info_meeting_registration')
    .select('info_meeting.starts_at')
    .where('info_meeting_registration.cooperative_id', '=', actor.cooperativeId)
    .where('info_meeting_registration.id', '=', registrationId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Inscription');
  if (r.journey_id) throw new UserError('Cette personne a déjà une fiche contact.');
  // A stage is dated when it happened: attendance recorded before the meeting counts from today.
  const day = earlier(parisDate(new Date(r.starts_at)), todayParis());
  const createdOn = earlier(parisDate(new Date(r.created_at)), day);
  const j = await createJourney(tx, actor, {
    displayName: r.display_name,
    email: r.email,
    phone: r.phone,
    startedOn: createdOn,
    comment: "Inscription à une réunion d'information",
  });
  const moved = await transitionJourney(
    tx,
    actor,
    j.id,
    { to: 'info_meeting', effectiveOn: day, comment: attendanceComment(r.attended) },
    // The timeline reads the attendance from the registration, so a later correction shows.
    { infoMeetingRegistrationId: r.id },
  );
  await trx
    .updateTable('info_meeting_registration')
    .set({ journey_id: j.id })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', registrationId)
    .execute();
  return moved;
}

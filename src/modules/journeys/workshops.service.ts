// Workshops: themes and sessions (date, place, capacity), listed with the places taken and the
// actor's own registration. Registration: registration.service.ts; attendance and hours:
// attendance.service.ts; sign-in sheet: sign-in-sheet.ts.
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { todayParis } from '../../core/dates.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { TimeRangeFields, capacityField, instantsOf } from './time-inputs.ts';

// Kept here for the pages and the browser tests that take them from this file.
export { register, cancelRegistration } from './registration.service.ts';
export { participants, recordAttendance, attendedHours, sessionHours, type Participant } from './attendance.service.ts';

/** A user id that matches no one (the actor's own registration when there is no user). */
const NOBODY = '00000000-0000-0000-0000-000000000000';

export async function createTheme(
  tx: Tx,
  actor: Actor,
  input: { name: string; description?: string | null },
): Promise<string> {
  authorize(actor, JOURNEYS.workshopManage);
  const name = input.name.trim();
  if (name.length < 2) throw new UserError("Indiquez le thème de l'atelier.", 'name');
  if (name.length > 200) throw new UserError('Thème trop long (200 caractères au plus).', 'name');
  const id = uuidv7();
  await journeysDb(tx)
    .insertInto('workshop_theme')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      name,
      description: input.description?.trim().slice(0, 2000) || null,
    })
    .execute();
  return id;
}

export async function listThemes(
  tx: Tx,
  actor: Actor,
): Promise<{ id: string; name: string; description: string | null }[]> {
  authorize(actor, JOURNEYS.workshopManage);
  return journeysDb(tx)
    .selectFrom('workshop_theme')
    .select(['id', 'name', 'description'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('name')
    .execute();
}

export const SessionInput = z.object({
  themeId: z.string().uuid('Choisissez un thème.'),
  ...TimeRangeFields,
  place: z.string().trim().min(2, 'Indiquez le lieu.').max(300, 'Lieu trop long (300 caractères au plus).'),
  capacity: capacityField,
});
export async function createSession(tx: Tx, actor: Actor, raw: z.input<typeof SessionInput>): Promise<string> {
  authorize(actor, JOURNEYS.workshopManage);
  const trx = journeysDb(tx);
  const v = parseInput(SessionInput, raw);
  if (v.date < todayParis()) throw new UserError('Choisissez une date à venir.', 'date');
  const { startsAt, endsAt } = instantsOf(v);
  const theme = await trx
    .selectFrom('workshop_theme')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', v.themeId)
    .executeTakeFirst();
  if (!theme) throw new UserError('Thème inconnu.', 'themeId');
  const id = uuidv7();
  await trx
    .insertInto('workshop_session')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      theme_id: v.themeId,
      starts_at: startsAt,
      ends_at: endsAt,
      place: v.place,
      capacity: v.capacity,
      attendance_recorded_at: null,
    })
    .execute();
  await audit(tx, actor, {
    action: 'workshop.session_created',
    targetType: 'workshop_session',
    targetId: id,
    data: { startsAt: startsAt.toISOString(), capacity: v.capacity },
  });
  return id;
}

export interface Session {
  id: string;
  themeId: string;
  themeName: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  capacity: number;
  /** Places booked before the session. */
  registered: number;
  /** People who came without registering, added at the attendance. */
  walkIns: number;
  waiting: number;
  attendanceRecordedAt: Date | null;
  myStatus: 'registered' | 'waiting' | 'cancelled' | null;
}
export async function listSessions(tx: Tx, actor: Actor, opts: { from?: Date; id?: string } = {}): Promise<Session[]> {
  authorize(actor, JOURNEYS.workshopList);
  let q = journeysDb(tx)
    .selectFrom('workshop_session')
    .innerJoin('workshop_theme', (j) =>
      j
        .onRef('workshop_theme.cooperative_id', '=', 'workshop_session.cooperative_id')
        .onRef('workshop_theme.id', '=', 'workshop_session.theme_id'),
    )
    .selectAll('workshop_session')
    .select('workshop_theme.name as theme_name')
    .select((eb) => [
      eb
        .selectFrom('workshop_registration as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.cooperative_id', '=', 'workshop_session.cooperative_id')
        .whereRef('r.session_id', '=', 'workshop_session.id')
        .where('r.status', '=', 'registered')
        // A walk-in, recorded at the attendance, took none of the places.
        .where('r.walk_in', '=', false)
        .as('registered'),
      eb
        .selectFrom('workshop_registration as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.cooperative_id', '=', 'workshop_session.cooperative_id')
        .whereRef('r.session_id', '=', 'workshop_session.id')
        .where('r.status', '=', 'registered')
        .where('r.walk_in', '=', true)
        .as('walk_ins'),
      eb
        .selectFrom('workshop_registration as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.cooperative_id', '=', 'workshop_session.cooperative_id')
        .whereRef('r.session_id', '=', 'workshop_session.id')
        .where('r.status', '=', 'waiting')
        .as('waiting'),
      eb
        .selectFrom('workshop_registration as r')
        .select('r.status')
        .whereRef('r.cooperative_id', '=', 'workshop_session.cooperative_id')
        .whereRef('r.session_id', '=', 'workshop_session.id')
        .where('r.user_id', '=', actor.userId ?? NOBODY)
        .as('my_status'),
    ])
    .where('workshop_session.cooperative_id', '=', actor.cooperativeId);
  if (opts.from) q = q.where('workshop_session.starts_at', '>=', opts.from);
  if (opts.id) q = q.where('workshop_session.id', '=', opts.id);
  return (await q.orderBy('workshop_session.starts_at').execute()).map((r) => ({
    id: r.id,
    themeId: r.theme_id,
    themeName: r.theme_name,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    place: r.place,
    capacity: r.capacity,
    registered: Number(r.registered ?? 0),
    walkIns: Number(r.walk_ins ?? 0),
    waiting: Number(r.waiting ?? 0),
    attendanceRecordedAt: r.attendance_recorded_at,
    myStatus: r.my_status ?? null,
  }));
}
export async function getSession(tx: Tx, actor: Actor, id: string): Promise<Session> {
  if (!isUuid(id)) throw new NotFoundError('Séance');
  const [s] = await listSessions(tx, actor, { id });
  if (!s) throw new NotFoundError('Séance');
  return s;
}

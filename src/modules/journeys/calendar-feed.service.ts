// Calendars of the accompaniment: the invitation of one appointment, and each person's secret
// feed (their appointments, as the person or as support, and the workshops they registered
// for) that a calendar application subscribes to without signing in: the token is the secret.
import type { Db, Tx } from '../../core/db/handles.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { newToken, hashToken } from '../../core/auth/tokens.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { rolesInCooperative } from './members.ts';
import { appointmentQuery, getAppointment, toAppointment, type Appointment } from './appointments.queries.ts';
import { icsCalendar, type CalEvent } from './ics.ts';

/** How far back a feed goes: recent history stays visible in the calendar. */
const FEED_HISTORY_DAYS = 90;

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

/** The ICS invitation of one appointment (the person or the team). */
export async function appointmentInvitation(tx: Tx, actor: Actor, id: string, publicUrl: string): Promise<string> {
  const a = await getAppointment(tx, actor, id);
  return icsCalendar('Rendez-vous Radieuse', [appointmentEvent(a, publicUrl)]);
}

/** Creates (or replaces) the secret feed token of the actor; returns the clear token once. */
export async function renewFeedToken(tx: Tx, actor: Actor): Promise<string> {
  authorize(actor, JOURNEYS.calendarFeed);
  if (!actor.userId) throw new UserError('Réservé aux personnes connectées.');
  const token = newToken(24);
  await journeysDb(tx)
    .insertInto('calendar_feed')
    .values({ cooperative_id: actor.cooperativeId, user_id: actor.userId, token_hash: hashToken(token) })
    .onConflict((oc) =>
      oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ token_hash: hashToken(token), created_at: new Date() }),
    )
    .execute();
  await audit(tx, actor, { action: 'calendar_feed.renewed' });
  return token;
}

export async function hasFeed(tx: Tx, actor: Actor): Promise<boolean> {
  authorize(actor, JOURNEYS.calendarFeed);
  if (!actor.userId) return false;
  const row = await journeysDb(tx)
    .selectFrom('calendar_feed')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return !!row;
}

/** The feed of the token's owner, or null (unknown token, or no longer a member). */
export async function calendarFeed(db: Db, token: string, publicUrl: string, now = new Date()): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  // The token names the cooperative: the only lookup made without a tenant.
  const feed = await withSystem(db, (tx) =>
    journeysDb(tx)
      .selectFrom('calendar_feed')
      .select(['cooperative_id', 'user_id'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst(),
  );
  if (!feed) return null;
  return withTenant(db, feed.cooperative_id, async (tx) => {
    const trx = journeysDb(tx);
    const roles = await rolesInCooperative(tx, feed.cooperative_id, feed.user_id);
    if (!roles.length) return null;
    const owner: Actor = {
      userId: feed.user_id as UserId,
      cooperativeId: feed.cooperative_id as CooperativeId,
      roles,
      label: 'flux',
    };
    const since = new Date(now.getTime() - FEED_HISTORY_DAYS * 86400_000);
    const appointments = await appointmentQuery(trx, owner.cooperativeId)
      .where('appointment.status', '!=', 'cancelled')
      .where('appointment.starts_at', '>=', since)
      .where((eb) =>
        eb.or([eb('journey.user_id', '=', feed.user_id), eb('appointment.support_user_id', '=', feed.user_id)]),
      )
      .orderBy('appointment.starts_at')
      .execute();
    const sessions = await trx
      .selectFrom('workshop_registration as r')
      .innerJoin('workshop_session as s', (j) =>
        j.onRef('s.cooperative_id', '=', 'r.cooperative_id').onRef('s.id', '=', 'r.session_id'),
      )
      .innerJoin('workshop_theme as t', (j) =>
        j.onRef('t.cooperative_id', '=', 's.cooperative_id').onRef('t.id', '=', 's.theme_id'),
      )
      .select(['s.id', 's.starts_at', 's.ends_at', 's.place', 't.name'])
      .where('r.cooperative_id', '=', feed.cooperative_id)
      .where('r.user_id', '=', feed.user_id)
      .where('r.status', '=', 'registered')
      .where('s.starts_at', '>=', since)
      .orderBy('s.starts_at')
      .execute();
    const events: CalEvent[] = [
      ...appointments.map((r) => appointmentEvent(toAppointment(r), publicUrl)),
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

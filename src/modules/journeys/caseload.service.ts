// The caseload: every person followed, with their stage, last contact and next appointment, and
// the alerts that call for a decision (six weeks without contact, CAPE ending or ended). Also
// the lists of people the team picks from (support members, members without a journey).
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { addDays, formatDate, todayParis } from '../../core/dates.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { memberOptions } from './members.ts';
import { toJourney, type Journey } from './journeys.service.ts';
import type { Stage } from './stages.ts';

export const NO_CONTACT_DAYS = 42;
export const CAPE_ENDING_DAYS = 30;
export const ALERT_TYPES = {
  no_contact: 'Pas de contact depuis 6 semaines',
  cape_ending: 'CAPE qui se termine bientôt',
  cape_ended: 'CAPE terminé',
} as const;
export type AlertType = keyof typeof ALERT_TYPES;
export const isAlertType = (s: string): s is AlertType => Object.hasOwn(ALERT_TYPES, s);

export interface CaseloadRow {
  journey: Journey;
  supportName: string | null;
  lastContact: Date | null;
  nextAppointment: Date | null;
  /** What each alert says, in plain French (same order as `alertTypes`). */
  alerts: string[];
  alertTypes: AlertType[];
}

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));

export async function caseload(
  tx: Tx,
  actor: Actor,
  opts: { supportUserId?: string | null; now?: Date; stage?: Stage | null; alert?: AlertType | null } = {},
): Promise<CaseloadRow[]> {
  authorize(actor, JOURNEYS.caseloadRead);
  const now = opts.now ?? new Date();
  const today = todayParis(now);
  let q = journeysDb(tx)
    .selectFrom('journey')
    .leftJoin('user_account', 'user_account.id', 'journey.support_user_id')
    .selectAll('journey')
    .select('user_account.display_name as support_name')
    .select((eb) => [
      eb
        .selectFrom('appointment')
        .select((e) => e.fn.max('appointment.starts_at').as('m'))
        .whereRef('appointment.cooperative_id', '=', 'journey.cooperative_id')
        .whereRef('appointment.journey_id', '=', 'journey.id')
        .where('appointment.status', '!=', 'cancelled')
        .where('appointment.starts_at', '<=', now)
        .as('last_contact'),
      eb
        .selectFrom('appointment')
        .select((e) => e.fn.min('appointment.starts_at').as('m'))
        .whereRef('appointment.cooperative_id', '=', 'journey.cooperative_id')
        .whereRef('appointment.journey_id', '=', 'journey.id')
        .where('appointment.status', '=', 'planned')
        .where('appointment.starts_at', '>', now)
        .as('next_appointment'),
    ])
    .where('journey.cooperative_id', '=', actor.cooperativeId)
    .where('journey.stage', '!=', 'exit');
  if (opts.supportUserId) q = q.where('journey.support_user_id', '=', opts.supportUserId);
  if (opts.stage) q = q.where('journey.stage', '=', opts.stage);
  const rows = await q.orderBy('journey.display_name').execute();
  return rows
    .map((r) => {
      const j = toJourney(r);
      const last = asDate(r.last_contact);
      const next = asDate(r.next_appointment);
      const alerts: string[] = [];
      const alertTypes: AlertType[] = [];
      const lastDay = last ? todayParis(last) : j.stageSince;
      if (lastDay < addDays(today, -NO_CONTACT_DAYS)) {
        alerts.push(last ? 'Aucun contact depuis plus de 6 semaines' : 'Aucun rendez-vous depuis plus de 6 semaines');
        alertTypes.push('no_contact');
      }
      if (j.stage === 'cape' && j.capeEnd && j.capeEnd >= today && j.capeEnd <= addDays(today, CAPE_ENDING_DAYS)) {
        alerts.push(`CAPE se termine le ${formatDate(j.capeEnd)}`);
        alertTypes.push('cape_ending');
      }
      if (j.stage === 'cape' && j.capeEnd && j.capeEnd < today) {
        alerts.push('CAPE terminé : à renouveler ou à clore');
        alertTypes.push('cape_ended');
      }
      return {
        journey: j,
        supportName: r.support_name ?? null,
        lastContact: last,
        nextAppointment: next,
        alerts,
        alertTypes,
      };
    })
    .filter((r) => !opts.alert || r.alertTypes.includes(opts.alert));
}

/** `[userId, name]` of the cooperative's support members (to choose who follows a person). */
export async function staffOptions(tx: Tx, actor: Actor): Promise<[string, string][]> {
  authorize(actor, JOURNEYS.caseloadRead);
  return memberOptions(tx, actor, ['support']);
}

/** Entrepreneurs and CAPE of the cooperative who have no journey yet. */
export async function membersWithoutJourney(tx: Tx, actor: Actor): Promise<[string, string][]> {
  authorize(actor, JOURNEYS.journeyCreate);
  const withJourney = new Set(
    (
      await journeysDb(tx)
        .selectFrom('journey')
        .select('user_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('user_id', 'is not', null)
        .execute()
    ).map((r) => r.user_id),
  );
  return (await memberOptions(tx, actor, ['entrepreneur', 'cape'])).filter(([id]) => !withJourney.has(id));
}

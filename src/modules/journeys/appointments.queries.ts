// Reading appointments: one, or a list, with the person's and support's names. The person sees
// their own; the team every appointment of the cooperative.
import type { Tx } from '../../core/db/handles.ts';
import { isUuid } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, type Scope } from '../../core/authz.ts';
import { NotFoundError } from '../../core/errors.ts';
import { journeysDb, type JourneysTx } from './db.ts';
import { JOURNEYS } from './permissions.ts';

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

/** Appointments with the person's and support's names (the inner query of this module). */
export const appointmentQuery = (trx: JourneysTx, cooperativeId: string) =>
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
    .where('appointment.cooperative_id', '=', cooperativeId);
type AppointmentRow = Awaited<ReturnType<ReturnType<typeof appointmentQuery>['execute']>>[number];
export const toAppointment = (r: AppointmentRow): Appointment => ({
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
  status: r.status,
});

/** The appointment within a scope: `own` reaches only the appointments of the actor's journey. */
export async function appointmentInScope(trx: JourneysTx, actor: Actor, scope: Scope, id: string) {
  if (!isUuid(id)) throw new NotFoundError('Rendez-vous');
  const r = await appointmentQuery(trx, actor.cooperativeId).where('appointment.id', '=', id).executeTakeFirst();
  if (!r || (scope === 'own' && r.person_user_id !== actor.userId)) throw new NotFoundError('Rendez-vous');
  return toAppointment(r);
}

/** The team sees every appointment of the cooperative; a person only their own. */
export async function getAppointment(tx: Tx, actor: Actor, id: string): Promise<Appointment> {
  const scope = authorize(actor, JOURNEYS.appointmentRead);
  return appointmentInScope(journeysDb(tx), actor, scope, id);
}

export async function listAppointments(
  tx: Tx,
  actor: Actor,
  opts: { journeyId?: string; supportUserId?: string; mine?: boolean; from?: Date } = {},
): Promise<Appointment[]> {
  const scope = authorize(actor, JOURNEYS.appointmentRead);
  let q = appointmentQuery(journeysDb(tx), actor.cooperativeId);
  if (opts.journeyId) q = q.where('appointment.journey_id', '=', opts.journeyId);
  if (opts.supportUserId) q = q.where('appointment.support_user_id', '=', opts.supportUserId);
  if (opts.from) q = q.where('appointment.starts_at', '>=', opts.from);
  if (scope === 'own' || opts.mine) q = q.where('journey.user_id', '=', actor.userId);
  return (await q.orderBy('appointment.starts_at').execute()).map(toAppointment);
}

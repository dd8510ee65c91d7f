// Appointments between support and a person: a place or a video link, a subject, a status. The
// person sees and cancels their own; the team records them (past or planned, with a first note
// in the same form). Notes and action items: appointment-notes.service.ts; free slots that
// people book themselves: slots.service.ts.
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { rolesInCooperative } from './members.ts';
import { getJourney } from './journeys.service.ts';
import { TimeRangeFields, PlaceFields, instantsOf } from './time-inputs.ts';
import { insertNote } from './appointment-notes.service.ts';
import { appointmentInScope, getAppointment, type Appointment } from './appointments.queries.ts';

// Kept here for the pages and the browser tests that take them from this file.
export { parisInstant, parisDate, parisTime } from './paris-time.ts';
export { createSlot, freeSlots, bookSlot, SlotInput, type Slot } from './slots.service.ts';
export {
  getAppointment,
  listAppointments,
  appointmentInScope,
  type Appointment,
} from './appointments.queries.ts';

export const AppointmentInput = z.object({
  journeyId: z.string().uuid('Choisissez la personne.'),
  subject: z.string().trim().min(2, "Indiquez l'objet du rendez-vous.").max(200, 'Objet trop long.'),
  ...TimeRangeFields,
  ...PlaceFields,
  note: z.string().trim().max(10000, 'Note trop longue (10 000 caractères au plus).').optional().nullable(),
  noteInternal: z.boolean().default(false),
  status: z.enum(['planned', 'done']).default('planned'),
  supportUserId: z.string().uuid("Choisissez un·e chargé·e d'accompagnement.").optional().nullable(),
});

/** Support records an appointment (past or planned), optionally with its first note: one form. */
export async function createAppointment(
  tx: Tx,
  actor: Actor,
  raw: z.input<typeof AppointmentInput>,
): Promise<Appointment> {
  authorize(actor, JOURNEYS.appointmentCreate);
  const v = parseInput(AppointmentInput, raw);
  if (!v.place && !v.videoUrl) throw new UserError('Indiquez un lieu ou un lien de visioconférence.', 'place');
  const { startsAt, endsAt } = instantsOf(v);
  await getJourney(tx, actor, v.journeyId);
  const supportUserId = v.supportUserId ?? actor.userId;
  if (!supportUserId) throw new UserError("Choisissez un·e chargé·e d'accompagnement.", 'supportUserId');
  if (v.supportUserId) {
    const roles = await rolesInCooperative(tx, actor.cooperativeId, v.supportUserId);
    if (!roles.some((r) => r === 'support' || r === 'director' || r === 'network_admin'))
      throw new UserError("Choisissez un·e chargé·e d'accompagnement de la coopérative.", 'supportUserId');
  }
  const id = uuidv7();
  await journeysDb(tx)
    .insertInto('appointment')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      journey_id: v.journeyId,
      support_user_id: supportUserId,
      starts_at: startsAt,
      ends_at: endsAt,
      place: v.place || null,
      video_url: v.videoUrl ?? null,
      subject: v.subject,
      status: v.status,
      booked_by: actor.userId,
    })
    .execute();
  if (v.note) await insertNote(journeysDb(tx), actor, id, v.note, v.noteInternal);
  await audit(tx, actor, {
    action: 'appointment.created',
    targetType: 'appointment',
    targetId: id,
    data: { journeyId: v.journeyId, startsAt: startsAt.toISOString() },
  });
  return getAppointment(tx, actor, id);
}

/** Cancels an appointment (the person or the team); a booked slot becomes free again. */
export async function cancelAppointment(tx: Tx, actor: Actor, id: string): Promise<void> {
  const scope = authorize(actor, JOURNEYS.appointmentCancel);
  const trx = journeysDb(tx);
  const a = await appointmentInScope(trx, actor, scope, id);
  if (a.status !== 'planned') throw new UserError("Ce rendez-vous n'est plus prévu : il ne peut pas être annulé.");
  await trx
    .updateTable('appointment')
    .set({ status: 'cancelled' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await trx
    .updateTable('support_slot')
    .set({ appointment_id: null })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('appointment_id', '=', id)
    .execute();
  await audit(tx, actor, { action: 'appointment.cancelled', targetType: 'appointment', targetId: a.id });
}

// Free slots that support offers and entrepreneurs book themselves: booking locks the slot, so
// two people never get the same one; cancelling the appointment frees it again.
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { journeyOfUser } from './journeys.service.ts';
import { getAppointment, type Appointment } from './appointments.queries.ts';
import { TimeRangeFields, PlaceFields, instantsOf } from './time-inputs.ts';

export const SlotInput = z.object({ ...TimeRangeFields, ...PlaceFields });
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
  authorize(actor, JOURNEYS.slotCreate);
  return insertSlot(tx, actor, raw);
}

/** A free slot a member offers to peers of the cooperative (a campus resource person: the campus
 *  checks the designation before calling). Booked like the support's slots (`bookSlot`). */
export async function offerPeerSlot(tx: Tx, actor: Actor, raw: z.input<typeof SlotInput>): Promise<string> {
  authorize(actor, JOURNEYS.peerSlotOffer);
  return insertSlot(tx, actor, raw);
}

async function insertSlot(tx: Tx, actor: Actor, raw: z.input<typeof SlotInput>): Promise<string> {
  if (!actor.userId) throw new ForbiddenError();
  const v = parseInput(SlotInput, raw);
  if (!v.place && !v.videoUrl) throw new UserError('Indiquez un lieu ou un lien de visioconférence.', 'place');
  const { startsAt, endsAt } = instantsOf(v);
  if (startsAt <= new Date()) throw new UserError('Choisissez un créneau à venir.', 'date');
  const id = uuidv7();
  await journeysDb(tx)
    .insertInto('support_slot')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      support_user_id: actor.userId,
      starts_at: startsAt,
      ends_at: endsAt,
      place: v.place || null,
      video_url: v.videoUrl ?? null,
      appointment_id: null,
    })
    .execute();
  return id;
}

/** Slots still free and to come, of one support member or of everyone. */
export async function freeSlots(
  tx: Tx,
  actor: Actor,
  opts: { supportUserId?: string | null; now?: Date } = {},
): Promise<Slot[]> {
  authorize(actor, JOURNEYS.slotList);
  let q = journeysDb(tx)
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

/** An entrepreneur books a free slot for their own journey: the slot is locked so that two
 *  people cannot take it. */
export async function bookSlot(tx: Tx, actor: Actor, slotId: string, subject: string): Promise<Appointment> {
  authorize(actor, JOURNEYS.slotBook);
  const trx = journeysDb(tx);
  const journey = actor.userId ? await journeyOfUser(tx, actor, actor.userId) : null;
  if (!journey)
    throw new ForbiddenError("Votre parcours n'est pas encore ouvert : contactez votre chargé·e d'accompagnement.");
  const what = subject.trim();
  if (what.length < 2) throw new UserError("Indiquez l'objet du rendez-vous.", 'subject');
  if (what.length > 200) throw new UserError('Objet trop long (200 caractères au plus).', 'subject');
  if (!isUuid(slotId)) throw new NotFoundError('Créneau');
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
      subject: what,
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
  await audit(tx, actor, { action: 'appointment.booked', targetType: 'appointment', targetId: id, data: { slotId } });
  return getAppointment(tx, actor, id);
}

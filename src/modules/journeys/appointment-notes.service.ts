// What an appointment leaves behind: notes (shared with the person, or internal to the team:
// internal notes never reach the person) and action items (for the person or for support).
import type { Tx } from '../../core/db/handles.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { isIsoDate, toIsoDate, type IsoDate } from '../../core/dates.ts';
import { journeysDb, type JourneysTx } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { appointmentInScope } from './appointments.queries.ts';

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
  dueOn: IsoDate | null;
  doneAt: Date | null;
}

/** Inner: writes a note on an appointment the caller may write on. */
export async function insertNote(
  trx: JourneysTx,
  actor: Actor,
  appointmentId: string,
  body: string,
  internal: boolean,
): Promise<void> {
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

async function notesOf(trx: JourneysTx, actor: Actor, appointmentId: string, internal: boolean): Promise<Note[]> {
  const rows = await trx
    .selectFrom('appointment_note')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('appointment_id', '=', appointmentId)
    .where('internal', '=', internal)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    internal: r.internal,
    authorLabel: r.author_label,
    createdAt: r.created_at,
  }));
}

/** The team's internal notes of an appointment: they never reach the person. */
export async function privateNotes(tx: Tx, actor: Actor, appointmentId: string): Promise<Note[]> {
  const scope = authorize(actor, JOURNEYS.privateNoteRead);
  const trx = journeysDb(tx);
  await appointmentInScope(trx, actor, scope, appointmentId);
  return notesOf(trx, actor, appointmentId, true);
}

/** The notes the actor may read: the shared ones, and the internal ones with the team's
 *  permission; in the order they were written. */
export async function appointmentNotes(tx: Tx, actor: Actor, appointmentId: string): Promise<Note[]> {
  const scope = authorize(actor, JOURNEYS.appointmentRead);
  const trx = journeysDb(tx);
  await appointmentInScope(trx, actor, scope, appointmentId);
  const shared = await notesOf(trx, actor, appointmentId, false);
  const internal = can(actor, JOURNEYS.privateNoteRead) ? await privateNotes(tx, actor, appointmentId) : [];
  return [...shared, ...internal].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
  );
}

export async function addNote(
  tx: Tx,
  actor: Actor,
  appointmentId: string,
  body: string,
  internal: boolean,
): Promise<void> {
  const scope = authorize(actor, JOURNEYS.noteAdd);
  const trx = journeysDb(tx);
  await appointmentInScope(trx, actor, scope, appointmentId);
  const text = body.trim();
  if (text.length < 2) throw new UserError('Écrivez la note.', 'body');
  if (text.length > 10000) throw new UserError('Note trop longue (10 000 caractères au plus).', 'body');
  await insertNote(trx, actor, appointmentId, text, internal);
  await audit(tx, actor, {
    action: 'appointment.note_added',
    targetType: 'appointment',
    targetId: appointmentId,
    data: { internal },
  });
}

export async function appointmentActions(tx: Tx, actor: Actor, appointmentId: string): Promise<ActionItem[]> {
  const scope = authorize(actor, JOURNEYS.appointmentRead);
  const trx = journeysDb(tx);
  await appointmentInScope(trx, actor, scope, appointmentId);
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
    dueOn: r.due_on ? toIsoDate(r.due_on) : null,
    doneAt: r.done_at,
  }));
}

export async function addAction(
  tx: Tx,
  actor: Actor,
  appointmentId: string,
  input: { label: string; owner: string; dueOn?: string | null },
): Promise<void> {
  const scope = authorize(actor, JOURNEYS.actionAdd);
  const trx = journeysDb(tx);
  await appointmentInScope(trx, actor, scope, appointmentId);
  const errors: Record<string, string> = {};
  const label = input.label.trim();
  if (label.length < 2) errors.label = "Décrivez l'action.";
  if (label.length > 500) errors.label = 'Action trop longue (500 caractères au plus).';
  if (input.owner !== 'person' && input.owner !== 'support') errors.owner = 'Choisissez qui fait cette action.';
  if (input.dueOn && !isIsoDate(input.dueOn)) errors.dueOn = 'Date invalide (AAAA-MM-JJ).';
  if (Object.keys(errors).length) throw new UserError('Certains champs sont à corriger.', undefined, errors);
  await trx
    .insertInto('appointment_action')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      appointment_id: appointmentId,
      label,
      owner: input.owner === 'support' ? 'support' : 'person',
      due_on: input.dueOn || null,
      done_at: null,
    })
    .execute();
}

/** Marks an action item done (the person on their own appointments, or the team); returns the
 *  appointment it belongs to. */
export async function completeAction(tx: Tx, actor: Actor, actionId: string): Promise<{ appointmentId: string }> {
  const scope = authorize(actor, JOURNEYS.actionComplete);
  const trx = journeysDb(tx);
  if (!isUuid(actionId)) throw new NotFoundError('Action');
  const a = await trx
    .selectFrom('appointment_action')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', actionId)
    .executeTakeFirst();
  if (!a) throw new NotFoundError('Action');
  await appointmentInScope(trx, actor, scope, a.appointment_id);
  await trx
    .updateTable('appointment_action')
    .set({ done_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', actionId)
    .where('done_at', 'is', null)
    .execute();
  return { appointmentId: a.appointment_id };
}

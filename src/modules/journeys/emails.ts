// What the accompaniment's e-mails share: one calm shape (greeting, a few plain sentences, the
// one action, the cooperative's sign-off) rendered by the e-mail kit, so that HTML and text say
// the same and whatever a person typed is escaped; and who receives them.
import type { Tx } from '../../core/db/handles.ts';
import { formatDateLong } from '../../core/dates.ts';
import { renderEmail } from '../../web/email.tsx';
import { journeysDb } from './db.ts';
import type { Appointment } from './appointments.queries.ts';
import { appointmentEvent } from './calendar-feed.service.ts';
import { icsCalendar } from './ics.ts';
import { parisDate, parisTime } from './paris-time.ts';

/** A short letter: greeting, paragraphs, the one action; HTML and text from the same parts. */
export function letter(greeting: string, paragraphs: string[], action?: { href: string; label: string }) {
  return renderEmail({ paragraphs: [greeting, ...paragraphs], action, footer: ['Belle journée,\nVotre coopérative'] });
}
export const when = (start: Date, end: Date) =>
  `le ${formatDateLong(parisDate(start))}, de ${parisTime(start)} à ${parisTime(end)}`;
export const where = (place: string | null, video: string | null) =>
  video ? `En visioconférence : ${video}` : `Lieu : ${place ?? 'à préciser'}`;

export async function emailOf(tx: Tx, userId: string | null): Promise<{ email: string; name: string } | null> {
  const trx = journeysDb(tx);
  if (!userId) return null;
  const u = await trx
    .selectFrom('user_account')
    .select(['email', 'display_name'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return u ? { email: u.email, name: u.display_name } : null;
}
export async function personContact(
  tx: Tx,
  cooperativeId: string,
  journeyId: string,
): Promise<{ email: string; name: string } | null> {
  const trx = journeysDb(tx);
  const j = await trx
    .selectFrom('journey')
    .select(['email', 'display_name', 'user_id'])
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', journeyId)
    .executeTakeFirst();
  if (!j) return null;
  const u = await emailOf(trx, j.user_id);
  const email = j.email ?? u?.email;
  return email ? { email, name: j.display_name } : null;
}
export function icsAttachment(a: Appointment, publicUrl: string) {
  return {
    filename: 'rendez-vous.ics',
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    contentBase64: Buffer.from(icsCalendar('Rendez-vous', [appointmentEvent(a, publicUrl)])).toString('base64'),
  };
}

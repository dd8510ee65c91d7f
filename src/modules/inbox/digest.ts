// Notifications are collected, not pushed one by one: `notify` stores them and the digest
// (digest-run.ts) sends them with the to-do list in ONE calm e-mail per person and period
// (weekly by default, daily on request). People who chose "urgent only" get urgent
// notifications at once and no digest. The preference is each person's, per cooperative.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { uuidv7 } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { UserError } from '../../core/errors.ts';
import type { IsoDate } from '../../core/dates.ts';
import { renderEmail } from '../../web/email.tsx';
import { inboxDb, type InboxTx } from './db.ts';
import { INBOX } from './permissions.ts';
import type { DigestFrequency } from './schema.ts';

export const FREQUENCY_LABELS: Record<DigestFrequency, string> = {
  weekly: 'Un résumé par semaine, le lundi (conseillé)',
  daily: 'Un résumé chaque matin',
  urgent: 'Seulement ce qui est urgent, tout de suite',
};
const isFrequency = (s: string): s is DigestFrequency => Object.hasOwn(FREQUENCY_LABELS, s);
export const defaultPublicUrl = () => process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

export interface Preference {
  frequency: DigestFrequency;
  unsubscribed: boolean;
}

export function preferenceOf(trx: InboxTx, cooperativeId: string, userId: string, lock = false) {
  let q = trx
    .selectFrom('notification_preference')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .where('user_id', '=', userId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function getPreference(tx: Tx, actor: Actor): Promise<Preference> {
  authorize(actor, INBOX.digestPreference);
  const p = actor.userId ? await preferenceOf(inboxDb(tx), actor.cooperativeId, actor.userId) : undefined;
  return { frequency: p?.frequency ?? 'weekly', unsubscribed: !!p?.unsubscribed_at };
}

/** Choosing a frequency also resubscribes. */
export async function setPreference(tx: Tx, actor: Actor, frequency: string): Promise<void> {
  authorize(actor, INBOX.digestPreference);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  if (!isFrequency(frequency)) throw new UserError('Choisissez une fréquence.', 'frequency');
  await inboxDb(tx)
    .insertInto('notification_preference')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: actor.userId,
      frequency,
      unsubscribed_at: null,
      last_digest_key: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['cooperative_id', 'user_id'])
        .doUpdateSet({ frequency, unsubscribed_at: null, updated_at: new Date() }),
    )
    .execute();
  await audit(tx, actor, {
    action: 'notification.preference_set',
    targetType: 'user',
    targetId: actor.userId,
    data: { frequency },
  });
}

export function userContact(trx: InboxTx, userId: string) {
  return trx
    .selectFrom('user_account')
    .select(['email', 'display_name', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
}
export const firstName = (n: string) => n.split(' ')[0] || n;

/** Records a notification for the digest; an urgent one is mailed at once to people who chose
 *  "urgent only". Plumbing for other modules' services (which authorized their own action):
 *  it needs no permission of its own. */
export async function notify(
  tx: Tx,
  actor: Actor,
  userId: string,
  kind: string,
  text: string,
  opts: { urgent?: boolean; publicUrl?: string } = {},
): Promise<string> {
  const trx = inboxDb(tx);
  const id = uuidv7();
  const urgent = !!opts.urgent;
  await trx
    .insertInto('notification')
    .values({ cooperative_id: actor.cooperativeId, id, user_id: userId, kind, text, urgent, digested_at: null })
    .execute();
  if (!urgent) return id;
  const pref = await preferenceOf(trx, actor.cooperativeId, userId);
  const u = await userContact(trx, userId);
  if (pref?.frequency !== 'urgent' || pref.unsubscribed_at || !u || u.disabled_at) return id;
  const url = opts.publicUrl ?? defaultPublicUrl();
  await enqueueMail(tx, {
    to: u.email,
    cooperativeId: actor.cooperativeId,
    dedupeKey: `notify:${id}`,
    subject: 'Radieuse : une chose urgente',
    ...renderEmail({
      paragraphs: [`Bonjour ${firstName(u.display_name)},`, text],
      action: { label: 'Ouvrir ma liste de choses à faire', href: `${url}/` },
      footer: ['Vous avez choisi de recevoir seulement ce qui est urgent, tout de suite.'],
    }),
  });
  await trx
    .updateTable('notification')
    .set({ digested_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  return id;
}

const isMonday = (d: IsoDate) => new Date(`${d}T12:00:00Z`).getUTCDay() === 1;

/** The period a digest belongs to, or null when this person gets no digest at `today`. */
export function digestPeriod(
  frequency: DigestFrequency,
  today: IsoDate,
  opts: { anyDay?: boolean } = {},
): string | null {
  if (frequency === 'daily') return `day:${today}`;
  if (frequency === 'weekly') return isMonday(today) || opts.anyDay ? `week:${today}` : null;
  return null;
}

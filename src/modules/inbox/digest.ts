// Notifications are collected, not pushed one by one: `notify` stores them, `sendDigests` sends
// ONE calm e-mail per person per period (weekly by default, daily on request; people who chose
// "urgent only" get urgent notifications at once and nothing else). The e-mail goes through the
// outbox with a dedupe key, in the same transaction that marks the notifications digested, so a
// crash or a rerun never sends twice. Every digest carries an unsubscribe link (no sign-in).
import type { Db, Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { inboxDb } from './db.ts';
import { authorize } from '../../core/authz.ts';
import { INBOX } from './permissions.ts';
import type { Actor } from '../../core/actor.ts';
import { uuidv7 } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { UserError } from '../../core/errors.ts';
import { todayParis, formatDateLong, type IsoDate } from '../../core/dates.ts';
import { newToken, hashToken } from '../../core/auth/tokens.ts';
import { readToken } from '../../core/auth/invitations.ts';
import type { DigestFrequency } from './schema.ts';

export const FREQUENCY_LABELS: Record<DigestFrequency, string> = {
  weekly: 'Un résumé par semaine, le lundi (conseillé)',
  daily: 'Un résumé chaque matin',
  urgent: 'Seulement ce qui est urgent, tout de suite',
};
export const UNSUBSCRIBE_DAYS = 90;
const defaultPublicUrl = () => process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

export interface Preference {
  frequency: DigestFrequency;
  unsubscribed: boolean;
}

async function preferenceOf(tx: Tx, cooperativeId: string, userId: string, lock = false) {
  const trx = inboxDb(tx);
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
  const trx = inboxDb(tx);
  const p = actor.userId ? await preferenceOf(trx, actor.cooperativeId, actor.userId) : undefined;
  return { frequency: p?.frequency ?? 'weekly', unsubscribed: !!p?.unsubscribed_at };
}

/** Choosing a frequency also resubscribes. */
export async function setPreference(tx: Tx, actor: Actor, frequency: string): Promise<void> {
  authorize(actor, INBOX.digestPreference);
  const trx = inboxDb(tx);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  if (!(frequency in FREQUENCY_LABELS)) throw new UserError('Choisissez une fréquence.', 'frequency');
  const f = frequency as DigestFrequency;
  await trx
    .insertInto('notification_preference')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: actor.userId,
      frequency: f,
      unsubscribed_at: null,
      last_digest_key: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['cooperative_id', 'user_id'])
        .doUpdateSet({ frequency: f, unsubscribed_at: null, updated_at: new Date() }),
    )
    .execute();
  await audit(trx, actor, {
    action: 'notification.preference_set',
    targetType: 'user',
    targetId: actor.userId,
    data: { frequency: f },
  });
}

async function userContact(tx: Tx, userId: string) {
  const trx = inboxDb(tx);
  return trx
    .selectFrom('user_account')
    .select(['email', 'display_name', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Records a notification for the digest; an urgent one is mailed at once to people who chose "urgent only". */
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
  if (urgent) {
    const pref = await preferenceOf(trx, actor.cooperativeId, userId);
    const u = await userContact(trx, userId);
    if (pref?.frequency === 'urgent' && !pref.unsubscribed_at && u && !u.disabled_at) {
      const url = opts.publicUrl ?? defaultPublicUrl();
      await enqueueMail(trx, {
        to: u.email,
        cooperativeId: actor.cooperativeId,
        dedupeKey: `notify:${id}`,
        subject: 'Radieuse : une chose urgente',
        text: `Bonjour ${firstName(u.display_name)},\n\n${text}\n\nOuvrez votre liste de choses à faire : ${url}/\n`,
        html: `<p>Bonjour ${esc(firstName(u.display_name))},</p><p>${esc(text)}</p><p><a href="${esc(url)}/">Ouvrir ma liste de choses à faire</a></p>`,
      });
      await trx
        .updateTable('notification')
        .set({ digested_at: new Date() })
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', '=', id)
        .execute();
    }
  }
  return id;
}

const firstName = (n: string) => n.split(' ')[0] || n;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
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

/** A digest stays short: beyond this, a count. */
export const MAX_DIGEST_LINES = 20;

export interface DigestContent {
  subject: string;
  text: string;
  html: string;
}
export function renderDigest(p: {
  name: string;
  frequency: DigestFrequency;
  items: { text: string; createdAt: Date; urgent: boolean }[];
  inboxUrl: string;
  unsubscribeUrl: string;
  today: IsoDate;
}): DigestContent {
  const period = p.frequency === 'daily' ? 'depuis hier' : 'cette semaine';
  const n = p.items.length;
  const subject = `Radieuse : ${n} nouvelle${n > 1 ? 's' : ''} ${period}`;
  const intro = `Voici, en un seul message, ce qui s'est passé ${period}. Rien ne presse davantage que ce que vous voyez dans votre liste de choses à faire.`;
  const shown = p.items.slice(0, MAX_DIGEST_LINES);
  const more = n - shown.length;
  const moreText = more > 0 ? `… et ${more} autre${more > 1 ? 's' : ''}, à retrouver dans Radieuse.` : null;
  const text = [
    `Bonjour ${firstName(p.name)},`,
    '',
    intro,
    '',
    ...shown.map((i) => `- ${i.urgent ? '[Urgent] ' : ''}${i.text}`),
    ...(moreText ? [moreText] : []),
    '',
    `Voir ce qu'il reste à faire : ${p.inboxUrl}`,
    '',
    `Résumé du ${formatDateLong(p.today)}. Pour ne plus recevoir ces messages : ${p.unsubscribeUrl}`,
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><body>
<p>Bonjour ${esc(firstName(p.name))},</p>
<p>${esc(intro)}</p>
<ul>${shown.map((i) => `<li>${i.urgent ? '<strong>Urgent :</strong> ' : ''}${esc(i.text)}</li>`).join('')}</ul>${moreText ? `<p>${esc(moreText)}</p>` : ''}
<p><a href="${esc(p.inboxUrl)}">Voir ce qu'il reste à faire</a></p>
<p><small>Résumé du ${esc(formatDateLong(p.today))}. <a href="${esc(p.unsubscribeUrl)}">Ne plus recevoir ces messages</a></small></p>
</body></html>`;
  return { subject, text, html };
}

export interface DigestRun {
  sent: number;
  skipped: number;
}
/**
 * Builds and enqueues the digests due at `now`: daily people every day, weekly people on
 * Mondays (Paris). One transaction per person: mail + digested marks commit together.
 */
export async function sendDigests(
  dbIn: Db,
  now: Date = new Date(),
  opts: { publicUrl?: string; anyDay?: boolean; afterEach?: (userId: string) => void } = {},
): Promise<DigestRun> {
  const db = inboxDb(dbIn);
  const today = todayParis(now);
  const url = opts.publicUrl ?? defaultPublicUrl();
  const pending = await db
    .selectFrom('notification')
    .select(['cooperative_id', 'user_id'])
    .distinct()
    .where('digested_at', 'is', null)
    .orderBy('cooperative_id')
    .orderBy('user_id')
    .execute();
  const run: DigestRun = { sent: 0, skipped: 0 };
  for (const { cooperative_id: coop, user_id: userId } of pending) {
    const sent = await withTenant(dbIn, coop, async (tx) => {
      const trx = inboxDb(tx);
      await trx
        .insertInto('notification_preference')
        .values({
          cooperative_id: coop,
          user_id: userId,
          frequency: 'weekly',
          unsubscribed_at: null,
          last_digest_key: null,
        })
        .onConflict((oc) => oc.columns(['cooperative_id', 'user_id']).doNothing())
        .execute();
      const pref = (await preferenceOf(trx, coop, userId, true))!;
      if (pref.unsubscribed_at) return false;
      const items = await trx
        .selectFrom('notification')
        .selectAll()
        .where('cooperative_id', '=', coop)
        .where('user_id', '=', userId)
        .where('digested_at', 'is', null)
        .orderBy('created_at')
        .forUpdate()
        .execute();
      if (!items.length) return false;
      if (pref.frequency === 'urgent') {
        // Non-urgent news is not mailed to people who asked for urgent matters only.
        await trx
          .updateTable('notification')
          .set({ digested_at: now })
          .where('cooperative_id', '=', coop)
          .where(
            'id',
            'in',
            items.map((i) => i.id),
          )
          .execute();
        return false;
      }
      const key = digestPeriod(pref.frequency, today, { anyDay: opts.anyDay });
      if (!key || pref.last_digest_key === key) return false;
      const u = await userContact(trx, userId);
      if (!u || u.disabled_at) return false;
      const token = newToken();
      await trx
        .insertInto('auth_token')
        .values({
          token_hash: hashToken(token),
          kind: 'unsubscribe',
          user_id: userId,
          email: u.email,
          cooperative_id: coop,
          role: null,
          data: null,
          expires_at: new Date(now.getTime() + UNSUBSCRIBE_DAYS * 86400_000),
          used_at: null,
        })
        .execute();
      const content = renderDigest({
        name: u.display_name,
        frequency: pref.frequency,
        today,
        inboxUrl: `${url}/`,
        unsubscribeUrl: `${url}/public/desabonnement/token/${token}`,
        items: items.map((i) => ({ text: i.text, createdAt: i.created_at, urgent: i.urgent })),
      });
      await enqueueMail(trx, { to: u.email, cooperativeId: coop, dedupeKey: `digest:${userId}:${key}`, ...content });
      await trx
        .updateTable('notification')
        .set({ digested_at: now })
        .where('cooperative_id', '=', coop)
        .where(
          'id',
          'in',
          items.map((i) => i.id),
        )
        .execute();
      await trx
        .updateTable('notification_preference')
        .set({ last_digest_key: key })
        .where('cooperative_id', '=', coop)
        .where('user_id', '=', userId)
        .execute();
      return true;
    });
    if (sent) run.sent++;
    else run.skipped++;
    opts.afterEach?.(userId);
  }
  return run;
}

/** What the unsubscribe page shows before confirming. */
export async function unsubscribeTarget(dbIn: Db, token: string, now = new Date()): Promise<{ email: string }> {
  const db = inboxDb(dbIn);
  const t = await readToken(db, token, 'unsubscribe', now);
  return { email: t.email ?? '' };
}

/** Stops digests for the person of the token; works without signing in. */
export async function unsubscribe(dbIn: Db, token: string, now = new Date()): Promise<void> {
  const db = inboxDb(dbIn);
  const t = await readToken(db, token, 'unsubscribe', now);
  if (!t.cooperative_id || !t.user_id) throw new UserError("Ce lien n'est pas valide. Demandez-en un nouveau.");
  const coop = t.cooperative_id;
  const userId = t.user_id;
  await withTenant(dbIn, coop, async (tx) => {
    const trx = inboxDb(tx);
    await trx
      .insertInto('notification_preference')
      .values({
        cooperative_id: coop,
        user_id: userId,
        frequency: 'weekly',
        unsubscribed_at: now,
        last_digest_key: null,
      })
      .onConflict((oc) =>
        oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ unsubscribed_at: now, updated_at: now }),
      )
      .execute();
    await audit(
      trx,
      { userId: userId as any, cooperativeId: coop as any, roles: [], label: t.email ?? 'lien de désabonnement' },
      { action: 'notification.unsubscribed', targetType: 'user', targetId: userId },
    );
  });
}

// Reviews from paying customers. When an invoice of an activity with a marketplace profile
// becomes fully paid (sales emits `sales.invoice.paid`), a single-use link is made — a random
// secret whose hash alone is stored — and mailed to the customer. Only that link opens the review
// form, so only a customer who paid can review; it works once. The entrepreneur may reply;
// moderators may hide an abusive review (with a reason), never for its rating; the average
// counts every visible review and shows how many.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { enqueueMail, enqueueMails } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { marketDb } from './db.ts';
import { MARKET } from './permissions.ts';
import { ownActivity } from './profile.service.ts';

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Makes the review link of a paid invoice (once per invoice). Returns the token, or null when the
 *  activity has no marketplace profile or a link already exists. */
export async function issueReviewLink(
  tx: Tx,
  coopId: string,
  input: { invoiceId: string; activityId: string; customerId: string },
): Promise<string | null> {
  const trx = marketDb(tx);
  const profile = await trx
    .selectFrom('market_profile')
    .select('display_name')
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', input.activityId)
    .executeTakeFirst();
  if (!profile) return null;
  const secret = randomBytes(24).toString('base64url');
  const r = await trx
    .insertInto('market_review_link')
    .values({
      cooperative_id: coopId,
      id: uuidv7(),
      activity_id: input.activityId,
      invoice_id: input.invoiceId,
      customer_id: input.customerId,
      token_hash: hash(secret),
      used_at: null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'invoice_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!r) return null;
  return `${coopId}.${secret}`;
}

/**
 * The list form of `issueReviewLink` then `mailReviewLink`, for the invoices a bank statement
 * settles at once: one read of the activities' profiles, one insert of the links, one insert of
 * the mails, in the list's order; the same links and messages as one invoice at a time.
 */
export async function issueAndMailReviewLinks(
  tx: Tx,
  coopId: string,
  paid: readonly {
    invoiceId: string;
    activityId: string;
    customerId: string;
    customerName: string;
    customerEmail: string | null;
  }[],
  publicUrl: string,
): Promise<void> {
  const withEmail = paid.filter((p) => p.customerEmail);
  if (!withEmail.length) return;
  const trx = marketDb(tx);
  const profiles = new Map(
    (
      await trx
        .selectFrom('market_profile')
        .select(['activity_id', 'display_name'])
        .where('cooperative_id', '=', coopId)
        .where('activity_id', 'in', [...new Set(withEmail.map((p) => p.activityId))])
        .execute()
    ).map((r) => [r.activity_id, r.display_name]),
  );
  const seen = new Set<string>();
  const links = withEmail
    .filter((p) => profiles.has(p.activityId) && !seen.has(p.invoiceId) && seen.add(p.invoiceId))
    .map((p) => ({ p, secret: randomBytes(24).toString('base64url') }));
  if (!links.length) return;
  const made = new Set(
    (
      await trx
        .insertInto('market_review_link')
        .values(
          links.map(({ p, secret }) => ({
            cooperative_id: coopId,
            id: uuidv7(),
            activity_id: p.activityId,
            invoice_id: p.invoiceId,
            customer_id: p.customerId,
            token_hash: hash(secret),
            used_at: null,
          })),
        )
        .onConflict((oc) => oc.columns(['cooperative_id', 'invoice_id']).doNothing())
        .returning('invoice_id')
        .execute()
    ).map((r) => r.invoice_id),
  );
  await enqueueMails(
    tx,
    links
      .filter(({ p }) => made.has(p.invoiceId))
      .map(({ p, secret }) =>
        reviewMail(
          coopId,
          p.customerEmail!,
          p.customerName,
          profiles.get(p.activityId)!,
          `${coopId}.${secret}`,
          publicUrl,
        ),
      ),
  );
}

const reviewMail = (
  coopId: string,
  to: string,
  customerName: string,
  displayName: string,
  token: string,
  publicUrl: string,
) => ({
  to,
  cooperativeId: coopId,
  subject: `Votre avis sur ${displayName}`,
  text: `Bonjour ${customerName},\n\nMerci pour votre règlement. Vous pouvez laisser un avis sur ${displayName} ; il sera publié sur sa page, avec sa réponse éventuelle :\n\n${publicUrl}/avis/${token}\n\nCe lien personnel ne sert qu'une fois.\n`,
  headers: { 'Auto-Submitted': 'auto-generated' },
});

export async function mailReviewLink(
  tx: Tx,
  coopId: string,
  to: string,
  customerName: string,
  activityId: string,
  token: string,
  publicUrl: string,
): Promise<void> {
  const p = await marketDb(tx)
    .selectFrom('market_profile')
    .select('display_name')
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', activityId)
    .executeTakeFirstOrThrow();
  await enqueueMail(tx, reviewMail(coopId, to, customerName, p.display_name, token, publicUrl));
}

export function parseReviewToken(token: string): { coopId: string; secret: string } | null {
  const i = token.indexOf('.');
  if (i < 0) return null;
  const coopId = token.slice(0, i);
  const secret = token.slice(i + 1);
  if (!isUuid(coopId) || !/^[A-Za-z0-9_-]{20,64}$/.test(secret)) return null;
  return { coopId, secret };
}

/** The link behind a token, if still unused: what the review form shows. */
export async function reviewLinkState(
  tx: Tx,
  coopId: string,
  secret: string,
): Promise<{ activityId: string; displayName: string; used: boolean } | null> {
  const trx = marketDb(tx);
  const l = await trx
    .selectFrom('market_review_link')
    .select(['activity_id', 'used_at'])
    .where('cooperative_id', '=', coopId)
    .where('token_hash', '=', hash(secret))
    .executeTakeFirst();
  if (!l) return null;
  const p = await trx
    .selectFrom('market_profile')
    .select('display_name')
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', l.activity_id)
    .executeTakeFirst();
  return { activityId: l.activity_id, displayName: p?.display_name ?? '', used: !!l.used_at };
}

export const ReviewInput = z.object({
  rating: z.coerce.number().int().min(1, 'Choisissez une note de 1 à 5.').max(5, 'Choisissez une note de 1 à 5.'),
  body: z.string().trim().min(3, 'Écrivez quelques mots.').max(3000, '3 000 caractères au plus.'),
  authorLabel: z.string().trim().min(2, 'Indiquez le nom à afficher (un prénom suffit).').max(80),
});

/** Records the review of a valid, unused link; the link is spent in the same transaction. */
export async function submitReview(tx: Tx, coopId: string, secret: string, raw: unknown): Promise<string> {
  const v = parseInput(ReviewInput, raw);
  const trx = marketDb(tx);
  const spent = await trx
    .updateTable('market_review_link')
    .set({ used_at: new Date() })
    .where('cooperative_id', '=', coopId)
    .where('token_hash', '=', hash(secret))
    .where('used_at', 'is', null)
    .returning(['activity_id', 'invoice_id'])
    .executeTakeFirst();
  if (!spent) throw new UserError('Ce lien d’avis n’est pas valable ou a déjà servi.');
  const id = uuidv7();
  await trx
    .insertInto('market_review')
    .values({
      cooperative_id: coopId,
      id,
      activity_id: spent.activity_id,
      invoice_id: spent.invoice_id,
      author_label: v.authorLabel,
      rating: v.rating,
      body: v.body,
      reply: null,
      replied_at: null,
      hidden_at: null,
      hidden_reason: null,
    })
    .execute();
  return id;
}

export interface Review {
  id: string;
  activityId: string;
  authorLabel: string;
  rating: number;
  body: string;
  reply: string | null;
  hidden: boolean;
  hiddenReason: string | null;
  createdAt: Date;
}
const toReview = (r: {
  id: string;
  activity_id: string;
  author_label: string;
  rating: number;
  body: string;
  reply: string | null;
  hidden_at: Date | null;
  hidden_reason: string | null;
  created_at: Date;
}): Review => ({
  id: r.id,
  activityId: r.activity_id,
  authorLabel: r.author_label,
  rating: Number(r.rating),
  body: r.body,
  reply: r.reply,
  hidden: !!r.hidden_at,
  hiddenReason: r.hidden_reason,
  createdAt: new Date(r.created_at),
});

/** Visible reviews of a published activity (public pages). */
export async function publicReviews(tx: Tx, coopId: string, activityId: string): Promise<Review[]> {
  const rows = await marketDb(tx)
    .selectFrom('market_review')
    .selectAll()
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', activityId)
    .where('hidden_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  return rows.map(toReview);
}

/** Every review of an activity, hidden ones included (the entrepreneur's and moderators' page). */
export async function activityReviews(tx: Tx, actor: Actor, activityId: string): Promise<Review[]> {
  await ownActivity(tx, actor, activityId, MARKET.reviewReply);
  const rows = await marketDb(tx)
    .selectFrom('market_review')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toReview);
}

async function reviewRow(tx: Tx, actor: Actor, id: string) {
  if (!isUuid(id)) throw new NotFoundError('Avis');
  const r = await marketDb(tx)
    .selectFrom('market_review')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Avis');
  return r;
}

export async function replyToReview(tx: Tx, actor: Actor, id: string, text: string): Promise<void> {
  authorize(actor, MARKET.reviewReply);
  const r = await reviewRow(tx, actor, id);
  await ownActivity(tx, actor, r.activity_id, MARKET.reviewReply);
  const reply = text.trim();
  if (reply.length < 2 || reply.length > 3000) throw new UserError('Réponse : 2 à 3 000 caractères.', 'reply');
  await marketDb(tx)
    .updateTable('market_review')
    .set({ reply, replied_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
}

/** Hides (with a reason: insult, personal data, not a customer's experience…) or shows again. */
export async function moderateReview(tx: Tx, actor: Actor, id: string, hide: boolean, reason: string): Promise<void> {
  authorize(actor, MARKET.reviewModerate);
  await reviewRow(tx, actor, id);
  const why = reason.trim();
  if (hide && why.length < 5)
    throw new UserError('Indiquez pourquoi cet avis est masqué (une mauvaise note n’en est pas une raison).', 'reason');
  await marketDb(tx)
    .updateTable('market_review')
    .set({ hidden_at: hide ? new Date() : null, hidden_reason: hide ? why : null })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(tx, actor, {
    action: hide ? 'market.review.hidden' : 'market.review.shown',
    targetType: 'market_review',
    targetId: id,
    data: { reason: hide ? why : null },
  });
}

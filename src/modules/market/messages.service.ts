// The thread kept with a quote request. The entrepreneur writes from the request page (signed
// in); each message is mailed to the customer with a signed link to a public page where the
// customer reads the thread and answers without an account. The link names the cooperative and
// the request and carries an HMAC of both (purpose `market-thread`, so a confirmation link is not
// a thread link). The customer's answer is guarded like the request form: honeypot and signed
// display time (a robot gets the same answer and nothing is written), then rate limits per
// request and per client address. Answers waiting for the entrepreneur are in their inbox.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { safeEqual } from '../../core/auth/tokens.ts';
import { enqueueMail } from '../../core/mail.ts';
import { activitiesFor } from '../directory/index.ts';
import { marketDb } from './db.ts';
import { MARKET } from './permissions.ts';
import { ownActivity } from './profile.service.ts';
import { fillTokenOk, getRequest, ipHash, type Verdict } from './requests.service.ts';

/** Customer answers accepted per request per hour, and per client address per hour. */
export const MAX_REPLIES_PER_REQUEST_PER_HOUR = 5;
export const MAX_REPLIES_PER_IP_PER_HOUR = 10;

export interface ThreadMessage {
  id: string;
  author: 'entrepreneur' | 'customer';
  body: string;
  createdAt: Date;
}

/** What the public thread page shows: the request's own text and the messages, nothing else
 *  (no e-mail, phone, customer record, quote or amount). */
export interface PublicThread {
  activityId: string;
  activityName: string;
  requestMessage: string;
  requestedAt: Date;
  closed: boolean;
  messages: ThreadMessage[];
}

const mac = (key: Buffer, what: string) => createHmac('sha256', key).update(what).digest('base64url').slice(0, 32);

export function threadToken(key: Buffer, coopId: string, requestId: string): string {
  return `${coopId}.${requestId}.${mac(key, `market-thread:${coopId}:${requestId}`)}`;
}
export function parseThreadToken(key: Buffer, token: string): { coopId: string; requestId: string } | null {
  const [coopId, requestId, m, extra] = token.split('.');
  if (extra !== undefined || !isUuid(coopId ?? '') || !isUuid(requestId ?? '') || !m) return null;
  return safeEqual(threadToken(key, coopId, requestId), token) ? { coopId, requestId } : null;
}

export const MessageInput = z.object({
  body: z
    .string()
    .trim()
    .min(2, 'Le message est vide : écrivez votre réponse.')
    .max(5000, 'Votre message : 5 000 caractères au plus.'),
});

const toMessage = (r: { id: string; author: string; body: string; created_at: Date }): ThreadMessage => ({
  id: r.id,
  author: r.author as ThreadMessage['author'],
  body: r.body,
  createdAt: new Date(r.created_at),
});

async function messagesOf(tx: Tx, coopId: string, requestId: string): Promise<ThreadMessage[]> {
  const rows = await marketDb(tx)
    .selectFrom('market_message')
    .select(['id', 'author', 'body', 'created_at'])
    .where('cooperative_id', '=', coopId)
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map(toMessage);
}

/** The name the customer knows the activity by: its marketplace profile's, while published
 *  (an unpublished profile's name appears on no public page). */
async function activityLabel(tx: Tx, coopId: string, activityId: string): Promise<string> {
  const p = await marketDb(tx)
    .selectFrom('market_profile')
    .select('display_name')
    .where('published', '=', true)
    .where('cooperative_id', '=', coopId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
  return p?.display_name ?? 'L’entrepreneur·e';
}

/** The thread of a request, for its entrepreneur (and the staff). */
export async function requestThread(tx: Tx, actor: Actor, requestId: string): Promise<ThreadMessage[]> {
  const req = await getRequest(tx, actor, requestId);
  return messagesOf(tx, actor.cooperativeId, req.id);
}

/** The entrepreneur writes to the customer: stored, then mailed with the thread's link. */
export async function postEntrepreneurMessage(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  requestId: string,
  raw: unknown,
  publicUrl: string,
): Promise<ThreadMessage> {
  authorize(actor, MARKET.requestMessage);
  const req = await getRequest(tx, actor, requestId);
  await ownActivity(tx, actor, req.activityId, MARKET.requestMessage);
  if (!req.email) throw new UserError('Les coordonnées de ce client ont été effacées : le message ne peut partir.');
  const v = parseInput(MessageInput, raw);
  const id = uuidv7();
  const row = await marketDb(tx)
    .insertInto('market_message')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      request_id: req.id,
      author: 'entrepreneur',
      author_user_id: actor.userId ?? null,
      body: v.body,
      ip_hash: null,
    })
    .returning(['id', 'author', 'body', 'created_at'])
    .executeTakeFirstOrThrow();
  const activityName = await activityLabel(tx, actor.cooperativeId, req.activityId);
  const link = `${publicUrl}/demande-de-devis/fil/${threadToken(key, actor.cooperativeId, req.id)}`;
  await enqueueMail(tx, {
    to: req.email,
    cooperativeId: actor.cooperativeId,
    subject: `Message de ${activityName} à propos de votre demande de devis`,
    text: `Bonjour ${req.name},\n\n${activityName} vous écrit à propos de votre demande de devis :\n\n${v.body}\n\nPour lire toute la conversation et répondre, ouvrez ce lien (gardez-le pour vous : il donne accès à la conversation) :\n\n${link}\n`,
  });
  return toMessage(row);
}

/** The public page's thread, from a verified token (the caller runs it in the cooperative named
 *  by the token). Null when the request does not exist there or is unconfirmed. */
export async function publicThread(tx: Tx, coopId: string, requestId: string): Promise<PublicThread | null> {
  const m = marketDb(tx);
  const req = await m
    .selectFrom('market_request')
    .select(['id', 'activity_id', 'message', 'status', 'created_at'])
    .where('cooperative_id', '=', coopId)
    .where('id', '=', requestId)
    .where('status', '!=', 'unverified')
    .executeTakeFirst();
  if (!req) return null;
  return {
    activityId: req.activity_id,
    activityName: await activityLabel(tx, coopId, req.activity_id),
    requestMessage: req.message,
    requestedAt: new Date(req.created_at),
    closed: req.status === 'closed',
    messages: await messagesOf(tx, coopId, req.id),
  };
}

/** The customer's answer from the public page. */
export async function postCustomerMessage(
  tx: Tx,
  key: Buffer,
  input: {
    cooperativeId: string;
    requestId: string;
    fields: Record<string, string | undefined>;
    ip: string | null;
    now?: number;
  },
): Promise<Verdict> {
  const now = input.now ?? Date.now();
  const f = input.fields;
  if ((f.website ?? '').trim() !== '' || !fillTokenOk(key, f.t, now)) return 'spam';
  const thread = await publicThread(tx, input.cooperativeId, input.requestId);
  if (!thread) throw new UserError('Cette conversation n’existe pas.');
  if (thread.closed) throw new UserError('Cette demande est classée : la conversation est fermée.');
  const v = parseInput(MessageInput, f);
  const m = marketDb(tx);
  const ip = ipHash(key, input.ip);
  const since = new Date(now - 3600_000);
  const count = (col: 'request_id' | 'ip_hash', value: string) =>
    m
      .selectFrom('market_message')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('cooperative_id', '=', input.cooperativeId)
      .where('author', '=', 'customer')
      .where(col, '=', value)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
  if (Number((await count('request_id', input.requestId)).n) >= MAX_REPLIES_PER_REQUEST_PER_HOUR)
    throw new UserError('Vous avez envoyé plusieurs messages en peu de temps : réessayez dans une heure.', 'body');
  if (Number((await count('ip_hash', ip)).n) >= MAX_REPLIES_PER_IP_PER_HOUR)
    throw new UserError('Trop de messages envoyés depuis votre connexion : réessayez dans une heure.', 'body');
  await m
    .insertInto('market_message')
    .values({
      cooperative_id: input.cooperativeId,
      id: uuidv7(),
      request_id: input.requestId,
      author: 'customer',
      author_user_id: null,
      body: v.body,
      ip_hash: ip,
      created_at: new Date(now),
    })
    .execute();
  return 'sent';
}

export interface WaitingAnswer {
  requestId: string;
  customerName: string;
  body: string;
  at: Date;
}

/** Requests of the actor's own activities whose last message is the customer's: an answer is
 *  waiting (the inbox item; it goes when the entrepreneur writes back or closes the request). */
export async function answersWaiting(tx: Tx, actor: Actor): Promise<WaitingAnswer[]> {
  authorize(actor, MARKET.requestRead);
  const mine = (await activitiesFor(tx, actor)).filter((a) => a.ownerIds.includes(actor.userId ?? '')).map((a) => a.id);
  if (!mine.length) return [];
  const rows = await marketDb(tx)
    .selectFrom('market_message as msg')
    .innerJoin('market_request as r', (j) =>
      j.onRef('r.cooperative_id', '=', 'msg.cooperative_id').onRef('r.id', '=', 'msg.request_id'),
    )
    .select(['r.id as request_id', 'r.name', 'msg.body', 'msg.created_at'])
    .where('msg.cooperative_id', '=', actor.cooperativeId)
    .where('r.activity_id', 'in', mine)
    .where('r.status', 'in', ['open', 'converted'])
    .where('msg.author', '=', 'customer')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('market_message as later')
            .select('later.id')
            .whereRef('later.cooperative_id', '=', 'msg.cooperative_id')
            .whereRef('later.request_id', '=', 'msg.request_id')
            .whereRef('later.created_at', '>', 'msg.created_at'),
        ),
      ),
    )
    .orderBy('msg.created_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((r) => ({ requestId: r.request_id, customerName: r.name, body: r.body, at: new Date(r.created_at) }));
}

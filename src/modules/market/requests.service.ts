// Quote requests from the public. Spam protection, in order: a honeypot field and a signed
// display time (a robot that posts at once or fills the hidden field gets the same thank-you page
// and nothing is written), rate limits per address and per e-mail (a clear message), then the
// e-mail must be confirmed through a signed link before the request reaches the entrepreneur's
// inbox. One action turns an open request into a draft quote in sales, with the customer created
// (sales' own services: they keep their own checks).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { safeEqual } from '../../core/auth/tokens.ts';
import { enqueueMail } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { activitiesFor } from '../directory/index.ts';
import { createCustomer, createQuote } from '../sales/index.ts';
import { marketDb, type TenantTx } from './db.ts';
import { MARKET } from './permissions.ts';
import { ownActivity } from './profile.service.ts';

/** A form sent faster than this after display is a robot's. */
export const MIN_FILL_MS = 4000;
export const MAX_FILL_MS = 4 * 3600 * 1000;
/** Requests accepted per client address per hour, and per e-mail per day (per cooperative). */
export const MAX_PER_IP_PER_HOUR = 5;
export const MAX_PER_EMAIL_PER_DAY = 3;

const mac = (key: Buffer, what: string) => createHmac('sha256', key).update(what).digest('base64url').slice(0, 32);

/** A signed display time put in the form: `<ms>.<mac>`. */
export function requestFillToken(key: Buffer, at: number = Date.now()): string {
  return `${at}.${mac(key, `market-fill:${at}`).slice(0, 22)}`;
}
export function fillTokenOk(key: Buffer, token: string | undefined, now: number): boolean {
  if (!token) return false;
  const at = Number(token.split('.')[0]);
  if (!Number.isSafeInteger(at) || !safeEqual(requestFillToken(key, at), token)) return false;
  return now - at >= MIN_FILL_MS && now - at <= MAX_FILL_MS;
}
export const ipHash = (key: Buffer, ip: string | null) => mac(key, `market-ip:${ip ?? 'unknown'}`);

export function verifyToken(key: Buffer, coopId: string, requestId: string): string {
  return `${coopId}.${requestId}.${mac(key, `market-request:${coopId}:${requestId}`)}`;
}
export function parseVerifyToken(key: Buffer, token: string): { coopId: string; requestId: string } | null {
  const [coopId, requestId, m] = token.split('.');
  if (!isUuid(coopId ?? '') || !isUuid(requestId ?? '') || !m) return null;
  return safeEqual(verifyToken(key, coopId, requestId), token) ? { coopId, requestId } : null;
}

export const RequestInput = z.object({
  name: z.string().trim().min(2, 'Indiquez votre nom.').max(120),
  email: z.string().trim().toLowerCase().email('Adresse e-mail invalide.').max(200),
  phone: z
    .string()
    .trim()
    .max(30)
    .refine((v) => v === '' || /^[+0-9 .()-]{6,30}$/.test(v), 'Téléphone invalide.')
    .optional()
    .nullable(),
  postcode: z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d{5}$/.test(v), 'Code postal : 5 chiffres.')
    .optional()
    .nullable(),
  message: z.string().trim().min(10, 'Décrivez votre besoin (10 caractères au moins).').max(5000),
});

export type Verdict = 'sent' | 'spam';

/** Records a request from the public form and sends the confirmation link. The caller runs it in
 *  a tenant transaction of the profile's cooperative. */
export async function submitRequest(
  tx: Tx,
  key: Buffer,
  input: {
    cooperativeId: string;
    activityId: string;
    offerId?: string | null;
    activityName: string;
    fields: Record<string, string | undefined>;
    ip: string | null;
    publicUrl: string;
    now?: number;
  },
): Promise<Verdict> {
  const now = input.now ?? Date.now();
  const f = input.fields;
  if ((f.website ?? '').trim() !== '' || !fillTokenOk(key, f.t, now)) return 'spam';
  const v = parseInput(RequestInput, f);
  const trx = marketDb(tx);
  const ip = ipHash(key, input.ip);
  const perIp = await trx
    .selectFrom('market_request')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', input.cooperativeId)
    .where('ip_hash', '=', ip)
    .where('created_at', '>', new Date(now - 3600_000))
    .executeTakeFirstOrThrow();
  if (Number(perIp.n) >= MAX_PER_IP_PER_HOUR)
    throw new UserError('Trop de demandes envoyées depuis votre connexion : réessayez dans une heure.');
  const perEmail = await trx
    .selectFrom('market_request')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', input.cooperativeId)
    .where('email', '=', v.email)
    .where('created_at', '>', new Date(now - 24 * 3600_000))
    .executeTakeFirstOrThrow();
  if (Number(perEmail.n) >= MAX_PER_EMAIL_PER_DAY)
    throw new UserError('Vous avez déjà envoyé plusieurs demandes aujourd’hui : réessayez demain.', 'email');
  const id = uuidv7();
  await trx
    .insertInto('market_request')
    .values({
      cooperative_id: input.cooperativeId,
      id,
      activity_id: input.activityId,
      offer_id: input.offerId ?? null,
      name: v.name,
      email: v.email,
      phone: v.phone || null,
      postcode: v.postcode || null,
      message: v.message,
      status: 'unverified',
      ip_hash: ip,
      verified_at: null,
      customer_id: null,
      quote_id: null,
      created_at: new Date(now),
    })
    .execute();
  const link = `${input.publicUrl}/demande-de-devis/confirmer/${verifyToken(key, input.cooperativeId, id)}`;
  await enqueueMail(tx, {
    to: v.email,
    cooperativeId: input.cooperativeId,
    subject: `Confirmez votre demande de devis à ${input.activityName}`,
    text: `Bonjour ${v.name},\n\nVous avez demandé un devis à ${input.activityName}. Pour que votre demande lui parvienne, confirmez votre adresse e-mail :\n\n${link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera transmis.\n`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  return 'sent';
}

/** The confirmation link: the request reaches the inbox. A second click changes nothing. */
export async function confirmRequest(tx: Tx, coopId: string, requestId: string): Promise<boolean> {
  const trx = marketDb(tx);
  const r = await trx
    .selectFrom('market_request')
    .select('status')
    .where('cooperative_id', '=', coopId)
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!r) return false;
  if (r.status === 'unverified')
    await trx
      .updateTable('market_request')
      .set({ status: 'open', verified_at: new Date() })
      .where('cooperative_id', '=', coopId)
      .where('id', '=', requestId)
      .where('status', '=', 'unverified')
      .execute();
  return true;
}

export interface QuoteRequest {
  id: string;
  activityId: string;
  offerId: string | null;
  name: string;
  email: string;
  phone: string | null;
  postcode: string | null;
  message: string;
  status: 'open' | 'converted' | 'closed';
  quoteId: string | null;
  createdAt: Date;
}

/** Confirmed requests of the actor's activities (all the cooperative's for staff). */
export async function listRequests(
  tx: Tx,
  actor: Actor,
  opts: { status?: 'open' | 'converted' | 'closed'; ownOnly?: boolean } = {},
): Promise<QuoteRequest[]> {
  authorize(actor, MARKET.requestRead);
  const mine = (await activitiesFor(tx, actor))
    .filter((a) => !opts.ownOnly || a.ownerIds.includes(actor.userId ?? ''))
    .map((a) => a.id);
  if (!mine.length) return [];
  let q = marketDb(tx)
    .selectFrom('market_request')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', 'in', mine)
    .where('status', '!=', 'unverified');
  if (opts.status) q = q.where('status', '=', opts.status);
  const rows = await q.orderBy('created_at', 'desc').limit(200).execute();
  return rows.map(toRequest);
}

const toRequest = (r: {
  id: string;
  activity_id: string;
  offer_id: string | null;
  name: string;
  email: string;
  phone: string | null;
  postcode: string | null;
  message: string;
  status: string;
  quote_id: string | null;
  created_at: Date;
}): QuoteRequest => ({
  id: r.id,
  activityId: r.activity_id,
  offerId: r.offer_id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  postcode: r.postcode,
  message: r.message,
  status: r.status as QuoteRequest['status'],
  quoteId: r.quote_id,
  createdAt: new Date(r.created_at),
});

export async function getRequest(tx: Tx, actor: Actor, id: string): Promise<QuoteRequest> {
  authorize(actor, MARKET.requestRead);
  if (!isUuid(id)) throw new NotFoundError('Demande');
  const r = await marketDb(tx)
    .selectFrom('market_request')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', '!=', 'unverified')
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Demande');
  await ownActivity(tx, actor, r.activity_id, MARKET.requestRead);
  return toRequest(r);
}

export const ConvertInput = z.object({
  addressLine1: z.string().trim().min(3, "Indiquez l'adresse du client."),
  postalCode: z.string().trim().min(2, 'Indiquez le code postal.').max(12),
  city: z.string().trim().min(2, 'Indiquez la ville.'),
});

/** Creates the customer and a draft quote from an open request, once. */
export async function convertRequest(
  tx: TenantTx,
  actor: Actor,
  id: string,
  raw: unknown,
): Promise<{ quoteId: string; customerId: string }> {
  authorize(actor, MARKET.requestConvert);
  const req = await getRequest(tx, actor, id);
  await ownActivity(tx, actor, req.activityId, MARKET.requestConvert);
  if (req.status !== 'open') throw new UserError('Cette demande a déjà été traitée.');
  const v = parseInput(ConvertInput, raw);
  const trx = marketDb(tx);
  // Lock the request: two clicks make one quote.
  const locked = await trx
    .updateTable('market_request')
    .set({ status: 'converted' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!Number(locked.numUpdatedRows)) throw new UserError('Cette demande a déjà été traitée.');
  const offer = req.offerId
    ? await trx
        .selectFrom('market_offer')
        .select(['title', 'price_cents'])
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', '=', req.offerId)
        .executeTakeFirst()
    : undefined;
  const customer = await createCustomer(tx, actor, {
    kind: 'individual',
    name: req.name,
    email: req.email,
    phone: req.phone ?? undefined,
    addressLine1: v.addressLine1,
    postalCode: v.postalCode,
    city: v.city,
    countryCode: 'FR',
  });
  const quote = await createQuote(tx, actor, {
    activityId: req.activityId,
    customerId: customer.id,
    title: offer?.title ?? 'Demande reçue par la place de marché',
    lines: [
      {
        description: `${offer?.title ?? 'Prestation'} — ${req.message}`.slice(0, 1000),
        quantityMilli: 1000,
        unitPriceCents: offer?.price_cents == null ? 0 : Number(offer.price_cents),
        vatCategory: 'S',
        vatRateBp: 2000,
        nature: 'services',
      },
    ],
  });
  await trx
    .updateTable('market_request')
    .set({ customer_id: customer.id, quote_id: quote.id })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(tx, actor, {
    action: 'market.request.converted',
    targetType: 'market_request',
    targetId: id,
    data: { quoteId: quote.id },
  });
  return { quoteId: quote.id, customerId: customer.id };
}

export async function closeRequest(tx: Tx, actor: Actor, id: string): Promise<void> {
  const req = await getRequest(tx, actor, id);
  await ownActivity(tx, actor, req.activityId, MARKET.requestConvert);
  await marketDb(tx)
    .updateTable('market_request')
    .set({ status: 'closed' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .execute();
}

// Joint offers (cotraitance): several activities of one cooperative answer one request together.
// The lead activity's runner makes one quote in sales (the customer signs one document): a section
// per activity with its part. Each invoice of that quote is posted by the ledger under the lead's
// analytic code; `splitJointInvoice` (on `sales.invoice.validated`) then moves each partner's share
// of the invoice's revenue, pro rata of the parts, to the partner's code (ledger/index.ts:
// postRevenueSplit), so each activity account shows its share.
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { parseCents } from '../../core/money.ts';
import { audit } from '../../core/audit.ts';
import { activitiesFacts, activitiesFor, activityFacts } from '../directory/index.ts';
import { createQuote, getInvoice, getCustomer, listCustomers, type InvoiceValidated } from '../sales/index.ts';
import { postRevenueSplit } from '../ledger/index.ts';
import { marketDb, type TenantTx } from './db.ts';
import { MARKET } from './permissions.ts';
import { ownActivity } from './profile.service.ts';

const money = z.union([z.number().int(), z.string()]).transform((v, ctx) => {
  const c = typeof v === 'number' ? v : parseCents(v.trim());
  if (c == null || !Number.isSafeInteger(c) || c < 0 || c > 100_000_000) {
    ctx.addIssue({ code: 'custom', message: 'Montant invalide (en euros, par exemple 1200 ou 1200,50).' });
    return z.NEVER;
  }
  return c;
});

export const JointInput = z.object({
  customerId: z.string().uuid('Choisissez le client.'),
  title: z.string().trim().min(3, 'Indiquez le titre du devis.').max(160),
  requestId: z.string().uuid().optional().nullable(),
  parts: z
    .array(
      z.object({
        activityId: z.string().uuid('Choisissez l’activité.'),
        description: z.string().trim().min(3, 'Décrivez cette part.').max(1000),
        amount: money,
      }),
    )
    .min(2, 'Une offre conjointe a au moins deux activités.')
    .max(10),
});

export interface JointPart {
  activityId: string;
  activityName: string;
  analyticCode: string;
  description: string;
  amountExclCents: number;
}
export interface JointOffer {
  id: string;
  quoteId: string;
  leadActivityId: string;
  title: string;
  parts: JointPart[];
}

/** The lead activity's runner makes one quote with a section per activity; partners must be open
 *  activities of the same cooperative, each once. */
export async function createJointQuote(tx: Tx, actor: Actor, raw: unknown): Promise<JointOffer> {
  authorize(actor, MARKET.jointOffer);
  const v = parseInput(JointInput, raw);
  const lead = await ownActivity(tx, actor, v.parts[0].activityId, MARKET.jointOffer);
  const seen = new Set<string>();
  const parts: JointPart[] = [];
  for (const [i, p] of v.parts.entries()) {
    if (seen.has(p.activityId)) throw new UserError('Chaque activité n’a qu’une part.', `parts.${i}.activityId`);
    seen.add(p.activityId);
    const act = await activityFacts(tx, actor.cooperativeId, { id: p.activityId });
    if (!act || act.closedAt) throw new UserError('Activité inconnue ou fermée.', `parts.${i}.activityId`);
    parts.push({
      activityId: act.id,
      activityName: act.name,
      analyticCode: act.analyticCode,
      description: p.description,
      amountExclCents: p.amount,
    });
  }
  if (!(await getCustomer(tx as TenantTx, actor, v.customerId))) throw new NotFoundError('Client');
  const quote = await createQuote(tx as TenantTx, actor, {
    activityId: lead.id,
    customerId: v.customerId,
    title: v.title,
    terms: `Offre conjointe de ${parts.map((p) => p.activityName).join(', ')} ; ${lead.name} coordonne et facture.`,
    lines: parts.flatMap((p) => [
      { kind: 'section' as const, description: p.activityName },
      {
        description: p.description,
        quantityMilli: 1000,
        unitPriceCents: p.amountExclCents,
        vatCategory: 'S' as const,
        vatRateBp: 2000,
        nature: 'services' as const,
      },
    ]),
  });
  const id = uuidv7();
  const trx = marketDb(tx);
  await trx
    .insertInto('market_joint')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      quote_id: quote.id,
      lead_activity_id: lead.id,
      request_id: v.requestId ?? null,
      title: v.title,
    })
    .execute();
  await trx
    .insertInto('market_joint_part')
    .values(
      parts.map((p, i) => ({
        cooperative_id: actor.cooperativeId,
        joint_id: id,
        activity_id: p.activityId,
        position: i,
        description: p.description,
        amount_excl_cents: p.amountExclCents,
      })),
    )
    .execute();
  await audit(tx, actor, {
    action: 'market.joint.created',
    targetType: 'market_joint',
    targetId: id,
    data: { quoteId: quote.id, activities: parts.map((p) => p.activityId) },
  });
  return { id, quoteId: quote.id, leadActivityId: lead.id, title: v.title, parts };
}

async function jointRow(tx: Tx, cooperativeId: string, by: { id: string } | { quoteId: string }) {
  const trx = marketDb(tx);
  const j = await trx
    .selectFrom('market_joint')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .$if('id' in by, (q) => q.where('id', '=', (by as { id: string }).id))
    .$if('quoteId' in by, (q) => q.where('quote_id', '=', (by as { quoteId: string }).quoteId))
    .executeTakeFirst();
  if (!j) return null;
  const rows = await trx
    .selectFrom('market_joint_part')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .where('joint_id', '=', j.id)
    .orderBy('position')
    .execute();
  const parts: JointPart[] = [];
  for (const r of rows) {
    const act = await activityFacts(tx, cooperativeId, { id: r.activity_id });
    parts.push({
      activityId: r.activity_id,
      activityName: act?.name ?? '',
      analyticCode: act?.analyticCode ?? '',
      description: r.description,
      amountExclCents: Number(r.amount_excl_cents),
    });
  }
  return {
    id: j.id,
    quoteId: j.quote_id,
    leadActivityId: j.lead_activity_id,
    title: j.title,
    parts,
  } satisfies JointOffer;
}

/** A joint offer, for a runner of one of its activities (or staff). */
export async function getJointOffer(tx: Tx, actor: Actor, id: string): Promise<JointOffer> {
  const scope = authorize(actor, MARKET.jointOffer);
  if (!isUuid(id)) throw new NotFoundError('Offre conjointe');
  const j = await jointRow(tx, actor.cooperativeId, { id });
  if (!j) throw new NotFoundError('Offre conjointe');
  if (scope === 'own') {
    const mine = new Set((await activitiesFor(tx, actor)).map((a) => a.id as string));
    if (!j.parts.some((p) => mine.has(p.activityId))) throw new NotFoundError('Offre conjointe');
  }
  return j;
}

/** The joint offers the actor takes part in (a part is one of their activities), or all for staff;
 *  newest first. */
export async function listJointOffers(tx: Tx, actor: Actor): Promise<{ id: string; title: string; createdAt: Date }[]> {
  const scope = authorize(actor, MARKET.jointOffer);
  const trx = marketDb(tx);
  let q = trx
    .selectFrom('market_joint')
    .select(['id', 'title', 'created_at'])
    .where('cooperative_id', '=', actor.cooperativeId);
  if (scope === 'own') {
    const mine = (await activitiesFor(tx, actor)).map((a) => a.id as string);
    if (!mine.length) return [];
    q = q.where('id', 'in', (eb) =>
      eb
        .selectFrom('market_joint_part')
        .select('joint_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('activity_id', 'in', mine),
    );
  }
  const rows = await q.orderBy('created_at', 'desc').limit(200).execute();
  return rows.map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at }));
}

/** Splits `total` cents pro rata of `weights`, to the cent, so the shares add up exactly to the
 *  total. The rounding rule, used for a joint job's revenue and its costs alike: each share is
 *  first rounded toward zero; the cents left over go one each to the shares with the largest
 *  remainders, and between equal remainders to the earlier part (the lead activity is the first).
 *  Computed in BigInt: no float drift, whatever the amounts. */
export function splitProRata(total: number, weights: number[]): number[] {
  const sum = weights.reduce((t, w) => t + w, 0);
  if (!sum) return weights.map((_, i) => (i === 0 ? total : 0));
  const sign = total < 0 ? -1 : 1;
  const abs = BigInt(Math.abs(total));
  const big = BigInt(sum);
  const raw = weights.map((w) => abs * BigInt(w));
  const out = raw.map((r) => Number(r / big));
  let rest = Math.abs(total) - out.reduce((t, x) => t + x, 0);
  const order = raw
    .map((r, i) => ({ i, rem: r % big }))
    .sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (!rest) break;
    out[i] += 1;
    rest -= 1;
  }
  return out.map((x) => sign * x + 0);
}

/** On an invoice (or credit note) of a joint quote: the partners' shares go to their codes. */
export async function splitJointInvoice(tx: Tx, actor: Actor, p: InvoiceValidated): Promise<void> {
  // Cheap exit for the cooperatives that never made a joint offer.
  const any = await marketDb(tx)
    .selectFrom('market_joint')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .limit(1)
    .executeTakeFirst();
  if (!any) return;
  const creditNote = p.typeCode === '381';
  const sourceId = creditNote ? p.precedingInvoiceId : p.invoiceId;
  if (!sourceId) return;
  const inv = await getInvoice(tx as TenantTx, actor, sourceId);
  if (!inv?.quoteId) return;
  const j = await jointRow(tx, actor.cooperativeId, { quoteId: inv.quoteId });
  if (!j) return;
  const shares = splitProRata(
    p.totalExclCents,
    j.parts.map((x) => x.amountExclCents),
  );
  await postRevenueSplit(tx, actor, {
    invoiceId: p.invoiceId,
    invoiceNumber: p.number,
    date: p.issueDate,
    creditNote,
    leadCode: p.activityCode,
    shares: j.parts
      .map((x, i) => ({ analyticCode: x.analyticCode, cents: shares[i] }))
      .filter((s) => s.analyticCode !== p.activityCode),
  });
}

/** Joint offers and internal invoices of a period, for the impact indicator E2 (cooperation). */
export async function cooperationCounts(
  tx: Tx,
  cooperativeId: string,
  from: string,
  to: string,
): Promise<{ jointOffers: number; internalInvoices: number; internalInvoicedCents: number }> {
  const trx = marketDb(tx);
  const j = await trx
    .selectFrom('market_joint')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cooperative_id', '=', cooperativeId)
    .where('created_at', '>=', new Date(`${from}T00:00:00Z`))
    .where('created_at', '<', new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000))
    .executeTakeFirst();
  const i = await trx
    .selectFrom('market_internal_invoice')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.sum<string>('amount_cents').as('s')])
    .where('cooperative_id', '=', cooperativeId)
    .where('issued_on', '>=', from)
    .where('issued_on', '<=', to)
    .executeTakeFirst();
  return {
    jointOffers: Number(j?.n ?? 0),
    internalInvoices: Number(i?.n ?? 0),
    internalInvoicedCents: Number(i?.s ?? 0),
  };
}

/** The activities that cooperated in a period (impact indicator E2): a part of a joint offer made
 *  then, or either side of an internal invoice issued then. */
export async function cooperatingActivities(
  tx: Tx,
  cooperativeId: string,
  from: string,
  to: string,
): Promise<string[]> {
  const trx = marketDb(tx);
  const joint = await trx
    .selectFrom('market_joint_part as p')
    .innerJoin('market_joint as j', (jn) =>
      jn.onRef('j.cooperative_id', '=', 'p.cooperative_id').onRef('j.id', '=', 'p.joint_id'),
    )
    .select('p.activity_id')
    .where('p.cooperative_id', '=', cooperativeId)
    .where('j.created_at', '>=', new Date(`${from}T00:00:00Z`))
    .where('j.created_at', '<', new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000))
    .execute();
  const internal = await trx
    .selectFrom('market_internal_invoice')
    .select(['buyer_activity_id', 'seller_activity_id'])
    .where('cooperative_id', '=', cooperativeId)
    .where('issued_on', '>=', from)
    .where('issued_on', '<=', to)
    .execute();
  const ids = new Set(joint.map((r) => r.activity_id));
  for (const r of internal) ids.add(r.buyer_activity_id).add(r.seller_activity_id);
  return [...ids].sort();
}

/** What the joint-offer form offers: the actor's activities (lead), every open activity of the
 *  cooperative (partners) and the customers the actor may quote. */
export async function jointFormOptions(
  tx: Tx,
  actor: Actor,
): Promise<{ lead: [string, string][]; partners: [string, string][]; customers: [string, string][] }> {
  authorize(actor, MARKET.jointOffer);
  const own = (await activitiesFor(tx, actor)).filter((a) => !a.closedAt);
  const all = (await activitiesFacts(tx, actor.cooperativeId)).filter((a) => !a.closedAt);
  const customers = await listCustomers(tx as TenantTx, actor, { pageSize: 500 });
  return {
    lead: own.map((a) => [a.id, a.name]),
    partners: all.map((a) => [a.id, a.name]),
    customers: customers.items.map((c) => [c.id, c.name]),
  };
}

// The internal market: an activity posts a need for subcontracting, the other activities of the
// cooperative answer with a price, the buyer accepts one answer, then accepts the work delivered:
// that makes an internal invoice (FI-YYYY-NNNN) posted by the ledger on both analytic codes
// (cost for the buyer, revenue for the subcontractor, one balanced entry: ledger/index.ts
// postInternalInvoice). Internal invoices and joint offers are counted for the impact
// indicator E2 (cooperation: `cooperationCounts`).
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { parseCents } from '../../core/money.ts';
import { todayParis } from '../../core/dates.ts';
import { audit } from '../../core/audit.ts';
import { activitiesFor, activityFacts } from '../directory/index.ts';
import { postInternalInvoice } from '../ledger/index.ts';
import { marketDb } from './db.ts';
import { MARKET } from './permissions.ts';
import { ownActivity } from './profile.service.ts';

const euros = (optional: boolean) =>
  z
    .union([z.number().int(), z.string()])
    .optional()
    .nullable()
    .transform((v, ctx) => {
      if (v == null || v === '') {
        if (optional) return null;
        ctx.addIssue({ code: 'custom', message: 'Indiquez le montant.' });
        return z.NEVER;
      }
      const c = typeof v === 'number' ? v : parseCents(v.trim());
      if (c == null || !Number.isSafeInteger(c) || c < (optional ? 0 : 1) || c > 100_000_000) {
        ctx.addIssue({ code: 'custom', message: 'Montant invalide (en euros, par exemple 800 ou 800,50).' });
        return z.NEVER;
      }
      return c;
    });

export const NeedInput = z.object({
  title: z.string().trim().min(3, 'Indiquez le titre du besoin.').max(160),
  description: z.string().trim().max(5000).default(''),
  budget: euros(true),
});
export const AnswerInput = z.object({
  activityId: z.string().uuid('Choisissez votre activité.'),
  message: z.string().trim().min(3, 'Décrivez votre proposition.').max(3000),
  amount: euros(false).pipe(z.number()),
});

export interface Need {
  id: string;
  activityId: string;
  activityName: string;
  title: string;
  description: string;
  budgetCents: number | null;
  status: 'open' | 'assigned' | 'invoiced' | 'closed';
  createdAt: Date;
  mine: boolean;
}
export interface NeedAnswer {
  id: string;
  needId: string;
  activityId: string;
  activityName: string;
  message: string;
  amountCents: number;
  status: 'proposed' | 'accepted' | 'declined';
  mine: boolean;
}
export interface InternalInvoice {
  id: string;
  number: string;
  needId: string;
  buyerActivityId: string;
  sellerActivityId: string;
  amountCents: number;
  issuedOn: string;
}

export async function postNeed(tx: Tx, actor: Actor, activityId: string, raw: unknown): Promise<Need> {
  const act = await ownActivity(tx, actor, activityId, MARKET.internalMarket);
  const v = parseInput(NeedInput, raw);
  const id = uuidv7();
  await marketDb(tx)
    .insertInto('market_need')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      activity_id: act.id,
      title: v.title,
      description: v.description,
      budget_cents: v.budget,
      status: 'open',
    })
    .execute();
  await audit(tx, actor, { action: 'market.need.posted', targetType: 'market_need', targetId: id, data: {} });
  return (await getNeed(tx, actor, id)).need;
}

async function mineSet(tx: Tx, actor: Actor): Promise<Set<string>> {
  return new Set((await activitiesFor(tx, actor)).map((a) => a.id as string));
}

/** Open needs of the cooperative (everyone who runs an activity sees them), and the actor's own. */
export async function listNeeds(tx: Tx, actor: Actor): Promise<Need[]> {
  authorize(actor, MARKET.internalMarket);
  const mine = await mineSet(tx, actor);
  const rows = await marketDb(tx)
    .selectFrom('market_need')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  const out: Need[] = [];
  for (const r of rows) {
    if (r.status !== 'open' && !mine.has(r.activity_id)) continue;
    out.push(await toNeed(tx, actor.cooperativeId, r, mine));
  }
  return out;
}

async function toNeed(
  tx: Tx,
  cooperativeId: string,
  r: {
    id: string;
    activity_id: string;
    title: string;
    description: string;
    budget_cents: number | null;
    status: Need['status'];
    created_at: Date;
  },
  mine: Set<string>,
): Promise<Need> {
  const act = await activityFacts(tx, cooperativeId, { id: r.activity_id });
  return {
    id: r.id,
    activityId: r.activity_id,
    activityName: act?.name ?? '',
    title: r.title,
    description: r.description,
    budgetCents: r.budget_cents == null ? null : Number(r.budget_cents),
    status: r.status,
    createdAt: r.created_at,
    mine: mine.has(r.activity_id),
  };
}

/** A need with its answers: the buyer sees every answer, another activity only its own. */
export async function getNeed(tx: Tx, actor: Actor, id: string): Promise<{ need: Need; answers: NeedAnswer[] }> {
  const scope = authorize(actor, MARKET.internalMarket);
  if (!isUuid(id)) throw new NotFoundError('Besoin');
  const trx = marketDb(tx);
  const r = await trx
    .selectFrom('market_need')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Besoin');
  const mine = await mineSet(tx, actor);
  const need = await toNeed(tx, actor.cooperativeId, r, mine);
  const rows = await trx
    .selectFrom('market_need_answer')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('need_id', '=', id)
    .orderBy('created_at')
    .execute();
  const answers: NeedAnswer[] = [];
  for (const a of rows) {
    const own = mine.has(a.activity_id);
    if (scope === 'own' && !need.mine && !own) continue;
    const act = await activityFacts(tx, actor.cooperativeId, { id: a.activity_id });
    answers.push({
      id: a.id,
      needId: a.need_id,
      activityId: a.activity_id,
      activityName: act?.name ?? '',
      message: a.message,
      amountCents: Number(a.amount_cents),
      status: a.status,
      mine: own,
    });
  }
  if (scope === 'own' && !need.mine && need.status !== 'open' && !answers.length) throw new NotFoundError('Besoin');
  return { need, answers };
}

/** Another activity proposes to do the work, for a price (excl. VAT: internal, no VAT). */
export async function answerNeed(tx: Tx, actor: Actor, needId: string, raw: unknown): Promise<NeedAnswer> {
  const v = parseInput(AnswerInput, raw);
  const act = await ownActivity(tx, actor, v.activityId, MARKET.internalMarket);
  const { need } = await getNeed(tx, actor, needId);
  if (need.status !== 'open') throw new UserError('Ce besoin n’attend plus de réponse.');
  if (need.activityId === act.id) throw new UserError('Une activité ne répond pas à son propre besoin.', 'activityId');
  const trx = marketDb(tx);
  const dup = await trx
    .selectFrom('market_need_answer')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('need_id', '=', needId)
    .where('activity_id', '=', act.id)
    .executeTakeFirst();
  if (dup) throw new UserError('Cette activité a déjà répondu à ce besoin.', 'activityId');
  const id = uuidv7();
  await trx
    .insertInto('market_need_answer')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      need_id: needId,
      activity_id: act.id,
      message: v.message,
      amount_cents: v.amount,
      status: 'proposed',
    })
    .execute();
  return {
    id,
    needId,
    activityId: act.id,
    activityName: act.name,
    message: v.message,
    amountCents: v.amount,
    status: 'proposed',
    mine: true,
  };
}

async function buyerNeed(tx: Tx, actor: Actor, needId: string) {
  const { need, answers } = await getNeed(tx, actor, needId);
  await ownActivity(tx, actor, need.activityId, MARKET.internalMarket);
  // Lock the need: two clicks accept once.
  await marketDb(tx)
    .selectFrom('market_need')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', needId)
    .forUpdate()
    .execute();
  return { need, answers };
}

/** The buyer chooses one answer; the others are declined. */
export async function acceptAnswer(tx: Tx, actor: Actor, needId: string, answerId: string): Promise<void> {
  const { need, answers } = await buyerNeed(tx, actor, needId);
  const chosen = answers.find((a) => a.id === answerId);
  if (!chosen) throw new NotFoundError('Réponse');
  const trx = marketDb(tx);
  const moved = await trx
    .updateTable('market_need')
    .set({ status: 'assigned' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', need.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!Number(moved.numUpdatedRows)) throw new UserError('Ce besoin a déjà été attribué.');
  await trx
    .updateTable('market_need_answer')
    .set({ status: 'declined' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('need_id', '=', need.id)
    .where('id', '<>', answerId)
    .execute();
  await trx
    .updateTable('market_need_answer')
    .set({ status: 'accepted' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', answerId)
    .execute();
  await audit(tx, actor, {
    action: 'market.need.assigned',
    targetType: 'market_need',
    targetId: need.id,
    data: { answerId },
  });
}

/** The buyer accepts the work delivered: the internal invoice, posted on both sides. */
export async function acceptWork(tx: Tx, actor: Actor, needId: string): Promise<InternalInvoice> {
  const { need, answers } = await buyerNeed(tx, actor, needId);
  if (need.status !== 'assigned') throw new UserError('Acceptez d’abord une réponse à ce besoin.');
  const chosen = answers.find((a) => a.status === 'accepted');
  if (!chosen) throw new UserError('Acceptez d’abord une réponse à ce besoin.');
  const buyer = await activityFacts(tx, actor.cooperativeId, { id: need.activityId });
  const seller = await activityFacts(tx, actor.cooperativeId, { id: chosen.activityId });
  if (!buyer || !seller) throw new NotFoundError('Activité');
  const trx = marketDb(tx);
  const issuedOn = todayParis();
  const year = issuedOn.slice(0, 4);
  const last = await trx
    .selectFrom('market_internal_invoice')
    .select((eb) => eb.fn.count<string>('id').as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', 'like', `FI-${year}-%`)
    .executeTakeFirst();
  const number = `FI-${year}-${String(Number(last?.n ?? 0) + 1).padStart(4, '0')}`;
  const id = uuidv7();
  await trx
    .insertInto('market_internal_invoice')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      number,
      need_id: need.id,
      answer_id: chosen.id,
      buyer_activity_id: buyer.id,
      seller_activity_id: seller.id,
      amount_cents: chosen.amountCents,
      issued_on: issuedOn,
    })
    .execute();
  await trx
    .updateTable('market_need')
    .set({ status: 'invoiced' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', need.id)
    .execute();
  await postInternalInvoice(tx, actor, {
    id,
    number,
    date: issuedOn,
    label: need.title,
    buyerCode: buyer.analyticCode,
    sellerCode: seller.analyticCode,
    amountCents: chosen.amountCents,
  });
  await audit(tx, actor, {
    action: 'market.internal_invoice.issued',
    targetType: 'market_internal_invoice',
    targetId: id,
    data: { number, amountCents: chosen.amountCents },
  });
  return {
    id,
    number,
    needId: need.id,
    buyerActivityId: buyer.id,
    sellerActivityId: seller.id,
    amountCents: chosen.amountCents,
    issuedOn,
  };
}

/** The buyer withdraws an open need. */
export async function closeNeed(tx: Tx, actor: Actor, needId: string): Promise<void> {
  const { need } = await buyerNeed(tx, actor, needId);
  if (need.status !== 'open') throw new UserError('Seul un besoin ouvert peut être retiré.');
  await marketDb(tx)
    .updateTable('market_need')
    .set({ status: 'closed' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', need.id)
    .execute();
}

/** The actor's open activities, for the forms (publish a need, answer one). */
export async function myInternalActivities(tx: Tx, actor: Actor): Promise<[string, string][]> {
  authorize(actor, MARKET.internalMarket);
  return (await activitiesFor(tx, actor)).filter((a) => !a.closedAt).map((a) => [a.id as string, a.name]);
}

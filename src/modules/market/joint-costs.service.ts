// The costs of a joint job (cotraitance). A supplier invoice bought for the job is approved and
// posted by purchases → ledger under the analytic code of the activity that bought it (the payer).
// A runner of that activity tags it with the joint offer: its charge excl. VAT is shared between
// the parts by the same keys as the revenue (the parts' amounts, `splitProRata`: the shares add up
// to the charge, to the cent), and the ledger moves each partner's share to the partner's code
// (`postCostSplit`: C 6xx payer / D 6xx partner). Each activity account then shows its share of the
// job's costs, as it shows its share of the revenue. The supplier is still owed and paid by the
// payer (401 and deductible VAT are not moved).
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { todayParis } from '../../core/dates.ts';
import { audit } from '../../core/audit.ts';
import { activitiesFor } from '../directory/index.ts';
import {
  getSupplierInvoice,
  getSupplierInvoices,
  listSupplierInvoices,
  type SupplierInvoice,
  type SupplierInvoiceStatus,
} from '../purchases/index.ts';
import { postCostSplit } from '../ledger/index.ts';
import { marketDb } from './db.ts';
import { MARKET } from './permissions.ts';
import { getJointOffer, splitProRata, type JointOffer } from './joint.service.ts';

/** Only a supplier invoice the ledger has posted can have its charge moved. */
const POSTED: SupplierInvoiceStatus[] = ['approved', 'partly_paid', 'paid'];

export const JointCostInput = z.object({
  supplierInvoiceId: z.string().uuid('Choisissez la facture fournisseur.'),
});

export interface JointCost {
  id: string;
  supplierInvoiceId: string;
  supplierName: string;
  supplierNumber: string;
  payerActivityId: string;
  account: string;
  amountExclCents: number;
  /** Per part, in the parts' order; they add up to `amountExclCents`. */
  shares: { activityId: string; cents: number }[];
}

/** The payer's share of a supplier invoice: its split on the one activity of the joint it is
 *  charged to. An invoice charged to several activities of the job is already shared by hand. */
function payerSplit(inv: SupplierInvoice, j: JointOffer) {
  const parts = new Set(j.parts.map((p) => p.activityId));
  const on = inv.splits.filter((s) => parts.has(s.activityId));
  return on.length === 1 ? on[0] : null;
}

/** Tags a posted supplier invoice with the joint job and shares its charge between the parts. */
export async function attachJointCost(tx: Tx, actor: Actor, jointId: string, raw: unknown): Promise<JointCost> {
  const scope = authorize(actor, MARKET.jointOffer);
  const j = await getJointOffer(tx, actor, jointId);
  const v = parseInput(JointCostInput, raw);
  const field = 'supplierInvoiceId';
  const inv = await getSupplierInvoice(tx, actor, v.supplierInvoiceId);
  if (!inv) throw new UserError('Facture fournisseur introuvable.', field);
  if (!POSTED.includes(inv.status))
    throw new UserError('Seule une facture fournisseur approuvée (passée en comptabilité) se partage.', field);
  const split = payerSplit(inv, j);
  if (!split)
    throw new UserError(
      'Cette facture doit être imputée à une seule des activités de l’offre conjointe (celle qui a acheté).',
      field,
    );
  // The payer's runner decides (or staff): a partner does not move another activity's charge.
  if (scope === 'own' && !(await activitiesFor(tx, actor)).some((a) => a.id === split.activityId))
    throw new UserError('Seule l’activité qui a acheté peut partager cette facture.', field);
  const trx = marketDb(tx);
  const taken = await trx
    .selectFrom('market_joint_cost')
    .select('joint_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('supplier_invoice_id', '=', inv.id)
    .executeTakeFirst();
  if (taken) throw new UserError('Cette facture est déjà partagée dans une offre conjointe.', field);

  const cents = splitProRata(
    split.exclCents,
    j.parts.map((p) => p.amountExclCents),
  );
  const shares = j.parts.map((p, i) => ({ activityId: p.activityId, cents: cents[i] }));
  const entry = await postCostSplit(tx, actor, {
    supplierInvoiceId: inv.id,
    pieceRef: inv.supplierNumber,
    date: todayParis(),
    label: `${inv.supplierNumber} ${inv.supplierName}`,
    account: inv.account,
    payerCode: split.analyticCode,
    shares: j.parts.map((p, i) => ({ analyticCode: p.analyticCode, cents: cents[i] })),
  });
  const id = uuidv7();
  await trx
    .insertInto('market_joint_cost')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      joint_id: j.id,
      supplier_invoice_id: inv.id,
      payer_activity_id: split.activityId,
      account: inv.account,
      amount_excl_cents: split.exclCents,
      entry_id: entry?.id ?? null,
      created_by: actor.userId ?? '',
    })
    .execute();
  await trx
    .insertInto('market_joint_cost_share')
    .values(
      shares.map((s) => ({
        cooperative_id: actor.cooperativeId,
        cost_id: id,
        activity_id: s.activityId,
        cents: s.cents,
      })),
    )
    .execute();
  await audit(tx, actor, {
    action: 'market.joint.cost_shared',
    targetType: 'market_joint',
    targetId: j.id,
    data: { supplierInvoiceId: inv.id, amountExclCents: split.exclCents, shares },
  });
  return {
    id,
    supplierInvoiceId: inv.id,
    supplierName: inv.supplierName,
    supplierNumber: inv.supplierNumber,
    payerActivityId: split.activityId,
    account: inv.account,
    amountExclCents: split.exclCents,
    shares,
  };
}

/** The job's shared costs, and the posted supplier invoices the actor could still share (charged
 *  to one activity of the job that the actor may act for, not yet shared). */
export async function jointCosts(
  tx: Tx,
  actor: Actor,
  jointId: string,
): Promise<{ joint: JointOffer; costs: JointCost[]; candidates: [string, string][] }> {
  const scope = authorize(actor, MARKET.jointOffer);
  const joint = await getJointOffer(tx, actor, jointId);
  const trx = marketDb(tx);
  const rows = await trx
    .selectFrom('market_joint_cost')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('joint_id', '=', joint.id)
    .orderBy('created_at')
    .execute();
  const shareRows = rows.length
    ? await trx
        .selectFrom('market_joint_cost_share')
        .selectAll()
        .where('cooperative_id', '=', actor.cooperativeId)
        .where(
          'cost_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  // Purchases decides who reads a supplier invoice: a partner who may not read the payer's gets
  // no supplier name or number here, only the amount and the shares (their own costs).
  const invoices = await getSupplierInvoices(
    tx,
    actor,
    rows.map((r) => r.supplier_invoice_id),
  );
  const order = new Map(joint.parts.map((p, i) => [p.activityId, i]));
  const costs: JointCost[] = rows.map((r) => {
    const inv = invoices.get(r.supplier_invoice_id);
    return {
      id: r.id,
      supplierInvoiceId: r.supplier_invoice_id,
      supplierName: inv?.supplierName ?? '',
      supplierNumber: inv?.supplierNumber ?? '',
      payerActivityId: r.payer_activity_id,
      account: r.account,
      amountExclCents: Number(r.amount_excl_cents),
      shares: shareRows
        .filter((s) => s.cost_id === r.id)
        .map((s) => ({ activityId: s.activity_id, cents: Number(s.cents) }))
        .sort((a, b) => (order.get(a.activityId) ?? 0) - (order.get(b.activityId) ?? 0)),
    };
  });

  const mine = new Set((await activitiesFor(tx, actor)).map((a) => a.id as string));
  const payers = new Set(joint.parts.map((p) => p.activityId).filter((id) => scope !== 'own' || mine.has(id)));
  const listed = await listSupplierInvoices(tx, actor, { statuses: POSTED });
  const full = await getSupplierInvoices(
    tx,
    actor,
    listed.map((x) => x.id),
  );
  const shared = new Set(
    (
      await trx
        .selectFrom('market_joint_cost')
        .select('supplier_invoice_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .execute()
    ).map((r) => r.supplier_invoice_id),
  );
  const candidates: [string, string][] = [];
  for (const inv of full.values()) {
    const split = payerSplit(inv, joint);
    if (!split || !payers.has(split.activityId) || shared.has(inv.id)) continue;
    candidates.push([inv.id, `${inv.supplierName} — ${inv.supplierNumber} (${split.activityName})`]);
  }
  return { joint, costs, candidates };
}

// Refusing or disputing a supplier invoice. Under the e-invoicing reform the buyer answers a
// received invoice with a life-cycle status: « refusée » (210, final: the supplier must issue a
// new invoice) or « en litige » (207, to be settled: it can still be approved or refused later),
// each with a reason code from the reform's list (MDT-113 of the external specifications). The
// invoice leaves the to-approve and to-pay flows; the event lets e-invoicing report the status to
// the platform when the invoice came through it.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { todayParis } from '../../core/dates.ts';
import { audit } from '../../core/audit.ts';
import { emit } from '../../core/events.ts';
import { PURCHASES_EVENTS, type SupplierInvoiceRefused } from './events.ts';
import { PURCHASES } from './permissions.ts';
import { purchasesDb } from './db.ts';
import { getSupplierInvoice } from './supplier-invoice.service.ts';

export type RefusalDecision = 'refused' | 'disputed';

/** Reason codes for « refusée » (210): the list the reform's rule BR-FR-CDV-CL-09 allows. */
export const REFUSAL_REASONS: Record<string, string> = {
  MONTANTTOTAL_ERR: 'Montant total erroné',
  CALCUL_ERR: 'Erreur de calcul de la facture',
  TX_TVA_ERR: 'Taux de TVA erroné',
  DOUBLON: 'Facture en doublon (déjà reçue)',
  DOUBLE_FACT: 'Double facturation',
  DEST_ERR: 'Erreur sur le destinataire (mauvais acheteur)',
  ADR_ERR: 'Adresse de facturation erronée',
  CMD_ERR: 'Référence de commande erronée ou absente',
  REF_CT_ABSENT: 'Référence du contrat absente',
  TRANSAC_INC: 'Transaction inconnue',
  EMMET_INC: 'Émetteur inconnu',
  CONTRAT_TERM: 'Contrat terminé',
  NON_CONFORME: 'Mention légale manquante',
};

/** Reason codes for « en litige » (207): the reform's general list minus the refusal-only ones
 *  and the platforms' technical rejections (our reading: the per-status list is not public here). */
export const DISPUTE_REASONS: Record<string, string> = {
  MONTANTTOTAL_ERR: 'Montant total erroné',
  CALCUL_ERR: 'Erreur de calcul de la facture',
  TX_TVA_ERR: 'Taux de TVA erroné',
  PU_ERR: 'Prix unitaire erroné',
  QTE_ERR: 'Quantité facturée erronée',
  REM_ERR: 'Remise erronée',
  ART_ERR: 'Article facturé erroné',
  LIVR_INCOMP: 'Livraison incomplète ou non reçue',
  QUALITE_ERR: 'Qualité non conforme',
  COORD_BANC_ERR: 'Coordonnées bancaires erronées',
  MODPAI_ERR: 'Mode de paiement erroné',
  CMD_ERR: 'Référence de commande erronée ou absente',
  REF_ERR: 'Référence erronée',
  SIRET_ERR: 'SIRET erroné',
  NON_CONFORME: 'Mention légale manquante',
};

export const reasonsFor = (d: RefusalDecision) => (d === 'refused' ? REFUSAL_REASONS : DISPUTE_REASONS);
export const reasonLabel = (code: string | null) =>
  code ? (REFUSAL_REASONS[code] ?? DISPUTE_REASONS[code] ?? code) : null;

export interface RefusalInput {
  decision: RefusalDecision;
  reasonCode: string;
  note?: string | null;
}

/** Refuses (final) or disputes (open) a supplier invoice not yet approved, with a reason. */
export async function refuseSupplierInvoice(trx: Tx, actor: Actor, id: string, i: RefusalInput): Promise<void> {
  authorize(actor, PURCHASES.supplierInvoiceRefuse);
  const decision = i.decision;
  if (decision !== 'refused' && decision !== 'disputed')
    throw new UserError('Choisissez : refuser ou mettre en litige.', 'decision');
  const reasons = reasonsFor(decision);
  if (!i.reasonCode || !Object.hasOwn(reasons, i.reasonCode))
    throw new UserError('Choisissez le motif dans la liste.', 'reasonCode');
  const note = (i.note ?? '').trim();
  if (note.length > 500) throw new UserError('Précision trop longue (500 caractères au plus).', 'note');
  const inv = await getSupplierInvoice(trx, actor, id);
  if (!inv) throw new NotFoundError('Facture fournisseur');
  // A disputed invoice may still be refused; an approved one is in the books (a credit note from
  // the supplier corrects it), a refused one is closed.
  const from = decision === 'refused' ? ['draft', 'to_approve', 'disputed'] : ['draft', 'to_approve'];
  if (!from.includes(inv.status))
    throw new UserError(
      inv.status === 'refused'
        ? 'Cette facture est déjà refusée.'
        : inv.status === 'disputed'
          ? 'Cette facture est déjà en litige.'
          : 'Cette facture est déjà approuvée : demandez un avoir au fournisseur.',
    );
  const upd = await purchasesDb(trx)
    .updateTable('supplier_invoice')
    .set({
      status: decision,
      decision_reason: i.reasonCode,
      decision_note: note || null,
      decided_at: new Date(),
      decided_by: actor.userId,
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('status', '=', inv.status)
    .executeTakeFirst();
  if (Number(upd.numUpdatedRows) !== 1) throw new UserError('Cette facture a changé entre-temps : rechargez la page.');
  const payload: SupplierInvoiceRefused = {
    invoiceId: inv.id,
    supplierId: inv.supplierId,
    supplierName: inv.supplierName,
    supplierNumber: inv.supplierNumber,
    decision,
    reasonCode: i.reasonCode,
    reasonLabel: reasons[i.reasonCode],
    note: note || null,
    date: todayParis(),
  };
  await emit(
    trx,
    actor,
    decision === 'refused' ? PURCHASES_EVENTS.supplierInvoiceRefused : PURCHASES_EVENTS.supplierInvoiceDisputed,
    payload,
  );
  await audit(trx, actor, {
    action: decision === 'refused' ? 'purchases.supplier_invoice_refused' : 'purchases.supplier_invoice_disputed',
    targetType: 'supplier_invoice',
    targetId: id,
    data: { reasonCode: i.reasonCode, note: note || null, previousStatus: inv.status },
  });
}

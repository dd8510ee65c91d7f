// Refusing or disputing a supplier invoice (statuses 210 and 207 of the e-invoicing reform): the
// decision shown on the invoice page, the form for those who approve supplier invoices, and its
// handler. The service checks the role and the state again.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { Card, Csrf, Select, TextArea } from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError } from '../../../core/errors.ts';
import { formatDateTime } from '../../../core/dates.ts';
import type { SupplierInvoice } from '../supplier-invoice.service.ts';
import {
  DISPUTE_REASONS,
  REFUSAL_REASONS,
  reasonLabel,
  refuseSupplierInvoice,
  type RefusalDecision,
} from '../supplier-invoice-refusal.ts';
import { tenant } from './kit.ts';

export const supplierInvoiceRefusalRoutes = new Hono<AppEnv>();

/** What was decided, for everyone who sees the invoice (the entrepreneur included). */
export function RefusalDecisionCard(p: { inv: SupplierInvoice }) {
  const d = p.inv.decision;
  if (!d || (p.inv.status !== 'refused' && p.inv.status !== 'disputed')) return null;
  return (
    <Card title={p.inv.status === 'refused' ? 'Facture refusée' : 'Facture en litige'}>
      <p>
        Motif : <strong>{reasonLabel(d.reasonCode)}</strong> ({d.reasonCode}), le {formatDateTime(d.at)}.
      </p>
      {d.note ? <p>Précision : {d.note}</p> : null}
      <p class="muted">
        {p.inv.status === 'refused'
          ? 'Elle ne sera ni comptabilisée ni payée ; le fournisseur doit émettre une nouvelle facture.'
          : 'Elle attend la résolution du litige avec le fournisseur avant d’être approuvée ou refusée.'}
      </p>
    </Card>
  );
}

const DECISION_LABELS: Record<RefusalDecision, string> = {
  disputed: 'Mettre en litige (à régler avec le fournisseur)',
  refused: 'Refuser (définitif : le fournisseur refait sa facture)',
};

/** One form: the decision allowed in the invoice's state, and the reasons of the reform's lists
 *  (each list under its decision; the service refuses a reason that does not belong to it). */
export function RefusalForms(p: { c: Ctx; inv: SupplierInvoice }) {
  const s = p.inv.status;
  const decisions: RefusalDecision[] =
    s === 'draft' || s === 'to_approve' ? ['disputed', 'refused'] : s === 'disputed' ? ['refused'] : [];
  if (!decisions.length) return null;
  const groups = decisions.map((d) => ({
    label: d === 'refused' ? 'Motifs de refus' : 'Motifs de litige',
    reasons: Object.entries(d === 'refused' ? REFUSAL_REASONS : DISPUTE_REASONS),
  }));
  return (
    <details class="refusal">
      <summary>Refuser la facture ou la mettre en litige</summary>
      <form method="post" action={`/factures-fournisseurs/${p.inv.id}/refuser`} novalidate>
        <Csrf token={p.c.get('csrf')} />
        <Select
          label="Décision"
          name="decision"
          options={decisions.map((d) => [d, DECISION_LABELS[d]] as [string, string])}
          required
        />
        <div class="field">
          <label for="f-reasonCode">Motif (liste de la réforme)</label>
          <select id="f-reasonCode" name="reasonCode" required>
            <option value="">Choisir le motif…</option>
            {groups.map((g) => (
              <optgroup label={g.label}>
                {g.reasons.map(([code, label]) => (
                  <option value={code}>{`${label} (${code})`}</option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <TextArea label="Précision pour le fournisseur (facultatif)" name="note" rows={2} />
        <button type="submit" class="secondary">
          Enregistrer la décision
        </button>
      </form>
    </details>
  );
}

supplierInvoiceRefusalRoutes.post('/factures-fournisseurs/:id/refuser', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  const decision = f.decision === 'refused' ? 'refused' : 'disputed';
  try {
    await tenant(c, (trx, a) =>
      refuseSupplierInvoice(trx, a, id, { decision, reasonCode: f.reasonCode ?? '', note: f.note ?? null }),
    );
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect(`/factures-fournisseurs/${id}`);
  }
  setFlash(c, {
    kind: 'success',
    text: decision === 'refused' ? 'Facture refusée ; le fournisseur en sera informé.' : 'Facture mise en litige.',
  });
  return c.redirect(`/factures-fournisseurs/${id}`);
});

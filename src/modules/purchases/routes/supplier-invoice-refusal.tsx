// Refusing or disputing a supplier invoice (statuses 210 and 207 of the e-invoicing reform): the
// decision shown on the invoice page and the form for those who approve supplier invoices (its
// handler is beside the page, in supplier-invoices.tsx, which shows it again with its error). The
// service checks the role and the state again.
import type { Ctx } from '../../../web/context.ts';
import { Card, Csrf, Select, TextArea } from '../../../web/components.tsx';
import { formatDateTime } from '../../../core/dates.ts';
import type { SupplierInvoice } from '../supplier-invoice.service.ts';
import { DISPUTE_REASONS, REFUSAL_REASONS, reasonLabel, type RefusalDecision } from '../supplier-invoice-refusal.ts';

/** The form as sent, and the message of the field that was wrong. */
export interface RefusalFormState {
  values: { decision?: string; reasonCode?: string; note?: string };
  errors: Record<string, string>;
}

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
export function RefusalForms(p: { c: Ctx; inv: SupplierInvoice; state?: RefusalFormState }) {
  const v = p.state?.values ?? {};
  const e = p.state?.errors ?? {};
  const s = p.inv.status;
  const decisions: RefusalDecision[] =
    s === 'draft' || s === 'to_approve' ? ['disputed', 'refused'] : s === 'disputed' ? ['refused'] : [];
  if (!decisions.length) return null;
  const groups = decisions.map((d) => ({
    decision: d,
    label: d === 'refused' ? 'Motifs de refus' : 'Motifs de litige',
    reasons: Object.entries(d === 'refused' ? REFUSAL_REASONS : DISPUTE_REASONS),
  }));
  return (
    <details class="refusal" open={p.state ? true : undefined}>
      <summary>Refuser la facture ou la mettre en litige</summary>
      <form method="post" action={`/factures-fournisseurs/${p.inv.id}/refuser`} novalidate>
        <Csrf token={p.c.get('csrf')} />
        <Select
          label="Décision"
          name="decision"
          options={decisions.map((d) => [d, DECISION_LABELS[d]] as [string, string])}
          value={v.decision}
          error={e.decision}
          required
        />
        <div class={`field${e.reasonCode ? ' has-error' : ''}`}>
          <label for="f-reasonCode">Motif (liste de la réforme)</label>
          <select
            id="f-reasonCode"
            name="reasonCode"
            required
            aria-invalid={e.reasonCode ? 'true' : undefined}
            aria-describedby={e.reasonCode ? 'f-reasonCode-error' : undefined}
          >
            <option value="">Choisir le motif…</option>
            {groups.map((g) => (
              <optgroup label={g.label}>
                {g.reasons.map(([code, label]) => (
                  <option
                    value={code}
                    // A code of both lists is chosen once: in the list of the decision sent.
                    selected={v.reasonCode === code && (v.decision ?? decisions[0]) === g.decision}
                  >{`${label} (${code})`}</option>
                ))}
              </optgroup>
            ))}
          </select>
          {e.reasonCode ? (
            <p class="error" id="f-reasonCode-error" role="alert">
              {e.reasonCode}
            </p>
          ) : null}
        </div>
        <TextArea
          label="Précision pour le fournisseur (facultatif)"
          name="note"
          rows={2}
          value={v.note}
          error={e.note}
        />
        <button type="submit" class="secondary">
          Enregistrer la décision
        </button>
      </form>
    </details>
  );
}

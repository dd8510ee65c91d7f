// The page of one joint job (`/ma-vitrine/cotraitance/:id`): each activity's part (its key for the
// split), the supplier invoices shared between the parts with each part's share, and the form that
// shares another one. The shares shown are those posted (they add up to each invoice's charge).
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, EmptyState, FormErrorSummary, PageHeader, Select } from '../../../web/components.tsx';
import { formatEuros } from '../../../core/money.ts';
import type { JointOffer } from '../joint.service.ts';
import type { JointCost } from '../joint-costs.service.ts';

/** A part's key, as a French percentage with one decimal (display only: the split is in cents). */
function keyOf(amount: number, total: number): string {
  if (!total) return '—';
  const tenths = Math.round((amount * 1000) / total);
  return `${Math.trunc(tenths / 10)},${tenths % 10} %`;
}

export function JointPage(p: {
  c: Ctx;
  joint: JointOffer;
  costs: JointCost[];
  candidates: [string, string][];
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { joint, costs } = p;
  const total = joint.parts.reduce((t, x) => t + x.amountExclCents, 0);
  const nameOf = new Map(joint.parts.map((x) => [x.activityId, x.activityName]));
  const costOf = (activityId: string) =>
    costs.reduce((t, c) => t + (c.shares.find((s) => s.activityId === activityId)?.cents ?? 0), 0);
  const costsTotal = costs.reduce((t, c) => t + c.amountExclCents, 0);
  return (
    <Layout c={p.c} title={`Offre conjointe — ${joint.title}`}>
      <PageHeader
        title={`Offre conjointe — ${joint.title}`}
        help="Le chiffre d’affaires et les achats du chantier sont répartis entre les activités au prorata de leur part du devis : chaque compte d’activité en montre sa quote-part."
        action={<a href={`/devis/${joint.quoteId}`}>Voir le devis</a>}
      />
      <h2>Parts et charges de chaque activité</h2>
      <table class="data">
        <thead>
          <tr>
            <th>Activité</th>
            <th>Ce qu’elle fait</th>
            <th class="num">Part HT du devis</th>
            <th class="num">Clé de répartition</th>
            <th class="num">Achats partagés</th>
          </tr>
        </thead>
        <tbody>
          {joint.parts.map((x) => (
            <tr>
              <td>
                {x.activityName}
                {x.activityId === joint.leadActivityId ? ' (coordonne et facture)' : ''}
              </td>
              <td>{x.description}</td>
              <td class="num">{formatEuros(x.amountExclCents)}</td>
              <td class="num">{keyOf(x.amountExclCents, total)}</td>
              <td class="num">{formatEuros(costOf(x.activityId))}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colspan={2}>Total</th>
            <td class="num">{formatEuros(total)}</td>
            <td class="num">100 %</td>
            <td class="num">{formatEuros(costsTotal)}</td>
          </tr>
        </tfoot>
      </table>

      <h2>Achats du chantier partagés</h2>
      {costs.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Facture fournisseur</th>
              <th>Achetée par</th>
              <th class="num">Montant HT</th>
              {joint.parts.map((x) => (
                <th class="num">{x.activityName}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {costs.map((c) => (
              <tr>
                <td>{c.supplierNumber ? `${c.supplierName} — ${c.supplierNumber}` : 'Facture fournisseur'}</td>
                <td>{nameOf.get(c.payerActivityId) ?? ''}</td>
                <td class="num">{formatEuros(c.amountExclCents)}</td>
                {joint.parts.map((x) => (
                  <td class="num">{formatEuros(c.shares.find((s) => s.activityId === x.activityId)?.cents ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title="Aucun achat partagé pour l’instant"
          text="Une facture fournisseur approuvée, imputée à l’activité qui a acheté pour le chantier, peut être partagée ici."
        />
      )}

      {p.candidates.length ? (
        <form method="post" action={`/ma-vitrine/cotraitance/${joint.id}/charges`} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <Select
            label="Partager une facture fournisseur du chantier"
            name="supplierInvoiceId"
            value={p.values.supplierInvoiceId}
            options={[['', '—'], ...p.candidates]}
            error={p.errors?.supplierInvoiceId}
            hint="Son montant HT est réparti entre les activités selon la clé ci-dessus (au centime près : les centimes d’arrondi vont aux plus grands restes) et passé sur chaque compte d’activité. La TVA et le règlement du fournisseur restent à l’activité qui a acheté."
          />
          <button type="submit">Partager cette facture</button>
        </form>
      ) : p.errors ? (
        <FormErrorSummary errors={p.errors} message={p.errors.supplierInvoiceId} />
      ) : null}
    </Layout>
  );
}

export function JointList(p: { offers: { id: string; title: string }[] }) {
  if (!p.offers.length) return null;
  return (
    <>
      <h2>Vos offres conjointes</h2>
      <ul>
        {p.offers.map((o) => (
          <li>
            <a href={`/ma-vitrine/cotraitance/${o.id}`}>{o.title}</a>
          </li>
        ))}
      </ul>
    </>
  );
}

import type { Ctx } from '../../../web/context.ts';
import { EmptyState, Badge } from '../../../web/components.tsx';
import { formatDate, todayParis } from '../../../core/dates.ts';
import { formatEuros } from '../../../core/money.ts';
import { REPORT_STATUS, REIMBURSEMENT_STATUS, type ExpenseReport } from '../expense.service.ts';
import { CategoryCell } from '../receipt-routes.tsx';
import { STATUS_TONE, PostButton } from './kit.tsx';

export const currentMonth = () => todayParis().slice(0, 7);
export const monthLabel = (m: string) =>
  new Date(`${m}-01T12:00:00Z`).toLocaleDateString('fr-FR', {
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Paris',
  });

export function SheetTable(p: { c: Ctx; r: ExpenseReport; editable: boolean }) {
  const { r } = p;
  return (
    <>
      {r.lines.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Catégorie</th>
              <th>Description</th>
              <th class="num">TTC</th>
              <th class="num">TVA</th>
              <th>Justificatif</th>
              <th>Contrôles</th>
              {p.editable ? <th></th> : null}
            </tr>
          </thead>
          <tbody>
            {r.lines.map((l) => (
              <tr>
                <td data-label="Date">{formatDate(l.date)}</td>
                <td data-label="Catégorie">
                  <CategoryCell c={p.c} lineId={l.id} category={l.category} editable={p.editable} />
                </td>
                <td data-label="Description">
                  {l.description} <span class="muted">({l.analyticCode})</span>
                </td>
                <td data-label="TTC" class="num">
                  {formatEuros(l.amountInclCents)}
                </td>
                <td data-label="TVA" class="num">
                  {formatEuros(l.vatCents)}
                </td>
                <td data-label="Justificatif">
                  {l.receiptFileId ? <a href={`/notes-de-frais/justificatif/${l.id}`}>Voir</a> : '—'}
                </td>
                <td data-label="Contrôles">
                  {l.issues.length ? (
                    <ul>
                      {l.issues.map((i) => (
                        <li>
                          <span class="badge badge-danger">{i}</span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span class="badge badge-ok">OK</span>
                  )}
                </td>
                {p.editable ? (
                  <td data-label="Action">
                    <PostButton
                      c={p.c}
                      action={`/notes-de-frais/ligne/${l.id}/supprimer`}
                      label="Supprimer"
                      cls="btn-secondary btn-small"
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {r.trips.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Trajet</th>
              <th>Véhicule</th>
              <th class="num">km</th>
              <th class="num">Indemnité</th>
            </tr>
          </thead>
          <tbody>
            {r.trips.map((t) => (
              <tr>
                <td data-label="Date">{formatDate(t.date)}</td>
                <td data-label="Trajet">
                  {t.description} <span class="muted">({t.analyticCode})</span>
                </td>
                <td data-label="Véhicule">{t.vehicleLabel}</td>
                <td data-label="km" class="num">
                  {t.distanceKm}
                </td>
                <td data-label="Indemnité" class="num">
                  {formatEuros(t.amountCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {!r.lines.length && !r.trips.length ? <EmptyState title="Aucune dépense ce mois-ci." /> : null}
      <p>
        <strong>Total : {formatEuros(r.totalCents)}</strong> ·{' '}
        <Badge status={STATUS_TONE[r.status]} label={REPORT_STATUS[r.status]} />
        {r.reimbursement !== 'not_due' ? (
          <>
            {' '}
            · {REIMBURSEMENT_STATUS[r.reimbursement]}
            {r.reimbursedOn ? ` le ${formatDate(r.reimbursedOn)}` : ''}
          </>
        ) : null}
      </p>
    </>
  );
}

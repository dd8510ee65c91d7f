// The exceptions-only validation queue: invoices without findings ready to validate in one
// batch; the others with their findings in plain words, each validated only with a reason.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { TextArea, Csrf, PageHeader, Card, EmptyState, FormErrorSummary, Badge } from '../../../web/components.tsx';
import { formatDate } from '../../../core/dates.ts';
import { formatEuros } from '../../../core/money.ts';
import type { QueueEntry, ValidationQueue, DocSection, DocEntry } from '../validation.ts';

function Findings(p: { e: QueueEntry | DocEntry }) {
  return (
    <ul class="findings">
      {p.e.findings.map((f) => (
        <li>
          <Badge
            status={f.severity === 'blocking' ? 'refused' : 'pending'}
            label={f.severity === 'blocking' ? 'Bloquant' : 'À vérifier'}
          />{' '}
          {f.message}
        </li>
      ))}
    </ul>
  );
}

export function ValidationPage(p: {
  c: Ctx;
  queue: ValidationQueue;
  canSetThresholds: boolean;
  /** Per invoice id: the error of its reason field. */
  errors: Record<string, string>;
  values: Record<string, string>;
}) {
  const { c } = p;
  return (
    <Layout c={c} title="Validation" wide>
      <PageHeader
        title="Validation des factures"
        help="Les factures sans alerte sont prêtes : validez-les en une fois. Regardez seulement celles à examiner."
        action={
          p.canSetThresholds ? (
            <a class="btn btn-secondary" href="/validation/reglages">
              Réglages des contrôles
            </a>
          ) : undefined
        }
      />
      <Card title={`Prêtes à valider (${p.queue.ready.length})`}>
        {p.queue.ready.length ? (
          <form method="post" action="/validation/lot">
            <Csrf token={c.get('csrf')} />
            <table class="data">
              <thead>
                <tr>
                  <th>Choisir</th>
                  <th>Date</th>
                  <th>Client</th>
                  <th class="num">TTC</th>
                </tr>
              </thead>
              <tbody>
                {p.queue.ready.map((e) => (
                  <tr>
                    <td data-label="Choisir">
                      <input
                        type="checkbox"
                        name="ids"
                        value={e.invoice.id}
                        checked
                        aria-label={`Choisir ${e.invoice.typeCode === '381' ? "l'avoir" : 'la facture'} de ${e.invoice.customerName}`}
                      />
                    </td>
                    <td data-label="Date">{formatDate(e.invoice.issueDate)}</td>
                    <td data-label="Client">
                      <a href={`/factures/${e.invoice.id}`}>{e.invoice.customerName}</a>
                      {e.invoice.typeCode === '381' ? ' (avoir)' : ''}
                    </td>
                    <td data-label="TTC" class="num">
                      {formatEuros(e.invoice.totalInclCents)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="submit">{validateLabel(p.queue.ready.map((e) => e.invoice.typeCode))}</button>
          </form>
        ) : (
          <p class="muted">Aucune facture prête.</p>
        )}
      </Card>
      <Card title={`À examiner (${p.queue.review.length})`}>
        {p.queue.review.length ? (
          p.queue.review.map((e) => (
            <article class="review-item">
              <h3>
                {e.invoice.typeCode === '381' ? 'Avoir — ' : ''}
                <a href={`/factures/${e.invoice.id}`}>{e.invoice.customerName}</a> —{' '}
                {formatEuros(e.invoice.totalInclCents)} <span class="muted">({formatDate(e.invoice.issueDate)})</span>
              </h3>
              <Findings e={e} />
              {e.blocking ? (
                <p class="muted">À corriger par l'entrepreneur·e avant validation.</p>
              ) : (
                <ExceptionForm
                  c={c}
                  action={`/validation/${e.invoice.id}/exception`}
                  id={e.invoice.id}
                  errors={p.errors}
                  values={p.values}
                />
              )}
            </article>
          ))
        ) : (
          <EmptyState title="Rien à examiner." text="Aucune facture soumise ne présente d'alerte." />
        )}
      </Card>
      {p.queue.others.map((s) => (
        <Section c={c} s={s} errors={p.errors} values={p.values} />
      ))}
    </Layout>
  );
}

/** Another document type (expense reports, supplier invoices, salary requests), shown like invoices. */
function Section(p: { c: Ctx; s: DocSection; errors: Record<string, string>; values: Record<string, string> }) {
  const { c, s } = p;
  return (
    <>
      <h2>{s.label}</h2>
      <Card title={`Prêtes à valider (${s.ready.length})`}>
        {s.ready.length ? (
          <form method="post" action={`/validation/lot/${s.documentType}`}>
            <Csrf token={c.get('csrf')} />
            <table class="data">
              <thead>
                <tr>
                  <th>Choisir</th>
                  <th>Date</th>
                  <th>Document</th>
                  <th class="num">Montant</th>
                </tr>
              </thead>
              <tbody>
                {s.ready.map((e) => (
                  <tr>
                    <td data-label="Choisir">
                      <input
                        type="checkbox"
                        name="ids"
                        value={e.doc.id}
                        checked
                        aria-label={`Choisir : ${e.doc.title}`}
                      />
                    </td>
                    <td data-label="Date">{e.doc.date ? formatDate(e.doc.date) : '—'}</td>
                    <td data-label="Document">
                      <a href={e.doc.link}>{e.doc.title}</a>
                    </td>
                    <td data-label="Montant" class="num">
                      {formatEuros(e.doc.amountCents)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="submit">
              Valider{' '}
              {s.ready.length > 1 ? `les ${s.ready.length} ${s.label.toLowerCase()} cochées` : `la ${s.noun} cochée`}
            </button>
          </form>
        ) : (
          <p class="muted">Aucune {s.noun} prête.</p>
        )}
      </Card>
      <Card title={`À examiner (${s.review.length})`}>
        {s.review.length ? (
          s.review.map((e) => (
            <article class="review-item">
              <h3>
                <a href={e.doc.link}>{e.doc.title}</a> — {formatEuros(e.doc.amountCents)}
                {e.doc.date ? <span class="muted"> ({formatDate(e.doc.date)})</span> : null}
              </h3>
              <Findings e={e} />
              {e.blocking ? (
                <p class="muted">À corriger avant validation.</p>
              ) : (
                <ExceptionForm
                  c={c}
                  action={`/validation/${s.documentType}/${e.doc.id}/exception`}
                  id={e.doc.id}
                  errors={p.errors}
                  values={p.values}
                />
              )}
            </article>
          ))
        ) : (
          <EmptyState title="Rien à examiner." text={`Aucune ${s.noun} en attente ne présente d'alerte.`} />
        )}
      </Card>
    </>
  );
}

/** "Valider les 2 factures cochées", "Valider l'avoir coché", "Valider les 3 documents cochés". */
export function validateLabel(typeCodes: string[]): string {
  const n = typeCodes.length;
  const credit = typeCodes.filter((t) => t === '381').length;
  const [noun, fem] = credit === 0 ? ['facture', true] : credit === n ? ['avoir', false] : ['document', false];
  const checked = `coché${fem ? 'e' : ''}`;
  if (n === 1) return `Valider ${noun === 'avoir' ? "l'avoir" : `la ${noun}`} ${checked}`;
  return `Valider les ${n} ${noun}s ${checked}s`;
}

/** "Valider malgré les alertes": the reason is required and kept in the audit log (every type). */
function ExceptionForm(p: {
  c: Ctx;
  action: string;
  id: string;
  errors: Record<string, string>;
  values: Record<string, string>;
}) {
  return (
    <form method="post" action={p.action} novalidate>
      <Csrf token={p.c.get('csrf')} />
      <FormErrorSummary errors={p.errors[p.id] ? { reason: p.errors[p.id] } : null} />
      <TextArea
        label="Pourquoi validez-vous malgré tout ?"
        name={`reason-${p.id}`}
        rows={2}
        value={p.values[`reason-${p.id}`]}
        error={p.errors[p.id]}
        hint="Une phrase suffit ; elle est gardée dans le journal d'audit."
      />
      <button type="submit" class="btn-secondary">
        Valider malgré les alertes
      </button>
    </form>
  );
}

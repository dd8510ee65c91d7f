import type { Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import { todayParis } from '../../../core/dates.ts';
import { formatEuros } from '../../../core/money.ts';
import { activitiesFor } from '../../directory/index.ts';
import { myReport, listMyReports, REPORT_STATUS, REIMBURSEMENT_STATUS } from '../expense.service.ts';
import { EXPENSE_CATEGORIES } from '../categories.ts';
import { MAX_RECEIPTS_AT_ONCE, type BulkReceiptResult } from '../bulk-receipts.ts';
import { myRecentBatches } from '../receipt-reading.ts';
import { ReadingProgress } from '../receipt-routes.tsx';
import { tenant, isValidator } from './kit.ts';
import { FileField, PostButton } from '../views/kit.tsx';
import { currentMonth, monthLabel, SheetTable } from '../views/expense-sheet-table.tsx';

export async function sheetPage(
  c: Ctx,
  month: string,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
  info?: string,
  refused?: BulkReceiptResult['refused'],
) {
  const actor = actorOf(c);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) month = currentMonth();
  const [r, acts, history, readings] = await tenant(
    c,
    async (trx, a) =>
      [
        await myReport(trx, a, month),
        (await activitiesFor(trx, a)).filter((x) => !x.closedAt),
        await listMyReports(trx, a),
        await myRecentBatches(trx, a),
      ] as const,
  );
  const v: Record<string, string> = {
    date: month === currentMonth() ? todayParis() : `${month}-01`,
    category: 'meals',
    activityId: acts.length === 1 ? acts[0].id : '',
    ...values,
  };
  const e = errors ?? {};
  const editable = r.status === 'draft';
  return c.html(
    <Layout c={c} title="Notes de frais" wide>
      <PageHeader
        title={`Note de frais — ${monthLabel(month)}`}
        help="Ajoutez vos dépenses avec la photo du ticket, puis envoyez la note en fin de mois. Elle vous est remboursée après validation."
        action={
          isValidator(actor) ? (
            <a class="btn" href="/notes-de-frais/a-valider">
              Notes à valider
            </a>
          ) : undefined
        }
      />
      <form class="filters" method="get" action="/notes-de-frais">
        <Field label="Mois" name="mois" type="month" value={month} />
        <button type="submit" class="btn-secondary">
          Afficher
        </button>
      </form>
      {info ? (
        <div class="flash flash-info" role="status">
          {info}
        </div>
      ) : null}
      {readings.map((b) => (
        <ReadingProgress batch={b} />
      ))}
      {refused?.length ? (
        <div class="flash flash-error" role="alert" id="receipts-refused">
          <p>
            {refused.length > 1
              ? `${refused.length} justificatifs n'ont pas été ajoutés :`
              : "Un justificatif n'a pas été ajouté :"}
          </p>
          <ul>
            {refused.map((x) => (
              <li>
                <strong>{x.fileName}</strong> : {x.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Card title="Dépenses du mois">
        <SheetTable c={c} r={r} editable={editable} />
        {editable && (r.lines.length || r.trips.length) ? (
          <PostButton c={c} action={`/notes-de-frais/${r.id}/envoyer`} label="Envoyer la note de frais" />
        ) : null}
      </Card>
      {editable ? (
        <Card title="Ajouter plusieurs justificatifs">
          <form method="post" action="/notes-de-frais/ajouter-plusieurs" enctype="multipart/form-data" novalidate>
            <Csrf token={c.get('csrf')} />
            <div class={`field${e.receipts ? ' has-error' : ''}`}>
              <label for="f-receipts">Photos des tickets ou PDF (plusieurs à la fois)</label>
              <p
                class="hint"
                id="f-receipts-hint"
              >{`Le montant, la TVA et la date sont lus sur chaque justificatif ; une dépense est ajoutée pour chacun. Jusqu'à ${MAX_RECEIPTS_AT_ONCE} fichiers.`}</p>
              <input
                id="f-receipts"
                name="receipts"
                type="file"
                multiple
                accept="image/*,application/pdf"
                aria-invalid={e.receipts ? 'true' : undefined}
                aria-describedby={e.receipts ? 'f-receipts-error' : 'f-receipts-hint'}
              />
              {e.receipts ? (
                <p class="error" id="f-receipts-error" role="alert">
                  {e.receipts}
                </p>
              ) : null}
            </div>
            {acts.length > 1 ? (
              <Select
                label="Activité"
                name="bulkActivityId"
                value={v.bulkActivityId ?? ''}
                error={e.bulkActivityId}
                options={[['', '—'], ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string])]}
              />
            ) : null}
            <button type="submit" name="action" value="bulk">
              Ajouter les justificatifs
            </button>
          </form>
        </Card>
      ) : null}
      {editable ? (
        <Card title="Ajouter une dépense">
          <form method="post" action="/notes-de-frais/ajouter" enctype="multipart/form-data" novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={errors} message={e._} />
            <input type="hidden" name="receiptFileId" value={v.receiptFileId ?? ''} />
            {v.receiptFileId ? (
              <p class="muted">Justificatif déjà joint. Vérifiez les montants lus.</p>
            ) : (
              <FileField
                label="Photo du ticket ou PDF"
                name="receipt"
                accept="image/*,application/pdf"
                capture
                error={e.receipt}
                hint="Depuis un téléphone, l'appareil photo s'ouvre directement."
              />
            )}
            {!v.receiptFileId ? (
              <p>
                <button type="submit" name="action" value="read" class="btn-secondary">
                  Lire le ticket et remplir les champs
                </button>
              </p>
            ) : null}
            <div class="form-grid">
              <Field label="Date" name="date" type="date" value={v.date} error={e.date} required />
              <Select
                label="Catégorie"
                name="category"
                value={v.category}
                error={e.category}
                options={EXPENSE_CATEGORIES.map((x) => [x.code, x.label] as [string, string])}
              />
              <Field
                label="Montant TTC (€)"
                name="amount"
                value={v.amount}
                error={e.amount ?? e.amountInclCents}
                inputmode="decimal"
                required
              />
              <Field
                label="dont TVA (€, vide = taux habituel de la catégorie)"
                name="vat"
                value={v.vat}
                error={e.vat ?? e.vatCents}
                inputmode="decimal"
              />
              <Field
                label="Description"
                name="description"
                value={v.description}
                error={e.description}
                placeholder="Ex. : déjeuner avec un client"
              />
              <Select
                label="Activité"
                name="activityId"
                value={v.activityId}
                error={e.activityId}
                options={[['', '—'], ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string])]}
              />
            </div>
            <button type="submit" name="action" value="add">
              Ajouter la dépense
            </button>
          </form>
          <p>
            <a href="/indemnites-kilometriques">Ajouter un trajet en voiture (indemnités kilométriques)</a>
          </p>
        </Card>
      ) : null}
      {history.length > 1 ? (
        <Card title="Mes autres mois">
          <ul>
            {history
              .filter((h) => h.month !== month)
              .map((h) => (
                <li>
                  <a href={`/notes-de-frais?mois=${h.month}`}>{monthLabel(h.month)}</a> — {formatEuros(h.totalCents)} ·{' '}
                  {REPORT_STATUS[h.status]}
                  {h.reimbursement !== 'not_due' ? ` · ${REIMBURSEMENT_STATUS[h.reimbursement]}` : ''}
                </li>
              ))}
          </ul>
        </Card>
      ) : null}
    </Layout>,
    errors ? 400 : 200,
  );
}

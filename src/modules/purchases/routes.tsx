// Purchases pages: suppliers, supplier invoices (upload → pre-filled form → approval → payment),
// expense sheets (entrepreneur's month with receipt photos; support's batch validation and
// reimbursements) and mileage allowances (vehicles, trips, the year's scale).
import { LiveResults, liveSearch } from '../../web/live-search.tsx';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { fileResponse } from '../../web/files.ts';
import {
  Field,
  Select,
  Csrf,
  PageHeader,
  Card,
  EmptyState,
  FormErrorSummary,
  Badge,
  Figure,
} from '../../web/components.tsx';
import { formValues, formAll } from '../../web/forms.ts';
import { FILE_UPLOAD_LIMIT, MAX_UPLOAD_LIMIT, tooLargeMessage, uploadBodyLimit } from '../../web/request-guards.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant, type Tx } from '../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../core/actor.ts';
import { UserError, NotFoundError, fieldErrors } from '../../core/errors.ts';
import { formatDate, todayParis, isIsoDate } from '../../core/dates.ts';
import { formatEuros, parseCents, formatRateBp, centsToDecimal } from '../../core/money.ts';
import { isUuid } from '../../core/ids.ts';
import { storeFile, readFile } from '../../core/files.ts';
import { activitiesFor } from '../directory/index.ts';
import { createSupplier, listSuppliers, findSupplierBySiren, type SupplierInput } from './supplier.service.ts';
import {
  createSupplierInvoice,
  getSupplierInvoice,
  listSupplierInvoices,
  approveSupplierInvoice,
  markSupplierInvoicePaid,
  SUPPLIER_INVOICE_STATUS,
  type SupplierInvoiceStatus,
} from './supplier-invoice.service.ts';
import {
  addExpenseLine,
  deleteExpenseLine,
  getExpenseReport,
  expenseReceiptFileId,
  myReport,
  listMyReports,
  submitExpenseReport,
  reportsToValidate,
  reportsToReimburse,
  validateExpenseReports,
  returnExpenseReport,
  markExpenseReportReimbursed,
  addVehicle,
  listVehicles,
  addMileageTrip,
  yearKm,
  REPORT_STATUS,
  REIMBURSEMENT_STATUS,
  type ExpenseReport,
} from './expense.service.ts';
import { EXPENSE_CATEGORIES, PURCHASE_ACCOUNTS } from './categories.ts';
import { scaleFor, scaleYears } from './mileage.ts';
import { NeedsOcrError, readIncomingDocument, type ParsedInvoice } from './incoming.ts';
import { MAX_RECEIPTS_AT_ONCE, type BulkReceiptResult } from './bulk-receipts.ts';
import {
  myRecentBatches,
  queueReceipts,
  queueSupplierInvoiceReading,
  RECEIPT_READING_QUEUE,
  supplierInvoiceReading,
} from './receipt-reading.ts';
import { CategoryCell, ReadingProgress, SupplierReadingProgress } from './receipt-routes.tsx';
import { requestJob } from '../../core/jobs.ts';

export const purchasesRoutes = new Hono<AppEnv>();
for (const p of [
  '/fournisseurs',
  '/fournisseurs/*',
  '/factures-fournisseurs',
  '/factures-fournisseurs/*',
  '/notes-de-frais',
  '/notes-de-frais/*',
  '/indemnites-kilometriques',
  '/indemnites-kilometriques/*',
])
  purchasesRoutes.use(p, requireActor);

const db = (c: Ctx) => c.get('app').odb.db;
const tenant = <T,>(c: Ctx, fn: (trx: Tx, actor: Actor) => Promise<T>) => {
  const a = actorOf(c);
  return withTenant(db(c), a.cooperativeId, (trx) => fn(trx, a));
};
const fileKey = (c: Ctx) => c.get('app').config.fileKey;
const isValidator = (a: Actor) => hasRole(a, 'support', 'accountant', 'director');
const VAT_RATES: [string, string][] = [
  ['2000', '20 %'],
  ['1000', '10 %'],
  ['550', '5,5 %'],
  ['210', '2,1 %'],
  ['0', '0 % (exonéré, autoliquidation)'],
];
const ROWS = 4;
const SPLITS = 3;
const euros = (c: number | null | undefined) => (c == null ? '' : centsToDecimal(c, ','));
const STATUS_TONE: Record<string, string> = {
  draft: 'draft',
  to_approve: 'pending',
  approved: 'approved',
  partly_paid: 'pending',
  paid: 'paid',
  submitted: 'pending',
  validated: 'approved',
};
const SOURCE_LABEL: Record<string, string> = {
  manual: 'Saisie',
  facturx: 'Factur-X',
  cii: 'XML CII',
  ubl: 'XML UBL',
  xml: 'XML',
  pdf: 'PDF',
  'pdf-text': 'PDF',
  image: 'Photo',
  ocr: 'Photo',
};

/** A file input with its label and error (Field has no accept/capture). */
function FileField(p: {
  label: string;
  name: string;
  accept: string;
  error?: string;
  hint?: string;
  capture?: boolean;
  required?: boolean;
}) {
  const id = `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={id}>
        {p.label}
        {p.required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={p.name}
        type="file"
        accept={p.accept}
        capture={p.capture ? 'environment' : undefined}
        required={p.required}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={p.error ? `${id}-error` : p.hint ? `${id}-hint` : undefined}
      />
      {p.error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}
const ErrorText = (p: { error?: string }) =>
  p.error ? (
    <p class="error" role="alert">
      {p.error}
    </p>
  ) : null;
const PostButton = (p: { c: Ctx; action: string; label: string; cls?: string; children?: Child }) => (
  <form method="post" action={p.action} class="inline">
    <Csrf token={p.c.get('csrf')} />
    {p.children}
    <button type="submit" class={p.cls}>
      {p.label}
    </button>
  </form>
);

/** Multipart body: strings and the first uploaded file. */
async function multipart(
  c: Ctx,
  fileField: string,
): Promise<{ f: Record<string, string>; file: { name: string; mimeType: string; content: Buffer } | null }> {
  const body = await c.req.parseBody();
  const f = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const up = body[fileField];
  const file =
    up instanceof File && up.size > 0
      ? {
          name: up.name || 'fichier',
          mimeType: up.type || 'application/octet-stream',
          content: Buffer.from(await up.arrayBuffer()),
        }
      : null;
  return { f, file };
}
/** On the expense form, a problem with the file is shown beside the receipt field. */
const receiptErrors = (e: unknown) => {
  const { file, _: general, ...rest } = badRequest(e);
  const receipt = rest.receipt ?? file ?? (Object.keys(rest).length ? undefined : general);
  return receipt ? { ...rest, receipt } : { ...rest, ...(general ? { _: general } : {}) };
};
const badRequest = (e: unknown): Record<string, string> => {
  const errors = fieldErrors(e);
  if (!errors && !(e instanceof UserError)) throw e;
  return errors ?? { _: (e as UserError).message };
};

// ── suppliers ──────────────────────────────────────────────────────────────────────────────

async function suppliersPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const text = c.req.query('q') || undefined;
  const suppliers = await tenant(c, (trx, a) => listSuppliers(trx, a, { q: text }));
  const v = { countryCode: 'FR', ...values };
  const e = errors ?? {};
  return c.html(
    <Layout c={c} title="Fournisseurs" wide>
      <PageHeader
        title="Fournisseurs"
        help="Les entreprises qui vous facturent. Le SIREN, la TVA et l'IBAN sont vérifiés (clés de contrôle)."
        action={
          <a class="btn" href="/factures-fournisseurs/nouvelle">
            Déposer une facture
          </a>
        }
      />
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the landmark older screen readers know; <search> is too recent */}
      <form class="filters" method="get" action="/fournisseurs" role="search" {...liveSearch('/fournisseurs')}>
        <Field label="Rechercher" name="q" value={text} placeholder="Nom, SIREN ou e-mail" />
        <button type="submit" class="btn-secondary">
          Rechercher
        </button>
      </form>
      <LiveResults>
        {suppliers.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>SIREN</th>
                <th>N° TVA</th>
                <th>IBAN</th>
                <th>Ville</th>
              </tr>
            </thead>
            <tbody>
              {suppliers.map((s) => (
                <tr>
                  <td data-label="Nom">{s.name}</td>
                  <td data-label="SIREN">{s.siren ?? '—'}</td>
                  <td data-label="N° TVA">{s.vatNumber ?? '—'}</td>
                  <td data-label="IBAN">{s.iban ? `${s.iban.slice(0, 4)} … ${s.iban.slice(-4)}` : '—'}</td>
                  <td data-label="Ville">{s.city ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState
            title={text ? 'Aucun fournisseur ne correspond.' : "Aucun fournisseur pour l'instant."}
            text="Ils sont aussi créés automatiquement quand vous déposez une facture."
          />
        )}
      </LiveResults>
      <Card title="Nouveau fournisseur">
        <form method="post" action="/fournisseurs" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <SupplierFields v={v} e={e} prefix="" />
          <button type="submit">Enregistrer le fournisseur</button>
        </form>
      </Card>
    </Layout>,
    errors ? 400 : 200,
  );
}
function SupplierFields(p: { v: Record<string, string>; e: Record<string, string>; prefix: string }) {
  const n = (k: string) => `${p.prefix}${k}`;
  return (
    <div class="form-grid">
      <Field
        label="Nom du fournisseur"
        name={n('name')}
        value={p.v[n('name')]}
        error={p.e[n('name')] ?? p.e.name}
        required
      />
      <Field
        label="SIREN (9 chiffres)"
        name={n('siren')}
        value={p.v[n('siren')]}
        error={p.e[n('siren')] ?? p.e.siren}
        inputmode="numeric"
      />
      <Field
        label="N° de TVA intracommunautaire"
        name={n('vatNumber')}
        value={p.v[n('vatNumber')]}
        error={p.e[n('vatNumber')] ?? p.e.vatNumber}
      />
      <Field label="IBAN" name={n('iban')} value={p.v[n('iban')]} error={p.e[n('iban')] ?? p.e.iban} />
      <Field label="BIC" name={n('bic')} value={p.v[n('bic')]} error={p.e[n('bic')] ?? p.e.bic} />
      <Field label="Adresse" name={n('addressLine1')} value={p.v[n('addressLine1')]} error={p.e[n('addressLine1')]} />
      <Field label="Code postal" name={n('postalCode')} value={p.v[n('postalCode')]} error={p.e[n('postalCode')]} />
      <Field label="Ville" name={n('city')} value={p.v[n('city')]} error={p.e[n('city')]} />
      <Field
        label="Pays (code sur 2 lettres)"
        name={n('countryCode')}
        value={p.v[n('countryCode')] ?? 'FR'}
        error={p.e[n('countryCode')] ?? p.e.countryCode}
      />
    </div>
  );
}
const supplierInput = (f: Record<string, string>, prefix: string): SupplierInput => ({
  name: f[`${prefix}name`] ?? '',
  siren: f[`${prefix}siren`],
  vatNumber: f[`${prefix}vatNumber`],
  iban: f[`${prefix}iban`],
  bic: f[`${prefix}bic`],
  addressLine1: f[`${prefix}addressLine1`],
  postalCode: f[`${prefix}postalCode`],
  city: f[`${prefix}city`],
  countryCode: f[`${prefix}countryCode`] || 'FR',
});
purchasesRoutes.get('/fournisseurs', (c) => suppliersPage(c));
purchasesRoutes.post('/fournisseurs', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) => createSupplier(trx, a, supplierInput(f, '')));
  } catch (e) {
    return suppliersPage(c, f, badRequest(e));
  }
  setFlash(c, { kind: 'success', text: 'Fournisseur enregistré.' });
  return c.redirect('/fournisseurs');
});

// ── supplier invoices ──────────────────────────────────────────────────────────────────────

purchasesRoutes.get('/factures-fournisseurs', async (c) => {
  const actor = actorOf(c);
  const status = (
    Object.keys(SUPPLIER_INVOICE_STATUS).includes(c.req.query('statut') ?? '') ? c.req.query('statut') : undefined
  ) as SupplierInvoiceStatus | undefined;
  const rows = await tenant(c, (trx, a) => listSupplierInvoices(trx, a, { status }));
  return c.html(
    <Layout c={c} title="Factures fournisseurs" wide>
      <PageHeader
        title="Factures fournisseurs"
        help="Déposez la facture (PDF, Factur-X, XML ou photo) : les champs sont remplis pour vous. L'équipe d'accompagnement l'approuve, puis elle est payée."
        action={
          <a class="btn" href="/factures-fournisseurs/nouvelle">
            Déposer une facture
          </a>
        }
      />
      <form class="filters" method="get" action="/factures-fournisseurs">
        <Select
          label="Statut"
          name="statut"
          value={status ?? ''}
          options={[['', 'Tous'], ...Object.entries(SUPPLIER_INVOICE_STATUS)]}
        />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      {rows.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Fournisseur</th>
              <th>Numéro</th>
              <th>Date</th>
              <th>Échéance</th>
              <th class="num">TTC</th>
              <th>Origine</th>
              <th>Statut</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Fournisseur">
                  <a href={`/factures-fournisseurs/${r.id}`}>{r.supplierName}</a>
                </td>
                <td data-label="Numéro">{r.supplierNumber}</td>
                <td data-label="Date">{formatDate(r.issueDate)}</td>
                <td data-label="Échéance">{r.dueDate ? formatDate(r.dueDate) : '—'}</td>
                <td data-label="TTC" class="num">
                  {formatEuros(r.totalInclCents)}
                </td>
                <td data-label="Origine">{SOURCE_LABEL[r.source] ?? r.source}</td>
                <td data-label="Statut">
                  <Badge status={STATUS_TONE[r.status]} label={SUPPLIER_INVOICE_STATUS[r.status]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title="Aucune facture fournisseur."
          action={
            <a class="btn" href="/factures-fournisseurs/nouvelle">
              Déposer une facture
            </a>
          }
        />
      )}
      {isValidator(actor) ? (
        <p>
          <a href="/factures-fournisseurs?statut=to_approve">Voir les factures à approuver</a>
        </p>
      ) : null}
    </Layout>,
  );
});

function uploadCard(c: Ctx, error?: string) {
  return (
    <Card title="1. Déposez la facture">
      <form method="post" action="/factures-fournisseurs/lire" enctype="multipart/form-data" novalidate>
        <Csrf token={c.get('csrf')} />
        <FileField
          label="Facture (PDF, Factur-X, XML CII/UBL ou photo)"
          name="file"
          accept="application/pdf,text/xml,application/xml,.xml,image/*"
          error={error}
          required
          hint="Une facture Factur-X ou XML remplit tous les champs ; un PDF simple ou une photo donne des suggestions à vérifier."
        />
        <button type="submit">Lire la facture</button>
      </form>
      <p>
        <a href="/factures-fournisseurs/nouvelle?manuel=1">Saisir sans fichier</a>
      </p>
    </Card>
  );
}

/** One VAT row from a total read in text: with the VAT found, or split at 20 % when it was not. */
function textRow(total: number, vat: number | null): { rate: number; excl: number; vat: number } {
  if (vat != null && vat >= 0 && vat < total)
    return { rate: total - vat > 0 ? Math.round((vat * 10000) / (total - vat)) : 0, excl: total - vat, vat };
  const excl = Math.round((total * 10000) / 12000);
  return { rate: 2000, excl, vat: total - excl };
}
/** Form values from what was read in the document. */
async function prefill(trx: Tx, actor: Actor, p: ParsedInvoice, activityId: string): Promise<Record<string, string>> {
  const v: Record<string, string> = {
    supplierNumber: p.number ?? '',
    issueDate: p.issueDate ?? '',
    dueDate: p.dueDate ?? '',
    account: '604',
    source: p.format,
    new_name: p.seller.name ?? '',
    new_siren: p.seller.siren ?? '',
    new_vatNumber: p.seller.vatNumber ?? '',
    new_iban: p.seller.iban ?? '',
    new_bic: p.seller.bic ?? '',
    new_addressLine1: p.seller.addressLine1 ?? '',
    new_postalCode: p.seller.postalCode ?? '',
    new_city: p.seller.city ?? '',
    new_countryCode: p.seller.countryCode ?? 'FR',
    expectedTotal: p.structured && p.totalInclCents != null ? String(p.totalInclCents) : '',
  };
  const known = p.seller.siren ? await findSupplierBySiren(trx, actor, p.seller.siren) : null;
  v.supplierId = known?.id ?? '';
  const rows = p.vat.length
    ? p.vat.map((x) => ({ rate: x.rateBp, excl: x.baseCents, vat: x.vatCents }))
    : p.totalInclCents != null
      ? [textRow(p.totalInclCents, p.vatCents)]
      : [];
  rows.slice(0, ROWS).forEach((r, i) => {
    const nearest = VAT_RATES.map(([k]) => Number(k)).reduce(
      (best, k) => (Math.abs(k - r.rate) < Math.abs(best - r.rate) ? k : best),
      2000,
    );
    v[`l${i}_rate`] = String(nearest);
    v[`l${i}_excl`] = euros(r.excl);
    v[`l${i}_vat`] = euros(r.vat);
    v[`l${i}_description`] = p.lines.find((l) => l.vatRateBp === r.rate)?.description ?? '';
  });
  const totalExcl = rows.reduce((s, r) => s + r.excl, 0);
  v.s0_activity = activityId;
  v.s0_amount = totalExcl ? euros(totalExcl) : '';
  return v;
}

async function invoiceFormPage(
  c: Ctx,
  values: Record<string, string>,
  errors: Record<string, string> | null,
  info?: string,
  progress?: Child,
) {
  const [suppliers, acts] = await tenant(
    c,
    async (trx, a) => [await listSuppliers(trx, a), (await activitiesFor(trx, a)).filter((x) => !x.closedAt)] as const,
  );
  const v = values;
  const e = errors ?? {};
  const actOptions: [string, string][] = [
    ['', '—'],
    ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string]),
  ];
  return c.html(
    <Layout c={c} title="Nouvelle facture fournisseur" wide>
      <PageHeader
        title="Nouvelle facture fournisseur"
        help="Vérifiez les champs, répartissez le montant hors taxes entre vos activités, puis envoyez pour approbation."
      />
      {progress ?? null}
      {info ? (
        <div class="flash flash-info" role="status">
          {info}
        </div>
      ) : null}
      {v.fileId ? null : uploadCard(c, e.file)}
      <Card title={v.fileId ? 'Vérifiez et complétez' : '2. Complétez'}>
        <form method="post" action="/factures-fournisseurs" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} message={e._} />
          <input type="hidden" name="fileId" value={v.fileId ?? ''} />
          <input type="hidden" name="source" value={v.source ?? 'manual'} />
          <input type="hidden" name="expectedTotal" value={v.expectedTotal ?? ''} />
          <fieldset>
            <legend>Fournisseur</legend>
            <Select
              label="Fournisseur"
              name="supplierId"
              value={v.supplierId ?? ''}
              error={e.supplierId}
              options={[
                ['', '— nouveau fournisseur (ci-dessous) —'],
                ...suppliers.map((s) => [s.id, s.siren ? `${s.name} (${s.siren})` : s.name] as [string, string]),
              ]}
            />
            <details
              open={
                !v.supplierId ||
                Object.keys(e).some(
                  (k) => k.startsWith('new_') || ['name', 'siren', 'iban', 'bic', 'vatNumber'].includes(k),
                )
              }
            >
              <summary>Nouveau fournisseur</summary>
              <SupplierFields
                v={v}
                e={Object.fromEntries(
                  Object.entries(e).filter(
                    ([k]) =>
                      k.startsWith('new_') || ['name', 'siren', 'vatNumber', 'iban', 'bic', 'countryCode'].includes(k),
                  ),
                )}
                prefix="new_"
              />
            </details>
          </fieldset>
          <div class="form-grid">
            <Field
              label="N° de la facture (donné par le fournisseur)"
              name="supplierNumber"
              value={v.supplierNumber}
              error={e.supplierNumber}
              required
            />
            <Select
              label="Nature de la dépense"
              name="account"
              value={v.account ?? '604'}
              error={e.account}
              options={PURCHASE_ACCOUNTS.map(([a, l]) => [a, `${l} (${a})`] as [string, string])}
            />
            <Field
              label="Date de la facture"
              name="issueDate"
              type="date"
              value={v.issueDate}
              error={e.issueDate}
              required
            />
            <Field label="Échéance" name="dueDate" type="date" value={v.dueDate} error={e.dueDate} />
          </div>
          <Field label="Objet (facultatif)" name="label" value={v.label} error={e.label} />
          <fieldset>
            <legend>Montants par taux de TVA</legend>
            <ErrorText error={e.lines} />
            {Array.from({ length: ROWS }, (_, i) => (
              <div class="form-grid">
                <Field label={`Description ${i + 1}`} name={`l${i}_description`} value={v[`l${i}_description`]} />
                <Select label="Taux de TVA" name={`l${i}_rate`} value={v[`l${i}_rate`] ?? '2000'} options={VAT_RATES} />
                <Field
                  label="Montant HT (€)"
                  name={`l${i}_excl`}
                  value={v[`l${i}_excl`]}
                  error={e[`l${i}_excl`]}
                  inputmode="decimal"
                />
                <Field
                  label="TVA (€, vide = calculée)"
                  name={`l${i}_vat`}
                  value={v[`l${i}_vat`]}
                  error={e[`l${i}_vat`]}
                  inputmode="decimal"
                />
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>Répartition entre activités (montants HT)</legend>
            <ErrorText error={e.splits} />
            {Array.from({ length: SPLITS }, (_, i) => (
              <div class="form-grid">
                <Select
                  label={`Activité ${i + 1}`}
                  name={`s${i}_activity`}
                  value={v[`s${i}_activity`] ?? (i === 0 && acts.length === 1 ? acts[0].id : '')}
                  options={actOptions}
                />
                <Field
                  label="Part HT (€)"
                  name={`s${i}_amount`}
                  value={v[`s${i}_amount`]}
                  error={e[`s${i}_amount`]}
                  inputmode="decimal"
                />
              </div>
            ))}
          </fieldset>
          <button type="submit">Envoyer pour approbation</button>
        </form>
      </Card>
    </Layout>,
    errors ? 400 : 200,
  );
}

purchasesRoutes.get('/factures-fournisseurs/nouvelle', async (c) => {
  const lecture = c.req.query('lecture');
  if (lecture) {
    // A photo or a scan read in the background: progress until read, then the form filled from it.
    const r = await tenant(c, (trx, a) => supplierInvoiceReading(trx, a, lecture));
    if (!r.batch.finished) return invoiceFormPage(c, {}, null, undefined, <SupplierReadingProgress batch={r.batch} />);
    if (!r.parsed) return invoiceFormPage(c, {}, { file: r.batch.items[0]?.message ?? 'Document illisible.' });
    const parsed = r.parsed;
    const values = await tenant(c, async (trx, a) => {
      const acts = await activitiesFor(trx, a);
      return { ...(await prefill(trx, a, parsed, acts.length === 1 ? acts[0].id : '')), fileId: r.fileId };
    });
    return invoiceFormPage(
      c,
      values,
      null,
      "Champs suggérés à partir de la lecture du document (OCR) : vérifiez-les avant d'envoyer.",
    );
  }
  const acts = await tenant(c, (trx, a) => activitiesFor(trx, a));
  return invoiceFormPage(
    c,
    { account: '604', issueDate: todayParis(), s0_activity: acts.length === 1 ? acts[0].id : '' },
    null,
  );
});

purchasesRoutes.post('/factures-fournisseurs/lire', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
  const { file } = await multipart(c, 'file');
  if (!file) return invoiceFormPage(c, {}, { file: 'Choisissez un fichier.' });
  let parsed: ParsedInvoice;
  try {
    // E-invoices and text layers are read at once; a photo or a scan goes to the background job.
    parsed = await readIncomingDocument(file.content, file.mimeType, { ocr: false });
  } catch (e) {
    if (e instanceof NeedsOcrError) {
      try {
        const q = await tenant(c, (trx, a) => queueSupplierInvoiceReading(trx, a, fileKey(c), file));
        await requestJob(RECEIPT_READING_QUEUE, { cooperativeId: actorOf(c).cooperativeId });
        return c.redirect(`/factures-fournisseurs/nouvelle?lecture=${q.batchId}`);
      } catch (e2) {
        return invoiceFormPage(c, {}, badRequest(e2));
      }
    }
    return invoiceFormPage(c, {}, badRequest(e));
  }
  try {
    const values = await tenant(c, async (trx, a) => {
      const stored = await storeFile(trx, fileKey(c), {
        cooperativeId: a.cooperativeId,
        name: file.name,
        purpose: 'supplier-invoice',
        content: file.content,
        createdBy: a.userId,
      });
      const acts = await activitiesFor(trx, a);
      return { ...(await prefill(trx, a, parsed, acts.length === 1 ? acts[0].id : '')), fileId: stored.id };
    });
    const info = parsed.structured
      ? `Facture électronique lue (${SOURCE_LABEL[parsed.format]}) : tous les champs viennent du fichier.`
      : "Champs suggérés à partir du texte du document : vérifiez-les avant d'envoyer.";
    return invoiceFormPage(c, values, null, info);
  } catch (e) {
    return invoiceFormPage(c, {}, badRequest(e));
  }
});

purchasesRoutes.post('/factures-fournisseurs', async (c) => {
  const f = await formValues(c);
  const errors: Record<string, string> = {};
  const lines: { description: string; vatRateBp: number; exclCents: number; vatCents: number | null }[] = [];
  for (let i = 0; i < ROWS; i++) {
    const excl = f[`l${i}_excl`]?.trim();
    const vat = f[`l${i}_vat`]?.trim();
    if (!excl && !vat) continue;
    const ec = parseCents(excl ?? '');
    const vc = vat ? parseCents(vat) : null;
    if (ec === null) errors[`l${i}_excl`] = 'Montant invalide (ex. : 120,00).';
    if (vat && vc === null) errors[`l${i}_vat`] = 'Montant invalide (ex. : 24,00).';
    lines.push({
      description: f[`l${i}_description`] ?? '',
      vatRateBp: Number(f[`l${i}_rate`] ?? 2000),
      exclCents: ec ?? 0,
      vatCents: vc,
    });
  }
  const splits: { activityId: string; exclCents: number }[] = [];
  const emptyRows: number[] = [];
  for (let i = 0; i < SPLITS; i++) {
    const act = f[`s${i}_activity`];
    const amount = f[`s${i}_amount`]?.trim();
    if (!act && !amount) continue;
    const cents = amount ? parseCents(amount) : null;
    if (amount && cents === null) errors[`s${i}_amount`] = 'Montant invalide (ex. : 120,00).';
    if (!amount) emptyRows.push(i);
    splits.push({ activityId: act ?? '', exclCents: cents ?? 0 });
  }
  // One activity and no amount: the whole total goes to it; with several, each needs its share.
  if (splits.length === 1 && emptyRows.length === 1) splits[0].exclCents = lines.reduce((s, l) => s + l.exclCents, 0);
  else for (const i of emptyRows) errors[`s${i}_amount`] = 'Indiquez la part hors taxes de cette activité.';
  if (Object.keys(errors).length) return invoiceFormPage(c, f, errors);
  try {
    const id = await tenant(c, async (trx, a) => {
      const supplierId = f.supplierId || (await createSupplier(trx, a, supplierInput(f, 'new_'))).id;
      const inv = await createSupplierInvoice(trx, a, {
        supplierId,
        supplierNumber: f.supplierNumber ?? '',
        issueDate: f.issueDate ?? '',
        dueDate: f.dueDate || null,
        account: f.account ?? '',
        label: f.label || null,
        lines,
        splits,
        fileId: f.fileId || null,
        source: ['facturx', 'cii', 'ubl'].includes(f.source)
          ? f.source === 'facturx'
            ? 'facturx'
            : 'xml'
          : f.source === 'ocr'
            ? 'image'
            : f.source === 'pdf-text'
              ? 'pdf'
              : 'manual',
        submit: true,
        expectedTotalInclCents: f.expectedTotal ? Number(f.expectedTotal) : null,
      });
      return inv.id;
    });
    setFlash(c, { kind: 'success', text: 'Facture envoyée pour approbation.' });
    return c.redirect(`/factures-fournisseurs/${id}`);
  } catch (e) {
    const errs = badRequest(e);
    // Errors of the new supplier's fields are shown under their prefixed names.
    const mapped = Object.fromEntries(
      Object.entries(errs).map(([k, m]) => [
        ['name', 'siren', 'vatNumber', 'iban', 'bic', 'countryCode', 'addressLine1', 'postalCode', 'city'].includes(k)
          ? `new_${k}`
          : k,
        m,
      ]),
    );
    return invoiceFormPage(c, f, mapped);
  }
});

purchasesRoutes.get('/factures-fournisseurs/:id', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture fournisseur');
  const actor = actorOf(c);
  const inv = await tenant(c, (trx, a) => getSupplierInvoice(trx, a, id));
  if (!inv) throw new NotFoundError('Facture fournisseur');
  return c.html(
    <Layout c={c} title={`Facture ${inv.supplierNumber}`} wide>
      <PageHeader title={`${inv.supplierName} — facture ${inv.supplierNumber}`} />
      <p>
        <Badge status={STATUS_TONE[inv.status]} label={SUPPLIER_INVOICE_STATUS[inv.status]} /> · du{' '}
        {formatDate(inv.issueDate)}
        {inv.dueDate ? `, échéance ${formatDate(inv.dueDate)}` : ''}
        {inv.paidOn ? `, payée le ${formatDate(inv.paidOn)}` : ''}
        {inv.status === 'partly_paid'
          ? ` · payé ${formatEuros(inv.paidCents)}, reste à payer ${formatEuros(inv.totalInclCents - inv.paidCents)}`
          : ''}
        {inv.fileId ? (
          <>
            {' '}
            · <a href={`/factures-fournisseurs/${inv.id}/fichier`}>Voir le fichier</a>
          </>
        ) : null}
      </p>
      <div class="figures">
        <Figure label="Hors taxes" value={formatEuros(inv.totalExclCents)} />
        <Figure label="TVA" value={formatEuros(inv.vatCents)} />
        <Figure label="TTC" value={formatEuros(inv.totalInclCents)} />
      </div>
      <Card title="Montants">
        <table class="data">
          <thead>
            <tr>
              <th>Description</th>
              <th>TVA</th>
              <th class="num">HT</th>
              <th class="num">TVA</th>
            </tr>
          </thead>
          <tbody>
            {inv.lines.map((l) => (
              <tr>
                <td data-label="Description">{l.description}</td>
                <td data-label="Taux">{formatRateBp(l.vatRateBp)}</td>
                <td data-label="HT" class="num">
                  {formatEuros(l.exclCents)}
                </td>
                <td data-label="TVA" class="num">
                  {formatEuros(l.vatCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Répartition">
        <table class="data">
          <thead>
            <tr>
              <th>Activité</th>
              <th class="num">HT</th>
            </tr>
          </thead>
          <tbody>
            {inv.splits.map((s) => (
              <tr>
                <td data-label="Activité">
                  {s.analyticCode} — {s.activityName}
                </td>
                <td data-label="HT" class="num">
                  {formatEuros(s.exclCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted">
          Compte de charge : {PURCHASE_ACCOUNTS.find(([a]) => a === inv.account)?.[1] ?? inv.account} ({inv.account}).
        </p>
      </Card>
      {isValidator(actor) && (inv.status === 'draft' || inv.status === 'to_approve') ? (
        <div class="actions">
          <PostButton c={c} action={`/factures-fournisseurs/${inv.id}/approuver`} label="Approuver (comptabiliser)" />
        </div>
      ) : null}
      {isValidator(actor) && inv.status === 'approved' ? (
        <form method="post" action={`/factures-fournisseurs/${inv.id}/payer`} novalidate>
          <Csrf token={c.get('csrf')} />
          <Field label="Date du paiement" name="date" type="date" value={todayParis()} required />
          <button type="submit">Enregistrer le paiement</button>
        </form>
      ) : null}
    </Layout>,
  );
});
purchasesRoutes.get('/factures-fournisseurs/:id/fichier', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Fichier');
  const f = await tenant(c, async (trx, a) => {
    const inv = await getSupplierInvoice(trx, a, id);
    if (!inv?.fileId) throw new NotFoundError('Fichier');
    return readFile(trx, fileKey(c), a.cooperativeId, inv.fileId);
  });
  return fileResponse(f);
});
purchasesRoutes.post('/factures-fournisseurs/:id/approuver', async (c) => {
  const id = c.req.param('id');
  try {
    await tenant(c, (trx, a) => approveSupplierInvoice(trx, a, id));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect(`/factures-fournisseurs/${id}`);
  }
  setFlash(c, { kind: 'success', text: 'Facture approuvée et comptabilisée.' });
  return c.redirect(`/factures-fournisseurs/${id}`);
});
purchasesRoutes.post('/factures-fournisseurs/:id/payer', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) => markSupplierInvoicePaid(trx, a, id, f.date ?? ''));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect(`/factures-fournisseurs/${id}`);
  }
  setFlash(c, { kind: 'success', text: 'Paiement enregistré.' });
  return c.redirect(`/factures-fournisseurs/${id}`);
});

// ── expense sheets ─────────────────────────────────────────────────────────────────────────

const currentMonth = () => todayParis().slice(0, 7);
const monthLabel = (m: string) =>
  new Date(`${m}-01T12:00:00Z`).toLocaleDateString('fr-FR', {
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Paris',
  });

function SheetTable(p: { c: Ctx; r: ExpenseReport; editable: boolean }) {
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

async function sheetPage(
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
purchasesRoutes.get('/notes-de-frais', (c) => {
  // Back from a file too large for the upload: the message sits beside the field it came from.
  const tooLarge = tooLargeMessage(c);
  const field = c.req.query('champ') === 'justificatifs' ? 'receipts' : 'receipt';
  return sheetPage(c, c.req.query('mois') ?? currentMonth(), {}, tooLarge ? { [field]: tooLarge } : null);
});
purchasesRoutes.post(
  '/notes-de-frais/ajouter',
  uploadBodyLimit(FILE_UPLOAD_LIMIT, { returnTo: '/notes-de-frais' }),
  async (c) => {
    const { f, file } = await multipart(c, 'receipt');
    const month = isIsoDate(f.date ?? '') ? f.date.slice(0, 7) : currentMonth();
    if (f.action === 'read') {
      if (!file) return sheetPage(c, month, f, { receipt: 'Choisissez la photo du ticket.' });
      try {
        let p: ParsedInvoice;
        try {
          // Text layers and e-invoices are read at once; a photo or a scan goes to the background.
          p = await readIncomingDocument(file.content, file.mimeType, { ocr: false });
        } catch (e) {
          if (!(e instanceof NeedsOcrError)) throw e;
          const acts = await tenant(c, async (trx, a) => (await activitiesFor(trx, a)).filter((x) => !x.closedAt));
          const activityId = acts.length === 1 ? acts[0].id : (f.activityId ?? '');
          if (!acts.some((x) => x.id === activityId))
            return sheetPage(c, month, f, { activityId: 'Choisissez une de vos activités.' });
          await queueAndRequest(c, [file], activityId);
          setFlash(c, {
            kind: 'info',
            text: 'Le ticket est en cours de lecture : la dépense sera ajoutée dans un instant, vérifiez-la ensuite.',
          });
          return c.redirect(`/notes-de-frais?mois=${month}`);
        }
        const stored = await tenant(c, (trx, a) =>
          storeFile(trx, fileKey(c), {
            cooperativeId: a.cooperativeId,
            name: file.name,
            purpose: 'receipt',
            content: file.content,
            field: 'receipt',
            createdBy: a.userId,
          }),
        );
        const values = {
          ...f,
          receiptFileId: stored.id,
          amount: euros(p.totalInclCents),
          vat: euros(p.vatCents),
          date: p.issueDate ?? f.date,
          description: f.description || (p.seller.name ?? ''),
        };
        return sheetPage(
          c,
          (values.date ?? '').slice(0, 7) || month,
          values,
          null,
          p.totalInclCents != null
            ? 'Ticket lu : vérifiez le montant et la date.'
            : "Le montant n'a pas pu être lu : saisissez-le.",
        );
      } catch (e) {
        return sheetPage(c, month, f, receiptErrors(e));
      }
    }
    const amount = parseCents(f.amount ?? '');
    const vat = f.vat?.trim() ? parseCents(f.vat) : null;
    const errors: Record<string, string> = {};
    if (amount === null) errors.amount = 'Montant invalide (ex. : 12,50).';
    if (f.vat?.trim() && vat === null) errors.vat = 'Montant de TVA invalide.';
    if (Object.keys(errors).length) return sheetPage(c, month, f, errors);
    try {
      await tenant(c, (trx, a) =>
        addExpenseLine(trx, a, fileKey(c), {
          date: f.date ?? '',
          category: f.category ?? '',
          description: f.description,
          activityId: f.activityId ?? '',
          amountInclCents: amount!,
          vatCents: vat,
          receipt: file,
          receiptFileId: file ? null : f.receiptFileId || null,
        }),
      );
    } catch (e) {
      return sheetPage(c, month, f, receiptErrors(e));
    }
    setFlash(c, { kind: 'success', text: 'Dépense ajoutée.' });
    return c.redirect(`/notes-de-frais?mois=${month}`);
  },
);
purchasesRoutes.post(
  '/notes-de-frais/ajouter-plusieurs',
  uploadBodyLimit(MAX_UPLOAD_LIMIT, { returnTo: '/notes-de-frais?champ=justificatifs' }),
  async (c) => {
    const body = await c.req.parseBody({ all: true });
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const raw = body.receipts;
    const ups = (Array.isArray(raw) ? raw : raw == null ? [] : [raw]).filter(
      (u): u is File => u instanceof File && u.size > 0,
    );
    const month = currentMonth();
    if (!ups.length) return sheetPage(c, month, {}, { receipts: 'Choisissez un ou plusieurs justificatifs.' });
    if (ups.length > MAX_RECEIPTS_AT_ONCE)
      return sheetPage(c, month, {}, { receipts: `Pas plus de ${MAX_RECEIPTS_AT_ONCE} justificatifs à la fois.` });
    const acts = await tenant(c, async (trx, a) => (await activitiesFor(trx, a)).filter((x) => !x.closedAt));
    const activityId = acts.length === 1 ? acts[0].id : str('bulkActivityId');
    if (!acts.some((x) => x.id === activityId))
      return sheetPage(
        c,
        month,
        { bulkActivityId: activityId },
        { bulkActivityId: 'Choisissez une de vos activités.' },
      );
    const files = await Promise.all(
      ups.map(async (u) => ({
        name: u.name || 'justificatif',
        mimeType: u.type || 'application/octet-stream',
        content: Buffer.from(await u.arrayBuffer()),
      })),
    );
    try {
      await queueAndRequest(c, files, activityId);
    } catch (e) {
      return sheetPage(c, month, {}, badRequest(e));
    }
    setFlash(c, {
      kind: 'info',
      text: `${files.length > 1 ? `${files.length} justificatifs sont` : 'Le justificatif est'} en cours de lecture : une dépense est ajoutée pour chacun, vérifiez ensuite les montants, les dates et les catégories.`,
    });
    return c.redirect(`/notes-de-frais?mois=${month}`);
  },
);
/** Stores receipts for reading, then asks for the job once the transaction committed. */
async function queueAndRequest(
  c: Ctx,
  files: { name: string; mimeType: string; content: Buffer }[],
  activityId: string,
) {
  const q = await tenant(c, (trx, a) => queueReceipts(trx, a, fileKey(c), files, { activityId }));
  await requestJob(RECEIPT_READING_QUEUE, { cooperativeId: actorOf(c).cooperativeId, batchId: q.batchId });
}
purchasesRoutes.post('/notes-de-frais/ligne/:id/supprimer', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Dépense');
  try {
    await tenant(c, (trx, a) => deleteExpenseLine(trx, a, id));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/notes-de-frais');
  }
  setFlash(c, { kind: 'success', text: 'Dépense supprimée.' });
  return c.redirect(
    c.req.header('referer')?.includes('/notes-de-frais')
      ? new URL(c.req.header('referer')!).pathname + new URL(c.req.header('referer')!).search
      : '/notes-de-frais',
  );
});
purchasesRoutes.post('/notes-de-frais/:id/envoyer', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Note de frais');
  let month = currentMonth();
  try {
    month = await tenant(c, async (trx, a) => {
      const r = await getExpenseReport(trx, a, id);
      await submitExpenseReport(trx, a, id);
      return r!.month;
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/notes-de-frais');
  }
  setFlash(c, { kind: 'success', text: 'Note de frais envoyée à votre accompagnateur·rice.' });
  return c.redirect(`/notes-de-frais?mois=${month}`);
});
purchasesRoutes.get('/notes-de-frais/justificatif/:id', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Justificatif');
  const f = await tenant(c, async (trx, a) => {
    const fileId = await expenseReceiptFileId(trx, a, id);
    if (!fileId) throw new NotFoundError('Justificatif');
    return readFile(trx, fileKey(c), a.cooperativeId, fileId);
  });
  return fileResponse(f, { inline: true });
});

// Support: submitted sheets with the checks' reasons, batch validation, reimbursements.
purchasesRoutes.get('/notes-de-frais/a-valider', async (c) => {
  const [waiting, toPay] = await tenant(
    c,
    async (trx, a) => [await reportsToValidate(trx, a), await reportsToReimburse(trx, a)] as const,
  );
  const clean = waiting.filter((r) => !r.issues);
  return c.html(
    <Layout c={c} title="Notes de frais à valider" wide>
      <PageHeader
        title="Notes de frais à valider"
        help="Les notes sans anomalie peuvent être validées en une fois. Les autres montrent les raisons des contrôles automatiques."
      />
      {waiting.length ? (
        <form method="post" action="/notes-de-frais/valider" novalidate>
          <Csrf token={c.get('csrf')} />
          <table class="data">
            <thead>
              <tr>
                <th>Choisir</th>
                <th>Personne</th>
                <th>Mois</th>
                <th class="num">Total</th>
                <th>Contrôles</th>
              </tr>
            </thead>
            <tbody>
              {waiting.map((r) => (
                <tr>
                  <td data-label="Choisir">
                    <input type="checkbox" name="ids" value={r.id} id={`r-${r.id}`} checked={!r.issues} />
                    <label for={`r-${r.id}`} class="sr-only">
                      Choisir la note de {r.personName}
                    </label>
                  </td>
                  <td data-label="Personne">
                    <a href={`/notes-de-frais/${r.id}`}>{r.personName}</a>
                  </td>
                  <td data-label="Mois">{monthLabel(r.month)}</td>
                  <td data-label="Total" class="num">
                    {formatEuros(r.totalCents)}
                  </td>
                  <td data-label="Contrôles">
                    {r.issues ? (
                      <ul>
                        {r.lines.flatMap((l) =>
                          l.issues.map((i) => (
                            <li>
                              {formatDate(l.date)} · {formatEuros(l.amountInclCents)} : {i}
                            </li>
                          )),
                        )}
                      </ul>
                    ) : (
                      <span class="badge badge-ok">Sans anomalie</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            <button type="submit" name="mode" value="clean">
              Valider les {clean.length} note(s) sans anomalie
            </button>
            <button type="submit" name="mode" value="selected" class="btn-secondary">
              Valider la sélection
            </button>
          </div>
        </form>
      ) : (
        <EmptyState title="Aucune note de frais en attente." />
      )}
      <Card title="À rembourser">
        {toPay.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Personne</th>
                <th>Mois</th>
                <th class="num">Montant</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {toPay.map((r) => (
                <tr>
                  <td data-label="Personne">{r.personName}</td>
                  <td data-label="Mois">{monthLabel(r.month)}</td>
                  <td data-label="Montant" class="num">
                    {formatEuros(r.totalCents)}
                  </td>
                  <td data-label="Action">
                    <PostButton
                      c={c}
                      action={`/notes-de-frais/${r.id}/rembourser`}
                      label="Marquer remboursée"
                      cls="btn-secondary btn-small"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">Rien à rembourser.</p>
        )}
      </Card>
    </Layout>,
  );
});
purchasesRoutes.post('/notes-de-frais/valider', async (c) => {
  const f = await formValues(c);
  const ids = (await formAll(c, 'ids')).filter(isUuid);
  try {
    const done = await tenant(c, async (trx, a) => {
      if (f.mode === 'clean')
        return validateExpenseReports(
          trx,
          a,
          (await reportsToValidate(trx, a)).map((r) => r.id),
          { onlyClean: true },
        );
      return validateExpenseReports(trx, a, ids);
    });
    setFlash(c, { kind: 'success', text: `${done.length} note(s) de frais validée(s) et comptabilisée(s).` });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/notes-de-frais/a-valider');
});
purchasesRoutes.get('/notes-de-frais/:id', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Note de frais');
  const actor = actorOf(c);
  const r = await tenant(c, (trx, a) => getExpenseReport(trx, a, id));
  if (!r) throw new NotFoundError('Note de frais');
  return c.html(
    <Layout c={c} title="Note de frais" wide>
      <PageHeader title={`Note de frais de ${r.personName} — ${monthLabel(r.month)}`} />
      <Card>
        <SheetTable c={c} r={r} editable={false} />
      </Card>
      {isValidator(actor) && r.status === 'submitted' ? (
        <div class="actions">
          <PostButton c={c} action="/notes-de-frais/valider" label="Valider">
            <input type="hidden" name="ids" value={r.id} />
            <input type="hidden" name="mode" value="selected" />
          </PostButton>
          <form method="post" action={`/notes-de-frais/${r.id}/renvoyer`} novalidate>
            <Csrf token={c.get('csrf')} />
            <Field label="Raison du renvoi" name="reason" required />
            <button type="submit" class="btn-secondary">
              Renvoyer pour correction
            </button>
          </form>
        </div>
      ) : null}
    </Layout>,
  );
});
purchasesRoutes.post('/notes-de-frais/:id/renvoyer', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) => returnExpenseReport(trx, a, id, f.reason ?? ''));
    setFlash(c, { kind: 'success', text: 'Note renvoyée pour correction.' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect(`/notes-de-frais/${id}`);
  }
  return c.redirect('/notes-de-frais/a-valider');
});
purchasesRoutes.post('/notes-de-frais/:id/rembourser', async (c) => {
  const id = c.req.param('id');
  try {
    await tenant(c, (trx, a) => markExpenseReportReimbursed(trx, a, id));
    setFlash(c, { kind: 'success', text: 'Remboursement enregistré.' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/notes-de-frais/a-valider');
});

// ── mileage ────────────────────────────────────────────────────────────────────────────────

async function mileagePage(
  c: Ctx,
  forms: {
    vehicle?: { v: Record<string, string>; e: Record<string, string> };
    trip?: { v: Record<string, string>; e: Record<string, string> };
  } = {},
) {
  const year = Number(todayParis().slice(0, 4));
  const [vehicles, acts] = await tenant(c, async (trx, a) => {
    const vs = await listVehicles(trx, a);
    return [
      await Promise.all(vs.map(async (v) => ({ ...v, km: await yearKm(trx, a, v.id, year) }))),
      (await activitiesFor(trx, a)).filter((x) => !x.closedAt),
    ] as const;
  });
  const scale = scaleYears().includes(year) ? scaleFor(year) : null;
  const tv: Record<string, string> = {
    date: todayParis(),
    vehicleId: vehicles.length === 1 ? vehicles[0].id : '',
    activityId: acts.length === 1 ? acts[0].id : '',
    ...(forms.trip?.v ?? {}),
  };
  const te = forms.trip?.e ?? {};
  const vv = forms.vehicle?.v ?? {};
  const ve = forms.vehicle?.e ?? {};
  const status = forms.trip || forms.vehicle ? 400 : 200;
  return c.html(
    <Layout c={c} title="Indemnités kilométriques" wide>
      <PageHeader
        title="Indemnités kilométriques"
        help="Vos trajets professionnels avec votre voiture, remboursés au barème officiel. Le barème dépend du total de kilomètres de l'année : chaque trajet est calculé sur ce total."
      />
      {vehicles.length ? (
        <Card title="Ajouter un trajet">
          <form method="post" action="/indemnites-kilometriques/trajet" novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={forms.trip ? te : null} message={te._} />
            <div class="form-grid">
              <Field label="Date" name="date" type="date" value={tv.date} error={te.date} required />
              <Select
                label="Véhicule"
                name="vehicleId"
                value={tv.vehicleId}
                error={te.vehicleId}
                options={[
                  ['', '—'],
                  ...vehicles.map((v) => [v.id, `${v.label} (${v.fiscalHp} CV)`] as [string, string]),
                ]}
              />
              <Field
                label="Trajet et motif"
                name="description"
                value={tv.description}
                error={te.description}
                placeholder="Lyon → Grenoble, rendez-vous client"
                required
              />
              <Field
                label="Distance (km, aller et retour)"
                name="distanceKm"
                value={tv.distanceKm}
                error={te.distanceKm}
                inputmode="numeric"
                required
              />
              <Select
                label="Activité"
                name="activityId"
                value={tv.activityId}
                error={te.activityId}
                options={[['', '—'], ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string])]}
              />
            </div>
            <button type="submit">Ajouter le trajet</button>
          </form>
          <p>
            Les trajets s'ajoutent à votre <a href="/notes-de-frais">note de frais du mois</a>.
          </p>
        </Card>
      ) : null}
      <Card title="Mes véhicules">
        {vehicles.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Véhicule</th>
                <th>Puissance</th>
                <th class="num">km en {year}</th>
              </tr>
            </thead>
            <tbody>
              {vehicles.map((v) => (
                <tr>
                  <td data-label="Véhicule">{v.label}</td>
                  <td data-label="Puissance">{v.fiscalHp} CV</td>
                  <td data-label="km" class="num">
                    {v.km}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>Ajoutez d'abord votre véhicule.</p>
        )}
        <form method="post" action="/indemnites-kilometriques/vehicule" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={forms.vehicle ? ve : null} />
          <div class="form-grid">
            <Field label="Véhicule" name="label" value={vv.label} error={ve.label} placeholder="Clio grise" required />
            <Field
              label="Puissance fiscale (CV, case P.6 de la carte grise)"
              name="fiscalHp"
              value={vv.fiscalHp}
              error={ve.fiscalHp}
              inputmode="numeric"
              required
            />
          </div>
          <button type="submit" class="btn-secondary">
            Ajouter le véhicule
          </button>
        </form>
      </Card>
      {scale ? (
        <Card title={`Barème ${scale.year} (voitures)`}>
          <table class="data">
            <thead>
              <tr>
                <th>Puissance</th>
                <th>Jusqu'à {scale.bands[0]} km</th>
                <th>
                  De {scale.bands[0] + 1} à {scale.bands[1]} km
                </th>
                <th>Au-delà de {scale.bands[1]} km</th>
              </tr>
            </thead>
            <tbody>
              {scale.cars.map((r) => (
                <tr>
                  <td data-label="Puissance">{r.label}</td>
                  {r.rates.map((x, i) => (
                    <td data-label={['≤ 5 000 km', '5 001 – 20 000 km', '> 20 000 km'][i]}>
                      d × {String(x.a / 1000).replace('.', ',')}
                      {x.b ? ` + ${x.b} €` : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">{scale.source}</p>
        </Card>
      ) : null}
    </Layout>,
    status,
  );
}
purchasesRoutes.get('/indemnites-kilometriques', (c) => mileagePage(c));
purchasesRoutes.post('/indemnites-kilometriques/vehicule', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) =>
      addVehicle(trx, a, { label: f.label ?? '', fiscalHp: /^\d+$/.test(f.fiscalHp ?? '') ? Number(f.fiscalHp) : NaN }),
    );
  } catch (e) {
    return mileagePage(c, { vehicle: { v: f, e: badRequest(e) } });
  }
  setFlash(c, { kind: 'success', text: 'Véhicule ajouté.' });
  return c.redirect('/indemnites-kilometriques');
});
purchasesRoutes.post('/indemnites-kilometriques/trajet', async (c) => {
  const f = await formValues(c);
  let amount = 0;
  try {
    const t = await tenant(c, (trx, a) =>
      addMileageTrip(trx, a, {
        date: f.date ?? '',
        vehicleId: f.vehicleId ?? '',
        activityId: f.activityId ?? '',
        description: f.description ?? '',
        distanceKm: /^\d+$/.test(f.distanceKm ?? '') ? Number(f.distanceKm) : NaN,
      }),
    );
    amount = t.amountCents;
  } catch (e) {
    return mileagePage(c, { trip: { v: f, e: badRequest(e) } });
  }
  setFlash(c, { kind: 'success', text: `Trajet ajouté : ${formatEuros(amount)}.` });
  return c.redirect('/indemnites-kilometriques');
});

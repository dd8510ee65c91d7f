// The document editor shared by invoices and quotes (issue 20): lines that grow (add, remove,
// move, duplicate, section titles), a catalogue search inside each line, a customer created
// without leaving the page, live totals with the VAT breakdown and section subtotals, and the
// autosave status. Everything works without JavaScript: the line buttons are submit buttons
// (name="op") that the routes apply to the posted values before rendering the form again;
// /static/document-editor.js does the same in the page without a reload.
import type { Child } from 'hono/jsx';
import type { Ctx } from '../../web/context.ts';
import { Field, Select, Csrf, FormErrorSummary, Figure } from '../../web/components.tsx';
import { UserError, fieldErrors } from '../../core/errors.ts';
import { formatEuros, parseCents, parseQuantityMilli, centsToDecimal, formatRateBp } from '../../core/money.ts';
import { computeTotals, type ComputedTotals } from './invoice-totals.ts';
import type { CatalogueItem } from './catalogue.service.ts';
import type { CustomerInput } from './customer.service.ts';
import type { InvoiceLineInput } from './invoice.service.ts';
import type { VatCategory } from './types.ts';

export const VAT_OPTIONS: [string, string][] = [
  ['S:2000', 'TVA 20 %'],
  ['S:1000', 'TVA 10 %'],
  ['S:550', 'TVA 5,5 %'],
  ['S:210', 'TVA 2,1 %'],
  ['E:0', 'Exonéré (motif à indiquer)'],
  ['AE:0', 'Autoliquidation (sous-traitance BTP)'],
  ['K:0', 'Prestation intracommunautaire'],
  ['G:0', 'Exportation'],
];
export const EDITOR_SCRIPTS = ['/static/document-editor.js'];
/** Beyond this a form is not a person typing: the rest is ignored (and the service refuses nothing useful). */
const MAX_ROWS = 300;
const ROW_FIELDS = ['kind', 'item', 'description', 'quantity', 'unitPrice', 'discount', 'vat', 'nature', 'unit'];

export interface EditorData {
  activities: [string, string][];
  customers: [string, string][];
  catalogue: CatalogueItem[];
}

// --- the rows of the form --------------------------------------------------------------------
type Row = Record<string, string>;
/** The rows posted, in index order (the browser script renumbers them in page order). */
export function formRows(f: Record<string, string>): Row[] {
  const idx = new Set<number>();
  for (const k of Object.keys(f)) {
    const m = /^l(\d+)_(\w+)$/.exec(k);
    if (m && Number(m[1]) < MAX_ROWS) idx.add(Number(m[1]));
  }
  return [...idx]
    .sort((a, b) => a - b)
    .map((i) => Object.fromEntries(ROW_FIELDS.map((k) => [k, f[`l${i}_${k}`] ?? ''])));
}
function withRows(f: Record<string, string>, rows: Row[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (!/^l\d+_/.test(k)) out[k] = v;
  rows.forEach((r, i) => {
    for (const k of ROW_FIELDS) if (r[k]) out[`l${i}_${k}`] = r[k];
  });
  return out;
}
const isBlank = (r: Row) =>
  r.kind === 'section' ? !r.description?.trim() : !r.description?.trim() && !r.quantity?.trim() && !r.unitPrice?.trim();
const blankItem = (): Row => ({ kind: 'item' });

/** Applies a line button (op = add | section | remove:N | up:N | down:N | dup:N) to the posted values. */
export function applyLineOp(f: Record<string, string>, op: string): Record<string, string> {
  const rows = formRows(f);
  const [what, n] = op.split(':');
  const i = Number(n);
  const at = Number.isInteger(i) && i >= 0 && i < rows.length;
  // The empty line waiting at the end is used first: a new section takes it as its first line.
  const last = rows[rows.length - 1];
  const blankEnd = !!last && last.kind !== 'section' && isBlank(last);
  if (what === 'add') {
    if (!blankEnd) rows.push(blankItem());
  } else if (what === 'section') {
    if (blankEnd) rows.splice(rows.length - 1, 0, { kind: 'section' });
    else rows.push({ kind: 'section' }, blankItem());
  } else if (what === 'remove' && at) rows.splice(i, 1);
  else if (what === 'dup' && at) rows.splice(i + 1, 0, { ...rows[i] });
  else if (what === 'up' && at && i > 0) [rows[i - 1], rows[i]] = [rows[i], rows[i - 1]];
  else if (what === 'down' && at && i < rows.length - 1) [rows[i + 1], rows[i]] = [rows[i], rows[i + 1]];
  return withRows(f, rows);
}

/** Lines naming a catalogue item (its id, or its exact name typed) with no price yet take the item's values. */
export function fillFromCatalogue(f: Record<string, string>, catalogue: CatalogueItem[]): Record<string, string> {
  const rows = formRows(f).map((r) => {
    if (r.kind === 'section' || r.unitPrice?.trim()) return r;
    const name = r.description?.trim().toLowerCase();
    const item =
      catalogue.find((x) => x.id === r.item) ?? (name ? catalogue.find((x) => x.name.toLowerCase() === name) : null);
    if (!item) return r;
    return {
      ...r,
      item: item.id,
      description: r.description?.trim() || item.name,
      quantity: r.quantity?.trim() || '1',
      unitPrice: centsToDecimal(item.unitPriceCents).replace('.', ','),
      vat: `${item.vatCategory}:${item.vatRateBp}`,
      nature: item.nature,
      unit: item.unitCode,
    };
  });
  return withRows(f, rows);
}

export interface ReadLine extends InvoiceLineInput {
  kind: 'item' | 'section';
}
/**
 * The filled rows as lines: items carry the title of the section above them; section rows stay
 * in the list (quotes store them, invoices drop them). `rows` maps line positions to form rows,
 * for the errors. Unreadable numbers are field errors (lines.ROW.field).
 */
export function readLines(f: Record<string, string>): { lines: ReadLine[]; rows: number[] } {
  const errors: Record<string, string> = {};
  const lines: ReadLine[] = [];
  const rows: number[] = [];
  let section: string | null = null;
  formRows(f).forEach((r, i) => {
    if (isBlank(r)) return;
    if (r.kind === 'section') {
      section = r.description.trim();
      lines.push({
        kind: 'section',
        description: section,
        quantityMilli: 0,
        unitPriceCents: 0,
        vatCategory: 'S',
        vatRateBp: 0,
      });
      rows.push(i);
      return;
    }
    const qm = parseQuantityMilli(r.quantity?.trim() || '1');
    const pc = parseCents(r.unitPrice?.trim() ?? '');
    const disc = r.discount?.trim() ? parseCents(r.discount) : 0;
    if (qm === null) errors[`lines.${i}.quantity`] = 'Quantité invalide (ex. : 1,5).';
    if (pc === null) errors[`lines.${i}.unitPrice`] = 'Prix invalide (ex. : 120,00).';
    if (disc === null) errors[`lines.${i}.discount`] = 'Remise invalide (ex. : 10).';
    const [cat, rate] = (r.vat || 'S:2000').split(':');
    lines.push({
      kind: 'item',
      description: r.description?.trim() ?? '',
      quantityMilli: qm ?? 0,
      unitPriceCents: pc ?? 0,
      discountBp: disc ?? 0,
      vatCategory: cat as VatCategory,
      vatRateBp: Number(rate),
      nature: r.nature === 'goods' ? 'goods' : 'services',
      unitCode: r.unit || undefined,
      section,
    });
    rows.push(i);
  });
  if (Object.keys(errors).length) throw new UserError('Certains champs sont à corriger.', undefined, errors);
  return { lines, rows };
}

/** The lines and the overall discount of an editor form, read together so that every unreadable
 *  field of both is reported at once (the invoice and the quote editor share this). */
export function readLinesAndDiscount(f: Record<string, string>): {
  read: ReturnType<typeof readLines>;
  discountCents: number;
} {
  const errors: Record<string, string> = {};
  let read: ReturnType<typeof readLines> = { lines: [], rows: [] };
  try {
    read = readLines(f);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    Object.assign(errors, fieldErrors(e));
  }
  const discount = f.discount?.trim() ? parseCents(f.discount) : 0;
  if (discount === null) errors.discount = 'Montant invalide.';
  if (Object.keys(errors).length) throw new UserError('Certains champs sont à corriger.', undefined, errors);
  return { read, discountCents: discount ?? 0 };
}
/** Service errors index the lines they were given: map them back to the form rows. */
export function remapLineErrors(errors: Record<string, string>, positions: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, m] of Object.entries(errors)) {
    const mm = /^lines\.(\d+)\.(\w+)$/.exec(k);
    out[mm ? `lines.${positions[Number(mm[1])] ?? mm[1]}.${mm[2]}` : k] = m;
  }
  return out;
}

/** Values of the form for stored lines (sections from quote lines, or from the invoice lines' titles). */
export function rowsFromLines(
  lines: {
    kind?: 'item' | 'section';
    section?: string | null;
    description: string;
    quantityMilli: number;
    unitPriceCents: number;
    discountBp: number;
    vatCategory: string;
    vatRateBp: number;
    nature: string;
    unitCode: string;
  }[],
): Record<string, string> {
  const rows: Row[] = [];
  let current: string | null = null;
  for (const l of lines) {
    if (l.kind === 'section') {
      rows.push({ kind: 'section', description: l.description });
      current = l.description;
      continue;
    }
    if (l.section && l.section !== current) rows.push({ kind: 'section', description: l.section });
    current = l.section ?? current;
    rows.push({
      kind: 'item',
      description: l.description,
      quantity: String(l.quantityMilli / 1000).replace('.', ','),
      unitPrice: centsToDecimal(l.unitPriceCents).replace('.', ','),
      discount: l.discountBp ? String(l.discountBp / 100).replace('.', ',') : '',
      vat: `${l.vatCategory}:${l.vatRateBp}`,
      nature: l.nature,
      unit: l.unitCode,
    });
  }
  return withRows({}, rows);
}

/** Lines with the section title to show before them and the subtotal to show after them (invoice page). */
export function withSections<T extends { section?: string | null; netCents: number }>(
  lines: T[],
): { l: T; title: string | null; subtotal: number | null }[] {
  return lines.map((l, i) => {
    const prev = lines[i - 1]?.section ?? null;
    const next = lines[i + 1]?.section ?? null;
    const s = l.section ?? null;
    let subtotal: number | null = null;
    if (s && next !== s) {
      subtotal = 0;
      for (let k = i; k >= 0 && lines[k].section === s; k--) subtotal += lines[k].netCents;
    }
    return { l, title: s && prev !== s ? s : null, subtotal };
  });
}

// --- the inline new customer ------------------------------------------------------------------
const NC_FIELDS = ['nc_name', 'nc_siren', 'nc_address', 'nc_email'];
export const hasNewCustomer = (f: Record<string, string>) => !!f.nc_name?.trim();
/** The customer typed in the editor's "Nouveau client" section; the address is one line "street, postcode city". */
export function newCustomerInput(f: Record<string, string>): CustomerInput {
  const ident = (f.nc_siren ?? '').replace(/\s/g, '');
  const m = /^(.*?)[,\s]+(\d{5})\s+(.+)$/.exec((f.nc_address ?? '').trim());
  if (!m?.[1].trim())
    throw new UserError(
      "Indiquez l'adresse du client : rue, code postal et ville (ex. : 7 rue Victor Hugo, 69002 Lyon).",
      'nc_address',
    );
  return {
    kind: f.nc_kind === 'individual' ? 'individual' : 'company',
    name: f.nc_name?.trim() ?? '',
    siren: ident.length === 14 ? ident.slice(0, 9) : ident || undefined,
    siret: ident.length === 14 ? ident : undefined,
    email: f.nc_email?.trim() || undefined,
    addressLine1: m[1].trim(),
    postalCode: m[2],
    city: m[3].trim(),
    countryCode: 'FR',
  };
}
/** Customer service field errors shown beside the editor's customer fields. */
export function newCustomerErrors(errors: Record<string, string>): Record<string, string> {
  const map: Record<string, string> = {
    name: 'nc_name',
    siren: 'nc_siren',
    siret: 'nc_siren',
    email: 'nc_email',
    addressLine1: 'nc_address',
    postalCode: 'nc_address',
    city: 'nc_address',
    kind: 'nc_kind',
  };
  const out: Record<string, string> = {};
  for (const [k, m] of Object.entries(errors)) out[map[k] ?? k] = m;
  return out;
}

// --- live totals ------------------------------------------------------------------------------
/** Totals under the lines (htmx fragment, also rendered with the page): VAT per rate, section subtotals. */
export function TotalsFragment(p: { f: Record<string, string> }) {
  let t: ComputedTotals | null = null;
  let problem: string | null = null;
  let items: ReadLine[] = [];
  try {
    items = readLines(p.f).lines.filter((l) => l.kind === 'item');
    const discount = p.f.discount?.trim() ? parseCents(p.f.discount) : 0;
    if (discount === null) throw new UserError('Remise globale : montant invalide.');
    t = items.length
      ? computeTotals({ lines: items, globalDiscountCents: discount, allowNegativeLines: p.f.deductions === '1' })
      : null;
  } catch (e) {
    if (e instanceof UserError) problem = e.message;
    else throw e;
  }
  const sections: { title: string; cents: number }[] = [];
  if (t)
    items.forEach((l, i) => {
      if (!l.section) return;
      const last = sections[sections.length - 1];
      if (last?.title === l.section) last.cents += t!.lineNets[i];
      else sections.push({ title: l.section, cents: t!.lineNets[i] });
    });
  return (
    <div id="invoice-totals" aria-live="polite">
      {sections.length ? (
        <ul class="doc-subtotals">
          {sections.map((s) => (
            <li>
              Sous-total « {s.title} » : {formatEuros(s.cents)} HT
            </li>
          ))}
        </ul>
      ) : null}
      <div class="figures">
        {t?.allowancesCents ? <Figure label="Remise globale" value={`− ${formatEuros(t.allowancesCents)}`} /> : null}
        <Figure label="Total HT" value={t ? formatEuros(t.taxBasisCents) : '—'} />
        <Figure label="TVA" value={t ? formatEuros(t.vatCents) : '—'} />
        <Figure label="Total TTC" value={t ? formatEuros(t.totalInclCents) : '—'} hint={problem ?? undefined} />
      </div>
      {t && t.groups.length > 1 ? (
        <ul class="doc-subtotals">
          {t.groups.map((g) => (
            <li>
              {g.vatCategory === 'S' ? `TVA ${formatRateBp(g.vatRateBp)}` : `TVA ${g.vatCategory}`} : base{' '}
              {formatEuros(g.baseCents)}, TVA {formatEuros(g.vatCents)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The autosave status (htmx target). */
export function AutosaveStatus(p: { text?: string; error?: boolean }) {
  return (
    <p id="autosave-status" class={p.error ? 'error' : 'hint'} role="status">
      {p.text ?? ''}
    </p>
  );
}
export const savedAt = (d = new Date()) =>
  `Brouillon enregistré à ${new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(d)}.`;

// --- the form ---------------------------------------------------------------------------------
function LineInput(p: {
  i: number;
  name: string;
  label: string;
  value?: string;
  error?: string;
  inputmode?: 'decimal';
  list?: string;
  cls?: string;
}) {
  const id = `f-l${p.i}_${p.name}`;
  return (
    <div class={`field ${p.cls ?? ''}${p.error ? ' has-error' : ''}`}>
      <label for={id}>{p.label}</label>
      <input
        id={id}
        name={`l${p.i}_${p.name}`}
        type="text"
        value={p.value ?? ''}
        inputmode={p.inputmode}
        list={p.list}
        autocomplete="off"
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={p.error ? `${id}-error` : undefined}
        data-catalogue={p.list ? '1' : undefined}
      />
      {p.error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}
function LineTools(p: { i: number; what: string }) {
  const n = p.i + 1;
  const b = (op: string, text: string, label: string) => (
    <button type="submit" name="op" value={`${op}:${p.i}`} class="btn-secondary btn-small" aria-label={`${label} ${n}`}>
      {text}
    </button>
  );
  return (
    <div class="doc-line-tools">
      {b('up', '↑', `Monter ${p.what}`)}
      {b('down', '↓', `Descendre ${p.what}`)}
      {b('dup', 'Dupliquer', `Dupliquer ${p.what}`)}
      {b('remove', 'Supprimer', `Supprimer ${p.what}`)}
    </div>
  );
}
function LineRow(p: { i: number; r: Row; e: Record<string, string>; hasCatalogue: boolean }) {
  const { i, r, e } = p;
  if (r.kind === 'section')
    return (
      <li class="doc-line doc-section" data-line="">
        <input type="hidden" name={`l${i}_kind`} value="section" />
        <LineInput
          i={i}
          name="description"
          label={`Titre de section (ligne ${i + 1})`}
          value={r.description}
          error={e[`l${i}_description`]}
          cls="doc-desc"
        />
        <LineTools i={i} what="la ligne" />
      </li>
    );
  return (
    <li class="doc-line" data-line="">
      <input type="hidden" name={`l${i}_kind`} value="item" />
      <input type="hidden" name={`l${i}_item`} value={r.item ?? ''} />
      <input type="hidden" name={`l${i}_unit`} value={r.unit ?? ''} />
      <LineInput
        i={i}
        name="description"
        label={`Désignation ${i + 1}`}
        value={r.description}
        error={e[`l${i}_description`]}
        list={p.hasCatalogue ? 'catalogue-names' : undefined}
        cls="doc-desc"
      />
      <LineInput
        i={i}
        name="quantity"
        label="Quantité"
        value={r.quantity}
        error={e[`l${i}_quantity`]}
        inputmode="decimal"
      />
      <LineInput
        i={i}
        name="unitPrice"
        label="Prix unitaire HT (€)"
        value={r.unitPrice}
        error={e[`l${i}_unitPrice`]}
        inputmode="decimal"
      />
      <LineInput
        i={i}
        name="discount"
        label="Remise (%)"
        value={r.discount}
        error={e[`l${i}_discount`]}
        inputmode="decimal"
      />
      <Select label="TVA" name={`l${i}_vat`} value={r.vat || 'S:2000'} error={e[`l${i}_vat`]} options={VAT_OPTIONS} />
      <Select
        label="Nature"
        name={`l${i}_nature`}
        value={r.nature || 'services'}
        options={[
          ['services', 'Prestation'],
          ['goods', 'Marchandise'],
        ]}
      />
      <LineTools i={i} what="la ligne" />
    </li>
  );
}

export function lineErrorKey(k: string) {
  const m = /^lines\.(\d+)\.(\w+)$/.exec(k);
  return m ? `l${m[1]}_${m[2]}` : k;
}

/**
 * The editor form. `head` and `foot` hold the fields proper to invoices or quotes, `buttons` the
 * submit buttons; `autosaveUrl` (an existing draft) saves as the person types.
 */
export function DocumentEditor(p: {
  c: Ctx;
  data: EditorData;
  values: Record<string, string>;
  errors?: Record<string, string> | null;
  message?: string | null;
  action: string;
  autosaveUrl?: string;
  head?: Child;
  foot?: Child;
  buttons: Child;
}) {
  const v = p.values;
  const e: Record<string, string> = {};
  for (const [k, m] of Object.entries(p.errors ?? {})) e[lineErrorKey(k)] = m;
  const rows = formRows(v);
  // Always one empty line at the end, ready to type in (as in the best invoicing apps).
  if (!rows.length || !isBlank(rows[rows.length - 1])) rows.push(blankItem());
  const hasCatalogue = p.data.catalogue.length > 0;
  const ncOpen = NC_FIELDS.some((k) => v[k]?.trim()) || Object.keys(e).some((k) => k.startsWith('nc_'));
  return (
    <form
      method="post"
      action={p.action}
      novalidate
      class="doc-editor"
      hx-post={p.autosaveUrl}
      hx-trigger={p.autosaveUrl ? 'change delay:800ms' : undefined}
      hx-target={p.autosaveUrl ? '#autosave-status' : undefined}
      hx-swap={p.autosaveUrl ? 'outerHTML' : undefined}
    >
      <Csrf token={p.c.get('csrf')} />
      <FormErrorSummary errors={p.errors} message={p.message} />
      <div class="form-grid">
        <Select
          label="Activité"
          name="activityId"
          value={v.activityId}
          error={e.activityId}
          options={[['', '— choisir —'], ...p.data.activities]}
          required
        />
        <Select
          label="Client"
          name="customerId"
          value={v.customerId}
          error={e.customerId}
          options={[['', '— choisir —'], ...p.data.customers]}
          required
        />
        <Field
          label="Ou nouveau client : nom ou raison sociale"
          name="nc_name"
          value={v.nc_name}
          error={e.nc_name}
          autocomplete="organization"
          hint="Absent de la liste ? Tapez son nom : il sera créé avec le brouillon."
        />
      </div>
      <details class="doc-new-customer" open={ncOpen}>
        <summary>Coordonnées du nouveau client</summary>
        <div class="form-grid">
          <Field
            label="SIREN ou SIRET"
            name="nc_siren"
            value={v.nc_siren}
            error={e.nc_siren}
            inputmode="numeric"
            hint="Obligatoire pour une entreprise française."
          />
          <Field
            label="Adresse"
            name="nc_address"
            value={v.nc_address}
            error={e.nc_address}
            hint="Rue, code postal et ville (ex. : 7 rue Victor Hugo, 69002 Lyon)."
          />
          <Field
            label="E-mail de facturation"
            name="nc_email"
            type="email"
            value={v.nc_email}
            error={e.nc_email}
            autocomplete="email"
          />
          <Select
            label="Type de client"
            name="nc_kind"
            value={v.nc_kind ?? 'company'}
            error={e.nc_kind}
            options={[
              ['company', 'Entreprise ou association'],
              ['individual', 'Particulier'],
            ]}
          />
        </div>
      </details>
      {p.head}
      <div
        class="doc-lines-box"
        hx-post="/factures/totaux"
        hx-trigger="input changed delay:300ms, change"
        hx-target="#invoice-totals"
        hx-swap="outerHTML"
      >
        <fieldset>
          <legend>Lignes</legend>
          {/* A balance deducts its deposits with negative lines, rebuilt by the service on save. */}
          {v.deductions === '1' ? <input type="hidden" name="deductions" value="1" /> : null}
          {hasCatalogue ? (
            <p class="hint">
              Tapez quelques lettres dans la désignation et choisissez un article du catalogue : la ligne reprend son
              prix, sa TVA et son unité.
            </p>
          ) : null}
          {e.lines ? (
            <p class="error" role="alert">
              {e.lines}
            </p>
          ) : null}
          <ol class="doc-lines">
            {rows.map((r, i) => (
              <LineRow i={i} r={r} e={e} hasCatalogue={hasCatalogue} />
            ))}
          </ol>
          {hasCatalogue ? (
            <datalist id="catalogue-names">
              {p.data.catalogue.map((x) => (
                <option
                  value={x.name}
                  label={`${formatEuros(x.unitPriceCents)} HT`}
                  data-id={x.id}
                  data-price={centsToDecimal(x.unitPriceCents).replace('.', ',')}
                  data-vat={`${x.vatCategory}:${x.vatRateBp}`}
                  data-unit={x.unitCode}
                  data-nature={x.nature}
                />
              ))}
            </datalist>
          ) : null}
          <div class="actions">
            <button type="submit" name="op" value="add" class="btn-secondary">
              Ajouter une ligne
            </button>
            <button type="submit" name="op" value="section" class="btn-secondary">
              Ajouter une section
            </button>
            {hasCatalogue ? (
              <button type="submit" name="op" value="fill" class="btn-secondary js-hide">
                Compléter depuis le catalogue
              </button>
            ) : null}
          </div>
        </fieldset>
        <Field
          label="Remise globale HT (€)"
          name="discount"
          value={v.discount}
          error={e.discount}
          inputmode="decimal"
        />
        <TotalsFragment f={v} />
      </div>
      {p.foot}
      <AutosaveStatus
        text={p.autosaveUrl ? 'Le brouillon est enregistré automatiquement pendant la saisie.' : undefined}
      />
      <div class="actions">{p.buttons}</div>
    </form>
  );
}

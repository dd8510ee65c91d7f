// Accounting exports read from the ledger only: VAT summary (CA3 boxes), general ledger (grand
// livre), aged receivables, journal entries in a Sage/Quadra-style layout. Large ones are read in
// keyset pages (constant memory) and report progress.
//
// CA3 MAPPING (documented choice; every amount from the ledger lines of the period):
//  - each VAT line carries its rate and taxable base (entry_line.vat_rate_bp / vat_base_cents,
//    written by the sales postings). VAT becomes due — and so enters the return — when it reaches
//    44571 "TVA collectée": goods at the invoice (D 411 / C 707 + C 44571), services on payment
//    (cash basis: the payment moves 44574 → 44571, with the base collected excl. VAT).
//  - 08 / 09 / 9B: base and tax of the 44571 lines of the period at 20 % / 5,5 % / 10 %
//    (credit − debit: credit notes and refunds come off). Other rates (2,1 %…) → line "autres taux".
//  - 01 "Ventes, prestations de services": the sum of those bases (all rates).
//  - 16 "Total de la TVA brute due": 44571 credit − debit of the period (so an OD on 44571 without
//    a rate still counts; it is shown as "écritures sans taux" to be checked).
//  - 20 "Autres biens et services" (deductible): 44566 debit − credit of the period; 19
//    (immobilisations) is not used: 0.
//  - 23 "Total TVA déductible" = 19 + 20 (+ 22 carry-over, not tracked: 0).
//  - 25 "Crédit de TVA" = 23 − 16 if positive; 28 "TVA nette due" = 16 − 23 if positive.
// Not covered: intra-EU/imports, exempt sales (box 05/E…), box 22 carry-over.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { LEDGER } from './permissions.ts';
import { UserError } from '../../core/errors.ts';
import { addMonths, endOfMonth, daysBetween, type IsoDate } from '../../core/dates.ts';
import type { Cents } from '../../core/money.ts';
import { accountRoles, entryLabel, OPENING_JOURNAL } from './chart.ts';
import { fiscalBounds } from './reports.ts';
import type { Column, TableRow } from './tabular.ts';
import { ledgerDb } from './db.ts';

// --- periods -----------------------------------------------------------------------------------
export interface Period {
  from: IsoDate;
  to: IsoDate;
  label: string;
}
/** --year YYYY [--period YYYY-MM | YYYY-Qn]: the fiscal year, or one month / calendar quarter. */
export async function resolvePeriod(
  trx: Tx,
  cooperativeId: string,
  year: number,
  period?: string | null,
): Promise<Period> {
  if (!period) {
    const b = await fiscalBounds(trx, cooperativeId, year);
    return { from: b.start, to: b.end, label: `exercice ${year}` };
  }
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) {
    const from = `${period}-01`;
    return { from, to: endOfMonth(from), label: period };
  }
  const q = /^(\d{4})-Q([1-4])$/i.exec(period);
  if (q) {
    const from = `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { from, to: endOfMonth(addMonths(from, 2)), label: `${q[1]}-T${q[2]}` };
  }
  throw new UserError('Période invalide : AAAA-MM (un mois) ou AAAA-Tn / AAAA-Qn (un trimestre).', 'period');
}
export function parsePeriodParam(s: string | undefined | null): string | null {
  const v = (s ?? '')
    .trim()
    .toUpperCase()
    .replace(/-T([1-4])$/, '-Q$1');
  return v || null;
}

// --- VAT summary (CA3) ---------------------------------------------------------------------------
export interface VatRateRow {
  rateBp: number;
  baseCents: Cents;
  taxCents: Cents;
}
export interface VatSummary {
  from: IsoDate;
  to: IsoDate;
  box01: Cents;
  box08: VatRateRow;
  box09: VatRateRow;
  box9B: VatRateRow;
  otherRates: VatRateRow[];
  unratedTaxCents: Cents;
  box16: Cents;
  box19: Cents;
  box20: Cents;
  box23: Cents;
  box25: Cents;
  box28: Cents;
}

export async function vatSummary(trx: Tx, actor: Actor, from: IsoDate, to: IsoDate): Promise<VatSummary> {
  authorize(actor, LEDGER.reportsRead);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const r = await sql<{ account: string; rate: number | null; base: number; tax: number }>`
    select l.account, l.vat_rate_bp as rate,
      sum(case when l.credit_cents > 0 then coalesce(l.vat_base_cents, 0) else -coalesce(l.vat_base_cents, 0) end)::bigint as base,
      sum(l.credit_cents - l.debit_cents)::bigint as tax
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${actor.cooperativeId} and e.entry_date between ${from} and ${to} and l.account in (${acc.vatCollected}, ${acc.vatDeductible})
    group by l.account, l.vat_rate_bp`.execute(ledgerDb(trx));
  const rates = new Map<number, VatRateRow>();
  let unrated = 0;
  let collected = 0;
  let deductible = 0;
  for (const x of r.rows) {
    const tax = Number(x.tax);
    const base = Number(x.base);
    if (x.account === acc.vatDeductible) {
      deductible += -tax;
      continue;
    }
    collected += tax;
    if (x.rate == null) unrated += tax;
    else {
      const cur = rates.get(x.rate) ?? { rateBp: x.rate, baseCents: 0, taxCents: 0 };
      cur.baseCents += base;
      cur.taxCents += tax;
      rates.set(x.rate, cur);
    }
  }
  const at = (bp: number) => rates.get(bp) ?? { rateBp: bp, baseCents: 0, taxCents: 0 };
  const box01 = [...rates.values()].reduce((t, x) => t + x.baseCents, 0);
  const box23 = deductible;
  return {
    from,
    to,
    box01,
    box08: at(2000),
    box09: at(550),
    box9B: at(1000),
    otherRates: [...rates.values()]
      .filter((x) => ![2000, 550, 1000].includes(x.rateBp))
      .sort((a, b) => b.rateBp - a.rateBp),
    unratedTaxCents: unrated,
    box16: collected,
    box19: 0,
    box20: deductible,
    box23,
    box25: Math.max(0, box23 - collected),
    box28: Math.max(0, collected - box23),
  };
}

export const VAT_COLUMNS: Column[] = [
  { key: 'box', header: 'Case', kind: 'text', width: 8 },
  { key: 'label', header: 'Libellé', kind: 'text', width: 48 },
  { key: 'base', header: 'Base hors taxe', kind: 'money' },
  { key: 'tax', header: 'Taxe', kind: 'money' },
];
export function vatSummaryRows(v: VatSummary): TableRow[] {
  const rows: TableRow[] = [
    { box: '01', label: 'Ventes, prestations de services (total des bases)', base: v.box01 },
    { box: '08', label: 'Taux normal 20 %', base: v.box08.baseCents, tax: v.box08.taxCents },
    { box: '09', label: 'Taux réduit 5,5 %', base: v.box09.baseCents, tax: v.box09.taxCents },
    { box: '9B', label: 'Taux réduit 10 %', base: v.box9B.baseCents, tax: v.box9B.taxCents },
  ];
  for (const o of v.otherRates)
    rows.push({
      box: '',
      label: `Autre taux ${(o.rateBp / 100).toString().replace('.', ',')} %`,
      base: o.baseCents,
      tax: o.taxCents,
    });
  if (v.unratedTaxCents)
    rows.push({ box: '', label: 'Écritures sur 44571 sans taux (à vérifier)', tax: v.unratedTaxCents });
  rows.push(
    { box: '16', label: 'Total de la TVA brute due', tax: v.box16 },
    { box: '19', label: 'Biens constituant des immobilisations', tax: v.box19 },
    { box: '20', label: 'Autres biens et services (TVA déductible)', tax: v.box20 },
    { box: '23', label: 'Total TVA déductible', tax: v.box23 },
    { box: '25', label: 'Crédit de TVA', tax: v.box25 },
    { box: '28', label: 'TVA nette due', tax: v.box28 },
  );
  return rows;
}

// --- general ledger (grand livre) ------------------------------------------------------------------
export const GENERAL_LEDGER_COLUMNS: Column[] = [
  { key: 'account', header: 'Compte', kind: 'text', width: 10 },
  { key: 'accountLabel', header: 'Intitulé du compte', kind: 'text' },
  { key: 'date', header: 'Date', kind: 'date' },
  { key: 'journal', header: 'Journal', kind: 'text', width: 8 },
  { key: 'number', header: 'N° écriture', kind: 'text', width: 12 },
  { key: 'piece', header: 'Pièce', kind: 'text', width: 16 },
  { key: 'label', header: 'Libellé', kind: 'text', width: 40 },
  { key: 'aux', header: 'Tiers', kind: 'text' },
  { key: 'analytic', header: 'Analytique', kind: 'text', width: 10 },
  { key: 'debit', header: 'Débit', kind: 'money' },
  { key: 'credit', header: 'Crédit', kind: 'money' },
  { key: 'balance', header: 'Solde progressif', kind: 'money' },
  { key: 'lettering', header: 'Lettrage', kind: 'text', width: 8 },
];

type GlLine = {
  account: string;
  entry_date: string;
  entry_id: string;
  line_no: number;
  journal_code: string;
  fiscal_year: number;
  entry_number: number;
  piece_ref: string;
  label: string;
  aux_label: string | null;
  aux_account: string | null;
  analytic_code: string | null;
  debit_cents: number;
  credit_cents: number;
  lettering: string | null;
};
type JeLine = {
  entry_date: string;
  journal_code: string;
  fiscal_year: number;
  entry_number: number;
  line_no: number;
  account: string;
  aux_account: string | null;
  piece_ref: string;
  label: string;
  debit_cents: number;
  credit_cents: number;
  analytic_code: string | null;
  due_date: string | null;
  lettering: string | null;
};

/** Lines in (account, date, entry, line) order, keyset pages; running balance per account within the period. */
export async function* generalLedgerRows(
  trx: Tx,
  actor: Actor,
  from: IsoDate,
  to: IsoDate,
  opts: { pageSize?: number; onProgress?: (done: number, total: number) => void } = {},
): AsyncGenerator<TableRow> {
  authorize(actor, LEDGER.reportsRead);
  const coop = actor.cooperativeId;
  const pageSize = opts.pageSize ?? 2000;
  const total = opts.onProgress
    ? Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::bigint as n from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${coop} and e.entry_date between ${from} and ${to}`.execute(ledgerDb(trx))
        ).rows[0].n,
      )
    : 0;
  const labels = new Map(
    (
      await ledgerDb(trx)
        .selectFrom('ledger_account')
        .select(['number', 'label'])
        .where('cooperative_id', '=', coop)
        .execute()
    ).map((a) => [a.number, a.label]),
  );
  let after: { account: string; date: string; entry: string; line: number } | null = null;
  let account = '';
  let balance = 0;
  let done = 0;
  for (;;) {
    const a: { account: string; date: string; entry: string; line: number } | null = after;
    const page: { rows: GlLine[] } = await sql<GlLine>`
      select l.account, e.entry_date::text as entry_date, l.entry_id, l.line_no, e.journal_code, e.fiscal_year, e.entry_number, e.piece_ref, l.label,
        l.aux_label, l.aux_account, l.analytic_code, l.debit_cents, l.credit_cents, l.lettering
      from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
      where l.cooperative_id = ${coop} and e.entry_date between ${from} and ${to}
        ${a ? sql`and (l.account, e.entry_date, l.entry_id, l.line_no) > (${a.account}, ${a.date}::date, ${a.entry}::uuid, ${a.line})` : sql``}
      order by l.account, e.entry_date, l.entry_id, l.line_no limit ${pageSize}`.execute(ledgerDb(trx));
    for (const l of page.rows) {
      if (l.account !== account) {
        account = l.account;
        balance = 0;
      }
      balance += Number(l.debit_cents) - Number(l.credit_cents);
      yield {
        account: l.account,
        accountLabel: labels.get(l.account) ?? '',
        date: l.entry_date,
        journal: l.journal_code,
        number: entryLabel(l.journal_code, l.fiscal_year, l.entry_number),
        piece: l.piece_ref,
        label: l.label,
        aux: l.aux_label ?? l.aux_account ?? '',
        analytic: l.analytic_code ?? '',
        debit: Number(l.debit_cents) || null,
        credit: Number(l.credit_cents) || null,
        balance,
        lettering: l.lettering ?? '',
      };
    }
    done += page.rows.length;
    if (opts.onProgress) opts.onProgress(done, total);
    if (page.rows.length < pageSize) break;
    const last = page.rows[page.rows.length - 1]!;
    after = { account: last.account, date: last.entry_date, entry: last.entry_id, line: last.line_no };
  }
}

// --- journal entries, Sage/Quadra style ----------------------------------------------------------------
export const JOURNAL_ENTRY_COLUMNS: Column[] = [
  { key: 'journal', header: 'Journal', kind: 'text', width: 8 },
  { key: 'date', header: 'Date', kind: 'date' },
  { key: 'number', header: 'N° pièce comptable', kind: 'text', width: 14 },
  { key: 'account', header: 'Compte général', kind: 'text', width: 10 },
  { key: 'aux', header: 'Compte tiers', kind: 'text', width: 16 },
  { key: 'piece', header: 'Référence', kind: 'text', width: 16 },
  { key: 'label', header: 'Libellé', kind: 'text', width: 40 },
  { key: 'debit', header: 'Débit', kind: 'money' },
  { key: 'credit', header: 'Crédit', kind: 'money' },
  { key: 'analytic', header: 'Section analytique', kind: 'text', width: 10 },
  { key: 'due', header: 'Échéance', kind: 'date' },
  { key: 'lettering', header: 'Lettrage', kind: 'text', width: 8 },
];

/** Entries in (date, journal, number, line) order — the import layout Sage/Quadra/Cegid accept with a column mapping. */
export async function* journalEntryRows(
  trx: Tx,
  actor: Actor,
  from: IsoDate,
  to: IsoDate,
  opts: { pageSize?: number; onProgress?: (done: number, total: number) => void } = {},
): AsyncGenerator<TableRow> {
  authorize(actor, LEDGER.reportsRead);
  const coop = actor.cooperativeId;
  const pageSize = opts.pageSize ?? 2000;
  const total = opts.onProgress
    ? Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::bigint as n from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${coop} and e.entry_date between ${from} and ${to}`.execute(ledgerDb(trx))
        ).rows[0].n,
      )
    : 0;
  let after: { date: string; journal: string; number: number; line: number } | null = null;
  let done = 0;
  for (;;) {
    const a: { date: string; journal: string; number: number; line: number } | null = after;
    const page: { rows: JeLine[] } = await sql<JeLine>`
      select e.entry_date::text as entry_date, e.journal_code, e.fiscal_year, e.entry_number, l.line_no, l.account, l.aux_account, e.piece_ref, l.label,
        l.debit_cents, l.credit_cents, l.analytic_code, e.due_date::text as due_date, l.lettering
      from journal_entry e join entry_line l on l.cooperative_id = e.cooperative_id and l.entry_id = e.id
      where e.cooperative_id = ${coop} and e.entry_date between ${from} and ${to}
        ${a ? sql`and (e.entry_date, e.journal_code, e.entry_number, l.line_no) > (${a.date}::date, ${a.journal}, ${a.number}, ${a.line})` : sql``}
      order by e.entry_date, e.journal_code, e.entry_number, l.line_no limit ${pageSize}`.execute(ledgerDb(trx));
    for (const l of page.rows) {
      yield {
        journal: l.journal_code,
        date: l.entry_date,
        number: entryLabel(l.journal_code, l.fiscal_year, l.entry_number),
        account: l.account,
        aux: l.aux_account ?? '',
        piece: l.piece_ref,
        label: l.label,
        debit: Number(l.debit_cents) || null,
        credit: Number(l.credit_cents) || null,
        analytic: l.analytic_code ?? '',
        due: l.aux_account && l.due_date ? l.due_date : null,
        lettering: l.lettering ?? '',
      };
    }
    done += page.rows.length;
    if (opts.onProgress) opts.onProgress(done, total);
    if (page.rows.length < pageSize) break;
    const last = page.rows[page.rows.length - 1]!;
    after = { date: last.entry_date, journal: last.journal_code, number: last.entry_number, line: last.line_no };
  }
}

// --- aged receivables ----------------------------------------------------------------------------------
export const AGED_BUCKETS = ['notDue', 'd0_30', 'd31_60', 'd61_90', 'over90'] as const;
export type AgedBucket = (typeof AGED_BUCKETS)[number];
export const AGED_BUCKET_LABELS: Record<AgedBucket, string> = {
  notDue: 'Non échu',
  d0_30: '0 à 30 jours',
  d31_60: '31 à 60 jours',
  d61_90: '61 à 90 jours',
  over90: 'Plus de 90 jours',
};
export interface AgedCustomer {
  customerId: string;
  customerName: string;
  buckets: Record<AgedBucket, Cents>;
  totalCents: Cents;
  oldestDueDate: IsoDate | null;
}
export interface AgedReceivables {
  asOf: IsoDate;
  customers: AgedCustomer[];
  total: Record<AgedBucket, Cents> & { all: Cents };
}

/** Days past due → bucket (due today or later: not due; 0–30 days late…). */
export function agedBucket(dueDate: IsoDate, asOf: IsoDate): AgedBucket {
  const late = daysBetween(dueDate, asOf);
  if (late <= 0) return 'notDue';
  if (late <= 30) return 'd0_30';
  if (late <= 60) return 'd31_60';
  if (late <= 90) return 'd61_90';
  return 'over90';
}

/**
 * Open items of the customer account at `asOf`: 411 lines dated up to then and not lettered by
 * then, netted per customer and piece (an invoice and its partial payments share the piece
 * reference), aged on the invoice's due date (the piece date when unknown). Optional analytic filter.
 */
export async function agedReceivables(
  trx: Tx,
  actor: Actor,
  asOf: IsoDate,
  opts: { analyticCode?: string } = {},
): Promise<AgedReceivables> {
  authorize(actor, LEDGER.reportsRead);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const r = await sql<{ aux: string; aux_label: string | null; piece: string; due: string | null; balance: number }>`
    select coalesce(l.aux_account, '') as aux, max(l.aux_label) as aux_label, e.piece_ref as piece,
      min(coalesce(e.due_date, e.piece_date))::text as due, sum(l.debit_cents - l.credit_cents)::bigint as balance
    from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
    where l.cooperative_id = ${actor.cooperativeId} and l.account = ${acc.customer} and e.entry_date <= ${asOf}
      and e.journal_code <> ${OPENING_JOURNAL}
      and (l.lettering is null or l.lettered_on > ${asOf})
      ${opts.analyticCode ? sql`and l.analytic_code = ${opts.analyticCode}` : sql``}
    group by 1, 3 having sum(l.debit_cents - l.credit_cents) <> 0`.execute(ledgerDb(trx));
  const byCustomer = new Map<string, AgedCustomer>();
  const zero = (): Record<AgedBucket, Cents> => ({ notDue: 0, d0_30: 0, d31_60: 0, d61_90: 0, over90: 0 });
  const total = { ...zero(), all: 0 };
  for (const x of r.rows) {
    const c = byCustomer.get(x.aux) ?? {
      customerId: x.aux,
      customerName: x.aux_label ?? x.aux,
      buckets: zero(),
      totalCents: 0,
      oldestDueDate: null,
    };
    const b = agedBucket(x.due ?? asOf, asOf);
    const v = Number(x.balance);
    c.buckets[b] += v;
    c.totalCents += v;
    total[b] += v;
    total.all += v;
    if (v > 0 && x.due && (!c.oldestDueDate || x.due < c.oldestDueDate)) c.oldestDueDate = x.due;
    byCustomer.set(x.aux, c);
  }
  return {
    asOf,
    customers: [...byCustomer.values()].sort(
      (a, b) => b.totalCents - a.totalCents || a.customerName.localeCompare(b.customerName),
    ),
    total,
  };
}

export const AGED_COLUMNS: Column[] = [
  { key: 'customer', header: 'Client', kind: 'text', width: 32 },
  { key: 'customerId', header: 'Compte tiers', kind: 'text', width: 20 },
  ...AGED_BUCKETS.map((b): Column => ({ key: b, header: AGED_BUCKET_LABELS[b], kind: 'money' })),
  { key: 'total', header: 'Total dû', kind: 'money' },
];
export function agedRows(a: AgedReceivables): TableRow[] {
  const rows: TableRow[] = a.customers.map((c) => ({
    customer: c.customerName,
    customerId: c.customerId,
    ...c.buckets,
    total: c.totalCents,
  }));
  rows.push({
    customer: 'Total',
    customerId: '',
    ...Object.fromEntries(AGED_BUCKETS.map((b) => [b, a.total[b]])),
    total: a.total.all,
  });
  return rows;
}

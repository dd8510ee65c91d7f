// The reform's structured e-reporting file (« flux 10 » of the DGFiP external specifications):
// 10.1 international transactions invoice by invoice, 10.3 B2C transactions aggregated per day,
// category and VAT rate, 10.2 / 10.4 payments received for services (VAT due on receipts), per
// invoice abroad and aggregated per day in France. Pure: data in, XML text out.
//
// The authoritative XSD was not at hand: the element names follow the published example of an
// approved platform (Billit, « Example Income E-report »: Report / ReportDocument /
// TransactionsReport / ReportPeriod / Invoice / Transactions) and the category codes of the
// specification v3.1 (TT-81: TLB1 goods, TPS1 services, TNT1 not taxable in France). What is
// uncertain is listed in docs/einvoicing.md; this is the one file to change when the schema is.

export type Flux10Category = 'TLB1' | 'TPS1' | 'TNT1';

export interface Flux10TaxLine {
  vatRateBp: number;
  baseCents: number;
  vatCents: number;
}
/** 10.1: one invoice or credit note to a buyer abroad. */
export interface Flux10Invoice {
  number: string;
  issueDate: string;
  typeCode: string;
  buyerName: string;
  lines: (Flux10TaxLine & { category: Flux10Category })[];
}
/** 10.3: B2C sales of one day, category and VAT rate (credit notes deducted). */
export interface Flux10DayTotal extends Flux10TaxLine {
  date: string;
  category: Flux10Category;
  count: number;
}
/** 10.2: a payment received for services on an invoice abroad, by VAT rate. */
export interface Flux10InvoicePayment {
  invoiceNumber: string;
  issueDate: string;
  date: string;
  amounts: { vatRateBp: number; inclCents: number }[];
}
/** 10.4: payments received for services from individuals, per day and VAT rate. */
export interface Flux10DayPayment {
  date: string;
  vatRateBp: number;
  inclCents: number;
}
export interface Flux10Data {
  id: string;
  issuedAt: Date;
  issuer: { siren: string; name: string };
  periodStart: string;
  periodEnd: string;
  international: Flux10Invoice[];
  b2cDays: Flux10DayTotal[];
  internationalPayments: Flux10InvoicePayment[];
  b2cPayments: Flux10DayPayment[];
}

/** Exact cents → "1234.56" / "-0.05": integer arithmetic, never a float. */
export function decimalOf(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`montant non entier : ${cents}`);
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
/** Basis points → "20.00", "5.50". */
export const percentOf = (bp: number) => decimalOf(bp);
/** 'YYYY-MM-DD' → 'YYYYMMDD' (format 102 of the specification's dates). */
const day = (d: string) => d.slice(0, 10).replaceAll('-', '');

// Control characters other than tab and line breaks are not allowed in XML 1.0: dropped.
const allowed = (ch: string) => {
  const c = ch.charCodeAt(0);
  return c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
};
const esc = (s: string) =>
  [...s]
    .filter(allowed)
    .join('')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
type Node = string | [string, Node[] | string, Record<string, string>?];
function render(n: Node, depth: number): string {
  if (typeof n === 'string') return n;
  const [name, body, attrs] = n;
  const pad = '  '.repeat(depth);
  const at = attrs
    ? Object.entries(attrs)
        .map(([k, v]) => ` ${k}="${esc(v)}"`)
        .join('')
    : '';
  if (typeof body === 'string') return `${pad}<${name}${at}>${esc(body)}</${name}>`;
  return `${pad}<${name}${at}>\n${body.map((c) => render(c, depth + 1)).join('\n')}\n${pad}</${name}>`;
}
const el = (name: string, body: Node[] | string, attrs?: Record<string, string>): Node => [name, body, attrs];

function taxSubtotal(t: Flux10TaxLine, category?: Flux10Category): Node {
  return el('TaxSubtotal', [
    el('TaxableAmount', decimalOf(t.baseCents)),
    el('TaxTotal', decimalOf(t.vatCents)),
    el('TaxPercent', percentOf(t.vatRateBp)),
    ...(category ? [el('CategoryCode', category)] : []),
  ]);
}
const sum = (xs: Flux10TaxLine[], k: 'baseCents' | 'vatCents') => xs.reduce((s, x) => s + x[k], 0);
const period = (d: Flux10Data) =>
  el('ReportPeriod', [el('StartDate', day(d.periodStart)), el('EndDate', day(d.periodEnd))]);

export function flux10Xml(d: Flux10Data): string {
  const stamp = d.issuedAt.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const header = el('ReportDocument', [
    el('Id', d.id),
    el('IssueDateTime', [el('DateTimeString', stamp, { format: '204' })]),
    // IN: the seller's « income » report (transactions and payments received).
    el('TypeCode', 'IN'),
    el('Issuer', [el('Id', d.issuer.siren, { schemeId: '0002' }), el('Name', d.issuer.name), el('RoleCode', 'SE')]),
  ]);
  const invoices = d.international.map((i) =>
    el('Invoice', [
      el('ID', i.number),
      el('IssueDate', day(i.issueDate)),
      el('TypeCode', i.typeCode),
      el('CurrencyCode', 'EUR'),
      el('Buyer', [el('Name', i.buyerName)]),
      el('TaxExclusiveAmount', decimalOf(sum(i.lines, 'baseCents'))),
      el('TaxTotal', decimalOf(sum(i.lines, 'vatCents'))),
      ...i.lines.map((l) => taxSubtotal(l, l.category)),
    ]),
  );
  const transactions = d.b2cDays.map((t) =>
    el('Transactions', [
      el('Date', day(t.date)),
      el('CurrencyCode', 'EUR'),
      el('CategoryCode', t.category),
      el('TaxExclusiveAmount', decimalOf(t.baseCents)),
      el('TaxTotal', decimalOf(t.vatCents)),
      el('TransactionsCount', String(t.count)),
      taxSubtotal(t),
    ]),
  );
  const subTotals = (amounts: { vatRateBp: number; inclCents: number }[]) =>
    amounts.map((a) =>
      el('SubTotals', [
        el('TaxPercent', percentOf(a.vatRateBp)),
        el('CurrencyCode', 'EUR'),
        el('Amount', decimalOf(a.inclCents)),
      ]),
    );
  const paidInvoices = d.internationalPayments.map((p) =>
    el('Invoice', [
      el('InvoiceID', p.invoiceNumber),
      el('IssueDate', day(p.issueDate)),
      el('Payment', [el('Date', day(p.date)), ...subTotals(p.amounts)]),
    ]),
  );
  const byDay = new Map<string, Flux10DayPayment[]>();
  for (const p of d.b2cPayments) byDay.set(p.date, [...(byDay.get(p.date) ?? []), p]);
  const paidDays = [...byDay].map(([date, ps]) =>
    el('Transactions', [el('Payment', [el('Date', day(date)), ...subTotals(ps)])]),
  );
  const body: Node[] = [header, el('TransactionsReport', [period(d), ...invoices, ...transactions])];
  if (paidInvoices.length || paidDays.length)
    body.push(el('PaymentsReport', [period(d), ...paidInvoices, ...paidDays]));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(el('Report', body), 0)}\n`;
}

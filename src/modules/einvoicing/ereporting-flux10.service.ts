// The period's e-reporting as the reform's structured file (flux10.ts): the same B2C and
// international sales and service payments as the summary (ereporting.service.ts), but invoice by
// invoice abroad and day by day for individuals, as the specification asks.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { getCooperative } from '../directory/index.ts';
import { einvoicingDb } from './db.ts';
import { EINVOICING } from './permissions.ts';
import { checkPeriod } from './ereporting-period.ts';
import {
  flux10Xml,
  type Flux10Category,
  type Flux10Data,
  type Flux10DayPayment,
  type Flux10DayTotal,
  type Flux10Invoice,
  type Flux10InvoicePayment,
} from './flux10.ts';

interface Share {
  nature: 'goods' | 'services';
  vatRateBp: number;
  baseCents: number;
  vatCents: number;
}
const sharesOf = (v: unknown): Share[] => (typeof v === 'string' ? JSON.parse(v) : (v as Share[])) ?? [];
/** TT-81: no VAT (exports, reverse charge, exemptions) is « non taxable » here; else by nature. */
const categoryOf = (s: Share): Flux10Category => (s.vatRateBp === 0 ? 'TNT1' : s.nature === 'goods' ? 'TLB1' : 'TPS1');
const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : String(d)).slice(0, 10);

/** The data of the period's flux 10 file (tests read it; the page downloads the XML). */
export async function eReportingFlux10Data(tx: Tx, actor: Actor, from: string, to: string): Promise<Flux10Data> {
  authorize(actor, EINVOICING.report);
  checkPeriod(from, to);
  const coop = await getCooperative(tx, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  const trx = einvoicingDb(tx);
  const sales = await trx
    .selectFrom('einvoice_transmission')
    .select(['invoice_id', 'channel', 'number', 'type_code', 'issue_date', 'customer_name', 'shares'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('channel', 'in', ['b2c', 'international'])
    .where('issue_date', '>=', from)
    .where('issue_date', '<=', to)
    .orderBy('issue_date')
    .orderBy('number')
    .execute();
  const international: Flux10Invoice[] = [];
  const days = new Map<string, Flux10DayTotal & { docs: Set<string> }>();
  for (const s of sales) {
    const shares = sharesOf(s.shares);
    if (s.channel === 'international') {
      // Each document as issued: a credit note (381) keeps its positive amounts and its type.
      const lines = new Map<string, Flux10Invoice['lines'][number]>();
      for (const sh of shares) {
        const category = categoryOf(sh);
        const key = `${category}|${sh.vatRateBp}`;
        const l = lines.get(key) ?? { category, vatRateBp: sh.vatRateBp, baseCents: 0, vatCents: 0 };
        l.baseCents += sh.baseCents;
        l.vatCents += sh.vatCents;
        lines.set(key, l);
      }
      international.push({
        number: s.number,
        issueDate: iso(s.issue_date),
        typeCode: s.type_code,
        buyerName: s.customer_name,
        lines: [...lines.values()],
      });
      continue;
    }
    // B2C, aggregated: credit notes deducted from the day's totals.
    const sign = s.type_code === '381' ? -1 : 1;
    for (const sh of shares) {
      const date = iso(s.issue_date);
      const category = categoryOf(sh);
      const key = `${date}|${category}|${sh.vatRateBp}`;
      const d = days.get(key) ?? {
        date,
        category,
        vatRateBp: sh.vatRateBp,
        baseCents: 0,
        vatCents: 0,
        count: 0,
        docs: new Set(),
      };
      d.baseCents += sign * sh.baseCents;
      d.vatCents += sign * sh.vatCents;
      d.docs.add(s.invoice_id);
      d.count = d.docs.size;
      days.set(key, d);
    }
  }
  const payments = await trx
    .selectFrom('einvoice_payment as p')
    .innerJoin('einvoice_transmission as t', (j) =>
      j.onRef('t.cooperative_id', '=', 'p.cooperative_id').onRef('t.invoice_id', '=', 'p.invoice_id'),
    )
    .select(['p.payment_id', 'p.date', 'p.shares', 't.channel', 't.number', 't.issue_date'])
    .where('p.cooperative_id', '=', actor.cooperativeId)
    .where('t.channel', 'in', ['b2c', 'international'])
    .where('p.date', '>=', from)
    .where('p.date', '<=', to)
    .orderBy('p.date')
    .orderBy('p.payment_id')
    .execute();
  const internationalPayments: Flux10InvoicePayment[] = [];
  const b2cPayments = new Map<string, Flux10DayPayment>();
  for (const p of payments) {
    const services = sharesOf(p.shares).filter((s) => s.nature === 'services');
    if (!services.length) continue;
    const date = iso(p.date);
    if (p.channel === 'international') {
      const byRate = new Map<number, number>();
      for (const s of services) byRate.set(s.vatRateBp, (byRate.get(s.vatRateBp) ?? 0) + s.baseCents + s.vatCents);
      internationalPayments.push({
        invoiceNumber: p.number,
        issueDate: iso(p.issue_date),
        date,
        amounts: [...byRate].map(([vatRateBp, inclCents]) => ({ vatRateBp, inclCents })),
      });
    } else
      for (const s of services) {
        const key = `${date}|${s.vatRateBp}`;
        const row = b2cPayments.get(key) ?? { date, vatRateBp: s.vatRateBp, inclCents: 0 };
        row.inclCents += s.baseCents + s.vatCents;
        b2cPayments.set(key, row);
      }
  }
  const byDayCategoryRate = (a: Flux10DayTotal, b: Flux10DayTotal) =>
    a.date.localeCompare(b.date) || a.category.localeCompare(b.category) || b.vatRateBp - a.vatRateBp;
  return {
    id: uuidv7(),
    issuedAt: new Date(),
    issuer: { siren: coop.siren, name: coop.name },
    periodStart: from,
    periodEnd: to,
    international,
    b2cDays: [...days.values()].map(({ docs: _docs, ...d }) => d).sort(byDayCategoryRate),
    internationalPayments,
    b2cPayments: [...b2cPayments.values()].sort((a, b) => a.date.localeCompare(b.date) || b.vatRateBp - a.vatRateBp),
  };
}

/** The period's flux 10 file (XML). */
export async function eReportingFlux10(tx: Tx, actor: Actor, from: string, to: string): Promise<string> {
  return flux10Xml(await eReportingFlux10Data(tx, actor, from, to));
}

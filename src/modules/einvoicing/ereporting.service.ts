// E-reporting: the sales the platform does not see as invoices (to individuals in France, B2C,
// and to buyers abroad, international) summarised per period: totals per category and VAT rate
// (credit notes deducted), and for services the payments received in the period (VAT on receipts).
// Shown on a page, exported as CSV, and sent through the adapter when the platform offers it.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { csvRecord } from '../../core/csv.ts';
import { einvoicingDb } from './db.ts';
import { EINVOICING } from './permissions.ts';
import { adapterOf, type PlatformEnv } from './platform.service.ts';
import { eReportingFlux10 } from './ereporting-flux10.service.ts';
import { checkPeriod } from './ereporting-period.ts';

export type ReportCategory = 'b2c' | 'international';
export const CATEGORY_LABELS: Record<ReportCategory, string> = {
  b2c: 'Ventes aux particuliers (B2C)',
  international: 'Ventes internationales',
};
export interface SummaryRow {
  category: ReportCategory;
  vatRateBp: number;
  invoices: number;
  baseCents: number;
  vatCents: number;
}
export interface PaymentRow {
  category: ReportCategory;
  vatRateBp: number;
  payments: number;
  baseCents: number;
  vatCents: number;
}
export interface EReportingSummary {
  periodStart: string;
  periodEnd: string;
  sales: SummaryRow[];
  /** Payments received for services in the period (VAT due on receipts). */
  servicePayments: PaymentRow[];
  totals: { baseCents: number; vatCents: number };
}

interface Share {
  nature: 'goods' | 'services';
  vatRateBp: number;
  baseCents: number;
  vatCents: number;
}
const sharesOf = (v: unknown): Share[] => (typeof v === 'string' ? JSON.parse(v) : (v as Share[])) ?? [];

export async function eReportingSummary(tx: Tx, actor: Actor, from: string, to: string): Promise<EReportingSummary> {
  authorize(actor, EINVOICING.report);
  checkPeriod(from, to);
  const trx = einvoicingDb(tx);
  const invoices = await trx
    .selectFrom('einvoice_transmission')
    .select(['channel', 'type_code', 'shares'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('channel', 'in', ['b2c', 'international'])
    .where('issue_date', '>=', from)
    .where('issue_date', '<=', to)
    .execute();
  const sales = new Map<string, SummaryRow>();
  for (const inv of invoices) {
    const sign = inv.type_code === '381' ? -1 : 1;
    const seen = new Set<string>();
    for (const s of sharesOf(inv.shares)) {
      const key = `${inv.channel}|${s.vatRateBp}`;
      const row = sales.get(key) ?? {
        category: inv.channel as ReportCategory,
        vatRateBp: s.vatRateBp,
        invoices: 0,
        baseCents: 0,
        vatCents: 0,
      };
      if (!seen.has(key)) row.invoices++;
      seen.add(key);
      row.baseCents += sign * s.baseCents;
      row.vatCents += sign * s.vatCents;
      sales.set(key, row);
    }
  }
  const payments = await trx
    .selectFrom('einvoice_payment')
    .innerJoin('einvoice_transmission as t', (j) =>
      j
        .onRef('t.cooperative_id', '=', 'einvoice_payment.cooperative_id')
        .onRef('t.invoice_id', '=', 'einvoice_payment.invoice_id'),
    )
    .select(['t.channel', 'einvoice_payment.shares'])
    .where('einvoice_payment.cooperative_id', '=', actor.cooperativeId)
    .where('t.channel', 'in', ['b2c', 'international'])
    .where('einvoice_payment.date', '>=', from)
    .where('einvoice_payment.date', '<=', to)
    .execute();
  const paid = new Map<string, PaymentRow>();
  for (const p of payments)
    for (const s of sharesOf(p.shares).filter((x) => x.nature === 'services')) {
      const key = `${p.channel}|${s.vatRateBp}`;
      const row = paid.get(key) ?? {
        category: p.channel as ReportCategory,
        vatRateBp: s.vatRateBp,
        payments: 0,
        baseCents: 0,
        vatCents: 0,
      };
      row.payments++;
      row.baseCents += s.baseCents;
      row.vatCents += s.vatCents;
      paid.set(key, row);
    }
  const order = (a: { category: string; vatRateBp: number }, b: { category: string; vatRateBp: number }) =>
    a.category.localeCompare(b.category) || b.vatRateBp - a.vatRateBp;
  const rows = [...sales.values()].sort(order);
  return {
    periodStart: from,
    periodEnd: to,
    sales: rows,
    servicePayments: [...paid.values()].sort(order),
    totals: {
      baseCents: rows.reduce((s, r) => s + r.baseCents, 0),
      vatCents: rows.reduce((s, r) => s + r.vatCents, 0),
    },
  };
}

const euros = (c: number) => (c / 100).toFixed(2).replace('.', ',');
const rate = (bp: number) => (bp / 100).toFixed(bp % 100 ? 2 : 0).replace('.', ',');

/** The summary as CSV (semicolons, decimal commas: a French spreadsheet opens it as is). */
export function eReportingCsv(s: EReportingSummary): string {
  const rows: string[][] = [
    ['type', 'categorie', 'taux_tva', 'nombre', 'base_ht', 'tva', 'periode_debut', 'periode_fin'],
  ];
  for (const r of s.sales)
    rows.push([
      'ventes',
      r.category,
      rate(r.vatRateBp),
      String(r.invoices),
      euros(r.baseCents),
      euros(r.vatCents),
      s.periodStart,
      s.periodEnd,
    ]);
  for (const r of s.servicePayments)
    rows.push([
      'encaissements_services',
      r.category,
      rate(r.vatRateBp),
      String(r.payments),
      euros(r.baseCents),
      euros(r.vatCents),
      s.periodStart,
      s.periodEnd,
    ]);
  return `${rows.map((r) => csvRecord(r, ';')).join('\n')}\n`;
}

/** Sends the period's summary through the platform (when it offers e-reporting). */
export async function sendEReport(
  tx: Tx,
  actor: Actor,
  env: PlatformEnv,
  from: string,
  to: string,
): Promise<{ platformRef: string }> {
  authorize(actor, EINVOICING.operate);
  const summary = await eReportingSummary(tx, actor, from, to);
  const platform = await adapterOf(tx, actor.cooperativeId, env);
  if (!platform) throw new UserError('Aucune plateforme agréée n’est configurée.');
  if (!platform.eReporting || !platform.adapter.sendEReport)
    throw new UserError('La plateforme configurée ne reçoit pas l’e-reporting : exportez le CSV.');
  const r = await platform.adapter.sendEReport({
    periodStart: from,
    periodEnd: to,
    summary,
    csv: eReportingCsv(summary),
    xml: await eReportingFlux10(tx, actor, from, to),
  });
  await einvoicingDb(tx)
    .insertInto('einvoice_ereport')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      period_start: from,
      period_end: to,
      platform_ref: r.platformRef,
      sent_at: new Date(),
      sent_by: actor.userId,
    })
    .execute();
  await audit(tx, actor, {
    action: 'einvoicing.ereport_sent',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: { from, to, platformRef: r.platformRef },
  });
  return r;
}

export async function sentEReports(tx: Tx, actor: Actor) {
  authorize(actor, EINVOICING.report);
  return einvoicingDb(tx)
    .selectFrom('einvoice_ereport')
    .select(['period_start', 'period_end', 'platform_ref', 'sent_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('sent_at', 'desc')
    .limit(50)
    .execute();
}

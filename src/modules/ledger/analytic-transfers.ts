// Postings between the activities of one cooperative, asked for by the marketplace:
// - a joint invoice's revenue split: the invoice was posted to the lead activity's analytic code
//   (sales → VT); the partners' shares move to their codes (OD: D 706 lead / C 706 partner, the
//   mirror for a credit note). The entry carries source `ledger.revenue_split`, which the
//   sales-vs-ledger check leaves out (sales knows the invoice under the lead activity only);
// - an internal invoice (subcontracting inside the cooperative): D 604 on the buyer's code /
//   C 708 on the subcontractor's code, one balanced entry, no VAT (one legal person). 706/707 are
//   not touched, so `radieuse check` (sales = ledger per activity) stays true.
// - a joint job's cost split: a supplier invoice of the job was posted (AC) under the analytic code
//   of the activity that bought; the partners' shares of its charge move to their codes (OD:
//   C 6xx payer / D 6xx partner, same account). 401 and deductible VAT stay with the payer, who
//   pays the supplier. Source `ledger.cost_split`, id = the supplier invoice (one split each).
// All are written once per source (idempotent) and authorized here: the actor must be able to
// see the activity account the entry starts from (own activity for an entrepreneur).
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import type { IsoDate } from '../../core/dates.ts';
import { activitiesFor, activityFacts } from '../directory/index.ts';
import { accountRoles, ensureChart } from './chart.ts';
import { LEDGER } from './permissions.ts';
import { postEntry, type PostedEntry, type PostingLine } from './posting.service.ts';
import { ledgerDb } from './db.ts';

export const REVENUE_SPLIT_SOURCE = 'ledger.revenue_split';
export const INTERNAL_INVOICE_SOURCE = 'ledger.internal_invoice';
export const COST_SPLIT_SOURCE = 'ledger.cost_split';
/** Accounts of an internal invoice: the buyer's cost, the subcontractor's revenue. */
export const INTERNAL_ACCOUNTS = { cost: '604', revenue: '708' } as const;

async function mayPostFrom(tx: Tx, actor: Actor, analyticCode: string): Promise<void> {
  const scope = authorize(actor, LEDGER.activityAccountRead);
  const act = await activityFacts(tx, actor.cooperativeId, { analyticCode });
  if (!act) throw new NotFoundError('Activité');
  if (scope === 'own' && !(await activitiesFor(tx, actor)).some((a) => a.id === act.id))
    throw new NotFoundError('Activité');
}

async function posted(tx: Tx, actor: Actor, type: string, id: string) {
  return ledgerDb(tx)
    .selectFrom('journal_entry')
    .select(['id', 'journal_code', 'fiscal_year', 'entry_number', 'entry_date'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('source_type', '=', type)
    .where('source_id', '=', id)
    .executeTakeFirst();
}
const asPosted = (e: NonNullable<Awaited<ReturnType<typeof posted>>>): PostedEntry => ({
  id: e.id,
  journal: e.journal_code,
  fiscalYear: e.fiscal_year,
  number: e.entry_number,
  date: e.entry_date,
});

export interface RevenueSplitInput {
  /** The sales invoice (or credit note) already posted under the lead activity. */
  invoiceId: string;
  invoiceNumber: string;
  date: IsoDate;
  /** Credit note: the split is reversed. */
  creditNote: boolean;
  leadCode: string;
  /** Partners' shares, excl. VAT, positive cents. */
  shares: { analyticCode: string; cents: number }[];
}

/** Moves the partners' shares of a joint invoice's revenue to their analytic codes. */
export async function postRevenueSplit(tx: Tx, actor: Actor, p: RevenueSplitInput): Promise<PostedEntry | null> {
  await mayPostFrom(tx, actor, p.leadCode);
  const done = await posted(tx, actor, REVENUE_SPLIT_SOURCE, p.invoiceId);
  if (done) return asPosted(done);
  const shares = p.shares.filter((s) => s.cents > 0 && s.analyticCode !== p.leadCode);
  if (!shares.length) return null;
  for (const s of shares) {
    if (!Number.isSafeInteger(s.cents)) throw new UserError('Montant invalide.');
    if (!(await activityFacts(tx, actor.cooperativeId, { analyticCode: s.analyticCode })))
      throw new NotFoundError('Activité');
  }
  // The invoice must be in the ledger under the lead code, with at least the revenue moved.
  const inv = await posted(tx, actor, 'sales.invoice', p.invoiceId);
  if (!inv) throw new UserError("La facture n'est pas encore passée en comptabilité.");
  const acc = await accountRoles(tx, actor.cooperativeId);
  const rev = await ledgerDb(tx)
    .selectFrom('entry_line')
    .select((eb) => [eb.fn.sum<string>('credit_cents').as('c'), eb.fn.sum<string>('debit_cents').as('d')])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('entry_id', '=', inv.id)
    .where('account', 'in', [acc.salesServices, acc.salesGoods])
    .where('analytic_code', '=', p.leadCode)
    .executeTakeFirst();
  const revenue = Math.abs(Number(rev?.c ?? 0) - Number(rev?.d ?? 0));
  const moved = shares.reduce((t, s) => t + s.cents, 0);
  if (moved > revenue) throw new UserError('Les parts des partenaires dépassent le chiffre d’affaires de la facture.');
  const label = `Cotraitance ${p.invoiceNumber} — parts des partenaires`;
  const lines: PostingLine[] = [];
  for (const s of shares) {
    const out = { account: acc.salesServices, analyticCode: p.leadCode, label };
    const into = { account: acc.salesServices, analyticCode: s.analyticCode, label };
    if (p.creditNote) lines.push({ ...out, creditCents: s.cents }, { ...into, debitCents: s.cents });
    else lines.push({ ...out, debitCents: s.cents }, { ...into, creditCents: s.cents });
  }
  return postEntry(tx, actor, {
    journal: 'OD',
    date: p.date,
    label,
    pieceRef: p.invoiceNumber,
    pieceDate: p.date,
    source: { type: REVENUE_SPLIT_SOURCE, id: p.invoiceId },
    lines,
  });
}

export interface CostSplitInput {
  /** The supplier invoice already posted (AC) under the payer's code: the entry's source. */
  supplierInvoiceId: string;
  pieceRef: string;
  date: IsoDate;
  label: string;
  /** The charge account the invoice was posted to (6xx). */
  account: string;
  payerCode: string;
  /** Partners' shares of the charge, excl. VAT, positive cents. */
  shares: { analyticCode: string; cents: number }[];
}

/** Moves the partners' shares of a joint job's supplier invoice to their analytic codes. */
export async function postCostSplit(tx: Tx, actor: Actor, p: CostSplitInput): Promise<PostedEntry | null> {
  await mayPostFrom(tx, actor, p.payerCode);
  const done = await posted(tx, actor, COST_SPLIT_SOURCE, p.supplierInvoiceId);
  if (done) return asPosted(done);
  const shares = p.shares.filter((s) => s.cents > 0 && s.analyticCode !== p.payerCode);
  if (!shares.length) return null;
  if (!p.account.startsWith('6')) throw new UserError('Seule une charge (compte 6) se partage.');
  for (const s of shares) {
    if (!Number.isSafeInteger(s.cents)) throw new UserError('Montant invalide.');
    if (!(await activityFacts(tx, actor.cooperativeId, { analyticCode: s.analyticCode })))
      throw new NotFoundError('Activité');
  }
  // The supplier invoice must be in the ledger with at least the moved charge on the payer's code.
  const inv = await posted(tx, actor, 'purchases.supplier_invoice', p.supplierInvoiceId);
  if (!inv) throw new UserError("La facture fournisseur n'est pas encore passée en comptabilité.");
  const charge = await ledgerDb(tx)
    .selectFrom('entry_line')
    .select((eb) => [eb.fn.sum<string>('debit_cents').as('d'), eb.fn.sum<string>('credit_cents').as('c')])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('entry_id', '=', inv.id)
    .where('account', '=', p.account)
    .where('analytic_code', '=', p.payerCode)
    .executeTakeFirst();
  const onPayer = Number(charge?.d ?? 0) - Number(charge?.c ?? 0);
  if (shares.reduce((t, s) => t + s.cents, 0) > onPayer)
    throw new UserError('Les parts des partenaires dépassent la charge de la facture.');
  const label = `Cotraitance ${p.label} — parts des partenaires`.slice(0, 200);
  const lines: PostingLine[] = [];
  for (const s of shares)
    lines.push(
      { account: p.account, analyticCode: p.payerCode, creditCents: s.cents, label },
      { account: p.account, analyticCode: s.analyticCode, debitCents: s.cents, label },
    );
  return postEntry(tx, actor, {
    journal: 'OD',
    date: p.date,
    label,
    pieceRef: p.pieceRef.slice(0, 35),
    pieceDate: p.date,
    source: { type: COST_SPLIT_SOURCE, id: p.supplierInvoiceId },
    lines,
  });
}

export interface InternalInvoiceInput {
  /** The marketplace's internal invoice id (the entry's source). */
  id: string;
  number: string;
  date: IsoDate;
  label: string;
  buyerCode: string;
  sellerCode: string;
  amountCents: number;
}

/** An internal invoice between two activities: cost for the buyer, revenue for the subcontractor. */
export async function postInternalInvoice(tx: Tx, actor: Actor, p: InternalInvoiceInput): Promise<PostedEntry> {
  await mayPostFrom(tx, actor, p.buyerCode);
  if (!(await activityFacts(tx, actor.cooperativeId, { analyticCode: p.sellerCode })))
    throw new NotFoundError('Activité');
  if (p.buyerCode === p.sellerCode) throw new UserError('Une activité ne se facture pas à elle-même.');
  if (!Number.isSafeInteger(p.amountCents) || p.amountCents <= 0) throw new UserError('Montant invalide.');
  const done = await posted(tx, actor, INTERNAL_INVOICE_SOURCE, p.id);
  if (done) return asPosted(done);
  await ensureChart(tx, actor.cooperativeId);
  const label = `Facture interne ${p.number} — ${p.label}`.slice(0, 200);
  return postEntry(tx, actor, {
    journal: 'OD',
    date: p.date,
    label,
    pieceRef: p.number,
    pieceDate: p.date,
    source: { type: INTERNAL_INVOICE_SOURCE, id: p.id },
    lines: [
      { account: INTERNAL_ACCOUNTS.cost, analyticCode: p.buyerCode, debitCents: p.amountCents, label },
      { account: INTERNAL_ACCOUNTS.revenue, analyticCode: p.sellerCode, creditCents: p.amountCents, label },
    ],
  });
}

// Services behind the accountant screens of screens-routes.tsx: manual lettering of customer and
// supplier auxiliary accounts, chart of accounts maintenance, and the contribution simulation.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, requireModule } from '../../core/authz.ts';
import { LEDGER } from './permissions.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { todayParis, type IsoDate } from '../../core/dates.ts';
import { formatEuros, type Cents } from '../../core/money.ts';
import { audit } from '../../core/audit.ts';
import { fiscalYearBounds, activitiesFacts, getCooperative } from '../directory/index.ts';
import { nextSequence, letteringCode } from './posting.service.ts';
import { ensureChart, accountRoles, OPENING_JOURNAL } from './chart.ts';
import { ledgerFiguresByMonth } from './reports.ts';
import {
  computeMonthlyContribution,
  ruleFor,
  listOverrides,
  ContributionRuleSchema,
  type ContributionRule,
} from './contribution.service.ts';
import { ledgerDb } from './db.ts';

export const LETTERING_ACCOUNTS = ['411', '401'] as const;

// --- lettering ---------------------------------------------------------------------------
export interface LetteringLine {
  key: string;
  entryId: string;
  lineNo: number;
  date: IsoDate;
  journal: string;
  pieceRef: string;
  label: string;
  auxAccount: string | null;
  auxLabel: string | null;
  debitCents: Cents;
  creditCents: Cents;
  lettering: string | null;
}
function checkAccount(account: string): void {
  if (!(LETTERING_ACCOUNTS as readonly string[]).includes(account))
    throw new UserError('Choisissez le compte clients (411) ou fournisseurs (401).', 'compte');
}
// Lettering pairs the original lines (an invoice and its payments, across years): the opening
// entries only restate their balance, so they are never offered for lettering.
const notOpening = sql<boolean>`not exists (select 1 from journal_entry e where e.cooperative_id = entry_line.cooperative_id
  and e.id = entry_line.entry_id and e.journal_code = ${OPENING_JOURNAL})`;

const lineQuery = (trx: Tx, actor: Actor, account: string) =>
  ledgerDb(trx)
    .selectFrom('entry_line')
    .innerJoin('journal_entry', (j) =>
      j
        .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
        .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
    )
    .select([
      'entry_line.entry_id',
      'entry_line.line_no',
      'journal_entry.entry_date',
      'journal_entry.journal_code',
      'journal_entry.piece_ref',
      'entry_line.label',
      'entry_line.aux_account',
      'entry_line.aux_label',
      'entry_line.debit_cents',
      'entry_line.credit_cents',
      'entry_line.lettering',
    ])
    .where('entry_line.cooperative_id', '=', actor.cooperativeId)
    .where('entry_line.account', '=', account);
type LineRow = Awaited<ReturnType<ReturnType<typeof lineQuery>['execute']>>[number];
const toLine = (r: LineRow): LetteringLine => ({
  key: `${r.entry_id}:${r.line_no}`,
  entryId: r.entry_id,
  lineNo: r.line_no,
  date: String(r.entry_date).slice(0, 10),
  journal: r.journal_code,
  pieceRef: r.piece_ref,
  label: r.label,
  auxAccount: r.aux_account,
  auxLabel: r.aux_label,
  debitCents: Number(r.debit_cents),
  creditCents: Number(r.credit_cents),
  lettering: r.lettering,
});

/** The third parties (auxiliary accounts) of 411/401 that still have unlettered lines, with their balance. */
export async function tiersWithOpenLines(
  trx: Tx,
  actor: Actor,
  account: string,
): Promise<{ aux: string; label: string; balanceCents: Cents; lines: number }[]> {
  authorize(actor, LEDGER.lettering);
  checkAccount(account);
  const rows = await ledgerDb(trx)
    .selectFrom('entry_line')
    .select([
      (e) => e.fn.coalesce('aux_account', sql<string>`''`).as('aux'),
      (e) => e.fn.max('aux_label').as('label'),
      sql<number>`sum(debit_cents - credit_cents)`.as('balance'),
      sql<number>`count(*)`.as('n'),
    ])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('account', '=', account)
    .where('lettering', 'is', null)
    .where(notOpening)
    .groupBy('aux')
    .orderBy('aux')
    .execute();
  return rows.map((r) => ({
    aux: r.aux,
    label: r.label ?? r.aux,
    balanceCents: Number(r.balance),
    lines: Number(r.n),
  }));
}

export async function unletteredLines(trx: Tx, actor: Actor, account: string, aux: string): Promise<LetteringLine[]> {
  authorize(actor, LEDGER.lettering);
  checkAccount(account);
  const rows = await lineQuery(trx, actor, account)
    .where('entry_line.lettering', 'is', null)
    .where('journal_entry.journal_code', '<>', OPENING_JOURNAL)
    .where(sql<boolean>`coalesce(entry_line.aux_account, '') = ${aux}`)
    .orderBy('journal_entry.entry_date')
    .orderBy('journal_entry.entry_number')
    .orderBy('entry_line.line_no')
    .execute();
  return rows.map(toLine);
}

/** Lettering groups of a third party: code, date, number of lines (for "Délettrer"). */
export async function letteredGroups(
  trx: Tx,
  actor: Actor,
  account: string,
  aux: string,
): Promise<{ code: string; letteredOn: IsoDate | null; lines: number; debitCents: Cents }[]> {
  authorize(actor, LEDGER.lettering);
  checkAccount(account);
  const rows = await ledgerDb(trx)
    .selectFrom('entry_line')
    .select([
      'lettering',
      (e) => e.fn.max('lettered_on').as('on'),
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(debit_cents)`.as('debit'),
    ])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('account', '=', account)
    .where('lettering', 'is not', null)
    .where(sql<boolean>`coalesce(aux_account, '') = ${aux}`)
    .groupBy('lettering')
    .orderBy('lettering')
    .execute();
  return rows.map((r) => ({
    code: r.lettering!,
    letteredOn: r.on ? String(r.on).slice(0, 10) : null,
    lines: Number(r.n),
    debitCents: Number(r.debit),
  }));
}

/** Letters the chosen lines (keys "entryId:lineNo") of one account and third party when they sum to zero. */
export async function letterLines(
  trx: Tx,
  actor: Actor,
  account: string,
  aux: string,
  keys: string[],
  date: IsoDate = todayParis(),
): Promise<string> {
  authorize(actor, LEDGER.lettering);
  checkAccount(account);
  const uniq = [...new Set(keys)];
  if (uniq.length < 2) throw new UserError('Cochez au moins deux lignes à lettrer.', 'lines');
  const open = new Map((await unletteredLines(trx, actor, account, aux)).map((l) => [l.key, l]));
  const chosen = uniq.map((k) => open.get(k));
  if (chosen.some((l) => !l))
    throw new UserError('Une des lignes cochées est introuvable ou déjà lettrée : rechargez la page.', 'lines');
  const sum = chosen.reduce((t, l) => t + l!.debitCents - l!.creditCents, 0);
  if (sum !== 0)
    throw new UserError(
      `Les lignes cochées ne s'équilibrent pas : écart de ${formatEuros(Math.abs(sum))} (${sum > 0 ? 'débit' : 'crédit'} en trop). Rien n'a été lettré.`,
      'lines',
    );
  const code = letteringCode(await nextSequence(trx, actor.cooperativeId, '#LET', 0));
  for (const l of chosen) {
    const r = await ledgerDb(trx)
      .updateTable('entry_line')
      .set({ lettering: code, lettered_on: date })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('entry_id', '=', l!.entryId)
      .where('line_no', '=', l!.lineNo)
      .where('lettering', 'is', null)
      .executeTakeFirst();
    // Lettered meanwhile by someone else: the transaction is rolled back, nothing is lettered.
    if (Number(r.numUpdatedRows) !== 1)
      throw new UserError("Une des lignes cochées vient d'être lettrée par ailleurs : rechargez la page.", 'lines');
  }
  await audit(trx, actor, {
    action: 'ledger.lettered',
    targetType: 'account',
    targetId: `${account}/${aux}`,
    data: { code, lines: uniq.length },
  });
  return code;
}

/** Removes a lettering code from an account's lines. Returns how many lines were freed. */
export async function unletter(trx: Tx, actor: Actor, account: string, code: string): Promise<number> {
  authorize(actor, LEDGER.lettering);
  checkAccount(account);
  const c = code.trim().toUpperCase();
  if (!/^[A-Z]{1,8}$/.test(c)) throw new UserError('Code de lettrage invalide.', 'code');
  const r = await ledgerDb(trx)
    .updateTable('entry_line')
    .set({ lettering: null, lettered_on: null })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('account', '=', account)
    .where('lettering', '=', c)
    .executeTakeFirst();
  const n = Number(r.numUpdatedRows);
  if (!n) throw new UserError(`Aucune ligne du compte ${account} ne porte le lettrage ${c}.`, 'code');
  await audit(trx, actor, {
    action: 'ledger.unlettered',
    targetType: 'account',
    targetId: account,
    data: { code: c, lines: n },
  });
  return n;
}

// --- chart of accounts ----------------------------------------------------------------------
export interface ChartAccount {
  number: string;
  label: string;
  lines: number;
}
export async function listChart(
  trx: Tx,
  actor: Actor,
  opts: { q?: string; page?: number; pageSize?: number } = {},
): Promise<{ rows: ChartAccount[]; total: number }> {
  authorize(actor, LEDGER.chartManage);
  await ensureChart(trx, actor.cooperativeId);
  const pageSize = opts.pageSize ?? 50;
  const page = Math.max(1, opts.page ?? 1);
  let q = ledgerDb(trx).selectFrom('ledger_account').where('cooperative_id', '=', actor.cooperativeId);
  const term = opts.q?.trim();
  if (term)
    q = q.where((e) =>
      e.or([
        e('number', 'like', `${term.replace(/[%_\\]/g, '')}%`),
        e(sql`lower(label)`, 'like', `%${term.toLowerCase().replace(/[%_\\]/g, '')}%`),
      ]),
    );
  const total = Number((await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .select([
      'number',
      'label',
      sql<number>`(select count(*) from entry_line l where l.cooperative_id = ledger_account.cooperative_id and l.account = ledger_account.number)`.as(
        'lines',
      ),
    ])
    .orderBy('number')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { rows: rows.map((r) => ({ number: r.number, label: r.label, lines: Number(r.lines) })), total };
}

function checkLabel(label: string): string {
  const l = label.replace(/\s+/g, ' ').trim();
  if (l.length < 2) throw new UserError('Indiquez un libellé (au moins deux caractères).', 'label');
  if (l.length > 120) throw new UserError('Libellé trop long (120 caractères au plus).', 'label');
  return l;
}

export async function addAccount(
  trx: Tx,
  actor: Actor,
  input: { number: string; label: string },
): Promise<ChartAccount> {
  authorize(actor, LEDGER.chartManage);
  const number = (input.number ?? '').trim();
  const fields: Record<string, string> = {};
  if (!/^[1-7][0-9]{2,7}$/.test(number))
    fields.number = 'Numéro invalide : de 3 à 8 chiffres, commençant par le chiffre de la classe (1 à 7).';
  let label = '';
  try {
    label = checkLabel(input.label ?? '');
  } catch (e) {
    fields.label = (e as Error).message;
  }
  if (Object.keys(fields).length) throw new UserError(fields.number ?? fields.label, undefined, fields);
  await ensureChart(trx, actor.cooperativeId);
  const dup = await ledgerDb(trx)
    .selectFrom('ledger_account')
    .select('label')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (dup) throw new UserError(`Le compte ${number} existe déjà (« ${dup.label} »).`, 'number');
  await ledgerDb(trx)
    .insertInto('ledger_account')
    .values({ cooperative_id: actor.cooperativeId, number, label })
    .execute();
  await audit(trx, actor, {
    action: 'ledger.account_added',
    targetType: 'ledger_account',
    targetId: number,
    data: { label },
  });
  return { number, label, lines: 0 };
}

export async function renameAccount(trx: Tx, actor: Actor, number: string, rawLabel: string): Promise<void> {
  authorize(actor, LEDGER.chartManage);
  const label = checkLabel(rawLabel ?? '');
  const r = await ledgerDb(trx)
    .updateTable('ledger_account')
    .set({ label })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new NotFoundError('Compte');
  await audit(trx, actor, {
    action: 'ledger.account_renamed',
    targetType: 'ledger_account',
    targetId: number,
    data: { label },
  });
}

export async function deleteAccount(trx: Tx, actor: Actor, number: string): Promise<void> {
  authorize(actor, LEDGER.chartManage);
  const acc = await ledgerDb(trx)
    .selectFrom('ledger_account')
    .select('number')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (!acc) throw new NotFoundError('Compte');
  const used = await ledgerDb(trx)
    .selectFrom('entry_line')
    .select('entry_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('account', '=', number)
    .limit(1)
    .executeTakeFirst();
  if (used)
    throw new UserError(
      `Le compte ${number} porte des écritures : il ne peut pas être supprimé. Vous pouvez seulement changer son libellé.`,
      'number',
    );
  const roles = await accountRoles(trx, actor.cooperativeId);
  if (Object.values(roles).includes(number))
    throw new UserError(
      `Le compte ${number} sert aux écritures automatiques (ventes, TVA, banque ou contributions) : il ne peut pas être supprimé.`,
      'number',
    );
  await ledgerDb(trx)
    .deleteFrom('ledger_account')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', '=', number)
    .execute();
  await audit(trx, actor, { action: 'ledger.account_deleted', targetType: 'ledger_account', targetId: number });
}

// --- contributions: plain words and simulation ------------------------------------------------
const pct = (bp: number) => `${(bp / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })}\u00a0%`;
export function describeRule(rule: ContributionRule | null): string {
  if (!rule) return "Aucune règle de contribution n'est définie.";
  let s: string;
  switch (rule.kind) {
    case 'collected_percent':
      s = `${pct(rule.bp)} du chiffre d'affaires encaissé hors taxes, chaque mois`;
      break;
    case 'tiered':
      s = `Taux par tranches du chiffre d'affaires encaissé hors taxes depuis le début de l'exercice : ${[...rule.tiers]
        .sort((a, b) => a[0] - b[0])
        .map(([from, bp]) => `${pct(bp)} à partir de ${formatEuros(from)}`)
        .join(', ')}`;
      break;
    case 'invoiced_percent_with_minimum':
      s = `${pct(rule.bp)} du chiffre d'affaires facturé hors taxes, avec un minimum de ${formatEuros(rule.minimumMonthlyCents)} par mois`;
      break;
    case 'fixed_monthly':
      s = `Forfait de ${formatEuros(rule.amountCents)} par mois`;
      break;
  }
  if (rule.maxMonthlyCents != null) s += `, plafonné à ${formatEuros(rule.maxMonthlyCents)} par mois`;
  return `${s}.`;
}

export async function cooperativeRule(trx: Tx, actor: Actor): Promise<ContributionRule | null> {
  requireModule(actor, 'ledger');
  const c = await getCooperative(trx, actor.cooperativeId);
  const p = ContributionRuleSchema.safeParse(((c?.settings ?? {}) as Record<string, unknown>).contribution);
  return p.success ? p.data : null;
}

export interface SimulationRow {
  activityId: string;
  analyticCode: string;
  name: string;
  collectedExclCents: Cents;
  currentCents: Cents;
  simulatedCents: Cents;
}
/**
 * "What if the contribution were `bp` of the collected turnover": for each activity, the months of
 * the fiscal year `year` up to today, the contribution under the rules in force (overrides included)
 * against `bp` × collected excl. VAT. Pure computation on the ledger's figures: nothing is written.
 */
export async function simulateContributionRate(
  trx: Tx,
  actor: Actor,
  year: number,
  bp: number,
  today: IsoDate = todayParis(),
): Promise<{ rows: SimulationRow[]; from: IsoDate; to: IsoDate }> {
  authorize(actor, LEDGER.contributionManage);
  const coop = (await getCooperative(trx, actor.cooperativeId))!;
  const fy = fiscalYearBounds({ fiscalYearStartMonth: coop.fiscalYearStartMonth }, year);
  const to = fy.end < today ? fy.end : today;
  const acts = await activitiesFacts(trx, actor.cooperativeId);
  const months: string[] = [];
  for (let m = fy.start.slice(0, 7); m <= to.slice(0, 7); ) {
    months.push(m);
    const [y, mo] = m.split('-').map(Number);
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  }
  const rows: SimulationRow[] = [];
  if (to < fy.start) return { rows, from: fy.start, to };
  for (const a of acts) {
    const figs = await ledgerFiguresByMonth(trx, actor, a.analyticCode, fy.start, to);
    let before = 0;
    let current = 0;
    let simulated = 0;
    let collected = 0;
    for (const m of months) {
      const f = figs.get(m);
      const c = f?.collectedExclCents ?? 0;
      const inv = f?.invoicedExclCents ?? 0;
      const rule = await ruleFor(trx, actor, a.id, m);
      const basis = { collectedExclCents: c, invoicedExclCents: inv, collectedBeforeCents: before };
      if (rule) current += computeMonthlyContribution(rule, basis);
      simulated += computeMonthlyContribution({ kind: 'collected_percent', bp }, basis);
      collected += c;
      before += c;
    }
    rows.push({
      activityId: a.id,
      analyticCode: a.analyticCode,
      name: a.name,
      collectedExclCents: collected,
      currentCents: current,
      simulatedCents: simulated,
    });
  }
  return { rows, from: fy.start, to };
}

export { listOverrides };

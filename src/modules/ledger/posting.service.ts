// Posting: the only way lines get into the ledger. An entry is checked (balanced, not empty,
// no negative amount, open period, known accounts), numbered without gaps per journal and fiscal
// year, and written once; corrections are reversals.
import { getCooperative } from '../directory/index.ts';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { isIsoDate, todayParis, type IsoDate } from '../../core/dates.ts';
import { centsToDecimal, formatEuros, parseCents, type Cents } from '../../core/money.ts';
import { audit } from '../../core/audit.ts';
import { accountRoles, createAccount, ensureChart } from './chart.ts';
import { authorize, requireModule } from '../../core/authz.ts';
import { LEDGER } from './permissions.ts';
import { ledgerDb } from './db.ts';

export interface PostingLine {
  account: string;
  debitCents?: Cents;
  creditCents?: Cents;
  label?: string;
  auxAccount?: string | null;
  auxLabel?: string | null;
  analyticCode?: string | null;
  /** On VAT lines: rate in basis points and the taxable base (positive cents) — feeds the CA3 summary. */
  vatRateBp?: number | null;
  vatBaseCents?: Cents | null;
}
export interface PostingInput {
  journal: string;
  date: IsoDate;
  label: string;
  pieceRef: string;
  pieceDate?: IsoDate;
  source: { type: string; id: string | null };
  lines: PostingLine[];
  collectedExclCents?: Cents | null;
  /** Sales invoices: the due date (aged receivables). */
  dueDate?: IsoDate | null;
}
export interface PostedEntry {
  id: string;
  journal: string;
  fiscalYear: number;
  number: number;
  date: IsoDate;
}

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
export const monthLabel = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

/** The fiscal year (named by the calendar year it ends in) a date belongs to. */
export function fiscalYearOf(date: IsoDate, startMonth: number): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return startMonth === 1 || m < startMonth ? y : y + 1;
}

async function fiscalStartMonth(trx: Tx, cooperativeId: string): Promise<number> {
  const r = await getCooperative(trx, cooperativeId);
  return r?.fiscalYearStartMonth ?? 1;
}

export async function isPeriodClosed(trx: Tx, cooperativeId: string, month: string): Promise<boolean> {
  return !!(await ledgerDb(trx)
    .selectFrom('period_close')
    .select('month')
    .where('cooperative_id', '=', cooperativeId)
    .where('month', '=', month)
    .executeTakeFirst());
}

/** Next value of a gapless counter: the row lock is held until commit, a rollback gives the number back. */
export async function nextSequence(trx: Tx, cooperativeId: string, key: string, year: number): Promise<number> {
  return nextSequences(trx, cooperativeId, key, year, 1);
}

/** Reserves the next `n` values of a gapless counter at once; returns the last (the first is
 *  last - n + 1). */
async function nextSequences(trx: Tx, cooperativeId: string, key: string, year: number, n: number): Promise<number> {
  const r = await sql<{
    last_number: number;
  }>`insert into ledger_sequence (cooperative_id, journal_code, fiscal_year, last_number)
    values (${cooperativeId}, ${key}, ${year}, ${n})
    on conflict (cooperative_id, journal_code, fiscal_year) do update set last_number = ledger_sequence.last_number + ${n}
    returning last_number`.execute(ledgerDb(trx));
  return Number(r.rows[0].last_number);
}

/** An entry's lines checked (amounts, one side each, balanced), or the reason it is refused. */
function checkedLines(input: PostingInput) {
  if (!isIsoDate(input.date)) throw new UserError("Date d'écriture invalide.", 'date');
  if (!input.lines.length) throw new UserError('Une écriture doit avoir au moins deux lignes.', 'lines');
  let debit = 0;
  let credit = 0;
  const lines = input.lines.map((l, i) => {
    const d = l.debitCents ?? 0;
    const c = l.creditCents ?? 0;
    if (!Number.isSafeInteger(d) || !Number.isSafeInteger(c))
      throw new UserError(`Ligne ${i + 1} : montant invalide.`, `lines.${i}.amount`);
    if (d < 0 || c < 0)
      throw new UserError(`Ligne ${i + 1} : les montants ne peuvent pas être négatifs.`, `lines.${i}.amount`);
    if ((d === 0) === (c === 0))
      throw new UserError(`Ligne ${i + 1} : indiquez soit un débit, soit un crédit.`, `lines.${i}.amount`);
    debit += d;
    credit += c;
    return { ...l, d, c };
  });
  if (lines.length < 2) throw new UserError('Une écriture doit avoir au moins deux lignes.', 'lines');
  if (debit !== credit)
    throw new UserError(
      `Écriture déséquilibrée : débit ${formatEuros(debit)}, crédit ${formatEuros(credit)}.`,
      'lines',
    );
  return lines;
}

export async function postEntry(trx: Tx, actor: Actor, input: PostingInput): Promise<PostedEntry> {
  return (await postEntries(trx, actor, [input]))[0];
}

/** Rows per insert and ids per list: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;

/**
 * Posts several entries, numbered in the order given (each journal and fiscal year's numbers
 * reserved at once): the same entries as `postEntry` on each in turn, in a few statements. The
 * first entry `postEntry` would refuse refuses them all, with its message, before anything is
 * written.
 */
export async function postEntries(trx: Tx, actor: Actor, inputs: PostingInput[]): Promise<PostedEntry[]> {
  requireModule(actor, 'ledger');
  if (!inputs.length) return [];
  const coop = actor.cooperativeId;
  const checked = inputs.map(checkedLines);
  const months = [...new Set(inputs.map((i) => i.date.slice(0, 7)))];
  const closed = new Set(
    (
      await ledgerDb(trx)
        .selectFrom('period_close')
        .select('month')
        .where('cooperative_id', '=', coop)
        .where('month', 'in', months)
        .execute()
    ).map((r) => r.month),
  );
  const closedMonth = months.find((m) => closed.has(m));
  if (closedMonth)
    throw new UserError(
      `La période de ${monthLabel(closedMonth)} est clôturée : passez une écriture d'extourne sur une période ouverte.`,
      'date',
    );
  await ensureChart(trx, coop);
  const journals = [...new Set(inputs.map((i) => i.journal))];
  const knownJournals = new Set(
    (
      await ledgerDb(trx)
        .selectFrom('ledger_journal')
        .select('code')
        .where('cooperative_id', '=', coop)
        .where('code', 'in', journals)
        .execute()
    ).map((r) => r.code),
  );
  const accounts = [...new Set(checked.flatMap((lines) => lines.map((l) => l.account)))];
  const known = new Set(
    (
      await ledgerDb(trx)
        .selectFrom('ledger_account')
        .select('number')
        .where('cooperative_id', '=', coop)
        .where('number', 'in', accounts)
        .execute()
    ).map((r) => r.number),
  );
  inputs.forEach((input, k) => {
    if (!knownJournals.has(input.journal)) throw new UserError(`Journal inconnu : ${input.journal}.`, 'journal');
    checked[k].forEach((l, i) => {
      if (!known.has(l.account)) throw new UserError(`Compte inconnu : ${l.account}.`, `lines.${i}.account`);
    });
  });

  const startMonth = await fiscalStartMonth(trx, coop);
  const years = inputs.map((i) => fiscalYearOf(i.date, startMonth));
  // Each journal and fiscal year's numbers, reserved together and handed out in the list's order.
  const counts = new Map<string, { journal: string; year: number; n: number }>();
  inputs.forEach((input, k) => {
    const key = `${input.journal}|${years[k]}`;
    const c = counts.get(key) ?? { journal: input.journal, year: years[k], n: 0 };
    c.n++;
    counts.set(key, c);
  });
  const next = new Map<string, number>();
  for (const [key, c] of counts) next.set(key, (await nextSequences(trx, coop, c.journal, c.year, c.n)) - c.n + 1);
  const posted: PostedEntry[] = inputs.map((input, k) => {
    const key = `${input.journal}|${years[k]}`;
    const number = next.get(key)!;
    next.set(key, number + 1);
    return { id: uuidv7(), journal: input.journal, fiscalYear: years[k], number, date: input.date };
  });
  const labels = inputs.map((input) => input.label.replace(/[\t\r\n]+/g, ' ').trim() || input.pieceRef);
  const entries = inputs.map((input, k) => ({
    cooperative_id: coop,
    id: posted[k].id,
    journal_code: input.journal,
    fiscal_year: posted[k].fiscalYear,
    entry_number: posted[k].number,
    entry_date: input.date,
    label: labels[k],
    piece_ref: input.pieceRef || `${input.journal}${posted[k].fiscalYear}-${posted[k].number}`,
    piece_date: input.pieceDate ?? input.date,
    source_type: input.source.type,
    source_id: input.source.id,
    collected_excl_cents: input.collectedExclCents ?? null,
    created_by: actor.userId,
    due_date: input.dueDate && isIsoDate(input.dueDate) ? input.dueDate : null,
  }));
  for (let i = 0; i < entries.length; i += CHUNK)
    await ledgerDb(trx)
      .insertInto('journal_entry')
      .values(entries.slice(i, i + CHUNK))
      .execute();
  const lines = checked.flatMap((ls, k) =>
    ls.map((l, i) => ({
      cooperative_id: coop,
      entry_id: posted[k].id,
      line_no: i + 1,
      account: l.account,
      aux_account: l.auxAccount ?? null,
      aux_label: l.auxLabel ?? null,
      label: (l.label ?? labels[k]).replace(/[\t\r\n]+/g, ' ').trim() || labels[k],
      debit_cents: l.d,
      credit_cents: l.c,
      analytic_code: l.analyticCode ?? null,
      lettering: null,
      lettered_on: null,
      vat_rate_bp: l.vatRateBp ?? null,
      vat_base_cents: l.vatBaseCents ?? null,
    })),
  );
  for (let i = 0; i < lines.length; i += CHUNK)
    await ledgerDb(trx)
      .insertInto('entry_line')
      .values(lines.slice(i, i + CHUNK))
      .execute();
  return posted;
}

/** Posts the mirror image of an entry (debits ↔ credits) on an open period. */
export async function reverseEntry(
  trx: Tx,
  actor: Actor,
  entryId: string,
  opts: { date?: IsoDate; label?: string; sourceType?: string; sourceId?: string } = {},
): Promise<PostedEntry> {
  authorize(actor, LEDGER.entryReverse);
  const e = await ledgerDb(trx)
    .selectFrom('journal_entry')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', entryId)
    .executeTakeFirst();
  if (!e) throw new NotFoundError('Écriture');
  if (e.source_type === 'reversal')
    throw new UserError("Cette écriture est déjà une extourne : passez plutôt l'écriture correcte.", 'date');
  const done = await ledgerDb(trx)
    .selectFrom('journal_entry')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('source_type', '=', opts.sourceType ?? 'reversal')
    .where('source_id', '=', opts.sourceId ?? e.id)
    .executeTakeFirst();
  if (done) throw new UserError('Cette écriture a déjà été extournée.', 'date');
  if (opts.date !== undefined && !isIsoDate(opts.date)) throw new UserError('Date invalide.', 'date');
  const lines = await ledgerDb(trx)
    .selectFrom('entry_line')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('entry_id', '=', entryId)
    .orderBy('line_no')
    .execute();
  const posted = await postEntry(trx, actor, {
    journal: e.journal_code,
    date: opts.date ?? todayParis(),
    label: opts.label ?? `Extourne de ${e.label}`,
    pieceRef: e.piece_ref,
    pieceDate: opts.date ?? todayParis(),
    source: { type: opts.sourceType ?? 'reversal', id: opts.sourceId ?? e.id },
    collectedExclCents: e.collected_excl_cents == null ? null : -e.collected_excl_cents,
    lines: lines.map((l) => ({
      account: l.account,
      debitCents: l.credit_cents,
      creditCents: l.debit_cents,
      label: `Extourne : ${l.label}`,
      auxAccount: l.aux_account,
      auxLabel: l.aux_label,
      analyticCode: l.analytic_code,
      vatRateBp: l.vat_rate_bp,
      vatBaseCents: l.vat_base_cents,
    })),
  });
  await audit(trx, actor, {
    action: 'ledger.entry_reversed',
    targetType: 'journal_entry',
    targetId: e.id,
    data: { reversal: posted.id },
  });
  return posted;
}

export async function closePeriod(trx: Tx, actor: Actor, month: string): Promise<void> {
  authorize(actor, LEDGER.periodClose);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UserError('Période invalide (AAAA-MM).', 'month');
  if (month >= todayParis().slice(0, 7)) throw new UserError("Vous ne pouvez clôturer qu'un mois terminé.", 'month');
  if (await isPeriodClosed(trx, actor.cooperativeId, month))
    throw new UserError(`La période de ${monthLabel(month)} est déjà clôturée.`, 'month');
  await ledgerDb(trx)
    .insertInto('period_close')
    .values({ cooperative_id: actor.cooperativeId, month, closed_by: actor.userId })
    .execute();
  await audit(trx, actor, { action: 'ledger.period_closed', targetType: 'period', targetId: month });
}

export async function closedMonths(trx: Tx, actor: Actor): Promise<{ month: string; closedAt: Date }[]> {
  requireModule(actor, 'ledger');
  return (
    await ledgerDb(trx)
      .selectFrom('period_close')
      .select(['month', 'closed_at'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .orderBy('month')
      .execute()
  ).map((r) => ({ month: r.month, closedAt: r.closed_at }));
}

// --- lettering ---------------------------------------------------------------------------
export function letteringCode(n: number): string {
  let s = '';
  let x = n;
  while (x > 0) {
    x--;
    s = String.fromCharCode(65 + (x % 26)) + s;
    x = Math.floor(x / 26);
  }
  return s;
}

/** Letters the unlettered lines of an account/aux/piece once they sum to zero. Returns the code or null. */
export async function letterIfBalanced(
  trx: Tx,
  actor: Actor,
  account: string,
  auxAccount: string,
  pieceRefs: string[],
  date: IsoDate,
): Promise<string | null> {
  requireModule(actor, 'ledger');
  const rows = await ledgerDb(trx)
    .selectFrom('entry_line')
    .innerJoin('journal_entry', (j) =>
      j
        .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
        .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
    )
    .select(['entry_line.entry_id', 'entry_line.line_no', 'entry_line.debit_cents', 'entry_line.credit_cents'])
    .where('entry_line.cooperative_id', '=', actor.cooperativeId)
    .where('entry_line.account', '=', account)
    .where('entry_line.aux_account', '=', auxAccount)
    .where('entry_line.lettering', 'is', null)
    .where('journal_entry.piece_ref', 'in', pieceRefs)
    .execute();
  if (rows.length < 2) return null;
  const sum = rows.reduce((t, r) => t + r.debit_cents - r.credit_cents, 0);
  if (sum !== 0) return null;
  const code = letteringCode(await nextSequence(trx, actor.cooperativeId, '#LET', 0));
  for (const r of rows) {
    await ledgerDb(trx)
      .updateTable('entry_line')
      .set({ lettering: code, lettered_on: date })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('entry_id', '=', r.entry_id)
      .where('line_no', '=', r.line_no)
      .execute();
  }
  return code;
}

/** One lettering attempt of `letterEachIfBalanced`: what `letterIfBalanced` is given, and the
 *  entry posted just before it (whose lines an earlier attempt must not see). */
export interface LetteringStep {
  auxAccount: string;
  pieceRef: string;
  date: IsoDate;
  entryId: string;
}

/**
 * `letterIfBalanced(account, step.auxAccount, [step.pieceRef], step.date)` for each step in
 * turn, as if each step's entry had just been posted (lines of later steps' entries unseen), in
 * three statements: one read, one reservation of the codes, one update.
 */
export async function letterEachIfBalanced(
  trx: Tx,
  actor: Actor,
  account: string,
  steps: LetteringStep[],
): Promise<(string | null)[]> {
  requireModule(actor, 'ledger');
  if (!steps.length) return [];
  const coop = actor.cooperativeId;
  const auxes = [...new Set(steps.map((s) => s.auxAccount))];
  const pieces = [...new Set(steps.map((s) => s.pieceRef))];
  const rows: { entry_id: string; line_no: number; debit_cents: number; credit_cents: number; key: string }[] = [];
  for (let i = 0; i < pieces.length; i += CHUNK) {
    const found = await ledgerDb(trx)
      .selectFrom('entry_line')
      .innerJoin('journal_entry', (j) =>
        j
          .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
          .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
      )
      .select([
        'entry_line.entry_id',
        'entry_line.line_no',
        'entry_line.debit_cents',
        'entry_line.credit_cents',
        'entry_line.aux_account',
        'journal_entry.piece_ref',
      ])
      .where('entry_line.cooperative_id', '=', coop)
      .where('entry_line.account', '=', account)
      .where('entry_line.aux_account', 'in', auxes)
      .where('entry_line.lettering', 'is', null)
      .where('journal_entry.piece_ref', 'in', pieces.slice(i, i + CHUNK))
      .orderBy('entry_line.entry_id')
      .orderBy('entry_line.line_no')
      .execute();
    for (const r of found) rows.push({ ...r, key: `${r.aux_account}|${r.piece_ref}` });
  }
  // The step from which each entry exists (entries of no step existed before them all).
  const bornAt = new Map(steps.map((s, i) => [s.entryId, i]));
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const lettered = new Set<(typeof rows)[number]>();
  const found: { step: number; rows: typeof rows }[] = [];
  steps.forEach((s, i) => {
    const seen = (byKey.get(`${s.auxAccount}|${s.pieceRef}`) ?? []).filter(
      (r) => !lettered.has(r) && (bornAt.get(r.entry_id) ?? -1) <= i,
    );
    if (seen.length < 2 || seen.reduce((t, r) => t + r.debit_cents - r.credit_cents, 0) !== 0) return;
    for (const r of seen) lettered.add(r);
    found.push({ step: i, rows: seen });
  });
  const codes: (string | null)[] = steps.map(() => null);
  if (!found.length) return codes;
  const first = (await nextSequences(trx, coop, '#LET', 0, found.length)) - found.length + 1;
  const updates = found.flatMap((f, k) => {
    codes[f.step] = letteringCode(first + k);
    return f.rows.map((r) => ({ ...r, code: codes[f.step]!, date: steps[f.step].date }));
  });
  for (let i = 0; i < updates.length; i += CHUNK)
    await sql`update entry_line set lettering = v.code, lettered_on = v.lettered_on
      from (values ${sql.join(
        updates
          .slice(i, i + CHUNK)
          .map((u) => sql`(${u.entry_id}::uuid, ${u.line_no}::int, ${u.code}::text, ${u.date}::date)`),
      )}) as v(entry_id, line_no, code, lettered_on)
      where entry_line.cooperative_id = ${coop} and entry_line.entry_id = v.entry_id and entry_line.line_no = v.line_no`.execute(
      ledgerDb(trx),
    );
  return codes;
}

// --- manual entries (OD) -------------------------------------------------------------------
export interface ManualLineInput {
  account: string;
  auxAccount?: string;
  label?: string;
  debit?: string;
  credit?: string;
  analyticCode?: string;
}
export interface ManualEntryInput {
  journal?: string;
  date: string;
  label: string;
  pieceRef: string;
  lines: ManualLineInput[];
}

const ManualHeader = z.object({
  journal: z
    .string()
    .regex(/^[A-Z0-9]{2,6}$/, 'Journal invalide.')
    .default('OD'),
  date: z.string().refine(isIsoDate, 'Date invalide (AAAA-MM-JJ).'),
  label: z.string().trim().min(2, "Indiquez le libellé de l'écriture."),
  pieceRef: z.string().trim().min(1, 'Indiquez la référence de la pièce justificative.'),
});

/** A manual entry typed by the accountant: every problem is reported beside its field, nothing is written on error. */
export async function createManualEntry(trx: Tx, actor: Actor, raw: ManualEntryInput): Promise<PostedEntry> {
  authorize(actor, LEDGER.manualEntry);
  const fields: Record<string, string> = {};
  const h = ManualHeader.safeParse(raw);
  if (!h.success) for (const i of h.error.issues) fields[String(i.path[0])] ??= i.message;
  const lines: PostingLine[] = [];
  raw.lines.forEach((l, i) => {
    const blank = !l.account?.trim() && !l.debit?.trim() && !l.credit?.trim();
    if (blank) return;
    const account = (l.account ?? '').trim().toUpperCase();
    if (!/^[1-9][0-9A-Z]{2,11}$/.test(account)) fields[`lines.${i}.account`] = 'Numéro de compte invalide.';
    const d = l.debit?.trim() ? parseCents(l.debit) : 0;
    const c = l.credit?.trim() ? parseCents(l.credit) : 0;
    if (d === null || d < 0) fields[`lines.${i}.debit`] = 'Montant invalide (ex. : 120,50).';
    if (c === null || c < 0) fields[`lines.${i}.credit`] = 'Montant invalide (ex. : 120,50).';
    if (d !== null && c !== null && (d === 0) === (c === 0))
      fields[`lines.${i}.debit`] ??= 'Indiquez soit un débit, soit un crédit.';
    lines.push({
      account,
      debitCents: d ?? 0,
      creditCents: c ?? 0,
      label: l.label?.trim() || undefined,
      auxAccount: l.auxAccount?.trim() || null,
      analyticCode: l.analyticCode?.trim().toUpperCase() || null,
    });
  });
  if (lines.length < 2) fields.lines ??= 'Saisissez au moins deux lignes.';
  if (!Object.keys(fields).length) {
    const d = lines.reduce((t, l) => t + (l.debitCents ?? 0), 0);
    const c = lines.reduce((t, l) => t + (l.creditCents ?? 0), 0);
    if (d !== c) fields.lines = `Écriture déséquilibrée : débit ${formatEuros(d)}, crédit ${formatEuros(c)}.`;
  }
  if (Object.keys(fields).length)
    throw new UserError(fields.lines ?? 'Certains champs sont à corriger.', undefined, fields);
  const v = h.data!;
  try {
    const posted = await postEntry(trx, actor, {
      journal: v.journal,
      date: v.date,
      label: v.label,
      pieceRef: v.pieceRef,
      source: { type: 'manual', id: null },
      lines,
    });
    await audit(trx, actor, {
      action: 'ledger.manual_entry',
      targetType: 'journal_entry',
      targetId: posted.id,
      data: {
        journal: v.journal,
        date: v.date,
        total: centsToDecimal(lines.reduce((t, l) => t + (l.debitCents ?? 0), 0)),
      },
    });
    return posted;
  } catch (e) {
    if (e instanceof UserError && !Object.keys(e.fields).length) throw new UserError(e.message, 'lines');
    throw e;
  }
}

// --- Bank lines posted straight to an account -------------------------------------------------
// Without a document of another module: bank fees (627), interest (768 received, 661 paid),
// social and tax payments (431 URSSAF, 437 pension and provident funds, 44551 VAT, 4421
// withholding tax), the net salary paid (421). The bank module decides which (it owns the
// statement) and authorizes its user; the ledger owns the chart and the entry: journal BQ, the
// bank's account against the chosen one.

/** The accounts a bank line may be posted to directly, with their chart labels. */
export const BANK_LINE_ACCOUNTS: Record<string, string> = {
  '627': 'Services bancaires',
  '661': 'Charges d’intérêts',
  '768': 'Autres produits financiers (intérêts)',
  '431': 'Sécurité sociale',
  '437': 'Autres organismes sociaux',
  '44551': 'TVA à décaisser',
  '4421': 'Prélèvement à la source',
  '421': 'Personnel — rémunérations dues',
};

export interface BankLinePosting {
  /** The bank's ledger account (512…). */
  bankAccount: string;
  /** One of BANK_LINE_ACCOUNTS. */
  account: string;
  /** Signed, as on the statement: negative = money out. */
  amountCents: number;
  date: IsoDate;
  label: string;
  pieceRef: string;
  /** The bank line (source of the entry). */
  sourceId: string;
  /** Auxiliary account on the counterpart (the person, for 421). */
  aux?: { account: string; label: string } | null;
}

/** Posts a bank line against one account (journal BQ); creates the account in the chart if missing. */
export async function postBankLine(trx: Tx, actor: Actor, p: BankLinePosting): Promise<PostedEntry> {
  requireModule(actor, 'ledger');
  const label = BANK_LINE_ACCOUNTS[p.account];
  if (!label) throw new UserError(`Compte non prévu pour une ligne bancaire : ${p.account}.`, 'account');
  if (!Number.isSafeInteger(p.amountCents) || p.amountCents === 0)
    throw new UserError('Montant de la ligne bancaire invalide.', 'amount');
  await ensureChart(trx, actor.cooperativeId);
  await createAccountIfMissing(trx, actor.cooperativeId, p.account, label);
  await createAccountIfMissing(trx, actor.cooperativeId, p.bankAccount, 'Banque');
  const roles = await accountRoles(trx, actor.cooperativeId);
  const amount = Math.abs(p.amountCents);
  // Charges and income of the cooperative itself: the structure's analytic code.
  const analyticCode = /^[67]/.test(p.account) ? roles.structureAnalyticCode : null;
  const other = {
    account: p.account,
    label: p.label,
    analyticCode,
    auxAccount: p.aux?.account ?? null,
    auxLabel: p.aux?.label ?? null,
  };
  const bank = { account: p.bankAccount, label: p.label };
  return postEntry(trx, actor, {
    journal: 'BQ',
    date: p.date,
    label: p.label,
    pieceRef: p.pieceRef,
    source: { type: 'bank_line', id: p.sourceId },
    lines:
      p.amountCents < 0
        ? [
            { ...other, debitCents: amount },
            { ...bank, creditCents: amount },
          ]
        : [
            { ...bank, debitCents: amount },
            { ...other, creditCents: amount },
          ],
  });
}

async function createAccountIfMissing(trx: Tx, cooperativeId: string, number: string, label: string) {
  const have = await ledgerDb(trx)
    .selectFrom('ledger_account')
    .select('number')
    .where('cooperative_id', '=', cooperativeId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (!have) await createAccount(trx, cooperativeId, number, label);
}

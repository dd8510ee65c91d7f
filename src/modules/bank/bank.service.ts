// Bank accounts, statement imports (idempotent: a dedupe key unique per account), automatic
// matching of the new lines, the "à justifier" list and one-click confirmation. Confirming a
// credit line against an invoice records the payment in sales (same transaction), so the ledger
// posts D 512 / C 411 through the sales events.
import { createHash } from 'node:crypto';
import { type Insertable, sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { requireModuleRole, requireModule } from '../../core/authz.ts';
import { uuidv7 } from '../../core/ids.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { toIsoDate, type IsoDate } from '../../core/dates.ts';
import { isIban, isBic } from '../../core/identifiers.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative } from '../directory/index.ts';
import { parseStatement, type CsvMapping, type StatementFormat, type ParsedLine } from './parsers.ts';
import {
  OpenItemIndex,
  rankSuggestions,
  autoMatch,
  loadOpenItems,
  sourceFor,
  historyKeys,
  distinctTargets,
  type OpenItem,
  type Suggestion,
  type MatchHistory,
  type BankLineLike,
  type MatchSource,
  type Settlement,
} from './matching.ts';
import type { BankTables, MatchTarget } from './schema.ts';
import './purchases-sources.ts';
import { BANK_LINE_ACCOUNTS, postBankLine } from '../ledger/index.ts';
import { purchaseDocumentLabels } from '../purchases/index.ts';
import './salary-source.ts';
import { getSalaryRequest } from '../ledger/index.ts';
import {
  ACCOUNT_KINDS,
  isAccountKind,
  kindFits,
  recogniseAccountKind,
  type AccountKind,
} from './account-justification.ts';
import { bankDb } from './db.ts';
import { invoiceNumbers } from '../sales/index.ts';

const BANK_ROLES = ['accountant', 'director', 'support'] as const;
const canBank = (a: Actor) => requireModuleRole(a, 'bank', ...BANK_ROLES);

export interface BankAccount {
  id: string;
  iban: string;
  bic: string | null;
  label: string;
  ledgerAccount: string;
}
export interface BankTransaction extends BankLineLike {
  id: string;
  accountId: string;
  valueDate: IsoDate | null;
  bankCode: string | null;
  status: 'to_justify' | 'matched' | 'ignored';
}
export interface ImportResult {
  importId: string | null;
  format: StatementFormat;
  lines: number;
  imported: number;
  duplicates: number;
  matched: number;
  toJustify: number;
}

const toAccount = (r: {
  id: string;
  iban: string;
  bic: string | null;
  label: string;
  ledger_account: string;
}): BankAccount => ({ id: r.id, iban: r.iban, bic: r.bic, label: r.label, ledgerAccount: r.ledger_account });

// --- accounts -------------------------------------------------------------------------------

/** The cooperative's main IBAN gets its bank account on first use. */
export async function ensureMainAccount(trx: Tx, actor: Actor): Promise<BankAccount | null> {
  requireModule(actor, 'bank');
  const coop = await getCooperative(trx, actor.cooperativeId);
  if (!coop?.iban) return null;
  const iban = coop.iban.replace(/\s/g, '').toUpperCase();
  const found = await bankDb(trx)
    .selectFrom('bank_account')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('iban', '=', iban)
    .executeTakeFirst();
  if (found) return toAccount(found);
  const row = {
    cooperative_id: actor.cooperativeId,
    id: uuidv7(),
    iban,
    bic: coop.bic,
    label: 'Compte principal',
    ledger_account: '512',
  };
  await bankDb(trx)
    .insertInto('bank_account')
    .values(row)
    .onConflict((oc) => oc.columns(['cooperative_id', 'iban']).doNothing())
    .execute();
  return toAccount(
    await bankDb(trx)
      .selectFrom('bank_account')
      .selectAll()
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('iban', '=', iban)
      .executeTakeFirstOrThrow(),
  );
}

export async function listAccounts(trx: Tx, actor: Actor): Promise<BankAccount[]> {
  canBank(actor);
  await ensureMainAccount(trx, actor);
  return (
    await bankDb(trx)
      .selectFrom('bank_account')
      .selectAll()
      .where('cooperative_id', '=', actor.cooperativeId)
      .orderBy('created_at')
      .execute()
  ).map(toAccount);
}

export async function createAccount(
  trx: Tx,
  actor: Actor,
  input: { iban: string; bic?: string | null; label: string; ledgerAccount?: string },
): Promise<BankAccount> {
  canBank(actor);
  const iban = input.iban.replace(/\s/g, '').toUpperCase();
  const bic = input.bic?.replace(/\s/g, '').toUpperCase() || null;
  const fields: Record<string, string> = {};
  if (!isIban(iban)) fields.iban = 'IBAN invalide (vérifiez la clé).';
  if (bic && !isBic(bic)) fields.bic = 'BIC invalide (8 ou 11 caractères).';
  if (!input.label?.trim()) fields.label = 'Donnez un nom au compte.';
  const ledger = input.ledgerAccount?.trim() || '512';
  if (!/^512[0-9A-Z]*$/.test(ledger)) fields.ledgerAccount = "Le compte comptable d'une banque commence par 512.";
  if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  const dup = await bankDb(trx)
    .selectFrom('bank_account')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('iban', '=', iban)
    .executeTakeFirst();
  if (dup) throw new UserError('Ce compte existe déjà.', 'iban');
  const row = {
    cooperative_id: actor.cooperativeId,
    id: uuidv7(),
    iban,
    bic,
    label: input.label.trim(),
    ledger_account: ledger,
  };
  await bankDb(trx).insertInto('bank_account').values(row).execute();
  await audit(trx, actor, {
    action: 'bank.account_created',
    targetType: 'bank_account',
    targetId: row.id,
    data: { iban },
  });
  return toAccount(row);
}

/** The account with this IBAN (the cooperative's main IBAN is created on first use). */
export async function accountByIban(trx: Tx, actor: Actor, ibanInput: string): Promise<BankAccount | null> {
  requireModule(actor, 'bank');
  const iban = ibanInput.replace(/\s/g, '').toUpperCase();
  const r = await bankDb(trx)
    .selectFrom('bank_account')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('iban', '=', iban)
    .executeTakeFirst();
  if (r) return toAccount(r);
  const main = await ensureMainAccount(trx, actor);
  return main?.iban === iban ? main : null;
}

async function getAccount(trx: Tx, actor: Actor, id: string): Promise<BankAccount> {
  const r = await bankDb(trx)
    .selectFrom('bank_account')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Compte bancaire');
  return toAccount(r);
}

// --- import ---------------------------------------------------------------------------------

const bankKey = (iban: string) => (iban.startsWith('FR') ? `FR:${iban.slice(4, 9)}` : iban.slice(0, 8));

export async function savedCsvMapping(trx: Tx, actor: Actor, account: BankAccount): Promise<CsvMapping | null> {
  requireModule(actor, 'bank');
  const r = await bankDb(trx)
    .selectFrom('bank_csv_mapping')
    .select('mapping')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('bank_key', '=', bankKey(account.iban))
    .executeTakeFirst();
  return (r?.mapping as CsvMapping) ?? null;
}
export async function saveCsvMapping(trx: Tx, actor: Actor, account: BankAccount, mapping: CsvMapping): Promise<void> {
  requireModule(actor, 'bank');
  await bankDb(trx)
    .insertInto('bank_csv_mapping')
    .values({ cooperative_id: actor.cooperativeId, bank_key: bankKey(account.iban), mapping: JSON.stringify(mapping) })
    .onConflict((oc) =>
      oc
        .columns(['cooperative_id', 'bank_key'])
        .doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: new Date() }),
    )
    .execute();
}

export async function importStatement(
  trx: Tx,
  actor: Actor,
  input: {
    accountId: string;
    bytes: Uint8Array;
    fileName?: string | null;
    format?: StatementFormat;
    csvMapping?: CsvMapping | null;
    autoMatch?: boolean;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ImportResult> {
  canBank(actor);
  const account = await getAccount(trx, actor, input.accountId);
  // Imports into one account run one at a time (the account row is locked until commit): a file
  // sent twice at once, or two files sharing lines, insert each line once and match it once.
  await bankDb(trx)
    .selectFrom('bank_account')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', account.id)
    .forUpdate()
    .execute();
  const mapping = input.csvMapping ?? (await savedCsvMapping(trx, actor, account));
  // Parsing first: a malformed file throws StatementParseError here, before anything is written.
  const parsed = parseStatement(input.bytes, { format: input.format, csvMapping: mapping });
  if (parsed.accountIban && isIban(parsed.accountIban) && parsed.accountIban !== account.iban) {
    throw new UserError(
      `Ce relevé est celui du compte ${parsed.accountIban}, pas de ${account.iban} : rien n'a été importé.`,
      'file',
    );
  }
  if (parsed.format === 'csv' && input.csvMapping) await saveCsvMapping(trx, actor, account, input.csvMapping);
  const importId = uuidv7();
  const fileHash = createHash('sha256').update(input.bytes).digest('hex');
  await bankDb(trx)
    .insertInto('bank_statement_import')
    .values({
      cooperative_id: actor.cooperativeId,
      id: importId,
      account_id: account.id,
      file_hash: fileHash,
      file_name: input.fileName ?? null,
      format: parsed.format,
      imported_by: actor.userId,
      line_count: parsed.lines.length,
    })
    .execute();
  const newIds: string[] = [];
  const CHUNK = 250;
  for (let i = 0; i < parsed.lines.length; i += CHUNK) {
    const rows = parsed.lines.slice(i, i + CHUNK).map((l: ParsedLine) => ({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      account_id: account.id,
      import_id: importId,
      booking_date: l.bookingDate,
      value_date: l.valueDate,
      amount_cents: l.amountCents,
      currency: l.currency,
      label: l.label.slice(0, 500),
      counterparty_name: l.counterpartyName?.slice(0, 200) ?? null,
      counterparty_iban: l.counterpartyIban,
      reference: l.reference?.slice(0, 200) ?? null,
      dedupe_key: l.dedupeKey,
      bank_code: l.bankCode ?? null,
      status: 'to_justify' as const,
    }));
    const ins = await bankDb(trx)
      .insertInto('bank_transaction')
      .values(rows)
      .onConflict((oc) => oc.columns(['cooperative_id', 'account_id', 'dedupe_key']).doNothing())
      .returning('id')
      .execute();
    newIds.push(...ins.map((r) => r.id));
    input.onProgress?.(Math.min(parsed.lines.length, i + CHUNK), parsed.lines.length);
  }
  const matched = input.autoMatch === false ? 0 : await autoMatchTransactions(trx, actor, newIds);
  const imported = newIds.length;
  const duplicates = parsed.lines.length - imported;
  await bankDb(trx)
    .updateTable('bank_statement_import')
    .set({ imported_count: imported, duplicate_count: duplicates, matched_count: matched })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', importId)
    .execute();
  await audit(trx, actor, {
    action: 'bank.statement_imported',
    targetType: 'bank_account',
    targetId: account.id,
    data: { importId, format: parsed.format, imported, duplicates, matched, fileHash },
  });
  return {
    importId,
    format: parsed.format,
    lines: parsed.lines.length,
    imported,
    duplicates,
    matched,
    toJustify: imported - matched,
  };
}

// --- matching -------------------------------------------------------------------------------

export type TxRow = {
  id: string;
  account_id: string;
  booking_date: unknown;
  value_date: unknown;
  amount_cents: number;
  label: string;
  counterparty_name: string | null;
  counterparty_iban: string | null;
  reference: string | null;
  bank_code?: string | null;
  status: string;
};
export const toTransaction = (r: TxRow): BankTransaction => ({
  id: r.id,
  accountId: r.account_id,
  bookingDate: toIsoDate(r.booking_date),
  valueDate: r.value_date ? toIsoDate(r.value_date) : null,
  amountCents: Number(r.amount_cents),
  label: r.label,
  counterpartyName: r.counterparty_name,
  counterpartyIban: r.counterparty_iban,
  reference: r.reference,
  bankCode: r.bank_code ?? null,
  status: r.status as BankTransaction['status'],
});

export async function matchHistory(trx: Tx, actor: Actor): Promise<MatchHistory> {
  requireModule(actor, 'bank');
  const rows = await bankDb(trx)
    .selectFrom('bank_match')
    .innerJoin('bank_transaction', (j) =>
      j
        .onRef('bank_transaction.cooperative_id', '=', 'bank_match.cooperative_id')
        .onRef('bank_transaction.id', '=', 'bank_match.transaction_id'),
    )
    .select(['bank_transaction.counterparty_iban', 'bank_transaction.counterparty_name', 'bank_match.party_key'])
    .where('bank_match.cooperative_id', '=', actor.cooperativeId)
    .where('bank_match.party_key', 'is not', null)
    .execute();
  const h: MatchHistory = new Map();
  for (const r of rows)
    for (const k of historyKeys({ counterpartyIban: r.counterparty_iban, counterpartyName: r.counterparty_name })) {
      if (!h.has(k)) h.set(k, new Set());
      h.get(k)!.add(r.party_key!);
    }
  return h;
}

type MatchRow = Insertable<BankTables['bank_match']>;
/** The matches applied so far, written together (see autoMatchTransactions): the bank's own rows,
 *  and the targets still to settle in their modules, each with the row that awaits its payment. */
interface PendingMatches {
  matches: MatchRow[];
  lineIds: string[];
  settlements: { settlement: Settlement; row: MatchRow }[];
  /** A statement's automatic matches: settled at once where the source can. */
  batch: boolean;
}

/** Settles the pending targets, per source, in the order they were matched: at once where the
 *  source can (`settleMany`) for a batch, else one by one (a match confirmed by hand). */
async function settlePending(trx: Tx, actor: Actor, w: PendingMatches): Promise<void> {
  const bySource = new Map<MatchSource, PendingMatches['settlements']>();
  for (const p of w.settlements) {
    const src = sourceFor(p.settlement.item.targetType)!;
    bySource.set(src, [...(bySource.get(src) ?? []), p]);
  }
  for (const [src, list] of bySource) {
    if (w.batch && src.settleMany) {
      const ids = await src.settleMany(
        trx,
        actor,
        list.map((p) => p.settlement),
      );
      list.forEach((p, i) => {
        p.row.payment_id = ids[i];
      });
    } else
      for (const p of list)
        p.row.payment_id = await src.settle(trx, actor, p.settlement.item, p.settlement.amountCents, p.settlement.line);
  }
  w.settlements = [];
}

/** Settles what is pending, writes the match rows and marks the lines matched: a few statements
 *  for a whole statement's matches rather than two per line. */
async function writeMatches(trx: Tx, actor: Actor, w: PendingMatches): Promise<void> {
  await settlePending(trx, actor, w);
  for (let i = 0; i < w.matches.length; i += 500)
    await bankDb(trx)
      .insertInto('bank_match')
      .values(w.matches.slice(i, i + 500))
      .execute();
  for (let i = 0; i < w.lineIds.length; i += 1000)
    await bankDb(trx)
      .updateTable('bank_transaction')
      .set({ status: 'matched' })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', 'in', w.lineIds.slice(i, i + 1000))
      .execute();
}

/**
 * Applies a suggestion: settles each target in its module, then writes the matches and marks the
 * line matched — at once, or into `pending` for the caller to settle and write with the others
 * (nothing between two matches reads what settling writes: the ranking keeps the items'
 * remaining amounts in memory).
 */
async function applySuggestion(
  trx: Tx,
  actor: Actor,
  t: BankTransaction,
  s: Suggestion,
  matchedBy: string,
  history?: MatchHistory,
  pending?: PendingMatches,
) {
  const total = s.targets.reduce((a, x) => a + x.amountCents, 0);
  if (total !== Math.abs(t.amountCents))
    throw new UserError('La somme rapprochée doit être égale au montant de la ligne bancaire.');
  if (!distinctTargets(s.targets))
    throw new UserError('Un même document ne peut être rapproché deux fois de la même ligne bancaire.');
  const w: PendingMatches = pending ?? { matches: [], lineIds: [], settlements: [], batch: false };
  for (const target of s.targets) {
    if (!sourceFor(target.item.targetType))
      throw new UserError(`Rapprochement impossible : type ${target.item.targetType} non pris en charge.`);
    const row: MatchRow = {
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      transaction_id: t.id,
      target_type: target.item.targetType,
      target_id: target.item.id,
      amount_cents: t.amountCents < 0 ? -target.amountCents : target.amountCents,
      matched_by: matchedBy,
      score: Math.round(s.score),
      payment_id: null,
      party_key: target.item.partyKey,
    };
    // The amount is taken now: settling later must see the item as this match found it.
    w.settlements.push({ settlement: { item: { ...target.item }, amountCents: target.amountCents, line: t }, row });
    w.matches.push(row);
    target.item.remainingCents -= target.amountCents;
    if (history)
      for (const k of historyKeys(t)) {
        if (!history.has(k)) history.set(k, new Set());
        history.get(k)!.add(target.item.partyKey);
      }
  }
  w.lineIds.push(t.id);
  if (!pending) await writeMatches(trx, actor, w);
}

/** Auto-matches the given lines (oldest first) when confident; returns how many were matched. */
export async function autoMatchTransactions(trx: Tx, actor: Actor, ids: string[]): Promise<number> {
  requireModule(actor, 'bank');
  if (!ids.length) return 0;
  const rows: TxRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...((await bankDb(trx)
        .selectFrom('bank_transaction')
        .selectAll()
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', 'in', ids.slice(i, i + 500))
        .where('status', '=', 'to_justify')
        .execute()) as TxRow[]),
    );
  }
  const lines = rows
    .map(toTransaction)
    .sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : 0));
  const items = new OpenItemIndex(await loadOpenItems(trx, actor));
  const history = await matchHistory(trx, actor);
  const pending: PendingMatches = { matches: [], lineIds: [], settlements: [], batch: true };
  let matched = 0;
  for (const t of lines) {
    const best = autoMatch(rankSuggestions(t, items, history));
    if (!best) continue;
    const before = best.targets.map((x) => [x.item, x.item.remainingCents] as const);
    await applySuggestion(trx, actor, t, best, 'auto', history, pending);
    for (const [item, cents] of before) items.moved(item, cents);
    matched++;
  }
  await writeMatches(trx, actor, pending);
  await audit(trx, actor, { action: 'bank.auto_matched', data: { candidates: lines.length, matched } });
  return matched;
}

const suggestionKey = (s: Suggestion) =>
  s.targets
    .map((t) => `${t.item.targetType}:${t.item.id}:${t.amountCents}:${t.item.existingPaymentId ?? ''}`)
    .join(',');
export interface SuggestionView {
  key: string;
  suggestion: Suggestion;
}

export async function getTransaction(trx: Tx, actor: Actor, id: string): Promise<BankTransaction> {
  requireModule(actor, 'bank');
  const r = await bankDb(trx)
    .selectFrom('bank_transaction')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Ligne bancaire');
  return toTransaction(r as TxRow);
}

/**
 * Locks the line (`select … for update`) until the transaction ends, then reads it: of several
 * concurrent justifications of one line (confirmation, manual match, "sans pièce"), one wins and
 * the others, once it has committed, see it justified.
 */
async function lockLineToJustify(trx: Tx, actor: Actor, transactionId: string): Promise<BankTransaction> {
  const r = await bankDb(trx)
    .selectFrom('bank_transaction')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', transactionId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Ligne bancaire');
  const t = toTransaction(r as TxRow);
  if (t.status !== 'to_justify') throw new UserError('Cette ligne est déjà justifiée.');
  return t;
}

/** Lines waiting for a justification, each with its ranked suggestions. */
export async function listToJustify(
  trx: Tx,
  actor: Actor,
  opts: { limit?: number; accountId?: string } = {},
): Promise<{
  total: number;
  items: { tx: BankTransaction; suggestions: SuggestionView[]; accountKind: AccountKind | null }[];
}> {
  canBank(actor);
  let q = bankDb(trx)
    .selectFrom('bank_transaction')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('status', '=', 'to_justify');
  if (opts.accountId) q = q.where('account_id', '=', opts.accountId);
  const n = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('booking_date', 'desc')
    .orderBy('id')
    .limit(opts.limit ?? 50)
    .execute();
  const txs = rows.map((r) => toTransaction(r as TxRow));
  const suggestions = await suggestionsForLines(trx, actor, txs);
  return {
    total: Number(n.n),
    items: txs.map((tx, i) => ({
      tx,
      suggestions: suggestions[i],
      // Fees, interest, URSSAF, DGFiP…: offered as a one-click justification to their account.
      accountKind: recogniseAccountKind(tx),
    })),
  };
}

/** The ranked suggestions of each line (in the order given), each with the key that confirms it. */
export async function suggestionsForLines(
  trx: Tx,
  actor: Actor,
  lines: BankTransaction[],
): Promise<SuggestionView[][]> {
  canBank(actor);
  if (!lines.length) return [];
  const items = new OpenItemIndex(await loadOpenItems(trx, actor));
  const history = await matchHistory(trx, actor);
  return lines.map((tx) =>
    tx.status === 'to_justify'
      ? rankSuggestions(tx, items, history).map((s) => ({ key: suggestionKey(s), suggestion: s }))
      : [],
  );
}

/** One-click confirmation: `key` must be one of the line's current suggestions (nothing stale is applied). */
export async function confirmSuggestion(trx: Tx, actor: Actor, transactionId: string, key: string): Promise<void> {
  canBank(actor);
  const t = await lockLineToJustify(trx, actor, transactionId);
  const s = rankSuggestions(t, await loadOpenItems(trx, actor), await matchHistory(trx, actor), 20).find(
    (x) => suggestionKey(x) === key,
  );
  if (!s)
    throw new UserError(
      "Cette suggestion n'est plus valable (la facture a peut-être été réglée entre-temps). Rechargez la page.",
    );
  await applySuggestion(trx, actor, t, s, actor.userId ?? 'system');
  await audit(trx, actor, {
    action: 'bank.match_confirmed',
    targetType: 'bank_transaction',
    targetId: t.id,
    data: { key },
  });
}

/** Explicit match chosen by hand (partial amounts, several invoices): targets with their amounts. */
export async function matchManually(
  trx: Tx,
  actor: Actor,
  transactionId: string,
  targets: { targetType: MatchTarget; id: string; amountCents: number }[],
): Promise<void> {
  canBank(actor);
  const t = await lockLineToJustify(trx, actor, transactionId);
  const open = (await loadOpenItems(trx, actor)).filter((i) => !i.existingPaymentId);
  const chosen = targets.map((x) => {
    const item = open.find((i) => i.targetType === x.targetType && i.id === x.id);
    if (!item) throw new UserError('Document introuvable ou déjà soldé.', 'targets');
    if (!Number.isSafeInteger(x.amountCents) || x.amountCents <= 0 || x.amountCents > item.remainingCents)
      throw new UserError('Montant à rapprocher invalide (au plus le reste dû).', 'targets');
    if ((item.direction === 'in') !== t.amountCents > 0)
      throw new UserError(
        "Une ligne créditrice se rapproche d'une facture client, une ligne débitrice d'une dépense.",
        'targets',
      );
    return { item, amountCents: x.amountCents };
  });
  // applySuggestion checks these again; here they are told beside the field that holds them.
  if (chosen.reduce((a, x) => a + x.amountCents, 0) !== Math.abs(t.amountCents))
    throw new UserError('La somme rapprochée doit être égale au montant de la ligne bancaire.', 'targets');
  if (!distinctTargets(chosen))
    throw new UserError('Un même document ne peut être rapproché deux fois de la même ligne bancaire.', 'targets');
  await applySuggestion(
    trx,
    actor,
    t,
    { kind: chosen.length > 1 ? 'grouped' : 'single', targets: chosen, score: 100, reasons: ['choisi à la main'] },
    actor.userId ?? 'system',
  );
  await audit(trx, actor, {
    action: 'bank.match_manual',
    targetType: 'bank_transaction',
    targetId: t.id,
    data: { targets },
  });
}

/** Lines that need no document (bank fees…): justified without a match. */
export async function markIgnored(trx: Tx, actor: Actor, transactionId: string): Promise<void> {
  canBank(actor);
  const t = await lockLineToJustify(trx, actor, transactionId);
  await bankDb(trx)
    .updateTable('bank_transaction')
    .set({ status: 'ignored' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', t.id)
    .execute();
  await audit(trx, actor, { action: 'bank.line_ignored', targetType: 'bank_transaction', targetId: t.id });
}

/**
 * One-click justification to an account (bank fees, interest, URSSAF, DGFiP…): posts the line
 * through the ledger (BQ, the bank's account against 627 / 768 / 661 / 431 / 437 / 44551 / 4421),
 * records the match to that entry and marks the line matched. The line is locked first: two
 * clicks never post twice.
 */
export async function justifyToAccount(
  trx: Tx,
  actor: Actor,
  transactionId: string,
  kind: string,
): Promise<{ entryId: string; account: string }> {
  canBank(actor);
  if (!isAccountKind(kind)) throw new UserError('Choisissez le type de la ligne (frais bancaires, URSSAF…).', 'kind');
  const t = await lockLineToJustify(trx, actor, transactionId);
  if (!kindFits(kind, t.amountCents))
    throw new UserError(
      `Une ligne ${t.amountCents > 0 ? 'créditrice' : 'débitrice'} ne peut pas être justifiée en « ${ACCOUNT_KINDS[kind].label} ».`,
      'kind',
    );
  const bankAccount = await getAccount(trx, actor, t.accountId);
  const account = ACCOUNT_KINDS[kind].account(t.amountCents);
  const entry = await postBankLine(trx, actor, {
    bankAccount: bankAccount.ledgerAccount,
    account,
    amountCents: t.amountCents,
    date: t.bookingDate,
    label: `${ACCOUNT_KINDS[kind].label} — ${t.label}`.slice(0, 200),
    pieceRef: `BQ-${t.id.slice(-12)}`,
    sourceId: t.id,
  });
  await bankDb(trx)
    .insertInto('bank_match')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      transaction_id: t.id,
      target_type: 'account',
      target_id: entry.id,
      amount_cents: t.amountCents,
      matched_by: actor.userId ?? 'system',
      score: 100,
      account,
    })
    .execute();
  await bankDb(trx)
    .updateTable('bank_transaction')
    .set({ status: 'matched' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', t.id)
    .execute();
  await audit(trx, actor, {
    action: 'bank.line_posted_to_account',
    targetType: 'bank_transaction',
    targetId: t.id,
    data: { kind, account, entry: entry.id },
  });
  return { entryId: entry.id, account };
}

/** "Salaire 2026-11 — Alice Martin" for matched salary lines. */
async function salaryLabels(trx: Tx, actor: Actor, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    const r = await getSalaryRequest(trx, actor, id).catch(() => null);
    if (r) out.set(id, `Salaire ${r.month} — ${r.userName}`);
  }
  return out;
}

/** A matched line as the list shows it: which document (and its number) or which account. */
export interface MatchedRow {
  id: string;
  target_type: MatchTarget;
  target_id: string;
  amount_cents: number;
  matched_by: string;
  score: number;
  booking_date: IsoDate;
  label: string;
  line_cents: number;
  number: string | null;
  /** "Facture 2025-00002", "Facture fournisseur F-881 — Garage", "Compte 627 — Frais bancaires"… */
  document: string;
  href: string | null;
}

/** What a match target is called on the pages (« Facture F-2026-0012 »). */
export const TARGET_WORDS: Record<MatchTarget, string> = {
  invoice: 'Facture',
  supplier_invoice: 'Facture fournisseur',
  expense_report: 'Note de frais',
  salary: 'Salaire',
  account: 'Compte',
};

export async function listMatched(trx: Tx, actor: Actor, opts: { limit?: number } = {}): Promise<MatchedRow[]> {
  canBank(actor);
  const rows = await bankDb(trx)
    .selectFrom('bank_match')
    .innerJoin('bank_transaction', (j) =>
      j
        .onRef('bank_transaction.cooperative_id', '=', 'bank_match.cooperative_id')
        .onRef('bank_transaction.id', '=', 'bank_match.transaction_id'),
    )
    .select([
      'bank_match.id',
      'bank_match.target_type',
      'bank_match.target_id',
      'bank_match.amount_cents',
      'bank_match.matched_by',
      'bank_match.score',
      'bank_match.account',
      'bank_transaction.booking_date',
      'bank_transaction.label',
      'bank_transaction.amount_cents as line_cents',
    ])
    .where('bank_match.cooperative_id', '=', actor.cooperativeId)
    .orderBy('bank_transaction.booking_date', 'desc')
    .orderBy('bank_match.id')
    .limit(opts.limit ?? 50)
    .execute();
  const ids = (t: MatchTarget) => rows.filter((r) => r.target_type === t).map((r) => r.target_id);
  // Purchase documents are named by the purchases module (the bank never reads its tables).
  const purchases =
    ids('supplier_invoice').length || ids('expense_report').length
      ? await purchaseDocumentLabels(trx, actor, {
          supplierInvoiceIds: ids('supplier_invoice'),
          expenseReportIds: ids('expense_report'),
        })
      : new Map<string, { number: string; label: string; href: string }>();
  const salaries = ids('salary').length ? await salaryLabels(trx, actor, ids('salary')) : new Map<string, string>();
  // Invoice numbers from the sales module, in one batch.
  const numbers = await invoiceNumbers(trx, actor.cooperativeId, ids('invoice'));
  return rows.map((r) => {
    const p = purchases.get(r.target_id);
    const accountName = r.account ? BANK_LINE_ACCOUNTS[r.account] : null;
    const document =
      r.target_type === 'invoice'
        ? `Facture ${numbers.get(r.target_id) ?? ''}`.trim()
        : r.target_type === 'account'
          ? `Compte ${r.account ?? ''}${accountName ? ` — ${accountName}` : ''}`
          : r.target_type === 'salary'
            ? (salaries.get(r.target_id) ?? TARGET_WORDS.salary)
            : (p?.label ?? TARGET_WORDS[r.target_type]);
    return {
      id: r.id,
      target_type: r.target_type,
      target_id: r.target_id,
      amount_cents: Number(r.amount_cents),
      matched_by: r.matched_by,
      score: r.score,
      booking_date: toIsoDate(r.booking_date),
      label: r.label,
      line_cents: Number(r.line_cents),
      number: r.target_type === 'invoice' ? (numbers.get(r.target_id) ?? null) : (p?.number ?? null),
      document,
      // Salaries have no page of their own to link to (the salary list is per month).
      href: r.target_type === 'invoice' ? `/factures/${r.target_id}` : (p?.href ?? null),
    };
  });
}

export async function bankCounts(trx: Tx, actor: Actor) {
  requireModule(actor, 'bank');
  const r = await bankDb(trx)
    .selectFrom('bank_transaction')
    .select(['status', sql<number>`count(*)`.as('n')])
    .where('cooperative_id', '=', actor.cooperativeId)
    .groupBy('status')
    .execute();
  const get = (s: string) => Number(r.find((x) => x.status === s)?.n ?? 0);
  return { toJustify: get('to_justify'), matched: get('matched'), ignored: get('ignored') };
}

export type { OpenItem };

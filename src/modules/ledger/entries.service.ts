// Reading the journal entries for the accountant's screens: the list by journal and month, one
// entry with its lines, and the lines of one account over a fiscal year. Pages call these (they
// never query), and each checks the actor may read the books.
import { moduleView, type Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError } from '../../core/errors.ts';
import { addMonths } from '../../core/dates.ts';
import type { IsoDate } from '../../core/dates.ts';
import { LEDGER } from './permissions.ts';
import type { LedgerTables } from './schema.ts';
import { ledgerDb } from './db.ts';

const ledgerView = moduleView<LedgerTables>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface EntryListFilter {
  journal?: string;
  /** 'YYYY-MM' */
  month?: string;
  page: number;
  pageSize: number;
}

export async function listEntries(tx: Tx, actor: Actor, f: EntryListFilter) {
  authorize(actor, LEDGER.reportsRead);
  const trx = ledgerView(tx);
  let q = ledgerDb(trx).selectFrom('journal_entry').where('journal_entry.cooperative_id', '=', actor.cooperativeId);
  if (f.journal) q = q.where('journal_entry.journal_code', '=', f.journal);
  if (f.month && /^\d{4}-(0[1-9]|1[0-2])$/.test(f.month))
    q = q
      .where('journal_entry.entry_date', '>=', `${f.month}-01`)
      .where('journal_entry.entry_date', '<', `${addMonths(`${f.month}-01`, 1)}`);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .leftJoin('entry_line', (j) =>
      j
        .onRef('entry_line.cooperative_id', '=', 'journal_entry.cooperative_id')
        .onRef('entry_line.entry_id', '=', 'journal_entry.id'),
    )
    .select((eb) => [
      'journal_entry.id',
      'journal_entry.journal_code',
      'journal_entry.entry_number',
      'journal_entry.fiscal_year',
      'journal_entry.entry_date',
      'journal_entry.label',
      'journal_entry.piece_ref',
      eb.fn.sum<number>('entry_line.debit_cents').as('amount'),
    ])
    .groupBy([
      'journal_entry.id',
      'journal_entry.journal_code',
      'journal_entry.entry_number',
      'journal_entry.fiscal_year',
      'journal_entry.entry_date',
      'journal_entry.label',
      'journal_entry.piece_ref',
    ])
    .orderBy('journal_entry.entry_date', 'desc')
    .orderBy('journal_entry.journal_code')
    .orderBy('journal_entry.entry_number', 'desc')
    .limit(f.pageSize)
    .offset((Math.max(1, f.page) - 1) * f.pageSize)
    .execute();
  const journals = await ledgerDb(trx)
    .selectFrom('ledger_journal')
    .select(['code', 'label'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('code')
    .execute();
  return { rows, total, journals };
}

/** One entry with its lines and the label of each account. */
export async function getEntry(tx: Tx, actor: Actor, id: string) {
  authorize(actor, LEDGER.reportsRead);
  const trx = ledgerView(tx);
  if (!UUID.test(id)) throw new NotFoundError('Écriture');
  const e = await ledgerDb(trx)
    .selectFrom('journal_entry')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!e) throw new NotFoundError('Écriture');
  const lines = await ledgerDb(trx)
    .selectFrom('entry_line')
    .leftJoin('ledger_account', (j) =>
      j
        .onRef('ledger_account.cooperative_id', '=', 'entry_line.cooperative_id')
        .onRef('ledger_account.number', '=', 'entry_line.account'),
    )
    .selectAll('entry_line')
    .select('ledger_account.label as account_label')
    .where('entry_line.cooperative_id', '=', actor.cooperativeId)
    .where('entry_line.entry_id', '=', id)
    .orderBy('line_no')
    .execute();
  return { e, lines };
}

/** The lines of one account over a period (a fiscal year), a page at a time, with its totals. */
export async function accountDetail(
  tx: Tx,
  actor: Actor,
  number: string,
  b: { start: IsoDate; end: IsoDate },
  page: number,
  pageSize: number,
) {
  authorize(actor, LEDGER.reportsRead);
  const trx = ledgerView(tx);
  const account = await ledgerDb(trx)
    .selectFrom('ledger_account')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (!account) throw new NotFoundError('Compte');
  const base = ledgerDb(trx)
    .selectFrom('entry_line')
    .innerJoin('journal_entry', (j) =>
      j
        .onRef('journal_entry.cooperative_id', '=', 'entry_line.cooperative_id')
        .onRef('journal_entry.id', '=', 'entry_line.entry_id'),
    )
    .where('entry_line.cooperative_id', '=', actor.cooperativeId)
    .where('entry_line.account', '=', number)
    .where('journal_entry.entry_date', '>=', b.start)
    .where('journal_entry.entry_date', '<=', b.end);
  const tot = await base
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('entry_line.debit_cents').as('d'),
      eb.fn.sum<number>('entry_line.credit_cents').as('c'),
    ])
    .executeTakeFirstOrThrow();
  const lines = await base
    .select([
      'journal_entry.id',
      'journal_entry.entry_date',
      'journal_entry.journal_code',
      'journal_entry.piece_ref',
      'entry_line.label',
      'entry_line.aux_label',
      'entry_line.analytic_code',
      'entry_line.debit_cents',
      'entry_line.credit_cents',
      'entry_line.lettering',
    ])
    .orderBy('journal_entry.entry_date')
    .orderBy('journal_entry.journal_code')
    .orderBy('journal_entry.entry_number')
    .orderBy('entry_line.line_no')
    .limit(pageSize)
    .offset((Math.max(1, page) - 1) * pageSize)
    .execute();
  return { account, lines, total: Number(tot.n), d: Number(tot.d ?? 0), cr: Number(tot.c ?? 0) };
}

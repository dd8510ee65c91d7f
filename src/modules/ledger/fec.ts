// FEC (Fichier des écritures comptables, art. A47 A-1 LPF) of one fiscal year.
// `<SIREN>FEC<AAAAMMJJ>.txt`, 18 columns, tab-separated, dates AAAAMMJJ, amounts with a decimal
// comma. Entries are read by journal then posting number (keyset pages of entries, each read with
// its lines in one query, the next page while this one is formatted; one write per page), so
// memory stays constant. The posting number is given when the entry is
// validated, gapless per journal and fiscal year: the file follows the order of validation the FEC
// rules ask for, and EcritureNum is the number shown everywhere in the app (« VT2026-12 »).
import { sql } from 'kysely';
import { getCooperative } from '../directory/index.ts';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { entryLabel } from './chart.ts';
import { LEDGER } from './permissions.ts';
import { OPENING_JOURNAL } from './year-end.service.ts';
import { NotFoundError } from '../../core/errors.ts';
import { centsToDecimal } from '../../core/money.ts';
import type { IsoDate } from '../../core/dates.ts';
import { fiscalBounds } from './reports.ts';
import { ledgerDb } from './db.ts';

export const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

const txt = (s: string | null | undefined) => (s ?? '').replace(/[\t\r\n|]+/g, ' ').trim();
/** 'YYYY-MM-DD' → 'YYYYMMDD' (a million lines hold three dates each: slices, not a regular expression). */
const fecDate = (d: IsoDate | null | undefined) => (d ? `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}` : '');
const fecAmount = (c: number) => centsToDecimal(c, ',');

interface EntryKey {
  journal: string;
  year: number;
  number: number;
}

/** A page of entries of the period after `after` (in the order of the index journal_entry_number),
 *  each with its lines in the order of their numbers: one row per line. */
function readPage(
  trx: Tx,
  coop: string,
  from: IsoDate,
  to: IsoDate,
  openingPass: boolean,
  after: EntryKey | null,
  pageSize: number,
) {
  let entries = ledgerDb(trx)
    .selectFrom('journal_entry')
    .select([
      'id',
      'journal_code',
      'fiscal_year',
      'entry_number',
      'entry_date',
      'label',
      'piece_ref',
      'piece_date',
      // ValidDate is the day of validation in Paris; PostgreSQL works it out rather than a Date
      // and an Intl format per entry here.
      sql<string>`to_char(validated_at at time zone 'Europe/Paris', 'YYYYMMDD')`.as('valid_date'),
    ])
    .where('cooperative_id', '=', coop)
    .where('entry_date', '>=', from)
    .where('entry_date', '<=', to)
    .where('journal_code', openingPass ? '=' : '<>', OPENING_JOURNAL);
  // A row comparison, in the order of the index journal_entry_number: each page starts where the
  // last one ended, read from the index. (Spelt as OR of comparisons, PostgreSQL sorted every
  // remaining entry of the year for each page.)
  if (after)
    entries = entries.where(
      sql<boolean>`(journal_code, fiscal_year, entry_number) > (${after.journal}, ${after.year}, ${after.number})`,
    );
  // The entries and their lines in one query. Lateral and ordered, the lines are read entry by
  // entry from their primary key (a plain join was planned as a hash join reading every line of
  // the cooperative for each page); left, so an entry without lines still makes its page
  // non-empty (and writes nothing, as before).
  return ledgerDb(trx)
    .selectFrom(entries.orderBy('journal_code').orderBy('fiscal_year').orderBy('entry_number').limit(pageSize).as('e'))
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('entry_line')
          .select([
            'line_no',
            'account',
            'aux_account',
            'aux_label',
            'label',
            'debit_cents',
            'credit_cents',
            'lettering',
            'lettered_on',
          ])
          .where('entry_line.cooperative_id', '=', coop)
          .whereRef('entry_line.entry_id', '=', 'e.id')
          .orderBy('line_no')
          .as('l'),
      (join) => join.onTrue(),
    )
    .select([
      'e.id',
      'e.journal_code',
      'e.fiscal_year',
      'e.entry_number',
      'e.entry_date',
      'e.label as entry_label',
      'e.piece_ref',
      'e.piece_date',
      'e.valid_date',
      'l.account',
      'l.aux_account',
      'l.aux_label',
      'l.label',
      'l.debit_cents',
      'l.credit_cents',
      'l.lettering',
      'l.lettered_on',
    ])
    .orderBy('e.journal_code')
    .orderBy('e.fiscal_year')
    .orderBy('e.entry_number')
    .orderBy('l.line_no')
    .execute();
}

/** The FEC rows (header first) of a period, one array of rows per page of entries. */
async function* fecPages(
  trx: Tx,
  actor: Actor,
  from: IsoDate,
  to: IsoDate,
  pageSize: number,
): AsyncGenerator<string[]> {
  authorize(actor, LEDGER.reportsRead);
  const coop = actor.cooperativeId;
  // Labels cleaned once, not on each of their lines.
  const journals = new Map(
    (
      await ledgerDb(trx)
        .selectFrom('ledger_journal')
        .select(['code', 'label'])
        .where('cooperative_id', '=', coop)
        .execute()
    ).map((j) => [j.code, txt(j.label)]),
  );
  const accounts = new Map(
    (
      await ledgerDb(trx)
        .selectFrom('ledger_account')
        .select(['number', 'label'])
        .where('cooperative_id', '=', coop)
        .execute()
    ).map((a) => [a.number, txt(a.label)]),
  );
  yield [FEC_COLUMNS.join('\t')];
  // The opening entries (journal AN) come first, as the FEC rules require; then the other
  // journals in their order.
  for (const openingPass of [true, false]) {
    let next = readPage(trx, coop, from, to, openingPass, null, pageSize);
    for (;;) {
      const rows = await next;
      if (!rows.length) break;
      const last = rows[rows.length - 1];
      // The next page is asked for before this one is formatted: PostgreSQL reads it meanwhile.
      next = readPage(
        trx,
        coop,
        from,
        to,
        openingPass,
        { journal: last.journal_code, year: last.fiscal_year, number: last.entry_number },
        pageSize,
      );
      // Awaited on the next turn; an export stopped before must not leave its failure unhandled.
      next.catch(() => {});
      const page: string[] = [];
      let entryId = '';
      // What a line repeats of its entry, formatted once per entry.
      let head = '';
      let piece = '';
      let validDate = '';
      for (const r of rows) {
        if (r.id !== entryId) {
          entryId = r.id;
          head = [
            r.journal_code,
            journals.get(r.journal_code) ?? '',
            entryLabel(r.journal_code, r.fiscal_year, r.entry_number),
            fecDate(r.entry_date),
          ].join('\t');
          piece = `${txt(r.piece_ref)}\t${fecDate(r.piece_date)}`;
          validDate = r.valid_date;
        }
        if (r.account === null) continue;
        page.push(
          [
            head,
            r.account,
            accounts.get(r.account) ?? '',
            txt(r.aux_account),
            txt(r.aux_label),
            piece,
            txt(r.label || r.entry_label),
            fecAmount(r.debit_cents ?? 0),
            fecAmount(r.credit_cents ?? 0),
            txt(r.lettering),
            fecDate(r.lettered_on),
            validDate,
            '',
            '',
          ].join('\t'),
        );
      }
      if (page.length) yield page;
    }
  }
}

/** The FEC file's text (header first), one chunk per page of entries: what the download streams. */
export async function* fecChunks(
  trx: Tx,
  actor: Actor,
  from: IsoDate,
  to: IsoDate,
  pageSize = 1000,
): AsyncGenerator<string> {
  for await (const page of fecPages(trx, actor, from, to, pageSize)) yield `${page.join('\r\n')}\r\n`;
}

/** The FEC rows (header first) of a period, page by page. */
export async function* fecRows(
  trx: Tx,
  actor: Actor,
  from: IsoDate,
  to: IsoDate,
  pageSize = 1000,
): AsyncGenerator<string> {
  for await (const page of fecPages(trx, actor, from, to, pageSize)) yield* page;
}

export interface FecResult {
  path: string;
  fileName: string;
  lines: number;
  from: IsoDate;
  to: IsoDate;
}

export async function fecFileName(
  trx: Tx,
  actor: Actor,
  year: number,
): Promise<{ fileName: string; from: IsoDate; to: IsoDate }> {
  authorize(actor, LEDGER.reportsRead);
  const coop = await getCooperative(trx, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  const { start, end } = await fiscalBounds(trx, actor.cooperativeId, year);
  return { fileName: `${coop.siren}FEC${end.replace(/-/g, '')}.txt`, from: start, to: end };
}

/** Writes the FEC of fiscal year `year` into `outDir`; returns its path and the number of posting lines. */
export async function writeFec(
  trx: Tx,
  actor: Actor,
  year: number,
  outDir: string,
  onProgress?: (lines: number) => void,
): Promise<FecResult> {
  const { fileName, from, to } = await fecFileName(trx, actor, year);
  const path = join(outDir, fileName);
  const out = createWriteStream(path, { encoding: 'utf8' });
  let n = -1;
  try {
    // One write per page, not per line.
    for await (const page of fecPages(trx, actor, from, to, 1000)) {
      n += page.length;
      if (!out.write(`${page.join('\r\n')}\r\n`)) await once(out, 'drain');
      if (onProgress && n > 0) onProgress(n);
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return { path, fileName, lines: n, from, to };
}

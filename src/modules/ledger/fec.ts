// FEC (Fichier des écritures comptables, art. A47 A-1 LPF) of one fiscal year.
// `<SIREN>FEC<AAAAMMJJ>.txt`, 18 columns, tab-separated, dates AAAAMMJJ, amounts with a decimal
// comma. Entries are read by journal then posting number (keyset pages of entries, then their
// lines), so memory stays constant. The posting number is given when the entry is validated,
// gapless per journal and fiscal year: the file follows the order of validation the FEC rules ask
// for, and EcritureNum is the number shown everywhere in the app (« VT2026-12 »).
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
import { todayParis, type IsoDate } from '../../core/dates.ts';
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
const fecDate = (d: IsoDate | null | undefined) => (d ? String(d).slice(0, 10).replace(/-/g, '') : '');
const fecAmount = (c: number) => centsToDecimal(c, ',');

/** The FEC rows (header first) of a period, page by page. */
export async function* fecRows(
  trx: Tx,
  actor: Actor,
  from: IsoDate,
  to: IsoDate,
  pageSize = 1000,
): AsyncGenerator<string> {
  authorize(actor, LEDGER.reportsRead);
  const coop = actor.cooperativeId;
  const journals = new Map(
    (
      await ledgerDb(trx)
        .selectFrom('ledger_journal')
        .select(['code', 'label'])
        .where('cooperative_id', '=', coop)
        .execute()
    ).map((j) => [j.code, j.label]),
  );
  const accounts = new Map(
    (
      await ledgerDb(trx)
        .selectFrom('ledger_account')
        .select(['number', 'label'])
        .where('cooperative_id', '=', coop)
        .execute()
    ).map((a) => [a.number, a.label]),
  );
  yield FEC_COLUMNS.join('\t');
  // The opening entries (journal AN) come first, as the FEC rules require; then the other
  // journals in their order.
  for (const openingPass of [true, false]) {
    let after: { journal: string; year: number; number: number } | null = null;
    for (;;) {
      let q = ledgerDb(trx)
        .selectFrom('journal_entry')
        .select([
          'id',
          'journal_code',
          'fiscal_year',
          'entry_date',
          'entry_number',
          'label',
          'piece_ref',
          'piece_date',
          'validated_at',
        ])
        .where('cooperative_id', '=', coop)
        .where('entry_date', '>=', from)
        .where('entry_date', '<=', to)
        .where('journal_code', openingPass ? '=' : '<>', OPENING_JOURNAL);
      // A row comparison, in the order of the index journal_entry_number: each page starts where
      // the last one ended, read from the index. (Spelt as OR of comparisons, PostgreSQL sorted
      // every remaining entry of the year for each page.)
      if (after)
        q = q.where(
          sql<boolean>`(journal_code, fiscal_year, entry_number) > (${after.journal}, ${after.year}, ${after.number})`,
        );
      const entries = await q
        .orderBy('journal_code')
        .orderBy('fiscal_year')
        .orderBy('entry_number')
        .limit(pageSize)
        .execute();
      if (!entries.length) break;
      const lines = await ledgerDb(trx)
        .selectFrom('entry_line')
        .selectAll()
        .where('cooperative_id', '=', coop)
        .where(
          'entry_id',
          'in',
          entries.map((e) => e.id),
        )
        .orderBy('entry_id')
        .orderBy('line_no')
        .execute();
      const byEntry = new Map<string, typeof lines>();
      for (const l of lines) {
        const a = byEntry.get(l.entry_id);
        if (a) a.push(l);
        else byEntry.set(l.entry_id, [l]);
      }
      for (const e of entries) {
        const validDate = todayParis(new Date(e.validated_at));
        for (const l of byEntry.get(e.id) ?? []) {
          yield [
            e.journal_code,
            txt(journals.get(e.journal_code)),
            entryLabel(e.journal_code, e.fiscal_year, e.entry_number),
            fecDate(e.entry_date),
            l.account,
            txt(accounts.get(l.account)),
            txt(l.aux_account),
            txt(l.aux_label),
            txt(e.piece_ref),
            fecDate(e.piece_date),
            txt(l.label || e.label),
            fecAmount(l.debit_cents),
            fecAmount(l.credit_cents),
            txt(l.lettering),
            fecDate(l.lettered_on),
            fecDate(validDate),
            '',
            '',
          ].join('\t');
        }
      }
      const last = entries[entries.length - 1];
      after = { journal: last.journal_code, year: last.fiscal_year, number: last.entry_number };
      if (entries.length < pageSize) break;
    }
  }
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
    for await (const row of fecRows(trx, actor, from, to)) {
      n++;
      if (!out.write(`${row}\r\n`)) await once(out, 'drain');
      if (onProgress && n > 0 && n % 10000 === 0) onProgress(n);
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return { path, fileName, lines: n, from, to };
}

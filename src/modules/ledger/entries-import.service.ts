// Import of the entries of an accounting package (FEC or CSV) for a cooperative that keeps its
// books elsewhere, so the treasury, the trial balance and each activity's account still show.
// All or nothing, in one transaction: the file is read (entries-import-read.ts), every entry is
// checked (balanced, journal, accounts of the chart, analytic codes of the activities, open
// period), and only when nothing is wrong and it is not a dry run is the transaction committed.
// Each entry is posted through postEntry (gapless numbering, checks) with source_type 'import' and
// a source key (journal + EcritureNum + fiscal year for a FEC, a content hash for a CSV): the
// unique index on the source makes a second run add nothing.
import { activitiesFacts, getCooperative } from '../directory/index.ts';
import type { Db, Tx } from '../../core/db/tenant.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { audit } from '../../core/audit.ts';
import { createHash } from 'node:crypto';
import { accountRoles, createAccount, ensureChart } from './chart.ts';
import { LEDGER } from './permissions.ts';
import { fiscalYearOf, isPeriodClosed, monthLabel, postEntry } from './posting.service.ts';
import { ledgerDb } from './db.ts';
import {
  EntriesFileError,
  readEntriesFile,
  type ImportEntryDraft,
  type ImportProblem,
  type ReadEntries,
} from './entries-import-read.ts';

export const IMPORT_SOURCE_TYPE = 'import';

export interface EntriesImportOptions {
  dryRun?: boolean;
  /** The file's journal codes → ours (e.g. BQ1 → BQ). Unmapped unknown journals are created. */
  journals?: Record<string, string>;
  /** The file's analytic codes → activities' analytic codes. */
  analytic?: Record<string, string>;
  onProgress?: (done: number, total: number) => void;
}

export interface EntriesImportReport {
  format: ReadEntries['format'] | null;
  encoding: ReadEntries['encoding'] | null;
  dryRun: boolean;
  /** Entries and lines read in the file. */
  entries: number;
  lines: number;
  /** Entries posted (or that would be, in a dry run), and those already imported by an earlier run. */
  imported: number;
  alreadyImported: number;
  debitCents: number;
  creditCents: number;
  byJournal: { journal: string; entries: number; debitCents: number }[];
  journalsCreated: string[];
  accountsCreated: string[];
  /** Accounts of the file read as an account of the chart (51200000 → 512). */
  accountsMapped: { from: string; to: string }[];
  activities: { code: string; entries: number }[];
  problems: ImportProblem[];
}

const ACCOUNT_RE = /^[1-9][0-9A-Z]{2,11}$/;
const JOURNAL_RE = /^[A-Z0-9]{2,6}$/;

class Rollback extends Error {}

/** Parses "BQ1=BQ, VE=VT" or one pair a line into a map (keys and values upper-cased). */
export function parseCodeMapping(raw: string | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (raw ?? '').split(/[\n,;]+/)) {
    const m = /^\s*([^=\s]+)\s*(?:=|->|→)\s*([^=\s]+)\s*$/.exec(part);
    if (m) out[m[1].toUpperCase()] = m[2].toUpperCase();
  }
  return out;
}

function emptyReport(dryRun: boolean, file?: ReadEntries): EntriesImportReport {
  return {
    format: file?.format ?? null,
    encoding: file?.encoding ?? null,
    dryRun,
    entries: file?.entries.length ?? 0,
    lines: file?.lineCount ?? 0,
    imported: 0,
    alreadyImported: 0,
    debitCents: 0,
    creditCents: 0,
    byJournal: [],
    journalsCreated: [],
    accountsCreated: [],
    accountsMapped: [],
    activities: [],
    problems: [...(file?.problems ?? [])],
  };
}

/**
 * Reads `buf` and imports its entries into the actor's cooperative (or only checks them, `dryRun`).
 * Nothing is written when a problem is found; the report lists every problem with its line.
 */
export async function importEntries(
  db: Db,
  actor: Actor,
  buf: Buffer,
  fileName: string,
  opts: EntriesImportOptions = {},
): Promise<EntriesImportReport> {
  authorize(actor, LEDGER.entriesImport);
  const dryRun = opts.dryRun === true;
  let file: ReadEntries;
  try {
    file = readEntriesFile(buf, fileName);
  } catch (e) {
    if (!(e instanceof EntriesFileError)) throw e;
    const r = emptyReport(dryRun);
    r.problems.push({ file: fileName, line: null, message: e.message });
    return r;
  }
  let report: EntriesImportReport | undefined;
  try {
    await withTenant(db, actor.cooperativeId, async (tx) => {
      report = await importRead(tx, actor, file, fileName, opts);
      if (dryRun || report.problems.length) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  if (!report) throw new Error('import interrompu');
  report.dryRun = dryRun;
  return report;
}

/** The import inside the caller's transaction (which the caller commits or rolls back): tests, tools. */
export async function importEntriesIn(
  tx: Tx,
  actor: Actor,
  buf: Buffer,
  fileName: string,
  opts: EntriesImportOptions = {},
): Promise<EntriesImportReport> {
  authorize(actor, LEDGER.entriesImport);
  return importRead(tx, actor, readEntriesFile(buf, fileName), fileName, opts);
}

async function importRead(
  tx: Tx,
  actor: Actor,
  file: ReadEntries,
  fileName: string,
  opts: EntriesImportOptions,
): Promise<EntriesImportReport> {
  authorize(actor, LEDGER.entriesImport);
  const coop = actor.cooperativeId;
  const trx = ledgerDb(tx);
  const report = emptyReport(opts.dryRun === true, file);
  const problem = (line: number | null, message: string) => report.problems.push({ file: fileName, line, message });
  await ensureChart(tx, coop);
  const journals = new Map(
    (await trx.selectFrom('ledger_journal').select(['code', 'label']).where('cooperative_id', '=', coop).execute()).map(
      (j) => [j.code, j.label],
    ),
  );
  const accounts = new Set(
    (await trx.selectFrom('ledger_account').select('number').where('cooperative_id', '=', coop).execute()).map(
      (a) => a.number,
    ),
  );
  const roles = await accountRoles(tx, coop);
  const activities = new Set((await activitiesFacts(tx, coop)).map((a) => a.analyticCode.toUpperCase()));
  activities.add(roles.structureAnalyticCode.toUpperCase());
  const startMonth = (await getCooperative(tx, coop))?.fiscalYearStartMonth ?? 1;
  const journalMap = opts.journals ?? {};
  const analyticMap = opts.analytic ?? {};

  // Journals: mapped, ours, or created from the file's label.
  const journalOf = new Map<string, string | null>();
  const toCreateJournals = new Map<string, string>();
  const mapJournal = (e: ImportEntryDraft): string | null => {
    if (journalOf.has(e.journal)) return journalOf.get(e.journal)!;
    let code: string | null = journalMap[e.journal] ?? e.journal;
    if (!journals.has(code)) {
      if (journalMap[e.journal]) {
        problem(e.lines[0].line, `Correspondance ${e.journal} → ${code} : le journal ${code} n'existe pas.`);
        code = null;
      } else if (!JOURNAL_RE.test(code)) {
        problem(
          e.lines[0].line,
          `Code journal « ${e.journal} » invalide (2 à 6 lettres ou chiffres) : indiquez à quel journal il correspond.`,
        );
        code = null;
      } else toCreateJournals.set(code, e.journalLabel || `Journal ${code}`);
    }
    journalOf.set(e.journal, code);
    return code;
  };

  // Accounts: ours as they are, or the file's number without its trailing zeros (51200000 → 512),
  // or created from the file's label.
  const accountOf = new Map<string, string | null>();
  const toCreateAccounts = new Map<string, string>();
  const mapAccount = (n: string, label: string, line: number): string | null => {
    if (accountOf.has(n)) return accountOf.get(n)!;
    let to: string | null = n;
    if (!accounts.has(n)) {
      const short = n.replace(/0+$/, '');
      const candidate = [short, short.padEnd(3, '0')].find((s) => s.length >= 3 && accounts.has(s));
      if (candidate) {
        to = candidate;
        report.accountsMapped.push({ from: n, to });
      } else if (ACCOUNT_RE.test(n)) toCreateAccounts.set(n, label || `Compte ${n}`);
      else {
        problem(line, `Numéro de compte « ${n} » invalide (3 à 12 chiffres ou lettres, commençant par 1 à 9).`);
        to = null;
      }
    }
    accountOf.set(n, to);
    return to;
  };

  const unknownAnalytic = new Map<string, number>();
  const mapAnalytic = (code: string, line: number): string | null => {
    if (!code) return null;
    const up = code.toUpperCase();
    const to = analyticMap[up] ?? up;
    if (activities.has(to)) return to;
    if (!unknownAnalytic.has(up)) {
      unknownAnalytic.set(up, line);
      problem(
        line,
        analyticMap[up]
          ? `Correspondance ${up} → ${to} : aucune activité ne porte le code analytique ${to}.`
          : `Code analytique « ${code} » inconnu : aucune activité ne porte ce code (indiquez sa correspondance).`,
      );
    }
    return null;
  };

  // Every entry checked and mapped before anything is written.
  type Ready = {
    e: ImportEntryDraft;
    journal: string;
    sourceId: string;
    lines: Parameters<typeof postEntry>[2]['lines'];
  };
  const ready: Ready[] = [];
  const closed = new Map<string, boolean>();
  const balanced = new Set(
    file.entries.filter((e) => {
      const d = e.lines.reduce((s, l) => s + l.debitCents - l.creditCents, 0);
      return d === 0 && e.lines.length >= 2;
    }),
  );
  for (const e of file.entries) {
    const journal = mapJournal(e);
    const lines = e.lines.map((l) => ({
      account: mapAccount(l.account, l.accountLabel, l.line),
      debitCents: l.debitCents,
      creditCents: l.creditCents,
      label: l.label || e.label,
      auxAccount: l.auxAccount || null,
      auxLabel: l.auxLabel || null,
      analyticCode: mapAnalytic(l.analyticCode, l.line),
    }));
    const month = e.date.slice(0, 7);
    if (!closed.has(month)) closed.set(month, await isPeriodClosed(tx, coop, month));
    if (closed.get(month)) {
      problem(
        e.lines[0].line,
        `La période de ${monthLabel(month)} est clôturée : cette écriture ne peut pas y être importée.`,
      );
      continue;
    }
    if (!journal || !balanced.has(e) || lines.some((l) => !l.account)) continue;
    const fy = fiscalYearOf(e.date, startMonth);
    const sourceId = e.key.startsWith('fec:') ? `${e.key}:${fy}` : e.key;
    ready.push({ e, journal, sourceId, lines: lines.map((l) => ({ ...l, account: l.account! })) });
  }
  // Lines whose analytic code is unknown are already problems; nothing is written anyway.

  // Entries of an earlier run are found again by their source key.
  const done = new Set<string>();
  for (let i = 0; i < ready.length; i += 1000) {
    const ids = ready.slice(i, i + 1000).map((r) => r.sourceId);
    const rows = await trx
      .selectFrom('journal_entry')
      .select('source_id')
      .where('cooperative_id', '=', coop)
      .where('source_type', '=', IMPORT_SOURCE_TYPE)
      .where('source_id', 'in', ids)
      .execute();
    for (const r of rows) if (r.source_id) done.add(r.source_id);
  }
  const seenKeys = new Set<string>();
  for (const r of ready) {
    if (seenKeys.has(r.sourceId))
      problem(r.e.lines[0].line, `L'écriture ${r.e.journal} ${r.e.entryNum} apparaît deux fois dans le fichier.`);
    seenKeys.add(r.sourceId);
  }
  report.journalsCreated = [...toCreateJournals.keys()].sort();
  report.accountsCreated = [...toCreateAccounts.keys()].sort();
  report.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (report.problems.length) return report;

  for (const [code, label] of toCreateJournals)
    await trx
      .insertInto('ledger_journal')
      .values({ cooperative_id: coop, code, label: label.slice(0, 200) })
      .execute();
  for (const [number, label] of toCreateAccounts) await createAccount(tx, coop, number, label.slice(0, 200));

  const todo = ready.filter((r) => !done.has(r.sourceId));
  report.alreadyImported = ready.length - todo.length;
  const byJournal = new Map<string, { entries: number; debitCents: number }>();
  const byActivity = new Map<string, number>();
  let n = 0;
  for (const r of todo) {
    await postEntry(tx, actor, {
      journal: r.journal,
      date: r.e.date,
      label: r.e.label,
      pieceRef: (r.e.pieceRef || r.e.entryNum).slice(0, 200),
      pieceDate: r.e.pieceDate,
      source: { type: IMPORT_SOURCE_TYPE, id: r.sourceId },
      lines: r.lines,
    });
    const debit = r.lines.reduce((s, l) => s + (l.debitCents ?? 0), 0);
    report.debitCents += debit;
    report.creditCents += r.lines.reduce((s, l) => s + (l.creditCents ?? 0), 0);
    const j = byJournal.get(r.journal) ?? { entries: 0, debitCents: 0 };
    j.entries++;
    j.debitCents += debit;
    byJournal.set(r.journal, j);
    for (const code of new Set(r.lines.map((l) => l.analyticCode).filter((c): c is string => !!c)))
      byActivity.set(code, (byActivity.get(code) ?? 0) + 1);
    n++;
    if (opts.onProgress && (n % 200 === 0 || n === todo.length)) opts.onProgress(n, todo.length);
  }
  report.imported = todo.length;
  report.byJournal = [...byJournal]
    .map(([journal, v]) => ({ journal, ...v }))
    .sort((a, b) => a.journal.localeCompare(b.journal));
  report.activities = [...byActivity]
    .map(([code, entries]) => ({ code, entries }))
    .sort((a, b) => a.code.localeCompare(b.code));
  if (todo.length)
    await audit(tx, actor, {
      action: 'ledger.entries_imported',
      targetType: 'journal_entry',
      data: {
        file: fileName,
        keysSha256: createHash('sha256')
          .update(JSON.stringify(todo.map((r) => r.sourceId)))
          .digest('hex'),
        format: file.format,
        entries: todo.length,
        debitCents: report.debitCents,
        journalsCreated: report.journalsCreated,
        accountsCreated: report.accountsCreated,
      },
    });
  return report;
}

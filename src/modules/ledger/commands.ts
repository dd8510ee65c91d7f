import { mkdirSync, existsSync, statSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type CliValues,
  type Command,
  out,
  err,
  requireOpt,
  UsageError,
  progress,
  write,
  outputStream,
} from '../../core/cli.ts';
import type { Db } from '../../core/db/handles.ts';
import { activityFacts, cooperativeOrFail } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { writeFec } from './fec.ts';
import { importEntries, parseCodeMapping } from './entries-import.service.ts';
import { ENTRIES_IMPORT_MAX_BYTES } from './entries-import-read.ts';
import {
  trialBalance,
  trialBalanceCsv,
  fiscalBounds,
  activityAccount,
  activityAccountCsv,
  activityAccountJson,
} from './reports.ts';
import { postContributionsForMonth } from './contribution.service.ts';
import { closeFiscalYear, resultLabel } from './year-end.service.ts';
import { centsToDecimal } from '../../core/money.ts';
import { todayParis, earlierDate } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';
import { writeTableFile, openTable, type Column, type TableRow, type TableFormat } from './tabular.ts';
import {
  resolvePeriod,
  parsePeriodParam,
  vatSummary,
  vatSummaryRows,
  VAT_COLUMNS,
  generalLedgerRows,
  GENERAL_LEDGER_COLUMNS,
  journalEntryRows,
  JOURNAL_ENTRY_COLUMNS,
  agedReceivables,
  agedRows,
  AGED_COLUMNS,
} from './exports.ts';
import { payrollVariables, payrollRows, PAYROLL_COLUMNS } from './salary/payroll-variables.ts';

function formatOpt(values: CliValues): TableFormat {
  const f = values.format ?? 'csv';
  if (f !== 'csv' && f !== 'xlsx') throw new UsageError('--format doit valoir csv ou xlsx');
  return f;
}

/** Writes rows to --out (or stdout for CSV); XLSX needs --out. */
async function emitTable(
  values: CliValues,
  columns: Column[],
  rows: AsyncIterable<TableRow> | Iterable<TableRow>,
  sheet: string,
): Promise<void> {
  const format = formatOpt(values);
  const file = values.out as string | undefined;
  if (file) {
    const n = await writeTableFile(file, format, columns, rows, sheet);
    if (process.stderr.isTTY) err(`${n} lignes écrites dans ${file}`);
    out(file);
    return;
  }
  if (format === 'xlsx') throw new UsageError('--out FICHIER est obligatoire pour le format xlsx');
  const sink = openTable(outputStream(), 'csv', columns, sheet);
  // process.stdout must not be ended: write rows only, then a final flush.
  for await (const r of rows) await sink.write(r);
}

const PERIOD_OPTIONS = {
  cooperative: { type: 'string' },
  year: { type: 'string' },
  period: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

async function periodOf(odb: { db: Db }, coopId: string, values: CliValues) {
  const year = yearOpt(values);
  try {
    return await withTenant(odb.db, coopId, (trx) =>
      resolvePeriod(trx, coopId, year, parsePeriodParam(values.period as string | undefined)),
    );
  } catch (e) {
    if (e instanceof UserError) throw new UsageError(e.message);
    throw e;
  }
}

function yearOpt(values: CliValues): number {
  const y = requireOpt(values, 'year');
  if (!/^\d{4}$/.test(y)) throw new UsageError('--year doit être une année sur 4 chiffres (ex. 2026)');
  return Number(y);
}

export const ledgerCommands: Command[] = [
  {
    name: 'import entries',
    summary: "importe les écritures d'un logiciel comptable (FEC ou CSV), tout ou rien ; réimporter n'ajoute rien",
    usage:
      'import entries --cooperative SLUG FILE [--journals BQ1=BQ,VE=VT] [--analytic CODE=ACTIVITE,…] [--dry-run] [--format json]',
    options: {
      cooperative: { type: 'string' },
      journals: { type: 'string' },
      analytic: { type: 'string' },
      'dry-run': { type: 'boolean' },
      format: { type: 'string' },
    },
    allowPositionals: true,
    needsDb: true,
    async run({ values, positionals, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError('--format doit valoir json (ou être omis)');
      if (positionals.length !== 1) throw new UsageError('indiquez un seul fichier (FEC ou CSV)');
      const path = positionals[0];
      if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`fichier introuvable : ${path}`);
      if (statSync(path).size > ENTRIES_IMPORT_MAX_BYTES)
        throw new UsageError(`fichier trop gros (plus de ${ENTRIES_IMPORT_MAX_BYTES / 1024 / 1024} Mo)`);
      const coop = await cooperativeOrFail(odb!, slug);
      const dryRun = values['dry-run'] === true;
      const r = await importEntries(
        odb!.db,
        systemActor(coop.id, 'Import comptable (CLI)'),
        readFileSync(path),
        basename(path),
        {
          dryRun,
          journals: parseCodeMapping(values.journals as string | undefined),
          analytic: parseCodeMapping(values.analytic as string | undefined),
          onProgress: (done, total) => progress('Écritures', done, total),
        },
      );
      if (format === 'json')
        out(
          JSON.stringify({
            format: r.format,
            entries: r.entries,
            imported: r.imported,
            already_imported: r.alreadyImported,
            debit: centsToDecimal(r.debitCents),
            credit: centsToDecimal(r.creditCents),
            journals_created: r.journalsCreated,
            accounts_created: r.accountsCreated,
            problems: r.problems,
          }),
        );
      else if (r.problems.length) {
        out(`Rien n'a été importé : ${r.problems.length} problème(s) à corriger.`);
        for (const p of r.problems) err(`${p.file}${p.line ? `, ligne ${p.line}` : ''} : ${p.message}`);
      } else
        out(
          `${dryRun ? 'Essai à blanc, rien écrit. Serait importé' : 'Importé'} : ${r.imported} écriture(s), débit ${centsToDecimal(r.debitCents)} ; déjà importées : ${r.alreadyImported}.`,
        );
      return r.problems.length ? 1 : 0;
    },
  },
  {
    name: 'report vat',
    summary: "récapitulatif de TVA (cases de la déclaration CA3) du mois, du trimestre ou de l'exercice",
    usage: 'report vat --cooperative SLUG --year YYYY [--period YYYY-MM|YYYY-Qn] [--format csv|xlsx] [--out FICHIER]',
    options: PERIOD_OPTIONS,
    needsDb: true,
    async run({ values, odb }) {
      const coop = await cooperativeOrFail(odb!, requireOpt(values, 'cooperative'));
      formatOpt(values);
      const p = await periodOf(odb!, coop.id, values);
      const v = await withTenant(odb!.db, coop.id, (trx) => vatSummary(trx, systemActor(coop.id), p.from, p.to));
      await emitTable(values, VAT_COLUMNS, vatSummaryRows(v), `TVA ${p.label}`);
    },
  },
  {
    name: 'report general-ledger',
    summary: 'grand livre (toutes les lignes, compte par compte, solde progressif)',
    usage:
      'report general-ledger --cooperative SLUG --year YYYY [--period YYYY-MM|YYYY-Qn] [--format csv|xlsx] [--out FICHIER]',
    options: PERIOD_OPTIONS,
    needsDb: true,
    async run({ values, odb }) {
      const coop = await cooperativeOrFail(odb!, requireOpt(values, 'cooperative'));
      formatOpt(values);
      const p = await periodOf(odb!, coop.id, values);
      await withTenant(odb!.db, coop.id, (trx) =>
        emitTable(
          values,
          GENERAL_LEDGER_COLUMNS,
          generalLedgerRows(trx, systemActor(coop.id), p.from, p.to, {
            onProgress: (d, t) => progress('Grand livre', d, t),
          }),
          'Grand livre',
        ),
      );
    },
  },
  {
    name: 'report journal-entries',
    summary: "écritures au format tableur Sage / Quadra (une ligne par ligne d'écriture)",
    usage:
      'report journal-entries --cooperative SLUG --year YYYY [--period YYYY-MM|YYYY-Qn] [--format csv|xlsx] [--out FICHIER]',
    options: PERIOD_OPTIONS,
    needsDb: true,
    async run({ values, odb }) {
      const coop = await cooperativeOrFail(odb!, requireOpt(values, 'cooperative'));
      formatOpt(values);
      const p = await periodOf(odb!, coop.id, values);
      await withTenant(odb!.db, coop.id, (trx) =>
        emitTable(
          values,
          JOURNAL_ENTRY_COLUMNS,
          journalEntryRows(trx, systemActor(coop.id), p.from, p.to, {
            onProgress: (d, t) => progress('Écritures', d, t),
          }),
          'Écritures',
        ),
      );
    },
  },
  {
    name: 'report aged-receivables',
    summary: "balance âgée des créances clients à la fin de la période (ou aujourd'hui)",
    usage:
      'report aged-receivables --cooperative SLUG --year YYYY [--period YYYY-MM|YYYY-Qn] [--format csv|xlsx] [--out FICHIER]',
    options: PERIOD_OPTIONS,
    needsDb: true,
    async run({ values, odb }) {
      const coop = await cooperativeOrFail(odb!, requireOpt(values, 'cooperative'));
      formatOpt(values);
      const p = await periodOf(odb!, coop.id, values);
      const asOf = earlierDate(p.to, todayParis());
      const a = await withTenant(odb!.db, coop.id, (trx) => agedReceivables(trx, systemActor(coop.id), asOf));
      await emitTable(values, AGED_COLUMNS, agedRows(a), `Balance âgée ${asOf}`);
    },
  },
  {
    name: 'report payroll-variables',
    summary: 'variables de paie du mois (une ligne par personne) pour le logiciel de paie',
    usage: 'report payroll-variables --cooperative SLUG --month YYYY-MM [--format csv|xlsx] [--out FICHIER]',
    options: {
      cooperative: { type: 'string' },
      month: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb }) {
      const coop = await cooperativeOrFail(odb!, requireOpt(values, 'cooperative'));
      formatOpt(values);
      const month = requireOpt(values, 'month');
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError('--month doit être au format AAAA-MM');
      const vs = await withTenant(odb!.db, coop.id, (trx) => payrollVariables(trx, systemActor(coop.id), month));
      await emitTable(values, PAYROLL_COLUMNS, payrollRows(vs), `Paie ${month}`);
    },
  },
  {
    name: 'export fec',
    summary: "écrit le fichier des écritures comptables (FEC) d'un exercice",
    usage: 'export fec --cooperative SLUG --year YYYY --out DIR',
    options: { cooperative: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const year = yearOpt(values);
      const dir = requireOpt(values, 'out');
      const coop = await cooperativeOrFail(odb!, slug);
      if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--out doit être un dossier : ${dir}`);
      mkdirSync(dir, { recursive: true });
      const t0 = Date.now();
      const r = await withTenant(odb!.db, coop.id, (trx) =>
        writeFec(trx, systemActor(coop.id), year, dir, (n) => {
          if (process.stderr.isTTY) process.stderr.write(`\r${n} lignes…`);
        }),
      );
      if (process.stderr.isTTY)
        err(`\r${r.lines} lignes écrites en ${((Date.now() - t0) / 1000).toFixed(1)} s (${r.from} → ${r.to}).`);
      out(r.path);
    },
  },
  {
    name: 'report trial-balance',
    summary: "balance générale d'un exercice",
    usage: 'report trial-balance --cooperative SLUG --year YYYY [--format csv]',
    options: { cooperative: { type: 'string' }, year: { type: 'string' }, format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const year = yearOpt(values);
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw new UsageError('--format doit valoir csv ou json');
      const coop = await cooperativeOrFail(odb!, slug);
      const rows = await withTenant(odb!.db, coop.id, async (trx) => {
        const b = await fiscalBounds(trx, coop.id, year);
        return trialBalance(trx, systemActor(coop.id), b.start, b.end);
      });
      if (format === 'json')
        out(
          JSON.stringify(
            rows.map((r) => ({
              account: r.account,
              label: r.label,
              debit: centsToDecimal(r.debitCents),
              credit: centsToDecimal(r.creditCents),
              balance: centsToDecimal(r.balanceCents),
            })),
            null,
            2,
          ),
        );
      else write(trialBalanceCsv(rows));
    },
  },
  {
    name: 'report activity-account',
    summary: "compte d'activité d'une activité (mois par mois et cumul)",
    usage: 'report activity-account --cooperative SLUG --activity CODE --year YYYY [--format csv|json]',
    options: {
      cooperative: { type: 'string' },
      activity: { type: 'string' },
      year: { type: 'string' },
      format: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const code = requireOpt(values, 'activity').toUpperCase();
      const year = yearOpt(values);
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw new UsageError('--format doit valoir csv ou json');
      const coop = await cooperativeOrFail(odb!, slug);
      const exists = await withTenant(odb!.db, coop.id, (trx) => activityFacts(trx, coop.id, { analyticCode: code }));
      if (!exists) throw new UsageError(`activité inconnue : ${code} dans ${slug}`);
      const a = await withTenant(odb!.db, coop.id, (trx) => activityAccount(trx, systemActor(coop.id), code, year));
      if (format === 'json') out(JSON.stringify(activityAccountJson(a), null, 2));
      else write(activityAccountCsv(a));
    },
  },
  {
    name: 'ledger close-year',
    summary: "clôture un exercice : à-nouveaux (journal AN) de l'exercice suivant, résultat, mois verrouillés",
    usage: 'ledger close-year --cooperative SLUG --year YYYY [--format json]',
    options: { cooperative: { type: 'string' }, year: { type: 'string' }, format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const year = yearOpt(values);
      const coop = await cooperativeOrFail(odb!, slug);
      const r = await withTenant(odb!.db, coop.id, (trx) =>
        closeFiscalYear(trx, systemActor(coop.id, 'Clôture en ligne de commande'), year),
      );
      if (values.format === 'json')
        out(
          JSON.stringify({
            year: r.year,
            result: centsToDecimal(r.resultCents),
            opening_date: r.openingDate,
            opening_lines: r.lines,
          }),
        );
      else
        out(
          `Exercice ${r.year} clôturé : ${resultLabel(r.resultCents)} ; ${r.lines} ligne(s) d'à-nouveaux au ${r.openingDate}.`,
        );
    },
  },
  {
    name: 'ledger contributions',
    summary: 'calcule et comptabilise les contributions coopératives du mois',
    usage: 'ledger contributions --cooperative SLUG --month YYYY-MM',
    options: { cooperative: { type: 'string' }, month: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const month = requireOpt(values, 'month');
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError('--month doit être au format AAAA-MM');
      const coop = await cooperativeOrFail(odb!, slug);
      const r = await withTenant(odb!.db, coop.id, (trx) =>
        postContributionsForMonth(trx, systemActor(coop.id), month),
      );
      const posted = r.filter((x) => x.entry);
      out(
        `${posted.length} contribution(s) comptabilisée(s), total ${centsToDecimal(posted.reduce((t, x) => t + x.amountCents, 0))} ; ${r.filter((x) => x.alreadyPosted).length} déjà passée(s).`,
      );
    },
  },
];

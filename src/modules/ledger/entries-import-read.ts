// Reading the entries an accounting package exports, bounded and pure (no database): the FEC
// (art. A47 A-1 LPF: 18 columns, tab or pipe separated, dates AAAAMMJJ, decimal comma, Debit and
// Credit or Montant and Sens) and a simple CSV (date, journal, compte, libellé, débit, crédit, code
// analytique, and optionally pièce). The size is checked before decoding, the number of lines while
// parsing (csv-parse, the library of the bank and enDI imports). Encodings: UTF-8 (with or without
// BOM), else Windows-1252 when a byte of its 0x80–0x9F block appears, else ISO-8859-15.
// Every line keeps its number in the file (the header is line 1) so each problem can point at it.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { formatEuros } from '../../core/money.ts';

export const ENTRIES_IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const ENTRIES_IMPORT_MAX_LINES = 100_000;

export interface ImportProblem {
  file: string;
  line: number | null;
  message: string;
}

/** One line of the file, read and checked on its own. */
export interface ImportLine {
  line: number;
  journal: string;
  journalLabel: string;
  entryNum: string;
  date: string;
  account: string;
  accountLabel: string;
  auxAccount: string;
  auxLabel: string;
  pieceRef: string;
  pieceDate: string;
  label: string;
  debitCents: number;
  creditCents: number;
  analyticCode: string;
}

/** Lines grouped into entries (FEC: by JournalCode + EcritureNum; CSV: consecutive lines with the same journal, date and piece). */
export interface ImportEntryDraft {
  /** Stable key of the entry in its source (re-running an import finds it again). */
  key: string;
  journal: string;
  journalLabel: string;
  entryNum: string;
  date: string;
  pieceRef: string;
  pieceDate: string;
  label: string;
  lines: ImportLine[];
}

export interface ReadEntries {
  format: 'fec' | 'csv';
  encoding: 'utf-8' | 'windows-1252' | 'iso-8859-15';
  entries: ImportEntryDraft[];
  lineCount: number;
  problems: ImportProblem[];
}

export class EntriesFileError extends Error {}

// Windows-1252's 0x80–0x9F block, and ISO-8859-15's eight differences with Latin-1: decoded here
// rather than by TextDecoder, whose single-byte encodings depend on how Node was built (ICU).
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';
const ISO_8859_15: Record<number, string> = {
  164: '\u20ac',
  166: '\u0160',
  168: '\u0161',
  180: '\u017d',
  184: '\u017e',
  188: '\u0152',
  189: '\u0153',
  190: '\u0178',
};

export function decodeAccountingText(buf: Buffer): { text: string; encoding: ReadEntries['encoding'] } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: a byte in 0x80–0x9F is a printable character only in Windows-1252 (€ at 0x80,
    // œ at 0x9C); without one, ISO-8859-15 (€ at 0xA4), which accounting packages also produce.
    const cp1252 = buf.some((b) => b >= 0x80 && b <= 0x9f);
    const parts: string[] = [];
    for (let i = 0; i < buf.length; i += 8192) {
      let s = '';
      for (const b of buf.subarray(i, i + 8192)) {
        if (cp1252 && b >= 0x80 && b <= 0x9f) s += CP1252_HIGH[b - 0x80];
        else if (!cp1252 && ISO_8859_15[b]) s += ISO_8859_15[b];
        else s += String.fromCharCode(b);
      }
      parts.push(s);
    }
    return { text: parts.join(''), encoding: cp1252 ? 'windows-1252' : 'iso-8859-15' };
  }
}

const norm = (h: string) =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

const FEC_REQUIRED = [
  'journalcode',
  'journallib',
  'ecriturenum',
  'ecrituredate',
  'comptenum',
  'comptelib',
  'compauxnum',
  'compauxlib',
  'pieceref',
  'piecedate',
  'ecriturelib',
] as const;
const ANALYTIC_HEADERS = [
  'codeanalytique',
  'analytique',
  'sectionanalytique',
  'section',
  'codeanal',
  'axe1',
  'activite',
];

const CSV_ALIASES: Record<string, string[]> = {
  date: ['date', 'dateecriture', 'ecrituredate'],
  journal: ['journal', 'codejournal', 'journalcode'],
  account: ['compte', 'comptegeneral', 'numerocompte', 'comptenum', 'account'],
  label: ['libelle', 'libelleecriture', 'ecriturelib', 'label'],
  debit: ['debit'],
  credit: ['credit'],
  analytic: ANALYTIC_HEADERS,
  piece: ['piece', 'pieceref', 'reference', 'numeropiece', 'ecriturenum', 'numero'],
  aux: ['tiers', 'compteauxiliaire', 'compauxnum'],
};

/** "20250131" → "2025-01-31" (FEC); also "31/01/2025" and "2025-01-31" (CSV); null when not a real date. */
export function parseAccountingDate(raw: string): string | null {
  const s = raw.trim();
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  let y: number;
  let mo: number;
  let d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    if (!m) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  if (y < 1990 || y > 2100) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "1 234,56", "1234.56", "-12", "" (zero) → cents, exactly; null when not an amount. */
export function parseAccountingAmount(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0\u202f€]/g, '').replace(/^\+/, '');
  if (!s) return 0;
  const m = /^(-)?(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

const clean = (s: string | undefined) => (s ?? '').replace(/[\t\r\n]+/g, ' ').trim();

/** Reads a FEC or a CSV of entries. Throws EntriesFileError when the file as a whole cannot be read. */
export function readEntriesFile(buf: Buffer, fileName: string): ReadEntries {
  if (buf.length > ENTRIES_IMPORT_MAX_BYTES)
    throw new EntriesFileError(`Fichier trop gros (plus de ${ENTRIES_IMPORT_MAX_BYTES / 1024 / 1024} Mo).`);
  if (!buf.length) throw new EntriesFileError('Le fichier est vide.');
  const { text, encoding } = decodeAccountingText(buf);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => firstLine.split(c).length - 1;
  const delimiter = ['\t', '|', ';', ','].reduce((best, c) => (count(c) > count(best) ? c : best), '\t');
  if (!count(delimiter))
    throw new EntriesFileError('La première ligne doit nommer les colonnes (en-tête) : aucun séparateur trouvé.');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      quote: delimiter === '\t' || delimiter === '|' ? false : '"',
      skip_empty_lines: true,
      info: true,
      max_record_size: 10_000,
      to: ENTRIES_IMPORT_MAX_LINES + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new EntriesFileError(`Fichier illisible : ${(e as Error).message.split('\n')[0]}`);
  }
  if (records.length > ENTRIES_IMPORT_MAX_LINES + 1)
    throw new EntriesFileError(
      `Plus de ${ENTRIES_IMPORT_MAX_LINES} lignes : découpez le fichier (par exercice ou par journal).`,
    );
  const [head, ...body] = records;
  if (!head) throw new EntriesFileError('Le fichier est vide.');
  const headers = head.record.map((h) => norm(h));
  const col = (names: readonly string[]) => headers.findIndex((h) => names.includes(h));
  const isFec = FEC_REQUIRED.every((h) => headers.includes(h));
  const problems: ImportProblem[] = [];
  const lines: ImportLine[] = [];
  const problem = (line: number | null, message: string) => problems.push({ file: fileName, line, message });
  const rows = body.map((r) => ({ line: r.info.lines, v: r.record }));

  if (isFec) {
    const at = Object.fromEntries(FEC_REQUIRED.map((h) => [h, headers.indexOf(h)])) as Record<
      (typeof FEC_REQUIRED)[number],
      number
    >;
    const debitCol = headers.indexOf('debit');
    const creditCol = headers.indexOf('credit');
    const amountCol = headers.indexOf('montant');
    const senseCol = headers.indexOf('sens');
    const analyticCol = col(ANALYTIC_HEADERS);
    if ((debitCol < 0 || creditCol < 0) && (amountCol < 0 || senseCol < 0))
      throw new EntriesFileError('FEC incomplet : il faut les colonnes Debit et Credit (ou Montant et Sens).');
    for (const { line, v } of rows) {
      const get = (i: number) => clean(v[i]);
      const journal = get(at.journalcode).toUpperCase();
      const entryNum = get(at.ecriturenum);
      const rawDate = get(at.ecrituredate);
      const date = parseAccountingDate(rawDate);
      const account = get(at.comptenum).toUpperCase();
      let debit: number | null;
      let credit: number | null;
      if (debitCol >= 0 && creditCol >= 0) {
        debit = parseAccountingAmount(get(debitCol));
        credit = parseAccountingAmount(get(creditCol));
      } else {
        const amount = parseAccountingAmount(get(amountCol));
        const sense = get(senseCol).toUpperCase();
        if (sense !== 'D' && sense !== 'C' && sense !== '+1' && sense !== '-1' && sense !== '1') {
          problem(line, `Sens « ${get(senseCol)} » inconnu : D ou C attendu.`);
          continue;
        }
        const isDebit = sense === 'D' || sense === '+1' || sense === '1';
        debit = isDebit ? amount : 0;
        credit = isDebit ? 0 : amount;
      }
      const bad: string[] = [];
      if (!journal) bad.push('code journal manquant');
      if (!entryNum) bad.push("numéro d'écriture (EcritureNum) manquant");
      if (!date) bad.push(`date d'écriture « ${rawDate} » invalide (AAAAMMJJ attendu)`);
      if (!account) bad.push('numéro de compte manquant');
      if (debit === null) bad.push(`débit « ${get(debitCol)} » illisible`);
      if (credit === null) bad.push(`crédit « ${get(creditCol)} » illisible`);
      if (bad.length) {
        problem(
          line,
          `${bad.join(' ; ')}.`.replace(/^./, (c) => c.toUpperCase()),
        );
        continue;
      }
      const pieceDate = parseAccountingDate(get(at.piecedate)) ?? date!;
      lines.push({
        line,
        journal,
        journalLabel: get(at.journallib),
        entryNum,
        date: date!,
        account,
        accountLabel: get(at.comptelib),
        auxAccount: get(at.compauxnum),
        auxLabel: get(at.compauxlib),
        pieceRef: get(at.pieceref),
        pieceDate,
        label: get(at.ecriturelib),
        debitCents: debit!,
        creditCents: credit!,
        analyticCode: analyticCol >= 0 ? get(analyticCol) : '',
      });
    }
  } else {
    const at = Object.fromEntries(Object.entries(CSV_ALIASES).map(([k, names]) => [k, col(names)])) as Record<
      keyof typeof CSV_ALIASES,
      number
    >;
    const missing = (['date', 'journal', 'account', 'label', 'debit', 'credit'] as const).filter((k) => at[k] < 0);
    if (missing.length) {
      const fr = {
        date: 'date',
        journal: 'journal',
        account: 'compte',
        label: 'libellé',
        debit: 'débit',
        credit: 'crédit',
      };
      throw new EntriesFileError(
        `Ni un FEC (18 colonnes) ni un CSV d'écritures : colonne(s) ${missing.map((k) => fr[k]).join(', ')} introuvable(s) dans l'en-tête.`,
      );
    }
    for (const { line, v } of rows) {
      const get = (i: number) => (i >= 0 ? clean(v[i]) : '');
      const journal = get(at.journal).toUpperCase();
      const rawDate = get(at.date);
      const date = parseAccountingDate(rawDate);
      const account = get(at.account).toUpperCase();
      const debit = parseAccountingAmount(get(at.debit));
      const credit = parseAccountingAmount(get(at.credit));
      const bad: string[] = [];
      if (!journal) bad.push('journal manquant');
      if (!date) bad.push(`date « ${rawDate} » invalide (JJ/MM/AAAA attendu)`);
      if (!account) bad.push('numéro de compte manquant');
      if (debit === null) bad.push(`débit « ${get(at.debit)} » illisible`);
      if (credit === null) bad.push(`crédit « ${get(at.credit)} » illisible`);
      if (bad.length) {
        problem(
          line,
          `${bad.join(' ; ')}.`.replace(/^./, (c) => c.toUpperCase()),
        );
        continue;
      }
      const piece = get(at.piece);
      lines.push({
        line,
        journal,
        journalLabel: '',
        entryNum: piece,
        date: date!,
        account,
        accountLabel: '',
        auxAccount: get(at.aux),
        auxLabel: '',
        pieceRef: piece,
        pieceDate: date!,
        label: get(at.label),
        debitCents: debit!,
        creditCents: credit!,
        analyticCode: get(at.analytic),
      });
    }
  }

  // Amounts: a negative debit is a credit (and the reverse); a line carrying both is netted;
  // a line of zero is left out (some packages write them) without being a problem.
  const kept: ImportLine[] = [];
  for (const l of lines) {
    const net = l.debitCents - l.creditCents;
    if (net === 0) continue;
    kept.push({ ...l, debitCents: Math.max(net, 0), creditCents: Math.max(-net, 0) });
  }

  const entries = isFec ? groupFec(kept, fileName, problems) : groupCsv(kept);
  for (const e of entries) {
    const d = e.lines.reduce((s, l) => s + l.debitCents, 0);
    const c = e.lines.reduce((s, l) => s + l.creditCents, 0);
    const what = isFec ? `L'écriture ${e.journal} ${e.entryNum}` : `L'écriture du ${e.date} (journal ${e.journal})`;
    if (d !== c)
      problem(
        e.lines[0].line,
        `${what} n'est pas équilibrée : débit ${fmt(d)}, crédit ${fmt(c)} (lignes ${e.lines.map((l) => l.line).join(', ')}).`,
      );
    else if (e.lines.length < 2) problem(e.lines[0].line, `${what} n'a qu'une ligne.`);
  }
  return { format: isFec ? 'fec' : 'csv', encoding, entries, lineCount: rows.length, problems };
}

const fmt = (c: number) => formatEuros(c);

function draft(key: string, lines: ImportLine[]): ImportEntryDraft {
  const first = lines[0];
  return {
    key,
    journal: first.journal,
    journalLabel: lines.find((l) => l.journalLabel)?.journalLabel ?? '',
    entryNum: first.entryNum,
    date: first.date,
    pieceRef: first.pieceRef || first.entryNum,
    pieceDate: first.pieceDate,
    label: lines.find((l) => l.label)?.label ?? first.pieceRef,
    lines,
  };
}

/** FEC: one entry per JournalCode + EcritureNum, all its lines on one date. */
function groupFec(lines: ImportLine[], fileName: string, problems: ImportProblem[]): ImportEntryDraft[] {
  const groups = new Map<string, ImportLine[]>();
  for (const l of lines) {
    const k = `${l.journal}\u0000${l.entryNum}`;
    const g = groups.get(k);
    if (g) g.push(l);
    else groups.set(k, [l]);
  }
  const out: ImportEntryDraft[] = [];
  for (const g of groups.values()) {
    const dates = new Set(g.map((l) => l.date));
    if (dates.size > 1) {
      problems.push({
        file: fileName,
        line: g[0].line,
        message: `L'écriture ${g[0].journal} ${g[0].entryNum} a plusieurs dates (${[...dates].join(', ')}) : une écriture n'a qu'une date.`,
      });
      continue;
    }
    // The key names the entry as the package numbered it; the fiscal year is added by the service.
    out.push(draft(`fec:${g[0].journal}:${g[0].entryNum}`, g));
  }
  return out;
}

/** CSV: consecutive lines with the same journal, date and piece form an entry; its key is a hash
 *  of its content (and its rank among identical entries), so re-reading the same file gives the same keys. */
function groupCsv(lines: ImportLine[]): ImportEntryDraft[] {
  const out: ImportEntryDraft[] = [];
  let cur: ImportLine[] = [];
  const flush = () => {
    if (cur.length) out.push(draft('', cur));
    cur = [];
  };
  for (const l of lines) {
    const p = cur[0];
    if (p && (p.journal !== l.journal || p.date !== l.date || p.entryNum !== l.entryNum)) flush();
    cur.push(l);
    // Without a piece column, an entry ends as soon as its lines balance.
    if (!l.entryNum) {
      const d = cur.reduce((s, x) => s + x.debitCents - x.creditCents, 0);
      if (d === 0 && cur.length >= 2) flush();
    }
  }
  flush();
  const seen = new Map<string, number>();
  for (const e of out) {
    const h = createHash('sha256')
      .update(
        JSON.stringify([
          e.journal,
          e.date,
          e.entryNum,
          e.lines.map((l) => [l.account, l.auxAccount, l.label, l.debitCents, l.creditCents, l.analyticCode]),
        ]),
      )
      .digest('hex')
      .slice(0, 32);
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    e.key = `csv:${h}:${n}`;
  }
  return out;
}

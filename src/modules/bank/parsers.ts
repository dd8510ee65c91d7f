// Bank statement parsers (pure): CAMT.053 (ISO 20022), OFX (SGML 1.x and XML 2.x) and CSV with a
// column mapping (French formats). A malformed file is rejected whole: StatementParseError lists
// every bad line with its reason, in French, and nothing is imported.
import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { electronicFormatIBAN, validateIBAN, ValidationErrorsIBAN } from 'ibantools';
import { isIsoDate, type IsoDate } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';

export type StatementFormat = 'camt053' | 'ofx' | 'csv';

export interface ParsedLine {
  bookingDate: IsoDate;
  valueDate: IsoDate | null;
  amountCents: number;
  currency: string;
  label: string;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  reference: string | null;
  /** Bank's own id for the line (AcctSvcrRef, FITID) when given. */
  bankRef: string | null;
  /** CAMT bank transaction code, "DOMAIN-FAMILY-SUBFAMILY" (ISO) or the proprietary code. */
  bankCode?: string | null;
  /** Unique per account, stable across re-imports of the same file. */
  dedupeKey: string;
}
export interface ParsedStatement {
  format: StatementFormat;
  accountIban: string | null;
  lines: ParsedLine[];
}
export interface LineProblem {
  line: number;
  reason: string;
}

export class StatementParseError extends UserError {
  constructor(
    readonly problems: LineProblem[],
    readonly format: StatementFormat | null,
  ) {
    super(
      `Fichier refusé, rien n'a été importé : ${problems.length} problème(s).\n${problems.map((p) => (p.line ? `ligne ${p.line} : ${p.reason}` : p.reason)).join('\n')}`,
    );
  }
}

// --- helpers --------------------------------------------------------------------------------

function ibanAcceptable(iban: string | null): boolean {
  if (!iban) return false;
  const r = validateIBAN(iban, { allowQRIBAN: true });
  return r.errorCodes.every((c) => c === ValidationErrorsIBAN.WrongAccountBankBranchChecksum);
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (windows-1252), as French banks often send. */
export function decodeText(buf: Uint8Array, encoding?: 'utf8' | 'latin1'): string {
  let s: string;
  if (encoding === 'latin1') s = new TextDecoder('latin1').decode(buf);
  else if (encoding === 'utf8') s = new TextDecoder('utf-8').decode(buf);
  else {
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      s = new TextDecoder('latin1').decode(buf);
    }
  }
  return s.replace(/^\uFEFF/, '');
}

export function detectFormat(text: string): StatementFormat {
  const head = text.slice(0, 4000);
  if (/BkToCstmrStmt|camt\.053/.test(head)) return 'camt053';
  if (/OFXHEADER|<OFX>/i.test(head)) return 'ofx';
  return 'csv';
}

/**
 * "1234.56" (dot, at most 2 decimals) → cents, exactly; null when invalid. With `decimal` ',' the
 * French forms "1 234,56" and "1.234,56" are read; with '.', "1,234.56" too (thousands separators
 * are only accepted in groups of three digits).
 */
function decimalToCents(s: string, decimal: '.' | ',' = '.'): number | null {
  let t = s.trim().replace(/[\s\u00a0\u202f]/g, '');
  const thousands = decimal === ',' ? '.' : ',';
  if (t.includes(thousands)) {
    const [int, ...rest] = t.split(decimal);
    if (rest.length > 1 || !/^[+-]?\d{1,3}(?:[.,]\d{3})+$/.test(int)) return null;
    t = [int.split(thousands).join(''), ...rest].join(decimal);
  }
  if (decimal === ',') t = t.replace(',', '.');
  else if (t.includes(',')) return null;
  const m = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const v = Number(m[2]) * 100 + Number(`${m[3] ?? ''}00`.slice(0, 2));
  if (!Number.isSafeInteger(v)) return null;
  return m[1] === '-' ? -v : v;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Entities are left alone by the XML parser (processEntities: false); we decode the five standard ones. */
function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) ? String.fromCodePoint(n) : '';
    }
    return XML_ENTITIES[e.toLowerCase()] ?? '';
  });
}
const clean = (s: unknown): string =>
  unescapeXml(String(s ?? ''))
    .replace(/\s+/g, ' ')
    .trim();

/** Line number (1-based) of an offset; the newline index is built once per text. */
function lineOf(text: string, offset: number): number {
  let nl = cachedNewlines.text === text ? cachedNewlines.nl : null;
  if (!nl) {
    nl = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) nl.push(i);
    cachedNewlines.text = text;
    cachedNewlines.nl = nl;
  }
  let lo = 0;
  let hi = nl.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nl[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}
const cachedNewlines: { text: string | null; nl: number[] } = { text: null, nl: [] };

/** Dedupe key: the bank's id when given, else a hash of the line and its rank among identical lines of the file. */
function withDedupeKeys(lines: Omit<ParsedLine, 'dedupeKey'>[]): ParsedLine[] {
  const seen = new Map<string, number>();
  return lines.map((l) => {
    if (l.bankRef) return { ...l, dedupeKey: `ref:${l.bankRef}` };
    const base = [l.bookingDate, l.amountCents, l.label, l.reference ?? '', l.counterpartyIban ?? ''].join('|');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...l, dedupeKey: `h:${createHash('sha256').update(`${base}|${n}`).digest('hex').slice(0, 32)}` };
  });
}

// --- CAMT.053 -------------------------------------------------------------------------------

const asArray = <T>(v: T | T[] | undefined | null): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);
const textOf = (v: unknown): string =>
  v == null ? '' : typeof v === 'object' ? String((v as XmlLeaf)['#text'] ?? '') : String(v);

// The parts of the parsed CAMT.053 tree that are read. The file is untrusted: every node may be
// absent, and a leaf is either its text or an object carrying '#text' and its '@_' attributes.
interface XmlLeaf {
  '#text'?: string;
  '@_Ccy'?: string;
}
type XmlValue = string | XmlLeaf | undefined;
interface CamtAccount {
  Id?: { IBAN?: XmlValue };
}
interface CamtParty {
  Nm?: XmlValue;
  Pty?: { Nm?: XmlValue };
}
interface CamtDate {
  Dt?: XmlValue;
  DtTm?: XmlValue;
}
interface CamtTransaction {
  RmtInf?: { Ustrd?: XmlValue | XmlValue[]; Strd?: { CdtrRefInf?: { Ref?: XmlValue } } };
  RltdPties?: { Dbtr?: CamtParty; Cdtr?: CamtParty; DbtrAcct?: CamtAccount; CdtrAcct?: CamtAccount };
  Refs?: { EndToEndId?: XmlValue; AcctSvcrRef?: XmlValue };
}
interface CamtEntry {
  BkTxCd?: { Domn?: { Cd?: XmlValue; Fmly?: { Cd?: XmlValue; SubFmlyCd?: XmlValue } }; Prtry?: { Cd?: XmlValue } };
  Amt?: XmlValue;
  CdtDbtInd?: XmlValue;
  BookgDt?: CamtDate;
  ValDt?: CamtDate;
  NtryDtls?: { TxDtls?: CamtTransaction | CamtTransaction[] } | { TxDtls?: CamtTransaction | CamtTransaction[] }[];
  AddtlNtryInf?: XmlValue;
  AcctSvcrRef?: XmlValue;
}
interface CamtStatement {
  Acct?: CamtAccount;
  Ntry?: CamtEntry | CamtEntry[];
}

/** "PMNT-RCDT-ESCT" from <BkTxCd><Domn>…, else the proprietary <Prtry><Cd>, else null. */
function camtBankCode(e: CamtEntry): string | null {
  const d = e?.BkTxCd?.Domn;
  const iso = [clean(d?.Cd), clean(d?.Fmly?.Cd), clean(d?.Fmly?.SubFmlyCd)];
  if (iso.every(Boolean)) return iso.join('-').toUpperCase().slice(0, 40);
  return clean(e?.BkTxCd?.Prtry?.Cd).slice(0, 40) || null;
}

export function parseCamt053(text: string): ParsedStatement {
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new StatementParseError([{ line: valid.err.line, reason: `XML mal formé (${valid.err.msg})` }], 'camt053');
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    trimValues: true,
    isArray: (name) => ['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Bal'].includes(name),
  });
  const doc = parser.parse(text);
  const root = doc?.Document?.BkToCstmrStmt;
  if (!root)
    throw new StatementParseError(
      [{ line: 1, reason: "ce n'est pas un relevé CAMT.053 (élément BkToCstmrStmt absent)" }],
      'camt053',
    );
  // Line numbers of each <Ntry> in document order, to point at the faulty entry.
  const ntryLines: number[] = [];
  for (const m of text.matchAll(/<(?:\w+:)?Ntry[\s>]/g)) ntryLines.push(lineOf(text, m.index!));
  const problems: LineProblem[] = [];
  const lines: Omit<ParsedLine, 'dedupeKey'>[] = [];
  let iban: string | null = null;
  let k = 0;
  // Line numbers of each account <IBAN> (inside <Acct>), in document order.
  const ibanLines: number[] = [];
  for (const m of text.matchAll(/<(?:\w+:)?Acct>\s*<(?:\w+:)?Id>\s*<(?:\w+:)?IBAN>/g))
    ibanLines.push(lineOf(text, m.index! + m[0].lastIndexOf('<')));
  let stmtIndex = 0;
  for (const stmt of asArray<CamtStatement>(root.Stmt)) {
    const rawIban = textOf(stmt?.Acct?.Id?.IBAN);
    const stmtIban = electronicFormatIBAN(rawIban) || null;
    // The statement's own account must be a valid IBAN (country, length, format, ISO 13616 check
    // digits): otherwise the file is refused whole. The national key (French RIB key) is not
    // required, like createAccount (core isIban), so every account Radieuse accepts can import.
    if (rawIban && !ibanAcceptable(stmtIban))
      problems.push({
        line: ibanLines[stmtIndex] ?? 0,
        reason: `IBAN du compte du relevé invalide « ${rawIban} » (clé de contrôle ou longueur incorrecte) : vérifiez le fichier fourni par la banque`,
      });
    stmtIndex++;
    iban ??= stmtIban;
    for (const e of asArray<CamtEntry>(stmt?.Ntry)) {
      const line = ntryLines[k++] ?? 0;
      const bad = (reason: string) => problems.push({ line, reason });
      const amt = e?.Amt;
      const amountText = textOf(amt);
      const cents = decimalToCents(amountText);
      const ccy = typeof amt === 'object' ? String(amt['@_Ccy'] ?? '') : '';
      const ind = textOf(e?.CdtDbtInd);
      const booking = textOf(e?.BookgDt?.Dt) || textOf(e?.BookgDt?.DtTm).slice(0, 10);
      const value = textOf(e?.ValDt?.Dt) || textOf(e?.ValDt?.DtTm).slice(0, 10);
      const before = problems.length;
      if (!amountText) bad('montant (Amt) absent');
      else if (cents == null || cents < 0) bad(`montant invalide « ${amountText} »`);
      if (!/^[A-Z]{3}$/.test(ccy)) bad('devise (attribut Ccy de Amt) absente ou invalide');
      else if (ccy !== 'EUR') bad(`devise ${ccy} non prise en charge (EUR seulement)`);
      if (ind !== 'CRDT' && ind !== 'DBIT') bad(`sens (CdtDbtInd) invalide « ${ind} » : CRDT ou DBIT attendu`);
      if (!isIsoDate(booking)) bad(`date de comptabilisation (BookgDt) invalide « ${booking} »`);
      if (value && !isIsoDate(value)) bad(`date de valeur (ValDt) invalide « ${value} »`);
      if (problems.length > before) continue;
      const tx: CamtTransaction = asArray(asArray(e.NtryDtls)[0]?.TxDtls)[0] ?? {};
      const ustrd = asArray(tx?.RmtInf?.Ustrd).map(clean).filter(Boolean).join(' ');
      const strd = clean(tx?.RmtInf?.Strd?.CdtrRefInf?.Ref);
      const party = ind === 'CRDT' ? tx?.RltdPties?.Dbtr : tx?.RltdPties?.Cdtr;
      const partyAcct = ind === 'CRDT' ? tx?.RltdPties?.DbtrAcct : tx?.RltdPties?.CdtrAcct;
      const name = clean(party?.Nm ?? party?.Pty?.Nm) || null;
      const e2e = clean(tx?.Refs?.EndToEndId);
      const addl = clean(e?.AddtlNtryInf);
      const label = [ustrd || addl, strd].filter(Boolean).join(' ') || name || 'Opération';
      lines.push({
        bookingDate: booking,
        valueDate: value || null,
        amountCents: ind === 'DBIT' ? -cents! : cents!,
        currency: ccy,
        label,
        counterpartyName: name,
        counterpartyIban: textOf(partyAcct?.Id?.IBAN).replace(/\s/g, '').toUpperCase() || null,
        reference: e2e && e2e !== 'NOTPROVIDED' ? e2e : strd || null,
        bankRef: clean(e?.AcctSvcrRef) || clean(tx?.Refs?.AcctSvcrRef) || null,
        bankCode: camtBankCode(e),
      });
    }
  }
  if (problems.length) throw new StatementParseError(problems, 'camt053');
  if (!k)
    throw new StatementParseError([{ line: 1, reason: 'le relevé ne contient aucune opération (Ntry)' }], 'camt053');
  return { format: 'camt053', accountIban: iban, lines: withDedupeKeys(lines) };
}

// --- OFX ------------------------------------------------------------------------------------

/** OFX dates: YYYYMMDD[HHMMSS[.XXX]][[-5:EST]] → 'YYYY-MM-DD'. */
function ofxDate(s: string): IsoDate | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(s.trim());
  if (!m) return null;
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  return isIsoDate(d) ? d : null;
}

export function parseOfx(text: string): ParsedStatement {
  const problems: LineProblem[] = [];
  if (!/<OFX>/i.test(text))
    throw new StatementParseError(
      [{ line: 1, reason: "élément <OFX> absent : ce fichier n'est pas un relevé OFX" }],
      'ofx',
    );
  const acct = /<ACCTID>\s*([^<\r\n]+)/i.exec(text)?.[1]?.trim() ?? null;
  const lines: Omit<ParsedLine, 'dedupeKey'>[] = [];
  const re = /<STMTTRN>([\s\S]*?)(<\/STMTTRN>|(?=<STMTTRN>)|(?=<\/BANKTRANLIST>)|$)/gi;
  let count = 0;
  for (const m of text.matchAll(re)) {
    count++;
    const line = lineOf(text, m.index!);
    const body = m[1];
    if (!m[2]) {
      problems.push({ line, reason: 'opération non refermée (</STMTTRN> manquant)' });
      continue;
    }
    const tags: Record<string, string> = {};
    const at: Record<string, number> = {};
    for (const t of body.matchAll(/<([A-Z0-9.]+)>([^<\r\n]*)/gi)) {
      tags[t[1].toUpperCase()] = unescapeXml(t[2]).trim();
      at[t[1].toUpperCase()] = m.index! + 9 + t.index!;
    }
    const lineAt = (tag: string) => (at[tag] != null ? lineOf(text, at[tag]) : line);
    const before = problems.length;
    const amountRaw = tags.TRNAMT ?? '';
    const cents = decimalToCents(amountRaw, amountRaw.includes(',') ? ',' : '.');
    const date = ofxDate(tags.DTPOSTED ?? '');
    if (!date)
      problems.push({ line: lineAt('DTPOSTED'), reason: `date (DTPOSTED) invalide « ${tags.DTPOSTED ?? ''} »` });
    if (!amountRaw) problems.push({ line, reason: 'montant (TRNAMT) absent' });
    else if (cents == null) problems.push({ line: lineAt('TRNAMT'), reason: `montant invalide « ${amountRaw} »` });
    if (problems.length > before) continue;
    const name = tags.NAME || tags.PAYEE || null;
    const memo = tags.MEMO || '';
    lines.push({
      bookingDate: date!,
      valueDate: tags.DTAVAIL ? ofxDate(tags.DTAVAIL) : null,
      amountCents: cents!,
      currency: 'EUR',
      label: [name, memo].filter(Boolean).join(' ') || 'Opération',
      counterpartyName: name,
      counterpartyIban: null,
      reference: tags.REFNUM || tags.CHECKNUM || null,
      bankRef: tags.FITID || null,
    });
  }
  if (problems.length) throw new StatementParseError(problems, 'ofx');
  if (!count)
    throw new StatementParseError([{ line: 1, reason: 'le relevé ne contient aucune opération (STMTTRN)' }], 'ofx');
  return {
    format: 'ofx',
    accountIban: acct && /^[A-Z]{2}\d{2}/.test(acct) ? acct.replace(/\s/g, '') : null,
    lines: withDedupeKeys(lines),
  };
}

// --- CSV ------------------------------------------------------------------------------------

/** Column: a 0-based index or a header name (compared without case nor accents). */
export type CsvColumn = number | string;
export interface CsvMapping {
  separator?: ';' | ',' | '\t';
  decimal?: ',' | '.';
  dateFormat?: 'dd/mm/yyyy' | 'yyyy-mm-dd' | 'dd-mm-yyyy';
  encoding?: 'utf8' | 'latin1';
  skipLines?: number;
  header?: boolean;
  date: CsvColumn;
  valueDate?: CsvColumn;
  label: CsvColumn;
  amount?: CsvColumn;
  debit?: CsvColumn;
  credit?: CsvColumn;
  counterparty?: CsvColumn;
  reference?: CsvColumn;
}

/** The usual French export: "Date;Libellé;Débit;Crédit" (or a "Montant" column), found by header names. */
export const FRENCH_CSV_MAPPING: CsvMapping = {
  separator: ';',
  decimal: ',',
  dateFormat: 'dd/mm/yyyy',
  header: true,
  date: 'date',
  label: 'libelle',
  debit: 'debit',
  credit: 'credit',
};

const norm = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function splitCsvLine(line: string, sep: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      q = true;
      cur = '';
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (q) return null;
  out.push(cur);
  return out.map((c) => c.trim());
}

function csvDate(s: string, fmt: CsvMapping['dateFormat']): IsoDate | null {
  const t = s.trim();
  let d: string | null = null;
  if (fmt === 'yyyy-mm-dd') d = /^\d{4}-\d{2}-\d{2}$/.test(t) ? t : null;
  else {
    const m = /^(\d{2})[/.-](\d{2})[/.-](\d{4}|\d{2})$/.exec(t);
    if (m) d = `${m[3].length === 2 ? `20${m[3]}` : m[3]}-${m[2]}-${m[1]}`;
  }
  return d && isIsoDate(d) ? d : null;
}

/**
 * The decimal separator the amounts use, read from the data: "1234.56", "-12.5" and "1,234.56" say
 * '.', "1 234,56" and "1.234,56" say ','. Ambiguous values ("1.234", "12") give no vote; the
 * majority wins, ',' (French banks) when nothing tells.
 */
export function detectDecimalSeparator(values: string[]): ',' | '.' {
  let comma = 0;
  let dot = 0;
  for (const v of values) {
    const t = v.replace(/[\s\u00a0\u202f"]/g, '');
    const lastComma = t.lastIndexOf(',');
    const lastDot = t.lastIndexOf('.');
    if (lastComma >= 0 && lastDot >= 0) {
      if (lastComma > lastDot) comma++;
      else dot++;
    } else if (lastComma >= 0) {
      if (/,\d{1,2}$/.test(t) || /,\d{4,}$/.test(t) || ((t.match(/,/g) ?? []).length === 1 && !/,\d{3}$/.test(t)))
        comma++;
      else if ((t.match(/,/g) ?? []).length > 1) dot++; // "1,234,567": thousands
    } else if (lastDot >= 0) {
      if (/\.\d{1,2}$/.test(t) || /\.\d{4,}$/.test(t) || ((t.match(/\./g) ?? []).length === 1 && !/\.\d{3}$/.test(t)))
        dot++;
      else if ((t.match(/\./g) ?? []).length > 1) comma++; // "1.234.567": thousands
    }
  }
  return dot > comma ? '.' : ',';
}

/** The cells of the given columns in the data lines (after the header), for detection. */
function columnValues(text: string, sep: string, cols: (number | undefined)[], skip: number): string[] {
  const out: string[] = [];
  const rows = text.split(/\r?\n/).filter((l) => l.trim());
  for (const row of rows.slice(skip, skip + 500)) {
    const cells = splitCsvLine(row, sep);
    if (!cells) continue;
    for (const c of cols) if (c != null && cells[c]) out.push(cells[c]);
  }
  return out;
}

/** Suggests a mapping from a header line (French bank exports), or null when the columns are not recognised. */
export function guessCsvMapping(text: string): CsvMapping | null {
  const first = text.split(/\r?\n/).find((l) => l.trim()) ?? '';
  const sep = ([';', '\t', ','] as const).find((s) => first.includes(s)) ?? ';';
  const cols = (splitCsvLine(first, sep) ?? []).map(norm);
  const find = (...names: string[]) => {
    const i = cols.findIndex((c) => names.some((n) => c === n || c.startsWith(`${n} `)));
    return i >= 0 ? i : undefined;
  };
  const date = find('date', 'date operation', 'date comptable');
  const label = find('libelle', 'libelle operation', 'intitule', 'description');
  const amount = find('montant', 'montant eur');
  const debit = find('debit', 'debit eur');
  const credit = find('credit', 'credit eur');
  if (date == null || label == null || (amount == null && (debit == null || credit == null))) return null;
  return {
    separator: sep,
    decimal: detectDecimalSeparator(columnValues(text, sep, [amount, debit, credit], 1)),
    dateFormat: 'dd/mm/yyyy',
    header: true,
    date,
    label,
    amount,
    debit,
    credit,
    valueDate: find('date de valeur', 'date valeur'),
    reference: find('reference'),
  };
}

export function parseCsv(text: string, mapping: CsvMapping): ParsedStatement {
  const sep = mapping.separator ?? ';';
  const raw = text.split(/\r?\n/);
  const problems: LineProblem[] = [];
  let start = mapping.skipLines ?? 0;
  while (start < raw.length && !raw[start].trim()) start++;
  let headers: string[] = [];
  if (mapping.header !== false) {
    headers = (splitCsvLine(raw[start] ?? '', sep) ?? []).map(norm);
    start++;
  }
  const idx = (c: CsvColumn | undefined, what: string): number | undefined => {
    if (c == null) return undefined;
    if (typeof c === 'number') return c;
    const i = headers.indexOf(norm(c));
    if (i < 0)
      problems.push({
        line: (mapping.skipLines ?? 0) + 1,
        reason: `colonne « ${c} » (${what}) introuvable dans l'en-tête`,
      });
    return i < 0 ? undefined : i;
  };
  const ci = {
    date: idx(mapping.date, 'date'),
    valueDate: idx(mapping.valueDate, 'date de valeur'),
    label: idx(mapping.label, 'libellé'),
    amount: idx(mapping.amount, 'montant'),
    debit: idx(mapping.debit, 'débit'),
    credit: idx(mapping.credit, 'crédit'),
    counterparty: idx(mapping.counterparty, 'tiers'),
    reference: idx(mapping.reference, 'référence'),
  };
  if (ci.amount == null && (ci.debit == null || ci.credit == null) && !problems.length)
    problems.push({ line: 0, reason: 'correspondance de colonnes incomplète : un montant, ou un débit et un crédit' });
  if (problems.length) throw new StatementParseError(problems, 'csv');
  // No separator in the mapping: read it from the amounts themselves.
  const decimal =
    mapping.decimal ??
    detectDecimalSeparator(
      raw
        .slice(start)
        .map((r) => splitCsvLine(r, sep))
        .flatMap((c) => (c ? [ci.amount, ci.debit, ci.credit].map((j) => (j == null ? '' : (c[j] ?? ''))) : [])),
    );
  const lines: Omit<ParsedLine, 'dedupeKey'>[] = [];
  for (let i = start; i < raw.length; i++) {
    if (!raw[i].trim()) continue;
    const line = i + 1;
    const cells = splitCsvLine(raw[i], sep);
    if (!cells) {
      problems.push({ line, reason: 'guillemet non refermé' });
      continue;
    }
    const cell = (j: number | undefined) => (j == null ? '' : (cells[j] ?? ''));
    const before = problems.length;
    const need = Math.max(...Object.values(ci).filter((v): v is number => v != null));
    if (cells.length <= need) {
      problems.push({ line, reason: `${cells.length} colonne(s) au lieu d'au moins ${need + 1}` });
      continue;
    }
    const date = csvDate(cell(ci.date), mapping.dateFormat);
    if (!date)
      problems.push({
        line,
        reason: `date invalide « ${cell(ci.date)} » (attendu ${mapping.dateFormat ?? 'jj/mm/aaaa'})`,
      });
    const vd = ci.valueDate != null && cell(ci.valueDate) ? csvDate(cell(ci.valueDate), mapping.dateFormat) : null;
    if (ci.valueDate != null && cell(ci.valueDate) && !vd)
      problems.push({ line, reason: `date de valeur invalide « ${cell(ci.valueDate)} »` });
    let cents: number | null = null;
    if (ci.amount != null) {
      cents = decimalToCents(cell(ci.amount), decimal);
      if (cents == null) problems.push({ line, reason: `montant invalide « ${cell(ci.amount)} »` });
    } else {
      const d = cell(ci.debit);
      const c = cell(ci.credit);
      const dc = d ? decimalToCents(d, decimal) : 0;
      const cc = c ? decimalToCents(c, decimal) : 0;
      if (dc == null) problems.push({ line, reason: `débit invalide « ${d} »` });
      if (cc == null) problems.push({ line, reason: `crédit invalide « ${c} »` });
      if (dc != null && cc != null) {
        if (!d && !c) problems.push({ line, reason: 'ni débit ni crédit' });
        else if (d && c && dc !== 0 && cc !== 0)
          problems.push({ line, reason: 'débit et crédit remplis sur la même ligne' });
        else cents = cc! !== 0 ? Math.abs(cc!) : -Math.abs(dc!);
      }
    }
    const label = cell(ci.label).replace(/\s+/g, ' ');
    if (!label) problems.push({ line, reason: 'libellé vide' });
    if (cents === 0) problems.push({ line, reason: 'montant nul' });
    if (problems.length > before) continue;
    lines.push({
      bookingDate: date!,
      valueDate: vd,
      amountCents: cents!,
      currency: 'EUR',
      label,
      counterpartyName: cell(ci.counterparty) || null,
      counterpartyIban: null,
      reference: cell(ci.reference) || null,
      bankRef: null,
    });
  }
  if (problems.length) throw new StatementParseError(problems, 'csv');
  if (!lines.length)
    throw new StatementParseError([{ line: 0, reason: 'le fichier ne contient aucune opération' }], 'csv');
  return { format: 'csv', accountIban: null, lines: withDedupeKeys(lines) };
}

/** Reads any supported statement; CSV needs a mapping (guessed from the header when none is given). */
export function parseStatement(
  buf: Uint8Array,
  opts: { format?: StatementFormat; csvMapping?: CsvMapping | null } = {},
): ParsedStatement {
  const text = decodeText(buf, opts.csvMapping?.encoding);
  const format = opts.format ?? detectFormat(text);
  if (format === 'camt053') return parseCamt053(text);
  if (format === 'ofx') return parseOfx(text);
  const mapping = opts.csvMapping ?? guessCsvMapping(text);
  if (!mapping)
    throw new StatementParseError(
      [
        {
          line: 1,
          reason:
            'format non reconnu : ni CAMT.053, ni OFX, ni CSV avec des colonnes Date, Libellé et Montant (ou Débit et Crédit). Enregistrez la correspondance des colonnes de votre banque.',
        },
      ],
      null,
    );
  return parseCsv(text, mapping);
}

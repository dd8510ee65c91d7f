// Reading the spreadsheets another software exports, bounded: CSV (`;` or `,` separator, UTF-8
// with or without BOM, or Windows-1252 as older exports are) and XLSX (first worksheet). Every
// row keeps its line number in the file (the header is line 1) so each problem can point at it.
// Values are read as text, then parsed with the French conventions: decimal comma, spaces as
// thousands separators, dates JJ/MM/AAAA (or AAAA-MM-JJ).
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_ROWS = 100_000;
export const MAX_COLUMNS = 200;

export class TableError extends Error {}

export interface TableRow {
  line: number;
  /** Cells by normalised header (see normaliseHeader). */
  cells: Map<string, string>;
}
export interface Table {
  /** Normalised headers (see normaliseHeader), the keys of each row's cells. */
  headers: string[];
  /** The headers as written in the file, for showing them. */
  labels: string[];
  rows: TableRow[];
}

/** Lower case, no accents, words separated by one space: "Numéro de facture" → "numero de facture". */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9%]+/g, ' ')
    .trim();
}

// Windows-1252's 0x80–0x9F block (€ at 0x80, œ at 0x9C, typographic quotes…), decoded here:
// Node's TextDecoder('windows-1252') decodes it as Latin-1 (C1 control characters) in the Node
// versions we run (checked on Node 20 with full ICU), so € and œ came out as invisible controls.
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

/** Windows-1252 bytes to text: Latin-1 except the 0x80–0x9F block. */
export function decodeWindows1252(buf: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < buf.length; i += 8192) {
    let s = '';
    for (const b of buf.subarray(i, i + 8192))
      s += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
    parts.push(s);
  }
  return parts.join('');
}

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252 (older enDI exports, Excel). */
export function decodeText(buf: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    text = decodeWindows1252(buf);
  }
  return text.replace(/^\uFEFF/, '');
}

function build(headerCells: string[], body: { line: number; values: string[] }[]): Table {
  if (headerCells.length > MAX_COLUMNS) throw new TableError(`plus de ${MAX_COLUMNS} colonnes`);
  if (body.length > MAX_ROWS) throw new TableError(`plus de ${MAX_ROWS} lignes`);
  const headers = headerCells.map((h) => normaliseHeader(String(h ?? '')));
  const rows: TableRow[] = [];
  for (const r of body) {
    if (r.values.every((v) => !String(v ?? '').trim())) continue;
    const cells = new Map<string, string>();
    headers.forEach((h, i) => {
      if (h && !cells.has(h)) cells.set(h, String(r.values[i] ?? '').trim());
    });
    rows.push({ line: r.line, cells });
  }
  return { headers, labels: headerCells.map((h) => String(h ?? '').trim()), rows };
}

export function readCsv(buf: Buffer): Table {
  if (buf.length > MAX_FILE_BYTES)
    throw new TableError(`fichier trop gros (plus de ${MAX_FILE_BYTES / 1024 / 1024} Mo)`);
  const text = decodeText(buf);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
      max_record_size: 100_000,
      to: MAX_ROWS + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new TableError(`CSV illisible : ${(e as Error).message.split('\n')[0]}`);
  }
  if (!records.length) throw new TableError('fichier vide');
  const [head, ...body] = records;
  // info.lines is the line where the record ends; a record spanning lines starts earlier, but the
  // exports we read have one record a line (quoted line breaks are rare): good enough to find it.
  return build(
    head.record,
    body.map((r) => ({ line: r.info.lines, values: r.record })),
  );
}

function xlsxCell(v: ExcelJS.CellValue): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') {
    if ('result' in v && v.result != null) return xlsxCell(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

export async function readXlsx(buf: Buffer): Promise<Table> {
  if (buf.length > MAX_FILE_BYTES)
    throw new TableError(`fichier trop gros (plus de ${MAX_FILE_BYTES / 1024 / 1024} Mo)`);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (e) {
    throw new TableError(`classeur XLSX illisible : ${(e as Error).message.split('\n')[0]}`);
  }
  const ws = wb.worksheets[0];
  if (!ws || ws.rowCount === 0) throw new TableError('classeur vide');
  if (ws.rowCount > MAX_ROWS + 1) throw new TableError(`plus de ${MAX_ROWS} lignes`);
  if (ws.columnCount > MAX_COLUMNS) throw new TableError(`plus de ${MAX_COLUMNS} colonnes`);
  const rowValues = (n: number) => {
    const out: string[] = [];
    const row = ws.getRow(n);
    for (let c = 1; c <= ws.columnCount; c++) out.push(xlsxCell(row.getCell(c).value));
    return out;
  };
  const body: { line: number; values: string[] }[] = [];
  for (let n = 2; n <= ws.rowCount; n++) body.push({ line: n, values: rowValues(n) });
  return build(rowValues(1), body);
}

// --- French values ---------------------------------------------------------------------------

/** "1 234,56" / "1234.5" / "-12" / "1 234,56 €" → cents, exactly (no float); null when not a number. */
export function parseCents(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0\u202f€]/g, '').replace(/^\+/, '');
  if (!s) return null;
  const m = /^(-)?(\d+)(?:[.,](\d{1,5}))?$/.exec(s);
  if (!m) return null;
  const frac = (m[3] ?? '').padEnd(5, '0');
  // Round half away from zero on the third decimal (enDI keeps 5 decimals on unit prices).
  let cents = Number(m[2]) * 100 + Number(frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1 : 0);
  if (!Number.isSafeInteger(cents)) return null;
  if (m[1]) cents = -cents;
  return cents;
}

/** "20", "20,00 %", "5,5" → basis points (2000, 550); null when not a rate. */
export function parseRateBp(raw: string): number | null {
  const s = raw.replace(/[\s%]/g, '');
  if (!s) return null;
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10000 ? bp : null;
}

/** "1", "1,5", "0,25" → thousandths. */
export function parseMilli(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0]/g, '');
  const m = /^(\d{1,9})(?:[.,](\d{1,3}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

/** "31/01/2025", "31/01/2025 10:12", "2025-01-31" → "2025-01-31"; null when not a real date. */
export function parseDate(raw: string): string | null {
  const s = raw.trim();
  let y: number;
  let mo: number;
  let d: number;
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s.*)?$/.exec(s);
  if (m) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s].*)?$/.exec(s);
    if (!m) return null;
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  if (y < 1990 || y > 2100) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

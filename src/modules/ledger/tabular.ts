// One writer for every accounting export: rows (money in integer cents) → CSV or XLSX, streamed.
// CSV: the French spreadsheet convention — `;` separator, decimal comma, dates JJ/MM/AAAA, UTF-8
// with BOM, CRLF. XLSX (exceljs streaming writer): money cells are NUMBERS (euros, format
// `#,##0.00`), dates are real dates, counts are integers — never text.
import { type Writable, PassThrough } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { centsToDecimal } from '../../core/money.ts';
import { csvRecord } from '../../core/csv.ts';

export type ColumnKind = 'text' | 'money' | 'int' | 'date' | 'decimal';
export interface Column {
  key: string;
  header: string;
  kind: ColumnKind;
  width?: number;
}
/** money: integer cents; date: 'YYYY-MM-DD'; decimal: a JS number shown with 2 decimals (hours). */
export type TableRow = Record<string, string | number | null | undefined>;
export type TableFormat = 'csv' | 'xlsx';

function csvValue(kind: ColumnKind, v: TableRow[string]): string {
  if (v == null || v === '') return '';
  switch (kind) {
    case 'money':
      return centsToDecimal(Number(v), ',');
    case 'int':
      return String(v);
    case 'decimal':
      return Number(v).toFixed(2).replace('.', ',');
    case 'date': {
      const d = String(v).slice(0, 10);
      return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
    }
    default:
      return String(v).replace(/[\r\n]+/g, ' ');
  }
}
function xlsxValue(kind: ColumnKind, v: TableRow[string]): string | number | Date | null {
  if (v == null || v === '') return null;
  switch (kind) {
    case 'money':
      return Number(v) / 100;
    case 'int':
      return Number(v);
    case 'decimal':
      return Number(v);
    case 'date':
      return new Date(`${String(v).slice(0, 10)}T00:00:00Z`);
    default:
      return String(v);
  }
}
const NUM_FMT: Partial<Record<ColumnKind, string>> = {
  money: '#,##0.00',
  date: 'dd/mm/yyyy',
  decimal: '0.00',
  int: '0',
};

export interface TableSink {
  write(row: TableRow): Promise<void>;
  close(): Promise<void>;
}

/** Opens a CSV or XLSX sink on a byte stream. */
export function openTable(out: Writable, format: TableFormat, columns: Column[], sheetName = 'Export'): TableSink {
  if (format === 'csv') {
    const write = async (s: string) => {
      if (!out.write(s)) await once(out, 'drain');
    };
    let started = false;
    const start = async () => {
      if (!started) {
        started = true;
        await write(
          '\ufeff' +
            csvRecord(
              columns.map((c) => c.header),
              ';',
            ) +
            '\r\n',
        );
      }
    };
    return {
      async write(row) {
        await start();
        await write(
          `${csvRecord(
            columns.map((c) => csvValue(c.kind, row[c.key])),
            ';',
          )}\r\n`,
        );
      },
      async close() {
        await start();
        out.end();
        await once(out, 'finish');
      },
    };
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName.slice(0, 31));
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width ?? (c.kind === 'text' ? 28 : 14),
    style: NUM_FMT[c.kind] ? { numFmt: NUM_FMT[c.kind] } : {},
  }));
  ws.getRow(1).font = { bold: true };
  return {
    async write(row) {
      ws.addRow(Object.fromEntries(columns.map((c) => [c.key, xlsxValue(c.kind, row[c.key])]))).commit();
    },
    async close() {
      ws.commit();
      await wb.commit();
    },
  };
}

/** Writes all rows to a file. */
export async function writeTableFile(
  path: string,
  format: TableFormat,
  columns: Column[],
  rows: AsyncIterable<TableRow> | Iterable<TableRow>,
  sheetName?: string,
): Promise<number> {
  const sink = openTable(createWriteStream(path), format, columns, sheetName);
  let n = 0;
  for await (const r of rows) {
    await sink.write(r);
    n++;
  }
  await sink.close();
  return n;
}

/** Builds the whole file in memory (web downloads of bounded size). */
export async function tableBuffer(
  format: TableFormat,
  columns: Column[],
  rows: AsyncIterable<TableRow> | Iterable<TableRow>,
  sheetName?: string,
): Promise<Buffer> {
  const pass = new PassThrough();
  const chunks: Buffer[] = [];
  pass.on('data', (c: Buffer) => chunks.push(c));
  const sink = openTable(pass, format, columns, sheetName);
  for await (const r of rows) await sink.write(r);
  await sink.close();
  return Buffer.concat(chunks);
}

export const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

// Business dates are 'YYYY-MM-DD' strings (no time zone drift); instants are Date/timestamptz.
// The business time zone is Europe/Paris.
export type IsoDate = string;
export const TZ = 'Europe/Paris';

const partsFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Paris (an invoice issued at 00:30 in Paris is dated that day, not the UTC one). */
export function todayParis(now: Date = new Date()): IsoDate {
  return partsFmt.format(now);
}

const timeFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An instant as Paris wall time with its offset, e.g. `2026-11-26T10:30:00+01:00` (ISO 8601, as
 *  banks read a file's creation time: a bare UTC time without offset reads as local time). */
export function parisDateTime(d: Date): string {
  const p = Object.fromEntries(timeFmt.formatToParts(d).map((x) => [x.type, x.value]));
  const local = `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  const offset = Math.round((Date.parse(`${local}Z`) - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(d: IsoDate, n: number): IsoDate {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
export function addMonths(d: IsoDate, n: number): IsoDate {
  const t = new Date(`${d}T00:00:00Z`);
  const day = t.getUTCDate();
  t.setUTCDate(1);
  t.setUTCMonth(t.getUTCMonth() + n);
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(day, last));
  return t.toISOString().slice(0, 10);
}
export function endOfMonth(d: IsoDate): IsoDate {
  const t = new Date(`${d}T00:00:00Z`);
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
}
/** The earlier / later of two 'YYYY-MM-DD' dates (they compare as strings; Math.min would give NaN). */
export function earlierDate(a: IsoDate, b: IsoDate): IsoDate {
  return b < a ? b : a;
}
export function laterDate(a: IsoDate, b: IsoDate): IsoDate {
  return b > a ? b : a;
}
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}
/** Normalises what the database driver returns for a `date` column into 'YYYY-MM-DD'. */
export function toIsoDate(v: unknown): IsoDate {
  if (v instanceof Date) {
    // pg parses `date` as a local-midnight Date; read it back in local parts.
    return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  }
  return String(v).slice(0, 10);
}

const longFmt = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const fullFmt = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dtFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone: TZ });

/** "26 nov. 2026" */
export function formatDate(d: IsoDate | Date | null | undefined): string {
  if (!d) return '—';
  const iso = typeof d === 'string' ? d : toIsoDate(d);
  return longFmt.format(new Date(`${iso}T00:00:00Z`));
}
export function formatDateLong(d: IsoDate): string {
  return fullFmt.format(new Date(`${d}T00:00:00Z`));
}
export function formatDateTime(d: Date | string | null | undefined): string {
  return d ? dtFmt.format(new Date(d)) : '—';
}

// Absences for the payroll: support or payroll staff record a person's absence (inclusive dates,
// a kind: sick leave, paid leave, other); the payroll variables count the WORKING days (jours
// ouvrés: Monday to Friday, French public holidays excluded) of the month they cover.
import { moduleView, type Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import { authorize, requireModule } from '../../../core/authz.ts';
import { NotFoundError, UserError } from '../../../core/errors.ts';
import { uuidv7, isUuid } from '../../../core/ids.ts';
import { audit } from '../../../core/audit.ts';
import { addDays, endOfMonth, isIsoDate, type IsoDate } from '../../../core/dates.ts';
import { listMembers } from '../../directory/index.ts';
import { LEDGER } from '../permissions.ts';
import type { LedgerTables } from '../schema.ts';
import { ledgerDb } from '../db.ts';

const absenceDb = moduleView<Pick<LedgerTables, 'payroll_absence'>>();

export type AbsenceKind = 'maladie' | 'conge' | 'autre';
export const ABSENCE_KINDS: Record<AbsenceKind, string> = {
  maladie: 'Arrêt maladie',
  conge: 'Congé',
  autre: 'Autre absence',
};
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
/** An absence longer than this is surely a typo (a year typed wrong). */
const MAX_ABSENCE_DAYS = 366;

export interface Absence {
  id: string;
  userId: string;
  personName: string;
  startDate: IsoDate;
  endDate: IsoDate;
  kind: AbsenceKind;
  note: string | null;
  /** Working days of the absence inside the month asked for (all of it when no month). */
  workingDays: number;
}

/** Easter Sunday of a year (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
function easter(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The eleven French public holidays of a year (mainland; Alsace-Moselle's two extra days are not counted). */
export function frenchPublicHolidays(year: number): Set<IsoDate> {
  const e = easter(year);
  return new Set([
    `${year}-01-01`,
    addDays(e, 1), // lundi de Pâques
    `${year}-05-01`,
    `${year}-05-08`,
    addDays(e, 39), // Ascension
    addDays(e, 50), // lundi de Pentecôte
    `${year}-07-14`,
    `${year}-08-15`,
    `${year}-11-01`,
    `${year}-11-11`,
    `${year}-12-25`,
  ]);
}

/** Working days (Monday to Friday, public holidays excluded) from `from` to `to`, both included. */
export function workingDays(from: IsoDate, to: IsoDate): number {
  let n = 0;
  const holidays = new Map<number, Set<IsoDate>>();
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const y = Number(d.slice(0, 4));
    if (!holidays.has(y)) holidays.set(y, frenchPublicHolidays(y));
    if (!holidays.get(y)!.has(d)) n++;
  }
  return n;
}

/** The part of [start, end] inside a month, or null. */
function clipToMonth(start: IsoDate, end: IsoDate, month: string): [IsoDate, IsoDate] | null {
  const first = `${month}-01`;
  const last = endOfMonth(first);
  const s = start > first ? start : first;
  const e = end < last ? end : last;
  return s <= e ? [s, e] : null;
}

/** The people an absence can be recorded for: the cooperative's current members. */
export async function absencePeople(tx: Tx, actor: Actor): Promise<{ userId: string; name: string }[]> {
  authorize(actor, LEDGER.absenceRecord);
  return (await listMembers(tx, actor, { pageSize: 10_000 })).items.map((m) => ({
    userId: m.userId,
    name: m.displayName,
  }));
}

export interface AbsenceInput {
  userId: string;
  startDate: string;
  endDate: string;
  kind: string;
  note?: string | null;
}

export async function recordAbsence(tx: Tx, actor: Actor, i: AbsenceInput): Promise<Absence> {
  authorize(actor, LEDGER.absenceRecord);
  const fields: Record<string, string> = {};
  const people = await absencePeople(tx, actor);
  const person = people.find((p) => p.userId === i.userId);
  if (!person) fields.userId = 'Choisissez une personne de la coopérative.';
  if (!isIsoDate(i.startDate ?? '')) fields.startDate = 'Indiquez le premier jour d’absence.';
  if (!isIsoDate(i.endDate ?? '')) fields.endDate = 'Indiquez le dernier jour d’absence.';
  else if (!fields.startDate && i.endDate < i.startDate)
    fields.endDate = 'Le dernier jour ne peut pas précéder le premier.';
  else if (!fields.startDate && addDays(i.startDate, MAX_ABSENCE_DAYS) < i.endDate)
    fields.endDate = 'Une absence dure au plus un an : enregistrez-la en plusieurs fois.';
  if (!(i.kind in ABSENCE_KINDS)) fields.kind = 'Choisissez le type d’absence.';
  const note = (i.note ?? '').trim();
  if (note.length > 300) fields.note = 'La remarque est trop longue (300 caractères au plus).';
  if (Object.keys(fields).length)
    throw new UserError(
      Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : Object.values(fields)[0],
      undefined,
      fields,
    );
  const trx = absenceDb(tx);
  // Two absences of one person cannot overlap: the same day would be counted twice.
  const overlap = await ledgerDb(trx)
    .selectFrom('payroll_absence')
    .select(['start_date', 'end_date'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', i.userId)
    .where('start_date', '<=', i.endDate)
    .where('end_date', '>=', i.startDate)
    .executeTakeFirst();
  if (overlap)
    throw new UserError(
      `Une absence de ${person!.name} couvre déjà une partie de ces jours (du ${fr(overlap.start_date)} au ${fr(overlap.end_date)}) : modifiez les dates.`,
      'startDate',
    );
  const id = uuidv7();
  await ledgerDb(trx)
    .insertInto('payroll_absence')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: i.userId,
      start_date: i.startDate,
      end_date: i.endDate,
      kind: i.kind as AbsenceKind,
      note: note || null,
      created_by: actor.userId,
    })
    .execute();
  await audit(tx, actor, {
    action: 'payroll.absence_recorded',
    targetType: 'payroll_absence',
    targetId: id,
    data: { userId: i.userId, startDate: i.startDate, endDate: i.endDate, kind: i.kind },
  });
  return {
    id,
    userId: i.userId,
    personName: person!.name,
    startDate: i.startDate,
    endDate: i.endDate,
    kind: i.kind as AbsenceKind,
    note: note || null,
    workingDays: workingDays(i.startDate, i.endDate),
  };
}

const fr = (d: string) => String(d).slice(0, 10).split('-').reverse().join('/');
const iso = (d: unknown): IsoDate => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/** The absences touching a month, with their working days in that month. */
export async function listAbsences(tx: Tx, actor: Actor, month: string): Promise<Absence[]> {
  authorize(actor, LEDGER.absenceRecord);
  if (!MONTH_RE.test(month)) throw new UserError('Choisissez le mois (AAAA-MM).', 'month');
  const first = `${month}-01`;
  const rows = await absenceDb(tx)
    .selectFrom('payroll_absence as a')
    .innerJoin('user_account as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.user_id', 'a.start_date', 'a.end_date', 'a.kind', 'a.note', 'u.display_name'])
    .where('a.cooperative_id', '=', actor.cooperativeId)
    .where('a.start_date', '<=', endOfMonth(first))
    .where('a.end_date', '>=', first)
    .orderBy('u.display_name')
    .orderBy('a.start_date')
    .execute();
  return rows.map((r) => {
    const s = iso(r.start_date);
    const e = iso(r.end_date);
    const clip = clipToMonth(s, e, month);
    return {
      id: r.id,
      userId: r.user_id,
      personName: r.display_name,
      startDate: s,
      endDate: e,
      kind: r.kind,
      note: r.note,
      workingDays: clip ? workingDays(clip[0], clip[1]) : 0,
    };
  });
}

/** Working days of absence per person in a month (the payroll variable). */
export async function absenceDaysByPerson(tx: Tx, actor: Actor, month: string): Promise<Map<string, number>> {
  requireModule(actor, 'ledger');
  const out = new Map<string, number>();
  for (const a of await listAbsences(tx, actor, month)) out.set(a.userId, (out.get(a.userId) ?? 0) + a.workingDays);
  return out;
}

export async function deleteAbsence(tx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, LEDGER.absenceRecord);
  if (!isUuid(id)) throw new NotFoundError('Absence');
  const del = await absenceDb(tx)
    .deleteFrom('payroll_absence')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(del.numDeletedRows) !== 1) throw new NotFoundError('Absence');
  await audit(tx, actor, { action: 'payroll.absence_deleted', targetType: 'payroll_absence', targetId: id });
}

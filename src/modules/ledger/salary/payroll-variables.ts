// Monthly payroll variables for the payroll software: one row per person paid that month (accepted
// or paid salary requests; their activities' codes joined), with hours, the gross requested, the
// expenses to reimburse (their expense reports of the month validated and not yet reimbursed, from
// purchases) and the working days of absence recorded for the month. The file format is described
// in docs/payroll-export.md.
import { activitiesFacts } from '../../directory/index.ts';
import type { Tx } from '../../../core/db/tenant.ts';
import type { Actor } from '../../../core/actor.ts';
import { authorize } from '../../../core/authz.ts';
import { LEDGER } from '../permissions.ts';
import { UserError } from '../../../core/errors.ts';
import type { Cents } from '../../../core/money.ts';
import type { Column, TableRow } from '../tabular.ts';
import { FULL_TIME_HOURS_PER_MONTH } from './salary-engine.ts';
import { expensesToReimburseByPerson } from '../../purchases/index.ts';
import { absenceDaysByPerson } from './absence.service.ts';
import { ledgerDb } from '../db.ts';

export interface PayrollVariable {
  userId: string;
  name: string;
  activityCodes: string;
  hours: number;
  grossCents: Cents;
  expensesCents: Cents;
  absenceDays: number;
}

export async function payrollVariables(trx: Tx, actor: Actor, month: string): Promise<PayrollVariable[]> {
  authorize(actor, LEDGER.payrollVariables);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UserError('Choisissez le mois (AAAA-MM).', 'month');
  const requests = await ledgerDb(trx)
    .selectFrom('salary_request as r')
    .innerJoin('user_account as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'u.display_name', 'r.activity_id', 'r.hours_centi', 'r.gross_cents'])
    .where('r.cooperative_id', '=', actor.cooperativeId)
    .where('r.month', '=', month)
    .where('r.status', 'in', ['approved', 'paid'])
    .orderBy('u.display_name')
    .execute();
  // The activities' codes from the directory (one batch); within one person, ordered by code.
  const codes = new Map(
    (await activitiesFacts(trx, actor.cooperativeId, [...new Set(requests.map((r) => r.activity_id))])).map((a) => [
      a.id as string,
      a.analyticCode,
    ]),
  );
  const group = new Map<string, number>(); // the names in the database's order (its collation)
  for (const r of requests) if (!group.has(r.display_name)) group.set(r.display_name, group.size);
  const rows = requests
    .map((r) => ({ ...r, analytic_code: codes.get(r.activity_id) ?? '' }))
    .sort(
      (a, b) =>
        group.get(a.display_name)! - group.get(b.display_name)! ||
        (a.analytic_code < b.analytic_code ? -1 : a.analytic_code > b.analytic_code ? 1 : 0),
    );
  const out = new Map<string, PayrollVariable & { centi: number }>();
  for (const r of rows) {
    const p = out.get(r.user_id) ?? {
      userId: r.user_id,
      name: r.display_name,
      activityCodes: '',
      hours: 0,
      centi: 0,
      grossCents: 0,
      expensesCents: 0,
      absenceDays: 0,
    };
    p.activityCodes = p.activityCodes ? `${p.activityCodes} + ${r.analytic_code}` : r.analytic_code;
    p.centi += r.hours_centi ?? Math.round(FULL_TIME_HOURS_PER_MONTH * 100);
    p.grossCents += Number(r.gross_cents);
    out.set(r.user_id, p);
  }
  const full = Math.round(FULL_TIME_HOURS_PER_MONTH * 100);
  const expenses = await expensesToReimburseByPerson(trx, actor, month);
  const absences = await absenceDaysByPerson(trx, actor, month);
  return [...out.values()].map(({ centi, ...p }) => ({
    ...p,
    hours: Math.min(centi, full) / 100,
    expensesCents: expenses.get(p.userId) ?? 0,
    absenceDays: absences.get(p.userId) ?? 0,
  }));
}

export const PAYROLL_COLUMNS: Column[] = [
  { key: 'name', header: 'Nom', kind: 'text', width: 30 },
  { key: 'activity', header: 'Code activité', kind: 'text', width: 16 },
  { key: 'hours', header: 'Heures', kind: 'decimal' },
  { key: 'gross', header: 'Brut demandé', kind: 'money' },
  { key: 'expenses', header: 'Frais à rembourser', kind: 'money' },
  { key: 'absences', header: "Jours d'absence", kind: 'int' },
];
export const payrollRows = (vs: PayrollVariable[]): TableRow[] =>
  vs.map((v) => ({
    name: v.name,
    activity: v.activityCodes,
    hours: v.hours,
    gross: v.grossCents,
    expenses: v.expensesCents,
    absences: v.absenceDays,
  }));

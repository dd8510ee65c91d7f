// The cooperative's limits per expense category (settings.expenseLimits, cents per line): above
// one, the automatic check `expense.limit` asks support for a second look. The defaults are in
// categories.ts; the direction overrides them (an empty field: no limit for that category).
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { parseCents } from '../../core/money.ts';
import { getCooperative, updateCooperativeSettings } from '../directory/index.ts';
import { EXPENSE_CATEGORIES } from './categories.ts';
import { PURCHASES } from './permissions.ts';

export interface ExpenseLimit {
  code: string;
  label: string;
  defaultCents: number | null;
  /** The limit in force (the cooperative's, or the default); null: none. */
  cents: number | null;
}

export async function expenseLimits(tx: Tx, actor: Actor): Promise<ExpenseLimit[]> {
  authorize(actor, PURCHASES.expenseLimits);
  const coop = await getCooperative(tx, actor.cooperativeId);
  const custom = ((coop?.settings ?? {}) as Record<string, unknown>).expenseLimits as
    | Record<string, number | null>
    | undefined;
  return EXPENSE_CATEGORIES.map((c) => ({
    code: c.code,
    label: c.label,
    defaultCents: c.defaultLimitCents,
    cents: custom && c.code in custom ? custom[c.code] : c.defaultLimitCents,
  }));
}

/** Saves one limit per category from the form (euros; empty: no limit). */
export async function saveExpenseLimits(tx: Tx, actor: Actor, raw: Record<string, string>): Promise<ExpenseLimit[]> {
  authorize(actor, PURCHASES.expenseLimits);
  const fields: Record<string, string> = {};
  const limits: Record<string, number | null> = {};
  for (const c of EXPENSE_CATEGORIES) {
    const v = (raw[c.code] ?? '').trim();
    if (!v) {
      limits[c.code] = null;
      continue;
    }
    const cents = parseCents(v);
    if (cents === null || cents <= 0 || cents > 10_000_000)
      fields[c.code] = 'Un montant en euros, par exemple 40 ; laissez vide pour ne pas plafonner.';
    else limits[c.code] = cents;
  }
  if (Object.keys(fields).length)
    throw new UserError(
      Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : Object.values(fields)[0],
      undefined,
      fields,
    );
  await updateCooperativeSettings(tx, actor, { expenseLimits: limits });
  return expenseLimits(tx, actor);
}

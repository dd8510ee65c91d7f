// Saved SROI scenarios: the calculator's form as typed (so reopening shows it unchanged), its
// name, and the present value and ratio it gave, per cooperative. Saved, listed, reopened,
// compared side by side; the yearly impact report lists them. The CLI is unchanged.
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { isUuid } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';
import type { Db } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { computeSroi, SroiInputError, type SroiInput } from './kit/sroi.ts';
import type { SroiSummary } from './report.ts';

/** Percent fields on the form are typed as percents ("25" or "25,5"); the kit takes fractions. */
const frac = (s: string) => {
  const t = s.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) throw new SroiInputError('Les taux s’écrivent en pourcentage, par exemple 25 ou 3,5.');
  const [i, d = ''] = t.split('.');
  // Divide by 100 by moving the decimal point: exact, no float.
  const digits = (i!.padStart(3, '0') + d).replace(/^0+(?=\d)/, '');
  const intPart = digits.length > d.length + 2 ? digits.slice(0, digits.length - d.length - 2) : '0';
  const fracPart = digits.slice(-(d.length + 2)).padStart(d.length + 2, '0');
  return `${intPart}.${fracPart}`;
};
const amount = (s: string) =>
  s
    .trim()
    .replace(/\s|\u00a0|\u202f/g, '')
    .replace(',', '.');

/** The calculator's form (one outcome, percents as typed) as the kit's input. */
export function scenarioInput(form: Record<string, string | undefined>): SroiInput {
  const f = (k: string) => String(form[k] ?? '');
  return {
    investment: amount(f('investment')),
    discount_rate: frac(f('discount_rate')),
    outcomes: [
      {
        name: f('name'),
        quantity: amount(f('quantity')),
        proxy: amount(f('proxy')),
        deadweight: frac(f('deadweight')),
        displacement: frac(f('displacement')),
        attribution: frac(f('attribution')),
        drop_off: frac(f('drop_off')),
        duration_years: Number(f('duration_years')),
      },
    ],
  };
}

export interface SavedScenario {
  id: string;
  title: string;
  form: Record<string, string>;
  presentValue: string;
  ratio: string;
  createdAt: Date;
}

export async function saveScenario(
  tx: Tx,
  actor: Actor,
  input: { title: string; form: Record<string, string>; presentValue: string; ratio: string },
): Promise<string> {
  authorize(actor, IMPACT.sroiCompute);
  const title = input.title.trim();
  if (title.length < 2 || title.length > 200)
    throw new UserError('Donnez un nom au scénario (2 à 200 caractères).', 'title');
  const id = randomUUID();
  await impactDb(tx)
    .insertInto('impact_sroi_scenario')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      title,
      form: JSON.stringify(input.form),
      present_value: input.presentValue,
      ratio: input.ratio,
      created_by: actor.userId,
    })
    .execute();
  return id;
}

const toScenario = (r: {
  id: string;
  title: string;
  form: unknown;
  present_value: string;
  ratio: string;
  created_at: Date;
}): SavedScenario => ({
  id: r.id,
  title: r.title,
  form: (typeof r.form === 'string' ? JSON.parse(r.form) : r.form) as Record<string, string>,
  presentValue: Number(r.present_value).toFixed(2),
  ratio: Number(r.ratio).toFixed(2),
  createdAt: r.created_at,
});

export async function listScenarios(tx: Tx, actor: Actor): Promise<SavedScenario[]> {
  authorize(actor, IMPACT.sroiCompute);
  const rows = await impactDb(tx)
    .selectFrom('impact_sroi_scenario')
    .select(['id', 'title', 'form', 'present_value', 'ratio', 'created_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toScenario);
}

export async function getScenario(tx: Tx, actor: Actor, id: string): Promise<SavedScenario> {
  authorize(actor, IMPACT.sroiCompute);
  if (!isUuid(id)) throw new NotFoundError('Scénario');
  const r = await impactDb(tx)
    .selectFrom('impact_sroi_scenario')
    .select(['id', 'title', 'form', 'present_value', 'ratio', 'created_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Scénario');
  return toScenario(r);
}

/** The saved scenarios of these cooperatives created up to the end of `year`, for the yearly
 *  report (no permission: called by `buildImpactReport`, see its head), each with its ratio and
 *  the range of its sensitivity table (lowest pessimistic and highest optimistic ratio). */
export async function scenariosForReport(
  db: Db,
  cooperatives: { id: string; name: string }[],
  year: number,
): Promise<SroiSummary[]> {
  const until = new Date(`${year + 1}-01-01T00:00:00+01:00`);
  const out: SroiSummary[] = [];
  for (const c of cooperatives) {
    const rows = await withTenant(db, c.id, (tx) =>
      impactDb(tx as unknown as Tx)
        .selectFrom('impact_sroi_scenario')
        .select(['id', 'title', 'form', 'present_value', 'ratio', 'created_at'])
        .where('cooperative_id', '=', c.id)
        .where('created_at', '<', until)
        .orderBy('created_at')
        .execute(),
    );
    for (const r of rows.map(toScenario)) {
      let low: string | null = null;
      let high: string | null = null;
      try {
        const res = computeSroi(scenarioInput(r.form));
        const lows = res.sensitivity.map((x) => Number(x.ratio_low));
        const highs = res.sensitivity.map((x) => Number(x.ratio_high));
        low = Math.min(...lows).toFixed(2);
        high = Math.max(...highs).toFixed(2);
      } catch (e) {
        if (!(e instanceof SroiInputError)) throw e;
      }
      out.push({
        name: r.title,
        cooperative: c.name,
        presentValue: r.presentValue,
        ratio: r.ratio,
        ratioLow: low,
        ratioHigh: high,
      });
    }
  }
  return out;
}

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

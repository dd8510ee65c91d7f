// An entrepreneur's first sales steps, for the home page's "Pour bien démarrer" card (the inbox
// asks; it never reads the sales tables itself). Written against the sales view of the database.
import type { Tx } from '../../core/db/handles.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { listActivities } from '../directory/index.ts';
import type { SalesTables } from './schema.ts';
import { salesDb } from './db.ts';
import { requireModule } from '../../core/authz.ts';

const salesView = moduleView<SalesTables>();

export interface FirstSalesSteps {
  /** The actor created a customer. */
  customer: boolean;
  /** A quote or an invoice exists in one of the actor's activities. */
  document: boolean;
}

/** About the actor's own customers and activities only. */
export async function ownFirstSalesSteps(tx: Tx, actor: Actor): Promise<FirstSalesSteps> {
  requireModule(actor, 'sales');
  if (!actor.userId) return { customer: false, document: false };
  const trx = salesView(tx);
  const coop = actor.cooperativeId;
  const customer = await salesDb(trx)
    .selectFrom('customer')
    .select('id')
    .where('cooperative_id', '=', coop)
    .where('created_by', '=', actor.userId)
    .limit(1)
    .executeTakeFirst();
  const activityIds = (await listActivities(tx, actor, { ownedBy: actor.userId })).map((a) => a.id);
  if (!activityIds.length) return { customer: !!customer, document: false };
  const quote = await salesDb(trx)
    .selectFrom('quote')
    .select('id')
    .where('cooperative_id', '=', coop)
    .where('activity_id', 'in', activityIds)
    .limit(1)
    .executeTakeFirst();
  const invoice = quote
    ? quote
    : await salesDb(trx)
        .selectFrom('invoice')
        .select('id')
        .where('cooperative_id', '=', coop)
        .where('activity_id', 'in', activityIds)
        .limit(1)
        .executeTakeFirst();
  return { customer: !!customer, document: !!invoice };
}

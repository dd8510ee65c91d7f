// The organisation's type (CAE, tiers-lieu, collectif): whether it has the ERP (core/actor.ts
// hasErp). Changing it hides or shows the sales, purchases, bank, ledger, e-invoicing and migration
// modules for everyone at once; nothing is deleted, so a mistaken change is undone by changing back.
import { z } from 'zod';
import { type Actor, ORGANISATION_TYPES, type OrganisationType, hasErp } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { NotFoundError } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import { directoryDb } from './db.ts';
import { DIRECTORY } from './permissions.ts';

const OrganisationTypeInput = z.object({
  organisationType: z.enum(ORGANISATION_TYPES, { error: 'Choisissez le type d’organisation.' }),
  // The change hides or shows whole modules for every member: it is confirmed on purpose.
  confirmed: z.literal(true, { error: 'Cochez la case pour confirmer le changement.' }),
});

export interface OrganisationTypeChange {
  from: OrganisationType;
  to: OrganisationType;
  /** The ERP modules appear (true), disappear (false) or stay as they were (null). */
  erpShown: boolean | null;
}

export async function changeOrganisationType(
  tx: Tx,
  actor: Actor,
  raw: { organisationType: string; confirmed: boolean },
): Promise<OrganisationTypeChange> {
  authorize(actor, DIRECTORY.organisationTypeChange);
  const v = parseInput(OrganisationTypeInput, raw);
  const trx = directoryDb(tx);
  const row = await trx
    .selectFrom('cooperative')
    .select('organisation_type')
    .where('id', '=', actor.cooperativeId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Coopérative');
  const from = row.organisation_type as OrganisationType;
  const to = v.organisationType;
  if (from === to) return { from, to, erpShown: null };
  await trx.updateTable('cooperative').set({ organisation_type: to }).where('id', '=', actor.cooperativeId).execute();
  await audit(trx, actor, {
    action: 'cooperative.organisation_type_changed',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: { from, to },
  });
  return { from, to, erpShown: hasErp(from) === hasErp(to) ? null : hasErp(to) };
}

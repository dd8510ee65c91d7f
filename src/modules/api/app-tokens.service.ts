// Application tokens: the cooperative's own tokens, for a program rather than a person (an
// accounting package, a payroll tool). A director creates them with a role fixed at creation
// (accountant, support or director: never above a staff role, never a person's), scopes, an
// expiry and a rate limit; the token is shown once, listed and revoked by any director of the
// cooperative. Its calls act with that role and no user, and the audit trail names them
// « application : <nom> » (tokens.service.ts, authenticateToken).
import { type Actor, ForbiddenError } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import type { Tx } from '../../core/db/handles.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { apiDb } from './db.ts';
import { API } from './permissions.ts';
import {
  type ApiToken,
  checkInput,
  isApplicationRole,
  storeToken,
  type TokenInput,
  tokenOut,
  tokenRows,
} from './tokens.service.ts';

export interface ApplicationTokenInput extends TokenInput {
  role: string;
}

/** Creates an application token of the actor's cooperative (directors). Returns it in clear: once. */
export async function createApplicationToken(
  tx: Tx,
  actor: Actor,
  input: ApplicationTokenInput,
  now = new Date(),
): Promise<{ token: string; info: ApiToken }> {
  authorize(actor, API.applications);
  if (!actor.userId) throw new ForbiddenError('Un jeton d’application est créé par une personne de la direction.');
  const v = checkInput(input);
  if (!isApplicationRole(input.role))
    throw new UserError('Choisissez le rôle de l’application : comptable, accompagnement ou direction.', 'role');
  const { token, id } = await storeToken(
    tx,
    actor,
    v,
    { kind: 'application', user_id: null, role: input.role, created_by: actor.userId },
    now,
  );
  const info = (await listApplicationTokens(tx, actor)).find((t) => t.id === id)!;
  return { token, info };
}

/** The cooperative's application tokens (revoked and expired ones included, newest first). */
export async function listApplicationTokens(tx: Tx, actor: Actor): Promise<ApiToken[]> {
  authorize(actor, API.applications);
  return (await tokenRows(tx, actor.cooperativeId, 'application')).map(tokenOut);
}

/** Revokes an application token of the actor's cooperative (a personal token is not found here). */
export async function revokeApplicationToken(tx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, API.applications);
  const r = await apiDb(tx)
    .updateTable('api_token')
    .set({ revoked_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('kind', '=', 'application')
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new NotFoundError('Jeton');
  await audit(tx, actor, { action: 'api.application_token_revoked', targetType: 'api_token', targetId: id });
}

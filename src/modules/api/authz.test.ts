// Every action of the API module tried by every role, through the real services: refused
// exactly to the roles the matrix leaves out. A token is its owner's: another person of the same
// role (the stranger) cannot revoke it.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives } from '../../app/testing.ts';
import { ROLES, type Role } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { UserId } from '../../core/ids.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { API } from './permissions.ts';
import { createToken, revokeToken } from './tokens.service.ts';
import { listApplicationTokens } from './app-tokens.service.ts';
import { listSubscriptions } from './webhooks.service.ts';

let odb: OpenDb | null = null;
after(async () => {
  await odb?.close();
});
const tokenOf = new Map<Role, string>();

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  for (const role of ROLES) {
    const t = await withTenant(odb.db, a.coop.id, (tx) =>
      createToken(tx, a.actor(role), { name: role, scopes: ['customers:read'] }),
    );
    tokenOf.set(role, t.info.id);
  }
  const other = (role: Role): Role => ROLES[(ROLES.indexOf(role) + 1) % ROLES.length];
  return {
    odb: odb!,
    cooperativeId: a.coop.id,
    actor: (role) => a.actor(role),
    stranger: (role) => ({ ...a.actor(role), userId: a.users[other(role)].id as UserId }),
  };
}

authzSuite('api', world, (): AuthzCase[] => [
  { permission: API.tokens, run: (trx, actor) => revokeToken(trx, actor, tokenOf.get(actor.roles[0])!) },
  { permission: API.applications, run: (trx, actor) => listApplicationTokens(trx, actor) },
  { permission: API.webhooks, run: (trx, actor) => listSubscriptions(trx, actor) },
]);

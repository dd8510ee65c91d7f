// The authorization harness every module's `authz.test.ts` uses: each permission of the module
// is tried for every role, in a transaction rolled back afterwards, against the real service.
// A role without the permission must get ForbiddenError; a role with it must not; a role whose
// scope is `own` must be refused (Forbidden or NotFound) on an object that is not its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Actor, ForbiddenError, ROLES, type Role } from './actor.ts';
import { allPermissions, type Permission, scopeOf } from './authz.ts';
import type { OpenDb } from './db/index.ts';
import { type Tx, withTenant } from './db/tenant.ts';
import { NotFoundError } from './errors.ts';

export interface AuthzCase {
  permission: Permission;
  /** Calls the service with this actor on objects owned by `owner` (an entrepreneur). */
  run(trx: Tx, actor: Actor): Promise<unknown>;
}
export interface AuthzWorld {
  odb: OpenDb;
  cooperativeId: string;
  /** An actor holding exactly this role; for entrepreneur and cape, the owner of the objects. */
  actor(role: Role): Actor;
  /** An actor of this role who owns none of the objects the cases touch. */
  stranger(role: Role): Actor;
}

class Rollback extends Error {}

async function attempt(w: AuthzWorld, c: AuthzCase, actor: Actor): Promise<unknown> {
  try {
    await withTenant(w.odb.db, w.cooperativeId, async (trx) => {
      await c.run(trx, actor);
      throw new Rollback();
    });
  } catch (e) {
    if (e instanceof Rollback) return null;
    return e;
  }
  return null;
}

/** Registers one test per permission of `module`, and one that checks every permission of the
 *  module has a case (a new action without its authorization test fails the suite). */
export function authzSuite(module: string, world: () => Promise<AuthzWorld>, cases: () => AuthzCase[]): void {
  let w: AuthzWorld;
  test(`${module}: every permission has an authorization case`, async () => {
    w = await world();
    const declared = allPermissions()
      .filter((p) => p.module === module)
      .map((p) => p.key);
    const covered = new Set(cases().map((c) => c.permission.key));
    assert.deepEqual(
      declared.filter((k) => !covered.has(k)),
      [],
      'permissions without an authorization case',
    );
  });
  for (const c of cases()) {
    test(`${c.permission.key}: allowed exactly to the roles of the matrix`, async () => {
      for (const role of ROLES) {
        const scope = scopeOf({ roles: [role] }, c.permission);
        const err = await attempt(w, c, w.actor(role));
        if (!scope)
          assert.ok(err instanceof ForbiddenError, `${role} should be refused ${c.permission.key}, got ${err}`);
        else assert.ok(!(err instanceof ForbiddenError), `${role} should be allowed ${c.permission.key}, got ${err}`);
        if (scope === 'own') {
          const e2 = await attempt(w, c, w.stranger(role));
          assert.ok(
            e2 instanceof ForbiddenError || e2 instanceof NotFoundError,
            `${role} must not ${c.permission.key} on another's object, got ${e2}`,
          );
        }
      }
    });
  }
}

/** One service of an ERP module, called with made-up arguments (module testing.ts tables,
 *  gathered by src/app/testing-erp.ts): an organisation without the ERP must be refused
 *  (ForbiddenError) whatever its roles, before anything is read; a CAE must not be. */
export interface ErpRefusalCase {
  name: string;
  run(trx: Tx, actor: Actor): Promise<unknown>;
}

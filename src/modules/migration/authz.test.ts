// The import of a history tried by every role through the real service (core/testing-authz.ts).
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives, testConfig, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { authzSuite, type AuthzWorld } from '../../core/testing-authz.ts';
import { uuidv7, type UserId } from '../../core/ids.ts';
import type { Actor, Role } from '../../core/actor.ts';
import { importEndi } from './endi-import.service.ts';
import { MIGRATION } from './permissions.ts';

let odb: OpenDb | null = null;
let A: TestCoop;
after(async () => {
  await odb?.close();
});

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb);
  const as = (role: Role): Actor => ({ ...A.actor(role), userId: uuidv7() as UserId, roles: [role] });
  return { odb, cooperativeId: A.coop.id, actor: (role) => A.actor(role), stranger: as };
}

authzSuite('migration', world, () => [
  {
    permission: MIGRATION.importHistory,
    run: (trx, actor) =>
      importEndi(trx, actor, { dir: '/nonexistent', files: {}, problems: [] }, { fileKey: testConfig().fileKey }),
  },
]);

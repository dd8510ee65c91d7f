// Every action of the archive tried by every role, through the real services. Each person owns
// a document of their own; a "stranger" is another person acting in the same cooperative.
import { after } from 'node:test';
import type { Actor, Role } from '../../core/actor.ts';
import { createTestDb, seedTestCooperatives, TEST_PNG, testConfig } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { CooperativeId } from '../../core/ids.ts';
import { type AuthzCase, type AuthzWorld, authzSuite } from '../../core/testing-authz.ts';
import {
  archiveSettings,
  deleteOwnDocument,
  depositDocument,
  getOwnDocument,
  personArchive,
  purgeExpired,
  uploadOwnDocument,
} from './archive.service.ts';
import { VAULT } from './permissions.ts';

const KEY = testConfig().fileKey;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
let odb: OpenDb | null = null;
after(async () => {
  await odb?.close();
});
const docOf = new Map<string, string>();
let ownerId = '';

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  ownerId = a.users.entrepreneur.id;
  await withTenant(odb.db, a.coop.id, async (tx) => {
    for (const role of Object.keys(a.users) as Role[]) {
      const d = await uploadOwnDocument(tx, a.actor(role), KEY, {
        title: `Document ${role}`,
        name: 'd.png',
        content: TEST_PNG,
      });
      docOf.set(a.users[role].id, d.id);
    }
  });
  return {
    odb,
    cooperativeId: a.coop.id,
    actor: (r) => a.actor(r),
    // Someone else of the same role, acting in this cooperative: none of the documents is theirs.
    stranger: (r): Actor => ({ ...b.actor(r), cooperativeId: a.coop.id as CooperativeId }),
  };
}
const mineOrOwners = (actor: Actor) => docOf.get(actor.userId ?? '') ?? docOf.get(ownerId)!;

authzSuite('vault', world, (): AuthzCase[] => [
  { permission: VAULT.ownRead, run: (trx, actor) => getOwnDocument(trx, actor, mineOrOwners(actor)) },
  { permission: VAULT.ownUpload, run: (trx, actor) => deleteOwnDocument(trx, actor, mineOrOwners(actor)) },
  { permission: VAULT.personRead, run: (trx, actor) => personArchive(trx, actor, ownerId) },
  {
    permission: VAULT.deposit,
    run: (trx, actor) =>
      depositDocument(trx, actor, KEY, {
        userId: ownerId,
        kind: 'certificate',
        title: 'Certificat',
        name: 'c.pdf',
        content: PDF,
      }),
  },
  {
    permission: VAULT.depositPayroll,
    run: (trx, actor) =>
      depositDocument(trx, actor, KEY, {
        userId: ownerId,
        kind: 'payslip',
        title: 'Bulletin',
        name: 'b.pdf',
        content: PDF,
      }),
  },
  { permission: VAULT.settingsManage, run: (trx, actor) => archiveSettings(trx, actor) },
  { permission: VAULT.purge, run: (trx, actor) => purgeExpired(trx, actor) },
]);

// Every action of the signatures module tried by every role, through the real services. The
// objects are a request addressed to the entrepreneur: for anyone else it does not exist.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives, testConfig } from '../../app/testing.ts';
import type { UserId } from '../../core/ids.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { SIGNATURES } from './permissions.ts';
import { getSignatureRequest, prepareSignature, signatureRequestsToFollow } from './requests.service.ts';
import { sendSignatureCode } from './signing.service.ts';

const key = testConfig().fileKey;
const links = { baseUrl: 'https://radieuse.test' };
let odb: OpenDb | null = null;
let requestId = '';
let entrepreneurId = '';
let activityId = '';
after(async () => {
  await odb?.close();
});

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  entrepreneurId = a.users.entrepreneur.id;
  activityId = a.activityId;
  requestId = (
    await withTenant(odb.db, a.coop.id, (trx) =>
      prepareSignature(
        trx,
        a.actor('support'),
        key,
        { kind: 'cape', userId: entrepreneurId, activityId, startDate: '2027-01-04', endDate: '2027-12-31' },
        links,
      ),
    )
  ).id;
  return {
    odb,
    cooperativeId: a.coop.id,
    actor: (r) => a.actor(r),
    // Same role, another person (b's entrepreneur is no one in cooperative a).
    stranger: (r) => ({ ...a.actor(r), userId: b.users.entrepreneur.id as UserId }),
  };
}

authzSuite('signatures', world, (): AuthzCase[] => [
  {
    permission: SIGNATURES.requestPrepare,
    run: (trx, actor) =>
      prepareSignature(
        trx as never,
        actor,
        key,
        { kind: 'amendment', userId: entrepreneurId, startDate: '2027-02-01', subject: 'Passage à mi-temps' },
        links,
      ),
  },
  { permission: SIGNATURES.requestManage, run: (trx, actor) => signatureRequestsToFollow(trx as never, actor) },
  { permission: SIGNATURES.documentRead, run: (trx, actor) => getSignatureRequest(trx as never, actor, requestId) },
  { permission: SIGNATURES.sign, run: (trx, actor) => sendSignatureCode(trx as never, actor, key, requestId) },
]);

// The search box of the people list (core/db/text-search.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { listMembers } from './members.service.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(() => odb?.close());

const names = async (q: string, coop = A) =>
  (await withTenant(odb.db, coop.coop.id, (trx) => listMembers(trx, coop.actor('director'), { q }))).items;

test('people: a name typed with a mistake, without accents or half typed; e-mail; own cooperative only', async () => {
  const all = (await names('')).map((m) => m);
  assert.ok(all.length >= 3);
  const target = all[0];
  const name = target.displayName;
  // Half typed, without accents and in capitals.
  const half = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .slice(0, Math.max(3, Math.ceil(name.length / 2)));
  assert.equal((await names(half))[0]?.userId, target.userId, half);
  // One letter swapped in the middle of the name still finds it, first.
  const i = Math.floor(name.length / 2);
  const typo = `${name.slice(0, i)}${name[i + 1]}${name[i]}${name.slice(i + 2)}`;
  assert.equal((await names(typo))[0]?.userId, target.userId, typo);
  assert.equal((await names(target.email))[0]?.userId, target.userId);
  // Wildcards typed are characters: nobody's name or e-mail holds "%"; "_" finds only those
  // that hold one.
  assert.deepEqual(await names('%'), []);
  const under = await names('_');
  assert.ok(under.length < all.length);
  for (const m of under) assert.ok(`${m.displayName}${m.email}`.includes('_'), m.email);
  // Cooperative B's people are not in A's list.
  const bEmails = new Set((await names('', B)).map((m) => m.email));
  for (const m of await names(half)) assert.ok(!bEmails.has(m.email));
});

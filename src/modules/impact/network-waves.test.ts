// Network-wide waves: network staff launch one wave for every cooperative (or a selection); each
// cooperative answers through its own links; response rates per cooperative by hand, a lone
// cooperative under 5 answers hiding the next smallest; directors cannot launch one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { answerSurvey } from './surveys.service.ts';
import { launchNetworkWave, networkWaveRates } from './network-waves.service.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});
const answer = (token: string) => answerSurvey(odb.db, token, [3, 3, 3, 3, 3]);

test('a network wave: one wave per cooperative, rates by hand, secondary suppression', async () => {
  const net = a.actor('network_admin');
  await assert.rejects(
    launchNetworkWave(odb.db, a.actor('director'), { title: 'Bien-être 2026', links: 6 }),
    ForbiddenError,
  );
  const w = await launchNetworkWave(odb.db, net, { title: 'Bien-être 2026', links: 6, questionnaire: 'who5' });
  assert.deepEqual(w.cooperatives.map((c) => [c.id, c.tokens.length]).sort(), [
    ...[
      [a.coop.id, 6],
      [b.coop.id, 6],
    ].sort(),
  ]);
  const tokensOf = (id: string) => w.cooperatives.find((c) => c.id === id)!.tokens;
  for (const t of tokensOf(a.coop.id).slice(0, 5)) await answer(t);
  for (const t of tokensOf(b.coop.id).slice(0, 2)) await answer(t);
  // B has 2 answers (hidden); A is hidden too, else 7 − 5 would give B's; the network: 7 of 12 = 58.3 %.
  let v = (await networkWaveRates(odb.db, net, w.networkWaveId))!;
  assert.equal(v.title, 'Bien-être 2026');
  assert.deepEqual(v.total, { links: 12, answers: 7, rate: 58.3 });
  assert.deepEqual(
    v.cooperatives.map((c) => [c.name, c.links, c.answers, c.rate]).sort(),
    [
      [a.coop.name, 6, null, null],
      [b.coop.name, 6, null, null],
    ].sort(),
  );
  // Three more in B: 5 of 6 each = 83.3 %, network 10 of 12 = 83.3 %.
  for (const t of tokensOf(b.coop.id).slice(2, 5)) await answer(t);
  v = (await networkWaveRates(odb.db, net, w.networkWaveId))!;
  assert.deepEqual(v.total, { links: 12, answers: 10, rate: 83.3 });
  assert.deepEqual(
    v.cooperatives.map((c) => [c.name, c.answers, c.rate]).sort(),
    [
      [a.coop.name, 5, 83.3],
      [b.coop.name, 5, 83.3],
    ].sort(),
  );
  // A selection: only B gets the wave; a custom questionnaire or a foreign cooperative is refused.
  const only = await launchNetworkWave(odb.db, net, {
    title: 'Baromètre',
    links: 5,
    questionnaire: 'qvt_support',
    cooperativeIds: [b.coop.id],
  });
  assert.deepEqual(
    only.cooperatives.map((c) => c.id),
    [b.coop.id],
  );
  assert.deepEqual(
    (await networkWaveRates(odb.db, net, only.networkWaveId))!.cooperatives.map((c) => c.name),
    [b.coop.name],
  );
  await assert.rejects(
    launchNetworkWave(odb.db, net, {
      title: 'X',
      links: 5,
      cooperativeIds: [b.coop.id, '00000000-0000-0000-0000-000000000001'],
    }),
    /Choisissez des coopératives du réseau/,
  );
  await assert.rejects(
    launchNetworkWave(odb.db, net, { title: 'X', links: 5, questionnaire: 'custom' }),
    /questionnaire intégré/,
  );
  // Directors cannot read a network wave's rates.
  await assert.rejects(networkWaveRates(odb.db, b.actor('director'), w.networkWaveId), ForbiddenError);
});

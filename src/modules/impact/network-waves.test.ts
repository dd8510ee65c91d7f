// Network-wide waves: network staff launch one wave for every cooperative (or a selection); each
// cooperative answers through its own links; response rates per cooperative by hand, a lone
// cooperative under 5 answers hiding the next smallest; directors cannot launch one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { Role } from '../../core/actor.ts';
import type { Tx } from '../../core/db/handles.ts';
import { withEachTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { answerSurvey, createSurvey, surveySummaries } from './surveys.service.ts';
import { launchNetworkWave, listNetworkWaves, networkWaveRates } from './network-waves.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
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

const wavesIn = (coop: TestCoop) =>
  withEachTenant(odb.db, [coop.coop.id], (trx) => surveySummaries(trx as unknown as Tx, coop.actor('director'))).then(
    ([list]) => list!.length,
  );

test('the cooperatives of a wave are written in one transaction: a failure in one leaves none', async () => {
  const before = [await wavesIn(a), await wavesIn(b)];
  await assert.rejects(
    withEachTenant(odb.db, [a.coop.id, b.coop.id], async (trx, id) => {
      if (id === b.coop.id) throw new Error('panne dans la seconde coopérative');
      return createSurvey(trx as unknown as Tx, a.actor('network_admin'), { title: 'Tout ou rien', links: 3 });
    }),
    /panne/,
  );
  assert.deepEqual([await wavesIn(a), await wavesIn(b)], before);
  // Each cooperative's work is still scoped by the row-level policies: writing A's wave while
  // B is the current cooperative is refused.
  await assert.rejects(
    withEachTenant(odb.db, [b.coop.id], (trx) =>
      createSurvey(trx as unknown as Tx, a.actor('network_admin'), { title: 'Ailleurs', links: 3 }),
    ),
  );
  assert.deepEqual([await wavesIn(a), await wavesIn(b)], before);
});

async function signed(coop: TestCoop, role: Role) {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}

test('pages: network staff launch a wave for a selection and read its rates; others are refused', async () => {
  const net = await signed(a, 'network_admin');
  const page = await net.get('/impact/enquetes-reseau');
  assert.equal(page.res.status, 200);
  assert.match(page.html, new RegExp(a.coop.name));
  assert.match(page.html, new RegExp(b.coop.name));
  const launched = await net.post('/impact/enquetes-reseau', {
    title: 'Bien-être du réseau',
    questionnaire: 'who5',
    audience: 'none',
    links: '5',
    cooperatives: [b.coop.id],
  });
  assert.equal(launched.res.status, 200);
  const links = [...launched.html.matchAll(/\/enquete\/([A-Za-z0-9._-]+)<\/code>/g)].map((m) => m[1]!);
  assert.equal(links.length, 5);
  const wave = (await listNetworkWaves(odb.db, a.actor('network_admin'))).find(
    (w) => w.title === 'Bien-être du réseau',
  )!;
  assert.equal(wave.cooperatives, 1);
  const list = await net.get('/impact/enquetes-reseau');
  assert.match(list.html, new RegExp(`href="/impact/enquetes-reseau/${wave.id}"`));
  for (const t of links.slice(0, 3)) await answer(t);
  const rates = await net.get(`/impact/enquetes-reseau/${wave.id}`);
  assert.equal(rates.res.status, 200);
  // Three answers of five links: hidden (under 5), the network total too.
  assert.match(rates.html, new RegExp(`${b.coop.name}</td><td class="num">5</td><td class="num">moins de 5 personnes`));
  assert.doesNotMatch(rates.html, new RegExp(`<td>${a.coop.name}</td>`));
  // Bad input: a French message beside the field, nothing written.
  const bad = await net.post('/impact/enquetes-reseau', {
    title: 'Étrangère',
    questionnaire: 'who5',
    links: '5',
    cooperatives: ['00000000-0000-4000-8000-000000000001'],
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Choisissez des coopératives du réseau/);
  assert.ok(!(await listNetworkWaves(odb.db, a.actor('network_admin'))).some((w) => w.title === 'Étrangère'));
  assert.equal((await net.get('/impact/enquetes-reseau/pas-un-id')).res.status, 404);
  assert.equal((await net.get('/impact/enquetes-reseau/00000000-0000-4000-8000-000000000001')).res.status, 404);
  for (const role of ['director', 'support', 'entrepreneur'] as Role[]) {
    const u = await signed(a, role);
    assert.equal((await u.get('/impact/enquetes-reseau')).res.status, 403, role);
    assert.equal((await u.get(`/impact/enquetes-reseau/${wave.id}`)).res.status, 403, role);
    const r = await u.post('/impact/enquetes-reseau', { title: 'Non', links: '5' });
    assert.equal(r.res.status, 403, role);
  }
});

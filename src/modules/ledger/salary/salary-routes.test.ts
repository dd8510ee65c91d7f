// The simulation page through HTTP, on a bare Hono app that plays the identity middleware's part
// (and a real database: the simulation reads the cooperative's payroll parameters).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../../web/context.ts';
import type { Actor } from '../../../core/actor.ts';
import { salaryRoutes } from './salary-routes.tsx';
import { simulateFromEmployerCost, simulateFromNet, warmUp } from './salary-engine.ts';
import { formatEuros } from '../../../core/money.ts';
import { createTestDb, seedTestCooperatives } from '../../../app/testing.ts';
import type { OpenDb } from '../../../core/db/index.ts';

warmUp();
let odb: OpenDb;
before(async () => {
  odb = await createTestDb();
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  (actor as { cooperativeId: string }).cooperativeId = a.coop.id;
});
after(async () => {
  await odb?.close();
});

function appWith(actor: Actor | null) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    // The page needs only the navigation and the database from the assembly.
    c.set('app', { nav: [], odb } as unknown as AppContext);
    c.set('actor', actor);
    c.set('user', null);
    c.set('memberships', []);
    c.set('session', null);
    c.set('csrf', 'jeton');
    c.set('flash', null);
    await next();
  });
  app.route('/', salaryRoutes);
  return app;
}
const actor = {
  userId: null,
  cooperativeId: 'coop-1',
  roles: ['entrepreneur'],
  label: 'Test',
  ip: null,
} as unknown as Actor;
const post = (app: Hono<AppEnv>, form: Record<string, string>) =>
  app.request('http://localhost/salaire/simulation', {
    method: 'POST',
    body: new URLSearchParams(form),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
const html = (s: string) =>
  s
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

test('anonymous visitors are sent to sign in', async () => {
  const res = await appWith(null).request('http://localhost/salaire/simulation');
  assert.equal(res.status, 302);
  assert.match(res.headers.get('location') ?? '', /^\/connexion/);
});

test('GET shows the question', async () => {
  const res = await appWith(actor).request('http://localhost/salaire/simulation');
  assert.equal(res.status, 200);
  const body = html(await res.text());
  assert.ok(body.includes('Combien voulez-vous dépenser pour votre salaire ce mois-ci ?'));
  assert.ok(body.includes('name="_csrf" value="jeton"'));
});

test('POST an envelope renders the breakdown in plain words', async () => {
  const res = await post(appWith(actor), { cout: '3 000', net: '', heures: '' });
  assert.equal(res.status, 200);
  const body = html(await res.text());
  const sim = simulateFromEmployerCost(300_000);
  for (const label of [
    'Ce que vous coûtez à la coopérative',
    'Votre salaire brut',
    'Cotisations sociales',
    'Ce que vous recevez sur votre compte (net avant impôt)',
  ])
    assert.ok(body.includes(label), label);
  assert.ok(body.includes(formatEuros(sim.grossCents)), 'gross shown');
  assert.ok(body.includes(formatEuros(sim.netBeforeTaxCents)), 'net shown');
});

test('POST a wished net, part time', async () => {
  const res = await post(appWith(actor), { cout: '', net: '1200,50', heures: '110' });
  assert.equal(res.status, 200);
  const body = html(await res.text());
  const sim = simulateFromNet(120_050, { hoursPerMonth: 110 });
  assert.ok(body.includes(formatEuros(sim.employerCostCents)));
  assert.ok(body.includes('Temps partiel : 110 heures par mois.'));
});

test('invalid amount: French error next to the field, 422', async () => {
  const app = appWith(actor);
  let res = await post(app, { cout: 'beaucoup', net: '' });
  assert.equal(res.status, 422);
  let body = html(await res.text());
  assert.match(body, /id="f-cout-error"[^>]*>Indiquez un montant en euros, par exemple 2 500\.</);
  res = await post(app, { cout: '', net: '' });
  assert.equal(res.status, 422);
  assert.match(html(await res.text()), /id="f-cout-error"/);
  res = await post(app, { cout: '3000', net: '1500' });
  assert.equal(res.status, 422);
  assert.match(html(await res.text()), /id="f-net-error"[^>]*>Remplissez soit/);
  res = await post(app, { cout: '3000', heures: '-3' });
  assert.equal(res.status, 422);
  body = html(await res.text());
  assert.match(body, /id="f-heures-error"/);
  res = await post(app, { cout: '1' });
  assert.equal(res.status, 422);
  assert.match(html(await res.text()), /id="f-cout-error"[^>]*>Ce montant est trop faible/);
});

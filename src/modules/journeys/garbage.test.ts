// Garbage in the address or in a form (an id that is no UUID, a NUL byte, an absurd page number,
// an unknown filter) gets a French answer, 400 or 404, on every accompaniment page: never a
// server error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { createJourney } from './journeys.service.ts';
import { createTheme, createSession } from './workshops.service.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let a: TestCoop;
let journeyId: string;
let sessionId: string;
const NOT_A_UUID = 'pas-un-identifiant';
const UNKNOWN_UUID = '2f1e6c1a-4b7d-4c3e-9a51-0d6f4a3b2c1d';

before(async () => {
  t = await createTestApp();
  [a] = await seedTestCooperatives(t.odb);
  const sup = a.actor('support');
  await withTenant(t.odb.db, a.coop.id, async (tx) => {
    journeyId = (
      await createJourney(tx, sup, { userId: a.users.entrepreneur.id, startedOn: addDays(todayParis(), -5) })
    ).id;
    const theme = await createTheme(tx, sup, { name: 'Fixer ses prix' });
    sessionId = await createSession(tx, sup, {
      themeId: theme,
      date: addDays(todayParis(), 3),
      start: '09:00',
      end: '10:00',
      place: 'Salle',
      capacity: 5,
    });
  });
});
after(async () => {
  await t?.odb.close();
});

async function signed(role: 'support' | 'director' | 'entrepreneur') {
  const c = new TestClient(t.app);
  await c.signIn(a.users[role].email, TEST_PASSWORD);
  return c;
}
const frenchPage = (html: string) => /lang="fr"/.test(html) && !/Oups/.test(html);

test('ids that are no UUID, or no object of the cooperative, answer 404 in French', async () => {
  const sup = await signed('support');
  for (const path of [
    `/accompagnement/${NOT_A_UUID}`,
    `/accompagnement/${UNKNOWN_UUID}`,
    `/rendez-vous/${NOT_A_UUID}`,
    `/rendez-vous/${NOT_A_UUID}/invitation.ics`,
    `/ateliers/${NOT_A_UUID}`,
    `/ateliers/${NOT_A_UUID}/emargement.pdf`,
    `/reunions/${NOT_A_UUID}`,
    `/documents-parcours/${NOT_A_UUID}`,
    '/reunions-information/Pas%20un%20identifiant',
  ]) {
    const r = await sup.get(path);
    assert.equal(r.res.status, 404, path);
    assert.ok(frenchPage(r.html), path);
  }
  for (const path of [
    `/accompagnement/${NOT_A_UUID}/etape`,
    `/accompagnement/${NOT_A_UUID}/suivi`,
    `/accompagnement/${NOT_A_UUID}/annuler-etape`,
    `/accompagnement/${UNKNOWN_UUID}/etape`,
    `/rendez-vous/${NOT_A_UUID}/notes`,
    `/rendez-vous/${NOT_A_UUID}/actions`,
    `/rendez-vous/${NOT_A_UUID}/annuler`,
    `/rendez-vous/actions/${NOT_A_UUID}/fait`,
    `/creneaux/${NOT_A_UUID}/reserver`,
    `/ateliers/${NOT_A_UUID}/inscription`,
    `/ateliers/${NOT_A_UUID}/desinscription`,
    `/ateliers/${NOT_A_UUID}/avis`,
    `/ateliers/${NOT_A_UUID}/presences`,
    `/reunions/${NOT_A_UUID}/presences`,
    `/reunions/inscriptions/${NOT_A_UUID}/convertir`,
  ]) {
    const r = await sup.post(path, { to: 'diagnostic', effectiveOn: todayParis(), body: 'x', comment: 'x' });
    assert.equal(r.res.status, 404, path);
    assert.ok(frenchPage(r.html), path);
  }
});

test('absurd page numbers and unknown filters answer 400 with a French message', async () => {
  const sup = await signed('support');
  for (const path of [
    '/accompagnement?page=1e309',
    '/accompagnement?page=0',
    '/accompagnement?page=-3',
    '/accompagnement?etape=nimporte',
    '/accompagnement?alerte=%3Cscript%3E',
    `/accompagnement?suivi=${NOT_A_UUID}`,
    `/accompagnement?suivi=${UNKNOWN_UUID}`,
    '/accompagnement/export.csv?etape=exit',
    '/ateliers/heures.csv?du=1e309',
    '/ateliers/heures.csv?du=2026-13-45',
  ]) {
    const r = await sup.get(path);
    assert.equal(r.res.status, 400, path);
    assert.ok(frenchPage(r.html), path);
  }
});

test('a NUL byte in the address or in a form answers 400, nothing written', async () => {
  const sup = await signed('support');
  for (const path of [
    '/accompagnement?etape=%00',
    `/accompagnement/${journeyId}?x=%00`,
    '/reunions-information/%00',
    '/calendrier/%00.ics',
    '/ateliers?page=%00',
  ]) {
    const r = await sup.get(path);
    assert.equal(r.res.status, 400, path);
    assert.match(r.html, /caractères? interdits?|mal formée/, path);
  }
  const forms: [string, Record<string, string>][] = [
    ['/accompagnement/nouveau', { displayName: 'Zoé\u0000Null', startedOn: todayParis() }],
    [`/accompagnement/${journeyId}/etape`, { to: 'info_meeting', effectiveOn: todayParis(), comment: 'a\u0000b' }],
    ['/ateliers/themes', { name: 'Thème\u0000' }],
    [
      '/reunions',
      { date: addDays(todayParis(), 3), start: '10:00', end: '11:00', place: 'Sa\u0000lle', capacity: '5' },
    ],
    [`/reunions-information/${a.coop.slug}`, { displayName: 'Robot\u0000', email: 'r@x.test', meetingId: 'x' }],
  ];
  for (const [path, form] of forms) {
    const r = await sup.post(path, form);
    assert.equal(r.res.status, 400, path);
    assert.match(r.html, /caractères? interdits?/, path);
  }
  const page = await sup.get(`/accompagnement/${journeyId}`);
  assert.match(page.html, /Premier contact depuis/, 'the stage did not move');
  assert.doesNotMatch((await sup.get('/accompagnement?tous=1')).html, /Zoé/, 'no journey opened');
});

test('forms with garbage values answer 400 beside the field, not a server error', async () => {
  const sup = await signed('support');
  const cases: [string, Record<string, string>][] = [
    ['/accompagnement/nouveau', { userId: NOT_A_UUID, startedOn: todayParis() }],
    ['/accompagnement/nouveau', { displayName: 'Zoé', startedOn: '1e309' }],
    ['/rendez-vous', { journeyId: NOT_A_UUID, subject: 'x' }],
    [
      '/rendez-vous',
      { journeyId, subject: 'Point', date: todayParis(), start: '25:00', end: '26:00', place: 'Bureau' },
    ],
    ['/creneaux', { date: 'demain', start: '10:00', end: '11:00', place: 'Bureau' }],
    [
      '/ateliers/seances',
      {
        themeId: NOT_A_UUID,
        date: addDays(todayParis(), 2),
        start: '09:00',
        end: '10:00',
        place: 'Salle',
        capacity: '1e309',
      },
    ],
    [`/ateliers/${sessionId}/presences`, { walkIn: NOT_A_UUID }],
    ['/reunions', { date: addDays(todayParis(), 3), start: '10:00', end: '11:00', place: 'Salle', capacity: '-1' }],
  ];
  for (const [path, form] of cases) {
    const r = await sup.post(path, form);
    assert.equal(r.res.status, 400, `${path} ${JSON.stringify(form)}`);
    assert.ok(frenchPage(r.html), path);
  }
});

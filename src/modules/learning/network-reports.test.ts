// The network's training report on a case computed by hand, two cooperatives of one network.
// alpha: network course "Facturer" (90 min, OPCO) completed by a1…a7 (10.50 h), private "Accueil"
// (30 min, no funding) by a1…a5 (2.50 h), a 3-hour workshop attended by a1…a5 (15.00 h).
// beta: "Facturer" completed by b1…b6 (9.00 h), private "Trésorerie" (60 min, Région) by its CAPE
// holder and its support staff member (2.00 h).
// Lines: beta-Trésorerie (2 people) hidden; alone, so the next smallest (alpha-Accueil, 5) too.
// Bilan: 15 trainees, 39.00 trainee-hours; by type CAPE 1 and team 1 hidden, entrepreneurs 13
// (37.00 h); by funding Région 2 hidden and the workshops (5) with it, Non renseigné 5 (2.50 h),
// OPCO 13 (19.50 h).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import type { Tx } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { UserError } from '../../core/errors.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { createUser } from '../../core/auth/users.ts';
import { addMembership } from '../directory/index.ts';
import { createSession, createTheme, recordAttendance, registerForWorkshop } from '../journeys/index.ts';
import { addLesson, addSection, createCourse, setPublished } from './courses.service.ts';
import { enrol, viewLesson } from './progress.service.ts';
import { trainingReport } from './reports.service.ts';
import { networkTrainingReport, WORKSHOPS_KEY } from './network-reports.service.ts';
import { learningDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
let other: TestCoop;
let otherB: TestCoop;
const extra: Record<string, Actor[]> = {};

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  [other, otherB] = await seedTestCooperatives(odb); // another network
});
after(async () => {
  await odb.close();
});
const inCoop = <T>(k: TestCoop, fn: (tx: Tx) => Promise<T>) => withTenant(odb.db, k.coop.id, fn);

/** n extra entrepreneurs of k, named `${prefix}1`… (the display names must never leak elsewhere). */
async function people(k: TestCoop, prefix: string, n: number): Promise<Actor[]> {
  return withSystem(odb.db, async (tx) => {
    const out: Actor[] = [];
    for (let i = 1; i <= n; i++) {
      const u = await createUser(tx, {
        email: `${prefix}${i}@${k.coop.slug}.test`,
        displayName: `Apprenant ${prefix}${i}`,
      });
      await addMembership(tx, k.coop.id, u.id, 'entrepreneur');
      out.push({
        userId: u.id as UserId,
        cooperativeId: k.coop.id as CooperativeId,
        roles: ['entrepreneur'],
        label: `${prefix}${i}`,
      });
    }
    return out;
  });
}

async function course(k: TestCoop, title: string, minutes: number, fundingSource: string, visibility: string) {
  const dir = k.actor('director');
  return inCoop(k, async (tx) => {
    const id = await createCourse(tx, dir, { title, durationMinutes: minutes, fundingSource, visibility });
    const s = await addSection(tx, dir, id, { title: 'Partie' });
    const l = await addLesson(tx, dir, id, { sectionId: s, title: 'Leçon', body: 'Texte' });
    await setPublished(tx, dir, id, true);
    return { id, l };
  });
}
async function complete(k: TestCoop, learners: Actor[], c: { id: string; l: string }) {
  await inCoop(k, async (tx) => {
    for (const who of learners) {
      await enrol(tx, who, c.id);
      await viewLesson(tx, who, c.id, c.l);
    }
  });
}

test('the network report: real figures of two cooperatives, suppression, filters, downloads, refusals', async () => {
  extra.a = await people(a, 'a', 7);
  extra.b = await people(b, 'b', 6);
  const factu = await course(a, 'Facturer', 90, 'OPCO', 'network');
  const accueil = await course(a, 'Accueil', 30, '', 'cooperative');
  const treso = await course(b, 'Trésorerie', 60, 'Région', 'cooperative');
  await complete(a, extra.a!, factu);
  await complete(a, extra.a!.slice(0, 5), accueil);
  await complete(b, extra.b!, factu);
  await complete(b, [b.actor('cape'), b.actor('support')], treso);
  // alpha: a 3-hour workshop attended by a1…a5 (moved to earlier today: attendance comes after).
  const sup = a.actor('support');
  const session = await inCoop(a, async (tx) => {
    const theme = await createTheme(tx, sup, { name: 'Atelier : devis' });
    const s = await createSession(tx, sup, {
      themeId: theme,
      date: addDays(todayParis(), 1),
      start: '09:00',
      end: '12:00',
      place: 'Salle 1',
      capacity: 10,
    });
    for (const who of extra.a!.slice(0, 5)) await registerForWorkshop(tx, who, s);
    return s;
  });
  const past = new Date(Date.now() - 60_000);
  await inCoop(a, async (tx) => {
    await sql`update workshop_session set starts_at = ${past}::timestamptz - interval '3 hours', ends_at = ${past}
      where cooperative_id = ${a.coop.id} and id = ${session}`.execute(learningDb(tx));
    await recordAttendance(
      tx,
      sup,
      session,
      extra.a!.slice(0, 5).map((x) => x.userId!),
    );
  });

  const staff = a.actor('network_admin');
  const r = await networkTrainingReport(odb.db, staff);
  const year = todayParis().slice(0, 4);
  assert.equal(r.from, `${year}-01-01`);
  assert.equal(r.to, `${year}-12-31`);
  assert.deepEqual(
    r.lines.map((l) => [
      l.cooperative,
      l.course,
      l.fundingSource,
      l.learners,
      l.enrolments,
      l.completions,
      l.certificates,
      l.attendances,
      l.hours,
    ]),
    [
      [a.coop.name, 'Accueil', 'Non renseigné', null, null, null, null, null, null],
      [
        a.coop.name,
        'Ateliers et classes virtuelles',
        'Ateliers et classes virtuelles (financement non affecté)',
        5,
        0,
        0,
        0,
        5,
        15,
      ],
      [a.coop.name, 'Facturer', 'OPCO', 7, 7, 7, 7, 0, 10.5],
      [b.coop.name, 'Facturer', 'OPCO', 6, 6, 6, 6, 0, 9],
      [b.coop.name, 'Trésorerie', 'Région', null, null, null, null, null, null],
    ],
  );
  assert.deepEqual(r.totals, {
    trainees: 15,
    traineeHours: 39,
    enrolments: 20,
    completions: 20,
    certificates: 20,
    attendances: 5,
  });
  assert.deepEqual(
    r.byType.map((t) => [t.label, t.people, t.hours]),
    [
      ['Entrepreneur·es en CAPE', null, null],
      ['Entrepreneur·es salarié·es', 13, 37],
      ['Équipe permanente', null, null],
      ['Sans rôle dans la coopérative (MOOC public)', 0, 0],
    ],
  );
  assert.deepEqual(
    r.byFunding.map((t) => [t.label, t.people, t.hours]),
    [
      ['Ateliers et classes virtuelles (financement non affecté)', null, null],
      ['Non renseigné', 5, 2.5],
      ['OPCO', 13, 19.5],
      ['Région', null, null],
    ],
  );
  // Filters: one cooperative (nothing small: all shown); one course across the network; beta
  // alone (Trésorerie hidden, so Facturer too).
  const alpha = await networkTrainingReport(odb.db, staff, { cooperativeId: a.coop.id });
  assert.deepEqual(
    alpha.lines.map((l) => [l.course, l.learners, l.hours]),
    [
      ['Accueil', 5, 2.5],
      ['Ateliers et classes virtuelles', 5, 15],
      ['Facturer', 7, 10.5],
    ],
  );
  const facturer = await networkTrainingReport(odb.db, staff, { course: factu.id });
  assert.deepEqual(
    facturer.lines.map((l) => [l.cooperative, l.learners]),
    [
      [a.coop.name, 7],
      [b.coop.name, 6],
    ],
  );
  assert.equal(facturer.totals?.traineeHours, 19.5);
  const beta = await networkTrainingReport(odb.db, staff, { cooperativeId: b.coop.id });
  assert.deepEqual(
    beta.lines.map((l) => l.learners),
    [null, null],
  );
  assert.deepEqual(beta.totals && [beta.totals.trainees, beta.totals.traineeHours], [8, 11]);
  const workshops = await networkTrainingReport(odb.db, staff, { course: WORKSHOPS_KEY, fundingSource: 'OPCO' });
  assert.deepEqual(workshops.lines, []);
  assert.equal(workshops.totals, null);
  // A period without anything; bad input named by the field.
  const last = await networkTrainingReport(odb.db, staff, { from: '2020-01-01', to: '2020-12-31' });
  assert.deepEqual([last.lines.length, last.totals], [0, null]);
  for (const [f, field] of [
    [{ from: '2026-13-01' }, 'from'],
    [{ from: '2026-05-01', to: '2026-04-01' }, 'to'],
    [{ cooperativeId: other.coop.id }, 'cooperative'],
  ] as const)
    await assert.rejects(networkTrainingReport(odb.db, staff, f), (e) => e instanceof UserError && e.field === field);

  // The service refuses everyone but network staff: a director (of either cooperative), support.
  for (const who of [a.actor('director'), b.actor('director'), b.actor('support'), b.actor('entrepreneur')])
    await assert.rejects(networkTrainingReport(odb.db, who), ForbiddenError);
  // Another network's staff see none of these cooperatives.
  const elsewhere = await networkTrainingReport(odb.db, other.actor('network_admin'));
  assert.deepEqual(
    [elsewhere.lines, elsewhere.options.cooperatives.map((c) => c.id)],
    [[], [other.coop.id, otherB.coop.id]],
  );
  // A director's own report stays their cooperative's: alpha's never counts beta's learners.
  const own = await inCoop(a, (tx) => trainingReport(tx, a.actor('director'), Number(year)));
  assert.deepEqual(
    own.perCourse.map((c) => [c.title, c.learners]),
    [
      ['Accueil', 5],
      ['Facturer', 7],
    ],
  );

  // Over HTTP: the page (filters kept, nobody named), the CSV and XLSX as attachments.
  const client = new TestClient(app);
  await client.signIn(a.users.network_admin.email, TEST_PASSWORD);
  const page = await client.get('/formations/reseau');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /<td class="num" data-label="Heures">10,50<\/td>/);
  assert.match(page.html, /Heures-stagiaires<\/span><span class="figure-value">39,00/);
  assert.doesNotMatch(page.html, /Apprenant b1|Apprenant a1/);
  const bad = await client.get('/formations/reseau?du=2026-02-30');
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /id="f-du-error"[^>]*>Date invalide/);
  const csv = await client.get(`/formations/reseau.csv?cooperative=${b.coop.id}`);
  assert.match(csv.res.headers.get('content-disposition') ?? '', /^attachment; filename="formation-reseau\.csv"/);
  assert.match(
    csv.html,
    new RegExp(
      `^cooperative,course,funding_source,learners,enrolments,completions,certificates,attendances,hours\\r\\n${b.coop.name},Facturer,OPCO,masqué,masqué,masqué,masqué,masqué,masqué\\r\\n`,
    ),
  );
  assert.match(csv.html, /\r\ntrainees,trainee_hours\r\n8,11\.00\r\n$/);
  const xlsx = await client.bytes(`/formations/reseau.xlsx?du=${year}-01-01&au=${year}-12-31`);
  assert.match(xlsx.res.headers.get('content-disposition') ?? '', /^attachment; /);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(xlsx.body) as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('Par coopérative')!;
  const rows = [2, 3, 4, 5, 6].map((n) => [1, 2, 4, 9].map((c) => sheet.getRow(n).getCell(c).value));
  assert.deepEqual(rows, [
    [a.coop.name, 'Accueil', 'masqué', 'masqué'],
    [a.coop.name, 'Ateliers et classes virtuelles', 5, 15],
    [a.coop.name, 'Facturer', 7, 10.5],
    [b.coop.name, 'Facturer', 6, 9],
    [b.coop.name, 'Trésorerie', 'masqué', 'masqué'],
  ]);
  const bilan = wb.getWorksheet('Bilan')!;
  assert.deepEqual([bilan.getRow(2).getCell(2).value, bilan.getRow(2).getCell(3).value], [15, 39]);
  // Directors of either cooperative are refused the page and the downloads.
  for (const k of [a, b]) {
    const director = new TestClient(app);
    await director.signIn(k.users.director.email, TEST_PASSWORD);
    for (const url of ['/formations/reseau', '/formations/reseau.csv', '/formations/reseau.xlsx'])
      assert.equal((await director.get(url)).res.status, 403, url);
  }
});

// The training report, on a case computed by hand. Cooperative b: "Facturer" (90 min, OPCO) completed
// by 5 people, "Trésorerie" (60 min, no funding said) by 1: per course 7.50 h and 1.00 h; per
// funding OPCO 7.50, Non renseigné 1.00; the per-funding total equals the per-person total (8.50).
// Sexes F 3, M 1, not said 1 and age bands (21, 36, 41, 56, not said) are all under 5: hidden.
// Satisfaction 5, 4, 4, 3, 5 → 5 answers, mean 4.2; answering before completing is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Tx } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { UserError } from '../../core/errors.ts';
import type { Role } from '../../core/actor.ts';
import { addLesson, addSection, createCourse, setPublished } from './courses.service.ts';
import { enrol, viewLesson } from './progress.service.ts';
import { ageBand, recordSatisfaction, suppress, trainingReport } from './reports.service.ts';
import { trainingHoursReport } from './hours.service.ts';
import { learningDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let b: TestCoop;

before(async () => {
  ({ odb, app } = await createTestApp());
  [, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});
const inCoop = <T>(k: TestCoop, fn: (tx: Tx) => Promise<T>) => withTenant(odb.db, k.coop.id, fn);

test('suppression and age bands, by hand', () => {
  assert.deepEqual(suppress([7, 3, 0, 12]), [null, null, 0, 12]); // 3 hidden, then the next smallest
  assert.deepEqual(suppress([6, 5, 0]), [6, 5, 0]);
  assert.deepEqual(suppress([2, 4, 9]), [null, null, 9]);
  assert.equal(ageBand(2001, 2026), 'moins de 26 ans');
  assert.equal(ageBand(2000, 2026), '26 à 44 ans');
  assert.equal(ageBand(1972, 2026), '45 à 54 ans');
  assert.equal(ageBand(1971, 2026), '55 ans et plus');
  assert.equal(ageBand(null, 2026), 'Non renseigné');
});

test('hours per course and per funding source, learners by sex and age, satisfaction', async () => {
  const dir = b.actor('director');
  const course = (title: string, minutes: number, fundingSource: string) =>
    inCoop(b, async (tx) => {
      const id = await createCourse(tx, dir, { title, durationMinutes: minutes, fundingSource });
      const s = await addSection(tx, dir, id, { title: 'Partie' });
      const l = await addLesson(tx, dir, id, { sectionId: s, title: 'Leçon', body: 'Texte' });
      await setPublished(tx, dir, id, true);
      return { id, l };
    });
  await assert.rejects(
    inCoop(b, (tx) =>
      createCourse(tx, dir, { title: 'Trop long', durationMinutes: 5, fundingSource: 'x'.repeat(101) }),
    ),
    (e) => e instanceof UserError && e.field === 'fundingSource',
  );
  const factu = await course('Facturer', 90, 'OPCO');
  const treso = await course('Trésorerie', 60, '');
  const roles: Role[] = ['entrepreneur', 'cape', 'support', 'accountant', 'director'];
  const year = new Date().getFullYear();
  await inCoop(b, async (tx) => {
    await assert.rejects(
      recordSatisfaction(tx, b.actor('entrepreneur'), factu.id, { score: 4 }),
      (e) => e instanceof UserError && /une fois la formation terminée/.test(e.message),
    );
    for (const r of roles) {
      await enrol(tx, b.actor(r), factu.id);
      await viewLesson(tx, b.actor(r), factu.id, factu.l);
    }
    await enrol(tx, b.actor('entrepreneur'), treso.id);
    await viewLesson(tx, b.actor('entrepreneur'), treso.id, treso.l);
    await assert.rejects(
      recordSatisfaction(tx, b.actor('cape'), factu.id, { score: 0 }),
      (e) => e instanceof UserError && e.field === 'score',
    );
    for (const [r, score] of [
      ['entrepreneur', 5],
      ['cape', 4],
      ['support', 4],
      ['accountant', 3],
      ['director', 5],
    ] as const)
      await recordSatisfaction(tx, b.actor(r), factu.id, { score, comment: r === 'cape' ? 'Très clair' : '' });
    const profiles: [Role, string | null, number | null][] = [
      ['entrepreneur', 'F', year - 36],
      ['cape', 'F', year - 41],
      ['support', 'M', year - 56],
      ['director', 'F', year - 21],
    ];
    for (const [r, g, y] of profiles)
      await sql`insert into member_profile (cooperative_id, user_id, gender, birth_year) values (${b.coop.id}, ${b.users[r].id}, ${g}, ${y})
        on conflict (cooperative_id, user_id) do update set gender = excluded.gender, birth_year = excluded.birth_year`.execute(
        learningDb(tx),
      );
  });
  const { report, people } = await inCoop(b, async (tx) => ({
    report: await trainingReport(tx, dir, year),
    people: await trainingHoursReport(tx, dir, year),
  }));
  assert.deepEqual(
    report.perCourse.map((c) => [c.title, c.fundingSource, c.learners, c.hours]),
    [
      ['Facturer', 'OPCO', 5, 7.5],
      ['Trésorerie', 'Non renseigné', 1, 1],
    ],
  );
  assert.deepEqual(report.perFunding, [
    { fundingSource: 'Non renseigné', hours: 1 },
    { fundingSource: 'OPCO', hours: 7.5 },
  ]);
  const fundingTotal = report.perFunding.reduce((s, f) => s + f.hours, 0);
  assert.equal(fundingTotal, 8.5);
  assert.equal(
    people.reduce((s, p) => s + p.totalHours, 0),
    fundingTotal,
  );
  assert.equal(report.learners, 5);
  assert.deepEqual(
    report.bySex.map((x) => [x.label, x.count]),
    [
      ['Femmes', null],
      ['Hommes', null],
      ['Autre', 0],
      ['Non renseigné', null],
    ],
  );
  assert.ok(report.byAge.every((x) => x.count === null || x.count === 0));
  assert.deepEqual(report.satisfaction, [
    { courseId: factu.id, title: 'Facturer', answers: 5, average: 4.2, comments: ['Très clair'] },
  ]);
  // On screen and in the exports; the support staff may see the hours, not an entrepreneur.
  const client = new TestClient(app);
  await client.signIn(b.users.director.email, TEST_PASSWORD);
  const page = await client.get(`/formations/heures?annee=${year}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /<td>Facturer<\/td><td>OPCO<\/td><td>5<\/td><td>7,50<\/td>/);
  assert.match(page.html, /<td>4,2<\/td>/);
  assert.match(page.html, /&lt; 5/);
  const csv = await client.get(`/formations/heures-formations.csv?annee=${year}`);
  assert.match(
    csv.html,
    /^course,funding_source,learners,hours\r\nFacturer,OPCO,5,7\.50\r\nTrésorerie,Non renseigné,1,1\.00\r\n/,
  );
  const xlsx = await client.bytes(`/formations/heures.xlsx?annee=${year}`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(xlsx.body) as unknown as ArrayBuffer);
  assert.equal(wb.getWorksheet('Par formation')?.getRow(2).getCell(4).value, 7.5);
  assert.equal(wb.getWorksheet('Satisfaction')?.getRow(2).getCell(3).value, 4.2);
  const learner = new TestClient(app);
  await learner.signIn(b.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await learner.get(`/formations/heures?annee=${year}`)).res.status, 403);
  const mine = await learner.get(`/formations/${factu.id}`);
  assert.match(mine.html, /Votre avis \(5 sur 5\)/);
});

// The learning module's personal data in the access export and the erasure: the satisfaction
// answer (score and comment) is exported; erasure empties the comment and keeps the score (the
// course's anonymous mean), as it keeps the enrolment and the certificate without the name. Another
// learner's answer stays as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { erasePersonalData, exportPersonalData, type PersonRef } from '../../core/personal-data.ts';
import { learningDb } from './db.ts';
import { enrol, viewLesson } from './progress.service.ts';
import { recordSatisfaction } from './reports.service.ts';
import { learningPersonalData } from './personal-data.ts';
import { publishedCourse } from './testing.ts';

let odb: OpenDb;
let a: TestCoop;

before(async () => {
  odb = await createTestDb();
  [a] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

const COMMENT = 'Très clair, merci à Camille pour les exemples.';
const answers = () =>
  withSystem(odb.db, (tx) =>
    learningDb(tx)
      .selectFrom('learning_satisfaction')
      .select(['user_id', 'score', 'comment'])
      .where('cooperative_id', '=', a.coop.id)
      .execute(),
  );

test('satisfaction comments are exported with the person’s data and emptied by the erasure; the score and others’ answers stay', async () => {
  const course = await publishedCourse(odb, a, 'cooperative', 'Tenir sa comptabilité');
  for (const [who, score, comment] of [
    ['entrepreneur', 4, COMMENT],
    ['cape', 5, 'Parfait.'],
  ] as const) {
    const me = a.actor(who);
    await withTenant(odb.db, a.coop.id, async (tx) => {
      await enrol(tx, me, course.id);
      for (const l of course.lessons) await viewLesson(tx, me, course.id, l);
      await recordSatisfaction(tx, me, course.id, { score, comment });
    });
  }
  const person: PersonRef = {
    cooperativeId: a.coop.id,
    email: a.users.entrepreneur.email,
    userId: a.users.entrepreneur.id,
  };
  const exported = await withSystem(odb.db, (tx) => exportPersonalData(tx, person, [learningPersonalData]));
  const section = exported.sections.find((s) => s.table === 'learning_satisfaction');
  assert.ok(section, 'the satisfaction answers are in the export');
  assert.deepEqual(
    section!.rows.map((r) => [r.score, r.comment]),
    [[4, COMMENT]],
  );
  // A dry run counts and changes nothing.
  const plan = await withSystem(odb.db, (tx) =>
    erasePersonalData(tx, person, [learningPersonalData], { dryRun: true }),
  );
  assert.deepEqual(
    plan.filter((l) => l.table === 'learning_satisfaction').map((l) => [l.rows, l.action]),
    [[1, 'anonymisé']],
  );
  assert.equal((await answers()).find((r) => r.user_id === person.userId)?.comment, COMMENT);
  await withSystem(odb.db, (tx) => erasePersonalData(tx, person, [learningPersonalData], { dryRun: false }));
  const after = new Map((await answers()).map((r) => [r.user_id, [r.score, r.comment]]));
  assert.deepEqual(after.get(a.users.entrepreneur.id), [4, '']);
  assert.deepEqual(after.get(a.users.cape.id), [5, 'Parfait.']);
});

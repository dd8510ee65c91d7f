// The demo network's courses: the three named courses, a quiz each, learners at every stage,
// certificates (one revoked), and training hours for the demo cooperatives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDemoTestDb } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { getCooperativeBySlug } from '../directory/index.ts';
import { catalogue, outline } from './courses.service.ts';
import { learnerResults } from './results.service.ts';
import { listCertificates } from './certificates.service.ts';
import { trainingHoursReport } from './hours.service.ts';
import { networkTrainingReport } from './network-reports.service.ts';

test('demo: three courses with quizzes, learners at every stage, certificates, training hours', async () => {
  const odb = await createDemoTestDb();
  try {
    const soleil = (await getCooperativeBySlug(odb.db, 'soleil'))!;
    const canopee = (await getCooperativeBySlug(odb.db, 'canopee'))!;
    const actor = systemActor(soleil.id);
    await withTenant(odb.db, soleil.id, async (tx) => {
      const courses = await catalogue(tx, actor);
      const titles = courses.map((c) => c.title);
      for (const t of [
        'Facturer dans une CAE',
        'Comprendre son compte d’activité',
        'Se protéger en ligne : mots de passe, double authentification, sauvegardes',
      ])
        assert.ok(titles.includes(t), t);
      for (const c of courses) {
        const o = await outline(tx, c);
        assert.ok(o.lessons.length >= 3 && o.quizzes.length === 1 && o.quizzes[0].questions >= 4, c.title);
        const r = await learnerResults(tx, actor, c.id);
        const stages = new Set(
          r.rows.map((x) =>
            x.completedAt ? 'done' : x.attempts ? 'failed' : x.lessonsViewed ? 'reading' : 'enrolled',
          ),
        );
        assert.deepEqual([...stages].sort(), ['done', 'enrolled', 'failed', 'reading'], c.title);
        assert.ok(new Set(r.rows.map((x) => x.email.split('@')[1])).size >= 2, 'learners of several cooperatives');
      }
      const certs = await listCertificates(tx, actor);
      assert.ok(certs.length > 0);
      assert.equal(certs.filter((c) => c.revokedAt).length, 1);
    });
    const hours = await withTenant(odb.db, canopee.id, (tx) =>
      trainingHoursReport(tx, systemActor(canopee.id), new Date().getFullYear()),
    );
    assert.ok(hours.some((h) => h.courseHours > 0));
    // The network's report names the demo courses' funding sources (never only « Non renseigné »).
    const network = await networkTrainingReport(odb.db, { ...actor, roles: ['network_admin'] });
    assert.ok(network.options.cooperatives.length >= 3);
    assert.ok(network.options.fundings.includes('OPCO Atlas'), network.options.fundings.join(', '));
  } finally {
    await odb.close();
  }
});

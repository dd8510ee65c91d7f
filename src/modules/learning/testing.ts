// Test helpers of the learning module: a published course made through the services.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Actor } from '../../core/actor.ts';
import { addLesson, addQuestion, addQuiz, addSection, createCourse, setPublished } from './courses.service.ts';
import { learningDb } from './db.ts';
import { addLessonFile } from './materials.service.ts';
import { linkSession } from './sessions.service.ts';
import { enrol, getAttempt, startAttempt, submitAttempt, viewLesson } from './progress.service.ts';
import { createCohort } from './cohorts.service.ts';
import { listCertificates } from './certificates.service.ts';

/** What the helper needs of a test cooperative (app/testing.ts's TestCoop fits). */
type Coop = { coop: { id: string }; actor(role: 'director'): Actor };

/** A published course of `k` (45 min) with one section of two lessons; with `quiz`, also a quiz of
 *  one true/false question ("La règle 3-2-1 garde trois copies.", true; choice 0 is « Vrai »),
 *  passed at 100 %, within `quiz.maxAttempts`. */
export async function publishedCourse(
  odb: OpenDb,
  k: Coop,
  visibility: string,
  title: string,
  opts: { quiz?: { maxAttempts: number } } = {},
) {
  const dir = k.actor('director');
  return withTenant(odb.db, k.coop.id, async (tx) => {
    const id = await createCourse(tx, dir, {
      title,
      summary: 'Pour **tout le monde**',
      durationMinutes: 45,
      visibility,
    });
    const s = await addSection(tx, dir, id, { title: 'Les bases' });
    const l1 = await addLesson(tx, dir, id, { sectionId: s, title: 'Mots de passe', body: 'Un **gestionnaire**.' });
    const l2 = await addLesson(tx, dir, id, { sectionId: s, title: 'Sauvegardes', body: 'La règle 3-2-1.' });
    let quiz: string | null = null;
    if (opts.quiz) {
      quiz = await addQuiz(tx, dir, id, {
        title: 'Vérifier ses acquis',
        passPercent: 100,
        maxAttempts: opts.quiz.maxAttempts,
      });
      await addQuestion(tx, dir, id, quiz, {
        kind: 'true_false',
        prompt: 'La règle 3-2-1 garde trois copies.',
        truth: 'true',
        points: '1',
      });
    }
    await setPublished(tx, dir, id, true);
    return { id, lessons: [l1, l2], quiz };
  });
}

/** Rows of a learner table in one cooperative (to check that a page wrote nothing, or one row). */
export const countRows = (
  odb: OpenDb,
  table: 'learning_mooc_signup' | 'learning_enrolment' | 'learning_attempt' | 'learning_lesson_view',
  cooperativeId: string,
) =>
  withSystem(odb.db, async (tx) =>
    Number(
      (
        await learningDb(tx)
          .selectFrom(table)
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('cooperative_id', '=', cooperativeId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

/** The text of a PDF, read back with pdftotext (callers skip when `toolSkip` says it is missing). */
export function pdfTextOf(pdf: Buffer | Uint8Array): string {
  const f = join(mkdtempSync(join(tmpdir(), 'cert-')), 'c.pdf');
  writeFileSync(f, pdf);
  return execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
}

/** The learning objects of one cooperative kept to itself, each made through the services: a
 *  private course (one lesson with a file, one quiz) linked to a workshop session of the
 *  cooperative (its virtual class), a cohort, and a learner who passed it (an attempt and a
 *  certificate). The attack suite aims at them from other cooperatives. */
export async function privateCourseWithEverything(
  odb: OpenDb,
  key: Buffer,
  people: { author: Actor; learner: Actor },
  opts: { sessionId: string; file: { name: string; content: Buffer } },
) {
  const { author, learner } = people;
  const course = await withTenant(odb.db, author.cooperativeId, async (tx) => {
    const id = await createCourse(tx, author, {
      title: 'Procédures internes',
      summary: 'Réservée aux membres de la coopérative.',
      durationMinutes: 30,
      visibility: 'cooperative',
    });
    const section = await addSection(tx, author, id, { title: 'Nos règles' });
    const lesson = await addLesson(tx, author, id, {
      sectionId: section,
      title: 'Le circuit',
      body: 'Qui valide quoi.',
    });
    const quiz = await addQuiz(tx, author, id, { title: 'Le circuit : quiz', passPercent: 50 });
    await addQuestion(tx, author, id, quiz, { kind: 'true_false', prompt: 'La direction valide.', truth: 'true' });
    const file = await addLessonFile(tx, key, author, id, lesson, opts.file);
    await linkSession(tx, author, id, opts.sessionId);
    await setPublished(tx, author, id, true);
    return { id, section, lesson, quiz, file };
  });
  const attempt = await withTenant(odb.db, learner.cooperativeId, async (tx) => {
    await enrol(tx, learner, course.id);
    await viewLesson(tx, learner, course.id, course.lesson);
    const id = await startAttempt(tx, learner, course.id, course.quiz);
    const a = await getAttempt(tx, learner, course.id, id);
    const right = Object.fromEntries(
      a.questions.map((q) => [q.id, q.choices.flatMap((c, i) => (c.correct ? [String(i)] : []))]),
    );
    await submitAttempt(tx, learner, course.id, id, right);
    return id;
  });
  const cohort = await withTenant(odb.db, author.cooperativeId, (tx) =>
    createCohort(tx, author, { courseId: course.id, name: 'Nouvelles et nouveaux', userIds: [learner.userId!] }),
  );
  const certificates = await withTenant(odb.db, learner.cooperativeId, (tx) =>
    listCertificates(tx, learner, { mine: true }),
  );
  const certificate = certificates.find((c) => c.courseId === course.id);
  if (!certificate) throw new Error('the private course gave no certificate');
  return { ...course, attempt, cohort, certificate: certificate.id };
}

// Courses as authors write them (sections, lessons, quizzes, questions; ordering; publishing with
// a version number) and as learners find them (the catalogue of what their cooperative may follow).
// Every read is scoped to what the actor's cooperative may see: its own courses, published network
// courses of its network, published public MOOCs; row-level security is the second wall.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative } from '../directory/index.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import type { Choice, CourseVisibility, QuestionKind } from './schema.ts';

export const VISIBILITY_LABELS: Record<CourseVisibility, string> = {
  cooperative: 'Ma coopérative',
  network: 'Tout le réseau',
  public: 'Public (MOOC)',
};

export interface Course {
  id: string;
  cooperativeId: string;
  cooperativeName: string;
  visibility: CourseVisibility;
  title: string;
  summary: string;
  durationMinutes: number;
  version: number;
  publishedAt: Date | null;
  own: boolean;
  /** Completion also asks for attendance at one of the linked sessions. */
  requireSession: boolean;
  /** Who pays for it, for the training report ('' when not said). */
  fundingSource: string;
}

async function networkOf(tx: Tx, cooperativeId: string): Promise<string> {
  const coop = await getCooperative(tx, cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  return coop.networkId;
}

const text = (v: string | undefined, field: string, min: number, max: number, what: string) => {
  const s = (v ?? '').trim();
  if (s.length < min)
    throw new UserError(min === 1 ? `${what} : obligatoire.` : `${what} : ${min} caractères au moins.`, field);
  if (s.length > max) throw new UserError(`${what} : ${max} caractères au plus.`, field);
  return s;
};
const int = (v: string | number | undefined | null, field: string, min: number, max: number, what: string) => {
  const n = typeof v === 'number' ? v : Number(String(v ?? '').trim());
  if (String(v ?? '').trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UserError(`${what} : un nombre entier de ${min} à ${max}.`, field);
  return n;
};
const optInt = (v: string | number | undefined | null, field: string, min: number, max: number, what: string) =>
  v === undefined || v === null || String(v).trim() === '' ? null : int(v, field, min, max, what);

function visibilityOf(actor: Actor, v: string | undefined): CourseVisibility {
  const vis = (v || 'cooperative') as CourseVisibility;
  if (!(vis in VISIBILITY_LABELS)) throw new UserError('Visibilité inconnue.', 'visibility');
  if (vis !== 'cooperative' && !can(actor, LEARNING.shareNetwork))
    throw new UserError(
      'Seules la direction et l’équipe du réseau ouvrent une formation au-delà de la coopérative.',
      'visibility',
    );
  return vis;
}

export function checkVideoUrl(v: string | undefined): string | null {
  const s = (v ?? '').trim();
  if (!s) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UserError('Lien vidéo invalide (une adresse https://…).', 'videoUrl');
  }
  if (u.protocol !== 'https:' || s.length > 500)
    throw new UserError('Lien vidéo invalide (une adresse https://…).', 'videoUrl');
  return u.toString();
}

export interface CourseInput {
  title?: string;
  summary?: string;
  durationMinutes?: string | number;
  visibility?: string;
  fundingSource?: string;
}

export async function createCourse(tx: Tx, actor: Actor, input: CourseInput): Promise<string> {
  authorize(actor, LEARNING.author);
  const title = text(input.title, 'title', 3, 200, 'Titre');
  const summary = text(input.summary, 'summary', 0, 5000, 'Présentation');
  const duration = int(input.durationMinutes, 'durationMinutes', 1, 100000, 'Durée (minutes)');
  const fundingSource = text(input.fundingSource, 'fundingSource', 0, 100, 'Financement');
  const visibility = visibilityOf(actor, input.visibility);
  const id = uuidv7();
  await learningDb(tx)
    .insertInto('learning_course')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: await networkOf(tx, actor.cooperativeId),
      visibility,
      title,
      summary,
      duration_minutes: duration,
      version: 0,
      published_at: null,
      author_user_id: actor.userId,
      funding_source: fundingSource,
    })
    .execute();
  await audit(tx, actor, { action: 'learning.course_created', targetType: 'learning_course', targetId: id });
  return id;
}

/** The actor's own course, for editing (another cooperative's course is not found). */
export async function ownCourse(tx: Tx, actor: Actor, courseId: string) {
  authorize(actor, LEARNING.author);
  if (!isUuid(courseId)) throw new NotFoundError('Formation');
  const c = await learningDb(tx)
    .selectFrom('learning_course')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', courseId)
    .forUpdate()
    .executeTakeFirst();
  if (!c) throw new NotFoundError('Formation');
  return c;
}

const CONTENT_TABLES = [
  'learning_section',
  'learning_lesson',
  'learning_quiz',
  'learning_question',
  'learning_lesson_file',
] as const;

export async function updateCourse(tx: Tx, actor: Actor, courseId: string, input: CourseInput): Promise<void> {
  const c = await ownCourse(tx, actor, courseId);
  const title = text(input.title, 'title', 3, 200, 'Titre');
  const summary = text(input.summary, 'summary', 0, 5000, 'Présentation');
  const duration = int(input.durationMinutes, 'durationMinutes', 1, 100000, 'Durée (minutes)');
  const fundingSource = text(input.fundingSource, 'fundingSource', 0, 100, 'Financement');
  const visibility = input.visibility === c.visibility ? c.visibility : visibilityOf(actor, input.visibility);
  if (c.require_session && visibility !== 'cooperative')
    throw new UserError(
      'Cette formation exige la présence à une séance de la coopérative : retirez d’abord cette règle.',
      'visibility',
    );
  const db = learningDb(tx);
  await db
    .updateTable('learning_course')
    .set({
      title,
      summary,
      duration_minutes: duration,
      visibility,
      funding_source: fundingSource,
      updated_at: new Date(),
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', courseId)
    .execute();
  if (visibility !== c.visibility)
    for (const t of CONTENT_TABLES)
      await db
        .updateTable(t)
        .set({ visibility })
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('course_id', '=', courseId)
        .execute();
}

/** Publishing makes the course visible to its learners; each publication is a new version (1, 2…):
 *  an author unpublishes, edits, and publishes again. */
export async function setPublished(tx: Tx, actor: Actor, courseId: string, published: boolean): Promise<void> {
  const c = await ownCourse(tx, actor, courseId);
  if (published) {
    const lessons = await learningDb(tx)
      .selectFrom('learning_lesson')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('course_id', '=', courseId)
      .executeTakeFirstOrThrow();
    if (!Number(lessons.n)) throw new UserError('Ajoutez au moins une leçon avant de publier.');
  }
  if (published && c.published_at) return;
  await learningDb(tx)
    .updateTable('learning_course')
    .set({ published_at: published ? new Date() : null, version: published ? c.version + 1 : c.version })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', courseId)
    .execute();
  await audit(tx, actor, {
    action: published ? 'learning.course_published' : 'learning.course_unpublished',
    targetType: 'learning_course',
    targetId: courseId,
    data: { version: published ? c.version + 1 : c.version },
  });
}

async function nextPosition(
  tx: Tx,
  actor: Actor,
  table: 'learning_section' | 'learning_lesson' | 'learning_quiz',
  courseId: string,
): Promise<number> {
  const r = await learningDb(tx)
    .selectFrom(table)
    .select((e) => e.fn.max<number>('position').as('p'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', courseId)
    .executeTakeFirst();
  return Number(r?.p ?? 0) + 1;
}

export async function addSection(tx: Tx, actor: Actor, courseId: string, input: { title?: string }): Promise<string> {
  const c = await ownCourse(tx, actor, courseId);
  const title = text(input.title, 'sectionTitle', 1, 200, 'Titre de la partie');
  const id = uuidv7();
  await learningDb(tx)
    .insertInto('learning_section')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: c.network_id,
      visibility: c.visibility,
      course_id: courseId,
      position: await nextPosition(tx, actor, 'learning_section', courseId),
      title,
    })
    .execute();
  await touch(tx, actor, courseId);
  return id;
}

export interface LessonInput {
  sectionId?: string;
  title?: string;
  body?: string;
  videoUrl?: string;
}

export async function addLesson(tx: Tx, actor: Actor, courseId: string, input: LessonInput): Promise<string> {
  const c = await ownCourse(tx, actor, courseId);
  const db = learningDb(tx);
  const section = isUuid(input.sectionId ?? '')
    ? await db
        .selectFrom('learning_section')
        .select('id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('course_id', '=', courseId)
        .where('id', '=', input.sectionId!)
        .executeTakeFirst()
    : undefined;
  if (!section) throw new UserError('Choisissez la partie de la leçon.', 'sectionId');
  const title = text(input.title, 'title', 1, 200, 'Titre de la leçon');
  const body = text(input.body, 'body', 0, 100000, 'Contenu');
  const videoUrl = checkVideoUrl(input.videoUrl);
  const id = uuidv7();
  await db
    .insertInto('learning_lesson')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: c.network_id,
      visibility: c.visibility,
      course_id: courseId,
      section_id: section.id,
      position: await nextPosition(tx, actor, 'learning_lesson', courseId),
      title,
      body,
      video_url: videoUrl,
    })
    .execute();
  await touch(tx, actor, courseId);
  return id;
}

export async function updateLesson(tx: Tx, actor: Actor, courseId: string, lessonId: string, input: LessonInput) {
  await ownCourse(tx, actor, courseId);
  const title = text(input.title, 'title', 1, 200, 'Titre de la leçon');
  const body = text(input.body, 'body', 0, 100000, 'Contenu');
  const videoUrl = checkVideoUrl(input.videoUrl);
  const r = await learningDb(tx)
    .updateTable('learning_lesson')
    .set({ title, body, video_url: videoUrl })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', courseId)
    .where('id', '=', isUuid(lessonId) ? lessonId : uuidv7())
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new NotFoundError('Leçon');
  await touch(tx, actor, courseId);
}

async function touch(tx: Tx, actor: Actor, courseId: string) {
  await learningDb(tx)
    .updateTable('learning_course')
    .set({ updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', courseId)
    .execute();
}

/** Moves a section, a lesson or a quiz one place up or down (swaps it with its neighbour). Lessons move
 *  within their section. */
export async function move(
  tx: Tx,
  actor: Actor,
  courseId: string,
  kind: 'section' | 'lesson' | 'quiz',
  id: string,
  direction: 'up' | 'down',
): Promise<void> {
  await ownCourse(tx, actor, courseId);
  const table = kind === 'section' ? 'learning_section' : kind === 'lesson' ? 'learning_lesson' : 'learning_quiz';
  const db = learningDb(tx);
  const rows = (await db
    .selectFrom(table)
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', courseId)
    .orderBy('position')
    .execute()) as { id: string; position: number; section_id?: string }[];
  const me = rows.find((r) => r.id === id);
  if (!me) throw new NotFoundError('Élément');
  const siblings = kind === 'lesson' ? rows.filter((r) => r.section_id === me.section_id) : rows;
  const i = siblings.indexOf(me);
  const other = siblings[direction === 'up' ? i - 1 : i + 1];
  if (!other) return;
  for (const [row, pos] of [
    [me, other.position],
    [other, me.position],
  ] as const)
    await db
      .updateTable(table)
      .set({ position: pos })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', row.id)
      .execute();
  await touch(tx, actor, courseId);
}

export interface QuizInput {
  title?: string;
  passPercent?: string | number;
  maxAttempts?: string | number;
  drawCount?: string | number;
}

export async function addQuiz(tx: Tx, actor: Actor, courseId: string, input: QuizInput): Promise<string> {
  const c = await ownCourse(tx, actor, courseId);
  const title = text(input.title, 'quizTitle', 1, 200, 'Titre du quiz');
  const pass = int(input.passPercent, 'passPercent', 0, 100, 'Seuil de réussite (%)');
  const maxAttempts = optInt(input.maxAttempts, 'maxAttempts', 1, 100, 'Nombre de tentatives');
  const drawCount = optInt(input.drawCount, 'drawCount', 1, 500, 'Questions tirées');
  const id = uuidv7();
  await learningDb(tx)
    .insertInto('learning_quiz')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: c.network_id,
      visibility: c.visibility,
      course_id: courseId,
      position: await nextPosition(tx, actor, 'learning_quiz', courseId),
      title,
      pass_percent: pass,
      max_attempts: maxAttempts,
      draw_count: drawCount,
    })
    .execute();
  await touch(tx, actor, courseId);
  return id;
}

export const KIND_LABELS: Record<QuestionKind, string> = {
  single: 'Choix unique',
  multiple: 'Choix multiple',
  true_false: 'Vrai ou faux',
  short: 'Réponse courte',
  numeric: 'Numérique',
};

export interface QuestionInput {
  kind?: string;
  prompt?: string;
  /** One choice a line; a line starting with `*` is a right one; `text | feedback` adds the choice's feedback. */
  choices?: string;
  /** For true/false: "true" or "false". */
  truth?: string;
  /** One accepted answer a line. */
  accepted?: string;
  numericValue?: string;
  numericTolerance?: string;
  feedback?: string;
  points?: string | number;
}

const num = (v: string | undefined, field: string, what: string) => {
  const t = (v ?? '').trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new UserError(`${what} : un nombre (par exemple 12,5).`, field);
  return Number(t);
};

export function parseQuestion(input: QuestionInput) {
  const kind = input.kind as QuestionKind;
  if (!(kind in KIND_LABELS)) throw new UserError('Type de question inconnu.', 'kind');
  const prompt = text(input.prompt, 'prompt', 1, 5000, 'Énoncé');
  const feedback = text(input.feedback, 'feedback', 0, 5000, 'Explication');
  const points = input.points === undefined || input.points === '' ? 1 : int(input.points, 'points', 1, 100, 'Points');
  let choices: Choice[] = [];
  let accepted: string[] = [];
  let numericValue: number | null = null;
  let numericTolerance: number | null = null;
  if (kind === 'single' || kind === 'multiple') {
    choices = (input.choices ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const correct = l.startsWith('*');
        const [t, f] = (correct ? l.slice(1) : l).split('|').map((s) => s.trim());
        return f ? { text: t, correct, feedback: f } : { text: t, correct };
      });
    const right = choices.filter((c) => c.correct).length;
    if (choices.length < 2) throw new UserError('Deux choix au moins, un par ligne.', 'choices');
    if (choices.some((c) => !c.text || c.text.length > 500))
      throw new UserError('Un choix est vide ou trop long.', 'choices');
    if (!right) throw new UserError('Marquez la bonne réponse d’un astérisque (*) en début de ligne.', 'choices');
    if (kind === 'single' && right > 1) throw new UserError('Une seule bonne réponse pour un choix unique.', 'choices');
  } else if (kind === 'true_false') {
    if (input.truth !== 'true' && input.truth !== 'false')
      throw new UserError('Indiquez si l’affirmation est vraie.', 'truth');
    choices = [
      { text: 'Vrai', correct: input.truth === 'true' },
      { text: 'Faux', correct: input.truth === 'false' },
    ];
  } else if (kind === 'short') {
    accepted = (input.accepted ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (!accepted.length) throw new UserError('Une réponse acceptée au moins, une par ligne.', 'accepted');
  } else {
    numericValue = num(input.numericValue, 'numericValue', 'Valeur attendue');
    numericTolerance = input.numericTolerance?.trim()
      ? num(input.numericTolerance, 'numericTolerance', 'Tolérance')
      : 0;
    if (numericTolerance < 0) throw new UserError('Tolérance : un nombre positif.', 'numericTolerance');
  }
  return { kind, prompt, feedback, points, choices, accepted, numericValue, numericTolerance };
}

export async function addQuestion(tx: Tx, actor: Actor, courseId: string, quizId: string, input: QuestionInput) {
  const c = await ownCourse(tx, actor, courseId);
  const db = learningDb(tx);
  const quiz = isUuid(quizId)
    ? await db
        .selectFrom('learning_quiz')
        .select('id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('course_id', '=', courseId)
        .where('id', '=', quizId)
        .executeTakeFirst()
    : undefined;
  if (!quiz) throw new NotFoundError('Quiz');
  const q = parseQuestion(input);
  const pos = await db
    .selectFrom('learning_question')
    .select((e) => e.fn.max<number>('position').as('p'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('quiz_id', '=', quizId)
    .executeTakeFirst();
  const id = uuidv7();
  await db
    .insertInto('learning_question')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: c.network_id,
      visibility: c.visibility,
      course_id: courseId,
      quiz_id: quizId,
      position: Number(pos?.p ?? 0) + 1,
      kind: q.kind,
      prompt: q.prompt,
      choices: JSON.stringify(q.choices) as unknown as Choice[],
      accepted: q.accepted,
      numeric_value: q.numericValue,
      numeric_tolerance: q.numericTolerance,
      feedback: q.feedback,
      points: q.points,
    })
    .execute();
  await touch(tx, actor, courseId);
  return id;
}

// ——— reading ———

type CourseRow = {
  id: string;
  cooperative_id: string;
  visibility: CourseVisibility;
  title: string;
  summary: string;
  duration_minutes: number;
  version: number;
  published_at: Date | null;
  require_session: boolean;
  funding_source: string;
};
const toCourse = (r: CourseRow & { cooperative_name: string }, actor: Actor): Course => ({
  id: r.id,
  cooperativeId: r.cooperative_id,
  cooperativeName: r.cooperative_name,
  visibility: r.visibility,
  title: r.title,
  summary: r.summary,
  durationMinutes: r.duration_minutes,
  version: r.version,
  publishedAt: r.published_at,
  own: r.cooperative_id === actor.cooperativeId,
  requireSession: r.require_session,
  fundingSource: r.funding_source,
});

function coursesQuery(tx: Tx, actor: Actor, networkId: string) {
  const mayDraft = can(actor, LEARNING.author);
  return learningDb(tx)
    .selectFrom('learning_course as c')
    .select([
      'c.id',
      'c.cooperative_id',
      'c.visibility',
      'c.title',
      'c.summary',
      'c.duration_minutes',
      'c.version',
      'c.published_at',
      'c.require_session',
      'c.funding_source',
    ])
    .where((eb) =>
      eb.or([
        eb.and([
          eb('c.cooperative_id', '=', actor.cooperativeId),
          mayDraft ? sql<boolean>`true` : eb('c.published_at', 'is not', null),
        ]),
        eb.and([
          eb('c.published_at', 'is not', null),
          eb.or([
            eb('c.visibility', '=', 'public'),
            eb.and([eb('c.visibility', '=', 'network'), eb('c.network_id', '=', networkId)]),
          ]),
        ]),
      ]),
    );
}

/** The courses the actor may follow (and, for authors, their cooperative's drafts). */
export async function catalogue(tx: Tx, actor: Actor): Promise<Course[]> {
  authorize(actor, LEARNING.read);
  const rows = await coursesQuery(tx, actor, await networkOf(tx, actor.cooperativeId))
    .orderBy('c.title')
    .execute();
  return withNames(tx, rows as CourseRow[], actor);
}

/** One course the actor may see (another cooperative's private course, or a draft, is not found). */
export async function getCourse(tx: Tx, actor: Actor, courseId: string): Promise<Course> {
  authorize(actor, LEARNING.read);
  if (!isUuid(courseId)) throw new NotFoundError('Formation');
  const r = await coursesQuery(tx, actor, await networkOf(tx, actor.cooperativeId))
    .where('c.id', '=', courseId)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Formation');
  return (await withNames(tx, [r as CourseRow], actor))[0];
}

async function withNames(tx: Tx, rows: CourseRow[], actor: Actor): Promise<Course[]> {
  const names = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.cooperative_id)))
    names.set(id, (await getCooperative(tx, id))?.name ?? '');
  return rows.map((r) => toCourse({ ...r, cooperative_name: names.get(r.cooperative_id) ?? '' }, actor));
}

export interface Outline {
  sections: { id: string; title: string; lessons: { id: string; title: string }[] }[];
  lessons: { id: string; sectionId: string; title: string }[];
  quizzes: {
    id: string;
    title: string;
    passPercent: number;
    maxAttempts: number | null;
    drawCount: number | null;
    questions: number;
  }[];
}

/** Sections with their lessons in order, and quizzes (of a course already checked visible). */
export async function outline(tx: Tx, course: Course): Promise<Outline> {
  const db = learningDb(tx);
  const sections = await db
    .selectFrom('learning_section')
    .select(['id', 'title'])
    .where('cooperative_id', '=', course.cooperativeId)
    .where('course_id', '=', course.id)
    .orderBy('position')
    .execute();
  const lessonRows = await db
    .selectFrom('learning_lesson')
    .select(['id', 'section_id', 'title'])
    .where('cooperative_id', '=', course.cooperativeId)
    .where('course_id', '=', course.id)
    .orderBy('position')
    .execute();
  const quizzes = await db
    .selectFrom('learning_quiz as q')
    .select(['q.id', 'q.title', 'q.pass_percent', 'q.max_attempts', 'q.draw_count'])
    .select((eb) =>
      eb
        .selectFrom('learning_question as x')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('x.cooperative_id', '=', 'q.cooperative_id')
        .whereRef('x.quiz_id', '=', 'q.id')
        .as('questions'),
    )
    .where('q.cooperative_id', '=', course.cooperativeId)
    .where('q.course_id', '=', course.id)
    .orderBy('q.position')
    .execute();
  const secs = sections.map((s) => ({
    id: s.id,
    title: s.title,
    lessons: lessonRows.filter((l) => l.section_id === s.id).map((l) => ({ id: l.id, title: l.title })),
  }));
  return {
    sections: secs,
    // Reading order: by section, then by position within it.
    lessons: secs.flatMap((s) => s.lessons.map((l) => ({ ...l, sectionId: s.id }))),
    quizzes: quizzes.map((q) => ({
      id: q.id,
      title: q.title,
      passPercent: q.pass_percent,
      maxAttempts: q.max_attempts,
      drawCount: q.draw_count,
      questions: Number(q.questions ?? 0),
    })),
  };
}

export interface Lesson {
  id: string;
  sectionId: string;
  title: string;
  body: string;
  videoUrl: string | null;
}
export async function getLesson(tx: Tx, course: Course, lessonId: string): Promise<Lesson> {
  if (!isUuid(lessonId)) throw new NotFoundError('Leçon');
  const r = await learningDb(tx)
    .selectFrom('learning_lesson')
    .select(['id', 'section_id', 'title', 'body', 'video_url'])
    .where('cooperative_id', '=', course.cooperativeId)
    .where('course_id', '=', course.id)
    .where('id', '=', lessonId)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Leçon');
  return { id: r.id, sectionId: r.section_id, title: r.title, body: r.body, videoUrl: r.video_url };
}

/** The actor's own course, for the author's pages (another cooperative's course is not found). */
export async function courseForEditing(tx: Tx, actor: Actor, courseId: string): Promise<Course> {
  authorize(actor, LEARNING.author);
  const c = await getCourse(tx, actor, courseId);
  if (!c.own) throw new NotFoundError('Formation');
  return c;
}

/** The questions of each quiz of an own course, for the author's page. */
export async function quizQuestions(
  tx: Tx,
  actor: Actor,
  course: Course,
): Promise<Map<string, { prompt: string; kind: string; points: number }[]>> {
  authorize(actor, LEARNING.author);
  const rows = await learningDb(tx)
    .selectFrom('learning_question')
    .select(['quiz_id', 'prompt', 'kind', 'points'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', course.id)
    .orderBy('position')
    .execute();
  const m = new Map<string, { prompt: string; kind: string; points: number }[]>();
  for (const r of rows)
    m.set(r.quiz_id, [...(m.get(r.quiz_id) ?? []), { prompt: r.prompt, kind: r.kind, points: r.points }]);
  return m;
}

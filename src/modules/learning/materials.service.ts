// Downloadable files of a lesson (course materials). The bytes go to the core file store of the
// course's cooperative (encrypted, typed by their content, size-limited: core/files.ts); a
// `learning_lesson_file` row, carrying the course's visibility, lists them under the lesson. A file
// leaves only to someone who can see the course (the same rule as the course page: own courses,
// published network courses of the network, published public MOOCs), always as an attachment.
import type { Db, Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { deleteFile, readFile, storeFile } from '../../core/files.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import { getCourse, getLesson, ownCourse, type Course } from './courses.service.ts';

export interface LessonFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
}

/** At most this many files per lesson. */
export const FILES_PER_LESSON = 20;

/** The files a lesson offers (of a course already checked visible). */
export async function lessonFiles(tx: Tx, course: Course, lessonId: string): Promise<LessonFile[]> {
  if (!isUuid(lessonId)) return [];
  const rows = await learningDb(tx)
    .selectFrom('learning_lesson_file')
    .select(['id', 'name', 'mime_type', 'size'])
    .where('cooperative_id', '=', course.cooperativeId)
    .where('course_id', '=', course.id)
    .where('lesson_id', '=', lessonId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, mimeType: r.mime_type, size: r.size }));
}

/** An author attaches a file to a lesson of their cooperative's course. */
export async function addLessonFile(
  tx: Tx,
  key: Buffer,
  actor: Actor,
  courseId: string,
  lessonId: string,
  file: { name: string; content: Buffer } | null,
): Promise<string> {
  const c = await ownCourse(tx, actor, courseId);
  if (!isUuid(lessonId)) throw new NotFoundError('Leçon');
  const db = learningDb(tx);
  const lesson = await db
    .selectFrom('learning_lesson')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', c.id)
    .where('id', '=', lessonId)
    .executeTakeFirst();
  if (!lesson) throw new NotFoundError('Leçon');
  if (!file) throw new UserError('Choisissez un fichier.', 'file');
  const n = await db
    .selectFrom('learning_lesson_file')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('lesson_id', '=', lessonId)
    .executeTakeFirstOrThrow();
  if (Number(n.n) >= FILES_PER_LESSON)
    throw new UserError(`Une leçon propose ${FILES_PER_LESSON} fichiers au plus.`, 'file');
  const stored = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: file.name,
    purpose: 'course-material',
    content: file.content,
    createdBy: actor.userId,
    field: 'file',
  });
  const id = uuidv7();
  await db
    .insertInto('learning_lesson_file')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      network_id: c.network_id,
      visibility: c.visibility,
      course_id: c.id,
      lesson_id: lessonId,
      file_id: stored.id,
      name: stored.name,
      mime_type: stored.mimeType,
      size: stored.size,
    })
    .execute();
  await audit(tx, actor, { action: 'learning.file_added', targetType: 'learning_lesson_file', targetId: id });
  return id;
}

/** An author removes a file from a lesson (the stored bytes go too). */
export async function removeLessonFile(tx: Tx, actor: Actor, courseId: string, fileId: string): Promise<void> {
  const c = await ownCourse(tx, actor, courseId);
  if (!isUuid(fileId)) throw new NotFoundError('Fichier');
  const row = await learningDb(tx)
    .deleteFrom('learning_lesson_file')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('course_id', '=', c.id)
    .where('id', '=', fileId)
    .returning('file_id')
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Fichier');
  await deleteFile(tx, actor.cooperativeId, row.file_id);
  await audit(tx, actor, { action: 'learning.file_removed', targetType: 'learning_lesson_file', targetId: fileId });
}

/** A lesson's file, for someone who can see the course. The course is checked in the reader's
 *  cooperative (its visibility rules and row-level security); the bytes are then read in the
 *  course's cooperative, which holds them. */
export async function downloadLessonFile(
  db: Db,
  key: Buffer,
  actor: Actor,
  courseId: string,
  lessonId: string,
  fileId: string,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  authorize(actor, LEARNING.read);
  if (!isUuid(fileId)) throw new NotFoundError('Fichier');
  const found = await withTenant(
    db,
    actor.cooperativeId,
    async (tx) => {
      const course = await getCourse(tx, actor, courseId);
      await getLesson(tx, course, lessonId);
      const f = (await lessonFiles(tx, course, lessonId)).find((x) => x.id === fileId);
      if (!f) return null;
      const row = await learningDb(tx)
        .selectFrom('learning_lesson_file')
        .select('file_id')
        .where('cooperative_id', '=', course.cooperativeId)
        .where('id', '=', fileId)
        .executeTakeFirstOrThrow();
      return { cooperativeId: course.cooperativeId, storedId: row.file_id };
    },
    { readOnly: true },
  );
  if (!found) throw new NotFoundError('Fichier');
  const f = await withTenant(db, found.cooperativeId, (tx) => readFile(tx, key, found.cooperativeId, found.storedId), {
    readOnly: true,
  });
  return { name: f.name, mimeType: f.mimeType, content: f.content };
}

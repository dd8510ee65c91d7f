// Import of questions with their answers from JSON Lines (a cooperative leaving an old forum):
// every line is checked first; if one is rejected nothing is written, otherwise all lines are
// written in the caller's transaction.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { listMembers } from '../directory/index.ts';
import { CAMPUS } from './permissions.ts';
import { askQuestion, answerQuestion } from './questions.service.ts';
import { normaliseTags } from './tags.ts';
import { campusDb } from './db.ts';

export interface ImportResult {
  imported: number;
  rejected: number;
  errors: { line: number; reason: string }[];
}

interface Parsed {
  line: number;
  title: string;
  body: string;
  tags: string[];
  visibility?: 'cooperative' | 'network';
  author: { userId: string; label: string } | null;
  answers: { body: string; accepted: boolean }[];
}

function check(raw: unknown): Omit<Parsed, 'line' | 'author'> & { authorEmail?: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError('un objet JSON est attendu');
  const o = raw as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string).trim() : '');
  const title = str('title');
  if (title.length < 5 || title.length > 200) throw new UserError('title : entre 5 et 200 caractères');
  const body = str('body');
  if (!body || body.length > 50000) throw new UserError('body : texte manquant ou trop long');
  if (o.tags !== undefined && (!Array.isArray(o.tags) || o.tags.some((t) => typeof t !== 'string')))
    throw new UserError('tags : un tableau de textes est attendu');
  const tags = normaliseTags((o.tags as string[] | undefined) ?? []);
  const vis = o.visibility;
  if (vis !== undefined && vis !== 'cooperative' && vis !== 'network')
    throw new UserError('visibility : cooperative ou network');
  if (o.author_email !== undefined && typeof o.author_email !== 'string')
    throw new UserError('author_email : un texte est attendu');
  if (o.answers !== undefined && !Array.isArray(o.answers)) throw new UserError('answers : un tableau est attendu');
  const answers = ((o.answers as unknown[] | undefined) ?? []).map((a, i) => {
    if (!a || typeof a !== 'object') throw new UserError(`answers[${i}] : un objet est attendu`);
    const b = (a as Record<string, unknown>).body;
    const acc = (a as Record<string, unknown>).accepted;
    if (typeof b !== 'string' || !b.trim() || b.length > 50000) throw new UserError(`answers[${i}].body manquant`);
    if (acc !== undefined && typeof acc !== 'boolean') throw new UserError(`answers[${i}].accepted : vrai ou faux`);
    return { body: b.trim(), accepted: acc === true };
  });
  if (answers.filter((a) => a.accepted).length > 1) throw new UserError('une seule réponse acceptée');
  return {
    title,
    body,
    tags,
    visibility: vis as Parsed['visibility'],
    answers,
    authorEmail: o.author_email as string | undefined,
  };
}

export async function importQuestions(tx: Tx, actor: Actor, text: string): Promise<ImportResult> {
  authorize(actor, CAMPUS.import);
  const parsed: Parsed[] = [];
  const errors: ImportResult['errors'] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, l] of lines.entries()) {
    if (!l.trim()) continue;
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(l);
      } catch {
        throw new UserError('JSON invalide');
      }
      const p = check(raw);
      let author: Parsed['author'] = null;
      if (p.authorEmail) {
        const email = p.authorEmail.trim().toLowerCase();
        const found = await listMembers(tx, actor, { q: email, pageSize: 1000 });
        const u = found.items.find((m) => m.email.toLowerCase() === email);
        if (!u) throw new UserError(`author_email inconnu dans la coopérative : ${p.authorEmail}`);
        author = { userId: u.userId, label: u.displayName };
      }
      parsed.push({ line: i + 1, ...p, author });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      errors.push({ line: i + 1, reason: e.message });
    }
  }
  if (errors.length) return { imported: 0, rejected: errors.length, errors };
  for (const p of parsed) {
    const who = p.author
      ? { authorUserId: p.author.userId, authorLabel: p.author.label }
      : { authorUserId: null, authorLabel: 'Import (ancien forum)' };
    const { id } = await askQuestion(
      tx,
      actor,
      { title: p.title, body: p.body, tags: p.tags, visibility: p.visibility },
      who,
    );
    for (const a of p.answers) {
      const r = await answerQuestion(tx, actor, id, a.body, {
        authorUserId: null,
        authorLabel: 'Import (ancien forum)',
      });
      if (a.accepted)
        await campusDb(tx)
          .updateTable('campus_question')
          .set({ accepted_answer_id: r.id, accepted_answer_cooperative_id: actor.cooperativeId })
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('id', '=', id)
          .execute();
    }
  }
  return { imported: parsed.length, rejected: 0, errors: [] };
}

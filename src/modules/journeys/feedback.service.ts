// Workshop feedback (satisfaction 1–5, usefulness 1–5, free comment), one per attendee, stored
// without the person; staff see the aggregate only from FEEDBACK_MIN_ANSWERS answers so that no
// answer can be traced back. Training hours per person, and their CSV export.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import { journeysDb } from './db.ts';
import { type Actor, requireRole } from '../../core/actor.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import { isIsoDate } from '../../core/dates.ts';
import { parisInstant } from './appointments.service.ts';
import { sessionHours } from './workshops.service.ts';

const STAFF = ['support', 'director', 'network_admin'] as const;
export const FEEDBACK_MIN_ANSWERS = 5;

const score = (msg: string) => z.coerce.number({ message: msg }).int(msg).min(1, msg).max(5, msg);
export const FeedbackInput = z.object({
  satisfaction: score('Choisissez une note de 1 à 5.'),
  usefulness: score('Choisissez une note de 1 à 5.'),
  comment: z.string().trim().max(2000, 'Commentaire trop long (2 000 caractères au plus).').optional().nullable(),
});

/** 'open' when the actor attended a finished session and has not answered yet. */
export async function feedbackState(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  now = new Date(),
): Promise<'open' | 'given' | 'closed'> {
  const trx = journeysDb(tx);
  const s = await trx
    .selectFrom('workshop_session')
    .select('ends_at')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!s || new Date(s.ends_at) > now) return 'closed';
  const reg = await trx
    .selectFrom('workshop_registration')
    .select('attended')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', actor.userId ?? '')
    .executeTakeFirst();
  if (reg?.attended !== true) return 'closed';
  const given = await trx
    .selectFrom('workshop_feedback_given')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', actor.userId ?? '')
    .executeTakeFirst();
  return given ? 'given' : 'open';
}

export async function submitFeedback(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  raw: z.input<typeof FeedbackInput>,
): Promise<void> {
  const trx = journeysDb(tx);
  const v = parseInput(FeedbackInput, raw);
  const s = await trx
    .selectFrom('workshop_session')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  const state = await feedbackState(trx, actor, sessionId);
  if (state === 'given') throw new UserError('Vous avez déjà donné votre avis sur cet atelier. Merci !');
  if (state === 'closed') throw new UserError("L'avis est ouvert aux personnes présentes, une fois l'atelier terminé.");
  await trx
    .insertInto('workshop_feedback_given')
    .values({ cooperative_id: actor.cooperativeId, session_id: sessionId, user_id: actor.userId! })
    .execute();
  await trx
    .insertInto('workshop_feedback')
    .values({
      cooperative_id: actor.cooperativeId,
      id: randomUUID(),
      session_id: sessionId,
      satisfaction: v.satisfaction,
      usefulness: v.usefulness,
      comment: v.comment || null,
    })
    .execute();
}

export interface FeedbackSummary {
  answers: number;
  shown: boolean;
  satisfaction: number | null;
  usefulness: number | null;
  comments: string[];
}
/** Staff only; averages and comments only from FEEDBACK_MIN_ANSWERS answers (comments in alphabetical order, not in order of arrival). */
export async function feedbackSummary(tx: Tx, actor: Actor, sessionId: string): Promise<FeedbackSummary> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF);
  const rows = await trx
    .selectFrom('workshop_feedback')
    .select(['satisfaction', 'usefulness', 'comment'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .execute();
  if (rows.length < FEEDBACK_MIN_ANSWERS)
    return { answers: rows.length, shown: false, satisfaction: null, usefulness: null, comments: [] };
  const avg = (k: 'satisfaction' | 'usefulness') =>
    Math.round((rows.reduce((s, r) => s + r[k], 0) / rows.length) * 10) / 10;
  const collator = new Intl.Collator('fr');
  return {
    answers: rows.length,
    shown: true,
    satisfaction: avg('satisfaction'),
    usefulness: avg('usefulness'),
    comments: rows
      .map((r) => r.comment)
      .filter((c): c is string => !!c)
      .sort(collator.compare),
  };
}

export interface HoursRow {
  userId: string;
  name: string;
  email: string;
  sessions: number;
  hours: number;
}
/** Training hours per person over a period (sessions attended, by start date in Paris). */
export async function trainingHours(tx: Tx, actor: Actor, opts: { from: string; to: string }): Promise<HoursRow[]> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF);
  if (!isIsoDate(opts.from)) throw new UserError('Date invalide (AAAA-MM-JJ).', 'from');
  if (!isIsoDate(opts.to)) throw new UserError('Date invalide (AAAA-MM-JJ).', 'to');
  if (opts.to < opts.from) throw new UserError('La fin doit être après le début.', 'to');
  const rows = await trx
    .selectFrom('workshop_registration')
    .innerJoin('workshop_session as s', (j) =>
      j
        .onRef('s.cooperative_id', '=', 'workshop_registration.cooperative_id')
        .onRef('s.id', '=', 'workshop_registration.session_id'),
    )
    .innerJoin('user_account as u', 'u.id', 'workshop_registration.user_id')
    .select(['u.id', 'u.display_name', 'u.email', 's.starts_at', 's.ends_at'])
    .where('workshop_registration.cooperative_id', '=', actor.cooperativeId)
    .where('workshop_registration.attended', '=', true)
    .where('s.starts_at', '>=', parisInstant(opts.from, '00:00'))
    .where('s.starts_at', '<', parisInstant(opts.to, '23:59'))
    .execute();
  const by = new Map<string, HoursRow>();
  for (const r of rows) {
    const cur = by.get(r.id) ?? { userId: r.id, name: r.display_name, email: r.email, sessions: 0, hours: 0 };
    cur.sessions++;
    cur.hours = Math.round((cur.hours + sessionHours(r.starts_at, r.ends_at)) * 100) / 100;
    by.set(r.id, cur);
  }
  const collator = new Intl.Collator('fr');
  return [...by.values()].sort((a, b) => collator.compare(a.name, b.name));
}

/** CSV for spreadsheets (French: « ; » separator, decimal comma, BOM for Excel). */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : typeof v === 'number' ? String(v).replace('.', ',') : v;
    const safe = typeof v === 'string' && /^[=+\-@]/.test(s) ? `'${s}` : s; // no formula injection
    return /[;"\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`;
}

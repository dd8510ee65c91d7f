// Anonymous surveys: the team opens a wave with N links (shown once), people answer without an
// account, and only aggregates come back (count, response rate, WHO-5 mean and share ≤ 50,
// suppressed under 5 answers). The answer row holds no link and no person: the link is only
// marked used, in the same transaction; ids are random (no time inside them).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { isUuid } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';
import { who5, wilson } from './kit/stats.ts';
import { MIN_PEOPLE } from './kit/suppression.ts';

export const MAX_LINKS = 2000;
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function createSurvey(
  tx: Tx,
  actor: Actor,
  input: { title: string; links: number },
): Promise<{ id: string; tokens: string[] }> {
  authorize(actor, IMPACT.surveyManage);
  const title = input.title.trim();
  if (title.length < 2 || title.length > 200) throw new UserError('Indiquez un titre (2 à 200 caractères).', 'title');
  if (!Number.isInteger(input.links) || input.links < 1 || input.links > MAX_LINKS)
    throw new UserError(`Indiquez un nombre de liens entre 1 et ${MAX_LINKS}.`, 'links');
  const trx = impactDb(tx);
  const id = randomUUID();
  await trx
    .insertInto('impact_survey')
    .values({ cooperative_id: actor.cooperativeId, id, title, questionnaire: 'who5', created_by: actor.userId })
    .execute();
  const tokens: string[] = [];
  const rows = [];
  for (let i = 0; i < input.links; i++) {
    const secret = randomBytes(24).toString('base64url');
    tokens.push(`${actor.cooperativeId}.${secret}`);
    rows.push({ cooperative_id: actor.cooperativeId, survey_id: id, token_hash: hash(secret) });
  }
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('impact_survey_link')
      .values(rows.slice(i, i + 500))
      .execute();
  return { id, tokens };
}

export interface SurveySummary {
  id: string;
  title: string;
  createdAt: Date;
  links: number;
  answers: number;
  /** Response rate in percent, one decimal. */
  rate: number | null;
  suppressed: boolean;
  who5Mean: number | null;
  /** Share of answers at 50 or less (poor well-being), percent, with its Wilson interval. */
  poorShare: number | null;
  poorLow: number | null;
  poorHigh: number | null;
}

export async function surveySummaries(tx: Tx, actor: Actor): Promise<SurveySummary[]> {
  authorize(actor, IMPACT.surveyManage);
  const trx = impactDb(tx);
  const surveys = await trx
    .selectFrom('impact_survey')
    .select(['id', 'title', 'created_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('created_at', 'desc')
    .execute();
  const links = await trx
    .selectFrom('impact_survey_link')
    .select(['survey_id', (e) => e.fn.countAll<number>().as('n')])
    .where('cooperative_id', '=', actor.cooperativeId)
    .groupBy('survey_id')
    .execute();
  const answers = await trx
    .selectFrom('impact_survey_answer')
    .select(['survey_id', 'score'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return surveys.map((s) => {
    const n = Number(links.find((l) => l.survey_id === s.id)?.n ?? 0);
    const scores = answers.filter((a) => a.survey_id === s.id).map((a) => a.score);
    const k = scores.length;
    const suppressed = k < MIN_PEOPLE;
    const poor = scores.filter((x) => x <= 50).length;
    const w = k ? wilson(poor, k) : null;
    return {
      id: s.id,
      title: s.title,
      createdAt: s.created_at,
      links: n,
      answers: k,
      rate: n ? r1((100 * k) / n) : null,
      suppressed,
      who5Mean: suppressed ? null : r1(scores.reduce((a, b) => a + b, 0) / k),
      poorShare: suppressed ? null : r1((100 * poor) / k),
      poorLow: suppressed || !w ? null : r1(100 * w.low),
      poorHigh: suppressed || !w ? null : r1(100 * w.high),
    };
  });
}

/** Splits a public link token; null when it cannot be one (no lookup then). */
function parseToken(token: string): { cooperativeId: string; secret: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m || !isUuid(m[1]!)) return null;
  return { cooperativeId: m[1]!, secret: m[2]! };
}

/** The survey behind an unused link (public, no account), or NotFoundError. */
export async function surveyOfLink(db: Db, token: string): Promise<{ title: string }> {
  const t = parseToken(token);
  if (!t) throw new NotFoundError('Enquête');
  const row = await withSystem(db, (tx) =>
    impactDb(tx as unknown as Tx)
      .selectFrom('impact_survey_link as l')
      .innerJoin('impact_survey as s', (j) =>
        j.onRef('s.cooperative_id', '=', 'l.cooperative_id').onRef('s.id', '=', 'l.survey_id'),
      )
      .select(['s.title', 'l.used'])
      .where('l.cooperative_id', '=', t.cooperativeId)
      .where('l.token_hash', '=', hash(t.secret))
      .executeTakeFirst(),
  );
  if (!row || row.used) throw new NotFoundError('Enquête');
  return { title: row.title };
}

/** Records the answers of a link once; the answer keeps the survey and the day, nothing else. */
export async function answerSurvey(db: Db, token: string, items: number[]): Promise<void> {
  const t = parseToken(token);
  if (!t) throw new NotFoundError('Enquête');
  let score: number;
  try {
    score = who5(items).percent;
  } catch {
    throw new UserError('Répondez aux cinq questions.', 'items');
  }
  await withTenant(db, t.cooperativeId, async (tx) => {
    const trx = impactDb(tx as unknown as Tx);
    const link = await trx
      .updateTable('impact_survey_link')
      .set({ used: true })
      .where('cooperative_id', '=', t.cooperativeId)
      .where('token_hash', '=', hash(t.secret))
      .where('used', '=', false)
      .returning('survey_id')
      .executeTakeFirst();
    if (!link) throw new NotFoundError('Enquête');
    await trx
      .insertInto('impact_survey_answer')
      .values({ cooperative_id: t.cooperativeId, id: randomUUID(), survey_id: link.survey_id, items, score })
      .execute();
  });
}

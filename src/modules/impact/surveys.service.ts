// Anonymous surveys in waves: the team opens a wave of a questionnaire (WHO-5, a QVT barometer
// or one built here) with N links (shown once), a kind and optional dates; people answer
// without an account, and only aggregates come back (suppressed under 5 answers). The answer
// row holds no link and no person: the link is only marked used, in the same transaction; ids
// are random (no time inside them) and the answer keeps the day, not the time.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, can } from '../../core/authz.ts';
import { audit } from '../../core/audit.ts';
import { todayParis } from '../../core/dates.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { isUuid } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';
import { who5 } from './kit/stats.ts';
import {
  type Answers,
  builtinDef,
  type QuestionnaireDef,
  readAnswers,
  WHO5_IDS,
  who5Items,
} from './kit/questionnaire.ts';
import { crossTab, type CrossTab, waveResults, type WaveResults } from './kit/survey-results.ts';
import { useQuestionnaire } from './questionnaires.service.ts';
import { WAVE_KINDS, type WaveKind } from './questionnaires.schema.ts';
import { type Audience, AUDIENCES, audienceMembers, inviteRecipients, parseEmails } from './reminders.service.ts';

export const MAX_LINKS = 2000;
export const WAVE_KIND_LABELS: Record<WaveKind, string> = {
  entry: 'À l’entrée',
  yearly: 'Annuelle',
  after_exit: '6 mois après la sortie',
  ad_hoc: 'Ponctuelle',
};
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export interface WaveInput {
  title: string;
  links: number;
  /** A built-in key (`who5`, `qvt_entrepreneurs`, `qvt_support`) or a questionnaire id. */
  questionnaire?: string;
  kind?: string;
  opensOn?: string;
  closesOn?: string;
  /** Members asked to answer (each gets a link in « Mes enquêtes », announced in their digest). */
  audience?: string;
  /** Addresses asked to answer (each gets a personal link by e-mail), one per line. */
  emails?: string;
  /** Reminders to those who have not answered (0–5, 2 by default). */
  maxReminders?: number;
  publicUrl?: string;
}

function checkWave(
  input: WaveInput,
  recipients = 0,
): { kind: WaveKind; opensOn: string | null; closesOn: string | null; maxReminders: number } {
  const errors: Record<string, string> = {};
  const title = input.title.trim();
  if (title.length < 2 || title.length > 200) errors.title = 'Indiquez un titre (2 à 200 caractères).';
  if (!Number.isInteger(input.links) || input.links < 0 || input.links > MAX_LINKS)
    errors.links = `Indiquez un nombre de liens entre 0 et ${MAX_LINKS}.`;
  else if (input.links + recipients < 1)
    errors.links = 'Indiquez un nombre de liens, ou choisissez à qui envoyer l’enquête.';
  const maxReminders = input.maxReminders ?? 2;
  if (!Number.isInteger(maxReminders) || maxReminders < 0 || maxReminders > 5)
    errors.max_reminders = 'Indiquez un nombre de relances entre 0 et 5.';
  const kind = (input.kind || 'ad_hoc') as WaveKind;
  if (!WAVE_KINDS.includes(kind)) errors.kind = 'Choisissez le moment de l’enquête.';
  const date = (s: string | undefined, field: string) => {
    if (!s) return null;
    if (!DATE_RE.test(s) || Number.isNaN(Date.parse(s))) {
      errors[field] = 'Écrivez une date (jj/mm/aaaa).';
      return null;
    }
    return s;
  };
  const opensOn = date(input.opensOn, 'opens_on');
  const closesOn = date(input.closesOn, 'closes_on');
  if (opensOn && closesOn && closesOn < opensOn) errors.closes_on = 'La clôture vient après l’ouverture.';
  const first = Object.entries(errors)[0];
  if (first) throw new UserError(first[1], first[0], errors);
  return { kind, opensOn, closesOn, maxReminders };
}

async function insertLinks(tx: Tx, cooperativeId: string, surveyId: string, n: number): Promise<string[]> {
  const tokens: string[] = [];
  const rows = [];
  for (let i = 0; i < n; i++) {
    const secret = randomBytes(24).toString('base64url');
    tokens.push(`${cooperativeId}.${secret}`);
    rows.push({ cooperative_id: cooperativeId, survey_id: surveyId, token_hash: hash(secret) });
  }
  for (let i = 0; i < rows.length; i += 500)
    await impactDb(tx)
      .insertInto('impact_survey_link')
      .values(rows.slice(i, i + 500))
      .execute();
  return tokens;
}

export async function createSurvey(tx: Tx, actor: Actor, input: WaveInput): Promise<{ id: string; tokens: string[] }> {
  authorize(actor, IMPACT.surveyManage);
  const audience = (input.audience || 'none') as Audience;
  if (!AUDIENCES.includes(audience)) throw new UserError('Choisissez à qui envoyer l’enquête.', 'audience');
  const emails = parseEmails(input.emails ?? '');
  const userIds = await audienceMembers(tx, actor, audience);
  const w = checkWave(input, userIds.length + emails.length);
  const q = await useQuestionnaire(tx, actor, input.questionnaire || 'who5');
  const id = randomUUID();
  await impactDb(tx)
    .insertInto('impact_survey')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      title: input.title.trim(),
      questionnaire: q.questionnaire,
      questionnaire_id: q.questionnaireId,
      questionnaire_version: q.version,
      definition: JSON.stringify(q.def),
      kind: w.kind,
      opens_on: w.opensOn,
      closes_on: w.closesOn,
      max_reminders: w.maxReminders,
      created_by: actor.userId,
    })
    .execute();
  const tokens = await insertLinks(tx, actor.cooperativeId, id, input.links);
  const invited = await inviteRecipients(
    tx,
    actor,
    { id, title: input.title.trim() },
    { userIds, emails },
    input.publicUrl ?? '',
  );
  await audit(tx, actor, {
    action: 'impact.survey.create',
    targetType: 'impact_survey',
    targetId: id,
    data: { questionnaire: q.questionnaireId ?? q.questionnaire, version: q.version, links: input.links, invited },
  });
  return { id, tokens };
}

export interface SurveySummary {
  id: string;
  title: string;
  createdAt: Date;
  kind: WaveKind;
  questionnaireTitle: string;
  version: number;
  opensOn: string | null;
  closesOn: string | null;
  links: number;
  answers: number;
  /** Response rate in percent, one decimal. */
  rate: number | null;
  suppressed: boolean;
  /** WHO-5 figures, for questionnaires that score it (null otherwise). */
  who5Mean: number | null;
  /** Share of answers at 50 or less (poor well-being), percent, with its Wilson interval. */
  poorShare: number | null;
  poorLow: number | null;
  poorHigh: number | null;
  scoresWho5: boolean;
}

const defOf = (w: { definition: QuestionnaireDef | null }): QuestionnaireDef => w.definition ?? builtinDef('who5');
/** Answers of a row: WHO-5 era rows kept their five items only. */
const answersOf = (a: { answers: Answers | null; items: number[] | null }): Answers =>
  a.answers ?? Object.fromEntries((a.items ?? []).map((v, i) => [WHO5_IDS[i]!, v]));

export async function surveySummaries(tx: Tx, actor: Actor): Promise<SurveySummary[]> {
  authorize(actor, IMPACT.surveyManage);
  const trx = impactDb(tx);
  const surveys = await trx
    .selectFrom('impact_survey')
    .select(['id', 'title', 'created_at', 'kind', 'definition', 'questionnaire_version', 'opens_on', 'closes_on'])
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
    .select(['survey_id', 'answers', 'items'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return surveys.map((s) => {
    const def = defOf(s);
    const n = Number(links.find((l) => l.survey_id === s.id)?.n ?? 0);
    const mine = answers.filter((a) => a.survey_id === s.id).map(answersOf);
    const k = mine.length;
    const res = waveResults(def, mine, false);
    return {
      id: s.id,
      title: s.title,
      createdAt: s.created_at,
      kind: s.kind,
      questionnaireTitle: def.title,
      version: s.questionnaire_version,
      opensOn: s.opens_on === null ? null : String(s.opens_on).slice(0, 10),
      closesOn: s.closes_on === null ? null : String(s.closes_on).slice(0, 10),
      links: n,
      answers: k,
      rate: n ? r1((100 * k) / n) : null,
      suppressed: res.suppressed,
      scoresWho5: !!res.who5,
      who5Mean: res.who5?.mean ?? null,
      poorShare: res.who5?.poorShare ?? null,
      poorLow: res.who5?.poorLow ?? null,
      poorHigh: res.who5?.poorHigh ?? null,
    };
  });
}

export interface SurveyResultsView {
  summary: SurveySummary;
  def: QuestionnaireDef;
  results: WaveResults;
  cross: CrossTab | null;
  readsTexts: boolean;
}

/** One wave's aggregated results; free texts only for network analysts. */
export async function surveyResults(
  tx: Tx,
  actor: Actor,
  id: string,
  cross?: { rows: string; cols: string },
): Promise<SurveyResultsView> {
  authorize(actor, IMPACT.surveyManage);
  if (!isUuid(id)) throw new NotFoundError('Enquête');
  const summary = (await surveySummaries(tx, actor)).find((s) => s.id === id);
  if (!summary) throw new NotFoundError('Enquête');
  const trx = impactDb(tx);
  const wave = await trx
    .selectFrom('impact_survey')
    .select('definition')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const def = defOf(wave);
  const rows = await trx
    .selectFrom('impact_survey_answer')
    .select(['answers', 'items'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('survey_id', '=', id)
    .execute();
  const all = rows.map(answersOf);
  const readsTexts = can(actor, IMPACT.freeTextRead) && (await freeTextAccess(tx, actor, id));
  let ct: CrossTab | null = null;
  if (cross) {
    const a = def.questions.find((q) => q.id === cross.rows);
    const b = def.questions.find((q) => q.id === cross.cols);
    if (a && b) ct = crossTab(a, b, all);
  }
  return { summary, def, results: waveResults(def, all, readsTexts), cross: ct, readsTexts };
}

/**
 * Whether the actor may read this wave's free texts: network analysts only (the results still
 * hide them under 5 answers). Audited, since free texts are the most identifying answers.
 */
export async function freeTextAccess(tx: Tx, actor: Actor, id: string): Promise<boolean> {
  authorize(actor, IMPACT.freeTextRead);
  if (!isUuid(id)) return false;
  await audit(tx, actor, { action: 'impact.survey.free_text_read', targetType: 'impact_survey', targetId: id });
  return true;
}

/** Aggregated results as CSV (one line per figure; never one line per person). */
export function resultsCsv(v: SurveyResultsView): string {
  const esc = (s: string) => (/[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));
  const lines = ['question,libelle,reponse,personnes,part_pct,ic95_bas,ic95_haut,moyenne,mediane,masque'];
  for (const q of v.results.questions) {
    const hidden = q.suppressed ? 'moins de 5 personnes' : '';
    if (q.options)
      for (const o of q.options)
        lines.push(
          [
            q.id,
            esc(q.label),
            esc(o.label),
            num(o.count),
            num(o.share),
            num(o.low),
            num(o.high),
            '',
            '',
            hidden || (o.count === null ? 'masqué (secret statistique)' : ''),
          ].join(','),
        );
    if (q.type === 'scale' || q.type === 'number' || q.type === 'short_text' || q.type === 'long_text')
      lines.push(
        [q.id, esc(q.label), '(ensemble)', String(q.n), '', '', '', num(q.mean), num(q.median), hidden].join(','),
      );
  }
  return `${lines.join('\n')}\n`;
}

/** Splits a public link token; null when it cannot be one (no lookup then). */
function parseToken(token: string): { cooperativeId: string; secret: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m || !isUuid(m[1]!)) return null;
  return { cooperativeId: m[1]!, secret: m[2]! };
}

export interface PublicSurvey {
  title: string;
  def: QuestionnaireDef;
  /** Before its opening day or after its closing day, a wave takes no answer. */
  state: 'open' | 'not_yet' | 'closed';
  opensOn: string | null;
  closesOn: string | null;
}

/** The survey behind an unused link (public, no account), or NotFoundError. */
export async function surveyOfLink(db: Db, token: string): Promise<PublicSurvey> {
  const t = parseToken(token);
  if (!t) throw new NotFoundError('Enquête');
  const row = await withSystem(db, (tx) =>
    impactDb(tx as unknown as Tx)
      .selectFrom('impact_survey_link as l')
      .innerJoin('impact_survey as s', (j) =>
        j.onRef('s.cooperative_id', '=', 'l.cooperative_id').onRef('s.id', '=', 'l.survey_id'),
      )
      .select(['s.title', 's.definition', 's.opens_on', 's.closes_on', 'l.used'])
      .where('l.cooperative_id', '=', t.cooperativeId)
      .where('l.token_hash', '=', hash(t.secret))
      .executeTakeFirst(),
  );
  if (!row || row.used) throw new NotFoundError('Enquête');
  const opensOn = row.opens_on === null ? null : String(row.opens_on).slice(0, 10);
  const closesOn = row.closes_on === null ? null : String(row.closes_on).slice(0, 10);
  const today = todayParis();
  const state = opensOn && today < opensOn ? 'not_yet' : closesOn && today > closesOn ? 'closed' : 'open';
  return { title: row.title, def: defOf(row), state, opensOn, closesOn };
}

/**
 * Records the answers of a link once (conditions applied here: hidden questions are dropped,
 * visible required ones checked). Returns the errors per question, or null when recorded.
 */
export async function submitAnswer(
  db: Db,
  token: string,
  values: Record<string, string>,
  all: Record<string, string[]> = {},
): Promise<Record<string, string> | null> {
  const t = parseToken(token);
  if (!t) throw new NotFoundError('Enquête');
  const s = await surveyOfLink(db, token);
  if (s.state !== 'open') throw new NotFoundError('Enquête');
  const { answers, errors } = readAnswers(s.def, values, all);
  if (Object.keys(errors).length) return errors;
  const items = who5Items(s.def, answers);
  // Support staff's well-being stays out of the entrepreneurs' indicator (C1 reads `score`).
  const score = items && s.def.audience !== 'staff' ? who5(items).percent : null;
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
      .values({
        cooperative_id: t.cooperativeId,
        id: randomUUID(),
        survey_id: link.survey_id,
        items,
        score,
        answers: JSON.stringify(answers),
      })
      .execute();
  });
  return null;
}

/** WHO-5 answers by their five items (0–5), as the demo and older callers give them. */
export async function answerSurvey(db: Db, token: string, items: number[]): Promise<void> {
  const errors = await submitAnswer(db, token, Object.fromEntries(items.map((v, i) => [WHO5_IDS[i]!, String(v)])));
  if (errors) throw new UserError('Répondez aux cinq questions.', 'items');
}

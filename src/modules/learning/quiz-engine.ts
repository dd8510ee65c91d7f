// The quiz engine, pure: a reproducible draw of questions from a bank (the same seed gives the
// same questions in the same order) and the scoring of answers, in hundredths of a point.
//  - single choice and true/false: all the points for the right choice, none otherwise;
//  - multiple choice: points × max(0, (right choices ticked − wrong choices ticked) / right choices);
//  - short answer: all the points when the answer matches one of the accepted ones, ignoring case,
//    accents, surrounding spaces and repeated spaces;
//  - numeric: all the points when |answer − expected| ≤ tolerance (a comma or a dot as separator).
import { Rng } from '../../core/random.ts';
import type { Choice, QuestionKind } from './schema.ts';

export interface EngineQuestion {
  id: string;
  kind: QuestionKind;
  prompt: string;
  choices: Choice[];
  accepted: string[];
  numericValue: number | null;
  numericTolerance: number | null;
  feedback: string;
  points: number;
}

/** `count` question ids drawn from the bank (all of them, shuffled, when count is null or larger). */
export function drawQuestions(ids: string[], count: number | null, seed: number): string[] {
  const xs = [...ids];
  const rng = new Rng(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return count === null || count >= xs.length ? xs : xs.slice(0, count);
}

export const normaliseAnswer = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

export function parseNumber(s: string): number | null {
  const t = s.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

export interface QuestionResult {
  questionId: string;
  /** Hundredths of a point. */
  earned: number;
  max: number;
  correct: boolean;
  /** Feedback of the choices ticked, then the question's own. */
  feedback: string[];
  /** What was expected, in words (shown after the attempt). */
  expected: string;
}

export function scoreQuestion(q: EngineQuestion, answer: string[] | undefined): QuestionResult {
  const max = q.points * 100;
  const given = answer ?? [];
  let ratio = 0;
  const feedback: string[] = [];
  let expected = '';
  if (q.kind === 'single' || q.kind === 'true_false' || q.kind === 'multiple') {
    const ticked = new Set(given.map(Number).filter((i) => Number.isInteger(i) && i >= 0 && i < q.choices.length));
    const right = q.choices.flatMap((c, i) => (c.correct ? [i] : []));
    for (const i of ticked) if (q.choices[i].feedback) feedback.push(q.choices[i].feedback!);
    expected = right.map((i) => q.choices[i].text).join(' ; ');
    if (q.kind === 'multiple') {
      const good = [...ticked].filter((i) => q.choices[i].correct).length;
      const bad = ticked.size - good;
      ratio = right.length ? Math.max(0, (good - bad) / right.length) : 0;
    } else ratio = ticked.size === 1 && q.choices[[...ticked][0]].correct ? 1 : 0;
  } else if (q.kind === 'short') {
    const a = normaliseAnswer(given[0] ?? '');
    ratio = a && q.accepted.some((x) => normaliseAnswer(x) === a) ? 1 : 0;
    expected = q.accepted[0] ?? '';
  } else {
    const x = parseNumber(given[0] ?? '');
    const tol = q.numericTolerance ?? 0;
    ratio = x !== null && q.numericValue !== null && Math.abs(x - q.numericValue) <= tol + 1e-9 ? 1 : 0;
    expected = `${String(q.numericValue).replace('.', ',')}${tol ? ` (± ${String(tol).replace('.', ',')})` : ''}`;
  }
  if (q.feedback) feedback.push(q.feedback);
  const earned = Math.round(max * ratio);
  return { questionId: q.id, earned, max, correct: earned === max, feedback, expected };
}

export interface AttemptScore {
  score: number;
  max: number;
  /** Whole percent, rounded down (a pass mark of 70 % needs 70 %, not 69.6 %). */
  percent: number;
  passed: boolean;
  results: QuestionResult[];
}

export function scoreAttempt(
  questions: EngineQuestion[],
  answers: Record<string, string[]>,
  passPercent: number,
): AttemptScore {
  const results = questions.map((q) => scoreQuestion(q, answers[q.id]));
  const score = results.reduce((s, r) => s + r.earned, 0);
  const max = results.reduce((s, r) => s + r.max, 0);
  const percent = max ? Math.floor((score * 100) / max) : 0;
  return { score, max, percent, passed: percent >= passPercent, results };
}

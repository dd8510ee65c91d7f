// Aggregated results of a wave, question by question, with the privacy rules applied here and
// nowhere else: a question answered by fewer than 5 people shows nothing; choice counts are a
// table suppressed with its total (a single hidden count could otherwise be recomputed);
// proportions carry a 95 % Wilson interval; free texts only for those allowed, only from 5
// answers, sorted (never in the order they arrived). Cross-tabulations go through the same
// table suppression. Pure functions.
import { median, wilson, who5 } from './stats.ts';
import { MIN_PEOPLE, suppressTable } from './suppression.ts';
import { type Answers, type Question, type QuestionnaireDef, who5Items } from './questionnaire.ts';

const r1 = (x: number) => Math.round(x * 10) / 10;

export interface OptionResult {
  value: string;
  label: string;
  /** null when hidden. */
  count: number | null;
  share: number | null;
  low: number | null;
  high: number | null;
}
export interface QuestionResult {
  id: string;
  label: string;
  type: Question['type'];
  /** People who answered this question. */
  n: number;
  suppressed: boolean;
  options?: OptionResult[];
  mean?: number | null;
  median?: number | null;
  /** Free texts: null when the reader may not see them or fewer than 5 answered. */
  texts?: string[] | null;
  textsHidden?: 'permission' | 'few' | null;
}
export interface WaveResults {
  answers: number;
  suppressed: boolean;
  questions: QuestionResult[];
  who5: { mean: number | null; poorShare: number | null; poorLow: number | null; poorHigh: number | null } | null;
}

/** The choices a question offers as categories (choice options or scale points). */
export function categories(q: Question): { value: string; label: string }[] {
  if (q.type === 'single' || q.type === 'multiple') return q.options ?? [];
  if (q.type === 'scale' && q.scale) {
    const out = [];
    for (let v = q.scale.min; v <= q.scale.max; v++)
      out.push({ value: String(v), label: q.scale.labels?.[v - q.scale.min] ?? String(v) });
    return out;
  }
  return [];
}
const has = (a: Answers[string] | undefined, v: string) =>
  a !== undefined && (Array.isArray(a) ? a.includes(v) : String(a) === v);

function shareOf(count: number | null, n: number) {
  if (count === null || n < MIN_PEOPLE) return { share: null, low: null, high: null };
  const w = wilson(count, n);
  return { share: r1((100 * count) / n), low: r1(100 * w.low), high: r1(100 * w.high) };
}

export function questionResult(q: Question, all: Answers[], readTexts: boolean): QuestionResult {
  const answered = all.filter((a) => a[q.id] !== undefined);
  const n = answered.length;
  const suppressed = n < MIN_PEOPLE;
  const base: QuestionResult = { id: q.id, label: q.label, type: q.type, n, suppressed };
  if (q.type === 'single' || q.type === 'scale') {
    const cats = categories(q);
    const counts = cats.map((c) => answered.filter((a) => has(a[q.id], c.value)).length);
    const t = suppressTable([counts]);
    base.options = cats.map((c, i) => {
      const count = suppressed ? null : t.cells[0]![i]!;
      return { ...c, count, ...shareOf(count, n) };
    });
  }
  if (q.type === 'multiple') {
    // Each option splits the respondents in two (chose it or not): both sides must reach 5.
    base.options = (q.options ?? []).map((c) => {
      const k = answered.filter((a) => has(a[q.id], c.value)).length;
      const t = suppressTable([[k, n - k]]);
      const count = suppressed ? null : t.cells[0]![0]!;
      return { ...c, count, ...shareOf(count, n) };
    });
  }
  if (q.type === 'scale' || q.type === 'number') {
    const vals = answered.map((a) => Number(a[q.id]));
    base.mean = suppressed ? null : r1(vals.reduce((x, y) => x + y, 0) / n);
    base.median = suppressed ? null : r1(median(vals)!);
  }
  if (q.type === 'short_text' || q.type === 'long_text') {
    if (!readTexts) {
      base.texts = null;
      base.textsHidden = 'permission';
    } else if (suppressed) {
      base.texts = null;
      base.textsHidden = 'few';
    } else {
      base.texts = answered.map((a) => String(a[q.id])).sort((x, y) => x.localeCompare(y, 'fr'));
      base.textsHidden = null;
    }
  }
  return base;
}

export function waveResults(def: QuestionnaireDef, all: Answers[], readTexts: boolean): WaveResults {
  const suppressed = all.length < MIN_PEOPLE;
  let w: WaveResults['who5'] = null;
  if (def.scoring === 'who5') {
    const scores = all
      .map((a) => who5Items(def, a))
      .filter((x): x is number[] => !!x)
      .map((i) => who5(i).percent);
    const k = scores.length;
    if (k < MIN_PEOPLE) w = { mean: null, poorShare: null, poorLow: null, poorHigh: null };
    else {
      const poor = scores.filter((s) => s <= 50).length;
      const iv = wilson(poor, k);
      w = {
        mean: r1(scores.reduce((a, b) => a + b, 0) / k),
        poorShare: r1((100 * poor) / k),
        poorLow: r1(100 * iv.low),
        poorHigh: r1(100 * iv.high),
      };
    }
  }
  return {
    answers: all.length,
    suppressed,
    questions: def.questions.map((q) => questionResult(q, all, readTexts)),
    who5: w,
  };
}

export interface CrossTab {
  rows: { value: string; label: string }[];
  cols: { value: string; label: string }[];
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  total: number | null;
}

/**
 * Question A (rows) by question B (columns), both single choices or scales: people who answered
 * both, every cell under 5 hidden with enough others that no hidden cell can be recomputed.
 */
export function crossTab(a: Question, b: Question, all: Answers[]): CrossTab | null {
  const ok = (q: Question) => q.type === 'single' || q.type === 'scale';
  if (!ok(a) || !ok(b) || a.id === b.id) return null;
  const rows = categories(a);
  const cols = categories(b);
  const both = all.filter((x) => x[a.id] !== undefined && x[b.id] !== undefined);
  const counts = rows.map((r) =>
    cols.map((c) => both.filter((x) => has(x[a.id], r.value) && has(x[b.id], c.value)).length),
  );
  const t = suppressTable(counts);
  const tiny = both.length < MIN_PEOPLE;
  const hideAll = <T>(v: T) => (tiny ? null : v);
  return {
    rows,
    cols,
    cells: t.cells.map((r) => r.map(hideAll)),
    rowTotals: t.rowTotals.map(hideAll),
    colTotals: t.colTotals.map(hideAll),
    total: hideAll(t.total),
  };
}

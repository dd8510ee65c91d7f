// Questionnaires as data: the question types, conditions (show B only if the answer to an
// earlier A is, or contains, X), checking a definition, reading and checking an answer from a
// form (hidden questions are dropped whatever was sent; visible required ones must be there),
// and the built-in questionnaires (WHO-5, public domain; the two QVT barometers written here).
// Pure functions: no database.
import { WHO5_ITEMS, WHO5_SCALE } from './stats.ts';

export const QUESTION_TYPES = ['single', 'multiple', 'scale', 'number', 'short_text', 'long_text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = {
  single: 'Choix unique',
  multiple: 'Choix multiples',
  scale: 'Échelle',
  number: 'Nombre',
  short_text: 'Texte court',
  long_text: 'Texte long',
};

export interface Option {
  value: string;
  label: string;
}
export interface Condition {
  /** An earlier question of the same questionnaire. */
  question: string;
  /** The option value (choices) or the point (scale) that makes the question appear. */
  value: string;
}
export interface Question {
  /** Stable key within the questionnaire (kept across versions): `q1`, `q2`… */
  id: string;
  type: QuestionType;
  label: string;
  help?: string;
  required: boolean;
  options?: Option[];
  scale?: { min: number; max: number; minLabel: string; maxLabel: string; labels?: string[]; descending?: boolean };
  number?: { min: number | null; max: number | null };
  condition?: Condition | null;
  /** QVT barometers: the dimension the item scores (1–5 agreement; `reverse` when agreeing is bad). */
  dimension?: string;
  reverse?: boolean;
}
export interface QuestionnaireDef {
  title: string;
  intro: string;
  questions: Question[];
  /** WHO-5 items (`q0`…`q4`) present and scored. */
  scoring?: 'who5';
  /** Who answers: used to keep support staff's WHO-5 out of the entrepreneurs' indicator C1. */
  audience?: 'entrepreneurs' | 'staff' | 'all';
  dimensions?: { key: string; label: string }[];
}

export type AnswerValue = string | string[] | number;
export type Answers = Record<string, AnswerValue>;

export class DefinitionError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export const LIMITS = { questions: 80, options: 30, label: 500, text: 4000, shortText: 300 } as const;

/** Checks a definition; throws DefinitionError with a French message and the field it concerns. */
export function checkDefinition(def: QuestionnaireDef): QuestionnaireDef {
  if (def.title.trim().length < 2 || def.title.length > 200)
    throw new DefinitionError('Indiquez un titre (2 à 200 caractères).', 'title');
  if (def.intro.length > 2000)
    throw new DefinitionError('Introduction trop longue (2 000 caractères au plus).', 'intro');
  if (def.questions.length > LIMITS.questions)
    throw new DefinitionError(`${LIMITS.questions} questions au plus.`, 'questions');
  const seen = new Map<string, Question>();
  for (const q of def.questions) {
    if (!/^[a-z][a-z0-9_]{0,30}$/.test(q.id) || seen.has(q.id))
      throw new DefinitionError('Identifiant de question invalide.', 'id');
    if (!QUESTION_TYPES.includes(q.type)) throw new DefinitionError('Type de question inconnu.', 'type');
    if (q.label.trim().length < 2 || q.label.length > LIMITS.label)
      throw new DefinitionError('Écrivez la question (2 à 500 caractères).', 'label');
    if (q.type === 'single' || q.type === 'multiple') {
      const opts = q.options ?? [];
      if (opts.length < 2 || opts.length > LIMITS.options)
        throw new DefinitionError('Donnez entre 2 et 30 réponses possibles, une par ligne.', 'options');
      const labels = new Set<string>();
      for (const o of opts) {
        if (!o.label.trim() || o.label.length > 200 || !/^[a-z0-9_]{1,20}$/.test(o.value))
          throw new DefinitionError(
            'Chaque réponse possible tient sur une ligne de 200 caractères au plus.',
            'options',
          );
        if (labels.has(o.label.trim().toLowerCase()))
          throw new DefinitionError(`La réponse « ${o.label} » est en double.`, 'options');
        labels.add(o.label.trim().toLowerCase());
      }
    }
    if (q.type === 'scale') {
      const s = q.scale;
      if (!s || !Number.isInteger(s.min) || !Number.isInteger(s.max) || s.min < 0 || s.max > 10 || s.max - s.min < 2)
        throw new DefinitionError('Une échelle va de 0 ou 1 jusqu’à 10 au plus, avec au moins 3 points.', 'scale');
      if (s.minLabel.length > 100 || s.maxLabel.length > 100)
        throw new DefinitionError('Les libellés des extrémités tiennent en 100 caractères.', 'scale');
    }
    if (q.type === 'number') {
      const n = q.number ?? { min: null, max: null };
      if (n.min !== null && n.max !== null && n.min > n.max)
        throw new DefinitionError('Le minimum dépasse le maximum.', 'number');
    }
    if (q.condition) {
      const a = seen.get(q.condition.question);
      if (!a) throw new DefinitionError('Une condition porte sur une question placée avant.', 'condition');
      if (!conditionValues(a).some(([v]) => v === q.condition!.value))
        throw new DefinitionError('Choisissez une réponse de la question dont dépend celle-ci.', 'condition');
    }
    seen.set(q.id, q);
  }
  return def;
}

/** The answers a condition on question A may test: its options, or its scale points. */
export function conditionValues(a: Question): [string, string][] {
  if (a.type === 'single' || a.type === 'multiple') return (a.options ?? []).map((o) => [o.value, o.label]);
  if (a.type === 'scale' && a.scale) {
    const out: [string, string][] = [];
    for (let v = a.scale.min; v <= a.scale.max; v++) out.push([String(v), String(v)]);
    return out;
  }
  return [];
}

/** Whether a question is shown, given the answers so far (a question hidden hides its dependants). */
export function isVisible(q: Question, answers: Answers): boolean {
  if (!q.condition) return true;
  const a = answers[q.condition.question];
  if (a === undefined) return false;
  if (Array.isArray(a)) return a.includes(q.condition.value);
  return String(a) === q.condition.value;
}

/** The visible questions for some answers, in order (conditions only look backwards). */
export function visibleQuestions(def: QuestionnaireDef, answers: Answers): Question[] {
  return def.questions.filter((q) => isVisible(q, answers));
}

const NUMBER_RE = /^-?\d{1,12}([.,]\d{1,4})?$/;

/**
 * Reads an answer from form fields (`values[id]`, or `all[id]` for multiple choices): hidden
 * questions are ignored whatever was sent. Returns the answers and a French error per field.
 */
export function readAnswers(
  def: QuestionnaireDef,
  values: Record<string, string>,
  all: Record<string, string[]> = {},
): { answers: Answers; errors: Record<string, string> } {
  const answers: Answers = {};
  const errors: Record<string, string> = {};
  for (const q of def.questions) {
    if (!isVisible(q, answers)) continue;
    const raw = (values[q.id] ?? '').trim();
    const missing = () => {
      if (q.required) errors[q.id] = 'Répondez à cette question.';
    };
    switch (q.type) {
      case 'single': {
        if (!raw) missing();
        else if (!q.options!.some((o) => o.value === raw)) errors[q.id] = 'Choisissez une des réponses proposées.';
        else answers[q.id] = raw;
        break;
      }
      case 'multiple': {
        const picked = [...new Set((all[q.id] ?? (raw ? [raw] : [])).map((s) => s.trim()).filter(Boolean))];
        if (!picked.length) missing();
        else if (!picked.every((v) => q.options!.some((o) => o.value === v)))
          errors[q.id] = 'Choisissez parmi les réponses proposées.';
        else answers[q.id] = q.options!.filter((o) => picked.includes(o.value)).map((o) => o.value);
        break;
      }
      case 'scale': {
        const s = q.scale!;
        if (!raw) missing();
        else if (!/^\d{1,2}$/.test(raw) || Number(raw) < s.min || Number(raw) > s.max)
          errors[q.id] = `Choisissez un point entre ${s.min} et ${s.max}.`;
        else answers[q.id] = Number(raw);
        break;
      }
      case 'number': {
        const n = q.number ?? { min: null, max: null };
        if (!raw) missing();
        else if (!NUMBER_RE.test(raw)) errors[q.id] = 'Écrivez un nombre, par exemple 12 ou 3,5.';
        else {
          const v = Number(raw.replace(',', '.'));
          if (n.min !== null && v < n.min) errors[q.id] = `Le nombre doit être au moins ${fmt(n.min)}.`;
          else if (n.max !== null && v > n.max) errors[q.id] = `Le nombre doit être au plus ${fmt(n.max)}.`;
          else answers[q.id] = v;
        }
        break;
      }
      case 'short_text':
      case 'long_text': {
        const max = q.type === 'short_text' ? LIMITS.shortText : LIMITS.text;
        const text = (values[q.id] ?? '').replace(/\r\n/g, '\n').trim();
        if (!text) missing();
        else if (text.length > max)
          errors[q.id] = `Votre réponse dépasse ${max.toLocaleString('fr-FR')} caractères : raccourcissez-la.`;
        else answers[q.id] = text;
        break;
      }
    }
  }
  return { answers, errors };
}
const fmt = (v: number) => v.toLocaleString('fr-FR');

/** The WHO-5 items of an answer (0–5 each) when the questionnaire scores it, else null. */
export function who5Items(def: QuestionnaireDef, answers: Answers): number[] | null {
  if (def.scoring !== 'who5') return null;
  const items = WHO5_IDS.map((id) => answers[id]);
  return items.every((v) => typeof v === 'number') ? (items as number[]) : null;
}

// ---------------------------------------------------------------------------------------------
// Built-in questionnaires. WHO-5 is public domain (WHO Collaborating Centre in Mental Health).
// The QVT barometers' items are written for Radieuse (no licensed instrument is reproduced).

export const WHO5_IDS = ['q0', 'q1', 'q2', 'q3', 'q4'] as const;
const who5Questions: Question[] = WHO5_ITEMS.map((label, i) => ({
  id: WHO5_IDS[i]!,
  type: 'scale',
  label,
  required: true,
  scale: {
    min: 0,
    max: 5,
    minLabel: WHO5_SCALE[5],
    maxLabel: WHO5_SCALE[0],
    labels: [...WHO5_SCALE].reverse(),
    descending: true,
  },
}));
const WHO5_INTRO =
  'Pour chacune des cinq affirmations, indiquez ce qui se rapproche le plus de ce que vous avez ressenti au cours des deux dernières semaines.';

const AGREE = {
  min: 1,
  max: 5,
  minLabel: 'Pas du tout d’accord',
  maxLabel: 'Tout à fait d’accord',
  labels: [
    'Pas du tout d’accord',
    'Plutôt pas d’accord',
    'Ni d’accord ni pas d’accord',
    'Plutôt d’accord',
    'Tout à fait d’accord',
  ],
};
export const QVT_DIMENSIONS = [
  { key: 'workload', label: 'Charge de travail' },
  { key: 'isolation', label: 'Isolement' },
  { key: 'autonomy', label: 'Autonomie' },
  { key: 'recognition', label: 'Reconnaissance' },
  { key: 'admin', label: 'Stress administratif' },
] as const;
export type QvtDimension = (typeof QVT_DIMENSIONS)[number]['key'];

/** A barometer item; `reverse` when agreeing means a worse quality of work life. */
const item = (id: string, dimension: QvtDimension, label: string, reverse = false): Question => ({
  id,
  type: 'scale',
  label,
  required: true,
  scale: AGREE,
  dimension,
  reverse,
});

export const BUILTIN_QUESTIONNAIRES = {
  who5: {
    version: 1,
    label: 'Bien-être WHO-5 (OMS, domaine public)',
    def: {
      title: 'Bien-être (WHO-5)',
      intro: WHO5_INTRO,
      questions: who5Questions,
      scoring: 'who5',
      audience: 'all',
    } satisfies QuestionnaireDef,
  },
  qvt_entrepreneurs: {
    version: 1,
    label: 'Baromètre annuel de qualité de vie au travail — entrepreneur·es',
    def: {
      title: 'Baromètre qualité de vie au travail — entrepreneur·es',
      intro:
        'Une fois par an, quelques minutes pour dire comment vous vivez votre activité. Indiquez votre accord avec chaque phrase, puis répondez aux cinq questions de bien-être.',
      audience: 'entrepreneurs',
      scoring: 'who5',
      dimensions: [...QVT_DIMENSIONS],
      questions: [
        item('e_wl1', 'workload', 'Ma charge de travail est raisonnable.'),
        item('e_wl2', 'workload', 'J’arrive à séparer ma vie professionnelle et ma vie personnelle.'),
        item('e_wl3', 'workload', 'Je travaille souvent le soir ou le week-end sans l’avoir choisi.', true),
        item('e_is1', 'isolation', 'Je me sens seul·e face aux difficultés de mon activité.', true),
        item('e_is2', 'isolation', 'Je peux compter sur d’autres membres de la coopérative.'),
        item('e_au1', 'autonomy', 'Je décide moi-même de l’organisation de mon travail.'),
        item('e_au2', 'autonomy', 'Je peux refuser une mission qui ne me convient pas.'),
        item('e_re1', 'recognition', 'Mon travail est reconnu par mes clients.'),
        item('e_re2', 'recognition', 'Je me sens reconnu·e par la coopérative.'),
        item('e_ad1', 'admin', 'Les démarches administratives me stressent.', true),
        item('e_ad2', 'admin', 'Je sais où trouver de l’aide pour mes questions administratives.'),
        ...who5Questions,
      ],
    } satisfies QuestionnaireDef,
  },
  qvt_support: {
    version: 1,
    label: 'Baromètre annuel de qualité de vie au travail — équipes d’appui',
    def: {
      title: 'Baromètre qualité de vie au travail — équipe d’appui',
      intro:
        'Une fois par an, quelques minutes pour dire comment vous vivez votre travail d’accompagnement. Indiquez votre accord avec chaque phrase, puis répondez aux cinq questions de bien-être.',
      audience: 'staff',
      scoring: 'who5',
      dimensions: [...QVT_DIMENSIONS],
      questions: [
        item('s_wl1', 'workload', 'Le nombre de personnes que j’accompagne me permet de bien faire mon travail.'),
        item('s_wl2', 'workload', 'Je peux faire mon travail pendant mes heures de travail.'),
        item('s_wl3', 'workload', 'Les urgences désorganisent souvent mes journées.', true),
        item('s_is1', 'isolation', 'Je peux partager les situations difficiles avec des collègues.'),
        item('s_is2', 'isolation', 'Je me sens seul·e face à certaines décisions.', true),
        item('s_au1', 'autonomy', 'J’ai de la latitude dans la façon d’accompagner les personnes.'),
        item('s_au2', 'autonomy', 'Je participe aux décisions qui concernent mon travail.'),
        item('s_re1', 'recognition', 'Mon travail est reconnu par les entrepreneur·es.'),
        item('s_re2', 'recognition', 'Mon travail est reconnu par la direction.'),
        item('s_ad1', 'admin', 'Les contrôles et validations de documents me mettent sous pression.', true),
        item('s_ad2', 'admin', 'Les outils m’aident à traiter les tâches administratives.'),
        ...who5Questions,
      ],
    } satisfies QuestionnaireDef,
  },
} as const;
export type BuiltinKey = keyof typeof BUILTIN_QUESTIONNAIRES;
export const isBuiltin = (k: string): k is BuiltinKey => Object.hasOwn(BUILTIN_QUESTIONNAIRES, k);
export const builtinDef = (k: BuiltinKey): QuestionnaireDef =>
  BUILTIN_QUESTIONNAIRES[k].def as unknown as QuestionnaireDef;

/**
 * QVT score of one answer per dimension, 0–100 (100 = best quality of work life): mean of the
 * dimension's items rescaled from 1–5, reversed items flipped. Null where no item was answered.
 */
export function dimensionScores(def: QuestionnaireDef, answers: Answers): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const d of def.dimensions ?? []) {
    const vals: number[] = [];
    for (const q of def.questions) {
      if (q.dimension !== d.key || q.type !== 'scale' || !q.scale) continue;
      const v = answers[q.id];
      if (typeof v !== 'number') continue;
      const { min, max } = q.scale;
      const x = (v - min) / (max - min);
      vals.push(100 * (q.reverse ? 1 - x : x));
    }
    out[d.key] = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  }
  return out;
}

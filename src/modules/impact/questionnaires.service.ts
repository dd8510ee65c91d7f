// The questionnaire builder: a questionnaire is a list of versions; the last one is the draft
// the team edits until a wave uses it — then it is frozen and the next edit writes a new
// version, so the answers of past waves keep the questions they were asked. Built-in
// questionnaires (WHO-5, the QVT barometers) live in code and are never edited.
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { audit } from '../../core/audit.ts';
import { isUuid } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';
import {
  BUILTIN_QUESTIONNAIRES,
  type BuiltinKey,
  builtinDef,
  checkDefinition,
  conditionValues,
  DefinitionError,
  isBuiltin,
  type Option,
  type Question,
  type QuestionnaireDef,
  QUESTION_TYPES,
  type QuestionType,
} from './kit/questionnaire.ts';

export interface QuestionnaireListItem {
  key: string;
  title: string;
  builtin: boolean;
  version: number;
  questions: number;
  used: boolean;
}

export async function listQuestionnaires(tx: Tx, actor: Actor): Promise<QuestionnaireListItem[]> {
  authorize(actor, IMPACT.surveyManage);
  const rows = await impactDb(tx)
    .selectFrom('impact_questionnaire as q')
    .innerJoin('impact_questionnaire_version as v', (j) =>
      j.onRef('v.cooperative_id', '=', 'q.cooperative_id').onRef('v.questionnaire_id', '=', 'q.id'),
    )
    .select(['q.id', 'q.title', 'q.created_at', 'v.version', 'v.definition', 'v.used'])
    .where('q.cooperative_id', '=', actor.cooperativeId)
    .where('q.archived', '=', false)
    .orderBy('q.created_at', 'desc')
    .orderBy('v.version', 'desc')
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.id)) latest.set(r.id, r);
  return [
    ...Object.entries(BUILTIN_QUESTIONNAIRES).map(([key, b]) => ({
      key,
      title: b.label,
      builtin: true,
      version: b.version,
      questions: b.def.questions.length,
      used: true,
    })),
    ...[...latest.values()].map((r) => ({
      key: r.id,
      title: r.title,
      builtin: false,
      version: r.version,
      questions: r.definition.questions.length,
      used: r.used,
    })),
  ];
}

export interface QuestionnaireDraft {
  id: string;
  version: number;
  /** The last version was used by a wave: the next edit creates version + 1. */
  used: boolean;
  def: QuestionnaireDef;
  versions: { version: number; used: boolean; createdAt: Date }[];
}

const wrapDefinitionError = (e: unknown): never => {
  if (e instanceof DefinitionError) throw new UserError(e.message, e.field);
  throw e;
};

export async function createQuestionnaire(
  tx: Tx,
  actor: Actor,
  input: { title: string; intro: string },
): Promise<string> {
  authorize(actor, IMPACT.surveyManage);
  const def: QuestionnaireDef = {
    title: input.title.trim(),
    intro: input.intro.trim(),
    questions: [],
    audience: 'all',
  };
  try {
    checkDefinition(def);
  } catch (e) {
    wrapDefinitionError(e);
  }
  const id = randomUUID();
  const trx = impactDb(tx);
  await trx
    .insertInto('impact_questionnaire')
    .values({ cooperative_id: actor.cooperativeId, id, title: def.title, created_by: actor.userId })
    .execute();
  await trx
    .insertInto('impact_questionnaire_version')
    .values({ cooperative_id: actor.cooperativeId, questionnaire_id: id, version: 1, definition: JSON.stringify(def) })
    .execute();
  await audit(tx, actor, { action: 'impact.questionnaire.create', targetType: 'impact_questionnaire', targetId: id });
  return id;
}

export async function questionnaireDraft(tx: Tx, actor: Actor, id: string): Promise<QuestionnaireDraft> {
  authorize(actor, IMPACT.surveyManage);
  if (!isUuid(id)) throw new NotFoundError('Questionnaire');
  const rows = await impactDb(tx)
    .selectFrom('impact_questionnaire_version as v')
    .innerJoin('impact_questionnaire as q', (j) =>
      j.onRef('q.cooperative_id', '=', 'v.cooperative_id').onRef('q.id', '=', 'v.questionnaire_id'),
    )
    .select(['v.version', 'v.definition', 'v.used', 'v.created_at'])
    .where('v.cooperative_id', '=', actor.cooperativeId)
    .where('v.questionnaire_id', '=', id)
    .where('q.archived', '=', false)
    .orderBy('v.version', 'desc')
    .execute();
  const last = rows[0];
  if (!last) throw new NotFoundError('Questionnaire');
  return {
    id,
    version: last.version,
    used: last.used,
    def: last.definition,
    versions: rows.map((r) => ({ version: r.version, used: r.used, createdAt: r.created_at })),
  };
}

/** Applies an edit to the draft: in place while unused, as a new version once a wave used it. */
async function edit(
  tx: Tx,
  actor: Actor,
  id: string,
  change: (def: QuestionnaireDef) => QuestionnaireDef,
  what: string,
): Promise<{ version: number }> {
  const d = await questionnaireDraft(tx, actor, id);
  let def: QuestionnaireDef;
  try {
    def = checkDefinition(change(structuredClone(d.def)));
  } catch (e) {
    return wrapDefinitionError(e);
  }
  const trx = impactDb(tx);
  let version = d.version;
  if (d.used) {
    version = d.version + 1;
    await trx
      .insertInto('impact_questionnaire_version')
      .values({ cooperative_id: actor.cooperativeId, questionnaire_id: id, version, definition: JSON.stringify(def) })
      .execute();
  } else
    await trx
      .updateTable('impact_questionnaire_version')
      .set({ definition: JSON.stringify(def) })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('questionnaire_id', '=', id)
      .where('version', '=', d.version)
      .execute();
  await trx
    .updateTable('impact_questionnaire')
    .set({ title: def.title })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(tx, actor, {
    action: 'impact.questionnaire.edit',
    targetType: 'impact_questionnaire',
    targetId: id,
    data: { what, version },
  });
  return { version };
}

export function updateHeader(tx: Tx, actor: Actor, id: string, input: { title: string; intro: string }) {
  return edit(tx, actor, id, (def) => ({ ...def, title: input.title.trim(), intro: input.intro.trim() }), 'header');
}

/** The builder's question form, as typed (strings), before checking. */
export interface QuestionForm {
  type: string;
  label: string;
  help: string;
  required: boolean;
  /** One answer per line (choices). */
  options: string;
  scale_min: string;
  scale_max: string;
  scale_min_label: string;
  scale_max_label: string;
  number_min: string;
  number_max: string;
  /** `questionId:value`, or empty. */
  condition: string;
}
export const EMPTY_QUESTION_FORM: QuestionForm = {
  type: 'single',
  label: '',
  help: '',
  required: true,
  options: '',
  scale_min: '1',
  scale_max: '5',
  scale_min_label: 'Pas du tout',
  scale_max_label: 'Tout à fait',
  number_min: '',
  number_max: '',
  condition: '',
};

export function formOfQuestion(q: Question): QuestionForm {
  return {
    type: q.type,
    label: q.label,
    help: q.help ?? '',
    required: q.required,
    options: (q.options ?? []).map((o) => o.label).join('\n'),
    scale_min: String(q.scale?.min ?? 1),
    scale_max: String(q.scale?.max ?? 5),
    scale_min_label: q.scale?.minLabel ?? '',
    scale_max_label: q.scale?.maxLabel ?? '',
    number_min: q.number?.min == null ? '' : String(q.number.min),
    number_max: q.number?.max == null ? '' : String(q.number.max),
    condition: q.condition ? `${q.condition.question}:${q.condition.value}` : '',
  };
}

const optionalNumber = (s: string, field: string): number | null => {
  const t = s.trim().replace(',', '.');
  if (!t) return null;
  if (!/^-?\d{1,12}(\.\d{1,4})?$/.test(t)) throw new UserError('Écrivez un nombre, par exemple 0 ou 100.', field);
  return Number(t);
};

/** Builds a question from the form, keeping the option values of `previous` for unchanged labels. */
function questionOf(f: QuestionForm, id: string, previous: Question | null): Question {
  if (!QUESTION_TYPES.includes(f.type as QuestionType)) throw new UserError('Choisissez un type de question.', 'type');
  const type = f.type as QuestionType;
  const q: Question = { id, type, label: f.label.trim(), required: f.required };
  if (f.help.trim()) q.help = f.help.trim().slice(0, 500);
  if (type === 'single' || type === 'multiple') {
    const labels = f.options
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    const old = previous?.options ?? [];
    let next = Math.max(0, ...old.map((o) => Number(o.value.replace(/\D/g, '')) || 0)) + 1;
    q.options = labels.map((label): Option => {
      const kept = old.find((o) => o.label === label);
      return kept ? { value: kept.value, label } : { value: `o${next++}`, label };
    });
  }
  if (type === 'scale') {
    const min = /^\d{1,2}$/.test(f.scale_min.trim()) ? Number(f.scale_min) : Number.NaN;
    const max = /^\d{1,2}$/.test(f.scale_max.trim()) ? Number(f.scale_max) : Number.NaN;
    q.scale = { min, max, minLabel: f.scale_min_label.trim(), maxLabel: f.scale_max_label.trim() };
  }
  if (type === 'number')
    q.number = { min: optionalNumber(f.number_min, 'number_min'), max: optionalNumber(f.number_max, 'number_max') };
  if (f.condition) {
    const m = /^([a-z][a-z0-9_]{0,30}):([a-z0-9_]{1,20})$/.exec(f.condition);
    if (!m) throw new UserError('Condition invalide.', 'condition');
    q.condition = { question: m[1]!, value: m[2]! };
  }
  return q;
}

const nextId = (def: QuestionnaireDef) =>
  `q${Math.max(0, ...def.questions.map((q) => Number(/^q(\d+)$/.exec(q.id)?.[1] ?? 0))) + 1}`;

export async function addQuestion(tx: Tx, actor: Actor, id: string, f: QuestionForm) {
  return edit(
    tx,
    actor,
    id,
    (def) => {
      def.questions.push(questionOf(f, nextId(def), null));
      return def;
    },
    'add',
  );
}

function findQuestion(def: QuestionnaireDef, qid: string): number {
  const i = def.questions.findIndex((q) => q.id === qid);
  if (i < 0) throw new NotFoundError('Question');
  return i;
}

export async function updateQuestion(tx: Tx, actor: Actor, id: string, qid: string, f: QuestionForm) {
  return edit(
    tx,
    actor,
    id,
    (def) => {
      const i = findQuestion(def, qid);
      const q = questionOf(f, qid, def.questions[i]!);
      def.questions[i] = q;
      // Conditions of later questions on answers that no longer exist are refused, not dropped.
      for (const other of def.questions)
        if (other.condition?.question === qid && !conditionValues(q).some(([v]) => v === other.condition!.value))
          throw new UserError(
            `La question « ${other.label} » dépend d’une réponse que vous retirez : changez d’abord sa condition.`,
            'options',
          );
      return def;
    },
    'update',
  );
}

export async function deleteQuestion(tx: Tx, actor: Actor, id: string, qid: string) {
  return edit(
    tx,
    actor,
    id,
    (def) => {
      const i = findQuestion(def, qid);
      const dependant = def.questions.find((q) => q.condition?.question === qid);
      if (dependant)
        throw new UserError(
          `La question « ${dependant.label} » dépend de celle-ci : retirez d’abord sa condition.`,
          'question',
        );
      def.questions.splice(i, 1);
      return def;
    },
    'delete',
  );
}

export async function moveQuestion(tx: Tx, actor: Actor, id: string, qid: string, by: -1 | 1) {
  return edit(
    tx,
    actor,
    id,
    (def) => {
      const i = findQuestion(def, qid);
      const j = i + by;
      if (j < 0 || j >= def.questions.length) return def;
      [def.questions[i], def.questions[j]] = [def.questions[j]!, def.questions[i]!];
      const moved = def.questions[j]!;
      const other = def.questions[i]!;
      if (moved.condition?.question === other.id || other.condition?.question === moved.id)
        throw new UserError('Une question qui dépend d’une autre reste placée après elle.', 'question');
      return def;
    },
    'move',
  );
}

export interface ResolvedQuestionnaire {
  questionnaire: BuiltinKey | 'custom';
  questionnaireId: string | null;
  version: number;
  def: QuestionnaireDef;
}

/**
 * The questionnaire a new wave will use (a built-in key or a questionnaire id). A custom one's
 * last version is frozen from now on; an empty questionnaire cannot be sent.
 */
export async function useQuestionnaire(tx: Tx, actor: Actor, key: string): Promise<ResolvedQuestionnaire> {
  authorize(actor, IMPACT.surveyManage);
  if (isBuiltin(key))
    return {
      questionnaire: key,
      questionnaireId: null,
      version: BUILTIN_QUESTIONNAIRES[key].version,
      def: builtinDef(key),
    };
  if (!isUuid(key)) throw new UserError('Choisissez un questionnaire.', 'questionnaire');
  const d = await questionnaireDraft(tx, actor, key).catch(() => {
    throw new UserError('Choisissez un questionnaire.', 'questionnaire');
  });
  if (!d.def.questions.length) throw new UserError('Ce questionnaire n’a encore aucune question.', 'questionnaire');
  if (!d.used)
    await impactDb(tx)
      .updateTable('impact_questionnaire_version')
      .set({ used: true })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('questionnaire_id', '=', key)
      .where('version', '=', d.version)
      .execute();
  return { questionnaire: 'custom', questionnaireId: key, version: d.version, def: d.def };
}

/** A built-in questionnaire, for its preview. */
export function builtinQuestionnaire(actor: Actor, key: string): QuestionnaireDef {
  authorize(actor, IMPACT.surveyManage);
  if (!isBuiltin(key)) throw new NotFoundError('Questionnaire');
  return builtinDef(key);
}

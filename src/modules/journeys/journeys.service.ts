// Journeys: one per person (prospect or member), a stage machine whose every transition is
// dated, signed by its author and kept; stage labels and required documents per cooperative.
import { z } from 'zod';
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import { journeysDb } from './db.ts';
import { uuidv7 } from '../../core/ids.ts';
import { type Actor, requireRole, isStaff, ForbiddenError } from '../../core/actor.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { isIsoDate, toIsoDate, addDays, addMonths, todayParis, type IsoDate } from '../../core/dates.ts';
import { storeFile, readFile } from '../../core/files.ts';
import { memberOptions, rolesInCooperative } from './members.ts';

export const STAGES = ['contact', 'info_meeting', 'diagnostic', 'cape', 'cesa', 'associate', 'exit'] as const;
export type Stage = (typeof STAGES)[number];
export const EXIT_REASONS = ['own_company', 'salaried_job', 'training', 'stop', 'other'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const DEFAULT_STAGE_LABELS: Record<Stage, string> = {
  contact: 'Premier contact',
  info_meeting: "Réunion d'information",
  diagnostic: 'Entretien de diagnostic',
  cape: 'CAPE',
  cesa: "CESA (contrat d'entrepreneur salarié)",
  associate: 'Associé·e',
  exit: 'Sortie',
};
export const DEFAULT_REQUIRED_DOCUMENTS: Record<Stage, string[]> = {
  contact: [],
  info_meeting: [],
  diagnostic: ["Pièce d'identité", 'Attestation France Travail'],
  cape: ['Contrat CAPE signé', "Attestation d'assurance"],
  cesa: ['Contrat CESA signé', "Attestation d'assurance"],
  associate: ['Bulletin de souscription de parts'],
  exit: [],
};
export const EXIT_REASON_LABELS: Record<ExitReason, string> = {
  own_company: 'Création de sa propre entreprise',
  salaried_job: 'Emploi salarié',
  training: 'Formation',
  stop: "Arrêt de l'activité",
  other: 'Autre',
};

/** Allowed next stages. cape → cape is a CAPE renewal; exit → contact is a return. */
export const TRANSITIONS: Record<Stage, Stage[]> = {
  contact: ['info_meeting', 'diagnostic', 'exit'],
  info_meeting: ['diagnostic', 'exit'],
  diagnostic: ['cape', 'cesa', 'exit'],
  cape: ['cape', 'cesa', 'exit'],
  cesa: ['associate', 'exit'],
  associate: ['exit'],
  exit: ['contact'],
};
export const MAX_CAPE_RENEWALS = 2;

export interface Journey {
  id: string;
  userId: string | null;
  displayName: string;
  email: string | null;
  phone: string | null;
  supportUserId: string | null;
  stage: Stage;
  stageSince: IsoDate;
  capeStart: IsoDate | null;
  capeEnd: IsoDate | null;
  capeRenewals: number;
  exitReason: ExitReason | null;
}
type JourneyRow = {
  id: string;
  user_id: string | null;
  display_name: string;
  email: string | null;
  phone: string | null;
  support_user_id: string | null;
  stage: string;
  stage_since: unknown;
  cape_start: unknown;
  cape_end: unknown;
  cape_renewals: number;
  exit_reason: string | null;
};
export function toJourney(r: JourneyRow): Journey {
  return {
    id: r.id,
    userId: r.user_id,
    displayName: r.display_name,
    email: r.email,
    phone: r.phone,
    supportUserId: r.support_user_id,
    stage: r.stage as Stage,
    stageSince: toIsoDate(r.stage_since),
    capeStart: r.cape_start ? toIsoDate(r.cape_start) : null,
    capeEnd: r.cape_end ? toIsoDate(r.cape_end) : null,
    capeRenewals: r.cape_renewals,
    exitReason: r.exit_reason as ExitReason | null,
  };
}

const STAFF_ROLES = ['support', 'director', 'network_admin'] as const;

export async function getJourney(tx: Tx, actor: Actor, id: string): Promise<Journey> {
  const trx = journeysDb(tx);
  const r = await trx
    .selectFrom('journey')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Parcours');
  const j = toJourney(r);
  if (!isStaff(actor) && j.userId !== actor.userId) throw new NotFoundError('Parcours');
  return j;
}
export async function journeyOfUser(tx: Tx, actor: Actor, userId: string): Promise<Journey | null> {
  const trx = journeysDb(tx);
  const r = await trx
    .selectFrom('journey')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r ? toJourney(r) : null;
}

const optionalEmail = z
  .string()
  .trim()
  .toLowerCase()
  .email('Adresse e-mail invalide.')
  .optional()
  .nullable()
  .or(z.literal('').transform(() => null));
export const JourneyInput = z.object({
  displayName: z.string().trim().min(2, 'Indiquez le nom de la personne.'),
  email: optionalEmail,
  phone: z.string().trim().optional().nullable(),
  userId: z.string().uuid().optional().nullable(),
  supportUserId: z.string().uuid().optional().nullable(),
  startedOn: z.string().refine(isIsoDate, 'Date invalide (AAAA-MM-JJ).'),
  comment: z.string().trim().optional().nullable(),
});

/** Opens a journey at the "contact" stage (the first transition is recorded too). */
export async function createJourney(tx: Tx, actor: Actor, raw: z.input<typeof JourneyInput>): Promise<Journey> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF_ROLES);
  const v = parseInput(JourneyInput, raw);
  if (v.userId) {
    const dup = await trx
      .selectFrom('journey')
      .select('id')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('user_id', '=', v.userId)
      .executeTakeFirst();
    if (dup) throw new UserError('Cette personne a déjà un parcours.', 'userId');
  }
  const id = uuidv7();
  await trx
    .insertInto('journey')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: v.userId ?? null,
      display_name: v.displayName,
      email: v.email ?? null,
      phone: v.phone || null,
      support_user_id: v.supportUserId ?? (actor.roles.includes('support') ? actor.userId : null),
      stage: 'contact',
      stage_since: v.startedOn,
      cape_start: null,
      cape_end: null,
      exit_reason: null,
    })
    .execute();
  await trx
    .insertInto('journey_transition')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      journey_id: id,
      from_stage: null,
      to_stage: 'contact',
      effective_on: v.startedOn,
      author_user_id: actor.userId,
      author_label: actor.label,
      comment: v.comment || null,
      exit_reason: null,
    })
    .execute();
  await audit(trx, actor, {
    action: 'journey.created',
    targetType: 'journey',
    targetId: id,
    data: { displayName: v.displayName },
  });
  return getJourney(trx, actor, id);
}

export const TransitionInput = z.object({
  to: z.enum(STAGES, { message: 'Choisissez une étape.' }),
  effectiveOn: z.string().refine(isIsoDate, 'Date invalide (AAAA-MM-JJ).'),
  comment: z.string().trim().max(2000, 'Commentaire trop long.').optional().nullable(),
  exitReason: z
    .enum(EXIT_REASONS, { message: 'Choisissez un motif de sortie.' })
    .optional()
    .nullable()
    .or(z.literal('').transform(() => null)),
  capeStart: z.string().optional().nullable(),
  capeEnd: z.string().optional().nullable(),
});

/** Moves a journey to another stage, if the machine allows it; locks the journey row. */
export async function transitionJourney(
  tx: Tx,
  actor: Actor,
  journeyId: string,
  raw: z.input<typeof TransitionInput>,
): Promise<Journey> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF_ROLES);
  const v = parseInput(TransitionInput, raw);
  const row = await trx
    .selectFrom('journey')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Parcours');
  const j = toJourney(row);
  if (!TRANSITIONS[j.stage].includes(v.to)) {
    throw new UserError(
      `Passage impossible de « ${DEFAULT_STAGE_LABELS[j.stage]} » à « ${DEFAULT_STAGE_LABELS[v.to]} ».`,
      'to',
    );
  }
  if (v.effectiveOn < j.stageSince)
    throw new UserError(`La date ne peut pas précéder l'étape en cours (${j.stageSince}).`, 'effectiveOn');
  const patch: Record<string, unknown> = { stage: v.to, stage_since: v.effectiveOn, exit_reason: null };
  const data: Record<string, unknown> = {};
  if (v.to === 'exit') {
    if (!v.exitReason) throw new UserError('Indiquez le motif de sortie.', 'exitReason');
    patch.exit_reason = v.exitReason;
    data.exitReason = v.exitReason;
  }
  if (v.to === 'cape') {
    const end = v.capeEnd ?? '';
    if (!isIsoDate(end)) throw new UserError('Indiquez la date de fin du CAPE (AAAA-MM-JJ).', 'capeEnd');
    if (j.stage === 'cape') {
      // Renewal: the stage stays, the end date moves.
      if (j.capeRenewals >= MAX_CAPE_RENEWALS)
        throw new UserError(`Un CAPE ne peut être renouvelé que ${MAX_CAPE_RENEWALS} fois.`, 'capeEnd');
      if (!j.capeEnd || end <= j.capeEnd)
        throw new UserError('La nouvelle fin doit être après la fin actuelle du CAPE.', 'capeEnd');
      if (end > addMonths(j.capeEnd, 12)) throw new UserError('Un renouvellement dure au plus 12 mois.', 'capeEnd');
      patch.cape_end = end;
      patch.cape_renewals = j.capeRenewals + 1;
      patch.stage_since = j.stageSince;
      data.renewal = j.capeRenewals + 1;
      data.capeEnd = end;
      data.previousCapeEnd = j.capeEnd;
    } else {
      const start = v.capeStart || v.effectiveOn;
      if (!isIsoDate(start)) throw new UserError('Date de début du CAPE invalide (AAAA-MM-JJ).', 'capeStart');
      if (end <= start) throw new UserError('La fin du CAPE doit être après son début.', 'capeEnd');
      if (end > addMonths(start, 12)) throw new UserError('Un CAPE dure au plus 12 mois (renouvelable).', 'capeEnd');
      patch.cape_start = start;
      patch.cape_end = end;
      patch.cape_renewals = 0;
      data.capeStart = start;
      data.capeEnd = end;
    }
  }
  await trx
    .updateTable('journey')
    .set(patch as any)
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .execute();
  const tid = uuidv7();
  await trx
    .insertInto('journey_transition')
    .values({
      cooperative_id: actor.cooperativeId,
      id: tid,
      journey_id: journeyId,
      from_stage: j.stage,
      to_stage: v.to,
      effective_on: v.effectiveOn,
      author_user_id: actor.userId,
      author_label: actor.label,
      comment: v.comment || null,
      exit_reason: v.to === 'exit' ? v.exitReason! : null,
      data: JSON.stringify(data) as any,
    })
    .execute();
  await audit(trx, actor, {
    action: j.stage === 'cape' && v.to === 'cape' ? 'journey.cape_renewed' : 'journey.transition',
    targetType: 'journey',
    targetId: journeyId,
    data: { from: j.stage, to: v.to, effectiveOn: v.effectiveOn, ...data },
  });
  return getJourney(trx, actor, journeyId);
}

export interface TransitionEntry {
  id: string;
  from: Stage | null;
  to: Stage;
  effectiveOn: IsoDate;
  authorLabel: string;
  comment: string | null;
  exitReason: ExitReason | null;
  data: Record<string, unknown>;
  createdAt: Date;
}
export async function journeyHistory(tx: Tx, actor: Actor, journeyId: string): Promise<TransitionEntry[]> {
  const trx = journeysDb(tx);
  await getJourney(trx, actor, journeyId);
  const rows = await trx
    .selectFrom('journey_transition')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('journey_id', '=', journeyId)
    .orderBy('effective_on')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    from: r.from_stage as Stage | null,
    to: r.to_stage as Stage,
    effectiveOn: toIsoDate(r.effective_on),
    authorLabel: r.author_label,
    comment: r.comment,
    exitReason: r.exit_reason as ExitReason | null,
    data: (r.data ?? {}) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
}

// --- cooperative configuration ---------------------------------------------------------------
export interface StageConfig {
  stage: Stage;
  label: string;
  requiredDocuments: string[];
}
export async function stageConfig(tx: Tx, actor: Actor): Promise<Record<Stage, StageConfig>> {
  const trx = journeysDb(tx);
  const rows = await trx
    .selectFrom('journey_stage_config')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  const out = {} as Record<Stage, StageConfig>;
  for (const s of STAGES) {
    const r = rows.find((x) => x.stage === s);
    out[s] = {
      stage: s,
      label: r?.label || DEFAULT_STAGE_LABELS[s],
      requiredDocuments: r ? r.required_documents : DEFAULT_REQUIRED_DOCUMENTS[s],
    };
  }
  return out;
}
export async function saveStageConfig(
  tx: Tx,
  actor: Actor,
  stage: Stage,
  input: { label: string; requiredDocuments: string[] },
): Promise<void> {
  const trx = journeysDb(tx);
  requireRole(actor, 'director', 'network_admin');
  if (!STAGES.includes(stage)) throw new UserError('Étape inconnue.', 'stage');
  const label = input.label.trim();
  if (label.length < 2) throw new UserError("Indiquez le libellé de l'étape.", `label_${stage}`);
  const docs = [...new Set(input.requiredDocuments.map((d) => d.trim()).filter(Boolean))];
  await trx
    .insertInto('journey_stage_config')
    .values({ cooperative_id: actor.cooperativeId, stage, label, required_documents: docs })
    .onConflict((oc) => oc.columns(['cooperative_id', 'stage']).doUpdateSet({ label, required_documents: docs }))
    .execute();
  await audit(trx, actor, { action: 'journey.stage_config_updated', data: { stage, label, requiredDocuments: docs } });
}

// --- documents -------------------------------------------------------------------------------
export interface JourneyDocument {
  id: string;
  stage: Stage;
  kind: string;
  fileName: string;
  expiresOn: IsoDate | null;
  visibility: 'person' | 'staff';
  createdAt: Date;
}
export async function addDocument(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  journeyId: string,
  input: {
    stage: string;
    kind: string;
    expiresOn?: string | null;
    visibility?: string;
    fileName: string;
    mimeType: string;
    content: Buffer;
  },
): Promise<JourneyDocument> {
  const trx = journeysDb(tx);
  const j = await getJourney(trx, actor, journeyId);
  const staff = isStaff(actor);
  if (!staff && j.userId !== actor.userId) throw new ForbiddenError();
  const errors: Record<string, string> = {};
  if (!STAGES.includes(input.stage as Stage)) errors.stage = 'Choisissez une étape.';
  if (input.kind.trim().length < 2) errors.kind = 'Indiquez le type de document.';
  if (input.expiresOn && !isIsoDate(input.expiresOn)) errors.expiresOn = "Date d'expiration invalide (AAAA-MM-JJ).";
  if (input.visibility && !['person', 'staff'].includes(input.visibility)) errors.visibility = 'Visibilité inconnue.';
  if (Object.keys(errors).length) throw new UserError('Certains champs sont à corriger.', undefined, errors);
  const visibility = staff ? (input.visibility as 'person' | 'staff') || 'person' : 'person';
  const file = await storeFile(trx, key, {
    cooperativeId: actor.cooperativeId,
    name: input.fileName,
    mimeType: input.mimeType,
    content: input.content,
    createdBy: actor.userId,
  });
  const id = uuidv7();
  await trx
    .insertInto('journey_document')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      journey_id: journeyId,
      stage: input.stage,
      kind: input.kind.trim(),
      file_id: file.id,
      file_name: file.name,
      expires_on: input.expiresOn || null,
      visibility,
      uploaded_by: actor.userId,
    })
    .execute();
  await audit(trx, actor, {
    action: 'journey.document_added',
    targetType: 'journey',
    targetId: journeyId,
    data: { documentId: id, kind: input.kind, visibility },
  });
  return {
    id,
    stage: input.stage as Stage,
    kind: input.kind.trim(),
    fileName: file.name,
    expiresOn: input.expiresOn || null,
    visibility,
    createdAt: new Date(),
  };
}

export async function listDocuments(tx: Tx, actor: Actor, journeyId: string): Promise<JourneyDocument[]> {
  const trx = journeysDb(tx);
  await getJourney(trx, actor, journeyId);
  let q = trx
    .selectFrom('journey_document')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('journey_id', '=', journeyId);
  if (!isStaff(actor)) q = q.where('visibility', '=', 'person');
  return (await q.orderBy('created_at').execute()).map((r) => ({
    id: r.id,
    stage: r.stage as Stage,
    kind: r.kind,
    fileName: r.file_name,
    expiresOn: r.expires_on ? toIsoDate(r.expires_on) : null,
    visibility: r.visibility,
    createdAt: r.created_at,
  }));
}

export async function readDocument(tx: Tx, actor: Actor, key: Buffer, documentId: string) {
  const trx = journeysDb(tx);
  const d = await trx
    .selectFrom('journey_document')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (!d) throw new NotFoundError('Document');
  await getJourney(trx, actor, d.journey_id);
  if (d.visibility === 'staff' && !isStaff(actor)) throw new NotFoundError('Document');
  return readFile(trx, key, actor.cooperativeId, d.file_id);
}

export interface ChecklistItem {
  stage: Stage;
  kind: string;
  document: JourneyDocument | null;
  state: 'missing' | 'ok' | 'expiring' | 'expired';
}
/** Required documents of every stage reached so far, with the latest upload of each kind. */
export function checklist(
  journey: Journey,
  history: TransitionEntry[],
  config: Record<Stage, StageConfig>,
  docs: JourneyDocument[],
  today: IsoDate,
): ChecklistItem[] {
  const reached = new Set<Stage>(history.map((h) => h.to));
  reached.add(journey.stage);
  const items: ChecklistItem[] = [];
  for (const s of STAGES) {
    if (!reached.has(s)) continue;
    for (const kind of config[s].requiredDocuments) {
      const doc = [...docs].reverse().find((d) => d.kind.toLowerCase() === kind.toLowerCase()) ?? null;
      const state = !doc
        ? 'missing'
        : doc.expiresOn && doc.expiresOn < today
          ? 'expired'
          : doc.expiresOn && doc.expiresOn <= addDays(today, 30)
            ? 'expiring'
            : 'ok';
      items.push({ stage: s, kind, document: doc, state });
    }
  }
  return items;
}

// --- caseload --------------------------------------------------------------------------------
export const NO_CONTACT_DAYS = 42;
export const CAPE_ENDING_DAYS = 30;
export const ALERT_TYPES = {
  no_contact: 'Pas de contact depuis 6 semaines',
  cape_ending: 'CAPE qui se termine bientôt',
  cape_ended: 'CAPE terminé',
} as const;
export type AlertType = keyof typeof ALERT_TYPES;
export interface CaseloadRow {
  journey: Journey;
  supportName: string | null;
  lastContact: Date | null;
  nextAppointment: Date | null;
  alerts: string[];
  alertTypes: AlertType[];
}

export async function caseload(
  tx: Tx,
  actor: Actor,
  opts: { supportUserId?: string | null; now?: Date; stage?: Stage | null; alert?: AlertType | null } = {},
): Promise<CaseloadRow[]> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF_ROLES);
  const now = opts.now ?? new Date();
  const today = todayParis(now);
  let q = trx
    .selectFrom('journey')
    .leftJoin('user_account', 'user_account.id', 'journey.support_user_id')
    .selectAll('journey')
    .select('user_account.display_name as support_name')
    .select((eb) => [
      eb
        .selectFrom('appointment')
        .select((e) => e.fn.max('appointment.starts_at').as('m'))
        .whereRef('appointment.cooperative_id', '=', 'journey.cooperative_id')
        .whereRef('appointment.journey_id', '=', 'journey.id')
        .where('appointment.status', '!=', 'cancelled')
        .where('appointment.starts_at', '<=', now)
        .as('last_contact'),
      eb
        .selectFrom('appointment')
        .select((e) => e.fn.min('appointment.starts_at').as('m'))
        .whereRef('appointment.cooperative_id', '=', 'journey.cooperative_id')
        .whereRef('appointment.journey_id', '=', 'journey.id')
        .where('appointment.status', '=', 'planned')
        .where('appointment.starts_at', '>', now)
        .as('next_appointment'),
    ])
    .where('journey.cooperative_id', '=', actor.cooperativeId)
    .where('journey.stage', '!=', 'exit');
  if (opts.supportUserId) q = q.where('journey.support_user_id', '=', opts.supportUserId);
  if (opts.stage) q = q.where('journey.stage', '=', opts.stage);
  const rows = await q.orderBy('journey.display_name').execute();
  return rows
    .map((r) => {
      const j = toJourney(r);
      const last = r.last_contact ? new Date(r.last_contact as any) : null;
      const next = r.next_appointment ? new Date(r.next_appointment as any) : null;
      const alerts: string[] = [];
      const alertTypes: AlertType[] = [];
      const lastDay = last ? todayParis(last) : j.stageSince;
      if (lastDay < addDays(today, -NO_CONTACT_DAYS)) {
        alerts.push(last ? 'Aucun contact depuis plus de 6 semaines' : 'Aucun rendez-vous depuis plus de 6 semaines');
        alertTypes.push('no_contact');
      }
      if (j.stage === 'cape' && j.capeEnd && j.capeEnd >= today && j.capeEnd <= addDays(today, CAPE_ENDING_DAYS)) {
        alerts.push(`CAPE se termine le ${j.capeEnd}`);
        alertTypes.push('cape_ending');
      }
      if (j.stage === 'cape' && j.capeEnd && j.capeEnd < today) {
        alerts.push('CAPE terminé : à renouveler ou à clore');
        alertTypes.push('cape_ended');
      }
      return {
        journey: j,
        supportName: (r as any).support_name ?? null,
        lastContact: last,
        nextAppointment: next,
        alerts,
        alertTypes,
      };
    })
    .filter((r) => !opts.alert || r.alertTypes.includes(opts.alert));
}

export async function staffOptions(tx: Tx, actor: Actor): Promise<[string, string][]> {
  return memberOptions(tx, actor, ['support']);
}
/** Entrepreneurs and CAPE of the cooperative who have no journey yet. */
export async function membersWithoutJourney(tx: Tx, actor: Actor): Promise<[string, string][]> {
  const trx = journeysDb(tx);
  const withJourney = new Set(
    (
      await trx
        .selectFrom('journey')
        .select('user_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('user_id', 'is not', null)
        .execute()
    ).map((r) => r.user_id),
  );
  return (await memberOptions(tx, actor, ['entrepreneur', 'cape'])).filter(([id]) => !withJourney.has(id));
}

// --- corrections -----------------------------------------------------------------------------
/** Changes the support member who follows the person (audited). */
export async function setSupportMember(
  tx: Tx,
  actor: Actor,
  journeyId: string,
  supportUserId: string | null,
): Promise<void> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF_ROLES);
  const j = await getJourney(trx, actor, journeyId);
  if (supportUserId) {
    const roles = await rolesInCooperative(tx, actor.cooperativeId, supportUserId);
    if (!roles.includes('support'))
      throw new UserError("Choisissez un·e chargé·e d'accompagnement de la coopérative.", 'supportUserId');
  }
  await trx
    .updateTable('journey')
    .set({ support_user_id: supportUserId })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .execute();
  await audit(trx, actor, {
    action: 'journey.support_changed',
    targetType: 'journey',
    targetId: journeyId,
    data: { from: j.supportUserId, to: supportUserId },
  });
}

/** Transitions still in force: a reversal cancels the latest transition in force. */
function inForce(history: TransitionEntry[]): TransitionEntry[] {
  const stack: TransitionEntry[] = [];
  for (const h of history) {
    if (h.data.reverses) stack.pop();
    else stack.push(h);
  }
  return stack;
}
/** Corrects a wrong transition: a new, reversing transition (with its mandatory comment) brings
 *  the journey back to where it was; the history keeps both. */
export async function reverseLastTransition(
  tx: Tx,
  actor: Actor,
  journeyId: string,
  input: { comment: string; effectiveOn?: string },
): Promise<Journey> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF_ROLES);
  const comment = (input.comment ?? '').trim();
  if (comment.length < 3) throw new UserError('Expliquez la correction en quelques mots.', 'reverseComment');
  const row = await trx
    .selectFrom('journey')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Parcours');
  const j = toJourney(row);
  const active = inForce(await journeyHistory(trx, actor, journeyId));
  const last = active[active.length - 1];
  const prev = active[active.length - 2];
  if (!last || !prev || !last.from) throw new UserError("Il n'y a pas d'étape à annuler.", 'reverseComment');
  const today = todayParis();
  const effectiveOn =
    input.effectiveOn && isIsoDate(input.effectiveOn)
      ? input.effectiveOn
      : today < last.effectiveOn
        ? last.effectiveOn
        : today;
  // The stage came back to was entered by the earliest of the consecutive transitions into it (renewals keep the stage).
  let k = active.length - 2;
  while (k > 0 && active[k - 1].to === last.from && active[k].from === last.from) k--;
  const patch: Record<string, unknown> = {
    stage: last.from,
    stage_since: active[k].effectiveOn,
    exit_reason: last.from === 'exit' ? prev.exitReason : null,
  };
  if (last.from === 'cape' && last.to === 'cape') {
    patch.cape_end = String(last.data.previousCapeEnd);
    patch.cape_renewals = Math.max(0, j.capeRenewals - 1);
    patch.stage_since = j.stageSince;
  } else if (last.to === 'cape') {
    patch.cape_start = null;
    patch.cape_end = null;
    patch.cape_renewals = 0;
  }
  await trx
    .updateTable('journey')
    .set(patch as any)
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .execute();
  await trx
    .insertInto('journey_transition')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      journey_id: journeyId,
      from_stage: j.stage,
      to_stage: last.from,
      effective_on: effectiveOn,
      author_user_id: actor.userId,
      author_label: actor.label,
      comment,
      exit_reason: null,
      data: JSON.stringify({ reverses: last.id }) as any,
    })
    .execute();
  await audit(trx, actor, {
    action: 'journey.transition_reversed',
    targetType: 'journey',
    targetId: journeyId,
    data: { reverses: last.id, from: j.stage, to: last.from, comment },
  });
  return getJourney(trx, actor, journeyId);
}

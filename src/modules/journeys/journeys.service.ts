// Journeys: one per person (prospect or member), a stage machine whose every transition is
// dated, signed by its author and kept. The person reads their own journey; the team reads and
// moves every journey of the cooperative.
import type { Updateable } from 'kysely';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import { uuidv7, isUuid } from '../../core/ids.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, type Scope } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { isIsoDate, toIsoDate, addMonths, todayParis, formatDate, type IsoDate } from '../../core/dates.ts';
import { journeysDb, type JourneysTx } from './db.ts';
import type { JourneysTables } from './schema.ts';
import { JOURNEYS } from './permissions.ts';
import { rolesInCooperative } from './members.ts';
import {
  STAGES,
  EXIT_REASONS,
  DEFAULT_STAGE_LABELS,
  TRANSITIONS,
  MAX_CAPE_RENEWALS,
  type Stage,
  type ExitReason,
} from './stages.ts';

export * from './stages.ts';

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
export interface JourneyRow {
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
}
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

/** The journey within the scope an authorization gave: `own` reaches only the actor's journey
 *  (another one answers "introuvable", so nothing is learnt about it). Optionally locked. */
export async function journeyInScope(
  trx: JourneysTx,
  actor: Actor,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Journey> {
  if (!isUuid(id)) throw new NotFoundError('Parcours');
  let q = trx.selectFrom('journey').selectAll().where('cooperative_id', '=', actor.cooperativeId).where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r || (scope === 'own' && r.user_id !== actor.userId)) throw new NotFoundError('Parcours');
  return toJourney(r);
}

export async function getJourney(tx: Tx, actor: Actor, id: string): Promise<Journey> {
  const scope = authorize(actor, JOURNEYS.journeyRead);
  return journeyInScope(journeysDb(tx), actor, scope, id);
}

/** The journey of a member (a person reads only their own). */
export async function journeyOfUser(tx: Tx, actor: Actor, userId: string): Promise<Journey | null> {
  const scope = authorize(actor, JOURNEYS.journeyRead);
  if (!isUuid(userId) || (scope === 'own' && userId !== actor.userId)) return null;
  const r = await journeysDb(tx)
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
export const JourneyInput = z
  .object({
    /** Optional for a member already registered: their name is taken from their account. */
    displayName: z.string().trim().max(200, 'Nom trop long.').optional().nullable(),
    email: optionalEmail,
    phone: z.string().trim().max(30, 'Numéro trop long.').optional().nullable(),
    userId: z.string().uuid('Choisissez un membre de la liste.').optional().nullable(),
    supportUserId: z.string().uuid("Choisissez un·e chargé·e d'accompagnement.").optional().nullable(),
    startedOn: z.string().refine(isIsoDate, 'Date invalide (AAAA-MM-JJ).'),
    comment: z.string().trim().max(2000, 'Commentaire trop long.').optional().nullable(),
  })
  .refine((v) => !!v.userId || (v.displayName ?? '').length >= 2, {
    message: 'Indiquez le nom de la personne.',
    path: ['displayName'],
  });

/** Opens a journey at the "contact" stage (the first transition is recorded too). */
export async function createJourney(tx: Tx, actor: Actor, raw: z.input<typeof JourneyInput>): Promise<Journey> {
  authorize(actor, JOURNEYS.journeyCreate);
  const trx = journeysDb(tx);
  const v = parseInput(JourneyInput, raw);
  let displayName = v.displayName ?? '';
  if (v.userId) {
    const roles = await rolesInCooperative(tx, actor.cooperativeId, v.userId);
    if (!roles.length) throw new UserError("Cette personne n'est pas membre de la coopérative.", 'userId');
    const dup = await trx
      .selectFrom('journey')
      .select('id')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('user_id', '=', v.userId)
      .executeTakeFirst();
    if (dup) throw new UserError('Cette personne a déjà un parcours.', 'userId');
    if (displayName.length < 2)
      displayName =
        (await trx.selectFrom('user_account').select('display_name').where('id', '=', v.userId).executeTakeFirst())
          ?.display_name ?? '';
  }
  if (displayName.length < 2) throw new UserError('Indiquez le nom de la personne.', 'displayName');
  if (v.supportUserId && !(await rolesInCooperative(tx, actor.cooperativeId, v.supportUserId)).includes('support'))
    throw new UserError("Choisissez un·e chargé·e d'accompagnement de la coopérative.", 'supportUserId');
  if (v.startedOn > todayParis()) throw new UserError('La date du premier contact est dans le futur.', 'startedOn');
  const id = uuidv7();
  await trx
    .insertInto('journey')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      user_id: v.userId ?? null,
      display_name: displayName,
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
  await insertTransition(trx, actor, {
    journeyId: id,
    from: null,
    to: 'contact',
    effectiveOn: v.startedOn,
    comment: v.comment || null,
    exitReason: null,
    data: {},
  });
  await audit(tx, actor, { action: 'journey.created', targetType: 'journey', targetId: id, data: { displayName } });
  return getJourney(tx, actor, id);
}

/** A row of the history: kept for ever, never edited (a correction is a new row). */
export async function insertTransition(
  trx: JourneysTx,
  actor: Actor,
  t: {
    journeyId: string;
    from: Stage | null;
    to: Stage;
    effectiveOn: string;
    comment: string | null;
    exitReason: ExitReason | null;
    data: Record<string, unknown>;
  },
): Promise<string> {
  const id = uuidv7();
  await trx
    .insertInto('journey_transition')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      journey_id: t.journeyId,
      from_stage: t.from,
      to_stage: t.to,
      effective_on: t.effectiveOn,
      author_user_id: actor.userId,
      author_label: actor.label,
      comment: t.comment,
      exit_reason: t.exitReason,
      data: JSON.stringify(t.data),
    })
    .execute();
  return id;
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
type JourneyPatch = Updateable<JourneysTables['journey']>;

/** Moves a journey to another stage, if the machine allows it; locks the journey row. */
export async function transitionJourney(
  tx: Tx,
  actor: Actor,
  journeyId: string,
  raw: z.input<typeof TransitionInput>,
  /** What the module itself records with the step (e.g. the info-meeting registration it came from). */
  extra: Record<string, unknown> = {},
): Promise<Journey> {
  const scope = authorize(actor, JOURNEYS.journeyTransition);
  const trx = journeysDb(tx);
  const v = parseInput(TransitionInput, raw);
  const j = await journeyInScope(trx, actor, scope, journeyId, { forUpdate: true });
  if (!TRANSITIONS[j.stage].includes(v.to)) {
    throw new UserError(
      `Passage impossible de « ${DEFAULT_STAGE_LABELS[j.stage]} » à « ${DEFAULT_STAGE_LABELS[v.to]} ».`,
      'to',
    );
  }
  if (v.effectiveOn < j.stageSince)
    throw new UserError(`La date ne peut pas précéder l'étape en cours (${formatDate(j.stageSince)}).`, 'effectiveOn');
  const patch: JourneyPatch = { stage: v.to, stage_since: v.effectiveOn, exit_reason: null };
  const data: Record<string, unknown> = { ...extra };
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
  if (v.effectiveOn > todayParis())
    throw new UserError("Une étape s'enregistre une fois franchie : la date est dans le futur.", 'effectiveOn');
  await trx
    .updateTable('journey')
    .set(patch)
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', journeyId)
    .execute();
  await insertTransition(trx, actor, {
    journeyId,
    from: j.stage,
    to: v.to,
    effectiveOn: v.effectiveOn,
    comment: v.comment || null,
    exitReason: v.to === 'exit' ? (v.exitReason ?? null) : null,
    data,
  });
  await audit(tx, actor, {
    action: j.stage === 'cape' && v.to === 'cape' ? 'journey.cape_renewed' : 'journey.transition',
    targetType: 'journey',
    targetId: journeyId,
    data: { from: j.stage, to: v.to, effectiveOn: v.effectiveOn, ...data },
  });
  return getJourney(tx, actor, journeyId);
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
  await getJourney(tx, actor, journeyId);
  return historyOf(journeysDb(tx), actor, journeyId);
}
/** The info-meeting step's comment, from the attendance recorded for the registration. */
export const attendanceComment = (attended: boolean | null) =>
  attended === false
    ? 'Inscrit·e, absent·e à la réunion'
    : attended
      ? "Présent·e à la réunion d'information"
      : "Inscrit·e à la réunion d'information";

/** Inner: the history of a journey the caller already reached. */
export async function historyOf(trx: JourneysTx, actor: Actor, journeyId: string): Promise<TransitionEntry[]> {
  const rows = await trx
    .selectFrom('journey_transition')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('journey_id', '=', journeyId)
    .orderBy('effective_on')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  // A step that came from an info-meeting registration says the attendance as it is now: the
  // team may correct it after the conversion (the history itself is never edited).
  const registrationIds = rows
    .map((r) => (r.data as Record<string, unknown> | null)?.infoMeetingRegistrationId)
    .filter((x): x is string => typeof x === 'string');
  const attended = new Map<string, boolean | null>();
  if (registrationIds.length)
    for (const x of await trx
      .selectFrom('info_meeting_registration')
      .select(['id', 'attended'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', 'in', registrationIds)
      .execute())
      attended.set(x.id, x.attended);
  const commentOf = (r: (typeof rows)[number]) => {
    const reg = (r.data as Record<string, unknown> | null)?.infoMeetingRegistrationId;
    if (typeof reg !== 'string' || !attended.has(reg)) return r.comment;
    return attendanceComment(attended.get(reg) ?? null);
  };
  return rows.map((r) => ({
    id: r.id,
    from: r.from_stage as Stage | null,
    to: r.to_stage as Stage,
    effectiveOn: toIsoDate(r.effective_on),
    authorLabel: r.author_label,
    comment: commentOf(r),
    exitReason: r.exit_reason as ExitReason | null,
    data: r.data ?? {},
    createdAt: r.created_at,
  }));
}

// Networks, cooperatives, activities (enseignes) and memberships.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { directoryDb, type DirectoryDb } from './db.ts';
import { uuidv7, type CooperativeId, type ActivityId } from '../../core/ids.ts';
import { UsageError } from '../../core/cli.ts';
import { ROLE_LABELS, ROLES, type Actor, type Membership, type Role, requireRole } from '../../core/actor.ts';
import { mayGrant } from './permissions.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { isIban, isSiren, isVatNumber, normaliseDigits, formatIban, isBic } from '../../core/identifiers.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { storeFile, readFile as readStoredFile } from '../../core/files.ts';
import { loadConfig } from '../../core/config.ts';

export interface Cooperative {
  id: CooperativeId;
  networkId: string;
  slug: string;
  name: string;
  legalForm: string;
  capitalCents: number;
  siren: string;
  vatNumber: string | null;
  rcsCity: string;
  addressLine: string;
  postalCode: string;
  city: string;
  country: string;
  iban: string | null;
  bic: string | null;
  email: string | null;
  phone: string | null;
  fiscalYearStartMonth: number;
  settings: CooperativeSettings;
}
export interface CooperativeSettings {
  selfValidationThresholdCents?: number;
  invoiceNumberTemplate?: string;
  vatOnDebits?: boolean;
  franchiseMention?: boolean;
  [k: string]: unknown;
}

type CoopRow = Awaited<ReturnType<typeof coopQuery>>[number];
const coopQuery = (db: DirectoryDb) => db.selectFrom('cooperative').selectAll().execute();
function toCooperative(r: CoopRow): Cooperative {
  return {
    id: r.id as CooperativeId,
    networkId: r.network_id,
    slug: r.slug,
    name: r.name,
    legalForm: r.legal_form,
    capitalCents: r.capital_cents,
    siren: r.siren,
    vatNumber: r.vat_number,
    rcsCity: r.rcs_city,
    addressLine: r.address_line,
    postalCode: r.postal_code,
    city: r.city,
    country: r.country,
    iban: r.iban,
    bic: r.bic,
    email: r.email,
    phone: r.phone,
    fiscalYearStartMonth: r.fiscal_year_start_month,
    settings: (r.settings ?? {}) as CooperativeSettings,
  };
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const CooperativeInput = z.object({
  slug: z.string().regex(SLUG, 'Identifiant : lettres minuscules, chiffres et tirets.'),
  name: z.string().trim().min(2, 'Indiquez la raison sociale.'),
  legalForm: z.string().trim().min(2, 'Indiquez la forme juridique (ex. SCOP SA à capital variable).'),
  capitalCents: z.number().int().min(0, 'Le capital ne peut pas être négatif.'),
  siren: z.string().transform(normaliseDigits).refine(isSiren, 'SIREN invalide (9 chiffres, clé de contrôle).'),
  vatNumber: z
    .string()
    .trim()
    .transform((v) => v.replace(/\s/g, '').toUpperCase())
    .refine((v) => !v || isVatNumber(v), 'Numéro de TVA intracommunautaire invalide.')
    .nullable()
    .optional(),
  rcsCity: z.string().trim().min(2, 'Indiquez la ville du RCS.'),
  addressLine: z.string().trim().min(3, "Indiquez l'adresse."),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{5}$/, 'Code postal : 5 chiffres.'),
  city: z.string().trim().min(2, 'Indiquez la ville.'),
  iban: z
    .string()
    .transform((v) => v.replace(/\s/g, '').toUpperCase())
    .refine((v) => !v || isIban(v), 'IBAN invalide (vérifiez la clé).')
    .nullable()
    .optional(),
  bic: z
    .string()
    .transform((v) => v.replace(/\s/g, '').toUpperCase())
    .refine((v) => !v || isBic(v), 'BIC invalide.')
    .nullable()
    .optional(),
  email: z.string().trim().email('Adresse e-mail invalide.').nullable().optional().or(z.literal('')),
  phone: z.string().trim().nullable().optional(),
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
});
export type CooperativeInput = z.input<typeof CooperativeInput>;

export async function createNetwork(dbIn: Db | Tx, input: { slug: string; name: string }) {
  const db = directoryDb(dbIn);
  const id = uuidv7();
  await db.insertInto('network').values({ id, slug: input.slug, name: input.name }).execute();
  return { id, ...input };
}

export async function createCooperative(
  dbIn: Db | Tx,
  networkId: string,
  raw: CooperativeInput,
  settings: CooperativeSettings = {},
): Promise<Cooperative> {
  const db = directoryDb(dbIn);
  const v = parseInput(CooperativeInput, raw);
  const dup = await db.selectFrom('cooperative').select('id').where('slug', '=', v.slug).executeTakeFirst();
  if (dup) throw new UserError('Cet identifiant est déjà pris.', 'slug');
  const id = uuidv7<CooperativeId>();
  await db
    .insertInto('cooperative')
    .values({
      id,
      network_id: networkId,
      slug: v.slug,
      name: v.name,
      legal_form: v.legalForm,
      capital_cents: v.capitalCents,
      siren: v.siren,
      vat_number: v.vatNumber || null,
      rcs_city: v.rcsCity,
      address_line: v.addressLine,
      postal_code: v.postalCode,
      city: v.city,
      country: 'FR',
      iban: v.iban || null,
      bic: v.bic || null,
      email: v.email || null,
      phone: v.phone || null,
      logo_file_id: null,
      fiscal_year_start_month: v.fiscalYearStartMonth,
      settings: JSON.stringify(settings) as any,
    })
    .execute();
  return (await getCooperative(db, id))!;
}

export async function updateCooperative(
  tx: Tx,
  actor: Actor,
  raw: Omit<CooperativeInput, 'slug'>,
): Promise<Cooperative> {
  const trx = directoryDb(tx);
  requireRole(actor, 'director', 'network_admin');
  const current = await getCooperative(trx, actor.cooperativeId);
  if (!current) throw new NotFoundError('Coopérative');
  const v = parseInput(CooperativeInput, { ...raw, slug: current.slug });
  await trx
    .updateTable('cooperative')
    .set({
      name: v.name,
      legal_form: v.legalForm,
      capital_cents: v.capitalCents,
      siren: v.siren,
      vat_number: v.vatNumber || null,
      rcs_city: v.rcsCity,
      address_line: v.addressLine,
      postal_code: v.postalCode,
      city: v.city,
      iban: v.iban || null,
      bic: v.bic || null,
      email: v.email || null,
      phone: v.phone || null,
      fiscal_year_start_month: v.fiscalYearStartMonth,
    })
    .where('id', '=', actor.cooperativeId)
    .execute();
  await audit(trx, actor, {
    action: 'cooperative.updated',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: { siren: v.siren },
  });
  return (await getCooperative(trx, actor.cooperativeId))!;
}

export async function updateCooperativeSettings(tx: Tx, actor: Actor, patch: CooperativeSettings): Promise<void> {
  const trx = directoryDb(tx);
  requireRole(actor, 'director', 'network_admin', 'accountant');
  await trx
    .updateTable('cooperative')
    .set({ settings: sql`settings || ${JSON.stringify(patch)}::jsonb` as any })
    .where('id', '=', actor.cooperativeId)
    .execute();
  await audit(trx, actor, {
    action: 'cooperative.settings_updated',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: patch,
  });
}

export async function getCooperative(dbIn: Db | Tx, id: string): Promise<Cooperative | null> {
  const db = directoryDb(dbIn);
  const r = await db.selectFrom('cooperative').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toCooperative(r) : null;
}
export async function getCooperativeBySlug(dbIn: Db | Tx, slug: string): Promise<Cooperative | null> {
  const db = directoryDb(dbIn);
  const r = await db.selectFrom('cooperative').selectAll().where('slug', '=', slug).executeTakeFirst();
  return r ? toCooperative(r) : null;
}
export async function listCooperatives(dbIn: Db | Tx): Promise<Cooperative[]> {
  const db = directoryDb(dbIn);
  return (await db.selectFrom('cooperative').selectAll().orderBy('slug').execute()).map(toCooperative);
}
export function fiscalYearBounds(
  c: Pick<Cooperative, 'fiscalYearStartMonth'>,
  year: number,
): { start: string; end: string } {
  // Fiscal year YYYY is the one that ends in YYYY.
  const m = c.fiscalYearStartMonth;
  if (m === 1) return { start: `${year}-01-01`, end: `${year}-12-31` };
  const start = `${year - 1}-${String(m).padStart(2, '0')}-01`;
  const endD = new Date(Date.UTC(year, m - 1, 0));
  return { start, end: endD.toISOString().slice(0, 10) };
}

// --- memberships -------------------------------------------------------------------------
export type { Membership };

export async function addMembership(tx: Db | Tx, cooperativeId: string, userId: string, role: Role): Promise<void> {
  const trx = directoryDb(tx);
  if (!ROLES.includes(role)) throw new UserError('Rôle inconnu.', 'role');
  await trx
    .insertInto('membership')
    .values({ cooperative_id: cooperativeId, user_id: userId, role, ended_at: null })
    .onConflict((oc) => oc.columns(['cooperative_id', 'user_id', 'role']).doUpdateSet({ ended_at: null }))
    .execute();
}

/** All cooperatives where the user has an active role (system query: sign-in and the switcher). */
export async function membershipsOfUser(dbIn: Db | Tx, userId: string): Promise<Membership[]> {
  const db = directoryDb(dbIn);
  const rows = await db
    .selectFrom('membership')
    .innerJoin('cooperative', 'cooperative.id', 'membership.cooperative_id')
    .select(['cooperative.id', 'cooperative.slug', 'cooperative.name', 'membership.role'])
    .where('membership.user_id', '=', userId)
    .where('membership.ended_at', 'is', null)
    .orderBy('cooperative.name')
    .execute();
  const map = new Map<string, Membership>();
  for (const r of rows) {
    const m = map.get(r.id) ?? { cooperativeId: r.id as CooperativeId, slug: r.slug, name: r.name, roles: [] };
    m.roles.push(r.role as Role);
    map.set(r.id, m);
  }
  return [...map.values()];
}

export interface MemberRow {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  since: Date;
}
export async function listMembers(
  tx: Tx,
  actor: Actor,
  opts: { q?: string; role?: Role; page?: number; pageSize?: number } = {},
) {
  const trx = directoryDb(tx);
  const pageSize = opts.pageSize ?? 25;
  const page = Math.max(1, opts.page ?? 1);
  let q = trx
    .selectFrom('membership')
    .innerJoin('user_account', 'user_account.id', 'membership.user_id')
    .where('membership.cooperative_id', '=', actor.cooperativeId)
    .where('membership.ended_at', 'is', null);
  if (opts.role) q = q.where('membership.role', '=', opts.role);
  if (opts.q)
    q = q.where((eb) =>
      eb.or([
        eb('user_account.display_name', 'ilike', `%${opts.q}%`),
        eb('user_account.email', 'ilike', `%${opts.q}%`),
      ]),
    );
  const rows = await q
    .select([
      'user_account.id',
      'user_account.email',
      'user_account.display_name',
      'membership.role',
      'membership.created_at',
    ])
    .execute();
  const map = new Map<string, MemberRow>();
  for (const r of rows) {
    const m = map.get(r.id) ?? {
      userId: r.id,
      email: r.email,
      displayName: r.display_name,
      roles: [],
      since: r.created_at,
    };
    m.roles.push(r.role as Role);
    map.set(r.id, m);
  }
  const collator = new Intl.Collator('fr');
  const all = [...map.values()].sort((a, b) => collator.compare(a.displayName, b.displayName));
  return { total: all.length, page, pageSize, items: all.slice((page - 1) * pageSize, page * pageSize) };
}

// --- activities (enseignes) -----------------------------------------------------------------
export interface Activity {
  id: ActivityId;
  name: string;
  analyticCode: string;
  description: string | null;
  trusted: boolean;
  ownerIds: string[];
  closedAt: Date | null;
}

export const ActivityInput = z.object({
  name: z.string().trim().min(2, "Indiquez le nom de l'activité."),
  analyticCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{2,12}$/, 'Code analytique : 2 à 12 lettres ou chiffres.'),
  description: z.string().trim().optional().nullable(),
  ownerIds: z.array(z.string().uuid()).default([]),
  trusted: z.boolean().default(false),
});

export async function createActivity(tx: Tx, actor: Actor, raw: z.input<typeof ActivityInput>): Promise<Activity> {
  const trx = directoryDb(tx);
  requireRole(actor, 'support', 'director', 'network_admin', 'accountant');
  const v = parseInput(ActivityInput, raw);
  const dup = await trx
    .selectFrom('activity')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('analytic_code', '=', v.analyticCode)
    .executeTakeFirst();
  if (dup) throw new UserError('Ce code analytique est déjà utilisé.', 'analyticCode');
  const id = uuidv7<ActivityId>();
  await trx
    .insertInto('activity')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      name: v.name,
      analytic_code: v.analyticCode,
      description: v.description ?? null,
      trusted: v.trusted,
      email: null,
      phone: null,
      closed_at: null,
    })
    .execute();
  for (const u of v.ownerIds)
    await trx
      .insertInto('activity_owner')
      .values({ cooperative_id: actor.cooperativeId, activity_id: id, user_id: u })
      .execute();
  await audit(trx, actor, {
    action: 'activity.created',
    targetType: 'activity',
    targetId: id,
    data: { name: v.name, analyticCode: v.analyticCode },
  });
  return {
    id,
    name: v.name,
    analyticCode: v.analyticCode,
    description: v.description ?? null,
    trusted: v.trusted,
    ownerIds: v.ownerIds,
    closedAt: null,
  };
}

export async function listActivities(tx: Tx, actor: Actor, opts: { ownedBy?: string } = {}): Promise<Activity[]> {
  const trx = directoryDb(tx);
  let q = trx.selectFrom('activity').selectAll().where('cooperative_id', '=', actor.cooperativeId);
  if (opts.ownedBy)
    q = q.where(
      'id',
      'in',
      trx
        .selectFrom('activity_owner')
        .select('activity_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('user_id', '=', opts.ownedBy),
    );
  const rows = await q.orderBy('name').execute();
  const owners = await trx
    .selectFrom('activity_owner')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  return rows.map((r) => ({
    id: r.id as ActivityId,
    name: r.name,
    analyticCode: r.analytic_code,
    description: r.description,
    trusted: r.trusted,
    ownerIds: owners.filter((o) => o.activity_id === r.id).map((o) => o.user_id),
    closedAt: r.closed_at,
  }));
}

/** Activities the actor works in: own ones for entrepreneurs, all for staff. */
export async function activitiesFor(tx: Tx, actor: Actor): Promise<Activity[]> {
  const trx = directoryDb(tx);
  const staff = actor.roles.some((r) => r !== 'entrepreneur' && r !== 'cape');
  return listActivities(trx, actor, staff ? {} : { ownedBy: actor.userId ?? '' });
}

// --- members administration --------------------------------------------------------------
async function activeDirectors(tx: Tx, cooperativeId: string): Promise<string[]> {
  const trx = directoryDb(tx);
  const rows = await trx
    .selectFrom('membership')
    .select('user_id')
    .where('cooperative_id', '=', cooperativeId)
    .where('role', '=', 'director')
    .where('ended_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function getMember(tx: Tx, actor: Actor, userId: string): Promise<MemberRow> {
  const trx = directoryDb(tx);
  if (!/^[0-9a-f-]{36}$/i.test(userId)) throw new NotFoundError('Membre');
  const rows = await trx
    .selectFrom('membership')
    .innerJoin('user_account', 'user_account.id', 'membership.user_id')
    .select([
      'user_account.id',
      'user_account.email',
      'user_account.display_name',
      'membership.role',
      'membership.created_at',
    ])
    .where('membership.cooperative_id', '=', actor.cooperativeId)
    .where('membership.user_id', '=', userId)
    .where('membership.ended_at', 'is', null)
    .execute();
  if (!rows.length) throw new NotFoundError('Membre');
  return {
    userId: rows[0].id,
    email: rows[0].email,
    displayName: rows[0].display_name,
    roles: rows.map((r) => r.role as Role),
    since: rows[0].created_at,
  };
}

/** Replaces a member's roles. Only directors (and the network) do it; the last director stays one. */
export async function setMemberRoles(tx: Tx, actor: Actor, userId: string, roles: string[]): Promise<void> {
  const trx = directoryDb(tx);
  requireRole(actor, 'director', 'network_admin');
  const member = await getMember(trx, actor, userId);
  const wanted = [...new Set(roles)] as Role[];
  if (!wanted.length) throw new UserError("Choisissez au moins un rôle (ou mettez fin à l'adhésion).", 'roles');
  if (wanted.some((r) => !ROLES.includes(r))) throw new UserError('Rôle inconnu.', 'roles');
  // One gives or takes away only the roles one's own role may give (permissions.ts).
  const changed = [
    ...wanted.filter((r) => !member.roles.includes(r)),
    ...member.roles.filter((r) => !wanted.includes(r)),
  ];
  const refused = changed.filter((r) => !mayGrant(actor, r));
  if (refused.includes('network_admin'))
    throw new UserError("Seule l'équipe du réseau peut donner ou retirer ce rôle.", 'roles');
  if (refused.length)
    throw new UserError(`Vous ne pouvez pas donner ou retirer le rôle « ${ROLE_LABELS[refused[0]]} ».`, 'roles');
  if (member.roles.includes('director') && !wanted.includes('director')) {
    const directors = await activeDirectors(trx, actor.cooperativeId);
    if (directors.length <= 1)
      throw new UserError('La coopérative doit garder au moins une personne à la direction.', 'roles');
  }
  const now = new Date();
  for (const r of member.roles)
    if (!wanted.includes(r)) {
      await trx
        .updateTable('membership')
        .set({ ended_at: now })
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('user_id', '=', userId)
        .where('role', '=', r)
        .execute();
    }
  for (const r of wanted) if (!member.roles.includes(r)) await addMembership(trx, actor.cooperativeId, userId, r);
  await audit(trx, actor, {
    action: 'member.roles_changed',
    targetType: 'user',
    targetId: userId,
    data: { from: member.roles, to: wanted },
  });
}

/** Ends every role of a member in this cooperative (history is kept: ended_at). */
export async function endMembership(tx: Tx, actor: Actor, userId: string): Promise<void> {
  const trx = directoryDb(tx);
  requireRole(actor, 'director', 'network_admin');
  if (userId === actor.userId) throw new UserError('Vous ne pouvez pas mettre fin à votre propre adhésion.');
  const member = await getMember(trx, actor, userId);
  if (member.roles.includes('director') && (await activeDirectors(trx, actor.cooperativeId)).length <= 1) {
    throw new UserError('Impossible : cette personne est la dernière à la direction de la coopérative.');
  }
  if (member.roles.includes('network_admin') && !actor.roles.includes('network_admin'))
    throw new UserError("Seule l'équipe du réseau peut retirer ce rôle.");
  await trx
    .updateTable('membership')
    .set({ ended_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .execute();
  await audit(trx, actor, {
    action: 'member.ended',
    targetType: 'user',
    targetId: userId,
    data: { roles: member.roles },
  });
}

// --- activities administration -----------------------------------------------------------
export async function getActivity(tx: Tx, actor: Actor, id: string): Promise<Activity> {
  const trx = directoryDb(tx);
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('Activité');
  const a = (await listActivities(trx, actor)).find((x) => x.id === id);
  if (!a) throw new NotFoundError('Activité');
  return a;
}

export const ActivityUpdate = ActivityInput.omit({ analyticCode: true });
export async function updateActivity(
  tx: Tx,
  actor: Actor,
  id: string,
  raw: z.input<typeof ActivityUpdate>,
): Promise<void> {
  const trx = directoryDb(tx);
  requireRole(actor, 'support', 'director', 'network_admin', 'accountant');
  const current = await getActivity(trx, actor, id);
  const v = parseInput(ActivityUpdate, raw);
  if (v.ownerIds.length) {
    const ok = await trx
      .selectFrom('membership')
      .select('user_id')
      .distinct()
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('user_id', 'in', v.ownerIds)
      .where('ended_at', 'is', null)
      .execute();
    if (ok.length !== new Set(v.ownerIds).size)
      throw new UserError('Chaque entrepreneur·e doit être membre de la coopérative.', 'ownerIds');
  }
  await trx
    .updateTable('activity')
    .set({ name: v.name, description: v.description ?? current.description, trusted: v.trusted })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await trx
    .deleteFrom('activity_owner')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', id)
    .execute();
  for (const u of new Set(v.ownerIds))
    await trx
      .insertInto('activity_owner')
      .values({ cooperative_id: actor.cooperativeId, activity_id: id, user_id: u })
      .execute();
  await audit(trx, actor, {
    action: 'activity.updated',
    targetType: 'activity',
    targetId: id,
    data: { name: v.name, ownerIds: v.ownerIds, trusted: v.trusted },
  });
}

export async function closeActivity(tx: Tx, actor: Actor, id: string): Promise<void> {
  const trx = directoryDb(tx);
  requireRole(actor, 'support', 'director', 'network_admin', 'accountant');
  const a = await getActivity(trx, actor, id);
  if (a.closedAt) throw new UserError('Cette activité est déjà fermée.');
  await trx
    .updateTable('activity')
    .set({ closed_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, { action: 'activity.closed', targetType: 'activity', targetId: id });
}

// --- logo ---------------------------------------------------------------------------------
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
export async function setCooperativeLogo(
  tx: Tx,
  actor: Actor,
  fileKey: Buffer,
  file: { name: string; type: string; content: Buffer },
): Promise<void> {
  const trx = directoryDb(tx);
  requireRole(actor, 'director', 'network_admin');
  if (!file.content.length) throw new UserError('Choisissez une image.', 'logo');
  if (!['image/png', 'image/jpeg'].includes(file.type))
    throw new UserError('Le logo doit être une image PNG ou JPEG.', 'logo');
  if (file.content.length > LOGO_MAX_BYTES) throw new UserError('Le logo dépasse 2 Mo.', 'logo');
  let stored;
  try {
    stored = await storeFile(trx, fileKey, {
      cooperativeId: actor.cooperativeId,
      name: file.name,
      mimeType: file.type,
      content: file.content,
      createdBy: actor.userId,
    });
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message, 'logo');
    throw e;
  }
  await trx.updateTable('cooperative').set({ logo_file_id: stored.id }).where('id', '=', actor.cooperativeId).execute();
  await audit(trx, actor, {
    action: 'cooperative.logo_changed',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: { fileId: stored.id, sha256: stored.sha256 },
  });
}

/** The decrypted logo (PNG or JPEG) for pages and PDFs, or null when none was uploaded. */
export async function getCooperativeLogo(tx: Tx, coopId: string, fileKey?: Buffer): Promise<Buffer | null> {
  const trx = directoryDb(tx);
  const r = await trx.selectFrom('cooperative').select('logo_file_id').where('id', '=', coopId).executeTakeFirst();
  if (!r?.logo_file_id) return null;
  const f = await readStoredFile(trx, fileKey ?? loadConfig().fileKey, coopId, r.logo_file_id);
  return f.content;
}

// --- bank details (expense reimbursements) ---------------------------------------------------
export interface BankDetails {
  iban: string | null;
  bic: string | null;
}

export async function getBankDetails(tx: Tx, actor: Actor, userId: string): Promise<BankDetails> {
  const trx = directoryDb(tx);
  const r = await trx
    .selectFrom('member_profile')
    .select(['iban', 'bic'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return { iban: r?.iban ?? null, bic: r?.bic ?? null };
}

/** The signed-in person's own reimbursement account. */
export async function getOwnBankDetails(tx: Tx, actor: Actor): Promise<BankDetails> {
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  return getBankDetails(tx, actor, actor.userId);
}

/** A person records the account where the cooperative reimburses their expenses. */
export async function setOwnBankDetails(
  tx: Tx,
  actor: Actor,
  raw: { iban: string; bic: string },
): Promise<BankDetails> {
  const trx = directoryDb(tx);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  const iban = raw.iban.replace(/\s/g, '').toUpperCase();
  const bic = raw.bic.replace(/\s/g, '').toUpperCase();
  const fields: Record<string, string> = {};
  if (!isIban(iban)) fields.iban = 'IBAN invalide : vérifiez les chiffres (la clé de contrôle ne correspond pas).';
  if (bic && !isBic(bic)) fields.bic = 'BIC invalide (8 ou 11 caractères, ex. : BNPAFRPPXXX).';
  if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  await trx
    .insertInto('member_profile')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: actor.userId,
      gender: null,
      birth_year: null,
      education_level: null,
      status_at_entry: null,
      postal_code: null,
      qpv: null,
      phone: null,
      support_user_id: null,
      iban,
      bic: bic || null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ iban, bic: bic || null }))
    .execute();
  await audit(trx, actor, {
    action: 'member.bank_details_updated',
    targetType: 'user',
    targetId: actor.userId,
    data: { iban: `${iban.slice(0, 4)}…${iban.slice(-4)}` },
  });
  return { iban, bic: bic || null };
}

/** The cooperative named on the command line, or a usage error that says where to look. */
export async function cooperativeOrFail(odb: { db: Db }, slug: string): Promise<Cooperative> {
  const c = await getCooperativeBySlug(odb.db, slug);
  if (!c) throw new UsageError(`coopérative inconnue : ${slug} (voir radieuse cooperative list)`);
  return c;
}

// Networks and cooperatives: legal identity, settings, logo.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { directoryDb, type DirectoryDb } from './db.ts';
import { uuidv7, type CooperativeId } from '../../core/ids.ts';
import { UsageError } from '../../core/cli.ts';
import { type Actor, ORGANISATION_TYPES, type OrganisationType } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { isIban, isSiren, isVatNumber, normaliseDigits, isBic } from '../../core/identifiers.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { storeFile, readFile as readStoredFile } from '../../core/files.ts';
import { loadConfig } from '../../core/config.ts';
import { DIRECTORY } from './permissions.ts';
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
  /** A CAE (with the ERP) or another collective without it (core/actor.ts). */
  organisationType: OrganisationType;
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
    organisationType: r.organisation_type as OrganisationType,
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
  organisationType: z.enum(ORGANISATION_TYPES, { message: "Type d'organisation inconnu." }).default('cae'),
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
      settings: sql<Record<string, unknown>>`cast(${JSON.stringify(settings)} as jsonb)`,
      organisation_type: v.organisationType,
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
  authorize(actor, DIRECTORY.cooperativeUpdate);
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
  authorize(actor, DIRECTORY.cooperativeSettings);
  await trx
    .updateTable('cooperative')
    .set({ settings: sql<Record<string, unknown>>`settings || cast(${JSON.stringify(patch)} as jsonb)` })
    .where('id', '=', actor.cooperativeId)
    .execute();
  await audit(trx, actor, {
    action: 'cooperative.settings_updated',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: patch,
  });
}

/** The cooperative's sheet for its settings page, and whether it has a logo. */
export async function cooperativeForEdit(tx: Tx, actor: Actor): Promise<{ coop: Cooperative; hasLogo: boolean }> {
  authorize(actor, DIRECTORY.cooperativeView);
  const trx = directoryDb(tx);
  const r = await trx.selectFrom('cooperative').selectAll().where('id', '=', actor.cooperativeId).executeTakeFirst();
  if (!r) throw new NotFoundError('Coopérative');
  return { coop: toCooperative(r), hasLogo: !!r.logo_file_id };
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

// --- logo ---------------------------------------------------------------------------------
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
export async function setCooperativeLogo(
  tx: Tx,
  actor: Actor,
  fileKey: Buffer,
  file: { name: string; type: string; content: Buffer },
): Promise<void> {
  const trx = directoryDb(tx);
  authorize(actor, DIRECTORY.cooperativeUpdate);
  if (!file.content.length) throw new UserError('Choisissez une image.', 'logo');
  if (!['image/png', 'image/jpeg'].includes(file.type))
    throw new UserError('Le logo doit être une image PNG ou JPEG.', 'logo');
  if (file.content.length > LOGO_MAX_BYTES) throw new UserError('Le logo dépasse 2 Mo.', 'logo');
  let stored: Awaited<ReturnType<typeof storeFile>>;
  try {
    stored = await storeFile(trx, fileKey, {
      cooperativeId: actor.cooperativeId,
      name: file.name,
      purpose: 'logo',
      content: file.content,
      field: 'logo',
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

/** The cooperative named on the command line, or a usage error that says where to look. */
export async function cooperativeOrFail(odb: { db: Db }, slug: string): Promise<Cooperative> {
  const c = await getCooperativeBySlug(odb.db, slug);
  if (!c) throw new UsageError(`coopérative inconnue : ${slug} (voir radieuse cooperative list)`);
  return c;
}

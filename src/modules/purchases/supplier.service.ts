// Suppliers: name, SIREN, VAT number, bank details (IBAN mod 97, BIC) and address.
import { z } from 'zod';
import { sql } from 'kysely';
import { searchText, textMatches, textScore } from '../../core/db/text-search.ts';
import type { Tx } from '../../core/db/tenant.ts';
import type { Tx as Handle } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { uuidv7 } from '../../core/ids.ts';
import { authorize } from '../../core/authz.ts';
import { PURCHASES } from './permissions.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import { audit } from '../../core/audit.ts';
import { isBic, isIban, isSiren, isVatNumber, normaliseDigits } from '../../core/identifiers.ts';
import { purchasesDb } from './db.ts';

export interface Supplier {
  id: string;
  name: string;
  siren: string | null;
  vatNumber: string | null;
  iban: string | null;
  bic: string | null;
  addressLine1: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string;
  email: string | null;
}
const opt = (s: z.ZodString) =>
  s
    .optional()
    .nullable()
    .transform((v) => (v?.trim() ? v.trim() : null));
export const SupplierInput = z.object({
  name: z.string().trim().min(1, 'Indiquez le nom du fournisseur.').max(200, 'Nom trop long (200 caractères au plus).'),
  siren: opt(z.string())
    .transform((v) => (v ? normaliseDigits(v) : null))
    .refine((v) => v === null || isSiren(v), 'SIREN invalide : 9 chiffres avec une clé de contrôle correcte.'),
  vatNumber: opt(z.string())
    .transform((v) => (v ? v.replace(/\s/g, '').toUpperCase() : null))
    .refine((v) => v === null || isVatNumber(v), 'Numéro de TVA intracommunautaire invalide.'),
  iban: opt(z.string())
    .transform((v) => (v ? v.replace(/\s/g, '').toUpperCase() : null))
    .refine((v) => v === null || isIban(v), 'IBAN invalide : vérifiez les caractères (clé de contrôle incorrecte).'),
  bic: opt(z.string())
    .transform((v) => (v ? v.replace(/\s/g, '').toUpperCase() : null))
    .refine((v) => v === null || isBic(v), 'BIC invalide : 8 ou 11 caractères.'),
  addressLine1: opt(z.string()),
  postalCode: opt(z.string()),
  city: opt(z.string()),
  countryCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Code pays sur 2 lettres (FR, BE…).')
    .default('FR'),
  email: opt(z.string()).refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'Adresse e-mail invalide.'),
});
export type SupplierInput = z.input<typeof SupplierInput>;

type Row = {
  id: string;
  name: string;
  siren: string | null;
  vat_number: string | null;
  iban: string | null;
  bic: string | null;
  address_line1: string | null;
  postal_code: string | null;
  city: string | null;
  country_code: string;
  email: string | null;
};
const toSupplier = (r: Row): Supplier => ({
  id: r.id,
  name: r.name,
  siren: r.siren,
  vatNumber: r.vat_number,
  iban: r.iban,
  bic: r.bic,
  addressLine1: r.address_line1,
  postalCode: r.postal_code,
  city: r.city,
  countryCode: r.country_code,
  email: r.email,
});

export async function createSupplier(trx: Tx, actor: Actor, raw: SupplierInput): Promise<Supplier> {
  authorize(actor, PURCHASES.supplierWrite);
  const i = parseInput(SupplierInput, raw);
  if (i.siren) {
    const dup = await purchasesDb(trx)
      .selectFrom('supplier')
      .select('name')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('siren', '=', i.siren)
      .where('archived_at', 'is', null)
      .executeTakeFirst();
    if (dup) throw new UserError(`Ce SIREN est déjà celui du fournisseur « ${dup.name} ».`, 'siren');
  }
  const id = uuidv7();
  await purchasesDb(trx)
    .insertInto('supplier')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      name: i.name,
      siren: i.siren,
      vat_number: i.vatNumber,
      iban: i.iban,
      bic: i.bic,
      address_line1: i.addressLine1,
      postal_code: i.postalCode,
      city: i.city,
      country_code: i.countryCode,
      email: i.email,
      created_by: actor.userId,
      archived_at: null,
    })
    .execute();
  await audit(trx, actor, {
    action: 'purchases.supplier_created',
    targetType: 'supplier',
    targetId: id,
    data: { name: i.name, siren: i.siren },
  });
  return (await getSupplier(trx, actor, id))!;
}

/**
 * A supplier of a history imported from another software (enDI): createSupplier for a caller
 * holding a transaction handle, reserved to those who may import a history (direction, accountant).
 */
export async function importSupplier(tx: Handle, actor: Actor, raw: SupplierInput): Promise<Supplier> {
  authorize(actor, PURCHASES.supplierImport);
  return createSupplier(tx as Tx, actor, raw);
}

export async function updateSupplier(trx: Tx, actor: Actor, id: string, raw: SupplierInput): Promise<Supplier> {
  const scope = authorize(actor, PURCHASES.supplierWrite);
  const i = parseInput(SupplierInput, raw);
  await requireSupplier(trx, actor, id);
  if (scope === 'own') {
    const mine = await purchasesDb(trx)
      .selectFrom('supplier')
      .select('id')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', id)
      .where('created_by', '=', actor.userId)
      .executeTakeFirst();
    if (!mine) throw new NotFoundError('Fournisseur');
  }
  if (i.siren) {
    const dup = await purchasesDb(trx)
      .selectFrom('supplier')
      .select('name')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('siren', '=', i.siren)
      .where('archived_at', 'is', null)
      .where('id', '<>', id)
      .executeTakeFirst();
    if (dup) throw new UserError(`Ce SIREN est déjà celui du fournisseur « ${dup.name} ».`, 'siren');
  }
  await purchasesDb(trx)
    .updateTable('supplier')
    .set({
      name: i.name,
      siren: i.siren,
      vat_number: i.vatNumber,
      iban: i.iban,
      bic: i.bic,
      address_line1: i.addressLine1,
      postal_code: i.postalCode,
      city: i.city,
      country_code: i.countryCode,
      email: i.email,
    })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, {
    action: 'purchases.supplier_updated',
    targetType: 'supplier',
    targetId: id,
    data: { name: i.name },
  });
  return (await getSupplier(trx, actor, id))!;
}

export async function getSupplier(trx: Tx, actor: Actor, id: string): Promise<Supplier | null> {
  authorize(actor, PURCHASES.supplierRead);
  const r = await purchasesDb(trx)
    .selectFrom('supplier')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toSupplier(r) : null;
}
export async function requireSupplier(trx: Tx, actor: Actor, id: string): Promise<Supplier> {
  const s = await getSupplier(trx, actor, id);
  if (!s) throw new NotFoundError('Fournisseur');
  return s;
}
export async function findSupplierBySiren(trx: Tx, actor: Actor, siren: string): Promise<Supplier | null> {
  authorize(actor, PURCHASES.supplierRead);
  const r = await purchasesDb(trx)
    .selectFrom('supplier')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('siren', '=', siren)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return r ? toSupplier(r) : null;
}
/** The search box of the supplier list: the name (full text, typos), SIREN and e-mail. */
const SUPPLIER_SEARCH = { names: [sql`supplier.name`], codes: [sql`supplier.siren`, sql`supplier.email`] };

export async function listSuppliers(trx: Tx, actor: Actor, opts: { q?: string } = {}): Promise<Supplier[]> {
  authorize(actor, PURCHASES.supplierRead);
  const text = searchText(opts.q);
  const rows = await purchasesDb(trx)
    .selectFrom('supplier')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('archived_at', 'is', null)
    .$if(!!text, (qb) => qb.where(textMatches(SUPPLIER_SEARCH, text)).orderBy(textScore(SUPPLIER_SEARCH, text), 'desc'))
    .orderBy('name')
    .execute();
  return rows.map(toSupplier);
}

// Customers (buyers): companies (SIREN required in France, VAT number, electronic address) or
// individuals. Duplicates (same SIREN, or same normalised name) are refused with a French message.
import { z } from 'zod';
import { sql } from 'kysely';
import { searchText, textMatches, textScore } from '../../core/db/text-search.ts';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { uuidv7 } from '../../core/ids.ts';
import { authorize } from '../../core/authz.ts';
import { SALES } from './permissions.ts';
import { activitiesFor } from '../directory/index.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { isSiren, isSiret, isVatNumber, normaliseDigits } from '../../core/identifiers.ts';
import { parseInput } from '../../core/validation.ts';
import { audit } from '../../core/audit.ts';
import type { CustomerId, PostalAddress } from './types.ts';
import { salesDb } from './db.ts';

export const EU_COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
];

export interface Customer {
  id: CustomerId;
  kind: 'company' | 'individual';
  name: string;
  siren: string | null;
  siret: string | null;
  vatNumber: string | null;
  email: string | null;
  phone: string | null;
  address: PostalAddress;
  deliveryAddress: PostalAddress | null;
  electronicAddress: string | null;
  paymentTermsDays: number;
  notes: string | null;
}

const opt = <T extends z.ZodTypeAny>(s: T) => s.nullable().optional();
/** Empty form fields are absent values. */
const blanksToNull = (raw: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' && v.trim() === '' ? null : v]));
export const CustomerInput = z
  .object({
    kind: z.enum(['company', 'individual'], { message: 'Choisissez entreprise ou particulier.' }),
    name: z.string().trim().min(2, 'Indiquez le nom du client.').max(200),
    siren: opt(z.string().transform(normaliseDigits).refine(isSiren, 'SIREN invalide (9 chiffres, clé de contrôle).')),
    siret: opt(z.string().transform(normaliseDigits).refine(isSiret, 'SIRET invalide (14 chiffres, clé de contrôle).')),
    vatNumber: opt(
      z
        .string()
        .transform((v) => v.replace(/\s/g, '').toUpperCase())
        .refine(isVatNumber, 'Numéro de TVA intracommunautaire invalide.'),
    ),
    email: opt(z.string().trim().email('Adresse e-mail invalide.')),
    phone: opt(z.string().trim().max(40)),
    addressLine1: z.string().trim().min(3, "Indiquez l'adresse."),
    addressLine2: opt(z.string().trim()),
    postalCode: z.string().trim().min(2, 'Indiquez le code postal.').max(12),
    city: z.string().trim().min(2, 'Indiquez la ville.'),
    countryCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'Pays : code à 2 lettres (FR, BE…).')
      .default('FR'),
    electronicAddress: opt(z.string().trim().max(100)),
    paymentTermsDays: z
      .number()
      .int()
      .min(0, 'Délai de paiement invalide.')
      .max(60, 'Le délai de paiement ne peut pas dépasser 60 jours (article L441-10 du Code de commerce).')
      .default(30),
    notes: opt(z.string().trim().max(2000)),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'company' && v.countryCode === 'FR' && !v.siren)
      ctx.addIssue({ code: 'custom', path: ['siren'], message: "Le SIREN d'un client professionnel est obligatoire." });
    if (v.countryCode === 'FR' && !/^\d{5}$/.test(v.postalCode))
      ctx.addIssue({ code: 'custom', path: ['postalCode'], message: 'Code postal : 5 chiffres.' });
    if (v.siret && v.siren && !v.siret.startsWith(v.siren))
      ctx.addIssue({ code: 'custom', path: ['siret'], message: 'Le SIRET doit commencer par le SIREN.' });
    // The e-invoicing directory (annuaire) address of a French company: SIREN, SIREN_SIRET,
    // SIREN_SIRET_CODE (routing code) or SIREN_SUFFIX; invoices go to it through the platform.
    if (v.kind === 'company' && v.countryCode === 'FR' && v.electronicAddress) {
      const problem = annuaireAddressProblem(v.electronicAddress, v.siren ?? null);
      if (problem) ctx.addIssue({ code: 'custom', path: ['electronicAddress'], message: problem });
    }
  });

/** Why an address is not a directory (annuaire) address of this SIREN (null: it is one). */
export function annuaireAddressProblem(address: string, siren: string | null): string | null {
  const parts = address.split('_');
  if (!/^\d{9}$/.test(parts[0] ?? '') || !isSiren(parts[0]))
    return 'Adresse de facturation électronique : elle commence par le SIREN du client (9 chiffres).';
  if (siren && parts[0] !== siren)
    return 'Adresse de facturation électronique : le SIREN ne correspond pas à celui du client.';
  if (parts.length > 3) return 'Adresse de facturation électronique : SIREN, SIREN_SIRET ou SIREN_SIRET_CODE.';
  if (parts.length >= 2 && /^\d{14}$/.test(parts[1]) && !isSiret(parts[1]))
    return 'Adresse de facturation électronique : le SIRET indiqué est invalide.';
  if (parts.length >= 2 && /^\d{14}$/.test(parts[1]) && !parts[1].startsWith(parts[0]))
    return 'Adresse de facturation électronique : le SIRET doit commencer par le SIREN.';
  if (parts.slice(1).some((p) => !/^[A-Za-z0-9-]{1,100}$/.test(p)))
    return 'Adresse de facturation électronique : code de routage invalide (lettres, chiffres et tirets).';
  return null;
}
export type CustomerInput = z.input<typeof CustomerInput>;

/** Lower case, no accents, no punctuation, no legal-form noise: "SARL L'Atelier  Bois" ≈ "l atelier bois". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(sarl|sas|sasu|eurl|sa|scop|scic|sci|eirl|ei)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

type Row = {
  id: string;
  kind: 'company' | 'individual';
  name: string;
  siren: string | null;
  siret: string | null;
  vat_number: string | null;
  email: string | null;
  phone: string | null;
  address_line1: string;
  address_line2: string | null;
  postal_code: string;
  city: string;
  country_code: string;
  delivery_address: unknown;
  electronic_address: string | null;
  payment_terms_days: number;
  notes: string | null;
};
export function toCustomer(r: Row): Customer {
  return {
    id: r.id as CustomerId,
    kind: r.kind,
    name: r.name,
    siren: r.siren?.trim() ?? null,
    siret: r.siret?.trim() ?? null,
    vatNumber: r.vat_number,
    email: r.email,
    phone: r.phone,
    address: {
      line1: r.address_line1,
      line2: r.address_line2,
      postalCode: r.postal_code,
      city: r.city,
      countryCode: r.country_code.trim(),
    },
    deliveryAddress: (r.delivery_address as PostalAddress | null) ?? null,
    electronicAddress: r.electronic_address,
    paymentTermsDays: r.payment_terms_days,
    notes: r.notes,
  };
}

async function checkDuplicate(trx: Tx, actor: Actor, v: { siren?: string | null; name: string }, exceptId?: string) {
  let q = salesDb(trx)
    .selectFrom('customer')
    .select(['id', 'name', 'siren', 'normalized_name'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('archived_at', 'is', null)
    .where((eb) =>
      eb.or([eb('normalized_name', '=', normaliseName(v.name)), ...(v.siren ? [eb('siren', '=', v.siren)] : [])]),
    );
  if (exceptId) q = q.where('id', '<>', exceptId);
  const dup = await q.executeTakeFirst();
  if (!dup) return;
  if (v.siren && dup.siren?.trim() === v.siren)
    throw new UserError(`Un client avec ce SIREN existe déjà : ${dup.name}.`, 'siren');
  throw new UserError(`Un client portant ce nom existe déjà : ${dup.name}.`, 'name');
}

function values(v: z.output<typeof CustomerInput>) {
  return {
    kind: v.kind,
    name: v.name,
    normalized_name: normaliseName(v.name),
    siren: v.siren ?? null,
    siret: v.siret ?? null,
    vat_number: v.vatNumber ?? null,
    email: v.email ?? null,
    phone: v.phone ?? null,
    address_line1: v.addressLine1,
    address_line2: v.addressLine2 ?? null,
    postal_code: v.postalCode,
    city: v.city,
    country_code: v.countryCode,
    // BT-49: SIREN-based electronic address (scheme 0225) unless one was given.
    electronic_address: v.electronicAddress ?? (v.kind === 'company' && v.siren ? v.siren : null),
    payment_terms_days: v.paymentTermsDays,
    notes: v.notes ?? null,
  };
}

export async function createCustomer(trx: Tx, actor: Actor, raw: CustomerInput): Promise<Customer> {
  authorize(actor, SALES.customerWrite);
  const v = parseInput(CustomerInput, blanksToNull(raw as Record<string, unknown>));
  await checkDuplicate(trx, actor, v);
  const id = uuidv7<CustomerId>();
  await salesDb(trx)
    .insertInto('customer')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      ...values(v),
      delivery_address: null,
      created_by: actor.userId,
      archived_at: null,
    })
    .execute();
  await audit(trx, actor, {
    action: 'customer.created',
    targetType: 'customer',
    targetId: id,
    data: { name: v.name, siren: v.siren ?? null },
  });
  return (await getCustomer(trx, actor, id))!;
}

export async function updateCustomer(trx: Tx, actor: Actor, id: string, raw: CustomerInput): Promise<Customer> {
  const scope = authorize(actor, SALES.customerWrite);
  const current = await getCustomer(trx, actor, id);
  if (!current) throw new NotFoundError('Client');
  if (scope === 'own' && !(await customerIsTheirs(trx, actor, id))) throw new NotFoundError('Client');
  const v = parseInput(CustomerInput, blanksToNull(raw as Record<string, unknown>));
  await checkDuplicate(trx, actor, v, id);
  await salesDb(trx)
    .updateTable('customer')
    .set({ ...values(v), updated_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, { action: 'customer.updated', targetType: 'customer', targetId: id, data: { name: v.name } });
  return (await getCustomer(trx, actor, id))!;
}

/** The customers of a cooperative are one shared file (one company invoices them all), but an
 *  entrepreneur may only change those they created or already invoiced or quoted: a customer's
 *  address changes the documents of every activity that works with it. */
async function customerIsTheirs(trx: Tx, actor: Actor, id: string): Promise<boolean> {
  if (!actor.userId) return false;
  const mine = (await activitiesFor(trx, actor)).map((a) => a.id);
  const r = await salesDb(trx)
    .selectFrom('customer')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where((eb) => {
      const ors = [eb('created_by', '=', actor.userId)];
      if (mine.length)
        ors.push(
          eb.exists(
            eb
              .selectFrom('invoice')
              .select('invoice.id')
              .where('invoice.cooperative_id', '=', actor.cooperativeId)
              .whereRef('invoice.customer_id', '=', 'customer.id')
              .where('invoice.activity_id', 'in', mine),
          ),
        );
      return eb.or(ors);
    })
    .executeTakeFirst();
  return !!r;
}

export async function getCustomer(trx: Tx, actor: Actor, id: string): Promise<Customer | null> {
  authorize(actor, SALES.customerRead);
  const r = await salesDb(trx)
    .selectFrom('customer')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toCustomer(r) : null;
}

/** Several customers in one query (a list's checks), by id. */
export async function getCustomers(trx: Tx, actor: Actor, ids: string[]): Promise<Map<string, Customer>> {
  authorize(actor, SALES.customerRead);
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await salesDb(trx)
    .selectFrom('customer')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id as string, toCustomer(r)]));
}

/** The e-mail of each of these customers in one query (a list of invoices, not one query each). */
export async function customerEmails(trx: Tx, actor: Actor, ids: string[]): Promise<Map<string, string | null>> {
  authorize(actor, SALES.customerRead);
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await salesDb(trx)
    .selectFrom('customer')
    .select(['id', 'email'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id as string, r.email]));
}

/**
 * Customers by name. Without a search, `after` (the key of the previous page's last item) continues from
 * the last customer seen (keyset, name then id): a customer added meanwhile shifts no page.
 */
export async function listCustomers(
  trx: Tx,
  actor: Actor,
  opts: { q?: string; page?: number; pageSize?: number; after?: CustomerKey } = {},
) {
  authorize(actor, SALES.customerRead);
  const pageSize = Math.min(500, opts.pageSize ?? 25);
  const page = Math.max(1, opts.page ?? 1);
  let q = salesDb(trx)
    .selectFrom('customer')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('archived_at', 'is', null);
  const s = searchText(opts.q);
  const cols = { names: [sql`customer.name`], codes: [sql`customer.email`] };
  if (s) {
    const digits = normaliseDigits(s);
    q = q.where((eb) =>
      eb.or([textMatches(cols, s), ...(digits.length >= 3 ? [eb('siren', 'like', `${digits.slice(0, 9)}%`)] : [])]),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const after = s ? undefined : opts.after;
  const rows = await q
    .selectAll()
    .$if(!!after, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('normalized_name', '>', after!.name),
          eb.and([eb('normalized_name', '=', after!.name), eb('id', '>', after!.id)]),
        ]),
      ),
    )
    .$if(!!s, (qb) => qb.orderBy(textScore(cols, s), 'desc'))
    .orderBy('normalized_name')
    .orderBy('id')
    .limit(pageSize)
    .$if(!after, (qb) => qb.offset((page - 1) * pageSize))
    .execute();
  return {
    total,
    page,
    pageSize,
    items: rows.map(toCustomer),
    /** Each item's place in the order, to continue after it (`after`). */
    keys: rows.map((r): CustomerKey => ({ name: r.normalized_name, id: r.id })),
  };
}
/** Where a page of customers ended (see listCustomers). */
export interface CustomerKey {
  name: string;
  id: string;
}

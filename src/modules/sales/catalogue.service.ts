// Catalogue: the products and services an activity sells, to pre-fill invoice and quote lines.
import { z } from 'zod';
import type { Tx } from '../../core/db/tenant.ts';
import { isStaff, type Actor } from '../../core/actor.ts';
import { uuidv7 } from '../../core/ids.ts';
import { authorize } from '../../core/authz.ts';
import { SALES } from './permissions.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import { audit } from '../../core/audit.ts';
import { activitiesFor, activityFacts } from '../directory/index.ts';
import type { VatCategory } from './types.ts';
import { salesDb } from './db.ts';

export interface CatalogueItem {
  id: string;
  activityId: string;
  name: string;
  description: string | null;
  unitCode: string;
  unitPriceCents: number;
  vatCategory: VatCategory;
  vatRateBp: number;
  nature: 'goods' | 'services';
}
export const UNIT_CODES: [string, string][] = [
  ['C62', 'unité'],
  ['HUR', 'heure'],
  ['DAY', 'jour'],
  ['MON', 'mois'],
  ['LS', 'forfait'],
  ['KGM', 'kg'],
  ['MTR', 'm'],
  ['MTK', 'm²'],
];

export const CatalogueInput = z
  .object({
    activityId: z.string().uuid("Choisissez l'activité."),
    name: z.string().trim().min(2, 'Indiquez le nom du produit ou de la prestation.').max(200),
    description: z.string().trim().max(1000).nullable().optional(),
    unitCode: z.string().refine((u) => UNIT_CODES.some(([c]) => c === u), 'Unité inconnue.'),
    unitPriceCents: z
      .number({ message: 'Prix invalide (ex. : 120,00).' })
      .int()
      .min(0, 'Le prix ne peut pas être négatif.')
      .max(100_000_000_00, 'Prix trop élevé.'),
    vatCategory: z.enum(['S', 'Z', 'E', 'AE', 'K', 'G', 'O'], { message: 'Cas de TVA inconnu.' }),
    vatRateBp: z.number().int().min(0).max(10000),
    nature: z.enum(['goods', 'services'], { message: 'Choisissez marchandise ou prestation.' }),
  })
  .superRefine((v, ctx) => {
    if (v.vatCategory === 'S' && v.vatRateBp <= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['vatRateBp'],
        message: 'Le taux de TVA doit être positif pour une opération taxable.',
      });
    if (v.vatCategory !== 'S' && v.vatRateBp !== 0)
      ctx.addIssue({ code: 'custom', path: ['vatRateBp'], message: 'Le taux doit être nul hors opération taxable.' });
  });
export type CatalogueInput = z.input<typeof CatalogueInput>;

async function checkActivity(trx: Tx, actor: Actor, activityId: string) {
  if (isStaff(actor)) {
    const a = await activityFacts(trx, actor.cooperativeId, { id: activityId });
    if (a) return;
  } else if ((await activitiesFor(trx, actor)).some((a) => a.id === activityId)) return;
  throw new UserError("Choisissez l'une de vos activités.", 'activityId');
}

type Row = {
  id: string;
  activity_id: string;
  name: string;
  description: string | null;
  unit_code: string;
  unit_price_cents: number;
  vat_category: string;
  vat_rate_bp: number;
  nature: 'goods' | 'services';
};
const toItem = (r: Row): CatalogueItem => ({
  id: r.id,
  activityId: r.activity_id,
  name: r.name,
  description: r.description,
  unitCode: r.unit_code,
  unitPriceCents: Number(r.unit_price_cents),
  vatCategory: r.vat_category as VatCategory,
  vatRateBp: r.vat_rate_bp,
  nature: r.nature,
});

export async function createCatalogueItem(trx: Tx, actor: Actor, raw: CatalogueInput): Promise<CatalogueItem> {
  authorize(actor, SALES.catalogueWrite);
  const v = parseInput(CatalogueInput, raw);
  await checkActivity(trx, actor, v.activityId);
  const id = uuidv7();
  await salesDb(trx)
    .insertInto('catalogue_item')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      activity_id: v.activityId,
      name: v.name,
      description: v.description ?? null,
      unit_code: v.unitCode,
      unit_price_cents: v.unitPriceCents,
      vat_category: v.vatCategory,
      vat_rate_bp: v.vatRateBp,
      nature: v.nature,
      archived_at: null,
    })
    .execute();
  await audit(trx, actor, {
    action: 'catalogue.item_created',
    targetType: 'catalogue_item',
    targetId: id,
    data: { name: v.name },
  });
  return (await getCatalogueItem(trx, actor, id))!;
}

export async function archiveCatalogueItem(trx: Tx, actor: Actor, id: string): Promise<void> {
  authorize(actor, SALES.catalogueWrite);
  const item = await getCatalogueItem(trx, actor, id);
  if (!item) throw new NotFoundError('Article');
  await checkActivity(trx, actor, item.activityId);
  await salesDb(trx)
    .updateTable('catalogue_item')
    .set({ archived_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, { action: 'catalogue.item_archived', targetType: 'catalogue_item', targetId: id });
}

export async function getCatalogueItem(trx: Tx, actor: Actor, id: string): Promise<CatalogueItem | null> {
  const scope = authorize(actor, SALES.catalogueRead);
  const r = await salesDb(trx)
    .selectFrom('catalogue_item')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  if (scope === 'own' && !(await activitiesFor(trx, actor)).some((a) => a.id === r.activity_id)) return null;
  return toItem(r);
}

/** Items of the activities the actor works for (all for staff), optionally one activity. */
export async function listCatalogue(
  trx: Tx,
  actor: Actor,
  opts: { activityId?: string } = {},
): Promise<CatalogueItem[]> {
  const scope = authorize(actor, SALES.catalogueRead);
  let q = salesDb(trx)
    .selectFrom('catalogue_item')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('archived_at', 'is', null);
  if (scope === 'own') {
    const ids = (await activitiesFor(trx, actor)).map((a) => a.id);
    if (!ids.length) return [];
    q = q.where('activity_id', 'in', ids);
  }
  if (opts.activityId) q = q.where('activity_id', '=', opts.activityId);
  return (await q.orderBy('name').execute()).map(toItem);
}

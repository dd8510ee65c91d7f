// Reading what a request carries: forms, JSON, and the ids, pages and filters of the address,
// checked at the edge so that garbage (a non-UUID id, `page=1e309`, an unknown filter value)
// gives a French 400 or 404, never a database error.
import { NotFoundError, UserError } from '../core/errors.ts';
import { isUuid } from '../core/ids.ts';
import type { Ctx } from './context.ts';
/** The submitted form as plain strings (the last value wins; arrays via formAll). */
export async function formValues(c: Ctx): Promise<Record<string, string>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}
export async function formAll(c: Ctx, name: string): Promise<string[]> {
  const body = await c.req.parseBody({ all: true });
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

/** A JSON body as a plain object ({} when it is not one): fields are then checked one by one. */
export async function jsonBody(c: Ctx): Promise<Record<string, unknown>> {
  try {
    const b: unknown = await c.req.json();
    return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The highest page number a list accepts (beyond, the offset means nothing). */
export const MAX_PAGE = 100_000;

/** `?page=`: 1 when absent; a French 400 when it is not a whole number between 1 and MAX_PAGE. */
export function pageParam(c: Ctx): number {
  const raw = c.req.query('page');
  if (raw === undefined || raw === '') return 1;
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PAGE)) throw new UserError('Numéro de page invalide.');
  return n;
}

/** A path parameter that must be an id (UUID): anything else is a French 404 (`what` introuvable). */
export function idParam(c: Ctx, name = 'id', what = 'Élément'): string {
  const v = c.req.param(name);
  if (!v || !isUuid(v)) throw new NotFoundError(what);
  return v.toLowerCase();
}

/** An optional id filter (`?activity=…`): undefined when absent, a French 400 when not a UUID. */
export function uuidQuery(c: Ctx, name: string): string | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  if (!isUuid(v)) throw new UserError('Filtre invalide : identifiant inconnu.');
  return v.toLowerCase();
}

/** An optional filter among known values (`?status=paid`): a French 400 for any other value. */
export function enumQuery<T extends string>(c: Ctx, name: string, values: readonly T[]): T | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  if (!(values as readonly string[]).includes(v)) throw new UserError('Filtre invalide : valeur inconnue.');
  return v as T;
}

/** An optional free-text filter (search box): trimmed, at most `max` characters. */
export function textQuery(c: Ctx, name: string, max = 200): string | undefined {
  const v = c.req.query(name)?.trim();
  return v ? v.slice(0, max) : undefined;
}

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
export const pageParam = (c: Ctx) => Math.max(1, Number(c.req.query('page') ?? 1) || 1);

/** A JSON body as a plain object ({} when it is not one): fields are then checked one by one. */
export async function jsonBody(c: Ctx): Promise<Record<string, unknown>> {
  try {
    const b: unknown = await c.req.json();
    return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

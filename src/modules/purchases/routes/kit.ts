import type { Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { withTenant, type Tx } from '../../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../../core/actor.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';

export const db = (c: Ctx) => c.get('app').odb.db;
export const tenant = <T>(c: Ctx, fn: (trx: Tx, actor: Actor) => Promise<T>) => {
  const a = actorOf(c);
  return withTenant(db(c), a.cooperativeId, (trx) => fn(trx, a));
};
export const fileKey = (c: Ctx) => c.get('app').config.fileKey;
export const isValidator = (a: Actor) => hasRole(a, 'support', 'accountant', 'director');

/** Multipart body: strings and the first uploaded file. */
export async function multipart(
  c: Ctx,
  fileField: string,
): Promise<{ f: Record<string, string>; file: { name: string; mimeType: string; content: Buffer } | null }> {
  const body = await c.req.parseBody();
  const f = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const up = body[fileField];
  const file =
    up instanceof File && up.size > 0
      ? {
          name: up.name || 'fichier',
          mimeType: up.type || 'application/octet-stream',
          content: Buffer.from(await up.arrayBuffer()),
        }
      : null;
  return { f, file };
}
/** On the expense form, a problem with the file is shown beside the receipt field. */
export const receiptErrors = (e: unknown) => {
  const { file, _: general, ...rest } = badRequest(e);
  const receipt = rest.receipt ?? file ?? (Object.keys(rest).length ? undefined : general);
  return receipt ? { ...rest, receipt } : { ...rest, ...(general ? { _: general } : {}) };
};
export const badRequest = (e: unknown): Record<string, string> => {
  const errors = fieldErrors(e);
  if (!errors && !(e instanceof UserError)) throw e;
  return errors ?? { _: (e as UserError).message };
};

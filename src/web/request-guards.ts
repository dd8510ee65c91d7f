// The front door: before anything reads a request, its address and body are bounded. A body
// larger than the route allows is refused from its Content-Length (or while streaming, when it
// has none) before any parsing, so an anonymous 300 MB POST costs nothing; upload routes raise
// their own limit with `uploadBodyLimit`. Addresses with NUL bytes or control characters, or
// absurdly long, are refused with a French message instead of reaching the database.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { MAX_FILE_BYTES } from '../core/files.ts';
import type { AppEnv, Ctx } from './context.ts';

/** Any form or JSON body: far above what a page sends, far below what hurts. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** No route may accept more, whatever it asks. */
export const MAX_UPLOAD_LIMIT = 50 * 1024 * 1024;
/** A route receiving one stored file (receipt, invoice, statement, document): the file and its form. */
export const FILE_UPLOAD_LIMIT = MAX_FILE_BYTES + 256 * 1024;
/** Longest address accepted (path and query). */
export const MAX_URL_LENGTH = 8192;

type Handler = (...args: never[]) => unknown;
const uploadLimits = new WeakMap<Handler, number>();
/** For a form in a browser: the page to send the person back to when the file is too large. */
const tooLargeReturns = new WeakMap<Handler, string>();

/** The query parameter that tells a form page its file was too large (value: the limit in bytes). */
export const TOO_LARGE_PARAM = 'fichier-trop-volumineux';

/** Route middleware for an upload route: `app.post('/x', uploadBodyLimit(10 * 1024 * 1024), handler)`.
 *  The front door reads it from the matched routes, so the body is bounded before anything parses
 *  it (the CSRF check included). */
export function uploadBodyLimit(maxBytes: number, opts: { returnTo?: string } = {}): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (_c, next) => next();
  uploadLimits.set(mw, Math.min(Math.max(0, Math.floor(maxBytes)), MAX_UPLOAD_LIMIT));
  // A browser form is sent back to its page, which says beside the file field what went wrong
  // (a bare 413 page loses the person); only a fixed local path, never one taken from the request.
  if (opts.returnTo?.startsWith('/') && !opts.returnTo.startsWith('//')) tooLargeReturns.set(mw, opts.returnTo);
  return mw;
}

/** The page a too-large form post of this route goes back to, if it has one. */
function tooLargeReturnFor(c: Ctx): string | null {
  for (const r of matchedRoutes(c)) {
    const h = r.handler as Handler & { __COMPOSED_HANDLER?: Handler };
    const to = tooLargeReturns.get(h) ?? (h.__COMPOSED_HANDLER ? tooLargeReturns.get(h.__COMPOSED_HANDLER) : undefined);
    if (to) return to;
  }
  return null;
}

/** What a form page shows beside its file field after a too-large post, or null. */
export function tooLargeMessage(c: Ctx): string | null {
  const v = c.req.query(TOO_LARGE_PARAM);
  if (!v || !/^\d{1,12}$/.test(v)) return null;
  return `Fichier trop volumineux : ${megabytes(Math.min(Number(v), MAX_UPLOAD_LIMIT))} au plus. Réduisez la photo ou compressez le PDF, puis recommencez.`;
}

/** The limit of the route this request goes to: the largest `uploadBodyLimit` among its handlers. */
export function bodyLimitFor(c: Ctx): number {
  let limit = DEFAULT_BODY_LIMIT;
  for (const r of matchedRoutes(c)) {
    const h = r.handler as Handler & { __COMPOSED_HANDLER?: Handler };
    const own = uploadLimits.get(h) ?? (h.__COMPOSED_HANDLER ? uploadLimits.get(h.__COMPOSED_HANDLER) : undefined);
    if (own !== undefined) limit = Math.max(limit, own);
  }
  return limit;
}

const megabytes = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} Mo`.replace('.', ',');

function urlProblem(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) return 'Adresse trop longue.';
  const at = raw.indexOf('/', raw.indexOf('//') + 2);
  const pathAndQuery = at < 0 ? '' : raw.slice(at);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathAndQuery.replace(/\+/g, ' '));
  } catch {
    return 'Adresse mal formée.';
  }
  for (let i = 0; i < decoded.length; i++) {
    const code = decoded.charCodeAt(i);
    // Tabs and line breaks may come from a pasted search; NUL and other controls never do.
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return 'Adresse invalide : elle contient des caractères interdits.';
  }
  return null;
}

export const requestGuards: MiddlewareHandler<AppEnv> = async (c, next) => {
  const problem = urlProblem(c.req.url);
  if (problem) return c.text(problem, 400);
  const maxSize = bodyLimitFor(c);
  return bodyLimit({
    maxSize,
    onError: (ctx) => {
      const back = tooLargeReturnFor(ctx);
      const browserForm = (ctx.req.header('accept') ?? '').includes('text/html') && !ctx.req.header('hx-request');
      if (back && browserForm) {
        const sep = back.includes('?') ? '&' : '?';
        return ctx.redirect(`${back}${sep}${TOO_LARGE_PARAM}=${maxSize}`, 303);
      }
      return ctx.text(`Le contenu envoyé est trop volumineux (${megabytes(maxSize)} au plus).`, 413);
    },
  })(c, next);
};

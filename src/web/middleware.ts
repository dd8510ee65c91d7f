// Request pipeline: security headers, session → user → actor, CSRF on every state change, flash.
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { type AppEnv, clientIp, type Ctx, type Flash } from './context.ts';
import { loadSession, recentlyAuthenticated } from '../core/auth/sessions.ts';
import { safeReturnPath } from './return-path.ts';
import { requestGuards } from './request-guards.ts';
import { getUser } from '../core/auth/users.ts';
import { newToken, safeEqual } from '../core/auth/tokens.ts';
import { t } from '../core/i18n.ts';
import { VIDEO_FRAME_HOSTS } from './video.ts';

export const SESSION_COOKIE = 'rad_session';
const ANON_CSRF_COOKIE = 'rad_csrf';
const FLASH_COOKIE = 'rad_flash';

export const isHttps = (c: Ctx) => c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https';

/** The front door, mounted first: request guards (address and body bounded before anything
 *  reads them, request-guards.ts), then security headers on every answer, the guards' included. */
export const frontDoor: MiddlewareHandler<AppEnv> = async (c, next) => {
  const refused = await requestGuards(c, next);
  if (refused instanceof Response) c.res = refused;
  const h = c.res.headers;
  // No inline script anywhere: htmx and our app.js are files from 'self'. Frames: only the video
  // players of the allow-list (web/video.ts), for lessons' embedded videos.
  h.set(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-src 'self' ${VIDEO_FRAME_HOSTS.join(' ')}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`,
  );
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('X-Frame-Options', 'DENY');
  h.set('Referrer-Policy', 'same-origin');
  h.set('Permissions-Policy', 'camera=(self), geolocation=(), microphone=()');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (isHttps(c)) h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
};
/** The name the assembly mounts today: the same front door (guards included). */
export const securityHeaders = frontDoor;

export function cookieOpts(c: Ctx, maxAge?: number) {
  return { httpOnly: true, secure: isHttps(c), sameSite: 'Lax' as const, path: '/', maxAge };
}

export const loadIdentity: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { odb } = c.get('app');
  c.set('session', null);
  c.set('user', null);
  c.set('actor', null);
  c.set('memberships', []);
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const s = await loadSession(odb.db, token);
    if (s) {
      c.set('session', s);
      const user = await getUser(odb.db, s.userId);
      if (user && s.secondFactorOk) {
        c.set('user', user);
        const ms = await c.get('app').membershipsOfUser(odb.db, user.id);
        c.set('memberships', ms);
        const current = ms.find((m) => m.cooperativeId === s.currentCooperativeId) ?? ms[0];
        if (current)
          c.set('actor', {
            userId: user.id,
            cooperativeId: current.cooperativeId,
            roles: current.roles,
            label: user.displayName,
            ip: clientIp(c),
            ...(current.organisationType ? { organisationType: current.organisationType } : {}),
          });
      }
    }
  }
  const session = c.get('session');
  let csrf = session?.csrfToken;
  if (!csrf) {
    csrf = getCookie(c, ANON_CSRF_COOKIE);
    if (!csrf) {
      csrf = newToken(18);
      setCookie(c, ANON_CSRF_COOKIE, csrf, cookieOpts(c));
    }
  }
  c.set('csrf', csrf);
  const flashRaw = getCookie(c, FLASH_COOKIE);
  c.set('flash', null);
  if (flashRaw) {
    try {
      c.set('flash', JSON.parse(Buffer.from(flashRaw, 'base64url').toString()) as Flash);
    } catch {
      /* ignore a mangled cookie */
    }
    deleteCookie(c, FLASH_COOKIE, { path: '/' });
  }
  await next();
};

export function setFlash(c: Ctx, flash: Flash) {
  setCookie(c, FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), {
    ...cookieOpts(c),
    maxAge: 60,
  });
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Public endpoints whose authenticity comes from a token in the URL (signed quote links, unsubscribe),
 *  and the REST API, which accepts only bearer tokens (never the session cookie), so a forged
 *  cross-site request carries no credential (modules/api/routes/v1.ts). */
const CSRF_EXEMPT = [/^\/public\/.+\/token\//, /^\/api\/v1\//];

/** Only these bodies may carry the `_csrf` field; anything else must send the X-CSRF-Token header. */
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE.has(c.req.method) || CSRF_EXEMPT.some((r) => r.test(new URL(c.req.url).pathname))) return next();
  // Same-origin check first (a cross-site POST carries a foreign Origin).
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(c.req.url).origin && origin !== c.get('app').config.publicUrl) return csrfFailure(c);
  let sent = c.req.header('x-csrf-token');
  if (!sent) {
    // The body is already bounded by the front door (request-guards.ts); only a form is parsed.
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (FORM_TYPES.has(mediaType)) {
      const body = await c.req.parseBody({ all: true });
      const v = body._csrf;
      sent = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
    }
  }
  if (!sent || !safeEqual(sent, c.get('csrf'))) return csrfFailure(c);
  return next();
};

function csrfFailure(c: Ctx) {
  return c.text(t('error.csrf'), 403);
}

export const requireActor: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('actor')) {
    if (c.get('user')) return c.redirect('/sans-cooperative');
    const back = new URL(c.req.url).pathname;
    return c.redirect(`/connexion${back && back !== '/' ? `?retour=${encodeURIComponent(back)}` : ''}`);
  }
  return next();
};

/** Security changes (second factor, passkeys, password, e-mail, bank details) need a recent proof
 *  of identity: otherwise the person is sent to confirm it (`/profil/confirmer`) and comes back. */
export const requireRecentAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (recentlyAuthenticated(c.get('session'))) return next();
  const url = new URL(c.req.url);
  let back = url.pathname + url.search;
  if (c.req.method !== 'GET') {
    // A form post cannot be replayed by a redirect: come back to the page it was sent from.
    const referer = c.req.header('referer');
    const from = referer ? URL.parse(referer) : null;
    back = from && from.origin === url.origin ? from.pathname + from.search : '/profil';
  }
  const confirm = `/profil/confirmer?retour=${encodeURIComponent(safeReturnPath(back, '/profil'))}`;
  const wantsJson =
    (c.req.header('content-type') ?? '').includes('json') || (c.req.header('accept') ?? '').includes('json');
  if (wantsJson)
    return c.json(
      { ok: false, error: 'Confirmez votre identité pour continuer.', redirect: confirm, reauthenticate: true },
      401,
    );
  return c.redirect(confirm);
};

// OpenID Connect sign-in (core/auth/oidc.ts): the "Se connecter avec …" buttons post here, the
// provider sends the browser back to /connexion/oidc/retour, and an identity not yet linked
// waits on /connexion/oidc/lier until the person proves who they are on Radieuse (password or
// passkey, through the ordinary sign-in or the confirmation page). Nothing is written by a
// refused callback except the spent state.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { audit } from '../../../core/audit.ts';
import {
  finishOidcSignIn,
  linkOidcIdentity,
  OIDC_LINK_MINUTES,
  OIDC_STATE_MINUTES,
  OidcError,
  pendingOidcLink,
  startOidcSignIn,
  unlinkOidcIdentity,
} from '../../../core/auth/oidc.ts';
import { createSession, lastCooperativeOf, SESSION_DAYS } from '../../../core/auth/sessions.ts';
import { UserError } from '../../../core/errors.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { type AppEnv, actorOf, clientIp, type Ctx, userOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { cookieOpts, requireActor, requireRecentAuth, SESSION_COOKIE, setFlash } from '../../../web/middleware.ts';
import { safeReturnPath } from '../../../web/return-path.ts';
import { membershipsOfUser } from '../../directory/index.ts';
import { OidcErrorPage, OidcLinkPage } from '../views/oidc-pages.tsx';
import { auditSignIn } from './sign-in.tsx';

export const oidcRoutes = new Hono<AppEnv>();

const STATE_COOKIE = 'rad_oidc';
const LINK_COOKIE = 'rad_oidc_link';
const LINK_PATH = '/connexion/oidc/lier';

/** The provider's redirect back is a top-level GET from another site: SameSite=Lax cookies come along. */
const shortCookie = (c: Ctx, minutes: number) => ({ ...cookieOpts(c, minutes * 60), path: '/connexion/oidc' });

oidcRoutes.post('/connexion/oidc/:id/demarrer', async (c) => {
  const { odb, config } = c.get('app');
  const f = await formValues(c);
  try {
    const r = await startOidcSignIn(odb.db, config.fileKey, {
      providerId: c.req.param('id'),
      publicUrl: config.publicUrl,
      back: safeReturnPath(f.retour),
    });
    setCookie(c, STATE_COOKIE, r.state, shortCookie(c, OIDC_STATE_MINUTES));
    return c.redirect(r.url, 303);
  } catch (e) {
    if (e instanceof OidcError) return c.html(<OidcErrorPage c={c} message={e.message} />, 400);
    throw e;
  }
});

oidcRoutes.get('/connexion/oidc/retour', async (c) => {
  const { odb, config } = c.get('app');
  const cookieState = getCookie(c, STATE_COOKIE) ?? null;
  deleteCookie(c, STATE_COOKIE, { path: '/connexion/oidc' });
  let r: Awaited<ReturnType<typeof finishOidcSignIn>>;
  try {
    r = await finishOidcSignIn(odb.db, config.fileKey, {
      callbackUrl: new URL(c.req.url),
      cookieState,
      publicUrl: config.publicUrl,
    });
  } catch (e) {
    if (e instanceof OidcError) return c.html(<OidcErrorPage c={c} message={e.message} />, 400);
    throw e;
  }
  if (r.kind === 'link') {
    setCookie(c, LINK_COOKIE, r.linkToken, shortCookie(c, OIDC_LINK_MINUTES));
    return c.redirect(LINK_PATH);
  }
  const ip = clientIp(c);
  const ms = await membershipsOfUser(odb.db, r.userId);
  const s = await createSession(odb.db, r.userId, {
    ip,
    userAgent: c.req.header('user-agent') ?? null,
    secondFactorOk: !r.needsSecondFactor,
    cooperativeId: await lastCooperativeOf(
      odb.db,
      r.userId,
      ms.map((m) => m.cooperativeId),
    ),
  });
  setCookie(c, SESSION_COOKIE, s.token, cookieOpts(c, SESSION_DAYS * 86400));
  if (r.needsSecondFactor) return c.redirect(`/connexion/2fa?retour=${encodeURIComponent(r.back)}`);
  await auditSignIn(odb.db, r.userId, ms[0], ip, 'oidc');
  return c.redirect(r.back);
});

/** The identity waiting for a proof, from the cookie; a French page when none is pending. */
async function pending(c: Ctx) {
  const token = getCookie(c, LINK_COOKIE);
  const identity = token ? await pendingOidcLink(c.get('app').odb.db, token) : null;
  return identity && token ? { token, identity } : null;
}

oidcRoutes.get(LINK_PATH, async (c, next) => {
  const p = await pending(c);
  if (!p)
    return c.html(
      <OidcErrorPage
        c={c}
        message="Aucune identité externe n'attend d'être liée : recommencez depuis la page de connexion."
      />,
      400,
    );
  // Not signed in yet: the ordinary sign-in (password + second factor, or a passkey) is the proof.
  if (!c.get('user')) return c.html(<OidcLinkPage c={c} identity={p.identity} signedIn={false} />);
  return next();
});
oidcRoutes.get(LINK_PATH, requireActor, requireRecentAuth, async (c) => {
  const p = await pending(c);
  if (!p) return c.redirect('/connexion');
  return c.html(<OidcLinkPage c={c} identity={p.identity} signedIn email={c.get('user')?.email} />);
});

oidcRoutes.post(LINK_PATH, requireActor, requireRecentAuth, async (c) => {
  const { odb } = c.get('app');
  const actor = actorOf(c);
  const token = getCookie(c, LINK_COOKIE);
  deleteCookie(c, LINK_COOKIE, { path: '/connexion/oidc' });
  try {
    if (!token)
      throw new UserError("Aucune identité externe n'attend d'être liée : recommencez depuis la page de connexion.");
    const identity = await linkOidcIdentity(odb.db, userOf(c).id, token);
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      audit(trx, actor, {
        action: 'auth.oidc_linked',
        data: { provider: identity.label, issuer: identity.issuer },
      }),
    );
    setFlash(c, {
      kind: 'success',
      text: `Votre identité ${identity.label} est liée : vous pourrez vous connecter avec elle.`,
    });
    return c.redirect('/profil');
  } catch (e) {
    if (e instanceof UserError) return c.html(<OidcErrorPage c={c} message={e.message} />, 400);
    throw e;
  }
});

oidcRoutes.post('/profil/identites/:id/delier', requireActor, requireRecentAuth, async (c) => {
  const { odb } = c.get('app');
  const actor = actorOf(c);
  const ok = await unlinkOidcIdentity(odb.db, userOf(c).id, c.req.param('id'));
  if (ok) await withTenant(odb.db, actor.cooperativeId, (trx) => audit(trx, actor, { action: 'auth.oidc_unlinked' }));
  setFlash(
    c,
    ok
      ? { kind: 'success', text: "L'identité externe n'est plus liée à votre compte." }
      : { kind: 'error', text: 'Identité introuvable.' },
  );
  return c.redirect('/profil');
});

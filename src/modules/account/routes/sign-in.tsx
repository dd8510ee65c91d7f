// Sign-in (password, then the second factor when enabled), sign-out, cooperative switcher.
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { audit } from '../../../core/audit.ts';
import {
  createSession,
  revokeSession,
  markSecondFactor,
  lastCooperativeOf,
  setSessionCooperative,
  SESSION_DAYS,
} from '../../../core/auth/sessions.ts';
import { verifySecondFactor } from '../../../core/auth/totp.ts';
import { authenticate, getUser } from '../../../core/auth/users.ts';
import { listOidcProviders } from '../../../core/auth/oidc.ts';
import type { Membership } from '../../../core/actor.ts';
import type { Db } from '../../../core/db/index.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { UserId } from '../../../core/ids.ts';
import { type AppEnv, clientIp, type Ctx } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { cookieOpts, requireActor, SESSION_COOKIE, setFlash } from '../../../web/middleware.ts';
import { safeReturnPath } from '../../../web/return-path.ts';
import { membershipsOfUser } from '../../directory/index.ts';
import { SignInForm, TwoFactorForm } from '../views/sign-in.tsx';

export const signInRoutes = new Hono<AppEnv>();

/** Writes `auth.signed_in` in the cooperative the person lands in. */
export async function auditSignIn(
  db: Db,
  userId: string,
  m: Membership | undefined,
  ip: string | null,
  method: 'password' | 'passkey' | 'oidc',
) {
  if (!m) return;
  const label = (await getUser(db, userId))?.email ?? '';
  await withTenant(db, m.cooperativeId, (trx) =>
    audit(
      trx,
      { userId: userId as UserId, cooperativeId: m.cooperativeId, roles: m.roles, label, ip },
      { action: 'auth.signed_in', data: { method } },
    ),
  );
}

/** The OpenID Connect providers offered on the sign-in page (core/auth/oidc.ts). */
const providersOf = (c: Ctx) => listOidcProviders(c.get('app').odb.db, { enabledOnly: true });

signInRoutes.get('/connexion', async (c) => {
  if (c.get('user')) return c.redirect('/');
  return c.html(<SignInForm c={c} back={safeReturnPath(c.req.query('retour'))} providers={await providersOf(c)} />);
});

signInRoutes.post('/connexion', async (c) => {
  const { odb } = c.get('app');
  const f = await formValues(c);
  const ip = clientIp(c);
  const back = safeReturnPath(f.retour);
  const r = await authenticate(odb.db, f.email ?? '', f.password ?? '', ip);
  if (!r.ok)
    return c.html(
      <SignInForm c={c} email={f.email} error={r.message} back={back} providers={await providersOf(c)} />,
      r.reason === 'invalid' ? 401 : 429,
    );
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
  if (r.needsSecondFactor) return c.redirect(`/connexion/2fa?retour=${encodeURIComponent(back)}`);
  await auditSignIn(odb.db, r.userId, ms[0], ip, 'password');
  return c.redirect(back);
});

signInRoutes.get('/connexion/2fa', (c) => {
  const s = c.get('session');
  if (!s) return c.redirect('/connexion');
  if (s.secondFactorOk) return c.redirect('/');
  return c.html(<TwoFactorForm c={c} back={safeReturnPath(c.req.query('retour'))} />);
});
signInRoutes.post('/connexion/2fa', async (c) => {
  const { odb } = c.get('app');
  const s = c.get('session');
  if (!s) return c.redirect('/connexion');
  const f = await formValues(c);
  const back = safeReturnPath(f.retour);
  const r = await verifySecondFactor(odb.db, s.userId, f.code ?? '');
  if (!r.ok) return c.html(<TwoFactorForm c={c} error={r.message} back={back} />, r.reason === 'locked' ? 429 : 401);
  await markSecondFactor(odb.db, s.id);
  const ms = await membershipsOfUser(odb.db, s.userId);
  await auditSignIn(
    odb.db,
    s.userId,
    ms.find((m) => m.cooperativeId === s.currentCooperativeId) ?? ms[0],
    clientIp(c),
    'password',
  );
  return c.redirect(back);
});

signInRoutes.post('/deconnexion', async (c) => {
  const { odb } = c.get('app');
  const s = c.get('session');
  if (s) await revokeSession(odb.db, s.userId, s.id);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  setFlash(c, { kind: 'info', text: 'Vous êtes déconnecté·e. À bientôt !' });
  return c.redirect('/connexion');
});

signInRoutes.post('/cooperative/changer', requireActor, async (c) => {
  const { odb } = c.get('app');
  const f = await formValues(c);
  const m = c.get('memberships').find((x) => x.cooperativeId === f.cooperativeId);
  const session = c.get('session');
  if (!m || !session) {
    setFlash(c, { kind: 'error', text: "Vous n'êtes pas membre de cette coopérative." });
    return c.redirect('/');
  }
  await setSessionCooperative(odb.db, session.id, m.cooperativeId);
  setFlash(c, { kind: 'success', text: `Vous travaillez maintenant dans ${m.name}.` });
  return c.redirect('/');
});

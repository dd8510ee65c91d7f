// "Confirmez votre identité": a password, a TOTP code or a passkey renews the proof that security
// changes require (web/middleware.ts requireRecentAuth).
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { Hono } from 'hono';
import { authenticationOptions, relyingParty, verifyAuthentication } from '../../../core/auth/passkeys.ts';
import { markReauthenticated } from '../../../core/auth/sessions.ts';
import { verifySecondFactor } from '../../../core/auth/totp.ts';
import { confirmPassword } from '../../../core/auth/users.ts';
import { UserError } from '../../../core/errors.ts';
import { type AppEnv, clientIp, type Ctx, sessionOf, userOf } from '../../../web/context.ts';
import { formValues, jsonBody } from '../../../web/forms.ts';
import { requireActor } from '../../../web/middleware.ts';
import { safeReturnPath } from '../../../web/return-path.ts';
import { ConfirmPage } from '../views/confirm-page.tsx';

export const confirmRoutes = new Hono<AppEnv>();
confirmRoutes.use('/profil/confirmer', requireActor);
confirmRoutes.use('/profil/confirmer/*', requireActor);

const rpOf = (c: Ctx) => relyingParty(c.get('app').config.PUBLIC_URL, c.req.url, c.req.header('x-forwarded-proto'));

confirmRoutes.get('/profil/confirmer', (c) =>
  c.html(
    <ConfirmPage c={c} back={safeReturnPath(c.req.query('retour'), '/profil')} withCode={userOf(c).totpEnabled} />,
  ),
);

confirmRoutes.post('/profil/confirmer', async (c) => {
  const { odb } = c.get('app');
  const user = userOf(c);
  const f = await formValues(c);
  const back = safeReturnPath(f.retour, '/profil');
  const code = (f.code ?? '').trim();
  const r =
    code && user.totpEnabled
      ? await verifySecondFactor(odb.db, user.id, code)
      : await confirmPassword(odb.db, user.id, f.password ?? '', clientIp(c));
  if (!r.ok) return c.html(<ConfirmPage c={c} back={back} withCode={user.totpEnabled} error={r.message} />, 401);
  await markReauthenticated(odb.db, sessionOf(c).id);
  return c.redirect(back);
});

confirmRoutes.post('/profil/confirmer/passkey/options', async (c) =>
  c.json(await authenticationOptions(c.get('app').odb.db, rpOf(c))),
);

confirmRoutes.post('/profil/confirmer/passkey/verifier', async (c) => {
  const { odb } = c.get('app');
  const body = await jsonBody(c);
  try {
    const userId = await verifyAuthentication(odb.db, rpOf(c), body.response as AuthenticationResponseJSON);
    if (userId !== userOf(c).id) throw new UserError("Cette clé d'accès n'est pas celle de votre compte.");
  } catch (e) {
    if (e instanceof UserError) return c.json({ ok: false, error: e.message }, 400);
    throw e;
  }
  await markReauthenticated(odb.db, sessionOf(c).id);
  return c.json({ ok: true, redirect: safeReturnPath(body.retour, '/profil') });
});

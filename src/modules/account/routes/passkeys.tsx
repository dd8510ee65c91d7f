// Passkeys: /profil/passkeys (list, add, remove: adding and removing need a recent proof of
// identity) and sign-in with a passkey from /connexion.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { audit } from '../../../core/audit.ts';
import {
  authenticationOptions,
  deletePasskey,
  listPasskeys,
  registrationOptions,
  relyingParty,
  verifyAuthentication,
  verifyRegistration,
} from '../../../core/auth/passkeys.ts';
import { createSession, lastCooperativeOf, SESSION_DAYS } from '../../../core/auth/sessions.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { UserError } from '../../../core/errors.ts';
import { type AppEnv, actorOf, clientIp, type Ctx, userOf } from '../../../web/context.ts';
import { jsonBody } from '../../../web/forms.ts';
import { cookieOpts, requireActor, requireRecentAuth, SESSION_COOKIE, setFlash } from '../../../web/middleware.ts';
import { safeReturnPath } from '../../../web/return-path.ts';
import { membershipsOfUser } from '../../directory/index.ts';
import { PasskeysPage } from '../views/passkeys-page.tsx';
import { auditSignIn } from './sign-in.tsx';

export const passkeyRoutes = new Hono<AppEnv>();
passkeyRoutes.use('/profil/passkeys', requireActor);
passkeyRoutes.use('/profil/passkeys/*', requireActor);

const rpOf = (c: Ctx) => relyingParty(c.get('app').config.PUBLIC_URL, c.req.url, c.req.header('x-forwarded-proto'));
const jsonError = (c: Ctx, e: unknown) => {
  if (e instanceof UserError) return c.json({ ok: false, error: e.message }, 400);
  throw e;
};

passkeyRoutes.get('/profil/passkeys', async (c) => {
  const keys = await listPasskeys(c.get('app').odb.db, userOf(c).id);
  return c.html(<PasskeysPage c={c} keys={keys} />);
});

passkeyRoutes.post('/profil/passkeys/options', requireRecentAuth, async (c) =>
  c.json(await registrationOptions(c.get('app').odb.db, rpOf(c), userOf(c))),
);

passkeyRoutes.post('/profil/passkeys/verifier', requireRecentAuth, async (c) => {
  const { odb } = c.get('app');
  const body = await jsonBody(c);
  try {
    const pk = await verifyRegistration(
      odb.db,
      rpOf(c),
      userOf(c).id,
      body.response as RegistrationResponseJSON,
      typeof body.name === 'string' ? body.name : '',
    );
    const actor = actorOf(c);
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      audit(trx, actor, {
        action: 'auth.passkey_added',
        targetType: 'passkey',
        targetId: pk.id,
        data: { name: pk.name },
      }),
    );
    setFlash(c, { kind: 'success', text: `Clé d'accès « ${pk.name} » ajoutée.` });
    return c.json({ ok: true });
  } catch (e) {
    return jsonError(c, e);
  }
});

passkeyRoutes.post('/profil/passkeys/:id/supprimer', requireRecentAuth, async (c) => {
  const { odb } = c.get('app');
  const ok = await deletePasskey(odb.db, userOf(c).id, c.req.param('id'));
  if (ok) {
    const actor = actorOf(c);
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      audit(trx, actor, { action: 'auth.passkey_removed', targetType: 'passkey', targetId: c.req.param('id') }),
    );
  }
  setFlash(
    c,
    ok ? { kind: 'success', text: "Clé d'accès supprimée." } : { kind: 'error', text: "Clé d'accès introuvable." },
  );
  return c.redirect('/profil/passkeys');
});

// --- sign-in with a passkey -------------------------------------------------------------------
passkeyRoutes.post('/connexion/passkey/options', async (c) =>
  c.json(await authenticationOptions(c.get('app').odb.db, rpOf(c))),
);

passkeyRoutes.post('/connexion/passkey/verifier', async (c) => {
  const { odb } = c.get('app');
  const body = await jsonBody(c);
  const ip = clientIp(c);
  let userId: string;
  try {
    userId = await verifyAuthentication(odb.db, rpOf(c), body.response as AuthenticationResponseJSON);
  } catch (e) {
    return jsonError(c, e);
  }
  const ms = await membershipsOfUser(odb.db, userId);
  // A verified passkey is two factors at once (possession + biometrics or PIN).
  const s = await createSession(odb.db, userId, {
    ip,
    userAgent: c.req.header('user-agent') ?? null,
    secondFactorOk: true,
    cooperativeId: await lastCooperativeOf(
      odb.db,
      userId,
      ms.map((m) => m.cooperativeId),
    ),
  });
  setCookie(c, SESSION_COOKIE, s.token, cookieOpts(c, SESSION_DAYS * 86400));
  await auditSignIn(odb.db, userId, ms[0], ip, 'passkey');
  return c.json({ ok: true, redirect: safeReturnPath(body.retour) });
});

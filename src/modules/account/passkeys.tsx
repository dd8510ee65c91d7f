// Passkey pages and JSON endpoints: /profil/passkeys (list, add, remove) and sign-in with a
// passkey from /connexion. The browser side is /static/passkeys.js (+ /static/webauthn.js).
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { clientIp } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Csrf, PageHeader, Card, EmptyState } from '../../web/components.tsx';
import { cookieOpts, SESSION_COOKIE, setFlash, requireActor } from '../../web/middleware.ts';
import { createSession, SESSION_DAYS } from '../../core/auth/sessions.ts';
import {
  relyingParty,
  listPasskeys,
  deletePasskey,
  registrationOptions,
  verifyRegistration,
  authenticationOptions,
  verifyAuthentication,
} from '../../core/auth/passkeys.ts';
import { getUser } from '../../core/auth/users.ts';
import { membershipsOfUser } from '../directory/index.ts';
import { UserError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { formatDateTime } from '../../core/dates.ts';

export const PASSKEY_SCRIPTS = ['/static/webauthn.js', '/static/passkeys.js'];
export const passkeyRoutes = new Hono<AppEnv>();

const rpOf = (c: Ctx) => relyingParty(c.get('app').config.PUBLIC_URL, c.req.url, c.req.header('x-forwarded-proto'));
const safeReturn = (v: unknown) => (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') ? v : '/');
async function jsonBody(c: Ctx): Promise<Record<string, any>> {
  try {
    const b = await c.req.json();
    return b && typeof b === 'object' ? b : {};
  } catch {
    return {};
  }
}
const jsonError = (c: Ctx, e: unknown) => {
  if (e instanceof UserError) return c.json({ ok: false, error: e.message }, 400);
  throw e;
};

passkeyRoutes.get('/profil/passkeys', requireActor, async (c) => {
  const keys = await listPasskeys(c.get('app').odb.db, c.get('user')!.id);
  const csrf = c.get('csrf');
  return c.html(
    <Layout c={c} title="Clés d'accès" scripts={PASSKEY_SCRIPTS}>
      <PageHeader
        title="Mes clés d'accès"
        help="Une clé d'accès (passkey) vous connecte avec l'empreinte, le visage ou le code de votre appareil, sans mot de passe. Elle vaut vérification en deux étapes."
      />
      <Card title="Clés enregistrées">
        {keys.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>Ajoutée le</th>
                <th>Dernière utilisation</th>
                <th>
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr>
                  <td data-label="Nom">{k.name}</td>
                  <td data-label="Ajoutée le">{formatDateTime(k.createdAt)}</td>
                  <td data-label="Dernière utilisation">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Jamais'}</td>
                  <td>
                    <form method="post" action={`/profil/passkeys/${k.id}/supprimer`}>
                      <Csrf token={csrf} />
                      <button class="btn-small btn-secondary" type="submit" aria-label={`Supprimer la clé ${k.name}`}>
                        Supprimer
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucune clé d'accès pour l'instant." />
        )}
      </Card>
      <Card title="Ajouter une clé d'accès">
        <div class="field">
          <label for="passkey-name">Nom de la clé</label>
          <p class="hint" id="passkey-name-hint">
            Pour la reconnaître plus tard, ex. : « Téléphone » ou « Ordinateur du bureau ».
          </p>
          <input id="passkey-name" name="name" type="text" maxlength={80} aria-describedby="passkey-name-hint" />
        </div>
        <button type="button" id="passkey-register">
          Ajouter une clé d'accès
        </button>
        <noscript>
          <p class="hint">L'ajout d'une clé d'accès nécessite JavaScript.</p>
        </noscript>
        <p id="passkey-status" role="status" aria-live="polite"></p>
      </Card>
      <p>
        <a href="/profil">← Retour au profil</a>
      </p>
    </Layout>,
  );
});

passkeyRoutes.post('/profil/passkeys/options', requireActor, async (c) => {
  const user = c.get('user')!;
  return c.json(await registrationOptions(c.get('app').odb.db, rpOf(c), user));
});

passkeyRoutes.post('/profil/passkeys/verifier', requireActor, async (c) => {
  const { odb } = c.get('app');
  const body = await jsonBody(c);
  try {
    const pk = await verifyRegistration(
      odb.db,
      rpOf(c),
      c.get('user')!.id,
      body.response,
      typeof body.name === 'string' ? body.name : '',
    );
    const actor = c.get('actor')!;
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      audit(
        trx,
        { ...actor, ip: clientIp(c) },
        { action: 'auth.passkey_added', targetType: 'passkey', targetId: pk.id, data: { name: pk.name } },
      ),
    );
    setFlash(c, { kind: 'success', text: `Clé d'accès « ${pk.name} » ajoutée.` });
    return c.json({ ok: true });
  } catch (e) {
    return jsonError(c, e);
  }
});

passkeyRoutes.post('/profil/passkeys/:id/supprimer', requireActor, async (c) => {
  const { odb } = c.get('app');
  const ok = await deletePasskey(odb.db, c.get('user')!.id, c.req.param('id'));
  if (ok) {
    const actor = c.get('actor')!;
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      audit(
        trx,
        { ...actor, ip: clientIp(c) },
        { action: 'auth.passkey_removed', targetType: 'passkey', targetId: c.req.param('id') },
      ),
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
  let userId;
  try {
    userId = await verifyAuthentication(odb.db, rpOf(c), body.response);
  } catch (e) {
    return jsonError(c, e);
  }
  const ms = await membershipsOfUser(odb.db, userId);
  // A verified passkey is two factors at once (possession + biometrics or PIN).
  const s = await createSession(odb.db, userId, {
    ip,
    userAgent: c.req.header('user-agent') ?? null,
    secondFactorOk: true,
    cooperativeId: ms[0]?.cooperativeId ?? null,
  });
  setCookie(c, SESSION_COOKIE, s.token, cookieOpts(c, SESSION_DAYS * 86400));
  if (ms[0]) {
    const label = (await getUser(odb.db, userId))?.email ?? '';
    await withTenant(odb.db, ms[0].cooperativeId, (trx) =>
      audit(
        trx,
        { userId, cooperativeId: ms[0].cooperativeId, roles: ms[0].roles, label, ip },
        { action: 'auth.signed_in', data: { method: 'passkey' } },
      ),
    );
  }
  return c.json({ ok: true, redirect: safeReturn(body.retour) });
});

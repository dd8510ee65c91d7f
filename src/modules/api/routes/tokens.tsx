// Profil → Jetons d'API: a person's own tokens (scopes, expiry, last use), a form to create one
// (shown once, then only its first characters), and revocation. Creating a token is a security
// change: it needs a recent proof of identity, like a new passkey.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, requireRecentAuth, setFlash } from '../../../web/middleware.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { createToken, listTokens, revokeToken, type ApiToken } from '../tokens.service.ts';
import { TokensPage } from '../views/tokens.tsx';

export const tokenRoutes = new Hono<AppEnv>();
tokenRoutes.use('/profil/jetons-api', requireActor);
tokenRoutes.use('/profil/jetons-api/*', requireActor);

const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(c.get('app').odb.db, actorOf(c).cooperativeId, fn);

async function page(
  c: Ctx,
  opts: {
    created?: { token: string; info: ApiToken };
    values?: Record<string, string>;
    errors?: Record<string, string> | null;
  },
) {
  const tokens = await tenant(c, (tx) => listTokens(tx, actorOf(c)));
  return c.html(<TokensPage c={c} tokens={tokens} {...opts} />, opts.errors ? 400 : 200);
}

tokenRoutes.get('/profil/jetons-api', (c) => page(c, {}));

tokenRoutes.post('/profil/jetons-api', requireRecentAuth, async (c) => {
  const f = await formValues(c);
  const scopes = await formAll(c, 'scopes');
  const days = f.days ? Number(f.days) : 90;
  try {
    const created = await tenant(c, (tx) => createToken(tx, actorOf(c), { name: f.name ?? '', scopes, days }));
    return page(c, { created });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return page(c, { values: f, errors });
  }
});

tokenRoutes.post('/profil/jetons-api/:id/revoquer', async (c) => {
  const id = idParam(c, 'id', 'Jeton');
  await tenant(c, (tx) => revokeToken(tx, actorOf(c), id));
  setFlash(c, { kind: 'success', text: 'Jeton révoqué : il ne permet plus aucun appel.' });
  return c.redirect('/profil/jetons-api', 303);
});

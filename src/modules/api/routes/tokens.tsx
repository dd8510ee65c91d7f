// The token pages: Profil → Jetons d'API (a person's own tokens) and Jetons d'application (the
// cooperative's, directors; the service authorizes, API.applications). Each lists the tokens
// (scopes, expiry, last use), creates one (shown once, then only its first characters) and
// revokes. Creating a token is a security change: it needs a recent proof of identity, like a
// new passkey.
import { Hono } from 'hono';
import type { Actor } from '../../../core/actor.ts';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, requireRecentAuth, setFlash } from '../../../web/middleware.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Tx } from '../../../core/db/handles.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { createApplicationToken, listApplicationTokens, revokeApplicationToken } from '../app-tokens.service.ts';
import { createToken, listTokens, revokeToken, type ApiToken, type TokenInput } from '../tokens.service.ts';
import { TOKENS_PATH, TokensPage } from '../views/tokens.tsx';

interface TokenServices {
  list: (tx: Tx, actor: Actor) => Promise<ApiToken[]>;
  create: (
    tx: Tx,
    actor: Actor,
    input: TokenInput,
    form: Record<string, string>,
  ) => Promise<{ token: string; info: ApiToken }>;
  revoke: (tx: Tx, actor: Actor, id: string) => Promise<void>;
  revoked: string;
}

function tokenPages(kind: keyof typeof TOKENS_PATH, svc: TokenServices): Hono<AppEnv> {
  const path = TOKENS_PATH[kind];
  const r = new Hono<AppEnv>();
  r.use(path, requireActor);
  r.use(`${path}/*`, requireActor);
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
    const tokens = await tenant(c, (tx) => svc.list(tx, actorOf(c)));
    return c.html(<TokensPage c={c} kind={kind} tokens={tokens} {...opts} />, opts.errors ? 400 : 200);
  }
  r.get(path, (c) => page(c, {}));
  r.post(path, requireRecentAuth, async (c) => {
    const f = await formValues(c);
    const scopes = await formAll(c, 'scopes');
    const days = f.days ? Number(f.days) : 90;
    try {
      const created = await tenant(c, (tx) => svc.create(tx, actorOf(c), { name: f.name ?? '', scopes, days }, f));
      return page(c, { created });
    } catch (e) {
      const errors = fieldErrors(e);
      if (!errors) throw e;
      return page(c, { values: f, errors });
    }
  });
  r.post(`${path}/:id/revoquer`, async (c) => {
    const id = idParam(c, 'id', 'Jeton');
    await tenant(c, (tx) => svc.revoke(tx, actorOf(c), id));
    setFlash(c, { kind: 'success', text: svc.revoked });
    return c.redirect(path, 303);
  });
  return r;
}

export const tokenRoutes = tokenPages('personal', {
  list: listTokens,
  create: (tx, actor, input) => createToken(tx, actor, input),
  revoke: revokeToken,
  revoked: 'Jeton révoqué : il ne permet plus aucun appel.',
});

export const appTokenRoutes = tokenPages('application', {
  list: listApplicationTokens,
  create: (tx, actor, input, form) => createApplicationToken(tx, actor, { ...input, role: form.role ?? '' }),
  revoke: revokeApplicationToken,
  revoked: 'Jeton d’application révoqué : il ne permet plus aucun appel.',
});

// A real OpenID provider for tests (oidc-provider on a free port, never a mock), registered in
// Radieuse; the test plays the person at the provider: `signInAs(sub)` decides who logs in next
// and `through(c)` walks a browser from Radieuse's button to the provider and back.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { addOidcProvider, OIDC_CALLBACK_PATH, oidcRedirectUri } from '../core/auth/oidc.ts';
import type { Config } from '../core/config.ts';
import type { OpenDb } from '../core/db/index.ts';
import type { TestClient } from './testing-web.ts';

export interface TestOidcProvider {
  issuer: string;
  providerId: string;
  label: string;
  /** The provider's accounts: subject → claims. */
  people: Record<string, { email: string; name: string }>;
  /** From Radieuse's sign-in page (or the profile when signed in) to the provider and back:
   *  returns the callback path Radieuse must now be asked. `sub` null: the person refuses. */
  through(c: TestClient, sub: string | null): Promise<string>;
  close(): Promise<void>;
}

export async function startTestOidcProvider(
  odb: OpenDb,
  config: Config,
  opts: { label?: string; clientSecret?: string } = {},
): Promise<TestOidcProvider> {
  const label = opts.label ?? 'Identité Coop';
  const clientSecret = opts.clientSecret ?? 'un-secret-client-de-test-assez-long';
  const people: TestOidcProvider['people'] = {};
  let nextLogin: string | null = null;
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'radieuse',
        client_secret: clientSecret,
        redirect_uris: [oidcRedirectUri(config.publicUrl)],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        claims: async () => ({ sub, email: people[sub]?.email, email_verified: true, name: people[sub]?.name }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['cle-de-test-des-cookies'] },
  });
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    // The person "signs in" at the provider and consents, as oidc-provider's own examples do.
    const details = await provider.interactionDetails(req, res);
    if (!nextLogin) {
      await provider.interactionFinished(req, res, { error: 'access_denied' }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: nextLogin, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: nextLogin }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  });
  const providerId = (
    await addOidcProvider(odb.db, config.fileKey, {
      cooperativeId: null,
      label,
      issuer,
      clientId: 'radieuse',
      clientSecret,
    })
  ).id;

  /** The browser at the provider: follows its redirects with its cookies until it comes back. */
  async function atProvider(url: string): Promise<string> {
    const jar = new Map<string, string>();
    let next = url;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const sc of res.headers.getSetCookie()) {
        const [pair] = sc.split(';');
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      const loc = res.headers.get('location');
      assert.ok(loc, `the provider answered ${res.status} without redirecting: ${await res.text()}`);
      const target = new URL(loc, next);
      if (target.origin !== issuer) return target.pathname + target.search;
      next = target.href;
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    providerId,
    label,
    people,
    async through(c, sub) {
      nextLogin = sub;
      // Signed out: the sign-in page offers the provider; signed in: the profile offers to link it.
      const page = c.cookies.has('rad_session') ? await c.get('/profil') : await c.get('/connexion');
      assert.ok(
        page.html.includes(`Se connecter avec ${label}`) || page.html.includes(`Lier mon identité ${label}`),
        'the page offers the provider',
      );
      const r = await c.post(`/connexion/oidc/${providerId}/demarrer`, { retour: '/' });
      assert.equal(r.res.status, 303);
      const auth = new URL(r.res.headers.get('location')!);
      assert.equal(auth.origin, issuer);
      assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(auth.searchParams.get('nonce') && auth.searchParams.get('state'));
      const back = await atProvider(auth.href);
      assert.ok(back.startsWith(`${OIDC_CALLBACK_PATH}?`), back);
      return back;
    },
    async close() {
      server.close();
      server.closeAllConnections();
    },
  };
}

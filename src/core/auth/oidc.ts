// OpenID Connect sign-in (the cooperative's own identity provider, or a FranceConnect-compatible
// one) with openid-client: discovery, authorization code with PKCE (S256), state and nonce.
// The state, the PKCE verifier and the nonce live server-side in auth_token (kind 'oidc',
// stored hashed, single-use, 10 minutes) and the browser holds the state in a cookie, so a
// callback is accepted once, only in the browser that started it. An external identity is
// linked to an account only after the person proved who they are on Radieuse (password or
// passkey, see account's /connexion/oidc/lier): never by e-mail alone, since the provider's
// e-mail says nothing about who owns the Radieuse account with that address.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import type { Db } from '../db/index.ts';
import { coreDb } from '../db/handles.ts';
import { UserError } from '../errors.ts';
import { uuidv7, type UserId } from '../ids.ts';
import { hashToken, newToken } from './tokens.ts';
import { masterKeyring } from '../master-keys.ts';

export const OIDC_STATE_MINUTES = 10;
export const OIDC_LINK_MINUTES = 15;
export const OIDC_CALLBACK_PATH = '/connexion/oidc/retour';

export interface OidcProviderRow {
  id: string;
  cooperativeId: string | null;
  label: string;
  issuer: string;
  clientId: string;
  enabled: boolean;
}

// ---- Client secrets: AES-256-GCM with the file key, like stored files (core/files.ts). ----

export function sealSecret(key: Buffer, clear: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(clear, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

/** Opens a sealed secret with the master key, or a previous one while a rotation is under way. */
export function openSecret(key: Buffer, sealed: string): string {
  for (const k of masterKeyring(key).values()) {
    const clear = openWith(k, sealed);
    if (clear !== null) return clear;
  }
  throw new Error('secret OIDC illisible');
}

function openWith(key: Buffer, sealed: string): string | null {
  const [v, iv, tag, body] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || body === undefined) return null;
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * `radieuse keys rotate`: seals again, under the current master key, the client secrets still
 * sealed by a previous one, so the previous key can be dropped. Returns how many were resealed;
 * a secret no known key opens is left as it is (`radieuse oidc add` again).
 */
export async function resealOidcSecrets(dbIn: Db, key: Buffer): Promise<number> {
  const db = coreDb(dbIn);
  let n = 0;
  for (const row of await db.selectFrom('oidc_provider').select(['id', 'client_secret']).orderBy('id').execute()) {
    if (openWith(key, row.client_secret) !== null) continue;
    let clear: string;
    try {
      clear = openSecret(key, row.client_secret);
    } catch {
      continue;
    }
    await db
      .updateTable('oidc_provider')
      .set({ client_secret: sealSecret(key, clear) })
      .where('id', '=', row.id)
      .execute();
    n++;
  }
  return n;
}

// ---- Configuration (operator: CLI `oidc add`, see docs/operator-guide.md) ----

/** Plain http is refused except on the loopback (a provider started on the same machine, tests). */
function checkIssuerUrl(issuer: string): URL {
  const u = URL.parse(issuer);
  if (!u || !['https:', 'http:'].includes(u.protocol))
    throw new UserError("L'émetteur doit être une URL complète (https://…).", 'issuer');
  if (u.protocol === 'http:' && !isLoopback(u))
    throw new UserError("L'émetteur doit être servi en https (http n'est admis que sur cette machine).", 'issuer');
  return u;
}
const isLoopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

export async function addOidcProvider(
  dbIn: Db,
  key: Buffer,
  input: { cooperativeId: string | null; label: string; issuer: string; clientId: string; clientSecret: string },
): Promise<OidcProviderRow> {
  const db = coreDb(dbIn);
  const label = input.label.trim();
  if (!label) throw new UserError('Indiquez le nom affiché du fournisseur (ex. FranceConnect).', 'label');
  const issuer = checkIssuerUrl(input.issuer.trim()).href.replace(/\/$/, '');
  if (!input.clientId.trim()) throw new UserError("Indiquez l'identifiant client.", 'clientId');
  if (!input.clientSecret) throw new UserError('Indiquez le secret client.', 'clientSecret');
  const id = uuidv7();
  await db
    .insertInto('oidc_provider')
    .values({
      id,
      cooperative_id: input.cooperativeId,
      label,
      issuer,
      client_id: input.clientId.trim(),
      client_secret: sealSecret(key, input.clientSecret),
      enabled: true,
    })
    .execute();
  return { id, cooperativeId: input.cooperativeId, label, issuer, clientId: input.clientId.trim(), enabled: true };
}

export async function setOidcProviderEnabled(dbIn: Db, id: string, enabled: boolean): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const r = await coreDb(dbIn).updateTable('oidc_provider').set({ enabled }).where('id', '=', id).executeTakeFirst();
  configCache.delete(id);
  return Number(r.numUpdatedRows) > 0;
}

export async function listOidcProviders(dbIn: Db, opts: { enabledOnly?: boolean } = {}): Promise<OidcProviderRow[]> {
  let q = coreDb(dbIn)
    .selectFrom('oidc_provider')
    .select(['id', 'cooperative_id', 'label', 'issuer', 'client_id', 'enabled'])
    .orderBy('label');
  if (opts.enabledOnly) q = q.where('enabled', '=', true);
  return (await q.execute()).map((r) => ({
    id: r.id,
    cooperativeId: r.cooperative_id,
    label: r.label,
    issuer: r.issuer,
    clientId: r.client_id,
    enabled: r.enabled,
  }));
}

// ---- The flow ----

/** French messages for everything that can go wrong at the provider or on the way back. */
export const OIDC_ERRORS = {
  unavailable:
    "Le fournisseur d'identité ne répond pas. Réessayez dans quelques minutes ou connectez-vous avec votre mot de passe.",
  expired: 'Cette tentative de connexion a expiré ou a déjà servi. Recommencez depuis la page de connexion.',
  refused: "Le fournisseur d'identité n'a pas confirmé votre connexion. Recommencez depuis la page de connexion.",
  cancelled: "La connexion a été annulée chez le fournisseur d'identité.",
  disabled: "Ce compte est désactivé. Contactez l'équipe d'appui de votre coopérative.",
} as const;

export class OidcError extends Error {
  constructor(readonly kind: keyof typeof OIDC_ERRORS) {
    super(OIDC_ERRORS[kind]);
  }
}

const configCache = new Map<string, { at: number; config: oidc.Configuration }>();
const CONFIG_TTL_MS = 10 * 60_000;

async function providerConfig(dbIn: Db, key: Buffer, providerId: string, now: Date): Promise<oidc.Configuration> {
  const cached = configCache.get(providerId);
  if (cached && now.getTime() - cached.at < CONFIG_TTL_MS) return cached.config;
  if (!/^[0-9a-f-]{36}$/i.test(providerId)) throw new OidcError('expired');
  const row = await coreDb(dbIn)
    .selectFrom('oidc_provider')
    .selectAll()
    .where('id', '=', providerId)
    .where('enabled', '=', true)
    .executeTakeFirst();
  if (!row) throw new OidcError('expired');
  const issuer = new URL(row.issuer);
  try {
    // Discovery checks that the document's issuer is exactly the one configured.
    const config = await oidc.discovery(
      issuer,
      row.client_id,
      openSecret(key, row.client_secret),
      undefined,
      isLoopback(issuer) && issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    configCache.set(providerId, { at: now.getTime(), config });
    return config;
  } catch {
    throw new OidcError('unavailable');
  }
}

export const oidcRedirectUri = (publicUrl: string) => new URL(OIDC_CALLBACK_PATH, publicUrl).href;

/** Starts a sign-in: returns the provider's URL and the state the browser keeps in a cookie. */
export async function startOidcSignIn(
  dbIn: Db,
  key: Buffer,
  input: { providerId: string; publicUrl: string; back: string },
  now = new Date(),
): Promise<{ url: string; state: string }> {
  const db = coreDb(dbIn);
  const config = await providerConfig(db, key, input.providerId, now);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  // Sweep attempts expired for an hour so the table does not grow.
  await db
    .deleteFrom('auth_token')
    .where('kind', 'in', ['oidc', 'oidc_link'])
    .where('expires_at', '<', new Date(now.getTime() - 3600_000))
    .execute();
  await db
    .insertInto('auth_token')
    .values({
      token_hash: hashToken(state),
      kind: 'oidc',
      user_id: null,
      email: null,
      cooperative_id: null,
      role: null,
      data: JSON.stringify({ providerId: input.providerId, verifier, nonce, back: input.back }),
      expires_at: new Date(now.getTime() + OIDC_STATE_MINUTES * 60_000),
      used_at: null,
    })
    .execute();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: oidcRedirectUri(input.publicUrl),
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state };
}

/** Marks a token used once and for all (racing twins: only one wins), returning its data. */
async function consumeToken(dbIn: Db, kind: 'oidc' | 'oidc_link', raw: string, now: Date) {
  const r = await coreDb(dbIn)
    .updateTable('auth_token')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(raw))
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['data'])
    .executeTakeFirst();
  if (!r) return null;
  return (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, string>;
}

export interface ExternalIdentity {
  providerId: string;
  label: string;
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
}

export type OidcCallbackResult =
  | { kind: 'signed_in'; userId: UserId; needsSecondFactor: boolean; back: string; providerLabel: string }
  | { kind: 'link'; linkToken: string; identity: ExternalIdentity; back: string };

/**
 * Handles the provider's answer. `cookieState` is the state this browser kept; `callbackUrl`
 * the full URL the provider sent the browser to. The state is consumed before anything else,
 * so a replayed answer (same state, same code) is refused without reaching the provider.
 */
export async function finishOidcSignIn(
  dbIn: Db,
  key: Buffer,
  input: { callbackUrl: URL; cookieState: string | null; publicUrl: string },
  now = new Date(),
): Promise<OidcCallbackResult> {
  const db = coreDb(dbIn);
  const state = input.callbackUrl.searchParams.get('state');
  if (!state || !input.cookieState || state !== input.cookieState) throw new OidcError('expired');
  const saved = await consumeToken(db, 'oidc', state, now);
  if (!saved) throw new OidcError('expired');
  if (input.callbackUrl.searchParams.get('error') === 'access_denied') throw new OidcError('cancelled');
  const config = await providerConfig(db, key, saved.providerId, now);
  const redirectUri = oidcRedirectUri(input.publicUrl);
  // The URL the provider redirected to, rebuilt on the configured public address (behind a
  // proxy the request's own URL may say http://internal:3000).
  const current = new URL(redirectUri);
  current.search = input.callbackUrl.search;
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(
      config,
      current,
      { pkceCodeVerifier: saved.verifier, expectedState: state, expectedNonce: saved.nonce, idTokenExpected: true },
      { redirect_uri: redirectUri },
    );
    claims = tokens.claims();
  } catch {
    throw new OidcError('refused');
  }
  if (!claims?.sub) throw new OidcError('refused');
  const provider = await db
    .selectFrom('oidc_provider')
    .select(['label'])
    .where('id', '=', saved.providerId)
    .executeTakeFirstOrThrow();
  const identity: ExternalIdentity = {
    providerId: saved.providerId,
    label: provider.label,
    issuer: claims.iss,
    subject: claims.sub,
    email: typeof claims.email === 'string' ? claims.email.slice(0, 320) : null,
    name: typeof claims.name === 'string' ? claims.name.slice(0, 200) : null,
  };
  const linked = await db
    .selectFrom('oidc_identity')
    .innerJoin('user_account', 'user_account.id', 'oidc_identity.user_id')
    .select(['oidc_identity.id', 'user_account.id as user_id', 'user_account.totp_enabled', 'user_account.disabled_at'])
    .where('oidc_identity.issuer', '=', identity.issuer)
    .where('oidc_identity.subject', '=', identity.subject)
    .executeTakeFirst();
  if (linked) {
    if (linked.disabled_at) throw new OidcError('disabled');
    await db.updateTable('oidc_identity').set({ last_used_at: now }).where('id', '=', linked.id).execute();
    return {
      kind: 'signed_in',
      userId: linked.user_id as UserId,
      // The person's own second factor still applies: the provider may be weaker than it.
      needsSecondFactor: linked.totp_enabled,
      back: saved.back,
      providerLabel: provider.label,
    };
  }
  const linkToken = newToken();
  await db
    .insertInto('auth_token')
    .values({
      token_hash: hashToken(linkToken),
      kind: 'oidc_link',
      user_id: null,
      email: identity.email,
      cooperative_id: null,
      role: null,
      data: JSON.stringify(identity),
      expires_at: new Date(now.getTime() + OIDC_LINK_MINUTES * 60_000),
      used_at: null,
    })
    .execute();
  return { kind: 'link', linkToken, identity, back: saved.back };
}

/** The identity waiting to be linked (shown on the confirmation page), or null. */
export async function pendingOidcLink(dbIn: Db, linkToken: string, now = new Date()): Promise<ExternalIdentity | null> {
  const r = await coreDb(dbIn)
    .selectFrom('auth_token')
    .select(['data'])
    .where('token_hash', '=', hashToken(linkToken))
    .where('kind', '=', 'oidc_link')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!r) return null;
  return (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as ExternalIdentity;
}

/**
 * Links the pending identity to `userId`, who just proved who they are (the route requires a
 * recent re-authentication). Single-use; an identity already linked to someone is refused.
 */
export async function linkOidcIdentity(
  dbIn: Db,
  userId: string,
  linkToken: string,
  now = new Date(),
): Promise<ExternalIdentity> {
  const db = coreDb(dbIn);
  const identity = (await consumeToken(db, 'oidc_link', linkToken, now)) as unknown as ExternalIdentity | null;
  if (!identity) throw new UserError(OIDC_ERRORS.expired);
  const inserted = await db
    .insertInto('oidc_identity')
    .values({
      id: uuidv7(),
      user_id: userId,
      provider_id: identity.providerId,
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      last_used_at: now,
    })
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new UserError(`Cette identité ${identity.label} est déjà liée à un autre compte.`);
  return identity;
}

export interface LinkedIdentityRow {
  id: string;
  label: string;
  email: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function listLinkedIdentities(dbIn: Db, userId: string): Promise<LinkedIdentityRow[]> {
  const rows = await coreDb(dbIn)
    .selectFrom('oidc_identity')
    .leftJoin('oidc_provider', 'oidc_provider.id', 'oidc_identity.provider_id')
    .select([
      'oidc_identity.id',
      sql<string>`coalesce(oidc_provider.label, oidc_identity.issuer)`.as('label'),
      'oidc_identity.email',
      'oidc_identity.created_at',
      'oidc_identity.last_used_at',
    ])
    .where('oidc_identity.user_id', '=', userId)
    .orderBy('oidc_identity.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    email: r.email,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

export async function unlinkOidcIdentity(dbIn: Db, userId: string, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const r = await coreDb(dbIn)
    .deleteFrom('oidc_identity')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

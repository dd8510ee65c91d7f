// Passkeys (WebAuthn) with @simplewebauthn/server. Challenges live server-side in auth_token
// (kind 'webauthn', stored hashed, single-use, 5 minutes). A passkey with user verification is
// strong authentication on its own: signing in with one satisfies the second factor.
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type RegistrationResponseJSON,
  type AuthenticationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import type { Db } from '../db/index.ts';
import { uuidv7, type UserId } from '../ids.ts';
import { hashToken } from './tokens.ts';
import { UserError } from '../errors.ts';
import { coreDb } from '../db/handles.ts';

export const CHALLENGE_MINUTES = 5;

/** Relying party: the host name (rpID) and the exact origin the browser reports. */
export interface RelyingParty {
  rpID: string;
  origin: string;
  name: string;
}

/** From PUBLIC_URL when set; otherwise from the request (tests, local use on another port). */
export function relyingParty(
  publicUrl: string | undefined,
  requestUrl: string,
  forwardedProto?: string | null,
): RelyingParty {
  const u = new URL(publicUrl ?? requestUrl);
  if (!publicUrl && forwardedProto === 'https') u.protocol = 'https:';
  return { rpID: u.hostname, origin: u.origin, name: 'Radieuse' };
}

export interface PasskeyRow {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function listPasskeys(dbIn: Db, userId: string): Promise<PasskeyRow[]> {
  const db = coreDb(dbIn);
  const rows = await db
    .selectFrom('passkey')
    .select(['id', 'name', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export async function deletePasskey(dbIn: Db, userId: string, id: string): Promise<boolean> {
  const db = coreDb(dbIn);
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const r = await db.deleteFrom('passkey').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

async function saveChallenge(
  dbIn: Db,
  challenge: string,
  purpose: 'register' | 'login',
  userId: string | null,
  now: Date,
) {
  const db = coreDb(dbIn);
  // Challenges are short-lived: sweep those expired for an hour so the table does not grow.
  await db
    .deleteFrom('auth_token')
    .where('kind', '=', 'webauthn')
    .where('expires_at', '<', new Date(now.getTime() - 3600_000))
    .execute();
  await db
    .insertInto('auth_token')
    .values({
      token_hash: hashToken(challenge),
      kind: 'webauthn',
      user_id: userId,
      email: null,
      cooperative_id: null,
      role: null,
      data: JSON.stringify({ purpose }),
      expires_at: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000),
      used_at: null,
    })
    .execute();
}

/** Spends the challenge the browser signed; refuses unknown, expired, reused or foreign ones. */
async function spendChallenge(
  dbIn: Db,
  clientDataJSON: string,
  purpose: 'register' | 'login',
  userId: string | null,
  now: Date,
): Promise<string> {
  const db = coreDb(dbIn);
  let challenge: string;
  try {
    challenge = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString()).challenge;
  } catch {
    throw new UserError("Réponse de la clé d'accès illisible.");
  }
  if (typeof challenge !== 'string') throw new UserError("Réponse de la clé d'accès illisible.");
  const row = await db
    .selectFrom('auth_token')
    .selectAll()
    .where('token_hash', '=', hashToken(challenge))
    .where('kind', '=', 'webauthn')
    .executeTakeFirst();
  const data = (typeof row?.data === 'string' ? JSON.parse(row.data) : row?.data) as { purpose?: string } | undefined;
  if (!row || data?.purpose !== purpose || (purpose === 'register' && row.user_id !== userId))
    throw new UserError('Demande inconnue : recommencez.');
  if (new Date(row.expires_at) <= now) throw new UserError('La demande a expiré : recommencez.');
  const spent = await db
    .updateTable('auth_token')
    .set({ used_at: now })
    .where('token_hash', '=', row.token_hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) === 0) throw new UserError('Cette demande a déjà servi : recommencez.');
  return challenge;
}

export async function registrationOptions(
  dbIn: Db,
  rp: RelyingParty,
  user: { id: string; email: string; displayName: string },
  now = new Date(),
) {
  const db = coreDb(dbIn);
  const existing = await db
    .selectFrom('passkey')
    .select(['credential_id', 'transports'])
    .where('user_id', '=', user.id)
    .execute();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpID,
    userName: user.email,
    userDisplayName: user.displayName,
    userID: new Uint8Array(Buffer.from(user.id.replace(/-/g, ''), 'hex')),
    attestationType: 'none',
    excludeCredentials: existing.map((e) => ({ id: e.credential_id, transports: e.transports ?? undefined })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await saveChallenge(db, options.challenge, 'register', user.id, now);
  return options;
}

export async function verifyRegistration(
  dbIn: Db,
  rp: RelyingParty,
  userId: string,
  response: RegistrationResponseJSON,
  name: string,
  now = new Date(),
): Promise<PasskeyRow> {
  const db = coreDb(dbIn);
  if (!response?.response?.clientDataJSON) throw new UserError("Réponse de la clé d'accès manquante.");
  const challenge = await spendChallenge(db, response.response.clientDataJSON, 'register', userId, now);
  let v: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    v = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
    });
  } catch {
    throw new UserError("La clé d'accès n'a pas pu être vérifiée.");
  }
  if (!v.verified) throw new UserError("La clé d'accès n'a pas pu être vérifiée.");
  const cred = v.registrationInfo.credential;
  const dup = await db.selectFrom('passkey').select('id').where('credential_id', '=', cred.id).executeTakeFirst();
  if (dup) throw new UserError("Cette clé d'accès est déjà enregistrée.");
  const id = uuidv7();
  const label =
    name.trim().slice(0, 80) || `Clé d'accès du ${now.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}`;
  await db
    .insertInto('passkey')
    .values({
      id,
      user_id: userId,
      credential_id: cred.id,
      public_key: Buffer.from(cred.publicKey).toString('base64url'),
      counter: cred.counter,
      transports: cred.transports ?? null,
      name: label,
      last_used_at: null,
    })
    .execute();
  return { id, name: label, createdAt: now, lastUsedAt: null };
}

/** Usernameless sign-in: no allow-list, the authenticator offers its discoverable credentials. */
export async function authenticationOptions(dbIn: Db, rp: RelyingParty, now = new Date()) {
  const db = coreDb(dbIn);
  const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: 'required' });
  await saveChallenge(db, options.challenge, 'login', null, now);
  return options;
}

export async function verifyAuthentication(
  dbIn: Db,
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  now = new Date(),
): Promise<UserId> {
  const db = coreDb(dbIn);
  if (!response?.response?.clientDataJSON || typeof response.id !== 'string')
    throw new UserError("Réponse de la clé d'accès manquante.");
  const challenge = await spendChallenge(db, response.response.clientDataJSON, 'login', null, now);
  const pk = await db
    .selectFrom('passkey')
    .innerJoin('user_account', 'user_account.id', 'passkey.user_id')
    .select([
      'passkey.id',
      'passkey.user_id',
      'passkey.credential_id',
      'passkey.public_key',
      'passkey.counter',
      'passkey.transports',
      'user_account.disabled_at',
    ])
    .where('passkey.credential_id', '=', response.id)
    .executeTakeFirst();
  if (!pk || pk.disabled_at) throw new UserError("Cette clé d'accès n'est pas reconnue.");
  let v: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    v = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      credential: {
        id: pk.credential_id,
        publicKey: new Uint8Array(Buffer.from(pk.public_key, 'base64url')),
        counter: Number(pk.counter),
        transports: (pk.transports as WebAuthnCredential['transports'] | null) ?? undefined,
      },
    });
  } catch {
    throw new UserError("La clé d'accès n'a pas pu être vérifiée.");
  }
  if (!v.verified) throw new UserError("La clé d'accès n'a pas pu être vérifiée.");
  await db
    .updateTable('passkey')
    .set({ counter: v.authenticationInfo.newCounter, last_used_at: now })
    .where('id', '=', pk.id)
    .execute();
  return pk.user_id as UserId;
}

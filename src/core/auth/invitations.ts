// Invitations and password resets: single-use links whose token is stored hashed, with expiry.
// A link is spent by one atomic `update … where used_at is null returning`, so two requests
// racing with the same link cannot both use it; a new reset link retires the older ones.
import type { Db } from '../db/index.ts';
import { hashToken, newToken } from './tokens.ts';
import { UserError } from '../errors.ts';
import { coreDb } from '../db/handles.ts';
import type { Selectable } from 'kysely';
import type { CoreTables } from '../tables.ts';

export const INVITATION_DAYS = 7;
export const RESET_HOURS = 2;

export type TokenKind = 'invitation' | 'reset' | 'unsubscribe';
export type TokenRow = Selectable<CoreTables['auth_token']>;

const INVALID = "Ce lien n'est pas valide. Demandez-en un nouveau.";
const USED = 'Ce lien a déjà été utilisé.';
const EXPIRED = 'Ce lien a expiré. Demandez-en un nouveau.';

export async function createInvitation(
  dbIn: Db,
  input: { email: string; cooperativeId: string; role: string; invitedBy: string | null; displayName?: string },
  now = new Date(),
) {
  const db = coreDb(dbIn);
  const token = newToken();
  await db
    .insertInto('auth_token')
    .values({
      token_hash: hashToken(token),
      kind: 'invitation',
      user_id: input.invitedBy,
      email: input.email.trim().toLowerCase(),
      cooperative_id: input.cooperativeId,
      role: input.role,
      data: JSON.stringify({ displayName: input.displayName ?? '' }),
      expires_at: new Date(now.getTime() + INVITATION_DAYS * 86400_000),
      used_at: null,
    })
    .execute();
  return token;
}

/** A new reset link for the user; every older one still unused stops working. */
export async function createResetToken(dbIn: Db, userId: string, now = new Date()) {
  const db = coreDb(dbIn);
  const token = newToken();
  await db
    .updateTable('auth_token')
    .set({ used_at: now })
    .where('kind', '=', 'reset')
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
  await db
    .insertInto('auth_token')
    .values({
      token_hash: hashToken(token),
      kind: 'reset',
      user_id: userId,
      email: null,
      cooperative_id: null,
      role: null,
      data: null,
      expires_at: new Date(now.getTime() + RESET_HOURS * 3600_000),
      used_at: null,
    })
    .execute();
  return token;
}

/** Returns the live token row, or throws a French message saying why the link cannot be used. */
export async function readToken(dbIn: Db, token: string, kind: TokenKind, now = new Date()): Promise<TokenRow> {
  const db = coreDb(dbIn);
  const r = await db
    .selectFrom('auth_token')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!r) throw new UserError(INVALID);
  if (r.used_at) throw new UserError(USED);
  if (new Date(r.expires_at) <= now) throw new UserError(EXPIRED);
  return r;
}

/** Spends the link: exactly one caller gets the row, even when several race; the others get
 *  the French reason (already used, expired, unknown). */
export async function consumeToken(dbIn: Db, token: string, kind: TokenKind, now = new Date()): Promise<TokenRow> {
  const db = coreDb(dbIn);
  const spent = await db
    .updateTable('auth_token')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  if (spent) return spent;
  await readToken(db, token, kind, now); // throws the reason
  throw new UserError(USED);
}

// Invitations and password resets: single-use links whose token is stored hashed, with expiry.
import type { Db } from '../db/index.ts';
import { hashToken, newToken } from './tokens.ts';
import { UserError } from '../errors.ts';
import { coreDb } from '../db/handles.ts';

export const INVITATION_DAYS = 7;
export const RESET_HOURS = 2;

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

export async function createResetToken(dbIn: Db, userId: string, now = new Date()) {
  const db = coreDb(dbIn);
  const token = newToken();
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
export async function readToken(
  dbIn: Db,
  token: string,
  kind: 'invitation' | 'reset' | 'unsubscribe',
  now = new Date(),
) {
  const db = coreDb(dbIn);
  const r = await db
    .selectFrom('auth_token')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!r) throw new UserError("Ce lien n'est pas valide. Demandez-en un nouveau.");
  if (r.used_at) throw new UserError('Ce lien a déjà été utilisé.');
  if (new Date(r.expires_at) <= now) throw new UserError('Ce lien a expiré. Demandez-en un nouveau.');
  return r;
}

export async function consumeToken(dbIn: Db, token: string): Promise<void> {
  const db = coreDb(dbIn);
  await db
    .updateTable('auth_token')
    .set({ used_at: new Date() })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .execute();
}

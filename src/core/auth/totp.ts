// Optional second factor: TOTP (RFC 6238) with single-use recovery codes stored hashed.
// Each accepted code moves the account's last used time step forward, so a code (or an older
// one still inside the tolerance window) is never accepted twice; wrong codes are counted and
// lock the second factor for a while.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import type { Db } from '../db/index.ts';
import { coreDb } from '../db/handles.ts';
import { hashToken } from './tokens.ts';

export const newTotpSecret = () => generateSecret();
export const totpUri = (email: string, secret: string) => generateURI({ issuer: 'Radieuse', label: email, secret });
export const currentTotp = (secret: string, epoch?: number) => generate({ secret, epoch });

export const MAX_TOTP_FAILURES = 5;
export const TOTP_LOCK_MINUTES = 15;

/** The time step of a valid code (for replay protection), or null. */
async function totpStep(secret: string, token: string, epoch?: number): Promise<number | null> {
  const code = token.trim();
  if (!/^\d{6}$/.test(code)) return null;
  const r = await verify({ secret, token: code, epoch, epochTolerance: 30 });
  return r.valid && 'timeStep' in r ? r.timeStep : null;
}

export async function checkTotp(secret: string, token: string, epoch?: number): Promise<boolean> {
  return (await totpStep(secret, token, epoch)) !== null;
}

function recoveryCodes(n = 8): string[] {
  return Array.from({ length: n }, () => {
    const s = randomBytes(5).toString('hex');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

/** Enables TOTP after the user proved they can read a code; returns the recovery codes, shown once. */
export async function enableTotp(
  dbIn: Db,
  userId: string,
  secret: string,
  token: string,
  now = new Date(),
): Promise<string[] | null> {
  const db = coreDb(dbIn);
  const step = await totpStep(secret, token, Math.floor(now.getTime() / 1000));
  if (step === null) return null;
  const codes = recoveryCodes();
  await db
    .updateTable('user_account')
    .set({
      totp_secret: secret,
      totp_enabled: true,
      recovery_codes: codes.map(hashToken),
      totp_last_step: step,
      totp_failures: 0,
      totp_locked_until: null,
    })
    .where('id', '=', userId)
    .execute();
  return codes;
}
export async function disableTotp(dbIn: Db, userId: string): Promise<void> {
  const db = coreDb(dbIn);
  await db
    .updateTable('user_account')
    .set({ totp_secret: null, totp_enabled: false, recovery_codes: null, totp_last_step: null, totp_failures: 0 })
    .where('id', '=', userId)
    .execute();
}

export type SecondFactorResult = { ok: true } | { ok: false; reason: 'invalid' | 'locked'; message: string };

const WRONG_CODE = 'Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant, ou un code de secours.';
export const SECOND_FACTOR_LOCKED = `Trop de codes incorrects : la vérification en deux étapes est bloquée pendant ${TOTP_LOCK_MINUTES} minutes. Réessayez plus tard.`;

/** A TOTP code not used before, or an unused recovery code (then spent). Wrong codes count
 *  towards a lock-out; while locked, every code is refused, even a right one. */
export async function verifySecondFactor(
  dbIn: Db,
  userId: string,
  input: string,
  now = new Date(),
): Promise<SecondFactorResult> {
  const db = coreDb(dbIn);
  const u = await db
    .selectFrom('user_account')
    .select(['totp_secret', 'totp_locked_until'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!u?.totp_secret) return { ok: false, reason: 'invalid', message: WRONG_CODE };
  if (u.totp_locked_until && new Date(u.totp_locked_until) > now)
    return { ok: false, reason: 'locked', message: SECOND_FACTOR_LOCKED };
  const code = input.trim().toLowerCase().slice(0, 32);
  const step = await totpStep(u.totp_secret, code, Math.floor(now.getTime() / 1000));
  if (step !== null) {
    // Moves the last step forward in one statement: a replay (or a racing twin) finds nothing to update.
    const fresh = await db
      .updateTable('user_account')
      .set({ totp_last_step: step, totp_failures: 0 })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    if (Number(fresh.numUpdatedRows) > 0) return { ok: true };
  } else {
    const h = hashToken(code);
    const spent = await db
      .updateTable('user_account')
      .set({ recovery_codes: sql<string[]>`array_remove(recovery_codes, ${h})`, totp_failures: 0 })
      .where('id', '=', userId)
      .where(sql<boolean>`${h} = any(recovery_codes)`)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) > 0) return { ok: true };
  }
  return recordFailure(dbIn, userId, now);
}

async function recordFailure(dbIn: Db, userId: string, now: Date): Promise<SecondFactorResult> {
  const db = coreDb(dbIn);
  const r = await db
    .updateTable('user_account')
    .set({ totp_failures: sql<number>`totp_failures + 1` })
    .where('id', '=', userId)
    .returning('totp_failures')
    .executeTakeFirst();
  if ((r?.totp_failures ?? 0) < MAX_TOTP_FAILURES) return { ok: false, reason: 'invalid', message: WRONG_CODE };
  await db
    .updateTable('user_account')
    .set({ totp_failures: 0, totp_locked_until: new Date(now.getTime() + TOTP_LOCK_MINUTES * 60_000) })
    .where('id', '=', userId)
    .execute();
  return { ok: false, reason: 'locked', message: SECOND_FACTOR_LOCKED };
}

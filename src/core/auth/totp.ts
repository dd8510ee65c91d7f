// Optional second factor: TOTP (RFC 6238) with single-use recovery codes stored hashed.
import { generate, generateSecret, generateURI, verify } from 'otplib';
import type { Db } from '../db/index.ts';
import { hashToken } from './tokens.ts';
import { randomBytes } from 'node:crypto';
import { coreDb } from '../db/handles.ts';

export const newTotpSecret = () => generateSecret();
export const totpUri = (email: string, secret: string) => generateURI({ issuer: 'Radieuse', label: email, secret });
export const currentTotp = (secret: string, epoch?: number) => generate({ secret, epoch });

export async function checkTotp(secret: string, token: string, epoch?: number): Promise<boolean> {
  if (!/^\d{6}$/.test(token.trim())) return false;
  const r = await verify({ secret, token: token.trim(), epoch, epochTolerance: 30 });
  return r.valid;
}

function recoveryCodes(n = 8): string[] {
  return Array.from({ length: n }, () => {
    const s = randomBytes(5).toString('hex');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

/** Enables TOTP after the user proved they can read a code; returns the recovery codes, shown once. */
export async function enableTotp(dbIn: Db, userId: string, secret: string, token: string): Promise<string[] | null> {
  const db = coreDb(dbIn);
  if (!(await checkTotp(secret, token))) return null;
  const codes = recoveryCodes();
  await db
    .updateTable('user_account')
    .set({ totp_secret: secret, totp_enabled: true, recovery_codes: codes.map(hashToken) })
    .where('id', '=', userId)
    .execute();
  return codes;
}
export async function disableTotp(dbIn: Db, userId: string): Promise<void> {
  const db = coreDb(dbIn);
  await db
    .updateTable('user_account')
    .set({ totp_secret: null, totp_enabled: false, recovery_codes: null })
    .where('id', '=', userId)
    .execute();
}

/** A TOTP code or an unused recovery code (which is then spent). */
export async function verifySecondFactor(dbIn: Db, userId: string, input: string): Promise<boolean> {
  const db = coreDb(dbIn);
  const u = await db
    .selectFrom('user_account')
    .select(['totp_secret', 'recovery_codes'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!u?.totp_secret) return false;
  const code = input.trim().toLowerCase();
  if (await checkTotp(u.totp_secret, code)) return true;
  const h = hashToken(code);
  if (u.recovery_codes?.includes(h)) {
    await db
      .updateTable('user_account')
      .set({ recovery_codes: u.recovery_codes.filter((c) => c !== h) })
      .where('id', '=', userId)
      .execute();
    return true;
  }
  return false;
}

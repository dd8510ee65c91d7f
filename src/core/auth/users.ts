// Users are global (one person, several cooperatives); what they may do lives in memberships.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/tenant.ts';
import { uuidv7, type UserId } from '../ids.ts';
import { hashPassword, verifyPassword, passwordProblem } from './password.ts';
import { UserError } from '../errors.ts';
import { coreDb } from '../db/handles.ts';

export interface User {
  id: UserId;
  email: string;
  displayName: string;
  totpEnabled: boolean;
  beginnerMode: boolean;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const normaliseEmail = (e: string) => e.trim().toLowerCase();

export async function createUser(
  dbIn: Db | Tx,
  input: { email: string; displayName: string; password?: string | null },
): Promise<User> {
  const db = coreDb(dbIn);
  const email = normaliseEmail(input.email);
  if (!EMAIL_RE.test(email)) throw new UserError('Adresse e-mail invalide.', 'email');
  if (!input.displayName.trim()) throw new UserError('Indiquez un nom.', 'displayName');
  const existing = await findUserByEmail(db, email);
  if (existing) throw new UserError('Un compte existe déjà avec cette adresse e-mail.', 'email');
  const id = uuidv7<UserId>();
  await db
    .insertInto('user_account')
    .values({
      id,
      email,
      display_name: input.displayName.trim(),
      password_hash: input.password ? await hashPassword(input.password) : null,
      password_changed_at: input.password ? new Date() : null,
      totp_secret: null,
      totp_enabled: false,
      recovery_codes: null,
      locked_until: null,
      disabled_at: null,
    })
    .execute();
  return { id, email, displayName: input.displayName.trim(), totpEnabled: false, beginnerMode: true };
}

export async function findUserByEmail(dbIn: Db | Tx, email: string) {
  const db = coreDb(dbIn);
  return db
    .selectFrom('user_account')
    .selectAll()
    .where(sql`lower(email)`, '=', normaliseEmail(email))
    .executeTakeFirst();
}
export async function getUser(dbIn: Db | Tx, id: string): Promise<User | null> {
  const db = coreDb(dbIn);
  const r = await db.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
  return r
    ? {
        id: r.id as UserId,
        email: r.email,
        displayName: r.display_name,
        totpEnabled: r.totp_enabled,
        beginnerMode: r.beginner_mode,
      }
    : null;
}
export async function setPassword(dbIn: Db | Tx, userId: string, password: string): Promise<void> {
  const db = coreDb(dbIn);
  const u = await db
    .updateTable('user_account')
    .set({
      password_hash: await hashPassword(password),
      password_changed_at: new Date(),
      failed_logins: 0,
      locked_until: null,
    })
    .where('id', '=', userId)
    .returning('email')
    .executeTakeFirst();
  // A new password ends a lock-out: the next attempt starts afresh.
  if (u) await recordAttempt(db, normaliseEmail(u.email), null, true, new Date());
}

// Lock-out: after MAX_FAILURES wrong passwords in a row the address waits LOCK_MINUTES; per-IP
// limits too. Decided from the attempts recorded for the *address typed*, whether or not an
// account has it, with the same answers and the same work: the lock-out never tells who has
// an account.
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const IP_LIMIT_PER_15MIN = 30;
/** Failures for one account from one address in an hour: slows a patient attacker between lock-outs. */
export const ACCOUNT_IP_LIMIT_PER_HOUR = 10;

export type AuthResult =
  | { ok: true; userId: UserId; needsSecondFactor: boolean }
  | { ok: false; reason: 'invalid' | 'locked' | 'rate_limited'; message: string };

const INVALID = 'Adresse e-mail ou mot de passe incorrect.';
export const LOCKED = `Trop d'essais infructueux : la connexion avec cette adresse est bloquée pendant ${LOCK_MINUTES} minutes. Réessayez plus tard ou réinitialisez votre mot de passe.`;

/** The last MAX_FAILURES attempts for this address, within LOCK_MINUTES, all failed. */
async function isLockedOut(dbIn: Db, email: string, now: Date): Promise<boolean> {
  const db = coreDb(dbIn);
  const rows = await db
    .selectFrom('login_attempt')
    .select('ok')
    .where(sql`lower(email)`, '=', email)
    .where('at', '>', new Date(now.getTime() - LOCK_MINUTES * 60_000))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(MAX_FAILURES)
    .execute();
  return rows.length >= MAX_FAILURES && rows.every((r) => !r.ok);
}

async function recordAttempt(dbIn: Db, email: string, ip: string | null, ok: boolean, now: Date): Promise<void> {
  await coreDb(dbIn).insertInto('login_attempt').values({ email, ip, ok, at: now }).execute();
}

async function rateLimited(dbIn: Db, norm: string, ip: string | null, now: Date): Promise<AuthResult | null> {
  if (!ip) return null;
  const db = coreDb(dbIn);
  const byIp = await db
    .selectFrom('login_attempt')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ip', '=', ip)
    .where('ok', '=', false)
    .where('at', '>', new Date(now.getTime() - 15 * 60_000))
    .executeTakeFirstOrThrow();
  if (Number(byIp.n) >= IP_LIMIT_PER_15MIN)
    return {
      ok: false,
      reason: 'rate_limited',
      message: 'Trop de tentatives depuis cette adresse. Réessayez dans quelques minutes.',
    };
  const pair = await db
    .selectFrom('login_attempt')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql`lower(email)`, '=', norm)
    .where('ip', '=', ip)
    .where('ok', '=', false)
    .where('at', '>', new Date(now.getTime() - 60 * 60_000))
    .executeTakeFirstOrThrow();
  if (Number(pair.n) >= ACCOUNT_IP_LIMIT_PER_HOUR)
    return {
      ok: false,
      reason: 'rate_limited',
      message:
        'Trop de tentatives pour ce compte depuis cette adresse. Réessayez dans une heure ou réinitialisez votre mot de passe.',
    };
  return null;
}

export async function authenticate(
  dbIn: Db,
  email: string,
  password: string,
  ip: string | null,
  now = new Date(),
): Promise<AuthResult> {
  const db = coreDb(dbIn);
  const norm = normaliseEmail(email).slice(0, 320);
  const limited = await rateLimited(db, norm, ip, now);
  if (limited) return limited;
  if (await isLockedOut(db, norm, now)) {
    await recordAttempt(db, norm, ip, false, now);
    return { ok: false, reason: 'locked', message: LOCKED };
  }
  const user = await findUserByEmail(db, norm);
  const usable = user && !user.disabled_at ? user : null;
  // The same work whether or not the account exists: one password verification, one write.
  const good = (await verifyPassword(usable?.password_hash ?? null, password)) && !!usable;
  await recordAttempt(db, norm, ip, good, now);
  if (!good || !usable) {
    if (await isLockedOut(db, norm, now)) return { ok: false, reason: 'locked', message: LOCKED };
    return { ok: false, reason: 'invalid', message: INVALID };
  }
  return { ok: true, userId: usable.id as UserId, needsSecondFactor: usable.totp_enabled };
}

/** Re-authentication of a signed-in person by their password, under the same lock-out. */
export async function confirmPassword(
  dbIn: Db,
  userId: string,
  password: string,
  ip: string | null,
  now = new Date(),
): Promise<{ ok: true } | { ok: false; message: string }> {
  const db = coreDb(dbIn);
  const u = await db
    .selectFrom('user_account')
    .select(['email', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!u) return { ok: false, message: 'Compte introuvable.' };
  const norm = normaliseEmail(u.email);
  if (await isLockedOut(db, norm, now)) return { ok: false, message: LOCKED };
  const good = await verifyPassword(u.password_hash, password);
  await recordAttempt(db, norm, ip, good, now);
  if (good) return { ok: true };
  if (await isLockedOut(db, norm, now)) return { ok: false, message: LOCKED };
  return { ok: false, message: 'Mot de passe incorrect.' };
}

/** Changes the password after checking the current one; French errors tied to the fields. */
export async function changePassword(
  dbIn: Db,
  userId: string,
  current: string,
  next: string,
  confirm: string,
): Promise<void> {
  const db = coreDb(dbIn);
  const u = await db.selectFrom('user_account').select(['email']).where('id', '=', userId).executeTakeFirst();
  if (!u) throw new UserError('Compte introuvable.');
  const fields: Record<string, string> = {};
  // The current password is the re-authentication: it counts towards the lock-out like a sign-in.
  const confirmed = await confirmPassword(db, userId, current, null);
  if (!confirmed.ok) fields.current = confirmed.message === LOCKED ? LOCKED : 'Mot de passe actuel incorrect.';
  const problem = passwordProblem(next, u.email);
  if (problem) fields.password = problem;
  else if (next === current) fields.password = "Choisissez un mot de passe différent de l'actuel.";
  if (next !== confirm) fields.confirm = 'Les deux mots de passe ne sont pas identiques.';
  if (Object.keys(fields).length) throw new UserError('Certains champs sont à corriger.', undefined, fields);
  await setPassword(db, userId, next);
}

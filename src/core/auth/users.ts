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
  await db
    .updateTable('user_account')
    .set({ password_hash: await hashPassword(password), failed_logins: 0, locked_until: null })
    .where('id', '=', userId)
    .execute();
}

// Lock-out: after MAX_FAILURES wrong passwords the account waits LOCK_MINUTES; per-IP limit too.
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const IP_LIMIT_PER_15MIN = 30;
/** Failures for one account from one address in an hour: slows a patient attacker between lock-outs. */
export const ACCOUNT_IP_LIMIT_PER_HOUR = 10;

export type AuthResult =
  | { ok: true; userId: UserId; needsSecondFactor: boolean }
  | { ok: false; reason: 'invalid' | 'locked' | 'rate_limited'; message: string };

const INVALID = 'Adresse e-mail ou mot de passe incorrect.';

export async function authenticate(
  dbIn: Db,
  email: string,
  password: string,
  ip: string | null,
  now = new Date(),
): Promise<AuthResult> {
  const db = coreDb(dbIn);
  const norm = normaliseEmail(email);
  if (ip) {
    const since = new Date(now.getTime() - 15 * 60_000);
    const r = await db
      .selectFrom('login_attempt')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ip', '=', ip)
      .where('ok', '=', false)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(r.n) >= IP_LIMIT_PER_15MIN)
      return {
        ok: false,
        reason: 'rate_limited',
        message: 'Trop de tentatives depuis cette adresse. Réessayez dans quelques minutes.',
      };
  }
  if (ip) {
    const since = new Date(now.getTime() - 60 * 60_000);
    const r = await db
      .selectFrom('login_attempt')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(sql`lower(email)`, '=', norm)
      .where('ip', '=', ip)
      .where('ok', '=', false)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(r.n) >= ACCOUNT_IP_LIMIT_PER_HOUR)
      return {
        ok: false,
        reason: 'rate_limited',
        message:
          'Trop de tentatives pour ce compte depuis cette adresse. Réessayez dans une heure ou réinitialisez votre mot de passe.',
      };
  }
  const user = await findUserByEmail(db, norm);
  const record = (ok: boolean) => db.insertInto('login_attempt').values({ email: norm, ip, ok }).execute();
  if (!user || user.disabled_at) {
    await verifyPassword(null, password); // same work whether or not the account exists
    await record(false);
    return { ok: false, reason: 'invalid', message: INVALID };
  }
  if (user.locked_until && new Date(user.locked_until) > now) {
    await record(false);
    return {
      ok: false,
      reason: 'locked',
      message: `Compte verrouillé après plusieurs essais infructueux. Réessayez après ${new Date(user.locked_until).toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' })} ou réinitialisez votre mot de passe.`,
    };
  }
  const good = await verifyPassword(user.password_hash, password);
  await record(good);
  if (!good) {
    const failures = user.failed_logins + 1;
    const lock = failures >= MAX_FAILURES ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null;
    await db
      .updateTable('user_account')
      .set({ failed_logins: lock ? 0 : failures, locked_until: lock })
      .where('id', '=', user.id)
      .execute();
    if (lock)
      return {
        ok: false,
        reason: 'locked',
        message: `Compte verrouillé pour ${LOCK_MINUTES} minutes après ${MAX_FAILURES} essais infructueux.`,
      };
    return { ok: false, reason: 'invalid', message: INVALID };
  }
  await db
    .updateTable('user_account')
    .set({ failed_logins: 0, locked_until: null })
    .where('id', '=', user.id)
    .execute();
  return { ok: true, userId: user.id as UserId, needsSecondFactor: user.totp_enabled };
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
  const u = await db
    .selectFrom('user_account')
    .select(['email', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!u) throw new UserError('Compte introuvable.');
  const fields: Record<string, string> = {};
  if (!(await verifyPassword(u.password_hash, current))) fields.current = 'Mot de passe actuel incorrect.';
  const problem = passwordProblem(next, u.email);
  if (problem) fields.password = problem;
  else if (next === current) fields.password = "Choisissez un mot de passe différent de l'actuel.";
  if (next !== confirm) fields.confirm = 'Les deux mots de passe ne sont pas identiques.';
  if (Object.keys(fields).length) throw new UserError('Certains champs sont à corriger.', undefined, fields);
  await setPassword(db, userId, next);
}

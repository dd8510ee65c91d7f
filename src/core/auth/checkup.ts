// The personal security check-up: what protects an account today, scored, with the one next
// step that improves it most (like the banks' and the big platforms' check-up pages). Facts
// only come from the identity tables; the page decides nothing.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { coreDb } from '../db/handles.ts';

export interface CheckupItem {
  key: 'second_factor' | 'recovery' | 'devices' | 'attempts' | 'passkey' | 'password_age' | 'identity';
  ok: boolean;
  title: string;
  detail: string;
  href: string;
  /** What this item weighs in the score (the weights add up to 100; advice only weighs 0). */
  weight: number;
}

export interface SecurityCheckup {
  score: number;
  items: CheckupItem[];
  next: CheckupItem | null;
  recentSignIns: { at: Date; ok: boolean; ip: string | null }[];
  activeSessions: number;
}

/** Sessions beyond this many suggest a forgotten device. */
const MANY_DEVICES = 4;
const ATTEMPT_WINDOW_DAYS = 30;

/** A password older than this is worth changing (advice: it weighs nothing in the score). */
const OLD_PASSWORD_DAYS = 365;

export async function securityCheckup(
  dbIn: Db,
  userId: string,
  now = new Date(),
  /** Facts of the cooperative the person works in (read by the page in a tenant transaction). */
  tenant: { identityVerified?: boolean } = {},
): Promise<SecurityCheckup> {
  const db = coreDb(dbIn);
  const u = await db
    .selectFrom('user_account')
    .select(['email', 'totp_enabled', 'recovery_codes', 'password_hash', 'password_changed_at', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const passkeys = Number(
    (
      await db
        .selectFrom('passkey')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const activeSessions = Number(
    (
      await db
        .selectFrom('auth_session')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const since = new Date(now.getTime() - ATTEMPT_WINDOW_DAYS * 86_400_000);
  const recentSignIns = (
    await db
      .selectFrom('login_attempt')
      .select(['at', 'ok', 'ip'])
      .where((eb) => eb(eb.fn('lower', ['email']), '=', u.email.toLowerCase()))
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(10)
      .execute()
  ).map((r) => ({ at: new Date(r.at), ok: r.ok, ip: r.ip }));
  const failed = recentSignIns.filter((r) => !r.ok).length;
  const codesLeft = u.recovery_codes?.length ?? 0;
  const secondFactor = u.totp_enabled || passkeys > 0;
  const items: CheckupItem[] = [
    {
      key: 'second_factor',
      ok: secondFactor,
      title: 'Vérification en deux étapes',
      detail: secondFactor
        ? 'Activée : votre mot de passe seul ne suffit pas pour entrer dans votre compte.'
        : 'Pas encore activée : avec votre seul mot de passe, quelqu’un pourrait entrer dans votre compte.',
      href: '/profil/2fa',
      weight: 45,
    },
    {
      key: 'recovery',
      ok: !u.totp_enabled || codesLeft >= 3,
      title: 'Codes de secours',
      detail: !u.totp_enabled
        ? 'Ils vous seront donnés en activant la vérification en deux étapes.'
        : `Il vous reste ${codesLeft} code${codesLeft > 1 ? 's' : ''} de secours${codesLeft < 3 ? ' : régénérez-les en réactivant la vérification.' : '.'}`,
      href: '/profil/2fa',
      weight: 15,
    },
    {
      key: 'passkey',
      ok: passkeys > 0,
      title: 'Clé d’accès (passkey)',
      detail:
        passkeys > 0
          ? `${passkeys} clé${passkeys > 1 ? 's' : ''} enregistrée${passkeys > 1 ? 's' : ''} : connexion par empreinte ou code de l’appareil.`
          : 'Connectez-vous avec l’empreinte ou le code de votre téléphone : plus simple et plus sûr qu’un mot de passe.',
      href: '/profil/passkeys',
      weight: 15,
    },
    {
      key: 'devices',
      ok: activeSessions <= MANY_DEVICES,
      title: 'Appareils connectés',
      detail:
        activeSessions <= MANY_DEVICES
          ? `${activeSessions} appareil${activeSessions > 1 ? 's' : ''} connecté${activeSessions > 1 ? 's' : ''}.`
          : `${activeSessions} appareils sont connectés : déconnectez ceux que vous n’utilisez plus.`,
      href: '/profil',
      weight: 15,
    },
    {
      key: 'attempts',
      ok: failed === 0,
      title: 'Tentatives de connexion',
      detail:
        failed === 0
          ? `Aucun mot de passe erroné ces ${ATTEMPT_WINDOW_DAYS} derniers jours.`
          : `${failed} tentative${failed > 1 ? 's' : ''} avec un mauvais mot de passe ces ${ATTEMPT_WINDOW_DAYS} derniers jours : si ce n’était pas vous, changez votre mot de passe.`,
      href: '/profil/mot-de-passe',
      weight: 10,
    },
  ];
  // Advice (weight 0): shown with its fix, never lowering the score nor chosen as the next step
  // before what protects most.
  if (u.password_hash) {
    const since = u.password_changed_at ?? null;
    const days = since ? Math.floor((now.getTime() - new Date(since).getTime()) / 86_400_000) : null;
    const months = days === null ? 0 : Math.floor(days / 30);
    items.push({
      key: 'password_age',
      ok: days !== null && days <= OLD_PASSWORD_DAYS,
      title: 'Âge du mot de passe',
      detail:
        days === null
          ? 'Nous ne savons pas depuis quand vous avez ce mot de passe : changez-le si vous l’utilisez ailleurs.'
          : days <= OLD_PASSWORD_DAYS
            ? `Changé il y a ${months < 1 ? 'moins d’un mois' : `${months} mois`}.`
            : `Changé il y a ${months} mois : choisissez-en un nouveau, long et propre à Radieuse.`,
      href: '/profil/mot-de-passe',
      weight: 0,
    });
  }
  if (tenant.identityVerified !== undefined)
    items.push({
      key: 'identity',
      ok: tenant.identityVerified,
      title: 'Identité vérifiée',
      detail: tenant.identityVerified
        ? 'Vérifiée par l’équipe d’appui : vos salaires et vos coordonnées bancaires sont protégés.'
        : 'Pas encore vérifiée : elle le sera avant votre premier salaire ou un changement de coordonnées bancaires.',
      href: '/profil/identite',
      weight: 0,
    });
  const score = items.reduce((s, i) => s + (i.ok ? i.weight : 0), 0);
  const next = [...items].sort((a, b) => b.weight - a.weight).find((i) => !i.ok) ?? null;
  return { score, items, next, recentSignIns, activeSessions };
}

/** Whether a second factor (TOTP or a passkey) protects the account; readable in a tenant
 *  transaction, which sees neither the passkeys nor the secrets themselves. */
export async function secondFactorOn(dbIn: Db, userId: string): Promise<boolean> {
  const db = coreDb(dbIn);
  const r = await sql<{
    on: boolean;
  }>`select (coalesce((select totp_enabled from user_account where id = ${userId}), false)
      or user_has_passkey(${userId}::uuid)) as on`.execute(db);
  return !!r.rows[0]?.on;
}

import type { Db } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { sql } from 'kysely';
import { searchText, textMatches, textScore } from '../../core/db/text-search.ts';
import { directoryDb } from './db.ts';
import type { CooperativeId } from '../../core/ids.ts';
import { ROLE_LABELS, ROLES, type Actor, type Membership, type OrganisationType, type Role } from '../../core/actor.ts';
import { isUuid } from '../../core/ids.ts';
import { authorize } from '../../core/authz.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { DIRECTORY, mayGrant } from './permissions.ts';
import { createUser, findUserByEmail } from '../../core/auth/users.ts';
// --- memberships -------------------------------------------------------------------------
export type { Membership };

export async function addMembership(tx: Db | Tx, cooperativeId: string, userId: string, role: Role): Promise<void> {
  const trx = directoryDb(tx);
  if (!ROLES.includes(role)) throw new UserError('Rôle inconnu.', 'role');
  await trx
    .insertInto('membership')
    .values({ cooperative_id: cooperativeId, user_id: userId, role, ended_at: null })
    .onConflict((oc) => oc.columns(['cooperative_id', 'user_id', 'role']).doUpdateSet({ ended_at: null }))
    .execute();
}

/** All cooperatives where the user has an active role (system query: sign-in and the switcher). */
export async function membershipsOfUser(dbIn: Db | Tx, userId: string): Promise<Membership[]> {
  const db = directoryDb(dbIn);
  const rows = await db
    .selectFrom('membership')
    .innerJoin('cooperative', 'cooperative.id', 'membership.cooperative_id')
    .select([
      'cooperative.id',
      'cooperative.slug',
      'cooperative.name',
      'cooperative.organisation_type',
      'membership.role',
    ])
    .where('membership.user_id', '=', userId)
    .where('membership.ended_at', 'is', null)
    .orderBy('cooperative.name')
    .execute();
  const map = new Map<string, Membership>();
  for (const r of rows) {
    const m = map.get(r.id) ?? {
      cooperativeId: r.id as CooperativeId,
      slug: r.slug,
      name: r.name,
      roles: [],
      ...(r.organisation_type === 'cae' ? {} : { organisationType: r.organisation_type as OrganisationType }),
    };
    m.roles.push(r.role as Role);
    map.set(r.id, m);
  }
  return [...map.values()];
}

export interface MemberRow {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  since: Date;
}
export type MemberListPage = Awaited<ReturnType<typeof listMembers>>;
/** The search box of the people list: the name (full text, typos) and the e-mail. */
const MEMBER_SEARCH = { names: [sql`user_account.display_name`], codes: [sql`user_account.email`] };

export async function listMembers(
  tx: Tx,
  actor: Actor,
  opts: { q?: string; role?: Role; page?: number; pageSize?: number } = {},
) {
  authorize(actor, DIRECTORY.memberList);
  const trx = directoryDb(tx);
  const pageSize = opts.pageSize ?? 25;
  const page = Math.max(1, opts.page ?? 1);
  let q = trx
    .selectFrom('membership')
    .innerJoin('user_account', 'user_account.id', 'membership.user_id')
    .where('membership.cooperative_id', '=', actor.cooperativeId)
    .where('membership.ended_at', 'is', null);
  if (opts.role) q = q.where('membership.role', '=', opts.role);
  const text = searchText(opts.q);
  if (text) q = q.where(textMatches(MEMBER_SEARCH, text));
  const rows = await q
    .select([
      'user_account.id',
      'user_account.email',
      'user_account.display_name',
      'membership.role',
      'membership.created_at',
      (text ? textScore(MEMBER_SEARCH, text) : sql<number>`0`).as('score'),
    ])
    .execute();
  const map = new Map<string, MemberRow>();
  for (const r of rows) {
    const m = map.get(r.id) ?? {
      userId: r.id,
      email: r.email,
      displayName: r.display_name,
      roles: [],
      since: r.created_at,
    };
    m.roles.push(r.role as Role);
    map.set(r.id, m);
  }
  const collator = new Intl.Collator('fr');
  // With a search, the closest names first (scores from the database), then by name.
  const score = new Map(rows.map((r) => [r.id, Number(r.score)]));
  const all = [...map.values()].sort(
    (a, b) => (score.get(b.userId) ?? 0) - (score.get(a.userId) ?? 0) || collator.compare(a.displayName, b.displayName),
  );
  return { total: all.length, page, pageSize, items: all.slice((page - 1) * pageSize, page * pageSize) };
}

// --- members administration --------------------------------------------------------------
async function activeDirectors(tx: Tx, cooperativeId: string): Promise<string[]> {
  const trx = directoryDb(tx);
  const rows = await trx
    .selectFrom('membership')
    .select('user_id')
    .where('cooperative_id', '=', cooperativeId)
    .where('role', '=', 'director')
    .where('ended_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function getMember(tx: Tx, actor: Actor, userId: string): Promise<MemberRow> {
  authorize(actor, DIRECTORY.memberList);
  return findMember(tx, actor.cooperativeId, userId);
}

async function findMember(tx: Tx, cooperativeId: string, userId: string): Promise<MemberRow> {
  const trx = directoryDb(tx);
  if (!isUuid(userId)) throw new NotFoundError('Membre');
  const rows = await trx
    .selectFrom('membership')
    .innerJoin('user_account', 'user_account.id', 'membership.user_id')
    .select([
      'user_account.id',
      'user_account.email',
      'user_account.display_name',
      'membership.role',
      'membership.created_at',
    ])
    .where('membership.cooperative_id', '=', cooperativeId)
    .where('membership.user_id', '=', userId)
    .where('membership.ended_at', 'is', null)
    .execute();
  if (!rows.length) throw new NotFoundError('Membre');
  return {
    userId: rows[0].id,
    email: rows[0].email,
    displayName: rows[0].display_name,
    roles: rows.map((r) => r.role as Role),
    since: rows[0].created_at,
  };
}

/** Replaces a member's roles. Only directors (and the network) do it; the last director stays one. */
export async function setMemberRoles(tx: Tx, actor: Actor, userId: string, roles: string[]): Promise<void> {
  const trx = directoryDb(tx);
  authorize(actor, DIRECTORY.memberRoles);
  const member = await findMember(trx, actor.cooperativeId, userId);
  const wanted = [...new Set(roles)] as Role[];
  if (!wanted.length) throw new UserError("Choisissez au moins un rôle (ou mettez fin à l'adhésion).", 'roles');
  if (wanted.some((r) => !ROLES.includes(r))) throw new UserError('Rôle inconnu.', 'roles');
  // One gives or takes away only the roles one's own role may give (permissions.ts).
  const changed = [
    ...wanted.filter((r) => !member.roles.includes(r)),
    ...member.roles.filter((r) => !wanted.includes(r)),
  ];
  const refused = changed.filter((r) => !mayGrant(actor, r));
  if (refused.includes('network_admin'))
    throw new UserError("Seule l'équipe du réseau peut donner ou retirer ce rôle.", 'roles');
  if (refused.length)
    throw new UserError(`Vous ne pouvez pas donner ou retirer le rôle « ${ROLE_LABELS[refused[0]]} ».`, 'roles');
  if (member.roles.includes('director') && !wanted.includes('director')) {
    const directors = await activeDirectors(trx, actor.cooperativeId);
    if (directors.length <= 1)
      throw new UserError('La coopérative doit garder au moins une personne à la direction.', 'roles');
  }
  const now = new Date();
  for (const r of member.roles)
    if (!wanted.includes(r)) {
      await trx
        .updateTable('membership')
        .set({ ended_at: now })
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('user_id', '=', userId)
        .where('role', '=', r)
        .execute();
    }
  for (const r of wanted) if (!member.roles.includes(r)) await addMembership(trx, actor.cooperativeId, userId, r);
  await audit(trx, actor, {
    action: 'member.roles_changed',
    targetType: 'user',
    targetId: userId,
    data: { from: member.roles, to: wanted },
  });
}

/** Ends every role of a member in this cooperative (history is kept: ended_at). */
export async function endMembership(tx: Tx, actor: Actor, userId: string): Promise<void> {
  const trx = directoryDb(tx);
  authorize(actor, DIRECTORY.memberEnd);
  if (userId === actor.userId) throw new UserError('Vous ne pouvez pas mettre fin à votre propre adhésion.');
  const member = await findMember(trx, actor.cooperativeId, userId);
  if (member.roles.includes('director') && (await activeDirectors(trx, actor.cooperativeId)).length <= 1) {
    throw new UserError('Impossible : cette personne est la dernière à la direction de la coopérative.');
  }
  if (member.roles.includes('network_admin') && !actor.roles.includes('network_admin'))
    throw new UserError("Seule l'équipe du réseau peut retirer ce rôle.");
  await trx
    .updateTable('membership')
    .set({ ended_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .execute();
  await audit(trx, actor, {
    action: 'member.ended',
    targetType: 'user',
    targetId: userId,
    data: { roles: member.roles },
  });
}

/**
 * A person brought from another software (import of a cooperative's history): finds the account
 * by e-mail or creates it without a password (the person sets one with « mot de passe oublié »),
 * and gives the role in this cooperative. Same rights as inviting; audited. Returns the user id
 * and whether the account was created.
 */
export async function addImportedMember(
  tx: Tx,
  actor: Actor,
  raw: { displayName: string; email: string; role: string },
): Promise<{ userId: string; created: boolean }> {
  authorize(actor, DIRECTORY.memberInvite);
  const email = raw.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)
    throw new UserError(`Adresse e-mail invalide : ${raw.email}`, 'email');
  if (!ROLES.includes(raw.role as Role)) throw new UserError(`Rôle inconnu : ${raw.role}`, 'role');
  const role = raw.role as Role;
  if (!mayGrant(actor, role)) throw new UserError('Vous ne pouvez pas donner ce rôle.', 'role');
  const existing = await findUserByEmail(tx, email);
  const user = existing
    ? { id: existing.id as string }
    : await createUser(tx, { email, displayName: raw.displayName.trim() || email.split('@')[0], password: null });
  await addMembership(tx, actor.cooperativeId, user.id, role);
  await audit(tx, actor, {
    action: 'member.imported',
    targetType: 'user',
    targetId: user.id,
    data: { email, role, created: !existing },
  });
  return { userId: user.id, created: !existing };
}

// Invitations: a staff member invites a person into the cooperative with one role, which must be
// one their own role may give; the person accepts by creating their account, or, when the
// account exists, by being signed in as it. Both ends are audited.
import { z } from 'zod';
import { type Actor, ROLE_LABELS, ROLES, type Role } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { consumeToken, createInvitation, readToken } from '../../core/auth/invitations.ts';
import { passwordProblem } from '../../core/auth/password.ts';
import { createUser, findUserByEmail, normaliseEmail } from '../../core/auth/users.ts';
import { authorize } from '../../core/authz.ts';
import type { Db } from '../../core/db/index.ts';
import { type Tx, withSystem } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import type { CooperativeId } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { parseInput } from '../../core/validation.ts';
import { getCooperative } from './cooperatives.service.ts';
import { addMembership, membershipsOfUser } from './members.service.ts';
import { DIRECTORY, mayGrant } from './permissions.ts';

export const InvitationInput = z.object({
  displayName: z.string().trim().min(1, 'Indiquez le nom.').max(200, 'Nom trop long.'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Adresse e-mail invalide.')
    .max(254, 'Adresse e-mail invalide.'),
  role: z.enum(ROLES, { message: 'Choisissez un rôle.' }),
});
export type InvitationInput = z.input<typeof InvitationInput>;

const NOT_YOURS = 'Vous ne pouvez pas donner ce rôle.';

/** Creates the invitation link and queues its e-mail. */
export async function inviteMember(
  tx: Tx,
  actor: Actor,
  raw: { displayName: string; email: string; role: string },
  publicUrl: string,
): Promise<void> {
  authorize(actor, DIRECTORY.memberInvite);
  const v = parseInput(InvitationInput, raw);
  if (!mayGrant(actor, v.role)) throw new UserError(NOT_YOURS, 'role');
  const token = await createInvitation(tx, {
    email: v.email,
    cooperativeId: actor.cooperativeId,
    role: v.role,
    invitedBy: actor.userId,
    displayName: v.displayName,
  });
  const coop = await getCooperative(tx, actor.cooperativeId);
  await enqueueMail(tx, {
    to: v.email,
    cooperativeId: actor.cooperativeId,
    subject: `Invitation à rejoindre ${coop?.name} sur Radieuse`,
    text: `Bonjour ${v.displayName},\n\n${actor.label} vous invite à rejoindre ${coop?.name} sur Radieuse.\nCréez votre compte avec ce lien (valable 7 jours) :\n${publicUrl}/invitation/${token}\n\nÀ bientôt !`,
  });
  await audit(tx, actor, { action: 'member.invited', data: { email: v.email, role: v.role } });
}

/** The invitation is for an existing account and the visitor is not signed in as it. */
export class InvitationForAnotherAccount extends UserError {
  constructor(readonly email: string) {
    super(`Connectez-vous avec le compte ${email} pour accepter cette invitation.`);
  }
}

export interface InvitationView {
  email: string;
  role: Role;
  cooperativeName: string;
  displayName: string;
  /** The account exists: accepting needs that account signed in. */
  existingAccount: boolean;
}

/** What the invitation page shows; throws the French reason when the link cannot be used. */
export async function describeInvitation(db: Db, token: string): Promise<InvitationView> {
  const row = await readToken(db, token, 'invitation');
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : (row.data ?? {})) as { displayName?: string };
  const coop = row.cooperative_id ? await getCooperative(db, row.cooperative_id) : null;
  return {
    email: row.email ?? '',
    role: row.role as Role,
    cooperativeName: coop?.name ?? '',
    displayName: data.displayName ?? '',
    existingAccount: !!(row.email && (await findUserByEmail(db, row.email))),
  };
}

/** Accepts an invitation. For an existing account, `signedInUserId` must be that account;
 *  otherwise a new account is created with the name and password given. */
export async function acceptInvitation(
  db: Db,
  token: string,
  input: { signedInUserId: string | null; displayName?: string; password?: string },
  now = new Date(),
): Promise<{ userId: string; cooperativeId: CooperativeId; role: Role; created: boolean }> {
  const row = await readToken(db, token, 'invitation', now);
  const email = normaliseEmail(row.email ?? '');
  const role = row.role as Role;
  if (!row.cooperative_id || !ROLES.includes(role)) throw new UserError("Ce lien n'est pas valide.");
  const existing = await findUserByEmail(db, email);
  if (existing) {
    if (existing.id !== input.signedInUserId || existing.disabled_at) throw new InvitationForAnotherAccount(email);
  } else {
    const fields: Record<string, string> = {};
    const problem = passwordProblem(input.password ?? '', email);
    if (problem) fields.password = problem;
    if (!input.displayName?.trim()) fields.displayName = 'Indiquez votre nom.';
    if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  }
  // The inviter must still be allowed to give the role when it is taken.
  if (row.user_id) {
    const theirs = (await membershipsOfUser(db, row.user_id)).find((m) => m.cooperativeId === row.cooperative_id);
    if (!theirs || !mayGrant(theirs, role)) throw new UserError("Cette invitation n'est plus valable.");
  }
  const cooperativeId = row.cooperative_id as CooperativeId;
  return withSystem(db, async (trx) => {
    await consumeToken(trx, token, 'invitation', now);
    const userId =
      existing?.id ??
      (await createUser(trx, { email, displayName: input.displayName ?? '', password: input.password ?? null })).id;
    await addMembership(trx, cooperativeId, userId, role);
    await audit(
      trx,
      { userId: userId as Actor['userId'], cooperativeId, roles: [role], label: existing?.display_name ?? email },
      {
        action: 'member.invitation_accepted',
        targetType: 'user',
        targetId: userId,
        data: { role, roleLabel: ROLE_LABELS[role], invitedBy: row.user_id, newAccount: !existing },
      },
    );
    return { userId, cooperativeId, role, created: !existing };
  });
}

// The directory's actions in the authorization matrix (docs/authorization.md). Every service of
// the module starts with `authorize(actor, DIRECTORY.x)`; pages only use `can` to choose what to show.
import type { Actor, Role } from '../../core/actor.ts';
import { ROLES } from '../../core/actor.ts';
import { definePermissions } from '../../core/authz.ts';

const STAFF = { support: 'all', accountant: 'all', director: 'all', network_admin: 'all' } as const;
const DIRECTION = { director: 'all', network_admin: 'all' } as const;
const EVERYONE_OWN = {
  entrepreneur: 'own',
  cape: 'own',
  support: 'own',
  accountant: 'own',
  director: 'own',
  network_admin: 'own',
} as const;

export const DIRECTORY = definePermissions('directory', {
  cooperativeView: {
    label: 'Consulter la fiche de la coopérative',
    grants: { accountant: 'all', director: 'all', network_admin: 'all' },
  },
  cooperativeUpdate: { label: 'Modifier la fiche et le logo de la coopérative', grants: DIRECTION },
  organisationTypeChange: {
    label: 'Changer le type d’organisation (CAE, tiers-lieu, collectif)',
    grants: DIRECTION,
  },
  cooperativeSettings: {
    label: 'Régler les paramètres de la coopérative',
    grants: { accountant: 'all', director: 'all', network_admin: 'all' },
  },
  memberList: { label: 'Consulter les membres', grants: STAFF },
  memberInvite: {
    label: 'Inviter une personne (rôles que l’on peut donner)',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
  memberRoles: { label: 'Changer les rôles d’un membre', grants: DIRECTION },
  memberEnd: { label: 'Mettre fin à une adhésion', grants: DIRECTION },
  activityList: { label: 'Consulter la liste des activités et leurs entrepreneur·es', grants: STAFF },
  activityView: { label: 'Consulter une activité', grants: { ...STAFF, entrepreneur: 'own', cape: 'own' } },
  activityManage: { label: 'Créer, modifier, fermer une activité', grants: STAFF },
  auditView: { label: 'Consulter le journal d’audit', grants: DIRECTION },
  bankDetailsView: {
    label: 'Consulter des coordonnées bancaires de remboursement',
    grants: { ...EVERYONE_OWN, accountant: 'all', director: 'all' },
  },
  bankDetailsEdit: { label: 'Enregistrer ses propres coordonnées bancaires', grants: EVERYONE_OWN },
  identitySubmit: { label: 'Déposer sa pièce d’identité pour vérification', grants: EVERYONE_OWN },
  identityVerify: {
    label: 'Vérifier l’identité d’un membre (voir sa pièce, décider)',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
  identityRetention: { label: 'Régler la conservation des pièces d’identité', grants: DIRECTION },
});

/** The roles each role may give, by invitation or on a member's page: never one above one's own.
 *  Support welcomes entrepreneurs; the direction staffs the cooperative; only the network team
 *  gives the network role. */
const GRANTABLE: Record<Role, readonly Role[]> = {
  entrepreneur: [],
  cape: [],
  support: ['entrepreneur', 'cape'],
  accountant: [],
  director: ['entrepreneur', 'cape', 'support', 'accountant', 'director'],
  network_admin: ROLES,
};

export function grantableRoles(actor: Pick<Actor, 'roles'>): Role[] {
  return ROLES.filter((r) => actor.roles.some((mine) => GRANTABLE[mine].includes(r)));
}
export const mayGrant = (actor: Pick<Actor, 'roles'>, role: Role): boolean => grantableRoles(actor).includes(role);

// Who does something: carried by every service call so each query is scoped and audited.
import type { CooperativeId, UserId } from './ids.ts';

export const ROLES = ['entrepreneur', 'cape', 'support', 'accountant', 'director', 'network_admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  entrepreneur: 'Entrepreneur·e salarié·e',
  cape: 'Entrepreneur·e en CAPE',
  support: "Chargé·e d'accompagnement",
  accountant: 'Comptable',
  director: 'Direction',
  network_admin: 'Équipe du réseau',
};

/** What kind of organisation a cooperative row is: a CAE (the default, with the ERP: sales,
 *  purchases, bank, ledger…) or another collective that uses Radieuse without the ERP (a
 *  tiers-lieu, a collective): directory, journeys, surveys and impact, campus, learning. */
export const ORGANISATION_TYPES = ['cae', 'tiers_lieu', 'collectif'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];
export const ORGANISATION_TYPE_LABELS: Record<OrganisationType, string> = {
  cae: "Coopérative d'activité et d'emploi",
  tiers_lieu: 'Tiers-lieu',
  collectif: 'Collectif',
};
/** Whether an organisation of this type has the ERP (absent: a CAE, it has). */
export const hasErp = (type: OrganisationType | undefined): boolean => (type ?? 'cae') === 'cae';

export interface Actor {
  userId: UserId | null;
  cooperativeId: CooperativeId;
  roles: Role[];
  label: string;
  ip?: string | null;
  /** The organisation's type when it is not a CAE (set at sign-in and by the API): the ERP
   *  permissions are refused to it (core/authz.ts). Absent: a CAE. */
  organisationType?: OrganisationType;
}

export const isStaff = (a: Actor) =>
  a.roles.some((r) => r === 'support' || r === 'accountant' || r === 'director' || r === 'network_admin');
export const hasRole = (a: Actor, ...roles: Role[]) => a.roles.some((r) => roles.includes(r));

export class ForbiddenError extends Error {
  constructor(message = "Vous n'avez pas accès à cette action.") {
    super(message);
  }
}
export function requireRole(a: Actor, ...roles: Role[]): void {
  if (!hasRole(a, ...roles)) throw new ForbiddenError();
}

/** A cooperative where a user holds roles (sign-in, the cooperative switcher). */
export interface Membership {
  cooperativeId: CooperativeId;
  slug: string;
  name: string;
  roles: Role[];
  organisationType?: OrganisationType;
}

/** An actor for system work (jobs, CLI, demo). */
export function systemActor(cooperativeId: CooperativeId | string, label = 'Système'): Actor {
  return {
    userId: null,
    cooperativeId: cooperativeId as CooperativeId,
    roles: ['director', 'accountant', 'support'],
    label,
  };
}

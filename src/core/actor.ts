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

export interface Actor {
  userId: UserId | null;
  cooperativeId: CooperativeId;
  roles: Role[];
  label: string;
  ip?: string | null;
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

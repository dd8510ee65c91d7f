// The authorization matrix: for every action of every module, which roles may do it and on
// what scope. Services call `authorize(actor, PERMISSION)` before anything else; pages and the
// CLI only decide what to show. The matrix is printed in docs/authorization.md (generated from
// this registry, checked by a test), and every permission is tried for every role by the
// services' authorization tests (core/testing-authz.ts).
import { type Actor, ForbiddenError, hasErp, requireRole, ROLES, type Role } from './actor.ts';

/** `all`: anything of the cooperative; `own`: only what belongs to the actor's own activities
 *  (or to the actor as a person) — the service checks the ownership of the object itself. */
export type Scope = 'all' | 'own';
export type Grants = Partial<Record<Role, Scope>>;

export interface Permission {
  /** `module.action`, e.g. `sales.payment.record`. */
  readonly key: string;
  readonly module: string;
  /** What it allows, in French, for the printed matrix. */
  readonly label: string;
  readonly grants: Grants;
}

/** Presets the modules share. Every role of the cooperative, on everything it may see. */
export const EVERY_MEMBER: Grants = Object.freeze(Object.fromEntries(ROLES.map((r) => [r, 'all' as const])));
/** The entrepreneur (or CAPE holder) on their own activities; support, accountant and direction
 *  on all (the money documents: invoices, quotes, purchases). */
export const OWNERS_AND_STAFF: Grants = Object.freeze({
  entrepreneur: 'own',
  cape: 'own',
  support: 'all',
  accountant: 'all',
  director: 'all',
});

const registry = new Map<string, Permission>();

/** A module declares its permissions once (its `permissions.ts`), and exports them. */
export function definePermissions<const K extends string>(
  module: string,
  defs: Record<K, { label: string; grants: Grants }>,
): Record<K, Permission> {
  const out = {} as Record<K, Permission>;
  for (const [action, d] of Object.entries(defs) as [K, { label: string; grants: Grants }][]) {
    const key = `${module}.${action}`;
    const p: Permission = Object.freeze({ key, module, label: d.label, grants: Object.freeze({ ...d.grants }) });
    if (registry.has(key) && registry.get(key)?.label !== p.label)
      throw new Error(`permission déclarée deux fois : ${key}`);
    registry.set(key, p);
    out[action] = p;
  }
  return out;
}

/** The modules of the ERP (money, books, salary): an organisation without the ERP (a tiers-lieu,
 *  a collective: `hasErp`) holds none of their permissions, whatever its members' roles. The
 *  assembly hides their navigation and refuses their pages from the same list (src/app). */
export const ERP_MODULES: ReadonlySet<string> = new Set([
  'sales',
  'purchases',
  'bank',
  'ledger',
  'einvoicing',
  'migration',
]);

/** Whether the actor's organisation reaches this module at all (only the ERP ones can be out). */
export const moduleAvailable = (actor: Pick<Actor, 'organisationType'>, module: string): boolean =>
  hasErp(actor.organisationType) || !ERP_MODULES.has(module);

/** The widest scope the actor's roles give for this permission, or null. */
export function scopeOf(actor: Pick<Actor, 'roles' | 'organisationType'>, p: Permission): Scope | null {
  if (!moduleAvailable(actor, p.module)) return null;
  let best: Scope | null = null;
  for (const r of actor.roles) {
    const s = p.grants[r];
    if (s === 'all') return 'all';
    if (s === 'own') best = 'own';
  }
  return best;
}

export const can = (actor: Pick<Actor, 'roles' | 'organisationType'>, p: Permission): boolean =>
  scopeOf(actor, p) !== null;

/** Throws ForbiddenError unless a role of the actor holds the permission; returns its scope.
 *  With `own`, the caller must still check that the object is the actor's. */
export function authorize(actor: Pick<Actor, 'roles' | 'organisationType'>, p: Permission): Scope {
  const s = scopeOf(actor, p);
  if (!s) throw new ForbiddenError();
  return s;
}

/** Every permission declared so far (the modules register theirs when they load). */
export function allPermissions(): Permission[] {
  return [...registry.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** The matrix as Markdown: one table per module, one column per role. */
export function permissionMatrixMarkdown(): string {
  const labels: Record<Scope, string> = { all: 'toutes', own: 'les siennes' };
  const byModule = new Map<string, Permission[]>();
  for (const p of allPermissions()) byModule.set(p.module, [...(byModule.get(p.module) ?? []), p]);
  const out: string[] = [];
  for (const [m, ps] of byModule) {
    out.push(`## ${m}`, '', `| action | ${ROLES.join(' | ')} |`, `|---|${ROLES.map(() => '---').join('|')}|`);
    for (const p of ps)
      out.push(
        `| ${p.label} (\`${p.key}\`) | ${ROLES.map((r) => (p.grants[r] ? labels[p.grants[r]] : '—')).join(' | ')} |`,
      );
    out.push('');
  }
  return out.join('\n');
}

/** For the services whose role is checked by the action that calls them (the ledger's postings,
 *  the bank's helpers, a page's panels): only that the actor's organisation has the module, so
 *  that they refuse an organisation without the ERP on their own. */
export function requireModule(actor: Pick<Actor, 'organisationType'>, module: string): void {
  if (!moduleAvailable(actor, module)) throw new ForbiddenError();
}

/** For the services that check plain roles rather than a declared permission (the bank's): the
 *  role and that the actor's organisation has the module (`moduleAvailable`). */
export function requireModuleRole(actor: Actor, module: string, ...roles: Role[]): void {
  requireModule(actor, module);
  requireRole(actor, ...roles);
}

// The people of the cooperative as the accompaniment needs them (members and their roles),
// asked to the directory through its services: this module never reads the directory's tables.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor, Role } from '../../core/actor.ts';
import { isUuid } from '../../core/ids.ts';
import { listMembers, membershipsOfUser } from '../directory/index.ts';

const ALL = 100_000;
const collator = new Intl.Collator('fr');

/** The active roles of a user in a cooperative (none when the user is not a member). */
export async function rolesInCooperative(tx: Tx, cooperativeId: string, userId: string): Promise<Role[]> {
  if (!isUuid(userId)) return [];
  const m = (await membershipsOfUser(tx, userId)).find((x) => x.cooperativeId === cooperativeId);
  return m?.roles ?? [];
}

/** `[userId, name]` of the active members holding one of these roles, by name. */
export async function memberOptions(tx: Tx, actor: Actor, roles: Role[]): Promise<[string, string][]> {
  const byId = new Map<string, string>();
  for (const role of roles)
    for (const m of (await listMembers(tx, actor, { role, pageSize: ALL })).items) byId.set(m.userId, m.displayName);
  return [...byId].sort((a, b) => collator.compare(a[1], b[1]));
}

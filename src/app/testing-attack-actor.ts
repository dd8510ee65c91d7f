// A member of the victim cooperative as an actor, by e-mail: the attack fixtures (testing-attack*.ts)
// make the victim's objects through the services, acting as its own people.
import { sql } from 'kysely';
import type { Actor, Role } from '../core/actor.ts';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';

/** A function giving the actor of a member of the cooperative `victimId`, by e-mail. */
export function victimActors(odb: OpenDb, victimId: string): (email: string) => Promise<Actor> {
  const db = coreDb(odb.db);
  return async (email) => {
    const r = await sql<{ id: string; role: Role }>`select u.id, m.role from user_account u
      join membership m on m.user_id = u.id and m.cooperative_id = ${victimId} where u.email = ${email}`.execute(db);
    if (!r.rows.length) throw new Error(`${email} is not a member of the victim cooperative`);
    return {
      userId: r.rows[0].id as Actor['userId'],
      cooperativeId: victimId as Actor['cooperativeId'],
      roles: r.rows.map((x) => x.role),
      label: email,
    };
  };
}

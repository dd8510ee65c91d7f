// The data rules every table must keep (docs/architecture.md, ../shared/design/ARCHITECTURE.md):
// a cooperative's rows lead every key with cooperative_id (the condition for distributing the
// database by cooperative, e.g. with Citus) and sit under row-level security, so no query of a
// tenant transaction can see, let alone join, two cooperatives.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import { createTestDb } from './testing.ts';

let odb: OpenDb;
let tenantTables: string[];
before(async () => {
  odb = await createTestDb();
  tenantTables = (
    await sql<{ t: string }>`select table_name as t from information_schema.columns
      where table_schema = 'public' and column_name = 'cooperative_id' order by table_name`.execute(coreDb(odb.db))
  ).rows.map((r) => r.t);
});
after(() => odb.close());

/** Tables of the core keyed otherwise on purpose (a person's account spans cooperatives). */
const NOT_TENANT_KEYED = new Set(['mail_outbox', 'auth_token', 'domain_event', 'oidc_provider']);

test('every primary key, foreign key and unique index of a tenant table starts with cooperative_id', async () => {
  const r = await sql<{ table: string; name: string; kind: string; first: string; target: string | null }>`
    select cl.relname as table, co.conname as name, co.contype::text as kind,
      (select attname from pg_attribute where attrelid = co.conrelid and attnum = co.conkey[1]) as first,
      (select relname from pg_class where oid = co.confrelid) as target
    from pg_constraint co join pg_class cl on cl.oid = co.conrelid join pg_namespace n on n.oid = cl.relnamespace
    where n.nspname = 'public' and co.contype in ('p', 'f', 'u')
    union all
    select cl.relname, ic.relname, 'i', (select attname from pg_attribute where attrelid = ix.indrelid and attnum = ix.indkey[0]), null
    from pg_index ix join pg_class cl on cl.oid = ix.indrelid join pg_class ic on ic.oid = ix.indexrelid
    join pg_namespace n on n.oid = cl.relnamespace
    where n.nspname = 'public' and ix.indisunique and not ix.indisprimary`.execute(coreDb(odb.db));
  const wrong = r.rows
    .filter((x) => tenantTables.includes(x.table) && !NOT_TENANT_KEYED.has(x.table) && x.first !== 'cooperative_id')
    // A foreign key to a table shared by every cooperative (accounts, the cooperatives themselves)
    // points to a reference table, replicated everywhere when the database is distributed.
    .filter((x) => !(x.kind === 'f' && x.target && !tenantTables.includes(x.target)))
    .map((x) => `${x.table}.${x.name} (${x.kind}) starts with ${x.first}`);
  assert.deepEqual(wrong, []);
  console.log(`# keys: ${r.rows.length} keys and unique indexes of ${tenantTables.length} tenant tables checked`);
});

test('every tenant table is under row-level security with a policy', async () => {
  const r = await sql<{ t: string; rls: boolean; policies: number }>`
    select c.relname as t, c.relrowsecurity as rls, (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'`.execute(
    coreDb(odb.db),
  );
  const open = r.rows.filter((x) => tenantTables.includes(x.t) && (!x.rls || x.policies === 0)).map((x) => x.t);
  assert.deepEqual(open, []);
});

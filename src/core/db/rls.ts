// Row-level security: the policy every tenant table gets, next to its `create table`.
/** SQL used by module migrations to put a table under row-level security. */
export function tenantPolicySql(table: string): string {
  return `alter table ${table} enable row level security;
create policy ${table}_tenant on ${table}
  using (cooperative_id = nullif(current_setting('app.cooperative_id', true), '')::uuid)
  with check (cooperative_id = nullif(current_setting('app.cooperative_id', true), '')::uuid);`;
}

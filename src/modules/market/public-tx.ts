// The anonymous pages' transaction: the unprivileged role with no cooperative set, read only.
// Row-level security then lets through only the rows of the `public` policies (published
// profiles and offers, visible reviews); every other table answers nothing.
import { withTenant } from '../../core/db/tenant.ts';
import type { Db, Tx } from '../../core/db/handles.ts';

export function withPublic<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTenant(db, '', fn, { readOnly: true });
}

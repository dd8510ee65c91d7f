// The vault's view of the database: the core tables (stored files, accounts, audit) and its own.
import { moduleView, type ModuleTx } from '../../core/db/handles.ts';
import type { VaultTables } from './schema.ts';

export type VaultTx = ModuleTx<VaultTables>;
export const vaultDb = moduleView<VaultTables>();

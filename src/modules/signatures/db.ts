// The signatures module's view of the database: the core tables and its own. People, activities
// and the cooperative come from the directory's services, never from its tables.
import { moduleView, type ModuleTx } from '../../core/db/handles.ts';
import type { SignaturesTables } from './schema.ts';

export type SignaturesTx = ModuleTx<SignaturesTables>;
export const signaturesDb = moduleView<SignaturesTables>();

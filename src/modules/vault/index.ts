// The confidential archive (coffre-fort): what other modules may use. Sales can archive an
// invoice PDF for its entrepreneur (archiveInvoice); the signature module's contracts arrive
// through its `signatures.completed` event (events.ts), not through a call.
export {
  archiveInvoice,
  type ArchivedDocument,
  CONTRACT_KINDS,
  type ContractKind,
  DOCUMENT_KINDS,
  type DocumentKind,
  type SignatureCompleted,
} from './archive.service.ts';
export { SIGNATURE_COMPLETED } from './events.ts';
export { VAULT } from './permissions.ts';
export { vaultPersonalData } from './personal-data.ts';
export { archiveProofsCheck } from './proofs.service.ts';
export { vaultMigrations, type VaultTables } from './schema.ts';

// The archive's test door for the assembly's own tests (a local RFC 3161 authority, the
// timestamp sweep run at once).
export { type LocalTsa, startLocalTsa, timestampAllPending } from '../modules/vault/testing.ts';

// Fixtures for other modules' tests (and the assembly's): a local RFC 3161 timestamp authority,
// and the archive's timestamp sweep run at once instead of waiting for its queue.
export { type LocalTsa, startLocalTsa } from './testing-tsa.ts';
export { timestampAllPending } from './proofs.service.ts';

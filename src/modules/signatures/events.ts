// Events the signatures module emits. The archive (vault) subscribes to `signatures.completed`
// to file the sealed contract and its evidence: the name and payload are a contract between
// modules, never renamed.
import type { SignatureKind } from './schema.ts';

export const SIGNATURES_COMPLETED = 'signatures.completed';
export const SIGNATURES_EVENTS = { completed: SIGNATURES_COMPLETED } as const;

export interface SignaturesCompletedPayload {
  requestId: string;
  /** The person who signed. */
  userId: string;
  kind: SignatureKind;
  title: string;
  /** stored_file id of the sealed PDF (same cooperative). */
  fileId: string;
  /** stored_file id of the evidence file (JSON). */
  evidenceFileId: string;
  /** ISO 8601 instant. */
  signedAt: string;
}

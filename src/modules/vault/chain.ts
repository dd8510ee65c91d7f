// The archive's hash chain: one entry per archived file, per cooperative, each entry's hash
// covering its position, its document, the file's SHA-256, its date and the previous entry's
// hash. Unlike the audit chain (keyed HMAC, for the operator), it is a plain SHA-256 over the
// same canonical serialisation (core/audit.ts), so that a member can re-check it offline with
// the export's verifier.mjs, and a timestamp authority can vouch for each entry's hash.
import { sql } from 'kysely';
import { canonical } from '../../core/audit.ts';
import type { Tx } from '../../core/db/handles.ts';
import { vaultDb } from './db.ts';
import { sha256Hex } from './timestamp.ts';

export const GENESIS = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  cooperative_id: string;
  document_id: string;
  kind: string;
  sha256: string;
  created_at: string;
  prev_hash: string;
}

/** SHA-256 of the canonical JSON (keys sorted) of an entry's fields: what verifier.mjs recomputes. */
export function entryHashOf(f: ChainFields): string {
  return sha256Hex(canonical(f));
}

export interface ChainEntry {
  seq: number;
  documentId: string;
  part: 'main' | 'companion';
  kind: string;
  sha256: string;
  createdAt: Date;
  prevHash: string;
  entryHash: string;
  tsaTime: Date | null;
  tsaName: string | null;
  tsaError: string | null;
  hasToken: boolean;
  purgedAt: Date | null;
}

/** Appends one entry (one writer per cooperative at a time keeps the chain linear). */
export async function appendEntry(
  tx: Tx,
  cooperativeId: string,
  e: { documentId: string; part: 'main' | 'companion'; kind: string; sha256: string },
): Promise<{ seq: number; entryHash: string }> {
  const trx = vaultDb(tx);
  await sql`select pg_advisory_xact_lock(hashtext(${`archive-chain:${cooperativeId}`}))`.execute(trx);
  const last = await trx
    .selectFrom('archive_chain')
    .select(['seq', 'entry_hash'])
    .where('cooperative_id', '=', cooperativeId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const createdAt = new Date();
  const fields: ChainFields = {
    seq: Number(last?.seq ?? 0) + 1,
    cooperative_id: cooperativeId,
    document_id: e.documentId,
    kind: e.kind,
    sha256: e.sha256,
    created_at: createdAt.toISOString(),
    prev_hash: last?.entry_hash ?? GENESIS,
  };
  const entryHash = entryHashOf(fields);
  await trx
    .insertInto('archive_chain')
    .values({
      cooperative_id: cooperativeId,
      seq: fields.seq,
      document_id: e.documentId,
      part: e.part,
      kind: e.kind,
      sha256: e.sha256,
      created_at: createdAt,
      prev_hash: fields.prev_hash,
      entry_hash: entryHash,
      tsa_response: null,
      tsa_time: null,
      tsa_name: null,
      tsa_error: null,
      purged_at: null,
    })
    .execute();
  return { seq: fields.seq, entryHash };
}

type Row = {
  seq: number | string;
  document_id: string;
  part: string;
  kind: string;
  sha256: string;
  created_at: Date;
  prev_hash: string;
  entry_hash: string;
  tsa_time: Date | null;
  tsa_name: string | null;
  tsa_error: string | null;
  has_token: boolean;
  purged_at: Date | null;
};
export const toEntry = (r: Row): ChainEntry => ({
  seq: Number(r.seq),
  documentId: r.document_id,
  part: r.part as 'main' | 'companion',
  kind: r.kind,
  sha256: r.sha256,
  createdAt: new Date(r.created_at),
  prevHash: r.prev_hash,
  entryHash: r.entry_hash,
  tsaTime: r.tsa_time ? new Date(r.tsa_time) : null,
  tsaName: r.tsa_name,
  tsaError: r.tsa_error,
  hasToken: !!r.has_token,
  purgedAt: r.purged_at ? new Date(r.purged_at) : null,
});

/** The chain entries of some documents. */
export async function entriesOf(tx: Tx, cooperativeId: string, documentIds: string[]): Promise<ChainEntry[]> {
  if (!documentIds.length) return [];
  const rows = await vaultDb(tx)
    .selectFrom('archive_chain')
    .select([
      'seq',
      'document_id',
      'part',
      'kind',
      'sha256',
      'created_at',
      'prev_hash',
      'entry_hash',
      'tsa_time',
      'tsa_name',
      'tsa_error',
      'purged_at',
      sql<boolean>`tsa_response is not null`.as('has_token'),
    ])
    .where('cooperative_id', '=', cooperativeId)
    .where('document_id', 'in', documentIds)
    .orderBy('seq')
    .execute();
  return rows.map(toEntry);
}

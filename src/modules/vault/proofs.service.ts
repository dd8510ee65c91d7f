// The proofs: asking the timestamp authority for the entries still without a token (after the
// archiving transaction committed: a network call never holds a transaction open), and the
// verification of everything (`radieuse archive verify`): each entry's hash and link, each
// archived file's content (decrypted) against its entry, each token's imprint and signature.
import { sql } from 'kysely';
import type { Db, Tx } from '../../core/db/handles.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { readFile } from '../../core/files.ts';
import type { IntegrityCheck } from '../../core/integrity.ts';
import { settingsOf } from './archive.service.ts';
import { entryHashOf, GENESIS } from './chain.ts';
import { vaultDb } from './db.ts';
import { requestTimestamp, sha256Hex, verifyTimestampResponse } from './timestamp.ts';

/**
 * Timestamps the entries of a cooperative that have no token yet, when a TSA is configured.
 * Returns how many got one; a failure is kept on the entry (shown on the pages) and retried later.
 */
export async function timestampPending(db: Db, cooperativeId: string, limit = 200): Promise<number> {
  const { pending, url, trusted } = await withTenant(db, cooperativeId, async (tx) => {
    const s = await settingsOf(tx, cooperativeId);
    if (!s.effectiveTsaUrl) return { pending: [], url: null, trusted: false };
    const rows = await vaultDb(tx)
      .selectFrom('archive_chain')
      .select(['seq', 'entry_hash'])
      .where('cooperative_id', '=', cooperativeId)
      .where('tsa_response', 'is', null)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return { pending: rows, url: s.effectiveTsaUrl, trusted: s.effectiveTsaTrusted };
  });
  let done = 0;
  for (const e of pending) {
    let set: { tsa_response: Buffer; tsa_time: Date; tsa_name: string; tsa_error: null } | { tsa_error: string };
    try {
      const t = await requestTimestamp(url!, e.entry_hash, { trusted });
      set = { tsa_response: t.response, tsa_time: t.genTime, tsa_name: t.tsaName, tsa_error: null };
      done++;
    } catch (err) {
      set = { tsa_error: `${new Date().toISOString()} : ${(err as Error).message}`.slice(0, 500) };
    }
    await withTenant(db, cooperativeId, (tx) =>
      vaultDb(tx)
        .updateTable('archive_chain')
        .set(set)
        .where('cooperative_id', '=', cooperativeId)
        .where('seq', '=', e.seq)
        .where('tsa_response', 'is', null)
        .execute(),
    );
  }
  return done;
}

/** Every cooperative with entries waiting for a token (the scheduled job). */
export async function timestampAllPending(db: Db): Promise<number> {
  const coops = await withSystem(db, (tx) =>
    vaultDb(tx)
      .selectFrom('archive_chain')
      .select('cooperative_id')
      .where('tsa_response', 'is', null)
      .distinct()
      .execute(),
  );
  let n = 0;
  for (const c of coops) n += await timestampPending(db, c.cooperative_id);
  return n;
}

export interface ArchiveProblem {
  cooperativeId: string;
  seq: number | null;
  documentId: string | null;
  detail: string;
}

export interface ArchiveVerification {
  entries: number;
  files: number;
  tokens: number;
  problems: ArchiveProblem[];
}

/**
 * Re-checks every proof of one cooperative, or of all (run as the owner, outside tenant
 * transactions). Each problem is described in French; nothing stops at the first one.
 */
export async function verifyArchive(
  db: Db,
  key: Buffer,
  cooperativeId?: string,
  onProgress?: (done: number, total: number) => void,
): Promise<ArchiveVerification> {
  return withSystem(db, async (tx: Tx) => {
    const trx = vaultDb(tx);
    const coops = cooperativeId
      ? [cooperativeId]
      : (
          await trx.selectFrom('archive_chain').select('cooperative_id').distinct().orderBy('cooperative_id').execute()
        ).map((r) => r.cooperative_id);
    const result: ArchiveVerification = { entries: 0, files: 0, tokens: 0, problems: [] };
    const total = Number(
      (
        await trx
          .selectFrom('archive_chain')
          .select(sql<number>`count(*)`.as('n'))
          .$if(!!cooperativeId, (q) => q.where('cooperative_id', '=', cooperativeId!))
          .executeTakeFirstOrThrow()
      ).n,
    );
    for (const coop of coops) await checkCooperative(tx, key, coop, result, total, onProgress);
    return result;
  });
}

/** The proofs of one cooperative, in the caller's transaction (also `radieuse check`'s check). */
export async function checkCooperative(
  tx: Tx,
  key: Buffer,
  coop: string,
  result: ArchiveVerification = { entries: 0, files: 0, tokens: 0, problems: [] },
  total = 0,
  onProgress?: (done: number, total: number) => void,
): Promise<ArchiveVerification> {
  const trx = vaultDb(tx);
  const problem = (seq: number | null, documentId: string | null, detail: string) =>
    result.problems.push({ cooperativeId: coop, seq, documentId, detail });
  const docs = new Map(
    (await trx.selectFrom('archive_document').selectAll().where('cooperative_id', '=', coop).execute()).map((d) => [
      d.id,
      d,
    ]),
  );
  const chained = new Set<string>();
  let prev = GENESIS;
  let expected = 1;
  let after = 0;
  for (;;) {
    const rows = await trx
      .selectFrom('archive_chain')
      .selectAll()
      .where('cooperative_id', '=', coop)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(500)
      .execute();
    if (!rows.length) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      after = seq;
      result.entries++;
      onProgress?.(result.entries, total);
      if (seq !== expected) problem(seq, r.document_id, `entrée ${expected} manquante avant l'entrée ${seq}`);
      expected = seq + 1;
      if (r.prev_hash !== prev) problem(seq, r.document_id, `chaînage rompu à l'entrée ${seq}`);
      const recomputed = entryHashOf({
        seq,
        cooperative_id: r.cooperative_id,
        document_id: r.document_id,
        kind: r.kind,
        sha256: r.sha256,
        created_at: new Date(r.created_at).toISOString(),
        prev_hash: r.prev_hash,
      });
      if (recomputed !== r.entry_hash)
        problem(seq, r.document_id, `entrée ${seq} modifiée (empreinte recalculée différente)`);
      prev = r.entry_hash;
      chained.add(`${r.document_id}:${r.part}`);
      const d = docs.get(r.document_id);
      if (!d) {
        problem(seq, r.document_id, `entrée ${seq} : document introuvable`);
      } else {
        const fileId = r.part === 'main' ? d.file_id : d.companion_file_id;
        const expectedSha = r.part === 'main' ? d.sha256 : d.companion_sha256;
        if (expectedSha !== r.sha256)
          problem(seq, d.id, `entrée ${seq} : l'empreinte du document « ${d.title} » ne correspond plus à la chaîne`);
        if (!r.purged_at && !d.purged_at) {
          if (!fileId)
            problem(seq, d.id, `entrée ${seq} : le fichier de « ${d.title} » a disparu sans effacement enregistré`);
          else {
            try {
              const f = await readFile(tx, key, coop, fileId);
              result.files++;
              if (sha256Hex(f.content) !== r.sha256)
                problem(seq, d.id, `entrée ${seq} : le contenu de « ${d.title} » a été modifié (SHA-256 différent)`);
            } catch (e) {
              problem(
                seq,
                d.id,
                `entrée ${seq} : le fichier de « ${d.title} » est illisible ou altéré (${(e as Error).message})`,
              );
            }
          }
        }
      }
      if (r.tsa_response) {
        result.tokens++;
        const t = await verifyTimestampResponse(r.tsa_response, r.entry_hash);
        if (!t.ok) problem(seq, r.document_id, `entrée ${seq} : horodatage invalide (${t.problem})`);
      }
    }
  }
  for (const d of docs.values()) {
    if (!chained.has(`${d.id}:main`)) problem(null, d.id, `le document « ${d.title} » n'est pas dans la chaîne`);
    if (d.companion_sha256 && !chained.has(`${d.id}:companion`))
      problem(null, d.id, `la preuve de signature de « ${d.title} » n'est pas dans la chaîne`);
  }
  return result;
}

/** `radieuse check`: the archive's chain, files and timestamps of one cooperative. */
export function archiveProofsCheck(fileKey: Buffer): IntegrityCheck {
  return {
    label: 'coffre-fort (chaîne, documents, horodatages)',
    async run(tx, cooperativeId) {
      const r = await checkCooperative(tx, fileKey, cooperativeId);
      return r.problems.map((p) => ({ kind: 'archive_proof', detail: p.detail }));
    },
  };
}

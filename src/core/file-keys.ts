// Envelope encryption of stored files (docs/decisions/0004-envelope-encryption.md).
//
// The master key (RADIEUSE_FILE_KEY) never encrypts a document: it wraps each cooperative's
// data keys, and the data keys encrypt the files. So changing the master key re-wraps a few
// dozen bytes per cooperative instead of re-encrypting every file, the database holds only
// wrapped keys (a backup gives nothing without the environment), and two cooperatives never
// share a key. Each wrapped key records the fingerprint of the master key that wrapped it, so a
// reader knows which master key to use while a rotation is under way (RADIEUSE_FILE_KEY_PREVIOUS).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { systemActor } from './actor.ts';
import { audit } from './audit.ts';
import { coreDb, type Db, type Tx } from './db/handles.ts';
import { withSystem, withTenant } from './db/tenant.ts';
import { uuidv7 } from './ids.ts';
import { masterKeyFingerprint, masterKeyring } from './master-keys.ts';

export { masterKeyFingerprint, masterKeyring, registerPreviousMasterKeys } from './master-keys.ts';

/** Raised when no master key at hand opens a data key or a file: an operator's problem, said plainly. */
export class FileKeyError extends Error {}

// Unwrapped keys, so reading a file costs no unwrap each time. The entry names the master key
// that wrapped it (fingerprint) and the wrapping itself (its IV): it is used only after the
// caller showed it holds that master key, and only for that very wrapped value.
const CACHE_MAX = 1000;
const unwrapped = new Map<string, Buffer>();
const cacheKey = (cooperativeId: string, keyId: string, fp: string, iv: string) =>
  `${cooperativeId}:${keyId}:${fp}:${iv}`;
function remember(k: string, dataKey: Buffer) {
  if (unwrapped.size >= CACHE_MAX) unwrapped.delete(unwrapped.keys().next().value as string);
  unwrapped.set(k, dataKey);
}

// The wrapped key is bound to its cooperative and id (GCM additional data): a wrapped key copied
// to another cooperative's row does not open.
const wrapAad = (cooperativeId: string, keyId: string) => Buffer.from(`radieuse data key v1:${cooperativeId}:${keyId}`);

function wrap(master: Buffer, cooperativeId: string, keyId: string, dataKey: Buffer) {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  c.setAAD(wrapAad(cooperativeId, keyId));
  const wrapped = Buffer.concat([c.update(dataKey), c.final()]);
  return {
    wrapped_key: wrapped.toString('base64'),
    iv: iv.toString('base64'),
    auth_tag: c.getAuthTag().toString('base64'),
    master_fingerprint: masterKeyFingerprint(master),
  };
}

interface WrappedRow {
  cooperative_id: string;
  id: string;
  wrapped_key: string;
  iv: string;
  auth_tag: string;
  master_fingerprint: string;
}

function unwrapWith(master: Buffer, row: WrappedRow): Buffer {
  try {
    const d = createDecipheriv('aes-256-gcm', master, Buffer.from(row.iv, 'base64'));
    d.setAAD(wrapAad(row.cooperative_id, row.id));
    d.setAuthTag(Buffer.from(row.auth_tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(row.wrapped_key, 'base64')), d.final()]);
  } catch {
    throw new FileKeyError(
      `La clé de données ${row.id} ne s'ouvre pas avec la clé maîtresse d'empreinte ${row.master_fingerprint} : elle a été altérée.`,
    );
  }
}

/** Unwraps a data key row with the master keys of `current`'s ring (cached). */
export function unwrapDataKey(current: Buffer, row: WrappedRow): Buffer {
  const k = cacheKey(row.cooperative_id, row.id, row.master_fingerprint, row.iv);
  const master = masterKeyring(current).get(row.master_fingerprint);
  if (!master)
    throw new FileKeyError(
      `Clé maîtresse absente : la clé de données ${row.id} est scellée par la clé d'empreinte ${row.master_fingerprint}, ` +
        "qui n'est ni RADIEUSE_FILE_KEY ni l'une des clés de RADIEUSE_FILE_KEY_PREVIOUS. " +
        'Remettez cette clé dans RADIEUSE_FILE_KEY_PREVIOUS puis lancez « radieuse keys rotate ».',
    );
  const hit = unwrapped.get(k);
  if (hit) return hit;
  const dataKey = unwrapWith(master, row);
  remember(k, dataKey);
  return dataKey;
}

/** One data key of a cooperative, unwrapped. */
export async function dataKeyById(tx: Tx, master: Buffer, cooperativeId: string, keyId: string): Promise<Buffer> {
  const row = await coreDb(tx)
    .selectFrom('cooperative_data_key')
    .select(['cooperative_id', 'id', 'wrapped_key', 'iv', 'auth_tag', 'master_fingerprint'])
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  if (!row) throw new FileKeyError(`Clé de données ${keyId} introuvable pour cette coopérative.`);
  return unwrapDataKey(master, row);
}

/**
 * The cooperative's active data key for new files, created at first need. Two transactions
 * creating it at once: the unique partial index makes the second insert wait for the first and
 * then do nothing, and it reads the key the first one made (read committed sees it once committed).
 */
export async function activeDataKey(
  tx: Tx,
  master: Buffer,
  cooperativeId: string,
): Promise<{ id: string; key: Buffer }> {
  const trx = coreDb(tx);
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await trx
      .selectFrom('cooperative_data_key')
      .select(['cooperative_id', 'id', 'wrapped_key', 'iv', 'auth_tag', 'master_fingerprint'])
      .where('cooperative_id', '=', cooperativeId)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    if (row) return { id: row.id, key: unwrapDataKey(master, row) };
    const id = uuidv7();
    const fresh = randomBytes(32);
    const wrapped = wrap(master, cooperativeId, id, fresh);
    const inserted = await trx
      .insertInto('cooperative_data_key')
      .values({ cooperative_id: cooperativeId, id, ...wrapped })
      .onConflict((oc) => oc.column('cooperative_id').where('retired_at', 'is', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      remember(cacheKey(cooperativeId, id, wrapped.master_fingerprint, wrapped.iv), fresh);
      return { id, key: fresh };
    }
  }
  throw new Error(`aucune clé de données active pour la coopérative ${cooperativeId}`);
}

/** A data key sealed again for a copy of its cooperative (another cooperative, another key id):
 *  the benchmark's network generator copies cooperatives row by row, and a wrapped key opens
 *  only where it was made. */
export function rewrapDataKeyFor(current: Buffer, row: WrappedRow, to: { cooperativeId: string; keyId: string }) {
  return wrap(current, to.cooperativeId, to.keyId, unwrapDataKey(current, row));
}

/** Encrypts a file's content (AES-256-GCM, random IV). */
export function sealContent(key: Buffer, content: Buffer) {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([c.update(content), c.final()]);
  return { iv: iv.toString('base64'), auth_tag: c.getAuthTag().toString('base64'), content: sealed };
}

export function openContent(key: Buffer, f: { iv: string; auth_tag: string; content: Buffer }): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(f.iv, 'base64'));
  d.setAuthTag(Buffer.from(f.auth_tag, 'base64'));
  return Buffer.concat([d.update(f.content), d.final()]);
}

/** A file stored before data keys (sealed with a master key itself): whichever known master key opens it. */
export function openLegacyContent(master: Buffer, f: { id: string; iv: string; auth_tag: string; content: Buffer }) {
  for (const k of masterKeyring(master).values()) {
    try {
      return openContent(k, f);
    } catch {
      // the next master key, if any
    }
  }
  throw new FileKeyError(
    `Le fichier ${f.id}, enregistré avant les clés de données, ne s'ouvre avec aucune clé maîtresse connue ` +
      '(RADIEUSE_FILE_KEY, RADIEUSE_FILE_KEY_PREVIOUS), ou il a été altéré.',
  );
}

/** Cooperatives holding data keys or stored files: the ones a rotation has work in. */
export async function cooperativesWithFiles(db: Db): Promise<string[]> {
  const r = await sql<{ id: string }>`
    select cooperative_id as id from cooperative_data_key union select cooperative_id from stored_file order by 1`.execute(
    coreDb(db),
  );
  return r.rows.map((x) => x.id);
}

export interface RotationResult {
  /** Data keys re-wrapped under the current master key. */
  rewrapped: number;
  /** The new active data key (--data-keys), or null. */
  newDataKeyId: string | null;
}

/**
 * Re-wraps every data key of a cooperative under the current master key, in one short
 * transaction (files are not touched). With `newDataKey`, the active key retires and a new one
 * takes the new files; the retired one still opens the files it sealed.
 */
export async function rotateCooperativeKeys(
  db: Db,
  master: Buffer,
  cooperativeId: string,
  opts: { newDataKey?: boolean } = {},
): Promise<RotationResult> {
  const fp = masterKeyFingerprint(master);
  return withTenant(db, cooperativeId, async (tx) => {
    const trx = coreDb(tx);
    const stale = await trx
      .selectFrom('cooperative_data_key')
      .select(['cooperative_id', 'id', 'wrapped_key', 'iv', 'auth_tag', 'master_fingerprint'])
      .where('cooperative_id', '=', cooperativeId)
      .where('master_fingerprint', '<>', fp)
      .orderBy('id')
      .forUpdate()
      .execute();
    for (const row of stale) {
      const dataKey = unwrapDataKey(master, row);
      await trx
        .updateTable('cooperative_data_key')
        .set(wrap(master, cooperativeId, row.id, dataKey))
        .where('cooperative_id', '=', cooperativeId)
        .where('id', '=', row.id)
        .execute();
    }
    let newDataKeyId: string | null = null;
    if (opts.newDataKey) {
      await trx
        .updateTable('cooperative_data_key')
        .set({ retired_at: new Date() })
        .where('cooperative_id', '=', cooperativeId)
        .where('retired_at', 'is', null)
        .execute();
      newDataKeyId = (await activeDataKey(tx, master, cooperativeId)).id;
    }
    if (stale.length || newDataKeyId)
      await audit(tx, systemActor(cooperativeId, 'Rotation des clés'), {
        action: 'file_keys.rotated',
        data: { rewrapped: stale.length, newDataKeyId, masterFingerprint: fp },
      });
    return { rewrapped: stale.length, newDataKeyId };
  });
}

/**
 * Re-encrypts a cooperative's files stored before data keys under its active data key, a few
 * files per transaction (a file is up to 15 MB). Returns how many were re-encrypted and the
 * files no known master key opens (left as they are, listed for the operator).
 */
export async function reencryptLegacyFiles(
  db: Db,
  master: Buffer,
  cooperativeId: string,
  onProgress: (done: number) => void = () => {},
): Promise<{ reencrypted: number; unreadable: string[] }> {
  let after = '00000000-0000-0000-0000-000000000000';
  let reencrypted = 0;
  const unreadable: string[] = [];
  for (;;) {
    const batch = await withTenant(db, cooperativeId, async (tx) => {
      const trx = coreDb(tx);
      const files = await trx
        .selectFrom('stored_file')
        .select(['id', 'iv', 'auth_tag', 'content'])
        .where('cooperative_id', '=', cooperativeId)
        .where('data_key_id', 'is', null)
        .where('id', '>', after)
        .orderBy('id')
        .limit(20)
        .forUpdate()
        .execute();
      if (!files.length) return 0;
      const active = await activeDataKey(tx, master, cooperativeId);
      for (const f of files) {
        after = f.id;
        let clear: Buffer;
        try {
          clear = openLegacyContent(master, f);
        } catch {
          unreadable.push(f.id);
          continue;
        }
        await trx
          .updateTable('stored_file')
          .set({ ...sealContent(active.key, clear), data_key_id: active.id })
          .where('cooperative_id', '=', cooperativeId)
          .where('id', '=', f.id)
          .where('data_key_id', 'is', null)
          .execute();
        reencrypted++;
      }
      return files.length;
    });
    if (!batch) break;
    onProgress(reencrypted);
  }
  return { reencrypted, unreadable };
}

export interface DataKeyStatus {
  id: string;
  active: boolean;
  createdAt: Date;
  retiredAt: Date | null;
  files: number;
  masterFingerprint: string;
  /** Which configured master key wraps it: the current one, a previous one, or none known. */
  wrappedBy: 'current' | 'previous' | 'unknown';
}

export interface CooperativeKeyStatus {
  cooperativeId: string;
  keys: DataKeyStatus[];
  /** Files stored before data keys, still sealed with a master key itself. */
  legacyFiles: number;
  /** Some key is not wrapped by the current master key, or some file predates data keys. */
  needsRotation: boolean;
}

/** Per cooperative: its data keys, the files each seals, and what a rotation still has to do. */
export async function fileKeyStatus(db: Db, master: Buffer): Promise<CooperativeKeyStatus[]> {
  const ring = masterKeyring(master);
  const current = masterKeyFingerprint(master);
  return withSystem(
    db,
    async (tx) => {
      const trx = coreDb(tx);
      const keys = await trx
        .selectFrom('cooperative_data_key as k')
        .leftJoin('stored_file as f', (j) =>
          j.onRef('f.cooperative_id', '=', 'k.cooperative_id').onRef('f.data_key_id', '=', 'k.id'),
        )
        .select((eb) => [
          'k.cooperative_id',
          'k.id',
          'k.created_at',
          'k.retired_at',
          'k.master_fingerprint',
          eb.fn.count<number>('f.id').as('files'),
        ])
        .groupBy(['k.cooperative_id', 'k.id', 'k.created_at', 'k.retired_at', 'k.master_fingerprint'])
        .orderBy('k.cooperative_id')
        .orderBy('k.id')
        .execute();
      const legacy = await trx
        .selectFrom('stored_file')
        .select((eb) => ['cooperative_id', eb.fn.countAll<number>().as('n')])
        .where('data_key_id', 'is', null)
        .groupBy('cooperative_id')
        .execute();
      const byCoop = new Map<string, CooperativeKeyStatus>();
      const entry = (id: string) => {
        let e = byCoop.get(id);
        if (!e) {
          e = { cooperativeId: id, keys: [], legacyFiles: 0, needsRotation: false };
          byCoop.set(id, e);
        }
        return e;
      };
      for (const k of keys) {
        const wrappedBy =
          k.master_fingerprint === current ? 'current' : ring.has(k.master_fingerprint) ? 'previous' : 'unknown';
        const e = entry(k.cooperative_id);
        e.keys.push({
          id: k.id,
          active: k.retired_at === null,
          createdAt: k.created_at,
          retiredAt: k.retired_at,
          files: Number(k.files),
          masterFingerprint: k.master_fingerprint,
          wrappedBy,
        });
        if (wrappedBy !== 'current') e.needsRotation = true;
      }
      for (const l of legacy) {
        const e = entry(l.cooperative_id);
        e.legacyFiles = Number(l.n);
        if (e.legacyFiles) e.needsRotation = true;
      }
      return [...byCoop.values()].sort((a, b) => a.cooperativeId.localeCompare(b.cooperativeId));
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

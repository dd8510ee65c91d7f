// Test tools of the core. Tests that need an external tool (Chromium, Saxon, poppler, hledger)
// call toolSkip: the suite is skipped loudly when the tool is missing, or fails when skipping is
// forbidden (CI). storeLegacyFile writes a file as it was stored before data keys.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { coreDb, type Db } from './db/handles.ts';
import { withTenant } from './db/tenant.ts';
import { uuidv7 } from './ids.ts';

export function toolSkip(path: string, pkg: string): string | false {
  if (existsSync(path)) return false;
  const msg = `IGNORÉ : ${pkg} absent (${path}) ; installez-le avec apt-get install ${pkg}`;
  if (process.env.RADIEUSE_NO_SKIP === '1') throw new Error(`${msg} — interdit en CI (RADIEUSE_NO_SKIP=1)`);
  console.log(`# ${msg}`);
  return msg;
}

/** A file exactly as storeFile wrote it before data keys: the content sealed with the master key
 *  itself (no data key). Returns its id and the sealed bytes. */
export async function storeLegacyFile(
  db: Db,
  cooperativeId: string,
  master: Buffer,
  content: Buffer,
): Promise<{ id: string; sealed: Buffer }> {
  const id = uuidv7();
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  const sealed = Buffer.concat([c.update(content), c.final()]);
  await withTenant(db, cooperativeId, (trx) =>
    coreDb(trx)
      .insertInto('stored_file')
      .values({
        cooperative_id: cooperativeId,
        id,
        name: 'ancien.pdf',
        mime_type: 'application/pdf',
        size: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
        iv: iv.toString('base64'),
        auth_tag: c.getAuthTag().toString('base64'),
        content: sealed,
        created_by: null,
      })
      .execute(),
  );
  return { id, sealed };
}

// The core's integrity checks: the audit chain of each cooperative and the stored files.
import { createHash } from 'node:crypto';
import { auditChainProblems } from './audit.ts';
import { coreDb } from './db/handles.ts';
import { readFile } from './files.ts';
import type { IntegrityCheck } from './integrity.ts';

export const auditChainCheck: IntegrityCheck = {
  label: "chaîne du journal d'audit",
  async run(tx, cooperativeId) {
    return (await auditChainProblems(tx, cooperativeId)).map((p) => ({ kind: 'audit_chain', detail: p.detail }));
  },
};

/** Every stored file decrypts (its authentication tag holds) and equals its recorded hash and size. */
export function storedFilesCheck(fileKey: Buffer): IntegrityCheck {
  return {
    label: 'fichiers conservés (chiffrement et empreinte)',
    async run(tx, cooperativeId) {
      const problems: { kind: string; detail: string }[] = [];
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const ids = await coreDb(tx)
          .selectFrom('stored_file')
          .select(['id', 'name'])
          .where('cooperative_id', '=', cooperativeId)
          .where('id', '>', after)
          .orderBy('id')
          .limit(200)
          .execute();
        if (!ids.length) break;
        for (const f of ids) {
          after = f.id;
          try {
            const r = await readFile(tx, fileKey, cooperativeId, f.id);
            const sha = createHash('sha256').update(r.content).digest('hex');
            if (sha !== r.sha256 || r.content.length !== r.size)
              problems.push({
                kind: 'file_hash',
                detail: `le fichier « ${f.name} » (${f.id}) ne correspond plus à son empreinte`,
              });
          } catch {
            problems.push({
              kind: 'file_unreadable',
              detail: `le fichier « ${f.name} » (${f.id}) ne se déchiffre plus (altéré ou mauvaise clé)`,
            });
          }
        }
      }
      return problems;
    },
  };
}

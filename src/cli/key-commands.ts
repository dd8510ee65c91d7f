// Master key and data keys of stored files (core/file-keys.ts, docs/operator-guide.md):
// `keys status` shows what each cooperative holds and what a rotation still has to do;
// `keys rotate` re-wraps every data key under the current master key (RADIEUSE_FILE_KEY), one
// short transaction per cooperative, while the server keeps serving with RADIEUSE_FILE_KEY_PREVIOUS.
import { resealOidcSecrets } from '../core/auth/oidc.ts';
import { type Command, err, optString, out, UsageError } from '../core/cli.ts';
import {
  cooperativesWithFiles,
  fileKeyStatus,
  FileKeyError,
  masterKeyFingerprint,
  reencryptLegacyFiles,
  rotateCooperativeKeys,
} from '../core/file-keys.ts';
import { listCooperatives } from '../modules/directory/index.ts';

type Names = Map<string, { slug: string; name: string }>;

async function cooperativeNames(db: Parameters<typeof listCooperatives>[0]): Promise<Names> {
  return new Map((await listCooperatives(db)).map((c) => [c.id as string, { slug: c.slug, name: c.name }]));
}
const slugOf = (names: Names, id: string) => names.get(id)?.slug ?? id;

export const keyCommands: Command[] = [
  {
    name: 'keys status',
    summary: 'clés de chiffrement des fichiers : clés de données, fichiers par clé, rotation à faire',
    usage: 'keys status [--format text|json]',
    options: { format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb, config }) {
      const format = optString(values, 'format', 'text');
      if (format !== 'text' && format !== 'json') throw new UsageError('--format : text ou json');
      const names = await cooperativeNames(odb!.db);
      const status = await fileKeyStatus(odb!.db, config.fileKey);
      const needsRotation = status.some((s) => s.needsRotation);
      if (format === 'json') {
        out(
          JSON.stringify({
            master_fingerprint: masterKeyFingerprint(config.fileKey),
            previous_fingerprints: config.previousFileKeys.map(masterKeyFingerprint),
            needs_rotation: needsRotation,
            cooperatives: status.map((s) => ({
              slug: slugOf(names, s.cooperativeId),
              name: names.get(s.cooperativeId)?.name ?? null,
              legacy_files: s.legacyFiles,
              needs_rotation: s.needsRotation,
              keys: s.keys.map((k) => ({
                id: k.id,
                active: k.active,
                created_at: k.createdAt.toISOString(),
                retired_at: k.retiredAt?.toISOString() ?? null,
                files: k.files,
                master_fingerprint: k.masterFingerprint,
                wrapped_by: k.wrappedBy,
              })),
            })),
          }),
        );
        return;
      }
      out(`Clé maîtresse (RADIEUSE_FILE_KEY) : empreinte ${masterKeyFingerprint(config.fileKey)}`);
      for (const p of config.previousFileKeys)
        out(`Ancienne clé (RADIEUSE_FILE_KEY_PREVIOUS) : empreinte ${masterKeyFingerprint(p)}`);
      if (!status.length) out('Aucun fichier conservé : aucune clé de données.');
      const by = {
        current: 'clé maîtresse actuelle',
        previous: 'ANCIENNE clé maîtresse',
        unknown: 'clé maîtresse ABSENTE',
      };
      for (const s of status) {
        out(`\n${slugOf(names, s.cooperativeId)} : ${s.keys.length} clé(s) de données`);
        for (const k of s.keys)
          out(
            `  ${k.id}  ${k.active ? 'active ' : 'retirée'}  ${String(k.files).padStart(6)} fichier(s)  scellée par ${by[k.wrappedBy]} (${k.masterFingerprint})`,
          );
        if (s.legacyFiles)
          out(`  ${s.legacyFiles} fichier(s) d'avant les clés de données (rechiffrés par keys rotate)`);
      }
      out(
        needsRotation
          ? '\nRotation à faire : lancez « radieuse keys rotate ».'
          : '\nToutes les clés sont scellées par la clé maîtresse actuelle.',
      );
    },
  },
  {
    name: 'keys rotate',
    summary: 'rescelle les clés de données sous la clé maîtresse actuelle (sans interruption du service)',
    usage:
      'keys rotate [--data-keys]   (--data-keys : une nouvelle clé de données par coopérative pour les nouveaux fichiers)',
    options: { 'data-keys': { type: 'boolean' } },
    needsDb: true,
    async run({ values, odb, config }) {
      const db = odb!.db;
      const names = await cooperativeNames(db);
      const ids = await cooperativesWithFiles(db);
      out(
        `Rotation sous la clé maîtresse ${masterKeyFingerprint(config.fileKey)} : ${ids.length} coopérative(s) à traiter.`,
      );
      let failures = 0;
      let rewrapped = 0;
      let reencrypted = 0;
      for (const [i, id] of ids.entries()) {
        const label = `[${i + 1}/${ids.length}] ${slugOf(names, id)}`;
        try {
          const r = await rotateCooperativeKeys(db, config.fileKey, id, { newDataKey: !!values['data-keys'] });
          rewrapped += r.rewrapped;
          const legacy = await reencryptLegacyFiles(db, config.fileKey, id, (n) => {
            if (process.stderr.isTTY) process.stderr.write(`\r${label} : ${n} ancien(s) fichier(s) rechiffré(s)`);
          });
          if (process.stderr.isTTY && legacy.reencrypted) process.stderr.write('\n');
          reencrypted += legacy.reencrypted;
          out(
            `${label} : ${r.rewrapped} clé(s) rescellée(s)` +
              (r.newDataKeyId ? ', nouvelle clé de données pour les nouveaux fichiers' : '') +
              (legacy.reencrypted ? `, ${legacy.reencrypted} ancien(s) fichier(s) rechiffré(s)` : ''),
          );
          if (legacy.unreadable.length) {
            failures++;
            err(
              `${label} : ${legacy.unreadable.length} ancien(s) fichier(s) qu'aucune clé connue n'ouvre, laissés tels quels : ${legacy.unreadable.slice(0, 5).join(', ')}`,
            );
          }
        } catch (e) {
          if (!(e instanceof FileKeyError)) throw e;
          failures++;
          err(`${label} : ${e.message}`);
        }
      }
      const oidc = await resealOidcSecrets(db, config.fileKey);
      if (oidc) out(`${oidc} secret(s) de fournisseur d'identité rescellé(s).`);
      out(`Terminé : ${rewrapped} clé(s) rescellée(s), ${reencrypted} ancien(s) fichier(s) rechiffré(s).`);
      if (failures) {
        err(`${failures} coopérative(s) en échec : gardez RADIEUSE_FILE_KEY_PREVIOUS et relancez après correction.`);
        return 1;
      }
      if (config.previousFileKeys.length)
        out('Vous pouvez retirer RADIEUSE_FILE_KEY_PREVIOUS de la configuration et redémarrer.');
    },
  },
];

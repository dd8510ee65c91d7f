// `radieuse archive verify` and `radieuse archive purge` (contract: ../shared/design/CLI.md):
// every problem on its own line on stdout, the summary on stderr, exit 1 when anything is wrong.
import { systemActor } from '../../core/actor.ts';
import { err, optString, out, progress, UsageError, type Command } from '../../core/cli.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { cooperativeOrFail, listCooperatives } from '../directory/index.ts';
import { purgeExpired } from './archive.service.ts';
import { verifyArchive } from './proofs.service.ts';

function formatOf(values: Record<string, unknown>): 'text' | 'json' {
  const f = (values.format as string | undefined) ?? 'text';
  if (f !== 'text' && f !== 'json') throw new UsageError('--format doit valoir text ou json');
  return f;
}

export const vaultCommands: Command[] = [
  {
    name: 'archive verify',
    summary: 'revérifie toutes les preuves du coffre-fort (fichiers, chaîne, horodatages)',
    usage:
      'archive verify [--cooperative SLUG] [--format text|json]\n\nRelit chaque document archivé (déchiffré) et compare son SHA-256 à la chaîne, recalcule chaque entrée et ses liens, vérifie chaque jeton d’horodatage (empreinte et signature). Chaque problème est affiché ; le code de sortie est 1 s’il y en a un.',
    options: { cooperative: { type: 'string' }, format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb, config }) {
      const format = formatOf(values);
      const slug = optString(values, 'cooperative');
      const coops = slug ? [await cooperativeOrFail(odb!, slug)] : await listCooperatives(odb!.db);
      const bySlug = new Map<string, string>(coops.map((c) => [c.id, c.slug]));
      const r = await verifyArchive(odb!.db, config.fileKey, slug ? coops[0]!.id : undefined, (d, t) =>
        progress('vérification', d, t),
      );
      const problems = r.problems.map((p) => ({
        kind: 'archive',
        cooperative: bySlug.get(p.cooperativeId) ?? p.cooperativeId,
        seq: p.seq,
        document: p.documentId,
        detail: p.detail,
      }));
      if (format === 'json')
        out(JSON.stringify({ ok: !problems.length, entries: r.entries, files: r.files, tokens: r.tokens, problems }));
      else for (const p of problems) out(`${p.cooperative}: ${p.detail}`);
      err(
        problems.length
          ? `${problems.length} problème(s) sur ${r.entries} entrée(s), ${r.files} fichier(s), ${r.tokens} horodatage(s).`
          : `OK : ${r.entries} entrée(s), ${r.files} fichier(s) et ${r.tokens} horodatage(s) vérifiés.`,
      );
      return problems.length ? 1 : 0;
    },
  },
  {
    name: 'archive purge',
    summary: 'efface le contenu des documents archivés dont la durée de conservation est passée',
    usage:
      'archive purge [--cooperative SLUG]\n\nLa preuve (entrée de la chaîne) reste ; chaque effacement est journalisé.',
    options: { cooperative: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const slug = optString(values, 'cooperative');
      const coops = slug ? [await cooperativeOrFail(odb!, slug)] : await listCooperatives(odb!.db);
      let n = 0;
      for (const c of coops) {
        const gone = await withTenant(odb!.db, c.id, (tx) => purgeExpired(tx, systemActor(c.id, 'Conservation')));
        for (const g of gone) out(`${c.slug}: contenu effacé de « ${g.title} » (conservé jusqu'au ${g.until})`);
        n += gone.length;
      }
      err(`${n} document(s) effacé(s).`);
    },
  },
];

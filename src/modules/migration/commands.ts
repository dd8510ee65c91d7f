// `radieuse import endi` (contract: ../shared/design/CLI.md).
import { existsSync, statSync } from 'node:fs';
import { type Command, out, err, requireOpt, progress, UsageError } from '../../core/cli.ts';
import { systemActor } from '../../core/actor.ts';
import { cooperativeOrFail } from '../directory/index.ts';
import { readEndiDir } from './endi-files.ts';
import { runEndiImport } from './endi-import.service.ts';

export const migrationCommands: Command[] = [
  {
    name: 'import endi',
    summary: "importe l'historique d'une coopérative depuis les exports d'enDI (tout ou rien)",
    usage: 'import endi --cooperative SLUG DIR [--dry-run] [--format json]',
    options: { cooperative: { type: 'string' }, 'dry-run': { type: 'boolean' }, format: { type: 'string' } },
    allowPositionals: true,
    needsDb: true,
    async run({ values, positionals, odb, config }) {
      const slug = requireOpt(values, 'cooperative');
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError('--format doit valoir json (ou être omis)');
      if (positionals.length !== 1) throw new UsageError('indiquez un seul dossier contenant les exports enDI');
      const dir = positionals[0];
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`dossier introuvable : ${dir}`);
      const dryRun = values['dry-run'] === true;
      const coop = await cooperativeOrFail(odb!, slug);
      const bundle = await readEndiDir(dir);
      const actor = systemActor(coop.id, 'Import enDI (CLI)');
      const report = await runEndiImport(odb!.db, actor, bundle, {
        fileKey: config.fileKey,
        dryRun,
        progress: (step, done, total) => progress(step, done + 1, total),
      });
      if (format === 'json') out(JSON.stringify({ created: report.created, problems: report.problems }));
      else {
        const what = Object.entries(report.created)
          .map(([k, n]) => `${k} : ${n}`)
          .join(', ');
        if (report.problems.length) {
          out(`Rien n'a été importé : ${report.problems.length} problème(s) à corriger.`);
          for (const p of report.problems) err(`${p.file}${p.line ? `, ligne ${p.line}` : ''} : ${p.message}`);
        } else out(`${dryRun ? 'Essai à blanc, rien écrit. Serait créé' : 'Créé'} : ${what}`);
      }
      return report.problems.length ? 1 : 0;
    },
  },
];

// `radieuse check`: the integrity of what must never change (contract in ../shared/design/CLI.md).
import { runIntegrity } from '../app/integrity.ts';
import { type Command, err, out, UsageError } from '../core/cli.ts';
import { cooperativeOrFail } from '../modules/directory/index.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: "vérifie l'intégrité : journal d'audit, numérotation, écritures, comptes d'activité, fichiers",
  usage: 'check [--cooperative SLUG] [--format json]',
  options: { cooperative: { type: 'string' }, format: { type: 'string' } },
  needsDb: true,
  async run({ values, config, odb }) {
    const format = values.format ?? 'text';
    if (format !== 'json' && format !== 'text') throw new UsageError('--format : json ou text');
    const cooperative =
      typeof values.cooperative === 'string' ? await cooperativeOrFail(odb!, values.cooperative) : undefined;
    const problems = await runIntegrity(odb!, {
      fileKey: config.fileKey,
      cooperative,
      progress: process.stderr.isTTY ? (m) => process.stderr.write(`\r\x1b[2K${m}`) : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    if (format === 'json') out(JSON.stringify({ ok: problems.length === 0, problems }));
    else if (!problems.length) out('Intégrité vérifiée : aucun problème.');
    else {
      for (const p of problems) err(`${p.cooperative} [${p.kind}] ${p.detail}`);
      err(`${problems.length} problème(s) trouvé(s).`);
    }
    return problems.length ? 1 : 0;
  },
};

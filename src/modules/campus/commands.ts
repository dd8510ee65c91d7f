// `radieuse campus import` and `radieuse campus similar` (docs: ../shared/design/CLI.md).
import { readFileSync, existsSync, statSync } from 'node:fs';
import { type Command, out, err, requireOpt, UsageError } from '../../core/cli.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { cooperativeOrFail } from '../directory/index.ts';
import { importQuestions, type ImportResult } from './import.service.ts';
import { similarQuestions } from './search.service.ts';

class Rollback extends Error {}

export const campusCommands: Command[] = [
  {
    name: 'campus import',
    summary: 'importe des questions et leurs réponses (JSON Lines), tout ou rien',
    usage: 'campus import --cooperative SLUG FILE',
    options: { cooperative: { type: 'string' } },
    allowPositionals: true,
    needsDb: true,
    async run({ values, positionals, odb }) {
      const slug = requireOpt(values, 'cooperative');
      if (positionals.length !== 1) throw new UsageError('indiquez un seul fichier JSON Lines');
      const file = positionals[0];
      if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`fichier introuvable : ${file}`);
      const coop = await cooperativeOrFail(odb!, slug);
      const text = readFileSync(file, 'utf8');
      const actor = systemActor(coop.id, 'Import campus (CLI)');
      actor.roles = [...actor.roles, 'network_admin'];
      let result: ImportResult | undefined;
      try {
        await withTenant(odb!.db, coop.id, async (tx) => {
          result = await importQuestions(tx, actor, text);
          if (result.rejected) throw new Rollback();
        });
      } catch (e) {
        if (!(e instanceof Rollback)) throw e;
      }
      if (!result) throw new Error('import interrompu');
      const r = result;
      out(JSON.stringify({ imported: r.imported, rejected: r.rejected }));
      for (const e of r.errors) err(`ligne ${e.line} : ${e.reason}`);
      return r.rejected ? 1 : 0;
    },
  },
  {
    name: 'campus similar',
    summary: 'questions visibles par une coopérative qui ressemblent à un titre',
    usage: 'campus similar --cooperative SLUG --title TEXT [--limit 5] [--format json]',
    options: {
      cooperative: { type: 'string' },
      title: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const title = requireOpt(values, 'title');
      const limit = values.limit === undefined ? 5 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new UsageError('--limit : un entier de 1 à 50');
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError('--format doit valoir json (ou être omis)');
      const coop = await cooperativeOrFail(odb!, slug);
      const actor = systemActor(coop.id, 'Campus (CLI)');
      const rows = await withTenant(odb!.db, coop.id, (tx) => similarQuestions(tx, actor, title, { limit }), {
        readOnly: true,
      });
      if (format === 'json') out(JSON.stringify(rows.map((r) => ({ id: r.id, title: r.title, score: r.score }))));
      else if (!rows.length) out('Aucune question semblable.');
      else for (const r of rows) out(`${r.score.toFixed(3)}  ${r.title}  (${r.id})`);
    },
  },
];

import { readFileSync, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, out, err, requireOpt, progress, UsageError } from '../../core/cli.ts';
import { cooperativeOrFail } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { isIban } from '../../core/identifiers.ts';
import { accountByIban, importStatement } from './bank.service.ts';
import { StatementParseError } from './parsers.ts';

export const bankCommands: Command[] = [
  {
    name: 'import bank',
    summary: 'importe un relevé bancaire (CAMT.053, OFX ou CSV) et le rapproche des factures',
    usage: 'import bank --cooperative SLUG --account IBAN FILE [--format json]',
    options: { cooperative: { type: 'string' }, account: { type: 'string' }, format: { type: 'string' } },
    allowPositionals: true,
    needsDb: true,
    async run({ values, positionals, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const iban = requireOpt(values, 'account').replace(/\s/g, '').toUpperCase();
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError('--format doit valoir json (ou être omis)');
      if (positionals.length !== 1) throw new UsageError('indiquez un seul fichier de relevé');
      const file = positionals[0];
      if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`fichier introuvable : ${file}`);
      const coop = await cooperativeOrFail(odb!, slug);
      if (!isIban(iban)) throw new UsageError(`IBAN invalide : ${iban}`);
      const bytes = readFileSync(file);
      const actor = systemActor(coop.id, 'Import bancaire (CLI)');
      const t0 = Date.now();
      try {
        const r = await withTenant(odb!.db, coop.id, async (trx) => {
          const account = await accountByIban(trx, actor, iban);
          if (!account)
            throw new UsageError(
              `compte bancaire inconnu pour ${slug} : ${iban} (le compte principal de la coopérative est créé automatiquement ; ajoutez les autres sur la page Banque)`,
            );
          return importStatement(trx, actor, {
            accountId: account.id,
            bytes,
            fileName: basename(file),
            onProgress: (d, t) => progress('Import', d, t),
          });
        });
        const secs = (Date.now() - t0) / 1000;
        if (format === 'json')
          out(
            JSON.stringify({
              imported: r.imported,
              duplicates: r.duplicates,
              matched: r.matched,
              to_justify: r.toJustify,
            }),
          );
        else {
          out(
            `${r.lines} ligne(s) lue(s) (${r.format}) : ${r.imported} importée(s), ${r.duplicates} déjà présente(s).`,
          );
          out(`${r.matched} rapprochée(s) automatiquement, ${r.toJustify} à justifier.`);
          if (process.stderr.isTTY) err(`${secs.toFixed(2)} s`);
        }
      } catch (e) {
        if (e instanceof StatementParseError) {
          err(`radieuse import bank: ${e.message}`);
          return 1;
        }
        throw e;
      }
    },
  },
];

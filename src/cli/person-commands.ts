// `radieuse person export` and `radieuse person erase` (contract in ../shared/design/CLI.md).
import { erasePerson, exportPerson } from '../app/personal-data.ts';
import { type Command, out, requireOpt, UsageError } from '../core/cli.ts';
import { UserError } from '../core/errors.ts';
import { cooperativeOrFail } from '../modules/directory/index.ts';

const asUsage = async <T>(f: () => Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    if (e instanceof UserError) throw new UsageError(e.message);
    throw e;
  }
};

export const personCommands: Command[] = [
  {
    name: 'person export',
    summary: "tout ce qui est conservé sur une personne (JSON + fichiers), pour une demande d'accès",
    usage: 'person export --cooperative SLUG --email E --out DIR',
    options: { cooperative: { type: 'string' }, email: { type: 'string' }, out: { type: 'string' } },
    needsDb: true,
    async run({ values, odb, config }) {
      const coop = await cooperativeOrFail(odb!, requireOpt(values, 'cooperative'));
      const r = await asUsage(() =>
        exportPerson(odb!, coop, requireOpt(values, 'email'), requireOpt(values, 'out'), config.fileKey),
      );
      out(
        `Export écrit dans ${r.dir} : personne.json (${r.sections} rubriques, ${r.rows} lignes) et ${r.files} fichier(s).`,
      );
    },
  },
  {
    name: 'person erase',
    summary: 'efface ou anonymise une personne, en gardant ce que la loi impose (factures et comptabilité 10 ans)',
    usage: 'person erase --cooperative SLUG --email E [--dry-run]',
    options: { cooperative: { type: 'string' }, email: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    needsDb: true,
    async run({ values, odb }) {
      const coop = await cooperativeOrFail(odb!, requireOpt(values, 'cooperative'));
      const dryRun = values['dry-run'] === true;
      const r = await asUsage(() => erasePerson(odb!, coop, requireOpt(values, 'email'), { dryRun }));
      out(dryRun ? 'Simulation (rien n’est modifié) :' : 'Effacement terminé :');
      for (const action of ['supprimé', 'anonymisé', 'conservé'] as const) {
        const lines = r.lines.filter((l) => l.action === action);
        if (!lines.length) continue;
        out(`\n${action === 'supprimé' ? 'Effacé' : action === 'anonymisé' ? 'Anonymisé' : 'Conservé'} :`);
        for (const l of lines)
          out(`  - ${l.label} (${l.module}.${l.table}, ${l.rows} ligne(s))${l.reason ? ` — ${l.reason}` : ''}`);
      }
      out(
        r.accountErased
          ? '\nLe compte est anonymisé : la personne ne peut plus se connecter.'
          : '\nLe compte est gardé : la personne appartient à une autre coopérative (seules les données de celle-ci sont effacées).',
      );
    },
  },
];

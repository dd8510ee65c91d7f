// `radieuse signature certificate --cooperative SLUG --p12 FILE`: the operator imports the
// cooperative's sealing certificate (a P12 from a certificate authority); its password is read
// from RADIEUSE_P12_PASSWORD, never from the command line (it would stay in the shell history).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { systemActor } from '../../core/actor.ts';
import { type Command, optString, out, requireOpt, UsageError } from '../../core/cli.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { cooperativeOrFail } from '../directory/index.ts';
import { importCooperativeCertificate } from './signing.service.ts';

export const P12_PASSWORD_ENV = 'RADIEUSE_P12_PASSWORD';
const MAX_P12_BYTES = 1024 * 1024;

export const signaturesCommands: Command[] = [
  {
    name: 'signature certificate',
    summary: 'importe le certificat de cachet (P12) d’une coopérative pour sceller les contrats signés',
    usage: `signature certificate --cooperative SLUG --p12 FILE [--format json]\n\nLe mot de passe du fichier P12 est lu dans la variable d'environnement ${P12_PASSWORD_ENV} (vide si absente).\nSans import, un certificat auto-signé est créé à la première signature.`,
    options: { cooperative: { type: 'string' }, p12: { type: 'string' }, format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb, config }) {
      const slug = requireOpt(values, 'cooperative');
      const file = requireOpt(values, 'p12');
      const format = optString(values, 'format', 'text');
      if (format !== 'text' && format !== 'json') throw new UsageError('--format doit valoir json (ou être omis)');
      if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`fichier introuvable : ${file}`);
      if (statSync(file).size > MAX_P12_BYTES) throw new UsageError('fichier P12 trop gros (1 Mo au plus)');
      const coop = await cooperativeOrFail(odb!, slug);
      const actor = systemActor(coop.id, 'Import du certificat de cachet (CLI)');
      const bundle = { p12: readFileSync(file), passphrase: process.env[P12_PASSWORD_ENV] ?? '' };
      let cert: Awaited<ReturnType<typeof importCooperativeCertificate>>;
      try {
        cert = await withTenant(odb!.db, coop.id, (trx) =>
          importCooperativeCertificate(trx, actor, config.fileKey, bundle),
        );
      } catch (e) {
        if (e instanceof UserError) throw new UsageError(e.message);
        throw e;
      }
      if (format === 'json')
        out(
          JSON.stringify({
            cooperative: slug,
            subject: cert.subject,
            fingerprint: cert.fingerprint,
            not_after: cert.notAfter.toISOString(),
          }),
        );
      else
        out(
          `Certificat importé pour ${coop.name} : ${cert.subject}\nEmpreinte SHA-256 : ${cert.fingerprint}\nValable jusqu'au ${cert.notAfter.toISOString().slice(0, 10)}`,
        );
    },
  },
];

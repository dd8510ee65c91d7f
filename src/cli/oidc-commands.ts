// OpenID Connect providers (core/auth/oidc.ts): `oidc add`, `oidc list`, `oidc disable`,
// `oidc enable`. The client secret is read from standard input or the OIDC_CLIENT_SECRET
// variable, never from an option (options show in the process list and the shell history).
import { readFileSync } from 'node:fs';
import { addOidcProvider, listOidcProviders, oidcRedirectUri, setOidcProviderEnabled } from '../core/auth/oidc.ts';
import { type Command, optString, out, requireOpt, UsageError } from '../core/cli.ts';
import { UserError } from '../core/errors.ts';
import { cooperativeOrFail } from '../modules/directory/index.ts';

function readSecret(): string | null {
  if (process.env.OIDC_CLIENT_SECRET) return process.env.OIDC_CLIENT_SECRET;
  if (process.stdin.isTTY) return null;
  try {
    return readFileSync(0, 'utf8').split('\n')[0].trim() || null;
  } catch {
    return null;
  }
}

const toggle = (enabled: boolean): Command => ({
  name: enabled ? 'oidc enable' : 'oidc disable',
  summary: enabled ? "réactive un fournisseur d'identité" : "désactive un fournisseur d'identité (les liens restent)",
  usage: `oidc ${enabled ? 'enable' : 'disable'} --id <uuid>`,
  options: { id: { type: 'string' } },
  needsDb: true,
  async run({ values, odb }) {
    if (!(await setOidcProviderEnabled(odb!.db, requireOpt(values, 'id'), enabled)))
      throw new UsageError('fournisseur inconnu (voir radieuse oidc list)');
    out(enabled ? 'Fournisseur réactivé.' : 'Fournisseur désactivé.');
  },
});

export const oidcCommands: Command[] = [
  {
    name: 'oidc add',
    summary: "ajoute un fournisseur d'identité OpenID Connect (FranceConnect ou celui de la coopérative)",
    usage:
      'oidc add --label "FranceConnect" --issuer https://… --client-id <id> [--cooperative <slug>]  (secret : entrée standard ou OIDC_CLIENT_SECRET)',
    options: {
      label: { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      cooperative: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb, config }) {
      const secret = readSecret();
      if (!secret) throw new UsageError('secret client manquant : entrée standard ou variable OIDC_CLIENT_SECRET');
      const slug = optString(values, 'cooperative');
      const coop = slug ? await cooperativeOrFail(odb!, slug) : null;
      try {
        const p = await addOidcProvider(odb!.db, config.fileKey, {
          cooperativeId: coop?.id ?? null,
          label: requireOpt(values, 'label'),
          issuer: requireOpt(values, 'issuer'),
          clientId: requireOpt(values, 'client-id'),
          clientSecret: secret,
        });
        out(`Fournisseur ajouté : ${p.id} (${p.label}, ${coop ? coop.name : 'tout le réseau'}).`);
        out(`Adresse de retour à déclarer chez le fournisseur : ${oidcRedirectUri(config.publicUrl)}`);
      } catch (e) {
        if (e instanceof UserError) throw new UsageError(e.message);
        throw e;
      }
    },
  },
  {
    name: 'oidc list',
    summary: "liste les fournisseurs d'identité OpenID Connect",
    usage: 'oidc list',
    needsDb: true,
    async run({ odb }) {
      for (const p of await listOidcProviders(odb!.db))
        out(
          `${p.id}  ${p.enabled ? 'actif    ' : 'désactivé'}  ${p.label}  ${p.issuer}  ${p.cooperativeId ?? 'réseau'}`,
        );
    },
  },
  toggle(false),
  toggle(true),
];

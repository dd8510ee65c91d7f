// Foundation commands: serve, migrate, demo, user create, cooperative list, backup, restore.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { type Command, out, err, optString, requireOpt, csvLine, UsageError } from '../core/cli.ts';
import { startServer, openAndMigrate } from '../app/server.ts';
import { migrate } from '../core/migrations.ts';
import { allMigrations } from '../app/modules.ts';
import { loadDemo, demoExists, demoLogins, DEMO_PASSWORD } from '../app/demo.ts';
import { createUser } from '../core/auth/users.ts';
import { passwordProblem } from '../core/auth/password.ts';
import { addMembership, listCooperatives, cooperativeOrFail } from '../modules/directory/index.ts';
import { ROLES, type Role } from '../core/actor.ts';
import { withSystem } from '../core/db/tenant.ts';
import { backup, restore } from './backup.ts';
import { runIntegrity } from '../app/integrity.ts';
import { openDatabase } from '../core/db/index.ts';

function readStdinPassword(): string | null {
  if (process.stdin.isTTY) return null;
  try {
    const s = readFileSync(0, 'utf8').split('\n')[0].trim();
    return s || null;
  } catch {
    return null;
  }
}

export const coreCommands: Command[] = [
  {
    name: 'serve',
    summary: "sert l'application web",
    usage: 'serve [--port 3000]',
    options: { port: { type: 'string' } },
    async run({ values, config }) {
      const port = values.port ? Number(values.port) : config.PORT;
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new UsageError('--port doit être un numéro de port');
      await startServer(config, port, (m) => out(m));
      await new Promise(() => {}); // until a signal stops the server
    },
  },
  {
    name: 'migrate',
    summary: 'applique les migrations en attente (idempotent)',
    usage: 'migrate',
    async run({ config }) {
      const odb = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.RADIEUSE_DATA });
      try {
        const applied = await migrate(odb.db, allMigrations, (m) => out(m));
        out(
          applied.length
            ? `${applied.length} migration(s) appliquée(s).`
            : 'Base à jour : aucune migration en attente.',
        );
      } finally {
        await odb.close();
      }
    },
  },
  {
    name: 'demo',
    summary: 'charge le réseau de démonstration et affiche les identifiants',
    usage: 'demo [--reset]',
    options: { reset: { type: 'boolean' } },
    needsDb: true,
    async run({ values, odb, config }) {
      if (await demoExists(odb!)) {
        if (!values.reset) {
          out('La démonstration est déjà chargée (--reset pour la recharger).');
          printLogins();
          return;
        }
        out('Remise à zéro de la base…');
        await resetDatabase(odb!);
      } else if (values.reset) {
        await resetDatabase(odb!);
      }
      const t0 = Date.now();
      await loadDemo(odb!, { log: (m) => out(m), fileKey: config.fileKey });
      out(`Démonstration chargée en ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
      printLogins();
    },
  },
  {
    name: 'user create',
    summary: 'crée un compte dans une coopérative',
    usage:
      "user create --email E --role R --cooperative SLUG [--name NOM]   (mot de passe lu sur l'entrée standard, sinon généré)",
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      cooperative: { type: 'string' },
      name: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb }) {
      const email = requireOpt(values, 'email');
      const role = requireOpt(values, 'role') as Role;
      const slug = requireOpt(values, 'cooperative');
      if (!ROLES.includes(role)) throw new UsageError(`rôle inconnu : ${role} (${ROLES.join(', ')})`);
      const coop = await cooperativeOrFail(odb!, slug);
      let password = readStdinPassword();
      let generated = false;
      if (password) {
        const p = passwordProblem(password, email);
        if (p) throw new UsageError(p);
      } else {
        password = randomBytes(12).toString('base64url');
        generated = true;
      }
      await withSystem(odb!.db, async (trx) => {
        const u = await createUser(trx, {
          email,
          displayName: optString(values, 'name') ?? email.split('@')[0],
          password,
        });
        await addMembership(trx, coop.id, u.id, role);
      });
      out(`Compte créé : ${email} (${role}) dans ${coop.name}.`);
      if (generated) out(`Mot de passe (affiché une seule fois) : ${password}`);
    },
  },
  {
    name: 'cooperative list',
    summary: 'liste les coopératives',
    usage: 'cooperative list [--format csv|json]',
    options: { format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const format = optString(values, 'format', 'csv');
      if (!['csv', 'json'].includes(format)) throw new UsageError('--format doit valoir csv ou json');
      const coops = await listCooperatives(odb!.db);
      if (format === 'json')
        out(
          JSON.stringify(
            coops.map((c) => ({
              slug: c.slug,
              name: c.name,
              siren: c.siren,
              iban: c.iban,
              vat_number: c.vatNumber,
              city: c.city,
            })),
            null,
            2,
          ),
        );
      else {
        out('slug,name,siren');
        for (const c of coops) out(csvLine([c.slug, c.name, c.siren]));
      }
    },
  },
  {
    name: 'backup',
    summary: 'sauvegarde complète de la base',
    usage: 'backup --out FILE',
    options: { out: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const file = requireOpt(values, 'out');
      const r = await backup(odb!, file, (m) => process.stderr.isTTY && err(m));
      out(`Sauvegarde écrite : ${file} (${r.tables} tables, ${r.rows} lignes).`);
    },
  },
  {
    name: 'restore',
    summary: 'restaure une sauvegarde dans une base vide (--force pour remplacer)',
    usage: 'restore FILE [--force]',
    options: { force: { type: 'boolean' } },
    allowPositionals: true,
    needsDb: true,
    async run({ values, positionals, odb, config }) {
      const file = positionals[0];
      if (!file) throw new UsageError('indiquez le fichier de sauvegarde');
      const r = await restore(odb!, file, { force: !!values.force }, (m) => process.stderr.isTTY && err(m));
      out(`Restauration terminée : ${r.rows} lignes.`);
      // A restore ends with the integrity check (the same as `radieuse check`).
      const problems = await runIntegrity(odb!, { fileKey: config.fileKey });
      if (!problems.length) {
        out('Intégrité vérifiée : aucun problème.');
        return 0;
      }
      for (const p of problems) err(`${p.cooperative} [${p.kind}] ${p.detail}`);
      err(`${problems.length} problème(s) d'intégrité après restauration (radieuse check pour les revoir).`);
      return 1;
    },
  },
];

function printLogins() {
  out(`\nIdentifiants de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
  for (const l of demoLogins()) out(`  ${l}`);
}

async function resetDatabase(odb: import('../core/db/index.ts').OpenDb) {
  await odb.exec(
    'drop schema if exists pgboss cascade; drop schema public cascade; create schema public; grant all on schema public to public;',
  );
  await migrate(odb.db, allMigrations);
}
export { openAndMigrate, sql };

#!/usr/bin/env node
// `npm test`: brings what a fresh machine lacks for the tests (Debian packages, when this user
// may install them), then runs every test file with node's test runner through tsx.
// Suites that need a missing tool say loudly that they were skipped; with RADIEUSE_NO_SKIP=1
// (CI) they fail instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

const TOOLS = [
  { bin: '/usr/bin/chromium', pkg: 'chromium', for: 'browser tests' },
  { bin: '/usr/bin/java', pkg: 'default-jre-headless', for: 'Factur-X validation (schematron)' },
  { bin: '/usr/share/java/Saxon-HE.jar', pkg: 'libsaxonhe-java', for: 'Factur-X validation (schematron)' },
  { bin: '/usr/bin/xmllint', pkg: 'libxml2-utils', for: 'Factur-X validation (XSD)' },
  { bin: '/usr/bin/pdftotext', pkg: 'poppler-utils', for: 'PDF text and attachment checks' },
  { bin: '/usr/bin/qpdf', pkg: 'qpdf', for: 'Factur-X PDF checks' },
  { bin: '/usr/bin/hledger', pkg: 'hledger', for: 'FEC cross-check' },
  { bin: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', pkg: 'fonts-dejavu-core', for: 'PDF fonts' },
];

function ensureTools() {
  let missing = TOOLS.filter((t) => !existsSync(t.bin));
  if (!missing.length) return [];
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    const pkgs = [...new Set(missing.map((t) => t.pkg))];
    console.log(`# installation des paquets manquants : ${pkgs.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
    missing = TOOLS.filter((t) => !existsSync(t.bin));
  }
  for (const t of missing)
    console.log(
      `# ATTENTION : ${t.pkg} absent (${t.bin}) : les ${t.for} seront IGNORÉS. Installez-le : apt-get install ${t.pkg}`,
    );
  return missing.map((t) => t.pkg);
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const missing = ensureTools();
const filter = process.argv.slice(2);
let files = [...findTests('src'), ...findTests('bench'), ...(existsSync('e2e') ? findTests('e2e') : [])].sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
console.log(`# ${files.length} fichiers de tests sur ${backend}`);
const concurrency = Math.max(1, Math.min(3, availableParallelism()));
// A file's time limit catches a hang, not a slow machine: the attack suite tries every route as
// every role (it grows with each module) and takes a quarter of an hour on a loaded 2-core box.
const FILE_TIMEOUT_MS = 40 * 60_000;
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${FILE_TIMEOUT_MS}`, ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, RADIEUSE_MISSING_TOOLS: missing.join(','), TZ: process.env.TZ ?? 'Europe/Paris' },
  },
);
process.exit(r.status ?? 1);

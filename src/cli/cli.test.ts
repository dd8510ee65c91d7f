import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real command in a child process, on its own embedded database.
const dataDir = mkdtempSync(join(tmpdir(), 'radieuse-cli-'));
function radieuse(args: string[], input?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, RADIEUSE_DATA: dataDir };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, ['bin/radieuse.mjs', ...args], { env, input, encoding: 'utf8' });
}

test('the command answers --help, refuses unknown commands and bad options with exit 2', () => {
  const h = radieuse(['--help']);
  assert.equal(h.status, 0);
  for (const c of ['serve', 'migrate', 'demo', 'user create', 'cooperative list', 'backup', 'restore'])
    assert.match(h.stdout, new RegExp(c));
  assert.equal(radieuse(['nope']).status, 2);
  const bad = radieuse(['cooperative', 'list', '--format', 'xml']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /csv ou json/);
  assert.equal(radieuse(['user', 'create', '--help']).status, 0);
});

test('migrate is idempotent; user create refuses an unknown cooperative and a weak password', () => {
  assert.equal(radieuse(['migrate']).status, 0);
  const second = radieuse(['migrate']);
  assert.equal(second.status, 0);
  assert.match(second.stdout, /aucune migration en attente/);
  const r = radieuse(['user', 'create', '--email', 'x@y.fr', '--role', 'support', '--cooperative', 'inconnue']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /coopérative inconnue/);
  const role = radieuse(['user', 'create', '--email', 'x@y.fr', '--role', 'roi', '--cooperative', 'x']);
  assert.match(role.stderr, /rôle inconnu/);
  const csv = radieuse(['cooperative', 'list', '--format', 'csv']);
  assert.equal(csv.stdout.split('\n')[0], 'slug,name,siren');
});

// `radieuse oidc add|list|disable`: the secret never comes from an option, http is refused
// outside this machine, and a disabled provider leaves the sign-in page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, testConfig } from '../app/testing.ts';
import { listOidcProviders } from '../core/auth/oidc.ts';
import { UsageError } from '../core/cli.ts';
import type { OpenDb } from '../core/db/index.ts';
import { oidcCommands } from './oidc-commands.ts';

let odb: OpenDb;
const config = testConfig();
const cmd = (name: string) => oidcCommands.find((c) => c.name === name)!;
before(async () => {
  odb = await createTestDb();
});
after(() => odb.close());

test('oidc add seals the secret from the environment, refuses plain http; disable hides it', async () => {
  process.env.OIDC_CLIENT_SECRET = 'secret-du-fournisseur';
  try {
    await assert.rejects(
      Promise.resolve(
        cmd('oidc add').run({
          values: { label: 'Pirate', issuer: 'http://idp.example', 'client-id': 'x' },
          positionals: [],
          config,
          odb,
        }),
      ),
      (e: unknown) => e instanceof UsageError && /https/.test(e.message),
    );
    await cmd('oidc add').run({
      values: { label: 'FranceConnect', issuer: 'https://fc.example/api/v1', 'client-id': 'radieuse' },
      positionals: [],
      config,
      odb,
    });
  } finally {
    delete process.env.OIDC_CLIENT_SECRET;
  }
  const [p] = await listOidcProviders(odb.db, { enabledOnly: true });
  assert.equal(p.label, 'FranceConnect');
  assert.equal(p.issuer, 'https://fc.example/api/v1');
  await cmd('oidc disable').run({ values: { id: p.id }, positionals: [], config, odb });
  assert.equal((await listOidcProviders(odb.db, { enabledOnly: true })).length, 0);
  await assert.rejects(
    Promise.resolve(
      cmd('oidc enable').run({ values: { id: '00000000-0000-0000-0000-000000000000' }, positionals: [], config, odb }),
    ),
    UsageError,
  );
});

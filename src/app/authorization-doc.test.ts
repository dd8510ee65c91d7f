import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { authorizationDoc } from './authorization-doc.ts';

test('docs/authorization.md is the matrix the code enforces (run npm run authz:doc after a change)', () => {
  const printed = readFileSync(new URL('../../docs/authorization.md', import.meta.url), 'utf8');
  assert.equal(printed, authorizationDoc());
});

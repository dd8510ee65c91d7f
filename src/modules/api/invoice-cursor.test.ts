// The invoice list's cursor through the API: a keyset on (creation instant, id), so drafts (no
// number yet) and numbered invoices page together, with no duplicate and no omission, and a walk
// stays exact while invoices are created or validated meanwhile. Real HTTP app, real database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { createTestApp } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createCustomer, createDraft, submitInvoice, validateInvoice } from '../sales/index.ts';
import { apiDb } from './db.ts';
import { customerBody } from './testing.ts';
import { createToken } from './tokens.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
let token: string;
let customer: string;
const line = { description: 'Atelier', quantityMilli: 1000, unitPriceCents: 10000, vatCategory: 'S', vatRateBp: 2000 };

async function draft(coop = a, cust = customer) {
  return withTenant(odb.db, coop.coop.id, async (tx) => {
    return (
      await createDraft(tx, coop.actor('director'), {
        activityId: coop.activityId,
        customerId: cust,
        lines: [line] as never,
      })
    ).id;
  });
}
async function validate(id: string) {
  await withTenant(odb.db, a.coop.id, async (tx) => {
    await submitInvoice(tx, a.actor('director'), id);
    await validateInvoice(tx, a.actor('director'), id);
  });
}
/** Every id of the list, following nextCursor from `from`. */
async function walk(query: string, from: string | null = null): Promise<string[]> {
  const seen: string[] = [];
  let cursor = from;
  do {
    const res = await app.request(`http://localhost/api/v1/invoices?${query}${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: { id: string }[]; nextCursor: string | null };
    seen.push(...body.data.map((x) => x.id));
    cursor = body.nextCursor;
  } while (cursor);
  return seen;
}
async function firstPage(query: string) {
  const res = await app.request(`http://localhost/api/v1/invoices?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as { data: { id: string; number: string | null }[]; nextCursor: string; total: number };
}

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  token = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createToken(tx, a.actor('director'), { name: 't', scopes: ['invoices:read'] }),
    )
  ).token;
  customer = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createCustomer(tx, a.actor('director'), customerBody('Boulangerie Alpha', '41234567')),
    )
  ).id;
  const customerB = (
    await withTenant(odb.db, b.coop.id, (tx) =>
      createCustomer(tx, b.actor('director'), customerBody('Menuiserie Beta', '51234567')),
    )
  ).id;
  // Seven invoices of A, validated and drafts mixed (created in this order); one of B.
  for (let i = 0; i < 7; i++) {
    const id = await draft();
    if (i % 2 === 0) await validate(id);
  }
  await draft(b, customerB);
});
after(() => odb.close());

/** A's invoices as the database holds them, newest created first. */
async function allOfA(): Promise<{ id: string; number: string | null }[]> {
  const r = await sql<{ id: string; number: string | null }>`select id, number from invoice
    where cooperative_id = ${a.coop.id} order by created_at desc, id desc`.execute(apiDb(odb.db));
  return r.rows;
}

test('pages of any size give every invoice once, drafts and numbered ones mixed, newest first', async () => {
  const expected = await allOfA();
  assert.equal(expected.length, 7);
  assert.ok(expected.some((x) => x.number) && expected.some((x) => !x.number), 'drafts and numbered mixed');
  for (const limit of [1, 2, 3, 100])
    assert.deepEqual(
      await walk(`limit=${limit}`),
      expected.map((x) => x.id),
    );
  const drafts = expected.filter((x) => !x.number).map((x) => x.id);
  assert.deepEqual(await walk('status=draft&limit=2'), drafts);
  const page = await firstPage('limit=3');
  assert.equal(page.total, 7);
  assert.equal(page.data.length, 3);
});

test('a walk stays exact while an invoice is created and a draft is validated meanwhile', async () => {
  const before = (await allOfA()).map((x) => x.id);
  const head = await firstPage('limit=2');
  // A new draft (newest: before the cursor) and a draft further down now numbered.
  const fresh = await draft();
  const laterDraft = (await allOfA()).filter((x) => !x.number && x.id !== fresh).at(-1)!.id;
  assert.ok(!head.data.some((x) => x.id === laterDraft));
  await validate(laterDraft);
  const tail = await walk('limit=2', head.nextCursor);
  assert.deepEqual([...head.data.map((x) => x.id), ...tail], before);
  assert.equal((await walk('limit=3'))[0], fresh);
});

test('a forged cursor is refused; a search still pages by relevance', async () => {
  const forged = Buffer.from(JSON.stringify({ c: "2026-01-01' or 1=1", id: customer })).toString('base64url');
  const res = await app.request(`http://localhost/api/v1/invoices?cursor=${forged}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 422);
  const found = await walk('q=Boulangerie&limit=2');
  assert.equal(new Set(found).size, found.length);
  assert.equal(found.length, (await allOfA()).length);
});

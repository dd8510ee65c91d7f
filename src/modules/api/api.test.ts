// The REST API over HTTP (app.request), on a real database: for every operation of the OpenAPI
// document, authentication (401), scope (403) and tenant (404 on another cooperative's ids);
// then the resources themselves, idempotency keys, cursors, PDF and Factur-X, revocation,
// expiry, the per-token rate limit, cookie sessions refused, and every JSON answer checked
// against the document's own schemas (ajv, JSON Schema 2020-12) — the document itself checked
// by an OpenAPI validator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { Validator } from '@seriousme/openapi-schema-validator';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { createJourney } from '../journeys/index.ts';
import { myReport } from '../purchases/index.ts';
import { todayParis } from '../../core/dates.ts';
import { createCustomer, createDraft, createQuote } from '../sales/index.ts';
import { ensureMainAccount, importStatement, markIgnored } from '../bank/index.ts';
import { writeCamt053 } from '../bank/testing.ts';
import { addDays } from '../../core/dates.ts';
import { apiCommands } from './commands.ts';
import { apiDb } from './db.ts';
import { openApiDocument } from './routes/v1.ts';
import { ALL_SCOPES, type Scope } from './scopes.ts';
import { customerBody, responseChecker, tokenFromPage } from './testing.ts';
import { createToken } from './tokens.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
const tok: Record<string, string> = {};
let customerA: string;
let customerB: string;
let draftA: string;
let reportA: string;
let journeyA: string;
let quoteA: string;
const bankLinesA: string[] = [];
const doc = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { security?: { bearer: string[] }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};

async function mint(coop: TestCoop, role: 'director' | 'entrepreneur', scopes: Scope[], extra = {}) {
  return (
    await withTenant(odb.db, coop.coop.id, (tx) => createToken(tx, coop.actor(role), { name: 't', scopes, ...extra }))
  ).token;
}
function call(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  return app.request(`http://localhost/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const checked = responseChecker(doc);

const line = {
  description: 'Atelier de conception',
  quantityMilli: 2000,
  unitPriceCents: 45000,
  vatCategory: 'S',
  vatRateBp: 2000,
};

const expenseBody = (amountInclCents = 2350) => ({
  date: todayParis(),
  category: 'meals',
  description: 'Déjeuner client',
  activityId: a.activityId,
  amountInclCents,
});
/** Every page of a list, following nextCursor; the ids in order. */
async function walk(path: string, token: string, template: string, from: string | null = null): Promise<string[]> {
  const seen: string[] = [];
  let cursor = from;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call('GET', `${path}${cursor ? `${sep}cursor=${cursor}` : ''}`, token);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    const body = await checked(res, 'GET', template);
    seen.push(...body.data.map((x: { id: string }) => x.id));
    cursor = body.nextCursor;
  } while (cursor);
  return seen;
}

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  tok.a = await mint(a, 'director', ALL_SCOPES);
  // Every operation is tried with B's token on six of A's ids: more calls than the default minute allows.
  tok.b = await mint(b, 'director', ALL_SCOPES, { rateLimitPerMinute: 2000 });
  tok.none = await mint(a, 'director', ['customers:read']);
  tok.invoicesOnly = await mint(a, 'director', ['invoices:read']);
  tok.ent = await mint(a, 'entrepreneur', ALL_SCOPES);
  customerA = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createCustomer(tx, a.actor('director'), customerBody('Boulangerie Alpha', '41234567')),
    )
  ).id;
  customerB = (
    await withTenant(odb.db, b.coop.id, (tx) =>
      createCustomer(tx, b.actor('director'), customerBody('Menuiserie Beta', '51234567')),
    )
  ).id;
  reportA = (await withTenant(odb.db, a.coop.id, (tx) => myReport(tx, a.actor('entrepreneur'), '2026-11'))).id;
  journeyA = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createJourney(tx, a.actor('support'), { displayName: 'Camille Prospect', startedOn: '2026-01-05' }),
    )
  ).id;
  draftA = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createDraft(tx, a.actor('director'), { activityId: a.activityId, customerId: customerA, lines: [line] as never }),
    )
  ).id;
  quoteA = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createQuote(tx, a.actor('director'), { activityId: a.activityId, customerId: customerA, lines: [line] as never }),
    )
  ).id;
  // Seven statement lines for A (one ignored), on four days: keyset pages cross equal dates.
  await withTenant(odb.db, a.coop.id, async (tx) => {
    const account = (await ensureMainAccount(tx, a.actor('accountant')))!;
    const entries = [0, 0, 1, 1, 1, 2, 3].map((d, i) => ({
      amountCents: (i + 1) * 1000 * (i % 2 ? -1 : 1),
      bookingDate: addDays(todayParis(), -10 - d),
      label: `Opération ${i + 1}`,
      bankRef: `API-${i + 1}`,
    }));
    const xml = writeCamt053({
      messageId: 'API-1',
      iban: account.iban,
      createdAt: `${todayParis()}T10:00:00`,
      entries,
    });
    await importStatement(tx, a.actor('accountant'), {
      accountId: account.id,
      fileName: 'releve.xml',
      bytes: Buffer.from(xml),
      autoMatch: false,
    });
  });
});
after(() => odb.close());

test('the OpenAPI document is valid OpenAPI 3.1 and served without a token', async () => {
  const res = await app.request('http://localhost/api/v1/openapi.json');
  assert.equal(res.status, 200);
  const served = await res.json();
  assert.equal(served.openapi, '3.1.0');
  const v = await new Validator().validate(served);
  assert.equal(v.valid, true, JSON.stringify(v.errors));
  assert.ok(Object.keys(served.paths).length >= 8);
  const page = await app.request('http://localhost/api/v1/reference');
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /\/invoices\/\{id\}\/validate/);
  assert.match(html, /invoices:write/);
});

/** Every operation of the document, with sample parameters: A's objects. */
function operations() {
  const ops: { method: string; template: string; path: (id: string) => string; scope: Scope; body?: unknown }[] = [];
  for (const [template, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const scope = op.security?.[0]?.bearer[0] as Scope;
      const body =
        method !== 'post'
          ? undefined
          : template === '/customers'
            ? customerBody('Nouveau client', '61234567')
            : template === '/invoices'
              ? { activityId: a.activityId, customerId: customerA, lines: [line] }
              : template.endsWith('/payments')
                ? { amountCents: 100 }
                : template.endsWith('/stage')
                  ? { to: 'info_meeting', effectiveOn: todayParis() }
                  : template === '/quotes'
                    ? { activityId: a.activityId, customerId: customerA, lines: [line] }
                    : template.endsWith('/credit-notes')
                      ? { reason: 'Erreur de quantité' }
                      : template === '/expenses'
                        ? expenseBody()
                        : template === '/quotes/{id}/invoices'
                          ? { kind: 'deposit', percentBp: 3000 }
                          : template.endsWith('/match')
                            ? { suggestion: 'invoice:x:1:' }
                            : template.endsWith('/manual-match')
                              ? { targets: [{ type: 'invoice', id: draftA, amountCents: 100 }] }
                              : template.endsWith('/justify')
                                ? { kind: 'fees' }
                                : undefined;
      ops.push({ method: method.toUpperCase(), template, path: (id) => template.replace('{id}', id), scope, body });
    }
  return ops;
}

test('every operation: 401 without or with a bad token, 403 without its scope, 404 across cooperatives', async () => {
  const ops = operations();
  assert.ok(ops.length >= 10, `${ops.length} operations`);
  for (const op of ops) {
    const p = op.path(draftA);
    for (const t of [undefined, 'rad_not-a-real-token', 'Basic abc']) {
      const res = await call(
        op.method,
        p,
        t?.startsWith('Basic') ? undefined : t,
        op.body,
        t?.startsWith('Basic') ? { authorization: t } : {},
      );
      assert.equal(res.status, 401, `${op.method} ${p} with ${t}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      await checked(res, op.method, op.template);
    }
    assert.ok(op.scope, `${op.method} ${op.template} declares a scope`);
    const lacking = op.scope === 'customers:read' ? tok.invoicesOnly : tok.none;
    const res = await call(op.method, p, lacking, op.body);
    assert.equal(res.status, 403, `${op.method} ${p} without ${op.scope}`);
    const pb = await checked(res, op.method, op.template);
    assert.equal(pb.type, 'https://radieuse.fr/problems/insufficient-scope');
    if (op.template.includes('{id}')) {
      // B's token on A's ids: not found, and nothing of A is written.
      for (const id of [draftA, customerA, a.activityId, reportA, journeyA, quoteA]) {
        const r = await call(op.method, op.path(id), tok.b, op.body);
        assert.equal(r.status, 404, `${op.method} ${op.path(id)} with another cooperative's token`);
        await checked(r, op.method, op.template);
      }
    }
  }
  const inv = await call('GET', `/invoices/${draftA}`, tok.a);
  assert.equal((await inv.json()).status, 'draft', 'B could not touch A’s draft');
  const person = await call('GET', `/people/${journeyA}`, tok.a);
  assert.equal((await person.json()).stage, 'contact', 'B could not move A’s person');
});

test('customers: list with cursor, get, create with an idempotency key; other cooperative invisible', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await call('POST', '/customers', tok.a, customerBody(`Client numéro ${i}`, `7123456${i}`));
    assert.equal(r.status, 201);
    await checked(r, 'POST', '/customers');
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await call('GET', `/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tok.a);
    assert.equal(res.status, 200);
    const body = await checked(res, 'GET', '/customers');
    seen.push(...body.data.map((x: { id: string }) => x.id));
    cursor = body.nextCursor;
  } while (cursor);
  assert.equal(seen.length, 4);
  assert.equal(new Set(seen).size, 4);
  assert.ok(!seen.includes(customerB));
  // Keyset: a customer added mid-walk before the cursor (by name) neither shifts nor repeats a page.
  const head = await checked(await call('GET', '/customers?limit=2', tok.a), 'GET', '/customers');
  assert.equal((await call('POST', '/customers', tok.a, customerBody('Aaa premier', '21234567'))).status, 201);
  const tail = await walk('/customers?limit=2', tok.a, '/customers', head.nextCursor);
  assert.deepEqual([...head.data.map((x: { id: string }) => x.id), ...tail], seen);
  const one = await call('GET', `/customers/${customerA}`, tok.a);
  assert.equal((await checked(one, 'GET', '/customers/{id}')).name, 'Boulangerie Alpha');
  // Idempotency: the same key twice creates one customer; another body with that key is refused.
  const body = customerBody('Client idempotent', '81234567');
  const first = await call('POST', '/customers', tok.a, body, { 'idempotency-key': 'cust-1' });
  const again = await call('POST', '/customers', tok.a, body, { 'idempotency-key': 'cust-1' });
  assert.equal(first.status, 201);
  assert.equal(again.status, 200);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal((await checked(first, 'POST', '/customers')).id, (await checked(again, 'POST', '/customers')).id);
  const other = await call('POST', '/customers', tok.a, customerBody('Autre', '91234567'), {
    'idempotency-key': 'cust-1',
  });
  assert.equal(other.status, 422);
  // Business rules come back as problems with the field.
  const dup = await call('POST', '/customers', tok.a, customerBody('Boulangerie Alpha', '41234567'));
  assert.equal(dup.status, 422);
  const pb = await checked(dup, 'POST', '/customers');
  assert.ok(pb.errors.siren || pb.errors.name);
  const bad = await call('POST', '/customers', tok.a, { kind: 'robot' });
  assert.equal(bad.status, 400);
  assert.ok((await checked(bad, 'POST', '/customers')).errors.kind);
  const badCursor = await call('GET', '/customers?cursor=zzz', tok.a);
  assert.equal(badCursor.status, 422);
});

test('invoices: draft (idempotent), submit, validate, list with filters, PDF, Factur-X, payment', async () => {
  const body = { activityId: a.activityId, customerId: customerA, lines: [line], buyerReference: 'BC-42' };
  const r1 = await call('POST', '/invoices', tok.a, body, { 'idempotency-key': 'inv-1' });
  const r2 = await call('POST', '/invoices', tok.a, body, { 'idempotency-key': 'inv-1' });
  assert.equal(r1.status, 201);
  const inv = await checked(r1, 'POST', '/invoices');
  assert.equal((await checked(r2, 'POST', '/invoices')).id, inv.id);
  assert.equal(inv.status, 'draft');
  assert.equal(inv.totalInclCents, 108000);
  assert.equal(inv.lines.length, 1);
  // A customer of another cooperative cannot be invoiced.
  const cross = await call('POST', '/invoices', tok.a, { ...body, customerId: customerB });
  assert.ok([404, 422].includes(cross.status), `cross-tenant customer: ${cross.status}`);
  const sub = await call('POST', `/invoices/${inv.id}/submit`, tok.a);
  assert.equal((await checked(sub, 'POST', '/invoices/{id}/submit')).status, 'submitted');
  const val = await call('POST', `/invoices/${inv.id}/validate`, tok.a);
  const validated = await checked(val, 'POST', '/invoices/{id}/validate');
  assert.match(validated.number, /^\d{4}-\d{5}$/);
  const again = await call('POST', `/invoices/${inv.id}/validate`, tok.a);
  assert.equal(again.status, 422);
  const list = await call('GET', `/invoices?status=validated&customerId=${customerA}`, tok.a);
  const page = await checked(list, 'GET', '/invoices');
  assert.deepEqual(
    page.data.map((x: { id: string }) => x.id),
    [inv.id],
  );
  const drafts = await checked(await call('GET', '/invoices?status=draft&limit=1', tok.a), 'GET', '/invoices');
  assert.equal(drafts.data.length, 1);
  assert.equal(drafts.total, 1);
  const pdf = await call('GET', `/invoices/${inv.id}/pdf`, tok.a);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(bytes.includes(Buffer.from('factur-x.xml')), 'the CII is embedded');
  const xml = await call('GET', `/invoices/${inv.id}/facturx`, tok.a);
  assert.equal(xml.status, 200);
  const text = await xml.text();
  assert.match(text, /CrossIndustryInvoice/);
  assert.ok(text.includes(validated.number));
  const draftPdf = await call('GET', `/invoices/${draftA}/pdf`, tok.a);
  assert.equal(draftPdf.status, 404);
  const pay = await call(
    'POST',
    `/invoices/${inv.id}/payments`,
    tok.a,
    { amountCents: 50000, reference: 'VIR 1' },
    {
      'idempotency-key': 'pay-1',
    },
  );
  assert.equal(pay.status, 201);
  const paid = await checked(pay, 'POST', '/invoices/{id}/payments');
  assert.equal(paid.paidCents, 50000);
  assert.equal(paid.status, 'partly_paid');
  const replay = await call(
    'POST',
    `/invoices/${inv.id}/payments`,
    tok.a,
    { amountCents: 50000, reference: 'VIR 1' },
    {
      'idempotency-key': 'pay-1',
    },
  );
  assert.equal((await checked(replay, 'POST', '/invoices/{id}/payments')).paidCents, 50000, 'no second payment');
  // The audit log names the token's user, as for the pages.
  const entries = await apiDb(odb.db)
    .selectFrom('audit_log')
    .select(['action', 'actor_user_id'])
    .where('cooperative_id', '=', a.coop.id)
    .where('target_id', '=', inv.id)
    .execute();
  assert.ok(entries.some((e) => e.action === 'invoice.draft_created' && e.actor_user_id === a.users.director.id));
});

test('the token acts as its user: an entrepreneur sees only their activities and cannot validate', async () => {
  const list = await checked(await call('GET', '/invoices', tok.ent), 'GET', '/invoices');
  assert.ok(list.data.every((x: { activityId: string }) => x.activityId === a.activityId));
  const inv = await checked(
    await call('POST', '/invoices', tok.ent, {
      activityId: a.activityId,
      customerId: customerA,
      lines: [{ ...line, unitPriceCents: 50_000_00 }],
    }),
    'POST',
    '/invoices',
  );
  const val = await call('POST', `/invoices/${inv.id}/validate`, tok.ent);
  assert.equal(val.status, 403);
  assert.equal((await checked(val, 'POST', '/invoices/{id}/validate')).type, 'https://radieuse.fr/problems/forbidden');
});

test('activities and expense reports: as the token’s user sees them', async () => {
  const own = await checked(await call('GET', '/activities', tok.ent), 'GET', '/activities');
  assert.deepEqual(
    own.data.map((x: { id: string }) => x.id),
    [a.activityId],
  );
  const all = await checked(await call('GET', '/activities', tok.a), 'GET', '/activities');
  assert.ok(all.data.some((x: { id: string }) => x.id === a.activityId));
  const one = await checked(await call('GET', `/activities/${a.activityId}`, tok.ent), 'GET', '/activities/{id}');
  assert.deepEqual(one.ownerIds, [a.users.entrepreneur.id]);
  const reports = await checked(await call('GET', '/expense-reports', tok.ent), 'GET', '/expense-reports');
  assert.deepEqual(
    reports.data.map((x: { id: string }) => x.id),
    [reportA],
  );
  const report = await checked(
    await call('GET', `/expense-reports/${reportA}`, tok.ent),
    'GET',
    '/expense-reports/{id}',
  );
  assert.equal(report.month, '2026-11');
  assert.equal(report.userId, a.users.entrepreneur.id);
  // The director's own list is theirs (empty); reading the entrepreneur's sheet is their right as staff.
  const mine = await checked(await call('GET', '/expense-reports', tok.a), 'GET', '/expense-reports');
  assert.equal(mine.data.length, 0);
  const staff = await call('GET', `/expense-reports/${reportA}`, tok.a);
  assert.equal(staff.status, 200);
  await checked(staff, 'GET', '/expense-reports/{id}');
});

test('people and journey stages: list by stage, history, a transition through the service’s rules', async () => {
  const list = await checked(await call('GET', '/people?stage=contact', tok.a), 'GET', '/people');
  assert.deepEqual(
    list.data.map((x: { id: string }) => x.id),
    [journeyA],
  );
  const moved = await call('POST', `/people/${journeyA}/stage`, tok.a, {
    to: 'info_meeting',
    effectiveOn: todayParis(),
    comment: 'Réunion du jeudi',
  });
  assert.equal(moved.status, 200);
  const p = await checked(moved, 'POST', '/people/{id}/stage');
  assert.equal(p.stage, 'info_meeting');
  assert.equal(p.history.at(-1).to, 'info_meeting');
  const refused = await call('POST', `/people/${journeyA}/stage`, tok.a, {
    to: 'associate',
    effectiveOn: todayParis(),
  });
  assert.equal(refused.status, 422);
  assert.match((await checked(refused, 'POST', '/people/{id}/stage')).detail, /Passage impossible/);
  const one = await checked(await call('GET', `/people/${journeyA}`, tok.a), 'GET', '/people/{id}');
  assert.equal(one.displayName, 'Camille Prospect');
  // An entrepreneur's token reads no caseload, whatever its scopes.
  const ent = await call('GET', '/people', tok.ent);
  assert.equal(ent.status, 403);
  await checked(ent, 'GET', '/people');
});

test('indicators: the cooperative’s impact figures for a year; refused to an entrepreneur', async () => {
  const r = await call('GET', '/indicators?year=2026', tok.a);
  assert.equal(r.status, 200);
  const body = await checked(r, 'GET', '/indicators');
  assert.equal(body.year, 2026);
  assert.ok(body.data.length > 0);
  assert.ok(body.data.every((x: { code: string }) => x.code));
  const ent = await call('GET', '/indicators', tok.ent);
  assert.equal(ent.status, 403);
  await checked(ent, 'GET', '/indicators');
});

test('quotes: draft (idempotent), get with lines, PDF, list with filters and a keyset cursor stable under inserts', async () => {
  const body = { activityId: a.activityId, customerId: customerA, title: 'Refonte du site', lines: [line] };
  const r1 = await call('POST', '/quotes', tok.a, body, { 'idempotency-key': 'quote-1' });
  const r2 = await call('POST', '/quotes', tok.a, body, { 'idempotency-key': 'quote-1' });
  assert.equal(r1.status, 201);
  assert.equal(r2.status, 200);
  const q = await checked(r1, 'POST', '/quotes');
  assert.equal((await checked(r2, 'POST', '/quotes')).id, q.id);
  assert.equal(q.status, 'draft');
  assert.equal(q.totalExclCents, 90000);
  assert.equal(q.totalInclCents, 108000);
  assert.equal(q.lines.length, 1);
  // An item line without its price is refused at the edge, with the field; a foreign customer by the service.
  const bad = await call('POST', '/quotes', tok.a, { ...body, lines: [{ description: 'Sans prix' }] });
  assert.equal(bad.status, 400);
  assert.ok((await checked(bad, 'POST', '/quotes')).errors['lines.0.unitPriceCents']);
  const cross = await call('POST', '/quotes', tok.a, { ...body, customerId: customerB });
  assert.equal(cross.status, 422);
  assert.ok((await checked(cross, 'POST', '/quotes')).errors.customerId);
  const one = await checked(await call('GET', `/quotes/${q.id}`, tok.a), 'GET', '/quotes/{id}');
  assert.equal(one.title, 'Refonte du site');
  assert.equal(one.lines[0].netCents, 90000);
  const pdf = await call('GET', `/quotes/${q.id}/pdf`, tok.a);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.headers.get('content-disposition') ?? '', /^attachment; filename="/);
  assert.equal(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  assert.equal((await call('GET', `/quotes/${q.id}/pdf`, tok.b)).status, 404);
  // Keyset: walking by two gives every quote once; a quote created mid-walk neither shifts nor repeats.
  for (let i = 0; i < 3; i++) assert.equal((await call('POST', '/quotes', tok.a, body)).status, 201);
  const all = await walk('/quotes?limit=100', tok.a, '/quotes');
  assert.equal(all.length, 5);
  const first = await checked(await call('GET', '/quotes?limit=2', tok.a), 'GET', '/quotes');
  assert.equal((await call('POST', '/quotes', tok.a, body)).status, 201);
  const rest = await walk('/quotes?limit=2', tok.a, '/quotes', first.nextCursor);
  assert.deepEqual([...first.data.map((x: { id: string }) => x.id), ...rest], all);
  assert.ok(all.includes(quoteA));
  const none = await checked(await call('GET', '/quotes?status=accepted', tok.a), 'GET', '/quotes');
  assert.deepEqual(none.data, []);
  const byCustomer = await walk(`/quotes?customerId=${customerB}`, tok.a, '/quotes');
  assert.deepEqual(byCustomer, [], 'B’s customer has no quote here');
  assert.deepEqual(await walk('/quotes', tok.b, '/quotes'), [], 'B sees none of A’s quotes');
  assert.equal((await call('GET', '/quotes?cursor=zzz', tok.a)).status, 422);
});

test('credit notes: a draft credit note on a validated invoice (idempotent), listed by type; never on a draft', async () => {
  const created = await checked(
    await call('POST', '/invoices', tok.a, { activityId: a.activityId, customerId: customerA, lines: [line] }),
    'POST',
    '/invoices',
  );
  for (const verb of ['submit', 'validate'])
    assert.equal((await call('POST', `/invoices/${created.id}/${verb}`, tok.a)).status, 200);
  const body = { reason: 'Atelier annulé' };
  const c1 = await call('POST', `/invoices/${created.id}/credit-notes`, tok.a, body, { 'idempotency-key': 'cn-1' });
  const c2 = await call('POST', `/invoices/${created.id}/credit-notes`, tok.a, body, { 'idempotency-key': 'cn-1' });
  assert.equal(c1.status, 201);
  assert.equal(c2.status, 200);
  const note = await checked(c1, 'POST', '/invoices/{id}/credit-notes');
  assert.equal((await checked(c2, 'POST', '/invoices/{id}/credit-notes')).id, note.id);
  assert.equal(note.typeCode, '381');
  assert.equal(note.status, 'draft');
  assert.equal(note.precedingInvoiceId, created.id);
  assert.equal(note.totalInclCents, created.totalInclCents);
  assert.equal(note.notes, 'Atelier annulé');
  const onDraft = await call('POST', `/invoices/${draftA}/credit-notes`, tok.a, {});
  assert.equal(onDraft.status, 422);
  const notes = await checked(await call('GET', '/invoices?typeCode=381', tok.a), 'GET', '/invoices');
  assert.deepEqual(
    notes.data.map((x: { id: string }) => x.id),
    [note.id],
  );
  // Submitted and validated like any invoice: it gets its number.
  for (const verb of ['submit', 'validate'])
    assert.equal((await call('POST', `/invoices/${note.id}/${verb}`, tok.a)).status, 200);
  const done = await checked(await call('GET', `/invoices/${note.id}`, tok.a), 'GET', '/invoices/{id}');
  assert.ok(done.number);
  const inv = await checked(await call('GET', `/invoices/${created.id}`, tok.a), 'GET', '/invoices/{id}');
  assert.equal(inv.creditedCents, created.totalInclCents);
  // Fully credited: another credit note would credit more than the invoice, refused by the service.
  const over = await call('POST', `/invoices/${created.id}/credit-notes`, tok.a, {});
  assert.equal(over.status, 422);
  await checked(over, 'POST', '/invoices/{id}/credit-notes');
});

test('expenses: a line added to one’s report of the month (idempotent), then the report submitted once', async () => {
  const e1 = await call('POST', '/expenses', tok.ent, expenseBody(), { 'idempotency-key': 'exp-1' });
  const e2 = await call('POST', '/expenses', tok.ent, expenseBody(), { 'idempotency-key': 'exp-1' });
  assert.equal(e1.status, 201);
  assert.equal(e2.status, 200);
  const report = await checked(e1, 'POST', '/expenses');
  assert.equal((await checked(e2, 'POST', '/expenses')).lines.length, 1, 'the replay added nothing');
  assert.equal(report.month, todayParis().slice(0, 7));
  assert.equal(report.userId, a.users.entrepreneur.id);
  assert.equal(report.totalCents, 2350);
  assert.equal(report.lines[0].category, 'meals');
  assert.ok(report.lines[0].vatCents > 0, 'VAT computed at the category’s rate');
  // The service's rules come back with their field.
  const future = await call('POST', '/expenses', tok.ent, { ...expenseBody(), date: addDays(todayParis(), 2) });
  assert.equal(future.status, 422);
  assert.ok((await checked(future, 'POST', '/expenses')).errors.date);
  const foreign = await call('POST', '/expenses', tok.ent, { ...expenseBody(), activityId: b.activityId });
  assert.equal(foreign.status, 422);
  assert.ok((await checked(foreign, 'POST', '/expenses')).errors.activityId);
  // Another person (here B's entrepreneur, or A's director) cannot submit this report.
  assert.equal((await call('POST', `/expense-reports/${report.id}/submit`, tok.a)).status, 404);
  const sent = await call('POST', `/expense-reports/${report.id}/submit`, tok.ent);
  assert.equal(sent.status, 200);
  assert.equal((await checked(sent, 'POST', '/expense-reports/{id}/submit')).status, 'submitted');
  const twice = await call('POST', `/expense-reports/${report.id}/submit`, tok.ent);
  assert.equal(twice.status, 422);
  await checked(twice, 'POST', '/expense-reports/{id}/submit');
  const closed = await call('POST', '/expenses', tok.ent, expenseBody(990));
  assert.equal(closed.status, 422, 'no line added to a report already sent');
  const readOnly = await mint(a, 'entrepreneur', ['expenses:read']);
  assert.equal((await call('POST', '/expenses', readOnly, expenseBody())).status, 403);
});

test('bank lines: staff only, filtered by status, keyset pages across equal dates, other cooperative empty', async () => {
  const all = await walk('/bank-lines?limit=100', tok.a, '/bank-lines');
  assert.equal(all.length, 7);
  bankLinesA.push(...all);
  // Pages of two cross days holding three lines: the same lines in the same order.
  assert.deepEqual(await walk('/bank-lines?limit=2', tok.a, '/bank-lines'), all);
  const ignored = all[3];
  await withTenant(odb.db, a.coop.id, (tx) => markIgnored(tx, a.actor('accountant'), ignored));
  const open = await walk('/bank-lines?status=to_justify&limit=3', tok.a, '/bank-lines');
  assert.deepEqual(
    open,
    all.filter((id) => id !== ignored),
  );
  assert.deepEqual(await walk('/bank-lines?status=ignored', tok.a, '/bank-lines'), [ignored]);
  assert.deepEqual(await walk('/bank-lines?status=matched', tok.a, '/bank-lines'), []);
  const page = await checked(await call('GET', '/bank-lines?limit=1', tok.a), 'GET', '/bank-lines');
  assert.match(page.data[0].bookingDate, /^\d{4}-\d{2}-\d{2}$/);
  // The latest day holds lines 1 and 2; equal dates are ordered by id, descending (line 2 imported last).
  assert.equal(page.data[0].label, 'Opération 2');
  assert.equal(page.data[0].amountCents, -2000);
  assert.deepEqual(await walk('/bank-lines', tok.b, '/bank-lines'), [], 'B sees none of A’s lines');
  const ent = await call('GET', '/bank-lines', tok.ent);
  assert.equal(ent.status, 403, 'an entrepreneur’s token reads no bank line, whatever its scopes');
  await checked(ent, 'GET', '/bank-lines');
  const forged = Buffer.from(JSON.stringify({ d: "2026-01-01' or 1=1", id: all[0] })).toString('base64url');
  assert.equal((await call('GET', `/bank-lines?cursor=${forged}`, tok.a)).status, 422);
});

test('revoked and expired tokens are refused; a user who left loses their tokens', async () => {
  const t = await mint(a, 'director', ['customers:read']);
  assert.equal((await call('GET', '/customers', t)).status, 200);
  await apiDb(odb.db)
    .updateTable('api_token')
    .set({ revoked_at: new Date() })
    .where('prefix', '=', t.slice(0, 10))
    .execute();
  assert.equal((await call('GET', '/customers', t)).status, 401);
  const e = await mint(a, 'director', ['customers:read']);
  await apiDb(odb.db)
    .updateTable('api_token')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('prefix', '=', e.slice(0, 10))
    .execute();
  assert.equal((await call('GET', '/customers', e)).status, 401);
  const gone = await mint(a, 'director', ['customers:read']);
  const setEnded = (v: Date | null) =>
    sql`update membership set ended_at = ${v} where cooperative_id = ${a.coop.id} and user_id = ${a.users.director.id}`.execute(
      apiDb(odb.db),
    );
  await setEnded(new Date());
  try {
    assert.equal((await call('GET', '/customers', gone)).status, 401);
  } finally {
    await setEnded(null);
  }
});

test('per-token rate limit: the call after the limit gets 429 with Retry-After; other tokens unaffected', async () => {
  const t = await mint(a, 'director', ['customers:read'], { rateLimitPerMinute: 3 });
  const codes: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 4; i++) {
    last = await call('GET', '/customers?limit=1', t);
    codes.push(last.status);
  }
  // The minute may turn during the loop: then the count starts again.
  if (codes[3] === 200) return;
  assert.deepEqual(codes, [200, 200, 200, 429]);
  assert.ok(Number(last!.headers.get('retry-after')) >= 1);
  assert.equal(last!.headers.get('ratelimit-limit'), '3');
  assert.equal((await call('GET', '/customers?limit=1', tok.a)).status, 200);
});

test('a cookie session cannot call the API (no CSRF hole); the app’s forms still need their CSRF token', async () => {
  const client = new TestClient(app);
  await client.signIn(a.users.director.email, TEST_PASSWORD);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = await call('GET', '/customers', undefined, undefined, { cookie });
  assert.equal(get.status, 401);
  const post = await call('POST', '/customers', undefined, customerBody('Par cookie', '31234567'), {
    cookie,
    origin: 'https://evil.example',
  });
  assert.equal(post.status, 401);
  const form = await client.post('/profil/jetons-api', { name: 'x', scopes: 'customers:read' }, { csrf: null });
  assert.equal(form.res.status, 403);
});

test('the tokens page: create (shown once, needs scopes), list without the secret, revoke', async () => {
  const client = new TestClient(app);
  await client.signIn(a.users.support.email, TEST_PASSWORD);
  const empty = await client.post('/profil/jetons-api', { name: 'Paie', days: '30' });
  assert.equal(empty.res.status, 400);
  assert.match(empty.html, /Choisissez au moins une permission/);
  const { token } = await tokenFromPage(client, '/profil/jetons-api', {
    name: 'Paie',
    days: '30',
    scopes: ['customers:read', 'invoices:read'],
  });
  assert.equal((await call('GET', '/customers', token)).status, 200);
  const row = await apiDb(odb.db)
    .selectFrom('api_token')
    .select(['id', 'token_hash'])
    .where('prefix', '=', token.slice(0, 10))
    .executeTakeFirstOrThrow();
  assert.notEqual(row.token_hash, token);
  // Another person cannot revoke it.
  const other = new TestClient(app);
  await other.signIn(a.users.accountant.email, TEST_PASSWORD);
  const refused = await other.post(`/profil/jetons-api/${row.id}/revoquer`, {});
  assert.equal(refused.res.status, 404);
  assert.equal((await call('GET', '/customers', token)).status, 200);
  const revoked = await client.post(`/profil/jetons-api/${row.id}/revoquer`, {});
  assert.equal(revoked.res.status, 303);
  assert.equal((await call('GET', '/customers', token)).status, 401);
});

test('radieuse token create prints the token once on stdout, usable at once', async () => {
  const cmd = apiCommands.find((c) => c.name === 'token create')!;
  const written: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  // Only the command's lines are kept; the test runner's own messages (same stdout) pass through.
  process.stdout.write = ((s: string | Uint8Array, ...rest: never[]) => {
    if (typeof s === 'string' && s.startsWith('rad_')) {
      written.push(s);
      return true;
    }
    return orig(s, ...rest);
  }) as typeof process.stdout.write;
  let code: unknown;
  try {
    code = await cmd.run({
      values: {
        cooperative: a.coop.slug,
        email: a.users.accountant.email,
        scopes: 'invoices:read,customers:read',
        days: '7',
      },
      positionals: [],
      config: {} as never,
      odb,
    });
  } finally {
    process.stdout.write = orig;
  }
  assert.equal(code, 0);
  assert.equal(written.length, 1);
  const token = written[0].trim();
  assert.match(token, /^rad_[A-Za-z0-9_-]{43}$/);
  assert.equal((await call('GET', '/invoices', token)).status, 200);
  assert.equal((await call('POST', '/customers', token, customerBody('X', '21234567'))).status, 403);
  await assert.rejects(
    cmd.run({
      values: { cooperative: a.coop.slug, email: a.users.accountant.email, scopes: 'admin:all' },
      positionals: [],
      config: {} as never,
      odb,
    }),
    /Permission inconnue/,
  );
  await assert.rejects(
    cmd.run({
      values: { cooperative: b.coop.slug, email: a.users.accountant.email, scopes: 'invoices:read' },
      positionals: [],
      config: {} as never,
      odb,
    }),
    /n’est pas membre/,
  );
});

// The API's actions after creation, over HTTP on a real database, every JSON answer checked
// against the OpenAPI document: a quote sent (mail queued once per idempotency key), refused,
// accepted with its signed file, then invoiced (deposit then balance, idempotent); a receipt given
// to an expense (typed by content, too large refused at the front door, duplicates and other
// people's lines refused) and read back as an attachment; bank lines to justify with their
// suggestions, one confirmed (the invoice paid), stale keys and other cooperatives refused; a
// line's own suggestions, a line matched by hand to two invoices (one in part), a line ignored and
// one justified to an account, refused to other cooperatives, entrepreneurs and lacking scopes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { createTestApp } from '../../app/testing-web.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { FILE_UPLOAD_LIMIT } from '../../web/request-guards.ts';
import { ensureMainAccount, importStatement } from '../bank/index.ts';
import { writeCamt053 } from '../bank/testing.ts';
import { createCustomer } from '../sales/index.ts';
import { apiDb } from './db.ts';
import { openApiDocument } from './routes/v1.ts';
import { ALL_SCOPES, type Scope } from './scopes.ts';
import { customerBody, responseChecker } from './testing.ts';
import { createToken } from './tokens.service.ts';
import { createSubscription } from './webhooks.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
const tok: Record<string, string> = {};
let customerA: string;
const checked = responseChecker(openApiDocument() as never);

const line = { description: 'Atelier', quantityMilli: 1000, unitPriceCents: 100000, vatCategory: 'S', vatRateBp: 2000 };
const png = (tag: string) =>
  Buffer.concat([
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    ),
    Buffer.from(tag),
  ]);
const pdf = (tag: string) => Buffer.from(`%PDF-1.7\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`);

async function mint(coop: TestCoop, role: 'director' | 'entrepreneur' | 'accountant', scopes: Scope[]) {
  return (await withTenant(odb.db, coop.coop.id, (tx) => createToken(tx, coop.actor(role), { name: 't', scopes })))
    .token;
}
function call(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  return app.request(`http://localhost/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
function upload(path: string, token: string, field: string, content: Buffer, name: string, type: string) {
  const form = new FormData();
  form.set(field, new File([new Uint8Array(content)], name, { type }));
  return app.request(`http://localhost/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}
const newQuote = async () => {
  const r = await call('POST', '/quotes', tok.a, { activityId: a.activityId, customerId: customerA, lines: [line] });
  assert.equal(r.status, 201);
  return (await checked(r, 'POST', '/quotes')).id as string;
};
const mails = async (subjectLike: string) =>
  Number(
    (
      await apiDb(odb.db)
        .selectFrom('mail_outbox' as never)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('subject' as never, 'like', `%${subjectLike}%` as never)
        .executeTakeFirstOrThrow()
    ).n,
  );
const audited = async (action: string, targetId: string) =>
  apiDb(odb.db)
    .selectFrom('audit_log')
    .select(['actor_user_id'])
    .where('cooperative_id', '=', a.coop.id)
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .execute();

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  tok.a = await mint(a, 'director', ALL_SCOPES);
  tok.b = await mint(b, 'director', ALL_SCOPES);
  tok.ent = await mint(a, 'entrepreneur', ALL_SCOPES);
  tok.quotesRead = await mint(a, 'director', ['quotes:read', 'bank:read']);
  tok.quotesOnly = await mint(a, 'director', ['quotes:read']);
  customerA = (
    await withTenant(odb.db, a.coop.id, (tx) =>
      createCustomer(tx, a.actor('director'), {
        ...customerBody('Boulangerie Alpha', '41234567'),
        email: 'compta@alpha.example',
      } as never),
    )
  ).id;
});
after(() => odb.close());

test('quotes: sent once per idempotency key, refused, accepted with the signed file, never twice', async () => {
  const q1 = await newQuote();
  const sent = await call('POST', `/quotes/${q1}/send`, tok.a, {}, { 'idempotency-key': 'send-1' });
  assert.equal(sent.status, 200);
  const body = await checked(sent, 'POST', '/quotes/{id}/send');
  assert.equal(body.status, 'sent');
  assert.ok(body.sentAt);
  const replay = await call('POST', `/quotes/${q1}/send`, tok.a, {}, { 'idempotency-key': 'send-1' });
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  assert.equal((await checked(replay, 'POST', '/quotes/{id}/send')).status, 'sent');
  assert.equal(await mails(`Devis ${body.number}`), 1, 'the replay sent no second mail');
  assert.equal((await audited('quote.sent', q1))[0]?.actor_user_id, a.users.director.id);
  // Without its scope, nothing moves.
  const denied = await call('POST', `/quotes/${q1}/refuse`, tok.quotesRead);
  assert.equal(denied.status, 403);

  const refused = await call('POST', `/quotes/${q1}/refuse`, tok.a);
  assert.equal((await checked(refused, 'POST', '/quotes/{id}/refuse')).status, 'refused');
  const again = await call('POST', `/quotes/${q1}/refuse`, tok.a);
  assert.equal(again.status, 422);
  await checked(again, 'POST', '/quotes/{id}/refuse');
  const late = await upload(`/quotes/${q1}/accept`, tok.a, 'signedFile', pdf('late'), 'signe.pdf', 'application/pdf');
  assert.equal(late.status, 422, 'a refused quote cannot be accepted');

  const q2 = await newQuote();
  const noFile = await call('POST', `/quotes/${q2}/accept`, tok.a);
  assert.equal(noFile.status, 422);
  assert.ok((await checked(noFile, 'POST', '/quotes/{id}/accept')).errors?.signedFile);
  const text = await upload(
    `/quotes/${q2}/accept`,
    tok.a,
    'signedFile',
    Buffer.from('bonjour'),
    'x.pdf',
    'application/pdf',
  );
  assert.equal(text.status, 422, 'typed by content, not by the declared type');
  await checked(text, 'POST', '/quotes/{id}/accept');
  const ok = await upload(`/quotes/${q2}/accept`, tok.a, 'signedFile', pdf('q2'), 'signe.pdf', 'application/pdf');
  assert.equal(ok.status, 200);
  const accepted = await checked(ok, 'POST', '/quotes/{id}/accept');
  assert.equal(accepted.status, 'accepted');
  assert.equal((await audited('quote.accepted_signed_file', q2)).length, 1);
  // Another cooperative's token: not found, and the quote unchanged.
  const cross = await call('POST', `/quotes/${q2}/refuse`, tok.b);
  assert.equal(cross.status, 404);
  assert.equal((await checked(await call('GET', `/quotes/${q2}`, tok.a), 'GET', '/quotes/{id}')).status, 'accepted');
});

test('quotes: an accepted quote invoiced (deposit then balance, idempotent, never beyond the quote)', async () => {
  const draft = await newQuote();
  const early = await call('POST', `/quotes/${draft}/invoices`, tok.a, { kind: 'deposit', percentBp: 3000 });
  assert.equal(early.status, 422, 'a draft quote is not invoiced');
  await upload(`/quotes/${draft}/accept`, tok.a, 'signedFile', pdf('inv'), 'signe.pdf', 'application/pdf');
  const body = { kind: 'deposit', percentBp: 3000 };
  const r1 = await call('POST', `/quotes/${draft}/invoices`, tok.a, body, { 'idempotency-key': 'dep-1' });
  const r2 = await call('POST', `/quotes/${draft}/invoices`, tok.a, body, { 'idempotency-key': 'dep-1' });
  assert.equal(r1.status, 201);
  const dep = await checked(r1, 'POST', '/quotes/{id}/invoices');
  assert.equal(r2.status, 200);
  assert.equal((await checked(r2, 'POST', '/quotes/{id}/invoices')).id, dep.id, 'one deposit for one key');
  assert.equal(dep.status, 'draft');
  assert.equal(dep.typeCode, '386');
  assert.equal(dep.totalInclCents, 36000, '30 % of 1 200,00 €');
  const over = await call('POST', `/quotes/${draft}/invoices`, tok.a, { kind: 'deposit', amountCents: 200000 });
  assert.equal(over.status, 422);
  await checked(over, 'POST', '/quotes/{id}/invoices');
  const early2 = await call('POST', `/quotes/${draft}/invoices`, tok.a, { kind: 'balance' });
  assert.equal(early2.status, 422, 'the deposit must be validated before the balance deducts it');
  for (const verb of ['submit', 'validate'])
    assert.equal((await call('POST', `/invoices/${dep.id}/${verb}`, tok.a)).status, 200);
  const bal = await call('POST', `/quotes/${draft}/invoices`, tok.a, { kind: 'balance' });
  assert.equal(bal.status, 201);
  const balance = await checked(bal, 'POST', '/quotes/{id}/invoices');
  assert.equal(balance.totalInclCents, 84000, 'the balance deducts the deposit');
  assert.equal(balance.typeCode, '380');
  const third = await call('POST', `/quotes/${draft}/invoices`, tok.a, { kind: 'balance' });
  assert.equal(third.status, 422, 'fully invoiced');
  const ent = await call('POST', `/quotes/${draft}/invoices`, tok.b, { kind: 'balance' });
  assert.equal(ent.status, 404);
});

test('expense receipts: attached by content type, too large refused before parsing, read back as attachment', async () => {
  const add = await call('POST', '/expenses', tok.ent, {
    date: todayParis(),
    category: 'meals',
    description: 'Déjeuner client',
    activityId: a.activityId,
    amountInclCents: 2350,
  });
  assert.equal(add.status, 201);
  const report = await checked(add, 'POST', '/expenses');
  const lineId = report.lines[0].id as string;
  assert.equal(report.lines[0].hasReceipt, false);
  const before = await apiDb(odb.db)
    .selectFrom('stored_file' as never)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const stored = async () =>
    Number(
      (
        await apiDb(odb.db)
          .selectFrom('stored_file' as never)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ) - Number(before.n);

  // A text file sent as an image: refused by its content, beside the receipt field.
  const text = await upload(
    `/expenses/${lineId}/receipt`,
    tok.ent,
    'receipt',
    Buffer.from('pas une image'),
    't.png',
    'image/png',
  );
  assert.equal(text.status, 422);
  assert.ok((await checked(text, 'POST', '/expenses/{id}/receipt')).errors?.receipt);
  // Too large: the front door refuses it from its size, before anything parses the body.
  const huge = Buffer.concat([png('huge'), Buffer.alloc(FILE_UPLOAD_LIMIT)]);
  const big = await upload(`/expenses/${lineId}/receipt`, tok.ent, 'receipt', huge, 'big.png', 'image/png');
  assert.equal(big.status, 413);
  assert.equal(await stored(), 0, 'nothing stored');
  // Another person of the cooperative (the director) cannot give a receipt to this line.
  const other = await upload(`/expenses/${lineId}/receipt`, tok.a, 'receipt', png('other'), 'x.png', 'image/png');
  assert.equal(other.status, 404);
  const cross = await upload(`/expenses/${lineId}/receipt`, tok.b, 'receipt', png('cross'), 'x.png', 'image/png');
  assert.equal(cross.status, 404);

  const photo = png('ticket du midi');
  const ok = await upload(`/expenses/${lineId}/receipt`, tok.ent, 'receipt', photo, 'ticket.png', 'image/png');
  assert.equal(ok.status, 200);
  const after = await checked(ok, 'POST', '/expenses/{id}/receipt');
  assert.equal(after.lines.find((l: { id: string }) => l.id === lineId).hasReceipt, true);
  assert.equal(await stored(), 1);
  const twice = await upload(`/expenses/${lineId}/receipt`, tok.ent, 'receipt', png('autre'), 'b.png', 'image/png');
  assert.equal(twice.status, 422, 'a line keeps its receipt');

  // The same receipt on another expense: a duplicate, refused.
  const add2 = await call('POST', '/expenses', tok.ent, {
    date: todayParis(),
    category: 'meals',
    activityId: a.activityId,
    amountInclCents: 1200,
  });
  const line2 = (await checked(add2, 'POST', '/expenses')).lines.find((l: { id: string }) => l.id !== lineId).id;
  const dup = await upload(`/expenses/${line2}/receipt`, tok.ent, 'receipt', photo, 'copie.png', 'image/png');
  assert.equal(dup.status, 422);
  assert.match((await checked(dup, 'POST', '/expenses/{id}/receipt')).detail ?? '', /déjà été déposé/);

  const file = await call('GET', `/expenses/${lineId}/receipt`, tok.ent);
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-disposition') ?? '', /^attachment/);
  assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), photo);
  // Support staff reads it (the sheet is theirs to check); another cooperative does not.
  assert.equal((await call('GET', `/expenses/${lineId}/receipt`, tok.a)).status, 200);
  assert.equal((await call('GET', `/expenses/${lineId}/receipt`, tok.b)).status, 404);
  assert.equal((await call('GET', `/expenses/${line2}/receipt`, tok.ent)).status, 404, 'no receipt yet');
});

test('bank matching: unmatched lines with suggestions, one confirmed (invoice paid), stale or foreign refused', async () => {
  const draft = await call('POST', '/invoices', tok.a, {
    activityId: a.activityId,
    customerId: customerA,
    lines: [line],
  });
  const inv = await checked(draft, 'POST', '/invoices');
  for (const verb of ['submit', 'validate'])
    assert.equal((await call('POST', `/invoices/${inv.id}/${verb}`, tok.a)).status, 200);
  const validated = await checked(await call('GET', `/invoices/${inv.id}`, tok.a), 'GET', '/invoices/{id}');
  await withTenant(odb.db, a.coop.id, async (tx) => {
    const account = (await ensureMainAccount(tx, a.actor('accountant')))!;
    const xml = writeCamt053({
      messageId: 'API-MATCH',
      iban: account.iban,
      createdAt: `${todayParis()}T10:00:00`,
      entries: [
        {
          amountCents: validated.totalInclCents,
          bookingDate: addDays(todayParis(), -1),
          label: `VIR BOULANGERIE ALPHA FACTURE ${validated.number}`,
          counterpartyName: 'Boulangerie Alpha',
          bankRef: 'M-1',
        },
        { amountCents: -1234, bookingDate: addDays(todayParis(), -2), label: 'Frais divers', bankRef: 'M-2' },
      ],
    });
    await importStatement(tx, a.actor('accountant'), {
      accountId: account.id,
      fileName: 'releve.xml',
      bytes: Buffer.from(xml),
      autoMatch: false,
    });
  });
  const list = await call('GET', '/bank-lines/unmatched?limit=1', tok.a);
  assert.equal(list.status, 200);
  const page1 = await checked(list, 'GET', '/bank-lines/unmatched');
  assert.equal(page1.data.length, 1);
  assert.ok(page1.nextCursor, 'a second page');
  const item = page1.data[0];
  assert.equal(item.line.status, 'to_justify');
  assert.equal(item.line.amountCents, validated.totalInclCents);
  const best = item.suggestions[0];
  assert.ok(best, 'the invoice is suggested');
  assert.equal(best.targets[0].id, inv.id);
  const page2 = await checked(
    await call('GET', `/bank-lines/unmatched?limit=1&cursor=${page1.nextCursor}`, tok.a),
    'GET',
    '/bank-lines/unmatched',
  );
  assert.equal(page2.data[0].line.label, 'Frais divers');
  assert.equal(page2.nextCursor, null);

  // Staff only (the bank module's rule), whatever the token's scopes.
  assert.equal((await call('GET', '/bank-lines/unmatched', tok.ent)).status, 403);
  assert.equal(
    (await call('POST', `/bank-lines/${item.line.id}/match`, tok.ent, { suggestion: best.key })).status,
    403,
  );
  assert.equal(
    (await call('POST', `/bank-lines/${item.line.id}/match`, tok.quotesRead, { suggestion: best.key })).status,
    403,
  );
  const cross = await call('POST', `/bank-lines/${item.line.id}/match`, tok.b, { suggestion: best.key });
  assert.equal(cross.status, 404);
  await checked(cross, 'POST', '/bank-lines/{id}/match');
  const stale = await call('POST', `/bank-lines/${item.line.id}/match`, tok.a, { suggestion: 'invoice:x:1:' });
  assert.equal(stale.status, 422);

  // Software subscribed to payments hears of this one, as for a match made on the page.
  await withTenant(odb.db, a.coop.id, (tx) =>
    createSubscription(tx, a.actor('director'), {
      url: 'https://hooks.example.com/radieuse',
      events: ['payment.recorded', 'invoice.paid'],
    }),
  );
  const ok = await call('POST', `/bank-lines/${item.line.id}/match`, tok.a, { suggestion: best.key });
  assert.equal(ok.status, 200);
  assert.equal((await checked(ok, 'POST', '/bank-lines/{id}/match')).status, 'matched');
  const paid = await checked(await call('GET', `/invoices/${inv.id}`, tok.a), 'GET', '/invoices/{id}');
  assert.equal(paid.status, 'paid');
  const hooks = await apiDb(odb.db)
    .selectFrom('webhook_delivery')
    .select(['event', 'payload'])
    .where('cooperative_id', '=', a.coop.id)
    .execute();
  assert.deepEqual(hooks.map((h) => h.event).sort(), ['invoice.paid', 'payment.recorded']);
  assert.ok(JSON.stringify(hooks).includes(inv.id));
  const again = await call('POST', `/bank-lines/${item.line.id}/match`, tok.a, { suggestion: best.key });
  assert.equal(again.status, 422, 'already justified');
  const rest = await checked(await call('GET', '/bank-lines/unmatched', tok.a), 'GET', '/bank-lines/unmatched');
  assert.deepEqual(
    rest.data.map((x: { line: { label: string } }) => x.line.label),
    ['Frais divers'],
  );
  const entries = await apiDb(odb.db)
    .selectFrom('audit_log')
    .select(['action', 'actor_user_id'])
    .where('cooperative_id', '=', a.coop.id)
    .where('target_id', '=', item.line.id)
    .execute();
  assert.ok(entries.some((e) => e.action === 'bank.match_confirmed' && e.actor_user_id === a.users.director.id));
});

test('bank lines by hand: a line’s suggestions, matched to chosen invoices, ignored, justified to an account', async () => {
  const invoices: { id: string; number: string; totalInclCents: number }[] = [];
  for (let i = 0; i < 2; i++) {
    const draft = await checked(
      await call('POST', '/invoices', tok.a, { activityId: a.activityId, customerId: customerA, lines: [line] }),
      'POST',
      '/invoices',
    );
    for (const verb of ['submit', 'validate'])
      assert.equal((await call('POST', `/invoices/${draft.id}/${verb}`, tok.a)).status, 200);
    invoices.push(await checked(await call('GET', `/invoices/${draft.id}`, tok.a), 'GET', '/invoices/{id}'));
  }
  const [inv1, inv2] = invoices;
  const paidPart = 50000;
  await withTenant(odb.db, a.coop.id, async (tx) => {
    const account = (await ensureMainAccount(tx, a.actor('accountant')))!;
    const xml = writeCamt053({
      messageId: 'API-MANUAL',
      iban: account.iban,
      createdAt: `${todayParis()}T10:00:00`,
      entries: [
        {
          amountCents: inv1.totalInclCents + paidPart,
          bookingDate: addDays(todayParis(), -3),
          label: 'VIR BOULANGERIE ALPHA REGLEMENT',
          counterpartyName: 'Boulangerie Alpha',
          bankRef: 'H-1',
        },
        { amountCents: -1450, bookingDate: addDays(todayParis(), -3), label: 'FRAIS TENUE DE COMPTE', bankRef: 'H-2' },
        { amountCents: 777, bookingDate: addDays(todayParis(), -3), label: 'VIREMENT INTERNE', bankRef: 'H-3' },
      ],
    });
    await importStatement(tx, a.actor('accountant'), {
      accountId: account.id,
      fileName: 'releve-main.xml',
      bytes: Buffer.from(xml),
      autoMatch: false,
    });
  });
  const open = await checked(await call('GET', '/bank-lines?status=to_justify&limit=100', tok.a), 'GET', '/bank-lines');
  const byLabel = (l: string) => open.data.find((x: { label: string }) => x.label === l).id as string;
  const [received, fees, internal] = [
    byLabel('VIR BOULANGERIE ALPHA REGLEMENT'),
    byLabel('FRAIS TENUE DE COMPTE'),
    byLabel('VIREMENT INTERNE'),
  ];
  const bankMatches = async () =>
    (
      await apiDb(odb.db)
        .selectFrom('bank_match' as never)
        .select('transaction_id' as never)
        .where('cooperative_id' as never, '=', a.coop.id as never)
        .where('transaction_id' as never, 'in', [received, fees, internal] as never)
        .execute()
    ).length;

  // One line's suggestions, with the account recognised for the fees.
  const sug = await call('GET', `/bank-lines/${received}/suggestions`, tok.a);
  assert.equal(sug.status, 200);
  const s1 = await checked(sug, 'GET', '/bank-lines/{id}/suggestions');
  assert.equal(s1.line.id, received);
  assert.equal(s1.accountKind, null);
  for (const x of s1.suggestions) assert.ok(x.key && x.targets.length);
  const s2 = await checked(
    await call('GET', `/bank-lines/${fees}/suggestions`, tok.a),
    'GET',
    '/bank-lines/{id}/suggestions',
  );
  assert.equal(s2.accountKind, 'fees');

  // Refused, and nothing written: another cooperative (404), an entrepreneur (403), a lacking scope (403).
  const targets = [
    { type: 'invoice', id: inv1.id, amountCents: inv1.totalInclCents },
    { type: 'invoice', id: inv2.id, amountCents: paidPart },
  ];
  const attempts: [string, string, unknown][] = [
    ['GET', `/bank-lines/${received}/suggestions`, undefined],
    ['POST', `/bank-lines/${received}/manual-match`, { targets }],
    ['POST', `/bank-lines/${internal}/ignore`, undefined],
    ['POST', `/bank-lines/${fees}/justify`, { kind: 'fees' }],
  ];
  for (const [method, path, body] of attempts) {
    const template = path.replace(/[0-9a-f-]{36}/, '{id}');
    const cross = await call(method, path, tok.b, body);
    assert.equal(cross.status, 404, `${method} ${path} with another cooperative's token`);
    await checked(cross, method, template);
    const ent = await call(method, path, tok.ent, body);
    assert.equal(ent.status, 403, `${method} ${path} by an entrepreneur`);
    await checked(ent, method, template);
    const lacking = await call(method, path, method === 'GET' ? tok.quotesOnly : tok.quotesRead, body);
    assert.equal(lacking.status, 403, `${method} ${path} without its scope`);
    assert.equal((await checked(lacking, method, template)).type, 'https://radieuse.fr/problems/insufficient-scope');
  }
  assert.equal(await bankMatches(), 0);
  const still = await checked(
    await call('GET', '/bank-lines?status=to_justify&limit=100', tok.a),
    'GET',
    '/bank-lines',
  );
  for (const id of [received, fees, internal])
    assert.ok(
      still.data.some((x: { id: string }) => x.id === id),
      'the line is still to justify',
    );
  for (const inv of [inv1, inv2])
    assert.equal(
      (await checked(await call('GET', `/invoices/${inv.id}`, tok.a), 'GET', '/invoices/{id}')).paidCents,
      0,
    );

  // Malformed bodies (400) and business rules (422), each message beside its field.
  const malformed = await call('POST', `/bank-lines/${received}/manual-match`, tok.a, {
    targets: [{ type: 'robot', id: inv1.id, amountCents: -5 }],
  });
  assert.equal(malformed.status, 400);
  const m = await checked(malformed, 'POST', '/bank-lines/{id}/manual-match');
  assert.ok(m.errors['targets.0.type'] && m.errors['targets.0.amountCents'], JSON.stringify(m.errors));
  const empty = await call('POST', `/bank-lines/${received}/manual-match`, tok.a, { targets: [] });
  assert.equal(empty.status, 400);
  assert.match((await checked(empty, 'POST', '/bank-lines/{id}/manual-match')).errors.targets, /au moins une pièce/);
  const rules: [unknown, RegExp][] = [
    [[targets[0]], /égale au montant de la ligne/],
    [[targets[0], { ...targets[1], amountCents: inv2.totalInclCents + 1 }], /au plus le reste dû/],
    [[targets[0], { ...targets[1], type: 'supplier_invoice' }], /introuvable ou déjà soldé/],
  ];
  for (const [t, msg] of rules) {
    const r = await call('POST', `/bank-lines/${received}/manual-match`, tok.a, { targets: t });
    assert.equal(r.status, 422);
    assert.match((await checked(r, 'POST', '/bank-lines/{id}/manual-match')).errors.targets, msg);
  }
  const wrongWay = await call('POST', `/bank-lines/${received}/justify`, tok.a, { kind: 'fees' });
  assert.equal(wrongWay.status, 422, 'a credit is never a fee');
  assert.ok((await checked(wrongWay, 'POST', '/bank-lines/{id}/justify')).errors.kind);
  const unknownKind = await call('POST', `/bank-lines/${fees}/justify`, tok.a, { kind: 'lottery' });
  assert.equal(unknownKind.status, 400);
  assert.ok((await checked(unknownKind, 'POST', '/bank-lines/{id}/justify')).errors.kind);
  assert.equal(await bankMatches(), 0);

  // Matched by hand: the first invoice paid, the second in part; the line no longer suggests anything.
  const ok = await call('POST', `/bank-lines/${received}/manual-match`, tok.a, { targets });
  assert.equal(ok.status, 200);
  assert.equal((await checked(ok, 'POST', '/bank-lines/{id}/manual-match')).status, 'matched');
  const paid1 = await checked(await call('GET', `/invoices/${inv1.id}`, tok.a), 'GET', '/invoices/{id}');
  const paid2 = await checked(await call('GET', `/invoices/${inv2.id}`, tok.a), 'GET', '/invoices/{id}');
  assert.equal(paid1.status, 'paid');
  assert.equal(paid2.status, 'partly_paid');
  assert.equal(paid2.paidCents, paidPart);
  assert.equal(paid2.dueCents, inv2.totalInclCents - paidPart);
  const again = await call('POST', `/bank-lines/${received}/manual-match`, tok.a, { targets });
  assert.equal(again.status, 422, 'already justified');
  const after = await checked(
    await call('GET', `/bank-lines/${received}/suggestions`, tok.a),
    'GET',
    '/bank-lines/{id}/suggestions',
  );
  assert.deepEqual([after.line.status, after.suggestions, after.accountKind], ['matched', [], null]);

  // Ignored, and justified to the fees account: once each.
  const ignored = await call('POST', `/bank-lines/${internal}/ignore`, tok.a);
  assert.equal(ignored.status, 200);
  assert.equal((await checked(ignored, 'POST', '/bank-lines/{id}/ignore')).status, 'ignored');
  assert.equal((await call('POST', `/bank-lines/${internal}/ignore`, tok.a)).status, 422);
  const posted = await call('POST', `/bank-lines/${fees}/justify`, tok.a, { kind: 'fees' });
  assert.equal(posted.status, 200);
  assert.equal((await checked(posted, 'POST', '/bank-lines/{id}/justify')).status, 'matched');
  assert.equal((await call('POST', `/bank-lines/${fees}/justify`, tok.a, { kind: 'fees' })).status, 422);
  assert.equal(await bankMatches(), 3, 'two invoices and the fees entry');
  const byAction = async (action: string, id: string) => (await audited(action, id)).map((e) => e.actor_user_id);
  assert.deepEqual(await byAction('bank.match_manual', received), [a.users.director.id]);
  assert.deepEqual(await byAction('bank.line_ignored', internal), [a.users.director.id]);
  assert.deepEqual(await byAction('bank.line_posted_to_account', fees), [a.users.director.id]);
});

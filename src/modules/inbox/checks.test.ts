import { sql } from 'kysely';
// Each invoice check on a positive and a negative case; batch validation validates only clean
// invoices; an exception needs a written reason, kept in the audit log; thresholds per cooperative.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { inboxDb, type TenantTx as Tx } from './db.ts';
import { todayParis, addDays } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';
import type { OpenDb } from '../../core/db/index.ts';

import {
  createCustomer,
  createDraft,
  submitInvoice,
  validateInvoice,
  getInvoice,
  type InvoiceDraftInput,
  type CustomerInput,
} from '../sales/index.ts';
import { companyCustomerInput, invoiceLineInput } from '../sales/testing.ts';
import { runChecks, thresholdsOf } from './index.ts';
import { validationQueue, validateBatch, validateException, saveThresholds } from './validation.ts';

let odb: OpenDb;
let A: TestCoop;
const today = todayParis();
const tx = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, A.coop.id, fn);
const ent = () => A.actor('entrepreneur');
const sup = () => A.actor('support');
let n = 0;
const customer = async (over: Partial<CustomerInput> = {}) =>
  (await tx((trx) => createCustomer(trx, ent(), companyCustomerInput(`4${String(++n).padStart(7, '0')}`, over)))).id;
const line = invoiceLineInput;
const draft = (customerId: string, cents: number, over: Partial<InvoiceDraftInput> = {}) =>
  tx((trx) => createDraft(trx, ent(), { activityId: A.activityId, customerId, lines: [line(cents)], ...over }));
const findings = async (id: string) => (await tx((trx) => runChecks(trx, sup(), 'invoice', id))).map((f) => f.checkId);
async function validated(customerId: string, cents: number) {
  const d = await draft(customerId, cents);
  await tx((trx) => validateInvoice(trx, sup(), d.id));
  return d.id;
}

before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});

test('buyer identifier: a foreign company without SIREN nor VAT number is flagged; with a VAT number it is not', async () => {
  const bad = await draft(
    await customer({
      name: 'Bruxelles SPRL',
      siren: null,
      vatNumber: null,
      countryCode: 'BE',
      postalCode: '1000',
      city: 'Bruxelles',
    }),
    10000,
  );
  const ok = await draft(
    await customer({
      name: 'Gand SPRL',
      siren: null,
      vatNumber: 'BE0123456749',
      countryCode: 'BE',
      postalCode: '9000',
      city: 'Gand',
    }),
    10000,
  );
  const fr = await draft(await customer(), 10000);
  assert.ok((await findings(bad.id)).includes('invoice.buyer-id'));
  assert.ok(!(await findings(ok.id)).includes('invoice.buyer-id'));
  assert.ok(!(await findings(fr.id)).includes('invoice.buyer-id'));
  const f = (await tx((trx) => runChecks(trx, sup(), 'invoice', bad.id))).find(
    (x) => x.checkId === 'invoice.buyer-id',
  )!;
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /ni SIREN ni numéro de TVA/);
});

test('amount outlier: more than 10× the median of ≥3 validated invoices of this customer', async () => {
  const c = await customer();
  const early = await draft(c, 500000);
  assert.ok(!(await findings(early.id)).includes('invoice.amount-outlier'), 'no history → no judgement');
  for (const cents of [10000, 12000, 11000]) await validated(c, cents);
  const big = await draft(c, 200000); // 2 400 € TTC vs usual 132 €
  const normal = await draft(c, 100000); // 1 200 € TTC ≤ 10 × 132 €
  assert.ok((await findings(big.id)).includes('invoice.amount-outlier'));
  assert.ok(!(await findings(normal.id)).includes('invoice.amount-outlier'));
  const msg = (await tx((trx) => runChecks(trx, sup(), 'invoice', big.id))).find(
    (x) => x.checkId === 'invoice.amount-outlier',
  )!.message;
  assert.match(msg, /plus de 10 fois le montant habituel/);
  // per-cooperative threshold: the director raises the factor to 20 → no longer flagged
  await tx((trx) =>
    saveThresholds(trx, A.actor('director'), { outlierFactor: '20', outlierMinHistory: '3', duplicateDays: '7' }),
  );
  assert.equal((await tx((trx) => thresholdsOf(trx, A.coop.id))).outlierFactor, 20);
  assert.ok(!(await findings(big.id)).includes('invoice.amount-outlier'));
  await assert.rejects(
    tx((trx) =>
      saveThresholds(trx, A.actor('director'), { outlierFactor: '1', outlierMinHistory: '3', duplicateDays: '7' }),
    ),
    (e) => e instanceof UserError && !!e.fields.outlierFactor,
  );
  await assert.rejects(
    tx((trx) => saveThresholds(trx, sup(), { outlierFactor: '5', outlierMinHistory: '3', duplicateDays: '7' })),
  );
  await tx((trx) =>
    saveThresholds(trx, A.actor('director'), { outlierFactor: '10', outlierMinHistory: '3', duplicateDays: '7' }),
  );
});

test('VAT rate unusual for the activity; usual rate is not flagged', async () => {
  const c = await customer();
  const odd = await draft(c, 10000, { lines: [line(10000, { vatRateBp: 550 })] });
  const usual = await draft(c, 10000, { lines: [line(10000)] });
  // the activity has ≥ 3 validated invoices at 20 % from the previous test
  assert.ok((await findings(odd.id)).includes('invoice.vat-unusual'));
  assert.ok(!(await findings(usual.id)).includes('invoice.vat-unusual'));
  const msg = (await tx((trx) => runChecks(trx, sup(), 'invoice', odd.id))).find(
    (x) => x.checkId === 'invoice.vat-unusual',
  )!.message;
  assert.match(msg, /TVA à 5,5 %/);
});

test('due date beyond the legal limit is blocking; within it is fine', async () => {
  const c = await customer();
  const ok = await draft(c, 7000, { issueDate: today, dueDate: addDays(today, 60) });
  assert.ok(!(await findings(ok.id)).includes('invoice.due-date-legal'));
  // The editor refuses such a date; data imported from elsewhere may still carry one.
  const bad = await draft(c, 7100);
  await sql`update invoice set due_date = ${addDays(today, 90)} where id = ${bad.id}`.execute(odb.db);
  const f = (await tx((trx) => runChecks(trx, sup(), 'invoice', bad.id))).find(
    (x) => x.checkId === 'invoice.due-date-legal',
  );
  assert.equal(f?.severity, 'blocking');
  assert.match(f!.message, /90 jours/);
});

test('duplicate: same customer, same total within 7 days; a different amount is not', async () => {
  const c = await customer();
  const first = await draft(c, 33300);
  const second = await draft(c, 33300);
  const other = await draft(c, 33400);
  assert.ok((await findings(second.id)).includes('invoice.duplicate'));
  assert.ok((await findings(first.id)).includes('invoice.duplicate'), 'both sides of the pair');
  assert.ok(!(await findings(other.id)).includes('invoice.duplicate'));
  const far = await draft(c, 33300, { issueDate: addDays(today, -30) });
  const farFindings = await tx((trx) => runChecks(trx, sup(), 'invoice', far.id));
  assert.ok(!farFindings.some((f) => f.checkId === 'invoice.duplicate'), '30 days apart is not a duplicate');
});

test('queue: batch validation validates only clean invoices; an exception needs a reason and is audited', async () => {
  // fresh customers so earlier drafts do not interfere
  const c1 = await customer();
  const c2 = await customer();
  const clean = await draft(c1, 45600);
  await tx((trx) => submitInvoice(trx, ent(), clean.id));
  const dup1 = await draft(c2, 78900);
  await tx((trx) => submitInvoice(trx, ent(), dup1.id));
  const dup2 = await draft(c2, 78900);
  await tx((trx) => submitInvoice(trx, ent(), dup2.id));
  const q = await tx((trx) => validationQueue(trx, sup()));
  assert.ok(q.ready.some((e) => e.invoice.id === clean.id));
  const review = q.review.find((e) => e.invoice.id === dup1.id);
  assert.ok(review?.findings.some((f) => f.checkId === 'invoice.duplicate'));
  // a crafted batch including an exception validates only the clean one
  const r = await validateBatch(odb.db, sup(), [clean.id, dup1.id]);
  assert.deepEqual(r.validated, [clean.id]);
  assert.equal(r.skipped.length, 1);
  assert.equal((await tx((trx) => getInvoice(trx, sup(), clean.id)))!.status, 'validated');
  assert.equal((await tx((trx) => getInvoice(trx, sup(), dup1.id)))!.status, 'submitted');
  const batchAudit = await inboxDb(odb.db)
    .selectFrom('audit_log')
    .select('action')
    .where('target_id', '=', clean.id)
    .execute();
  assert.ok(batchAudit.some((a) => a.action === 'validation.batch'));

  await assert.rejects(
    tx((trx) => validateException(trx, sup(), dup1.id, 'ok')),
    (e) => e instanceof UserError && e.field === 'reason',
  );
  assert.equal((await tx((trx) => getInvoice(trx, sup(), dup1.id)))!.status, 'submitted', 'nothing written');
  const v = await tx((trx) =>
    validateException(trx, sup(), dup1.id, 'Deux ateliers distincts le même mois, confirmé par téléphone.'),
  );
  assert.ok(v.number);
  const a = await inboxDb(odb.db)
    .selectFrom('audit_log')
    .select(['action', 'data'])
    .where('target_id', '=', dup1.id)
    .where('action', '=', 'validation.exception')
    .executeTakeFirstOrThrow();
  const data = a.data as { reason?: string; findings?: { check: string }[] };
  assert.match(String(data.reason), /Deux ateliers distincts/);
  assert.equal(data.findings?.[0]?.check, 'invoice.duplicate');
  await assert.rejects(
    tx((trx) => validationQueue(trx, ent())),
    /accès/,
  );
});

test('an exception with a blocking finding cannot be validated, even with a reason', async () => {
  const c = await customer();
  const d = await draft(c, 9100);
  await tx((trx) => submitInvoice(trx, ent(), d.id));
  await sql`update invoice set due_date = ${addDays(today, 120)} where id = ${d.id}`.execute(odb.db);
  await assert.rejects(
    tx((trx) => validateException(trx, sup(), d.id, 'Le client a demandé ce délai exceptionnel.')),
    /ne peut pas être validée/,
  );
  const r = await validateBatch(odb.db, sup(), [d.id]);
  assert.deepEqual(r.validated, []);
});

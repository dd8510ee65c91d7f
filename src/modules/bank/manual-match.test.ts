// Matching by hand through the page (/banque/lignes/:id/rapprocher): the search of open
// documents, the grouped and partial payments it records, the messages beside the list when the
// choice is wrong (nothing written), and who may use it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { todayParis } from '../../core/dates.ts';
import {
  createCustomer,
  createDraft,
  getInvoice,
  submitInvoice,
  validateInvoice,
  type Invoice,
} from '../sales/index.ts';
import { ensureMainAccount, importStatement, listToJustify } from './bank.service.ts';
import { writeCamt053 } from './camt-writer.ts';
import { matchCandidates } from './manual-match.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let A: TestCoop;
let B: TestCoop;
before(async () => {
  const t = await createTestApp();
  odb = t.odb;
  app = t.app;
  [A, B] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb?.close();
});

const today = todayParis();
const tenant = <T>(fn: (trx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>, coop = A) =>
  withTenant(odb.db, coop.coop.id, fn);

const customers = new Map<string, { id: string }>();
async function invoice(customerName: string, unitCents: number, coop = A): Promise<Invoice> {
  return tenant(async (trx) => {
    const support = coop.actor('support');
    const known = customers.get(`${coop.coop.id}:${customerName}`);
    const c =
      known ??
      (await createCustomer(trx, support, {
        kind: 'individual',
        name: customerName,
        email: 'compta@exemple.fr',
        addressLine1: '3 rue des Tests',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      } as Parameters<typeof createCustomer>[2]));
    customers.set(`${coop.coop.id}:${customerName}`, c);
    const d = await createDraft(trx, support, {
      activityId: coop.activityId,
      customerId: c.id,
      lines: [
        {
          description: 'Prestation',
          quantityMilli: 1000,
          unitPriceCents: unitCents,
          vatCategory: 'S',
          vatRateBp: 2000,
          nature: 'services',
        },
      ],
    });
    await submitInvoice(trx, support, d.id);
    return validateInvoice(trx, support, d.id);
  }, coop);
}

let ref = 0;
/** Imports one statement line that names no document (nothing is matched automatically). */
async function line(amountCents: number, label: string, coop = A): Promise<string> {
  return tenant(async (trx) => {
    const accountant = coop.actor('accountant');
    const acc = (await ensureMainAccount(trx, accountant))!;
    const bankRef = `M${++ref}`;
    await importStatement(trx, accountant, {
      accountId: acc.id,
      bytes: Buffer.from(
        writeCamt053({
          messageId: `MM-${bankRef}`,
          iban: coop.coop.iban!,
          createdAt: `${today}T08:00:00`,
          entries: [{ amountCents, bookingDate: today, label, bankRef }],
        }),
      ),
    });
    const { items } = await listToJustify(trx, accountant, { limit: 500 });
    return items.find((x) => x.tx.label === label)!.tx.id;
  }, coop);
}

async function signedIn(coop: TestCoop, role: 'accountant' | 'entrepreneur') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const cents = (c: number) => `${Math.trunc(c / 100)},${String(c % 100).padStart(2, '0')}`;

test('the search finds open invoices by number, customer or exact amount, of the line’s direction only', async () => {
  const a = await invoice('Atelier Rivière Bleue', 10000);
  const b = await invoice('Menuiserie Chêne Vert', 25000);
  const credit = await line(a.totalInclCents, 'VIREMENT ORDRE PARTICULIER');
  const debit = await line(-4200, 'PRELEVEMENT SANS NOM');
  const ids = async (id: string, q: string) =>
    (await tenant((trx) => matchCandidates(trx, A.actor('accountant'), id, { q }))).items.map((x) => x.item.id);

  assert.deepEqual(
    (await ids(credit, a.number!)).filter((x) => x === a.id || x === b.id),
    [a.id],
  );
  assert.ok((await ids(credit, 'riviere bleue')).includes(a.id), 'accents and case forgiven');
  assert.ok(!(await ids(credit, 'riviere bleue')).includes(b.id));
  assert.ok((await ids(credit, cents(b.totalInclCents))).includes(b.id), 'an exact amount finds the invoice');
  const all = await ids(credit, '');
  assert.equal(all[0], a.id, 'the invoice of the line’s exact amount comes first');
  assert.ok(!(await ids(debit, '')).includes(a.id), 'a debit line is never offered a customer invoice');
  await assert.rejects(tenant((trx) => matchCandidates(trx, A.actor('entrepreneur'), credit, {})));
});

test('a grouped payment chosen by hand settles both invoices; a wrong sum comes back beside the list', async () => {
  const a = await invoice('Librairie des Quais', 12000);
  const b = await invoice('Librairie des Quais', 8000);
  const id = await line(a.totalInclCents + b.totalInclCents, 'VIR GROUPE CLIENT');
  const acc = await signedIn(A, 'accountant');
  const url = `/banque/lignes/${id}/rapprocher`;

  const bank = await acc.get('/banque');
  assert.ok(bank.html.includes(`href="${url}"`), 'the bank page links each line to be justified to the page');
  const page = await acc.get(`${url}?q=${encodeURIComponent('librairie des quais')}`);
  assert.equal(page.res.status, 200);
  assert.ok(page.html.includes(a.number!) && page.html.includes(b.number!));

  const none = await acc.post(url, { q: '' });
  assert.equal(none.res.status, 422);
  assert.match(none.html, /role="alert">\s*Cochez au moins un document/);

  const keyA = `invoice:${a.id}`;
  const keyB = `invoice:${b.id}`;
  const wrong = await acc.post(url, {
    doc: [keyA, keyB],
    [`montant:${keyA}`]: cents(a.totalInclCents),
    [`montant:${keyB}`]: cents(b.totalInclCents - 100),
    q: 'librairie des quais',
  });
  assert.equal(wrong.res.status, 422);
  assert.match(wrong.html, /La somme rapprochée doit être égale au montant de la ligne bancaire/);
  assert.ok(wrong.html.includes(`value="${cents(b.totalInclCents - 100)}"`), 'the amount typed is kept');
  assert.match(wrong.html, new RegExp(`value="${keyB}"[^>]*checked`), 'the ticked document stays ticked');
  assert.equal((await tenant((trx) => getInvoice(trx, A.actor('accountant'), b.id)))!.paidCents, 0, 'nothing written');

  const ok = await acc.post(url, {
    doc: [keyA, keyB],
    [`montant:${keyA}`]: cents(a.totalInclCents),
    [`montant:${keyB}`]: cents(b.totalInclCents),
  });
  assert.equal(ok.res.status, 303);
  for (const inv of [a, b])
    assert.equal((await tenant((trx) => getInvoice(trx, A.actor('accountant'), inv.id)))!.status, 'paid');
  const again = await acc.get(url);
  assert.equal(again.res.status, 303, 'a justified line sends back to the bank page');
});

test('a partial amount records a partial payment; bad amounts and unknown documents are refused', async () => {
  const a = await invoice('Traiteur Saveurs', 30000);
  const id = await line(5000, 'ACOMPTE SAVEURS');
  const acc = await signedIn(A, 'accountant');
  const url = `/banque/lignes/${id}/rapprocher`;
  const key = `invoice:${a.id}`;
  const bad = await acc.post(url, { doc: key, [`montant:${key}`]: 'cinquante' });
  assert.equal(bad.res.status, 422);
  assert.match(bad.html, /Indiquez un montant positif/);
  const forged = await acc.post(url, { doc: 'invoice:not-a-uuid', 'montant:invoice:not-a-uuid': '50,00' });
  assert.equal(forged.res.status, 422);
  assert.match(forged.html, /Document introuvable/);
  const ok = await acc.post(url, { doc: key, [`montant:${key}`]: '50,00' });
  assert.equal(ok.res.status, 303);
  const after = (await tenant((trx) => getInvoice(trx, A.actor('accountant'), a.id)))!;
  assert.equal(after.status, 'partly_paid');
  assert.equal(after.paidCents, 5000);
});

test('only the cooperative’s bank staff reach a line, never another cooperative’s', async () => {
  const theirs = await line(1234, 'LIGNE DE B', B);
  const mine = await line(4321, 'LIGNE DE A');
  const acc = await signedIn(A, 'accountant');
  assert.equal((await acc.get(`/banque/lignes/${theirs}/rapprocher`)).res.status, 404);
  const ent = await signedIn(A, 'entrepreneur');
  assert.equal((await ent.get(`/banque/lignes/${mine}/rapprocher`)).res.status, 403);
  const bInv = await invoice('Client de B', 1000, B);
  const key = `invoice:${bInv.id}`;
  const r = await acc.post(`/banque/lignes/${mine}/rapprocher`, { doc: key, [`montant:${key}`]: '12,00' });
  assert.equal(r.res.status, 422, 'another cooperative’s invoice is not found');
  assert.equal((await tenant((trx) => getInvoice(trx, B.actor('accountant'), bInv.id), B))!.paidCents, 0);
});

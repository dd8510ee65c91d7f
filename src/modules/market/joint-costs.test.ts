// The costs of a joint job: a supplier invoice approved under the activity that bought is shared
// between the parts by the parts' keys; the ledger moves the partners' shares (read back through
// the activity accounts and the trial balance, with `radieuse check` clean); the shares add up to
// the invoice's charge to the cent. The joint job's page lists and shares them over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runIntegrity, seedTestCooperatives, testConfig, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { todayParis } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { createUser } from '../../core/auth/users.ts';
import { addMembership, createActivity } from '../directory/index.ts';
import { createCustomer } from '../sales/index.ts';
import { approveSupplierInvoice, createSupplier, createSupplierInvoice } from '../purchases/index.ts';
import { activityAccount, trialBalance } from '../ledger/index.ts';
import { createJointQuote, splitProRata } from './joint.service.ts';
import { attachJointCost, jointCosts } from './joint-costs.service.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
let partner: Actor; // runs PART1 in cooperative a
let partnerEmail = '';
let partnerActivity = '';
let thirdActivity = '';
let jointId = '';
const TODAY = todayParis();
const YEAR = Number(TODAY.slice(0, 4));
const tx = <T>(coop: TestCoop, fn: (t: Tx) => Promise<T>) =>
  withTenant(odb.db, coop.coop.id, fn as never) as Promise<T>;
const costs = (code: string) =>
  tx(a, (t) => activityAccount(t, a.actor('accountant'), code, YEAR)).then((x) => x.total.costsCents);

before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb, { withPasswords: true });
  partnerEmail = `partenaire-${a.coop.slug}@example.org`;
  const u = await createUser(odb.db, { email: partnerEmail, displayName: 'Paule Partenaire', password: TEST_PASSWORD });
  await addMembership(odb.db, a.coop.id, u.id, 'entrepreneur');
  partner = { ...a.actor('entrepreneur'), userId: u.id as UserId, label: 'partner' };
  await tx(a, async (t) => {
    partnerActivity = (
      await createActivity(t, a.actor('director'), {
        name: 'Menuiserie Paule',
        analyticCode: 'PART1',
        ownerIds: [u.id],
      })
    ).id;
    thirdActivity = (await createActivity(t, a.actor('director'), { name: 'Peinture Tiers', analyticCode: 'TIERS' }))
      .id;
  });
  const ent = a.actor('entrepreneur');
  const customer = await tx(a, (t) =>
    createCustomer(t as never, ent, {
      kind: 'individual',
      name: 'Claire Client',
      email: 'claire@example.org',
      addressLine1: '3 rue du Port',
      postalCode: '69003',
      city: 'Lyon',
      countryCode: 'FR',
    }),
  );
  jointId = (
    await tx(a, (t) =>
      createJointQuote(t, ent, {
        customerId: customer.id,
        title: 'Rénovation de cuisine',
        parts: [
          { activityId: a.activityId, description: 'Plomberie et électricité', amount: '1000' },
          { activityId: partnerActivity, description: 'Meubles sur mesure', amount: '600' },
          { activityId: thirdActivity, description: 'Peinture des murs', amount: '4' },
        ],
      }),
    )
  ).id;
});
after(async () => {
  await odb.close();
});

/** A supplier invoice of `cents` excl. VAT charged to the given activities, by `who`. */
async function supplierInvoice(
  who: Actor,
  number: string,
  splits: { activityId: string; exclCents: number }[],
  opts: { approve?: boolean } = { approve: true },
) {
  const total = splits.reduce((t, s) => t + s.exclCents, 0);
  const inv = await tx(a, async (t) => {
    const s = await createSupplier(t, who, { name: `Matériaux ${number}` });
    return createSupplierInvoice(t, who, {
      supplierId: s.id,
      supplierNumber: number,
      issueDate: TODAY,
      account: '604',
      lines: [{ description: 'Fournitures du chantier', vatRateBp: 2000, exclCents: total }],
      splits,
      submit: true,
    });
  });
  if (opts.approve) await tx(a, (t) => approveSupplierInvoice(t, a.actor('support'), inv.id));
  return inv;
}

test('the rounding rule: remainders to the largest fractions, ties to the earlier part; always the exact total', () => {
  // 1 000,01 € on keys 1 000 / 600 / 4 €: 623,447… / 374,068… / 2,493… → 623,45 / 374,07 / 2,49.
  assert.deepEqual(splitProRata(100001, [100000, 60000, 400]), [62345, 37407, 249]);
  // 50 € on the same keys: 31,172… / 18,703… / 0,124… → the remainder cent goes to the third.
  assert.deepEqual(splitProRata(5000, [100000, 60000, 400]), [3117, 1870, 13]);
  assert.deepEqual(splitProRata(2, [1, 1, 1]), [1, 1, 0]);
  assert.deepEqual(splitProRata(-100, [1, 1, 1]), [-34, -33, -33]);
  // Amounts whose products pass 2^53: exact in BigInt, still the exact total.
  const big = splitProRata(99_999_999, [99_999_997, 99_999_989, 7]);
  assert.equal(
    big.reduce((t, x) => t + x, 0),
    99_999_999,
  );
  for (let n = 0; n < 500; n++) {
    const total = (n * 7919) % 100_003;
    const w = [(n * 31) % 997, (n * 17) % 89, 1 + (n % 5)];
    const s = splitProRata(total, w);
    assert.equal(
      s.reduce((t, x) => t + x, 0),
      total,
    );
    assert.ok(s.every((x) => x >= 0));
  }
});

test('a supplier invoice of the job is shared by the parts’ keys: each activity account shows its share', async () => {
  const ent = a.actor('entrepreneur');
  const draft = await supplierInvoice(ent, 'BRUT-1', [{ activityId: a.activityId, exclCents: 1000 }], {
    approve: false,
  });
  const own = await supplierInvoice(ent, 'MAT-2026-001', [{ activityId: a.activityId, exclCents: 100001 }]);
  const both = await supplierInvoice(a.actor('director'), 'MIX-1', [
    { activityId: a.activityId, exclCents: 700 },
    { activityId: partnerActivity, exclCents: 300 },
  ]);
  const field = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.fields.supplierInvoiceId ?? '');
  // Refusals: not approved yet (not in the ledger); already split between two activities of the
  // job; the partner may not share the lead's purchase; the accountant has no such action; another
  // cooperative does not find the job.
  await assert.rejects(
    tx(a, (t) => attachJointCost(t, ent, jointId, { supplierInvoiceId: draft.id })),
    field(/approuvée/),
  );
  await assert.rejects(
    tx(a, (t) => attachJointCost(t, a.actor('director'), jointId, { supplierInvoiceId: both.id })),
    field(/une seule des activités/),
  );
  await assert.rejects(
    tx(a, (t) => attachJointCost(t, partner, jointId, { supplierInvoiceId: own.id })),
    field(/introuvable/),
  );
  await assert.rejects(
    tx(a, (t) => attachJointCost(t, a.actor('accountant'), jointId, { supplierInvoiceId: own.id })),
    ForbiddenError,
  );
  await assert.rejects(
    tx(b, (t) => attachJointCost(t, b.actor('director'), jointId, { supplierInvoiceId: own.id })),
    NotFoundError,
  );
  await assert.rejects(
    tx(a, (t) => attachJointCost(t, ent, jointId, { supplierInvoiceId: 'pas-un-id' })),
    field(/Choisissez la facture/),
  );
  assert.equal(await costs(a.analyticCode), 100001 + 700);
  assert.equal(await costs('PART1'), 300);

  // The lead shares its purchase: 1 000,01 € → 623,45 / 374,07 / 2,49 €.
  const shared = await tx(a, (t) => attachJointCost(t, ent, jointId, { supplierInvoiceId: own.id }));
  assert.deepEqual(
    shared.shares.map((s) => s.cents),
    [62345, 37407, 249],
  );
  assert.equal(await costs(a.analyticCode), 62345 + 700);
  assert.equal(await costs('PART1'), 37407 + 300);
  assert.equal(await costs('TIERS'), 249);
  await assert.rejects(
    tx(a, (t) => attachJointCost(t, ent, jointId, { supplierInvoiceId: own.id })),
    field(/déjà partagée/),
  );

  // The partner shares its own purchase for the job: 50 € → 31,17 / 18,70 / 0,13 €.
  const paint = await supplierInvoice(partner, 'PEINT-7', [{ activityId: partnerActivity, exclCents: 5000 }]);
  await tx(a, (t) => attachJointCost(t, partner, jointId, { supplierInvoiceId: paint.id }));
  assert.equal(await costs(a.analyticCode), 62345 + 3117 + 700);
  assert.equal(await costs('PART1'), 37407 + 1870 + 300);
  assert.equal(await costs('TIERS'), 249 + 13);
  // The three activities' job costs add up to the two invoices, to the cent.
  assert.equal(62345 + 3117 + 37407 + 1870 + 249 + 13, 100001 + 5000);

  // The ledger: 604 still holds the purchases once (the split moves, it adds nothing); the
  // partners' shares were credited from the payers' codes; every entry balanced, activity
  // accounts = ledger.
  const tb = await tx(a, (t) => trialBalance(t, a.actor('accountant'), `${YEAR}-01-01`, `${YEAR}-12-31`));
  const c604 = tb.find((r) => r.account === '604')!;
  assert.equal(c604.debitCents - c604.creditCents, 100001 + 1000 + 5000);
  assert.equal(c604.creditCents, 37407 + 249 + 3117 + 13);
  assert.equal(
    tb.reduce((t, r) => t + r.debitCents, 0),
    tb.reduce((t, r) => t + r.creditCents, 0),
  );
  assert.deepEqual(await runIntegrity(odb, { fileKey: testConfig().fileKey, cooperative: a.coop }), []);

  // What the job's page reads: both invoices, shares in the parts' order; the partner does not
  // read the lead's supplier invoice (purchases' rule) but sees its amount and shares.
  const view = await tx(a, (t) => jointCosts(t, ent, jointId));
  assert.deepEqual(
    view.costs.map((c) => [c.amountExclCents, c.shares.map((s) => s.cents)]),
    [
      [100001, [62345, 37407, 249]],
      [5000, [3117, 1870, 13]],
    ],
  );
  const seenByPartner = await tx(a, (t) => jointCosts(t, partner, jointId));
  assert.equal(seenByPartner.costs[0].supplierNumber, '');
  assert.equal(seenByPartner.costs[1].supplierNumber, 'PEINT-7');
  await assert.rejects(
    tx(b, (t) => jointCosts(t, b.actor('director'), jointId)),
    NotFoundError,
  );
});

test('the joint job’s page over HTTP: parts, keys, shared purchases, the share form with its errors', async () => {
  const ent = a.actor('entrepreneur');
  const inv = await supplierInvoice(ent, 'LOC-88', [{ activityId: a.activityId, exclCents: 33333 }]);
  const web = new TestClient(app);
  await web.signIn(a.users.entrepreneur.email, TEST_PASSWORD);
  const list = await web.get('/ma-vitrine/cotraitance');
  assert.ok(list.html.includes(`/ma-vitrine/cotraitance/${jointId}`));
  const page = await web.get(`/ma-vitrine/cotraitance/${jointId}`);
  assert.equal(page.res.status, 200);
  for (const s of ['Rénovation de cuisine', 'Menuiserie Paule', '62,3 %', '37,4 %', '0,2 %', 'MAT-2026-001', 'LOC-88'])
    assert.ok(page.html.includes(s), s);
  // Offered to share: the lead's new purchase; not the partner's (PART1 is not the lead's).
  assert.ok(page.html.includes(`value="${inv.id}"`));
  const bad = await web.post(`/ma-vitrine/cotraitance/${jointId}/charges`, { supplierInvoiceId: '' });
  assert.equal(bad.res.status, 400);
  assert.ok(bad.html.includes('Choisissez la facture fournisseur'));
  const ok = await web.post(`/ma-vitrine/cotraitance/${jointId}/charges`, { supplierInvoiceId: inv.id });
  assert.equal(ok.res.status, 303);
  // 333,33 € on 1 000 / 600 / 4 € → 207,81 / 124,69 / 0,83 €.
  assert.deepEqual(splitProRata(33333, [100000, 60000, 400]), [20781, 12469, 83]);
  const after = (await web.get(`/ma-vitrine/cotraitance/${jointId}`)).html;
  for (const c of [20781, 12469, 83, 62345 + 3117 + 20781]) assert.ok(after.includes(formatEuros(c)), formatEuros(c));
  assert.equal(await costs('TIERS'), 249 + 13 + 83);
  // Twice: refused beside the field (the invoice is no longer offered).
  const again = await web.post(`/ma-vitrine/cotraitance/${jointId}/charges`, { supplierInvoiceId: inv.id });
  assert.equal(again.res.status, 400);
  assert.ok(again.html.includes('déjà partagée'));

  // Another cooperative's director: 404 on the page and the form; the accountant: 403.
  const other = new TestClient(app);
  await other.signIn(b.users.director.email, TEST_PASSWORD);
  assert.equal((await other.get(`/ma-vitrine/cotraitance/${jointId}`)).res.status, 404);
  assert.equal(
    (await other.post(`/ma-vitrine/cotraitance/${jointId}/charges`, { supplierInvoiceId: inv.id })).res.status,
    404,
  );
  const acc = new TestClient(app);
  await acc.signIn(a.users.accountant.email, TEST_PASSWORD);
  assert.equal((await acc.get(`/ma-vitrine/cotraitance/${jointId}`)).res.status, 403);
  // The partner reads the page (a part is theirs).
  const p = new TestClient(app);
  await p.signIn(partnerEmail, TEST_PASSWORD);
  assert.equal((await p.get(`/ma-vitrine/cotraitance/${jointId}`)).res.status, 200);
  assert.deepEqual(await runIntegrity(odb, { fileKey: testConfig().fileKey, cooperative: a.coop }), []);
});

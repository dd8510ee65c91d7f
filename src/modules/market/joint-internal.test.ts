// Joint offers and the internal market: the joint quote shows each activity's part, the invoice's
// revenue is split between the activities' analytic codes (read back through the ledger's
// activity accounts and trial balance) with `radieuse check` clean; an internal invoice posts a
// cost on the buyer's code and revenue on the subcontractor's, balanced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, runIntegrity, seedTestCooperatives, testConfig, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { ForbiddenError, type Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { todayParis } from '../../core/dates.ts';
import { createUser } from '../../core/auth/users.ts';
import { addMembership, createActivity } from '../directory/index.ts';
import {
  acceptQuoteByToken,
  createCreditNote,
  createCustomer,
  invoiceFromQuote,
  sendQuote,
  validateInvoice,
} from '../sales/index.ts';
import { activityAccount, trialBalance } from '../ledger/index.ts';
import { pdfText } from '../purchases/index.ts';
import {
  cooperatingActivities,
  createJointQuote,
  cooperationCounts,
  getJointOffer,
  splitProRata,
} from './joint.service.ts';
import { acceptAnswer, acceptWork, answerNeed, getNeed, listNeeds, postNeed } from './internal.service.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
let partner: Actor; // runs the second activity of cooperative a
let partnerActivity = '';
let thirdActivity = '';
const YEAR = Number(todayParis().slice(0, 4));
const tx = <T>(coop: TestCoop, fn: (t: Tx) => Promise<T>) =>
  withTenant(odb.db, coop.coop.id, fn as never) as Promise<T>;

before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb);
  const u = await createUser(odb.db, {
    email: `partenaire-${a.coop.slug}@example.org`,
    displayName: 'Paule Partenaire',
  });
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
});
after(async () => {
  await odb.close();
});

const figures = (code: string) =>
  tx(a, (t) => activityAccount(t, a.actor('accountant'), code, YEAR)).then((x) => x.total);

test('pro rata split: the shares add up to the total, to the cent', () => {
  assert.deepEqual(splitProRata(100, [1, 1, 1]), [34, 33, 33]);
  assert.deepEqual(
    splitProRata(-100, [1, 1, 1]).reduce((s, x) => s + x, 0),
    -100,
  );
  assert.deepEqual(splitProRata(200000, [100000, 60000, 40000]), [100000, 60000, 40000]);
});

test('joint offer: one quote with a section per activity; the invoice revenue goes to each analytic code', async () => {
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
  // Refusals: one part only; the same activity twice; an activity of another cooperative;
  // the lead activity not one's own; a bad amount (next to its field).
  const part = (activityId: string, amount: string | number, description = 'Travaux') => ({
    activityId,
    description,
    amount,
  });
  await assert.rejects(
    tx(a, (t) =>
      createJointQuote(t, ent, { customerId: customer.id, title: 'Cuisine', parts: [part(a.activityId, 10)] }),
    ),
    UserError,
  );
  await assert.rejects(
    tx(a, (t) =>
      createJointQuote(t, ent, {
        customerId: customer.id,
        title: 'Cuisine',
        parts: [part(a.activityId, 10), part(a.activityId, 10)],
      }),
    ),
    (e: unknown) => e instanceof UserError && !!e.fields?.['parts.1.activityId'],
  );
  await assert.rejects(
    tx(a, (t) =>
      createJointQuote(t, ent, {
        customerId: customer.id,
        title: 'Cuisine',
        parts: [part(a.activityId, 10), part(b.activityId, 10)],
      }),
    ),
    (e: unknown) => e instanceof UserError && !!e.fields?.['parts.1.activityId'],
  );
  await assert.rejects(
    tx(a, (t) =>
      createJointQuote(t, partner, {
        customerId: customer.id,
        title: 'Cuisine',
        parts: [part(a.activityId, 10), part(partnerActivity, 10)],
      }),
    ),
    NotFoundError,
  );
  await assert.rejects(
    tx(a, (t) =>
      createJointQuote(t, ent, {
        customerId: customer.id,
        title: 'Cuisine',
        parts: [part(a.activityId, 'douze'), part(partnerActivity, 10)],
      }),
    ),
    (e: unknown) => e instanceof UserError && !!e.fields?.['parts.0.amount'],
  );
  await assert.rejects(
    tx(a, (t) =>
      createJointQuote(t, a.actor('accountant'), {
        customerId: customer.id,
        title: 'Cuisine',
        parts: [part(a.activityId, 10), part(partnerActivity, 10)],
      }),
    ),
    ForbiddenError,
  );

  const joint = await tx(a, (t) =>
    createJointQuote(t, ent, {
      customerId: customer.id,
      title: 'Rénovation de cuisine',
      parts: [
        part(a.activityId, '1000', 'Plomberie et électricité'),
        part(partnerActivity, '600,00', 'Meubles sur mesure'),
        part(thirdActivity, 400, 'Peinture des murs'),
      ],
    }),
  );
  assert.deepEqual(
    joint.parts.map((p) => [p.analyticCode, p.amountExclCents]),
    [
      [a.analyticCode, 100000],
      ['PART1', 60000],
      ['TIERS', 400],
    ],
  );
  // The partner sees the joint offer (a part is theirs); another cooperative does not.
  assert.equal((await tx(a, (t) => getJointOffer(t, partner, joint.id))).quoteId, joint.quoteId);
  await assert.rejects(
    tx(b, (t) => getJointOffer(t, b.actor('director'), joint.id)),
    NotFoundError,
  );
  // The quote the customer signs shows each activity's section and part.
  const { quotePdf } = await import('../sales/index.ts');
  const text = await pdfText((await tx(a, (t) => quotePdf(t as never, ent, joint.quoteId))).pdf);
  for (const s of ['Menuiserie Paule', 'Meubles sur mesure', 'Peinture Tiers', 'Plomberie et électricité'])
    assert.ok(text.includes(s), `${s} on the quote`);

  const { link } = await tx(a, (t) => sendQuote(t as never, ent, joint.quoteId, { publicUrl: 'http://localhost' }));
  await acceptQuoteByToken(odb.db, link.split('/').pop()!, { name: 'Claire Client', agreed: true, ip: '203.0.113.9' });
  const inv = await tx(a, (t) => invoiceFromQuote(t as never, ent, joint.quoteId, { kind: 'balance' }));
  const valid = await tx(a, (t) => validateInvoice(t as never, a.actor('director'), inv.id));
  assert.equal(valid.totalExclCents, 160400);

  // Each activity account shows its share of the revenue.
  assert.equal((await figures(a.analyticCode)).invoicedExclCents, 100000);
  assert.equal((await figures('PART1')).invoicedExclCents, 60000);
  assert.equal((await figures('TIERS')).invoicedExclCents, 400);
  // The trial balance: 706 holds the whole invoice once (the split moves, it adds nothing).
  const tb = await tx(a, (t) => trialBalance(t, a.actor('accountant'), `${YEAR}-01-01`, `${YEAR}-12-31`));
  const r706 = tb.find((r) => r.account === '706')!;
  assert.equal(r706.creditCents - r706.debitCents, 160400);
  assert.deepEqual(await runIntegrity(odb, { fileKey: testConfig().fileKey, cooperative: a.coop }), []);

  // A credit note for part of the invoice takes back each share pro rata.
  const cn = await tx(a, (t) =>
    createCreditNote(t as never, a.actor('director'), inv.id, {
      reason: 'Geste commercial',
      lines: [{ description: 'Remise', quantityMilli: 1000, unitPriceCents: 16040, vatCategory: 'S', vatRateBp: 2000 }],
    } as never),
  );
  await tx(a, (t) => validateInvoice(t as never, a.actor('director'), cn.id));
  assert.equal((await figures(a.analyticCode)).invoicedExclCents, 90000);
  assert.equal((await figures('PART1')).invoicedExclCents, 54000);
  assert.equal((await figures('TIERS')).invoicedExclCents, 360);
  assert.deepEqual(await runIntegrity(odb, { fileKey: testConfig().fileKey, cooperative: a.coop }), []);
  assert.equal((await tx(a, (t) => cooperationCounts(t, a.coop.id, `${YEAR}-01-01`, `${YEAR}-12-31`))).jointOffers, 1);
});

test('internal market: need → answer → accepted → work accepted → internal invoice balanced on both sides', async () => {
  const ent = a.actor('entrepreneur');
  const before = { lead: await figures(a.analyticCode), part: await figures('PART1') };
  const need = await tx(a, (t) =>
    postNeed(t, partner, partnerActivity, {
      title: 'Pose d’un tableau électrique',
      description: 'Chantier à Villeurbanne',
      budget: '900',
    }),
  );
  assert.equal(need.budgetCents, 90000);
  // Everyone running an activity sees the open need; the accountant may not use the market.
  assert.ok((await tx(a, (t) => listNeeds(t, ent))).some((n) => n.id === need.id));
  await assert.rejects(
    tx(a, (t) => listNeeds(t, a.actor('accountant'))),
    ForbiddenError,
  );
  await assert.rejects(
    tx(b, (t) => getNeed(t, b.actor('entrepreneur'), need.id)),
    NotFoundError,
  );
  await assert.rejects(
    tx(a, (t) => getNeed(t, ent, 'pas-un-uuid')),
    NotFoundError,
  );
  // The buyer cannot answer its own need; a bad amount is refused next to its field.
  await assert.rejects(
    tx(a, (t) => answerNeed(t, partner, need.id, { activityId: partnerActivity, message: 'Moi', amount: 10 })),
    UserError,
  );
  await assert.rejects(
    tx(a, (t) => answerNeed(t, ent, need.id, { activityId: a.activityId, message: 'Je peux', amount: '-3' })),
    (e: unknown) => e instanceof UserError && !!e.fields?.amount,
  );
  const answer = await tx(a, (t) =>
    answerNeed(t, ent, need.id, {
      activityId: a.activityId,
      message: 'Disponible la semaine prochaine',
      amount: '850',
    }),
  );
  // Only the buyer accepts; work cannot be accepted before an answer is.
  await assert.rejects(
    tx(a, (t) => acceptAnswer(t, ent, need.id, answer.id)),
    NotFoundError,
  );
  await assert.rejects(
    tx(a, (t) => acceptWork(t, partner, need.id)),
    UserError,
  );
  await tx(a, (t) => acceptAnswer(t, partner, need.id, answer.id));
  await assert.rejects(
    tx(a, (t) => acceptAnswer(t, partner, need.id, answer.id)),
    UserError,
  );
  const fi = await tx(a, (t) => acceptWork(t, partner, need.id));
  assert.match(fi.number, /^FI-\d{4}-0001$/);
  assert.equal(fi.amountCents, 85000);
  await assert.rejects(
    tx(a, (t) => acceptWork(t, partner, need.id)),
    UserError,
  );

  // Both sides: revenue for the subcontractor's activity, cost for the buyer's.
  const after = { lead: await figures(a.analyticCode), part: await figures('PART1') };
  assert.equal(after.lead.invoicedExclCents - before.lead.invoicedExclCents, 85000);
  assert.equal(after.lead.costsCents - before.lead.costsCents, 0);
  assert.equal(after.part.costsCents - before.part.costsCents, 85000);
  assert.equal(after.part.invoicedExclCents - before.part.invoicedExclCents, 0);
  const tb = await tx(a, (t) => trialBalance(t, a.actor('accountant'), `${YEAR}-01-01`, `${YEAR}-12-31`));
  assert.equal(tb.find((r) => r.account === '604')?.debitCents, 85000);
  assert.equal(tb.find((r) => r.account === '708')?.creditCents, 85000);
  assert.equal(
    tb.reduce((s, r) => s + r.debitCents, 0),
    tb.reduce((s, r) => s + r.creditCents, 0),
  );
  assert.deepEqual(await runIntegrity(odb, { fileKey: testConfig().fileKey, cooperative: a.coop }), []);
  const counts = await tx(a, (t) => cooperationCounts(t, a.coop.id, `${YEAR}-01-01`, `${YEAR}-12-31`));
  assert.equal(counts.internalInvoices, 1);
  assert.equal(counts.internalInvoicedCents, 85000);
  // Impact E2 counts both activities (joint offer parts and both sides of the internal invoice), once each.
  const cooperating = await tx(a, (t) => cooperatingActivities(t, a.coop.id, `${YEAR}-01-01`, `${YEAR}-12-31`));
  assert.ok(cooperating.includes(a.activityId) && cooperating.includes(partnerActivity), cooperating.join());
  assert.equal(new Set(cooperating).size, cooperating.length);
  assert.deepEqual(await tx(a, (t) => cooperatingActivities(t, a.coop.id, '2001-01-01', '2001-12-31')), []);
});

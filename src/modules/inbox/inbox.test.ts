import { sql } from 'kysely';
// The inbox is computed from state: each item appears with the state that creates it and
// disappears when the state is resolved (no hand-made rows). Snoozes hide until their date.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { inboxDb, type TenantTx as Tx } from './db.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { todayParis, addDays } from '../../core/dates.ts';
import type { Actor } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';

import {
  createCustomer,
  createDraft,
  submitInvoice,
  validateInvoice,
  markSent,
  recordPayment,
  type InvoiceDraftInput,
} from '../sales/index.ts';
import {
  addAction,
  addDocument,
  completeAction,
  createAppointment,
  createJourney,
  transitionJourney,
} from '../journeys/index.ts';
import { createQuote, sendQuote, acceptQuoteByToken } from '../sales/index.ts';
import { computeInbox, snoozeItem, sortItems, type InboxItem } from './index.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
let customerId: string;
const today = todayParis();
const tx = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, A.coop.id, fn);
const keys = (actor: Actor, day = today) => tx(async (trx) => (await computeInbox(trx, actor, day)).map((i) => i.key));
const itemsOf = (actor: Actor, day = today) => tx((trx) => computeInbox(trx, actor, day));

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  const siren = makeSiren('41234567');
  customerId = (
    await tx((trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'Atelier Dupont SARL',
        siren,
        vatNumber: frenchVatFromSiren(siren),
        addressLine1: '3 rue des Lilas',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      }),
    )
  ).id;
});
after(async () => {
  await odb?.close();
});

const draftInput = (over: Partial<InvoiceDraftInput> = {}): InvoiceDraftInput => ({
  activityId: A.activityId,
  customerId,
  lines: [
    {
      description: 'Conception graphique',
      quantityMilli: 2500,
      unitPriceCents: 40000,
      vatCategory: 'S',
      vatRateBp: 2000,
    },
  ],
  ...over,
});

test('sales: draft → submit → validate → send → overdue → paid, each step moves the item', async () => {
  const ent = A.actor('entrepreneur');
  const sup = A.actor('support');
  const dir = A.actor('director');
  const d = await tx((trx) => createDraft(trx, ent, draftInput()));
  const submit = `sales.invoice.submit:${d.id}`;
  const validate = `sales.invoice.validate:${d.id}`;
  const send = `sales.invoice.send:${d.id}`;
  const remind = `sales.invoice.remind:${d.id}`;
  assert.ok((await keys(ent)).includes(submit), 'draft → item to submit');
  const item = (await itemsOf(ent)).find((i) => i.key === submit)!;
  assert.match(item.title, /Soumettez la facture pour Atelier Dupont SARL/);
  assert.deepEqual(item.action, { label: 'Soumettre', href: `/factures/${d.id}/soumettre`, method: 'post' });
  assert.ok(!(await keys(sup)).includes(validate), 'a draft is not for support yet');

  await tx((trx) => submitInvoice(trx, ent, d.id));
  assert.ok(!(await keys(ent)).includes(submit), 'submitted → gone for the entrepreneur');
  assert.ok((await keys(sup)).includes(validate), 'submitted → appears for support');
  assert.ok((await keys(dir)).includes(validate), 'and for the director');
  // another cooperative sees nothing of it
  assert.ok(
    !(await withTenant(odb.db, B.coop.id, (trx) => computeInbox(trx, B.actor('support'), today))).some(
      (i) => i.key === validate,
    ),
  );

  const v = await tx((trx) => validateInvoice(trx, sup, d.id));
  assert.ok(!(await keys(sup)).includes(validate), 'validated → gone for support');
  assert.ok((await keys(ent)).includes(send), 'validated → to send');
  const note = await inboxDb(odb.db)
    .selectFrom('notification')
    .select(['kind', 'text'])
    .where('user_id', '=', A.users.entrepreneur.id)
    .where('kind', '=', 'sales.invoice.validated')
    .execute();
  assert.equal(note.length, 1, 'the entrepreneur is told, in the next digest');
  assert.match(note[0].text, new RegExp(`Votre facture ${v.number} pour Atelier Dupont SARL`));
  await tx((trx) => markSent(trx, ent, d.id));
  assert.ok(!(await keys(ent)).includes(send), 'sent → gone');

  const late = addDays(v.dueDate!, 5);
  const lateItems = await itemsOf(ent, late);
  const r = lateItems.find((i) => i.key === remind);
  assert.ok(r, 'overdue → remind');
  assert.match(r!.title, /en retard de 5 jours/);
  assert.equal(r!.urgency, 'high');
  assert.ok((await keys(dir, late)).includes('sales.receivables.overdue'));
  assert.ok(!(await keys(ent)).includes(remind), 'not overdue today');
  await tx((trx) => recordPayment(trx, A.actor('accountant'), d.id, { amountCents: v.totalInclCents, date: today }));
  assert.ok(!(await keys(ent, late)).includes(remind), 'paid → gone');
  assert.ok(!(await keys(dir, late)).includes('sales.receivables.overdue'));
});

test('checks run before submission: a probable duplicate is explained in the draft item', async () => {
  const ent = A.actor('entrepreneur');
  const a = await tx((trx) =>
    createDraft(
      trx,
      ent,
      draftInput({
        lines: [
          { description: 'Atelier', quantityMilli: 1000, unitPriceCents: 77700, vatCategory: 'S', vatRateBp: 2000 },
        ],
      }),
    ),
  );
  let it = (await itemsOf(ent)).find((i) => i.key === `sales.invoice.submit:${a.id}`)!;
  assert.doesNotMatch(it.why, /Avant de soumettre/);
  const b = await tx((trx) =>
    createDraft(
      trx,
      ent,
      draftInput({
        lines: [
          { description: 'Atelier', quantityMilli: 1000, unitPriceCents: 77700, vatCategory: 'S', vatRateBp: 2000 },
        ],
      }),
    ),
  );
  it = (await itemsOf(ent)).find((i) => i.key === `sales.invoice.submit:${b.id}`)!;
  assert.match(it.why, /Avant de soumettre, vérifiez : .*doublon/);
  // Test data of the sales module, removed so that later tests start clean (raw SQL: the inbox
  // has no typed view of sales tables).
  await sql`delete from invoice_line where invoice_id in (${a.id}, ${b.id})`.execute(odb.db);
  await sql`delete from invoice where id in (${a.id}, ${b.id})`.execute(odb.db);
});

test('a validated invoice to a customer with an e-mail is sent in one click', async () => {
  const ent = A.actor('entrepreneur');
  const c = await tx((trx) =>
    createCustomer(trx, ent, {
      kind: 'individual',
      name: 'Jeanne Martin',
      email: 'jeanne@example.test',
      addressLine1: '8 place Bellecour',
      postalCode: '69002',
      city: 'Lyon',
      countryCode: 'FR',
    }),
  );
  const d = await tx((trx) => createDraft(trx, ent, draftInput({ customerId: c.id })));
  await tx((trx) => validateInvoice(trx, A.actor('support'), d.id));
  const it = (await itemsOf(ent)).find((i) => i.key === `sales.invoice.send:${d.id}`)!;
  assert.deepEqual(it.action, { label: 'Envoyer par e-mail', href: `/factures/${d.id}/envoyer`, method: 'post' });
  assert.match(it.why, /jeanne@example.test/);
  await tx((trx) => markSent(trx, ent, d.id));
});

test('a sent quote about to expire appears, and goes once accepted or far from expiry', async () => {
  const ent = A.actor('entrepreneur');
  const c = await tx((trx) =>
    createCustomer(trx, ent, {
      kind: 'individual',
      name: 'Paul Girard',
      email: 'paul@example.test',
      addressLine1: '2 rue Neuve',
      postalCode: '69001',
      city: 'Lyon',
      countryCode: 'FR',
    }),
  );
  const q = await tx((trx) =>
    createQuote(trx, ent, {
      activityId: A.activityId,
      customerId: c.id,
      issueDate: addDays(today, -25),
      validityDate: addDays(today, 5),
      lines: [
        {
          description: 'Refonte du site',
          quantityMilli: 1000,
          unitPriceCents: 90000,
          vatCategory: 'S',
          vatRateBp: 2000,
        },
      ],
    }),
  );
  const key = `sales.quote.expiring:${q.id}`;
  assert.ok(!(await keys(ent)).includes(key), 'a draft quote is not chased');
  const { link } = await tx((trx) => sendQuote(trx, ent, q.id, { publicUrl: 'https://r.test' }));
  assert.ok((await keys(ent)).includes(key), 'sent and expiring in 5 days');
  assert.ok(!(await keys(ent, addDays(today, -10))).includes(key), 'not 15 days before');
  await acceptQuoteByToken(odb.db, link.split('/').pop()!, { name: 'Paul Girard', agreed: true, ip: '127.0.0.1' });
  assert.ok(!(await keys(ent)).includes(key), 'accepted → gone');
});

test('snooze hides an item until its date, then it comes back', async () => {
  const ent = A.actor('entrepreneur');
  const d = await tx((trx) => createDraft(trx, ent, draftInput()));
  const key = `sales.invoice.submit:${d.id}`;
  await tx((trx) => snoozeItem(trx, ent, key, addDays(today, 7), today));
  assert.ok(!(await keys(ent)).includes(key));
  assert.ok(!(await keys(ent, addDays(today, 6))).includes(key));
  assert.ok((await keys(ent, addDays(today, 7))).includes(key), 'back on the date');
  await assert.rejects(
    tx((trx) => snoozeItem(trx, ent, key, today, today)),
    /date à venir/,
  );
  // the snooze is personal: support does not see drafts anyway, and another person is not affected
  await tx((trx) => submitInvoice(trx, ent, d.id));
  assert.ok((await keys(A.actor('support'))).includes(`sales.invoice.validate:${d.id}`));
});

test('items are ordered by urgency then due date', () => {
  const mk = (key: string, urgency: InboxItem['urgency'], dueDate: string | null): InboxItem => ({
    key,
    kind: 'k',
    title: key,
    why: '',
    urgency,
    dueDate,
    action: { label: 'x', href: '/' },
    link: null,
  });
  const sorted = sortItems([
    mk('a', 'low', '2026-01-01'),
    mk('b', 'high', null),
    mk('c', 'medium', '2026-02-01'),
    mk('d', 'high', '2026-03-01'),
    mk('e', 'medium', '2026-01-15'),
  ]);
  assert.deepEqual(
    sorted.map((i) => i.key),
    ['d', 'b', 'e', 'c', 'a'],
  );
});

test('journeys: caseload alert, appointment to prepare, action items and expiring documents', async () => {
  const sup = A.actor('support');
  const ent = A.actor('entrepreneur');
  const j = await tx((trx) =>
    createJourney(trx, sup, {
      displayName: 'Entrepreneur Alpha',
      userId: A.users.entrepreneur.id,
      startedOn: addDays(today, -100),
    }),
  );
  const alertKey = `journeys.alert:${j.id}:contact`;
  assert.ok((await keys(sup)).includes(alertKey), 'no contact for 100 days → alert');
  const appt = await tx((trx) =>
    createAppointment(trx, sup, {
      journeyId: j.id,
      subject: 'Point mensuel',
      date: addDays(today, 1),
      start: '10:00',
      end: '11:00',
      place: 'Bureau',
    }),
  );
  const prep = `journeys.appointment.prepare:${appt.id}`;
  assert.ok((await keys(sup)).includes(prep), 'tomorrow → prepare');
  assert.ok(!(await keys(sup, addDays(today, -3))).includes(prep), 'not yet three days before');
  const past = await tx((trx) =>
    createAppointment(trx, sup, {
      journeyId: j.id,
      subject: 'Premier rendez-vous',
      date: addDays(today, -1),
      start: '10:00',
      end: '11:00',
      place: 'Bureau',
      status: 'done',
    }),
  );
  assert.ok(!(await keys(sup)).includes(alertKey), 'a recent appointment clears the alert');

  await tx((trx) =>
    addAction(trx, sup, past.id, { label: 'Envoyer le prévisionnel', owner: 'person', dueOn: addDays(today, 2) }),
  );
  await tx((trx) => addAction(trx, sup, past.id, { label: 'Relire le prévisionnel', owner: 'support' }));
  const mine = (await itemsOf(ent)).filter((i) => i.kind === 'journeys.action');
  assert.equal(mine.length, 1, 'only the person-owned action');
  assert.equal(mine[0].title, 'Envoyer le prévisionnel');
  assert.equal(mine[0].urgency, 'high');
  await tx((trx) => completeAction(trx, ent, mine[0].key.split(':')[1]));
  assert.ok(!(await itemsOf(ent)).some((i) => i.kind === 'journeys.action'), 'done → gone');

  const key = randomBytes(32);
  const doc = await tx((trx) =>
    addDocument(trx, sup, key, j.id, {
      stage: 'contact',
      kind: "Pièce d'identité",
      expiresOn: addDays(today, 10),
      fileName: 'id.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.4'),
    }),
  );
  assert.ok((await keys(sup)).includes(`journeys.document:${doc.id}`));
  assert.ok((await keys(ent)).includes(`journeys.my-document:${doc.id}`));
  await tx((trx) =>
    addDocument(trx, ent, key, j.id, {
      stage: 'contact',
      kind: "Pièce d'identité",
      expiresOn: addDays(today, 3650),
      fileName: 'id2.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.4'),
    }),
  );
  assert.ok(!(await keys(sup)).includes(`journeys.document:${doc.id}`), 'a newer document resolves it');
  assert.ok(!(await keys(ent)).includes(`journeys.my-document:${doc.id}`));
});

test('journeys: CAPE ending soon is an alert for support', async () => {
  const sup = A.actor('support');
  const j = await tx((trx) => createJourney(trx, sup, { displayName: 'Camille Cape', startedOn: addDays(today, -20) }));
  await tx((trx) =>
    createAppointment(trx, sup, {
      journeyId: j.id,
      subject: 'Accueil',
      date: addDays(today, -2),
      start: '09:00',
      end: '10:00',
      place: 'Bureau',
      status: 'done',
    }),
  );
  for (const to of ['info_meeting', 'diagnostic'] as const)
    await tx((trx) => transitionJourney(trx, sup, j.id, { to, effectiveOn: addDays(today, -10) }));
  await tx((trx) =>
    transitionJourney(trx, sup, j.id, {
      to: 'cape',
      effectiveOn: addDays(today, -10),
      capeStart: addDays(today, -10),
      capeEnd: addDays(today, 15),
    }),
  );
  const it = (await itemsOf(sup)).find((i) => i.key === `journeys.alert:${j.id}:cape`);
  assert.ok(it, 'CAPE ending in 15 days');
  assert.equal(it!.dueDate, addDays(today, 15));
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { todayParis, addDays } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { createCustomer } from './customer.service.ts';
import {
  createDraft,
  updateDraft,
  submitInvoice,
  validateInvoice,
  recordPayment,
  createCreditNote,
  getInvoice,
  getLines,
  listInvoices,
  loadInvoiceDocument,
  findInvoiceByNumber,
  VALIDATED_EDIT_ERROR,
  type InvoiceDraftInput,
} from './invoice.service.ts';
import { renderTemplate } from './invoice-numbering.ts';
import type { InvoiceValidated, PaymentRecorded } from './events.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { DirectoryTables } from '../directory/index.ts';
import type { SalesTables } from './schema.ts';
import { salesDb } from './db.ts';

// The test adds activities: a view over those tables besides its module's own.
const testDb = moduleView<SalesTables & DirectoryTables>();

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
let customerId: string;
let personId: string;
const year = todayParis().slice(0, 4);

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  const siren = makeSiren('41234567');
  customerId = (
    await withTenant(odb.db, A.coop.id, (trx) =>
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
  personId = (
    await withTenant(odb.db, A.coop.id, (trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'individual',
        name: 'Jeanne Martin',
        addressLine1: '8 place Bellecour',
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
const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
const count = async (table: 'invoice' | 'invoice_line' | 'customer' | 'payment') =>
  Number(
    (
      await salesDb(odb.db)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const refusal = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof UserError, `UserError attendue, reçu ${String(e)}`);
  assert.match(`${e.message} ${Object.values(e.fields).join(' ')}`, re);
  return true;
};

test('template rendering: tokens, series key, padding, length and characters', () => {
  const t = renderTemplate('{ANA}-{YY}{MM}-{SEQ:4}', { issueDate: '2026-03-09', analyticCode: 'web01' });
  assert.equal(t.seriesKey, 'WEB01-2603-{SEQ}');
  assert.equal(t.format(7), 'WEB01-2603-0007');
  assert.equal(
    renderTemplate('F{YYYY}/{SEQ}', { issueDate: '2026-01-01', analyticCode: 'X' }).format(12345),
    'F2026/12345',
  );
  assert.throws(() => renderTemplate('{YYYY}', { issueDate: '2026-01-01', analyticCode: 'X' }), /\{SEQ\}/);
  assert.throws(
    () => renderTemplate('{YYYY} {SEQ}', { issueDate: '2026-01-01', analyticCode: 'X' }).format(1),
    /caractères interdits/,
  );
  assert.throws(
    () =>
      renderTemplate('{ANA}{ANA}{ANA}-{SEQ:9}', { issueDate: '2026-01-01', analyticCode: 'ABCDEFGHIJKL' }).format(1),
    /35 caractères/,
  );
});

test('draft → submit → validate by support: number, frozen totals, event and audit', async () => {
  const d = await tx((trx) => createDraft(trx, A.actor('entrepreneur'), draftInput()));
  assert.equal(d.status, 'draft');
  assert.equal(d.number, null);
  assert.equal(d.totalExclCents, 100000);
  assert.equal(d.vatCents, 20000);
  assert.equal(d.totalInclCents, 120000);
  await tx((trx) => submitInvoice(trx, A.actor('entrepreneur'), d.id));
  // 1 200 € is above the 1 000 € self-validation threshold: the entrepreneur may not validate.
  await assert.rejects(
    tx((trx) => validateInvoice(trx, A.actor('entrepreneur'), d.id)),
    /seuil/,
  );
  const v = await tx((trx) => validateInvoice(trx, A.actor('support'), d.id));
  assert.match(v.number!, new RegExp(`^${year}-\\d{5}$`));
  assert.equal(v.status, 'validated');
  const ev = await odb.db
    .selectFrom('domain_event')
    .select(['name', 'payload'])
    .where('cooperative_id', '=', A.coop.id)
    .where('name', '=', 'sales.invoice.validated')
    .execute();
  const p = ev.map((e) => e.payload as InvoiceValidated).find((x) => x.invoiceId === d.id);
  assert.ok(p, 'event emitted');
  assert.equal(p.number, v.number);
  assert.equal(p.totalInclCents, 120000);
  assert.deepEqual(p.shares, [{ nature: 'services', vatRateBp: 2000, baseCents: 100000, vatCents: 20000 }]);
  const audits = await odb.db.selectFrom('audit_log').select('action').where('target_id', '=', d.id).execute();
  assert.deepEqual(
    audits.map((a) => a.action),
    ['invoice.draft_created', 'invoice.submitted', 'invoice.validated'],
  );
  assert.equal((await tx((trx) => findInvoiceByNumber(trx, A.actor('accountant'), v.number!)))?.id, d.id);
  // another cooperative sees nothing
  assert.equal(await withTenant(odb.db, B.coop.id, (trx) => getInvoice(trx, B.actor('director'), d.id)), null);
});

test('50 concurrent validations: numbers are consecutive, no gap, no duplicate', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 50; i++)
    ids.push((await tx((trx) => createDraft(trx, A.actor('entrepreneur'), draftInput()))).id);
  const before = await tx(
    async (trx) => (await listInvoices(trx, A.actor('director'), { status: 'issued', pageSize: 1000 })).items.length,
  );
  const done = await Promise.all(
    ids.map((id) => withTenant(odb.db, A.coop.id, (trx) => validateInvoice(trx, A.actor('support'), id))),
  );
  const seqs = done.map((d) => Number(d.number!.split('-')[1])).sort((a, b) => a - b);
  assert.equal(new Set(seqs).size, 50);
  for (let i = 1; i < seqs.length; i++)
    assert.equal(seqs[i], seqs[i - 1] + 1, `gap between ${seqs[i - 1]} and ${seqs[i]}`);
  const all = await salesDb(odb.db)
    .selectFrom('invoice')
    .select('number')
    .where('cooperative_id', '=', A.coop.id)
    .where('number', 'is not', null)
    .execute();
  const allSeqs = all.map((r) => Number(r.number!.split('-')[1])).sort((a, b) => a - b);
  assert.deepEqual(
    allSeqs,
    allSeqs.map((_, i) => i + 1),
    'the whole series is 1..n',
  );
  assert.equal(
    before + 50,
    await tx(
      async (trx) => (await listInvoices(trx, A.actor('director'), { status: 'issued', pageSize: 1000 })).items.length,
    ),
  );
});

test('a crash after the number is taken, before commit, leaves no gap', async () => {
  const a = await tx((trx) => createDraft(trx, A.actor('entrepreneur'), draftInput()));
  const b = await tx((trx) => createDraft(trx, A.actor('entrepreneur'), draftInput()));
  let taken = '';
  await assert.rejects(
    tx(async (trx) => {
      taken = (await validateInvoice(trx, A.actor('support'), a.id)).number!;
      throw new Error('panne simulée');
    }),
    /panne simulée/,
  );
  assert.ok(taken);
  const after = await tx((trx) => getInvoice(trx, A.actor('support'), a.id));
  assert.equal(after!.status, 'draft');
  assert.equal(after!.number, null);
  const vb = await tx((trx) => validateInvoice(trx, A.actor('support'), b.id));
  assert.equal(vb.number, taken, 'the next validation reuses the number rolled back');
});

test('bad input is refused with a French message and nothing is written', async () => {
  const [inv0, lines0, cust0] = [await count('invoice'), await count('invoice_line'), await count('customer')];
  await assert.rejects(
    tx((trx) =>
      createDraft(
        trx,
        A.actor('entrepreneur'),
        draftInput({
          lines: [
            {
              description: 'Remboursement',
              quantityMilli: -1000,
              unitPriceCents: 5000,
              vatCategory: 'S',
              vatRateBp: 2000,
            },
          ],
        }),
      ),
    ),
    refusal(/quantité ne peut pas être négative/),
  );
  const issue = todayParis();
  await assert.rejects(
    tx((trx) =>
      createDraft(trx, A.actor('entrepreneur'), draftInput({ issueDate: issue, dueDate: addDays(issue, 75) })),
    ),
    refusal(/délai légal : 60 jours/),
  );
  await assert.rejects(
    tx((trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'Menuiserie Sans Siren',
        addressLine1: '1 rue X',
        postalCode: '69001',
        city: 'Lyon',
      }),
    ),
    refusal(/SIREN d'un client professionnel est obligatoire/),
  );
  await assert.rejects(
    tx((trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'Faux SIREN',
        siren: '123456788',
        addressLine1: '1 rue X',
        postalCode: '69001',
        city: 'Lyon',
      }),
    ),
    refusal(/SIREN invalide/),
  );
  await assert.rejects(
    tx((trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'ATELIER  dupont',
        siren: makeSiren('51234567'),
        addressLine1: '1 rue X',
        postalCode: '69001',
        city: 'Lyon',
      }),
    ),
    refusal(/existe déjà : Atelier Dupont SARL/),
  );
  assert.deepEqual(
    [await count('invoice'), await count('invoice_line'), await count('customer')],
    [inv0, lines0, cust0],
  );

  const v = await tx(async (trx) =>
    validateInvoice(trx, A.actor('support'), (await createDraft(trx, A.actor('entrepreneur'), draftInput())).id),
  );
  const linesBefore = await tx((trx) => getLines(trx, A.actor('support'), v.id));
  await assert.rejects(
    tx((trx) =>
      updateDraft(
        trx,
        A.actor('entrepreneur'),
        v.id,
        draftInput({
          lines: [{ description: 'Autre', quantityMilli: 1000, unitPriceCents: 1, vatCategory: 'S', vatRateBp: 2000 }],
        }),
      ),
    ),
    (e: unknown) => e instanceof UserError && e.message === VALIDATED_EDIT_ERROR,
  );
  assert.deepEqual(await tx((trx) => getLines(trx, A.actor('support'), v.id)), linesBefore);
  assert.equal((await tx((trx) => getInvoice(trx, A.actor('support'), v.id)))!.totalInclCents, 120000);
});

test('VAT cases are checked on submission', async () => {
  const ae = await tx((trx) =>
    createDraft(
      trx,
      A.actor('entrepreneur'),
      draftInput({
        customerId: personId,
        lines: [
          {
            description: 'Sous-traitance',
            quantityMilli: 1000,
            unitPriceCents: 10000,
            vatCategory: 'AE',
            vatRateBp: 0,
          },
        ],
      }),
    ),
  );
  await assert.rejects(
    tx((trx) => submitInvoice(trx, A.actor('entrepreneur'), ae.id)),
    refusal(/autoliquidation suppose un client professionnel/i),
  );
  const ex = await tx((trx) =>
    createDraft(
      trx,
      A.actor('entrepreneur'),
      draftInput({
        lines: [
          { description: 'Formation', quantityMilli: 1000, unitPriceCents: 10000, vatCategory: 'E', vatRateBp: 0 },
        ],
      }),
    ),
  );
  await assert.rejects(
    tx((trx) => submitInvoice(trx, A.actor('entrepreneur'), ex.id)),
    refusal(/motif de l'exonération/),
  );
  assert.equal((await tx((trx) => getInvoice(trx, A.actor('entrepreneur'), ex.id)))!.status, 'draft');
  const k = await tx((trx) =>
    createDraft(
      trx,
      A.actor('entrepreneur'),
      draftInput({
        lines: [{ description: 'Conseil', quantityMilli: 1000, unitPriceCents: 10000, vatCategory: 'K', vatRateBp: 0 }],
      }),
    ),
  );
  await assert.rejects(
    tx((trx) => submitInvoice(trx, A.actor('entrepreneur'), k.id)),
    refusal(/autre pays de l'Union/),
  );
  // AE with a business customer that has a VAT number is fine, and the document carries the mention
  const ok = await tx((trx) =>
    createDraft(
      trx,
      A.actor('entrepreneur'),
      draftInput({
        lines: [
          {
            description: 'Sous-traitance',
            quantityMilli: 1000,
            unitPriceCents: 10000,
            vatCategory: 'AE',
            vatRateBp: 0,
          },
        ],
      }),
    ),
  );
  await tx((trx) => submitInvoice(trx, A.actor('entrepreneur'), ok.id));
  // An entrepreneur's first reverse-charge invoice is held by the automatic checks (a VAT case
  // never used before): support validates it.
  await assert.rejects(
    tx((trx) => validateInvoice(trx, A.actor('entrepreneur'), ok.id)),
    /accompagnement/,
  );
  await tx((trx) => validateInvoice(trx, A.actor('support'), ok.id));
  const doc = await tx((trx) => loadInvoiceDocument(trx, A.actor('entrepreneur'), ok.id));
  assert.deepEqual(doc.vatMentions, ['Autoliquidation — article 283-2 nonies du CGI']);
  assert.equal(doc.vatBreakdown[0].exemptionCode, 'VATEX-EU-AE');
  assert.match(doc.latePenaltyText, /BCE/);
  assert.match(doc.recoveryIndemnityText!, /40 €/);
  assert.equal(doc.earlyPaymentText, "Pas d'escompte pour paiement anticipé.");
  assert.equal(doc.seller.siren, A.coop.siren);
  assert.equal(doc.seller.activityCode, A.analyticCode);
  assert.equal(doc.totals.grandTotalCents, 10000);
});

test('payments: partial then full, overpayment refused, VAT shares pro rata', async () => {
  const v = await tx(async (trx) =>
    validateInvoice(
      trx,
      A.actor('support'),
      (
        await createDraft(
          trx,
          A.actor('entrepreneur'),
          draftInput({
            lines: [
              {
                description: 'Pose',
                quantityMilli: 1000,
                unitPriceCents: 100000,
                vatCategory: 'S',
                vatRateBp: 2000,
                nature: 'services',
              },
              {
                description: 'Bois',
                quantityMilli: 1000,
                unitPriceCents: 50000,
                vatCategory: 'S',
                vatRateBp: 2000,
                nature: 'goods',
              },
            ],
          }),
        )
      ).id,
    ),
  );
  assert.equal(v.totalInclCents, 180000);
  const p1 = await tx((trx) =>
    recordPayment(trx, A.actor('accountant'), v.id, { amountCents: 60000, date: todayParis() }),
  );
  assert.equal(p1.status, 'partly_paid');
  assert.equal(p1.dueCents, 120000);
  await assert.rejects(
    tx((trx) => recordPayment(trx, A.actor('accountant'), v.id, { amountCents: 120001 })),
    refusal(/dépasse le reste à payer/),
  );
  const p2 = await tx((trx) => recordPayment(trx, A.actor('accountant'), v.id, { amountCents: 120000 }));
  assert.equal(p2.status, 'paid');
  assert.equal(p2.dueCents, 0);
  const evs = (
    await odb.db.selectFrom('domain_event').select('payload').where('name', '=', 'sales.payment.recorded').execute()
  )
    .map((e) => e.payload as PaymentRecorded)
    .filter((x) => x.invoiceId === v.id);
  assert.equal(evs.length, 2);
  for (const e of evs)
    assert.equal(
      e.shares.reduce((s, x) => s + x.baseCents + x.vatCents, 0),
      e.amountCents,
    );
  assert.deepEqual(
    evs[0].shares.map((s) => [s.nature, s.baseCents, s.vatCents]),
    [
      ['goods', 16667, 3333],
      ['services', 33333, 6667],
    ],
  );
});

test('a full credit note cancels an unpaid invoice and emits its own event', async () => {
  const v = await tx(async (trx) =>
    validateInvoice(trx, A.actor('support'), (await createDraft(trx, A.actor('entrepreneur'), draftInput())).id),
  );
  const cn = await tx((trx) => createCreditNote(trx, A.actor('support'), v.id));
  assert.equal(cn.typeCode, '381');
  assert.equal(cn.totalInclCents, v.totalInclCents);
  assert.equal(cn.precedingInvoiceId, v.id);
  const vcn = await tx((trx) => validateInvoice(trx, A.actor('support'), cn.id));
  assert.ok(vcn.number);
  assert.equal((await tx((trx) => getInvoice(trx, A.actor('support'), v.id)))!.status, 'cancelled');
  const doc = await tx((trx) => loadInvoiceDocument(trx, A.actor('support'), cn.id));
  assert.deepEqual(doc.precedingInvoice, { number: v.number, issueDate: v.issueDate });
  const ev = await odb.db
    .selectFrom('domain_event')
    .select('payload')
    .where('name', '=', 'sales.credit_note.validated')
    .execute();
  assert.ok(ev.some((e) => (e.payload as { invoiceId: string }).invoiceId === cn.id));
  await assert.rejects(
    tx((trx) =>
      createCreditNote(trx, A.actor('support'), v.id, {
        lines: [{ description: 'x', quantityMilli: 1000, unitPriceCents: 100, vatCategory: 'S', vatRateBp: 2000 }],
      }),
    ),
    refusal(/dépasse le montant restant/),
  );
});

test('overdue is derived from the due date; entrepreneurs see only their activities', async () => {
  const past = addDays(todayParis(), -40);
  const v = await tx(async (trx) =>
    validateInvoice(
      trx,
      A.actor('support'),
      (await createDraft(trx, A.actor('entrepreneur'), draftInput({ issueDate: past, dueDate: addDays(past, 30) }))).id,
      { today: past },
    ),
  );
  const inv = await tx((trx) => getInvoice(trx, A.actor('support'), v.id));
  assert.equal(inv!.status, 'validated');
  assert.equal(inv!.displayStatus, 'overdue');
  const overdue = await tx((trx) => listInvoices(trx, A.actor('support'), { status: 'overdue', pageSize: 500 }));
  assert.ok(overdue.items.some((i) => i.id === v.id));
  // a second activity owned by someone else stays invisible to the entrepreneur
  const other = await tx(async (trx) => {
    const actId = (
      await testDb(trx)
        .insertInto('activity')
        .values({
          cooperative_id: A.coop.id,
          id: crypto.randomUUID(),
          name: 'Autre',
          analytic_code: 'OTHER1',
          description: null,
          trusted: false,
          email: null,
          phone: null,
          closed_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    return createDraft(trx, A.actor('support'), draftInput({ activityId: actId }));
  });
  const mine = await tx((trx) => listInvoices(trx, A.actor('entrepreneur'), { pageSize: 1000 }));
  assert.ok(!mine.items.some((i) => i.id === other.id));
  assert.equal(await tx((trx) => getInvoice(trx, A.actor('entrepreneur'), other.id)), null);
  await assert.rejects(
    tx((trx) => createDraft(trx, A.actor('entrepreneur'), draftInput({ activityId: other.activityId }))),
    refusal(/vos activités/),
  );
});

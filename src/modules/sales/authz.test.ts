// Every sales action tried by every role through the real services (core/testing-authz.ts), and
// the hole of security issue 11 closed at the HTTP level: an entrepreneur who POSTs the hidden
// payment form is refused and nothing is written.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import type { Actor, Role } from '../../core/actor.ts';
import { todayParis } from '../../core/dates.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError } from '../../core/errors.ts';
import { uuidv7, type UserId } from '../../core/ids.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { archiveCatalogueItem, createCatalogueItem, getCatalogueItem } from './catalogue.service.ts';
import { createCustomer, getCustomer, updateCustomer, type CustomerInput } from './customer.service.ts';
import { createQuote, getQuote, updateQuote, type QuoteInput } from './quote.service.ts';
import { setReminderSchedule } from './reminders.ts';
import {
  createCreditNote,
  createDraft,
  getInvoice,
  markSent,
  recordPayment,
  updateDraft,
  validateInvoice,
  type InvoiceDraftInput,
} from './invoice.service.ts';
import { recordImportedInvoice } from './imported-invoice.service.ts';
import { SALES } from './permissions.ts';
import { moduleView } from '../../core/db/handles.ts';
import type { LedgerTables } from '../ledger/index.ts';
import type { SalesTables } from './schema.ts';

const testDb = moduleView<LedgerTables & SalesTables>();

let t: Awaited<ReturnType<typeof createTestApp>> | null = null;
let A: TestCoop;
const ids = { draft: '', validated: '', quote: '', customer: '', item: '' };
let input: InvoiceDraftInput;
let quoteInput: QuoteInput;
const customerInput: CustomerInput = {
  kind: 'individual',
  name: 'Jeanne Martin',
  email: 'jeanne@example.test',
  addressLine1: '8 place Bellecour',
  postalCode: '69002',
  city: 'Lyon',
  countryCode: 'FR',
};
after(async () => {
  await t?.odb.close();
});

async function world(): Promise<AuthzWorld> {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  const owner = A.actor('entrepreneur');
  await withTenant(t.odb.db, A.coop.id, async (trx) => {
    const customerId = (await createCustomer(trx, owner, customerInput)).id;
    ids.customer = customerId;
    input = {
      activityId: A.activityId,
      customerId,
      lines: [{ description: 'Atelier', quantityMilli: 1000, unitPriceCents: 5000, vatCategory: 'S', vatRateBp: 2000 }],
    };
    ids.draft = (await createDraft(trx, owner, input)).id;
    const v = await createDraft(trx, owner, input);
    ids.validated = (await validateInvoice(trx, A.actor('support'), v.id)).id;
    quoteInput = { activityId: A.activityId, customerId, lines: input.lines };
    ids.quote = (await createQuote(trx, owner, quoteInput)).id;
    ids.item = (
      await createCatalogueItem(trx, owner, {
        activityId: A.activityId,
        name: 'Atelier',
        unitCode: 'HUR',
        unitPriceCents: 5000,
        vatCategory: 'S',
        vatRateBp: 2000,
        nature: 'services',
      })
    ).id;
  });
  const as = (role: Role, userId: string): Actor => ({ ...A.actor(role), userId: userId as UserId, roles: [role] });
  return {
    odb: t.odb,
    cooperativeId: A.coop.id,
    // entrepreneur and cape: the owner of the activity, under either role
    actor: (role) => (role === 'cape' ? as('cape', owner.userId!) : A.actor(role)),
    // a member of the same cooperative who owns no activity
    stranger: (role) => as(role, uuidv7()),
  };
}

const read = async (trx: Parameters<typeof getInvoice>[0], actor: Actor) => {
  if (!(await getInvoice(trx, actor, ids.validated))) throw new NotFoundError('Facture');
};

authzSuite('sales', world, (): AuthzCase[] => [
  { permission: SALES.invoiceRead, run: (trx, actor) => read(trx, actor) },
  { permission: SALES.invoiceDraft, run: (trx, actor) => updateDraft(trx, actor, ids.draft, input) },
  { permission: SALES.invoiceValidate, run: (trx, actor) => validateInvoice(trx, actor, ids.draft) },
  { permission: SALES.invoiceSend, run: (trx, actor) => markSent(trx, actor, ids.validated) },
  {
    permission: SALES.creditNote,
    run: (trx, actor) => createCreditNote(trx, actor, ids.validated, { reason: 'Erreur' }),
  },
  {
    permission: SALES.invoiceImport,
    run: (trx, actor) =>
      recordImportedInvoice(trx, actor, {
        ...input,
        typeCode: '380',
        number: 'ENDI-2024-001',
        issueDate: '2024-06-03',
        dueDate: null,
        source: 'endi',
      }),
  },
  {
    permission: SALES.paymentRecord,
    run: (trx, actor) => recordPayment(trx, actor, ids.validated, { amountCents: 1000, date: todayParis() }),
  },
  {
    permission: SALES.quoteRead,
    run: async (trx, actor) => {
      if (!(await getQuote(trx, actor, ids.quote))) throw new NotFoundError('Devis');
    },
  },
  { permission: SALES.quoteDraft, run: (trx, actor) => updateQuote(trx, actor, ids.quote, quoteInput) },
  {
    permission: SALES.customerRead,
    run: async (trx, actor) => {
      if (!(await getCustomer(trx, actor, ids.customer))) throw new NotFoundError('Client');
    },
  },
  { permission: SALES.customerWrite, run: (trx, actor) => updateCustomer(trx, actor, ids.customer, customerInput) },
  {
    permission: SALES.catalogueRead,
    run: async (trx, actor) => {
      if (!(await getCatalogueItem(trx, actor, ids.item))) throw new NotFoundError('Article');
    },
  },
  { permission: SALES.catalogueWrite, run: (trx, actor) => archiveCatalogueItem(trx, actor, ids.item) },
  { permission: SALES.reminderSettings, run: (trx, actor) => setReminderSchedule(trx, actor, [7, 30]) },
]);

test('an entrepreneur POSTing the hidden payment form is refused and nothing is written', async () => {
  assert.ok(t);
  const n = async (table: 'payment' | 'journal_entry') =>
    Number(
      (
        await testDb(t!.odb.db)
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const before = { payment: await n('payment'), entries: await n('journal_entry') };
  const ent = new TestClient(t.app);
  await ent.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const { res, html } = await ent.post(`/factures/${ids.validated}/paiement`, {
    amount: '10,00',
    date: todayParis(),
    method: 'virement',
    reference: '',
  });
  assert.equal(res.status, 403, html.slice(0, 300));
  assert.deepEqual({ payment: await n('payment'), entries: await n('journal_entry') }, before);
});

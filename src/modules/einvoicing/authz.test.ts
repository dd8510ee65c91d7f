// Every action of the e-invoicing module tried by every role, through the real services: refused
// exactly to the roles the matrix leaves out; an entrepreneur sees the e-invoicing state of the
// invoices of their own activities only.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives, testConfig } from '../../app/testing.ts';
import { ROLES, type Role } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError } from '../../core/errors.ts';
import { makeSiren } from '../../core/identifiers.ts';
import type { UserId } from '../../core/ids.ts';
import { todayParis } from '../../core/dates.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { createCustomer, createDraft, submitInvoice, validateInvoice } from '../sales/index.ts';
import { EINVOICING } from './permissions.ts';
import { savePlatform } from './platform.service.ts';
import { invoiceEInvoicing } from './transmission.service.ts';
import { listIncoming } from './incoming.service.ts';
import { eReportingSummary } from './ereporting.service.ts';

let odb: OpenDb | null = null;
after(async () => {
  await odb?.close();
});
let invoiceId = '';
const env = { fileKey: testConfig().fileKey, allowPrivateTargets: false };

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  invoiceId = await withTenant(odb.db, a.coop.id, async (tx) => {
    const c = await createCustomer(tx, a.actor('support'), {
      kind: 'company',
      name: 'Client authz',
      siren: makeSiren('61999999'),
      addressLine1: '1 rue A',
      postalCode: '69001',
      city: 'Lyon',
    });
    const d = await createDraft(tx, a.actor('support'), {
      activityId: a.activityId,
      customerId: c.id,
      lines: [
        {
          description: 'P',
          quantityMilli: 1000,
          unitPriceCents: 1000,
          vatCategory: 'S',
          vatRateBp: 2000,
          nature: 'services',
        },
      ],
    });
    await submitInvoice(tx, a.actor('support'), d.id);
    return (await validateInvoice(tx, a.actor('support'), d.id)).id;
  });
  const other = (role: Role): Role => ROLES[(ROLES.indexOf(role) + 1) % ROLES.length];
  return {
    odb: odb!,
    cooperativeId: a.coop.id,
    actor: (role) => a.actor(role),
    stranger: (role) => ({ ...a.actor(role), userId: a.users[other(role)].id as UserId }),
  };
}

authzSuite('einvoicing', world, (): AuthzCase[] => [
  {
    permission: EINVOICING.read,
    run: async (trx, actor) => {
      if (!(await invoiceEInvoicing(trx, actor, invoiceId))) throw new NotFoundError('Facture');
    },
  },
  {
    permission: EINVOICING.configure,
    run: (trx, actor) =>
      savePlatform(trx, actor, env, { adapter: 'folder', format: 'cii', name: 'PA', folder: '/tmp/pa' }),
  },
  { permission: EINVOICING.operate, run: (trx, actor) => listIncoming(trx, actor) },
  { permission: EINVOICING.report, run: (trx, actor) => eReportingSummary(trx, actor, todayParis(), todayParis()) },
]);

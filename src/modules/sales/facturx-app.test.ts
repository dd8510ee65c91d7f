// Every kind of invoice the app itself issues, from the services to the sealed PDF, passes the
// official validation kit (XSD, EN 16931, BR-FR, Factur-X profile, PDF checks) with zero errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { createCustomer } from './customer.service.ts';
import {
  createDraft,
  submitInvoice,
  validateInvoice,
  createCreditNote,
  loadInvoiceDocument,
  type InvoiceDraftInput,
} from './invoice.service.ts';
import { renderInvoicePdf } from './facturx/index.ts';

const run = promisify(execFile);
const VALIDATOR = resolve(process.cwd(), '../shared/validation/validate-cii');
const skip =
  toolSkip('/usr/bin/java', 'default-jre-headless') ||
  toolSkip(VALIDATOR, 'shared/validation (validate-cii)') ||
  toolSkip('/usr/bin/qpdf', 'qpdf');

let odb: OpenDb;
let A: TestCoop;
const dir = mkdtempSync(join(tmpdir(), 'radieuse-fx-'));
const ids: Record<string, string> = {};
before(async () => {
  if (skip) return;
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const support = A.actor('support');
  await withTenant(odb.db, A.coop.id, async (trx) => {
    const siren = makeSiren('52345678');
    ids.company = (
      await createCustomer(trx, support, {
        kind: 'company',
        name: 'Bureau Études Rhône',
        siren,
        vatNumber: frenchVatFromSiren(siren),
        addressLine1: '4 cours Lafayette',
        postalCode: '69003',
        city: 'Lyon',
        countryCode: 'FR',
        email: 'compta@ber.example',
      })
    ).id;
    ids.person = (
      await createCustomer(trx, support, {
        kind: 'individual',
        name: 'Jeanne Rivière',
        email: 'jeanne@exemple.fr',
        addressLine1: '8 place Bellecour',
        postalCode: '69002',
        city: 'Lyon',
        countryCode: 'FR',
      })
    ).id;
  });
});
after(async () => {
  await odb?.close();
});

async function issue(customer: string, over: Partial<InvoiceDraftInput>) {
  return withTenant(odb.db, A.coop.id, async (trx) => {
    const d = await createDraft(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      customerId: customer,
      lines: [],
      ...over,
    });
    await submitInvoice(trx, A.actor('entrepreneur'), d.id);
    return validateInvoice(trx, A.actor('support'), d.id);
  });
}

async function validatePdf(invoiceId: string, name: string) {
  const doc = await withTenant(odb.db, A.coop.id, (trx) => loadInvoiceDocument(trx, A.actor('accountant'), invoiceId));
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, await renderInvoicePdf(doc));
  const { stdout } = await run('bash', [VALIDATOR, file, '--fr', '--facturx'], {
    timeout: 120_000,
    maxBuffer: 16 << 20,
  }).catch((e) => e);
  const summary = String(stdout).trim().split('\n').at(-1)!;
  assert.match(summary, /^validate-cii: 0 errors, \d+ warnings \(xsd ok\)$/, `${name}:\n${stdout}`);
}

test('invoices issued by the app pass XSD, EN 16931, BR-FR and Factur-X checks', { skip }, async () => {
  const b2b = await issue(ids.company, {
    lines: [
      { description: 'Étude thermique', quantityMilli: 3000, unitPriceCents: 55000, vatCategory: 'S', vatRateBp: 2000 },
    ],
  });
  const b2c = await issue(ids.person, {
    lines: [{ description: 'Retouches', quantityMilli: 1000, unitPriceCents: 4500, vatCategory: 'S', vatRateBp: 2000 }],
  });
  const mixed = await issue(ids.company, {
    discountCents: 1000,
    discountReason: 'Remise fidélité',
    lines: [
      {
        description: 'Pose',
        quantityMilli: 7500,
        unitPriceCents: 4800,
        discountBp: 500,
        vatCategory: 'S',
        vatRateBp: 1000,
        nature: 'services',
      },
      {
        description: 'Isolant',
        quantityMilli: 12000,
        unitPriceCents: 1999,
        vatCategory: 'S',
        vatRateBp: 550,
        nature: 'goods',
      },
      {
        description: 'Quincaillerie',
        quantityMilli: 3000,
        unitPriceCents: 333,
        vatCategory: 'S',
        vatRateBp: 2000,
        nature: 'goods',
      },
    ],
  });
  const exempt = await issue(ids.company, {
    vatExemptionReason: 'Exonération de TVA, article 261-4-4° a du CGI',
    lines: [
      {
        description: 'Formation bureautique (7 h)',
        quantityMilli: 7000,
        unitPriceCents: 6000,
        vatCategory: 'E',
        vatRateBp: 0,
      },
    ],
  });
  const credit = await withTenant(odb.db, A.coop.id, async (trx) => {
    const cn = await createCreditNote(trx, A.actor('support'), b2b.id, { reason: 'Erreur de quantité' });
    return cn.status === 'validated' || cn.number ? cn : validateInvoice(trx, A.actor('support'), cn.id);
  });
  const cases: [string, string][] = [
    [b2b.id, 'b2b'],
    [b2c.id, 'b2c'],
    [mixed.id, 'mixed'],
    [exempt.id, 'exempt'],
    [credit.id, 'credit-note'],
  ];
  // Two at a time: each validation starts a JVM.
  for (let i = 0; i < cases.length; i += 2)
    await Promise.all(cases.slice(i, i + 2).map(([id, name]) => validatePdf(id, name)));
});

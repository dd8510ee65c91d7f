// Quotes: sections, discounts, sending with a signed link, online acceptance with its evidence,
// acceptance with the signed file, expiry; deposit / intermediate / balance invoices that never
// exceed the quote, the balance deducting the deposits (BT-113), valid Factur-X for both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { createCustomer } from './customer.service.ts';
import {
  submitInvoice,
  validateInvoice,
  loadInvoiceDocument,
  getInvoice,
  getLines,
  updateDraft,
} from './invoice.service.ts';
import {
  createQuote,
  getQuoteLines,
  sendQuote,
  acceptQuoteByToken,
  findQuoteByToken,
  markQuoteAccepted,
  invoiceFromQuote,
  previewFromQuote,
  quoteBilling,
  quotePdf,
  expireQuotes,
  refuseQuoteByToken,
  type QuoteInput,
} from './quote.service.ts';
import { renderInvoicePdf } from './facturx/index.ts';
import type { InvoiceValidated } from './events.ts';
import { salesDb } from './db.ts';

const run = promisify(execFile);
const VALIDATOR = resolve(process.cwd(), '../shared/validation/validate-cii');
const fxSkip =
  toolSkip('/usr/bin/java', 'default-jre-headless') ||
  toolSkip(VALIDATOR, 'shared/validation (validate-cii)') ||
  toolSkip('/usr/bin/qpdf', 'qpdf');

let odb: OpenDb;
let A: TestCoop;
let customerId: string;
const key = randomBytes(32);
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const siren = makeSiren('71234567');
  customerId = (
    await withTenant(odb.db, A.coop.id, (trx) =>
      createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'Maison Perrin',
        siren,
        vatNumber: frenchVatFromSiren(siren),
        email: 'contact@perrin.example',
        addressLine1: '12 quai Saint-Vincent',
        postalCode: '69001',
        city: 'Lyon',
        countryCode: 'FR',
      }),
    )
  ).id;
});
after(async () => {
  await odb?.close();
});
const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
const ent = () => A.actor('entrepreneur');
const refusal = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof UserError, String(e));
  assert.match(`${e.message} ${Object.values(e.fields).join(' ')}`, re);
  return true;
};

const input = (over: Partial<QuoteInput> = {}): QuoteInput => ({
  activityId: A.activityId,
  customerId,
  title: 'Rénovation de la cuisine',
  terms: 'Acompte de 30 % à la commande.',
  discountCents: 5000,
  lines: [
    { kind: 'section', description: 'Préparation' },
    {
      description: 'Dépose des meubles',
      quantityMilli: 1000,
      unitCode: 'LS',
      unitPriceCents: 45000,
      vatCategory: 'S',
      vatRateBp: 1000,
      nature: 'services',
    },
    { kind: 'section', description: 'Fournitures' },
    {
      description: 'Plan de travail chêne',
      quantityMilli: 2500,
      unitCode: 'MTR',
      unitPriceCents: 18000,
      discountBp: 1000,
      vatCategory: 'S',
      vatRateBp: 2000,
      nature: 'goods',
    },
    {
      description: 'Pose',
      quantityMilli: 6000,
      unitCode: 'HUR',
      unitPriceCents: 5500,
      vatCategory: 'S',
      vatRateBp: 1000,
      nature: 'services',
    },
  ],
  ...over,
});

test('a quote with sections, line and global discounts; PDF; numbering', async () => {
  const q = await tx((trx) => createQuote(trx, ent(), input()));
  assert.match(q.number, /^D\d{4}-0001$/);
  assert.equal(q.status, 'draft');
  // 450 + 2.5×180×0.9=405 + 330 = 1185 € − 50 € = 1135 € HT; VAT 10 % on 780 − share, 20 % on 405 − share.
  assert.equal(q.totalExclCents, 113500);
  assert.equal(q.validityDate, addDays(q.issueDate, 30));
  const lines = await tx((trx) => getQuoteLines(trx, A.coop.id, q.id));
  assert.deepEqual(
    lines.map((l) => l.kind),
    ['section', 'item', 'section', 'item', 'item'],
  );
  assert.equal(lines[3].netCents, 40500);
  const { pdf } = await tx((trx) => quotePdf(trx, ent(), q.id));
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  await assert.rejects(
    tx((trx) =>
      createQuote(
        trx,
        ent(),
        input({
          lines: [{ description: 'x', quantityMilli: -1000, unitPriceCents: 100, vatCategory: 'S', vatRateBp: 2000 }],
        }),
      ),
    ),
    refusal(/négative/),
  );
  await assert.rejects(
    tx((trx) => createQuote(trx, ent(), input({ validityDate: '2020-01-01', issueDate: '2020-02-01' }))),
    refusal(/validité/),
  );
});

test('sent with a signed link; accepted online with name, date, IP and "Bon pour accord" in the audit log', async () => {
  const q = await tx((trx) => createQuote(trx, ent(), input()));
  await assert.rejects(
    tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'deposit', percentBp: 3000 })),
    refusal(/devis accepté/),
  );
  const { link, quote } = await tx((trx) => sendQuote(trx, ent(), q.id, { publicUrl: 'https://radieuse.example' }));
  assert.equal(quote.status, 'sent');
  const token = link.split('/').pop()!;
  assert.match(link, /^https:\/\/radieuse\.example\/public\/devis\/token\/[A-Za-z0-9_-]{32}$/);
  const stored = await salesDb(odb.db)
    .selectFrom('quote')
    .select('token_hash')
    .where('id', '=', q.id)
    .executeTakeFirstOrThrow();
  assert.notEqual(stored.token_hash, token, 'only the hash is stored');
  const mail = await odb.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', 'contact@perrin.example')
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  assert.ok(mail.text_body.includes(link));
  assert.equal((mail.attachments as { filename: string }[])[0].filename, `Devis-${q.number}.pdf`);
  assert.equal(await findQuoteByToken(odb.db, 'x'.repeat(32)), null);
  await assert.rejects(
    acceptQuoteByToken(odb.db, token, { name: 'Luc Perrin', agreed: false, ip: '203.0.113.7' }),
    refusal(/Bon pour accord/),
  );
  await assert.rejects(
    acceptQuoteByToken(odb.db, token, { name: '', agreed: true, ip: '203.0.113.7' }),
    refusal(/nom/),
  );
  const accepted = await acceptQuoteByToken(odb.db, token, {
    name: 'Luc Perrin',
    agreed: true,
    ip: '203.0.113.7',
    userAgent: 'test',
  });
  assert.equal(accepted.status, 'accepted');
  assert.equal(accepted.acceptedByName, 'Luc Perrin');
  const ev = await odb.db
    .selectFrom('audit_log')
    .select(['action', 'data'])
    .where('target_id', '=', q.id)
    .where('action', '=', 'quote.accepted_online')
    .executeTakeFirstOrThrow();
  assert.equal((ev.data as Record<string, unknown>).ip, '203.0.113.7');
  assert.equal((ev.data as Record<string, unknown>).name, 'Luc Perrin');
  assert.equal((ev.data as Record<string, unknown>).agreed, 'Bon pour accord');
  assert.ok((ev.data as Record<string, unknown>).acceptedAt);
  await assert.rejects(
    acceptQuoteByToken(odb.db, token, { name: 'Luc Perrin', agreed: true, ip: '203.0.113.7' }),
    refusal(/déjà accepté/),
  );
});

test('an expired quote cannot be accepted; a refusal is recorded', async () => {
  const q = await tx((trx) =>
    createQuote(trx, ent(), input({ issueDate: addDays(todayParis(), -40), validityDate: addDays(todayParis(), -10) })),
  );
  const { link } = await tx((trx) => sendQuote(trx, ent(), q.id, { publicUrl: 'http://localhost' }));
  const token = link.split('/').pop()!;
  await assert.rejects(
    acceptQuoteByToken(odb.db, token, { name: 'Luc Perrin', agreed: true, ip: '1.2.3.4' }),
    refusal(/expiré/),
  );
  assert.equal(await tx((trx) => expireQuotes(trx, ent())), 1);
  const r = await tx((trx) => createQuote(trx, ent(), input()));
  const l2 = (await tx((trx) => sendQuote(trx, ent(), r.id, { publicUrl: 'http://localhost' }))).link;
  assert.equal((await refuseQuoteByToken(odb.db, l2.split('/').pop()!, { ip: '1.2.3.4' })).status, 'refused');
});

let depositId = '';
let balanceId = '';
test('deposit, intermediate and balance invoices never exceed the quote; the balance deducts the deposits', async () => {
  const q = await tx((trx) => createQuote(trx, ent(), input()));
  await assert.rejects(
    tx((trx) => markQuoteAccepted(trx, ent(), key, q.id, null)),
    refusal(/devis signé/),
  );
  const acc = await tx((trx) =>
    markQuoteAccepted(trx, ent(), key, q.id, {
      name: 'devis-signe.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.7 signé'),
    }),
  );
  assert.equal(acc.status, 'accepted');
  assert.ok(acc.signedFileId);
  const dep = await tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'deposit', percentBp: 3000 }));
  assert.equal(dep.typeCode, '386');
  assert.ok(
    Math.abs(dep.totalInclCents - Math.round(q.totalInclCents * 0.3)) <= 2,
    `${dep.totalInclCents} ≈ 30 % of ${q.totalInclCents}`,
  );
  const remaining = q.totalInclCents - dep.totalInclCents;
  await assert.rejects(
    tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'intermediate', amountCents: remaining + 1 })),
    refusal(/dépasserait le montant du devis/),
  );
  await assert.rejects(
    tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'intermediate', percentBp: 8000 })),
    refusal(/dépasserait le montant du devis/),
  );
  const mid = await tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'intermediate', amountCents: 40000 }));
  assert.ok(Math.abs(mid.totalInclCents - 40000) <= 2);
  await assert.rejects(
    tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'balance' })),
    refusal(/Faites d'abord valider/),
  );
  for (const id of [dep.id, mid.id])
    await tx(async (trx) => {
      await submitInvoice(trx, ent(), id);
      await validateInvoice(trx, A.actor('support'), id);
    });
  const bal = await tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'balance' }));
  // The balance repeats the quote and deducts each deposit with its VAT (negative lines naming
  // the deposit): it asks for what remains, give or take a cent of VAT rounding per group.
  const remainder = q.totalInclCents - dep.totalInclCents - mid.totalInclCents;
  assert.ok(Math.abs(bal.totalInclCents - remainder) <= 2, `${bal.totalInclCents} ≈ ${remainder}`);
  assert.equal(bal.prepaidCents, 0);
  assert.equal(bal.dueCents, bal.totalInclCents);
  const balLines = await tx((trx) => getLines(trx, ent(), bal.id));
  const deductions = balLines.filter((l) => l.quantityMilli < 0);
  assert.ok(deductions.length >= 2, 'one deduction line per deposit and VAT group');
  const validated = await tx(async (trx) => [
    (await getInvoice(trx, ent(), dep.id))!,
    (await getInvoice(trx, ent(), mid.id))!,
  ]);
  for (const v of validated)
    assert.ok(
      deductions.some((l) => l.description.includes(v.number!)),
      `a deduction line names ${v.number}: ${deductions.map((l) => l.description).join(' | ')}`,
    );
  // The author cannot edit the deductions away: they are rebuilt from the deposits.
  const edited = await tx((trx) =>
    updateDraft(trx, ent(), bal.id, {
      activityId: bal.activityId,
      customerId: bal.customerId,
      issueDate: bal.issueDate,
      discountCents: q.discountCents,
      lines: balLines.filter((l) => l.quantityMilli > 0),
    }),
  );
  assert.equal(edited.totalInclCents, bal.totalInclCents);
  const billing = await tx((trx) => quoteBilling(trx, ent(), q.id));
  assert.ok(Math.abs(billing.remainingCents) <= 2);
  await assert.rejects(
    tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'deposit', percentBp: 100 })),
    refusal(/solde/),
  );
  await tx(async (trx) => {
    await submitInvoice(trx, ent(), bal.id);
    await validateInvoice(trx, A.actor('support'), bal.id);
  });
  const doc = await tx((trx) => loadInvoiceDocument(trx, A.actor('support'), bal.id));
  assert.equal(doc.totals.prepaidCents, 0);
  assert.equal(doc.totals.dueCents, bal.totalInclCents);
  assert.equal(doc.quoteReference, q.number);
  assert.equal(doc.precedingInvoice?.number, validated[1].number, 'the balance references the last deposit (BG-3)');
  // The ledger event of the balance carries exactly what its document says.
  const ev = await odb.db
    .selectFrom('domain_event')
    .select('payload')
    .where('name', '=', 'sales.invoice.validated')
    .execute();
  const events = ev
    .map((e) => e.payload as InvoiceValidated)
    .filter((p) => ([dep.id, mid.id, bal.id] as string[]).includes(p.invoiceId));
  const balEv = events.find((p) => p.invoiceId === bal.id)!;
  assert.equal(balEv.totalInclCents, bal.totalInclCents);
  assert.equal(balEv.vatCents, bal.vatCents);
  assert.equal(balEv.totalExclCents, bal.totalExclCents);
  assert.equal(
    balEv.shares.reduce((s, x) => s + x.baseCents + x.vatCents, 0),
    bal.totalInclCents,
  );
  assert.ok(Math.abs(events.reduce((s, p) => s + p.vatCents, 0) - q.vatCents) <= 2);
  depositId = dep.id;
  balanceId = bal.id;
});

test('a deposit draft edited above the quote is refused, on edit and on validation', async () => {
  const q = await tx((trx) => createQuote(trx, ent(), input()));
  await tx((trx) =>
    markQuoteAccepted(trx, ent(), key, q.id, {
      name: 'devis-signe.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.7 signé'),
    }),
  );
  const said = await tx((trx) => previewFromQuote(trx, ent(), q.id, { kind: 'deposit', percentBp: 6000 }));
  const dep = await tx((trx) => invoiceFromQuote(trx, ent(), q.id, { kind: 'deposit', percentBp: 6000 }));
  assert.equal(said.totalInclCents, dep.totalInclCents, 'the preview says exactly what the invoice asks');
  assert.equal(said.vatCents, dep.vatCents);
  await assert.rejects(
    tx((trx) => previewFromQuote(trx, ent(), q.id, { kind: 'intermediate', percentBp: 5000 })),
    refusal(/dépasserait le montant du devis/),
  );
  const lines = await tx((trx) => getLines(trx, ent(), dep.id));
  const doubled = lines.map((l) => ({ ...l, unitPriceCents: l.unitPriceCents * 2 }));
  await assert.rejects(
    tx((trx) =>
      updateDraft(trx, ent(), dep.id, {
        activityId: dep.activityId,
        customerId: dep.customerId,
        issueDate: dep.issueDate,
        lines: doubled,
      }),
    ),
    refusal(/dépasserait le montant du devis/),
  );
  const billing = await tx((trx) => quoteBilling(trx, ent(), q.id));
  assert.equal(billing.invoicedCents, dep.totalInclCents, 'nothing written');
});

test('the deposit and the balance invoices pass XSD, EN 16931, BR-FR and Factur-X checks', {
  skip: fxSkip,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radieuse-quote-fx-'));
  await Promise.all(
    [
      [depositId, 'deposit'],
      [balanceId, 'balance'],
    ].map(async ([id, name]) => {
      const doc = await tx((trx) => loadInvoiceDocument(trx, A.actor('accountant'), id));
      const file = join(dir, `${name}.pdf`);
      writeFileSync(file, await renderInvoicePdf(doc));
      const { stdout } = await run('bash', [VALIDATOR, file, '--fr', '--facturx'], {
        timeout: 180_000,
        maxBuffer: 16 << 20,
      }).catch((e) => e);
      assert.match(
        String(stdout).trim().split('\n').at(-1)!,
        /^validate-cii: 0 errors, \d+ warnings \(xsd ok\)$/,
        `${name}:\n${stdout}`,
      );
    }),
  );
});

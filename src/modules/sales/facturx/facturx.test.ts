// Factur-X output: CII validated by the official kit (XSD, EN 16931, BR-FR, Factur-X profile and
// PDF checks), the embedded XML read back from the PDF, the visible mandatory mentions, and UBL.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildCii, buildUbl, renderInvoicePdf } from './index.ts';
import { fixtures, makeDocument, frBuyer, SELLER_SIREN } from './samples.ts';
import { formatEuros } from '../../../core/money.ts';
import { formatDateLong } from '../../../core/dates.ts';
import { formatIban } from '../../../core/identifiers.ts';
import { toolSkip } from '../../../core/testing-tools.ts';
import type { InvoiceDocument } from '../types.ts';

const run = promisify(execFile);
const VALIDATOR = resolve(process.cwd(), '../shared/validation/validate-cii');
const SUMMARY = /^validate-cii: (\d+) errors, (\d+) warnings \(xsd (ok|failed)\)$/;
const skipTools =
  toolSkip('/usr/bin/java', 'default-jre-headless') ||
  toolSkip(VALIDATOR, 'shared/validation (kit validate-cii)') ||
  toolSkip('/usr/bin/pdftotext', 'poppler-utils') ||
  toolSkip('/usr/bin/pdfdetach', 'poppler-utils') ||
  toolSkip('/usr/bin/qpdf', 'qpdf');

interface Validation {
  errors: number;
  warnings: number;
  xsdOk: boolean;
  report: string;
}
async function validate(file: string): Promise<Validation> {
  let stdout = '';
  try {
    ({ stdout } = await run('bash', [VALIDATOR, file, '--fr', '--facturx'], { timeout: 120_000, maxBuffer: 16 << 20 }));
  } catch (e) {
    stdout = (e as { stdout?: string }).stdout ?? '';
    if (!stdout) throw e;
  }
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  const m = SUMMARY.exec(last);
  if (!m) throw new Error(`validate-cii: no summary line:\n${stdout}`);
  return { errors: +m[1], warnings: +m[2], xsdOk: m[3] === 'ok', report: stdout };
}
/** Runs tasks with at most `n` in flight (the validator starts one JVM per file; 2 cores). */
async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
// pdftotext joins words hyphenated at a line end: compare without white space nor hyphens.
const squash = (s: string) => s.replace(/[\s\u00a0\u202f-]+/g, '');

/** Every mandatory mention the visible invoice must show, per document. */
function mentions(d: InvoiceDocument): string[] {
  const s = d.seller;
  const b = d.buyer;
  const m = [
    { '380': 'Facture', '381': 'Avoir', '386': "Facture d'acompte" }[d.typeCode],
    d.number,
    s.name,
    s.legalForm,
    'capital de 12 500 €',
    s.address.line1,
    `${s.address.postalCode} ${s.address.city}`,
    `SIREN ${s.siren}`,
    `RCS ${s.rcsCity}`,
    s.vatNumber!,
    s.tradingName,
    s.contactName!,
    s.contactEmail!,
    b.name,
    b.address.line1,
    `${b.address.postalCode} ${b.address.city}`,
    formatDateLong(d.issueDate),
    formatDateLong(d.dueDate!),
    ...d.lines.flatMap((l) => [l.description, l.unitLabel, formatEuros(l.unitPriceCents), formatEuros(l.netCents)]),
    'Total HT',
    formatEuros(d.totals.taxBasisCents),
    'Total TTC',
    formatEuros(d.totals.grandTotalCents),
    formatEuros(d.totals.dueCents),
    ...d.vatBreakdown.map((v) => formatEuros(v.vatCents)),
    d.latePenaltyText,
    d.earlyPaymentText,
    ...d.vatMentions,
  ];
  // A credit note asks for no payment: no terms, no IBAN; it says so instead.
  if (d.typeCode === '381') m.push('Aucun paiement à effectuer');
  else m.push(d.paymentTermsText, formatIban(d.payment.iban!), d.payment.bic!);
  if (d.deliveryDate) m.push(formatDateLong(d.deliveryDate));
  if (b.siren) m.push(`SIREN ${b.siren}`);
  if (b.vatNumber) m.push(b.vatNumber);
  if (d.recoveryIndemnityText) m.push(d.recoveryIndemnityText, '40 €');
  if (d.precedingInvoice)
    m.push(`facture n° ${d.precedingInvoice.number} du ${formatDateLong(d.precedingInvoice.issueDate)}`);
  if (d.totals.prepaidCents) m.push(formatEuros(-d.totals.prepaidCents));
  for (const l of d.lines) if (l.discountBp) m.push(`${l.discountBp / 100} %`);
  for (const a of d.allowances) m.push(a.reason, formatEuros(-a.amountCents));
  for (const v of d.vatBreakdown) if (v.exemptionReason) m.push(v.exemptionReason);
  return m;
}

describe('Factur-X CII + PDF/A-3 (validate-cii --fr --facturx)', { skip: skipTools }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'radieuse-facturx-'));
  const names = Object.keys(fixtures);
  const results = new Map<string, Validation>();
  before(async () => {
    for (const k of names) writeFileSync(join(dir, `${k}.pdf`), await renderInvoicePdf(fixtures[k]));
    const res = await pool(names, 3, (k) => validate(join(dir, `${k}.pdf`)));
    for (const [i, k] of names.entries()) results.set(k, res[i]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const k of names) {
    test(`${k}: 0 errors, XSD ok, embedded XML = buildCii, mandatory mentions visible`, async () => {
      const d = fixtures[k];
      const file = join(dir, `${k}.pdf`);
      const r = results.get(k)!;
      const findings = r.report.split('\n').filter((l) => /^(ERROR|WARNING|XSD)/.test(l));
      if (r.warnings) console.log(`# ${k}: ${r.warnings} warning(s)\n# ${findings.join('\n# ')}`);
      assert.equal(r.xsdOk, true, r.report);
      assert.equal(r.errors, 0, r.report);

      const out = join(dir, `${k}.xml`);
      await run('pdfdetach', ['-save', '1', '-o', out, file]);
      assert.equal(readFileSync(out, 'utf8'), buildCii(d));
      const { stdout: list } = await run('pdfdetach', ['-list', file]);
      assert.match(list, /1 embedded files[\s\S]*1: factur-x\.xml/);

      const { stdout: text } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      const page = squash(text);
      for (const m of mentions(d)) assert.ok(page.includes(squash(m)), `${k}: the PDF does not show « ${m} »`);
      if (d.typeCode === '381')
        assert.ok(!page.includes(squash(formatIban(d.payment.iban!))), `${k}: IBAN on a credit note`);
    });
  }

  test('PDF/A-3 structure: fonts embedded, XMP Factur-X, catalog /AF, deterministic', async () => {
    const file = join(dir, 'standard.pdf');
    const { stdout: fonts } = await run('pdffonts', [file]);
    const rows = fonts.split('\n').slice(2).filter(Boolean);
    assert.ok(rows.length >= 1);
    for (const r of rows) assert.match(r, /DejaVuSans.*\byes\s+yes\s+yes\b/, `font not embedded: ${r}`);
    const raw = readFileSync(file).toString('latin1');
    assert.match(raw, /^%PDF-1\.7/);
    assert.match(raw, /<pdfaid:part>3<\/pdfaid:part>/);
    assert.match(raw, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    assert.match(raw, /<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
    assert.match(raw, /\/AFRelationship \/Alternative/);
    assert.match(raw, /\/Lang \(fr-FR\)/);
    const again = await renderInvoicePdf(fixtures.standard);
    assert.ok(again.equals(readFileSync(file)), 'rendering the same document twice gives the same bytes');
  });
});

describe('PDF text layer', { skip: toolSkip('/usr/bin/pdftotext', 'poppler-utils') }, () => {
  // The parsed font is shared by the documents of a process (pdf.ts, documentFonts): a glyph met
  // by one document only inside a composite glyph ("³" inside "¾") must keep its character for
  // the next document that draws it, or that one's text cannot be searched or copied.
  test('a character drawn by one document stays text in the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radieuse-facturx-text-'));
    try {
      const doc = (number: string, description: string) =>
        makeDocument({
          number,
          issueDate: '2026-11-02',
          buyer: frBuyer,
          lines: [{ description, quantityMilli: 1000, unitPriceCents: 10000, vatCategory: 'S', vatRateBp: 2000 }],
        });
      await renderInvoicePdf(doc('F2026-TXT-1', 'Enduit des ¾ de la façade'));
      const file = join(dir, 'second.pdf');
      writeFileSync(file, await renderInvoicePdf(doc('F2026-TXT-2', 'Béton au m³')));
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      assert.ok(stdout.includes('Béton au m³'), stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CII writer', () => {
  test('French specifics: BT-23, BT-24, SIREN 0002, endpoints 0225, PMT/PMD/AAB, amounts with 2 decimals', () => {
    const xml = buildCii(fixtures.standard);
    assert.equal(XMLValidator.validate(xml), true);
    assert.match(xml, /<ram:BusinessProcessSpecifiedDocumentContextParameter>\s*<ram:ID>S1<\/ram:ID>/);
    assert.match(xml, /<ram:ID>urn:cen\.eu:en16931:2017<\/ram:ID>/);
    assert.ok(xml.includes(`<ram:ID schemeID="0002">${SELLER_SIREN}</ram:ID>`));
    assert.ok(xml.includes(`<ram:URIID schemeID="0225">${SELLER_SIREN}</ram:URIID>`));
    for (const code of ['PMT', 'PMD', 'AAB'])
      assert.ok(xml.includes(`<ram:SubjectCode>${code}</ram:SubjectCode>`), code);
    for (const m of xml.matchAll(/<ram:(?:\w*Amount)[^>]*>([^<]*)</g)) assert.match(m[1], /^-?\d+\.\d{2}$/);
    // XML escaping of the description "<logo & charte>" and of the buyer's quotes
    assert.ok(xml.includes('&lt;logo &amp; charte&gt;'));
    assert.ok(xml.includes('&quot;Au Bon Pain&quot;'));
  });
  test('no PMT note without recovery indemnity (consumer buyer)', () => {
    const d = makeDocument({
      number: 'F2026-B2C-1',
      issueDate: '2026-11-02',
      buyer: { ...frBuyer, isBusiness: false, siren: null, vatNumber: null },
      lines: [
        { description: 'Portrait', quantityMilli: 1000, unitPriceCents: 10000, vatCategory: 'S', vatRateBp: 2000 },
      ],
    });
    const xml = buildCii(d);
    assert.ok(!xml.includes('<ram:SubjectCode>PMT</ram:SubjectCode>'));
    assert.ok(xml.includes('<ram:SubjectCode>PMD</ram:SubjectCode>'));
  });
  test('credit note 381 references the invoice (BT-25/BT-26); VAT categories carry exemption codes', () => {
    const cn = buildCii(fixtures.creditNote);
    assert.match(cn, /<ram:TypeCode>381<\/ram:TypeCode>/);
    assert.match(
      cn,
      /<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>F2026-LUMEN-0042<\/ram:IssuerAssignedID>\s*<ram:FormattedIssueDateTime>\s*<qdt:DateTimeString format="102">20260915</,
    );
    assert.match(buildCii(fixtures.reverseCharge), /<ram:ExemptionReasonCode>VATEX-EU-AE</);
    assert.match(buildCii(fixtures.intraEu), /<ram:ExemptionReasonCode>VATEX-EU-IC</);
    assert.match(buildCii(fixtures.export), /<ram:ExemptionReasonCode>VATEX-EU-G</);
    assert.match(buildCii(fixtures.exempt), /<ram:ExemptionReasonCode>VATEX-FR-CGI261-4</);
    assert.match(buildCii(fixtures.deposit), /<ram:TypeCode>386<\/ram:TypeCode>/);
  });
});

describe('UBL writer', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    processEntities: true,
    parseTagValue: false,
    isArray: (n) => ['InvoiceLine', 'CreditNoteLine', 'TaxSubtotal', 'Note', 'AllowanceCharge'].includes(n),
  });
  test('Invoice: well-formed, key fields', () => {
    const d = fixtures.mixed;
    const xml = buildUbl(d);
    assert.equal(XMLValidator.validate(xml), true);
    const inv = parser.parse(xml).Invoice;
    assert.equal(inv.CustomizationID, 'urn:cen.eu:en16931:2017');
    assert.equal(inv.ProfileID, 'M1');
    assert.equal(inv.ID, d.number);
    assert.equal(inv.IssueDate, d.issueDate);
    assert.equal(inv.DueDate, d.dueDate);
    assert.equal(inv.InvoiceTypeCode, '380');
    assert.equal(inv.DocumentCurrencyCode, 'EUR');
    assert.ok(inv.Note.some((n: string) => n.startsWith('#PMT#')));
    const sup = inv.AccountingSupplierParty.Party;
    assert.equal(sup.EndpointID['#text'], SELLER_SIREN);
    assert.equal(sup.EndpointID['@schemeID'], '0225');
    assert.equal(sup.PartyLegalEntity.CompanyID['#text'], SELLER_SIREN);
    assert.equal(sup.PartyLegalEntity.CompanyID['@schemeID'], '0002');
    assert.equal(sup.PartyTaxScheme.CompanyID, d.seller.vatNumber);
    assert.equal(inv.AccountingCustomerParty.Party.PartyLegalEntity.RegistrationName, d.buyer.name);
    assert.equal(inv.InvoiceLine.length, d.lines.length);
    assert.equal(inv.InvoiceLine[0].LineExtensionAmount['#text'], '243.00');
    assert.equal(inv.TaxTotal.TaxSubtotal.length, 3);
    const lmt = inv.LegalMonetaryTotal;
    assert.equal(lmt.TaxExclusiveAmount['#text'], '1515.77');
    assert.equal(lmt.TaxInclusiveAmount['#text'], '1716.09');
    assert.equal(lmt.PrepaidAmount['#text'], '300.00');
    assert.equal(lmt.PayableAmount['#text'], '1416.09');
    assert.equal(inv.AllowanceCharge[0].Amount['#text'], '25.00');
    assert.equal(inv.PaymentMeans.PayeeFinancialAccount.ID, d.payment.iban);
  });
  test('CreditNote 381 with billing reference; exemption reason codes', () => {
    const xml = buildUbl(fixtures.creditNote);
    assert.equal(XMLValidator.validate(xml), true);
    const cn = parser.parse(xml).CreditNote;
    assert.equal(cn.CreditNoteTypeCode, '381');
    assert.equal(cn.BillingReference.InvoiceDocumentReference.ID, 'F2026-LUMEN-0042');
    assert.equal(cn.BillingReference.InvoiceDocumentReference.IssueDate, '2026-09-15');
    assert.equal(cn.CreditNoteLine.length, 1);
    assert.equal(cn.CreditNoteLine[0].CreditedQuantity['@unitCode'], 'C62');
    const ic = parser.parse(buildUbl(fixtures.intraEu)).Invoice;
    assert.equal(ic.TaxTotal.TaxSubtotal[0].TaxCategory.TaxExemptionReasonCode, 'VATEX-EU-IC');
    assert.equal(ic.AccountingCustomerParty.Party.EndpointID['@schemeID'], '9930');
    assert.equal(ic.Delivery.DeliveryLocation.Address.Country.IdentificationCode, 'DE');
  });
});

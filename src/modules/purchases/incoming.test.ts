// Incoming invoices read back field by field: a Factur-X PDF produced by our own sales module,
// its UBL twin, a CII written by hand here, a plain PDF (text suggestions) and a receipt photo (OCR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { toolSkip } from '../../core/testing-tools.ts';
import { UserError } from '../../core/errors.ts';
import { makeIban, makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { buildCii, buildUbl, renderInvoicePdf, type InvoiceDocument } from '../sales/index.ts';
import { fixtures, SELLER_SIREN, SELLER_IBAN, seller } from '../sales/testing.ts';
import { readIncomingDocument, parseInvoiceXml, extractEmbeddedXml, type ParsedInvoice } from './incoming.ts';

function sameAsDocument(p: ParsedInvoice, d: InvoiceDocument) {
  assert.equal(p.structured, true);
  assert.equal(p.number, d.number);
  assert.equal(p.typeCode, d.typeCode);
  assert.equal(p.issueDate, d.issueDate);
  assert.equal(p.dueDate, d.dueDate);
  assert.equal(p.currency, 'EUR');
  assert.equal(p.seller.name, seller.name);
  assert.equal(p.seller.siren, SELLER_SIREN);
  assert.equal(p.seller.vatNumber, seller.vatNumber);
  assert.equal(p.seller.iban, SELLER_IBAN);
  assert.equal(p.seller.bic, seller.bic);
  assert.equal(p.seller.postalCode, seller.address.postalCode);
  assert.equal(p.seller.city, seller.address.city);
  assert.equal(p.seller.countryCode, 'FR');
  assert.equal(p.buyerName, d.buyer.name);
  assert.equal(p.lines.length, d.lines.length);
  d.lines.forEach((l, i) => {
    assert.equal(p.lines[i].description, l.description);
    assert.equal(p.lines[i].netCents, l.netCents);
    assert.equal(p.lines[i].vatRateBp, l.vatRateBp);
    assert.equal(p.lines[i].vatCategory, l.vatCategory);
    assert.equal(p.lines[i].quantityMilli, l.quantityMilli);
  });
  assert.deepEqual(
    p.vat.map((v) => [v.category, v.rateBp, v.baseCents, v.vatCents]),
    d.vatBreakdown.map((v) => [v.vatCategory, v.vatRateBp, v.baseCents, v.vatCents]),
  );
  assert.equal(p.totalExclCents, d.totals.taxBasisCents);
  assert.equal(p.vatCents, d.totals.vatCents);
  assert.equal(p.totalInclCents, d.totals.grandTotalCents);
  assert.equal(p.dueCents, d.totals.dueCents);
}

test('Factur-X PDF from our sales module: factur-x.xml extracted and every field read back', async () => {
  for (const k of ['standard', 'mixed']) {
    const d = fixtures[k];
    const pdf = await renderInvoicePdf(d);
    assert.equal(extractEmbeddedXml(pdf), buildCii(d));
    const p = await readIncomingDocument(pdf, 'application/pdf');
    assert.equal(p.format, 'facturx');
    sameAsDocument(p, d);
  }
});

test('UBL from our sales module is read back too', () => {
  const d = fixtures.mixed;
  const p = parseInvoiceXml(buildUbl(d));
  assert.equal(p.format, 'ubl');
  sameAsDocument(p, d);
});

const HAND_SIREN = makeSiren('73282932');
const HAND_IBAN = makeIban('FR', '20041010050500013M02606');
const HAND_CII = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>FA-2026/0917</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20261103</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Ramette papier A4 &amp; enveloppes</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>4.995</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">10</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>49.95</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>2</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Guide fiscal 2027</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>32.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">1.5</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>5.5</ram:RateApplicablePercent></ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>48.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Bureau Vallée Part-Dieu</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">${HAND_SIREN}</ram:ID></ram:SpecifiedLegalOrganization>
        <ram:PostalTradeAddress><ram:PostcodeCode>69003</ram:PostcodeCode><ram:LineOne>17 rue Servient</ram:LineOne><ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">${frenchVatFromSiren(HAND_SIREN)}</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Coopérative Soleil</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>${HAND_IBAN}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax><ram:CalculatedAmount>9.99</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>49.95</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
      <ram:ApplicableTradeTax><ram:CalculatedAmount>2.64</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>48.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>5.5</ram:RateApplicablePercent></ram:ApplicableTradeTax>
      <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20261203</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>97.95</ram:LineTotalAmount><ram:TaxBasisTotalAmount>97.95</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">12.63</ram:TaxTotalAmount><ram:GrandTotalAmount>110.58</ram:GrandTotalAmount>
        <ram:DuePayableAmount>110.58</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;

test('CII written by hand: every field read', async () => {
  const p = await readIncomingDocument(Buffer.from(HAND_CII), 'text/xml');
  assert.equal(p.format, 'cii');
  assert.equal(p.structured, true);
  assert.equal(p.number, 'FA-2026/0917');
  assert.equal(p.typeCode, '380');
  assert.equal(p.issueDate, '2026-11-03');
  assert.equal(p.dueDate, '2026-12-03');
  assert.equal(p.currency, 'EUR');
  assert.deepEqual(p.seller, {
    name: 'Bureau Vallée Part-Dieu',
    siren: HAND_SIREN,
    vatNumber: frenchVatFromSiren(HAND_SIREN),
    iban: HAND_IBAN,
    bic: null,
    addressLine1: '17 rue Servient',
    postalCode: '69003',
    city: 'Lyon',
    countryCode: 'FR',
  });
  assert.equal(p.buyerName, 'Coopérative Soleil');
  assert.deepEqual(p.lines, [
    {
      description: 'Ramette papier A4 & enveloppes',
      quantityMilli: 10_000,
      netCents: 4_995,
      vatCategory: 'S',
      vatRateBp: 2000,
    },
    { description: 'Guide fiscal 2027', quantityMilli: 1_500, netCents: 4_800, vatCategory: 'S', vatRateBp: 550 },
  ]);
  assert.deepEqual(p.vat, [
    { category: 'S', rateBp: 2000, baseCents: 4_995, vatCents: 999 },
    { category: 'S', rateBp: 550, baseCents: 4_800, vatCents: 264 },
  ]);
  assert.equal(p.totalExclCents, 9_795);
  assert.equal(p.vatCents, 1_263);
  assert.equal(p.totalInclCents, 11_058);
  assert.equal(p.dueCents, 11_058);
});

test('hostile or foreign XML refused with a French message', () => {
  const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><rsm:CrossIndustryInvoice xmlns:rsm="x">&lol;</rsm:CrossIndustryInvoice>`;
  assert.throws(
    () => parseInvoiceXml(bomb),
    (e: unknown) => e instanceof UserError && /DOCTYPE/.test(e.message),
  );
  assert.throws(
    () => parseInvoiceXml('<commande><id>1</id></commande>'),
    (e: unknown) => e instanceof UserError && /n'est pas une facture/.test(e.message),
  );
});

function drawPdf(draw: (doc: PDFKit.PDFDocument) => void, size: [number, number] = [595, 842]): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size, margin: 24 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    draw(doc);
    doc.end();
  });
}

test('plain PDF invoice: fields suggested from its text', async () => {
  const siren = makeSiren('44306184');
  const pdf = await drawPdf((d) => {
    d.font('Helvetica').fontSize(16).text('Garage des Alpes');
    d.fontSize(10).text(`SIRET ${siren}00012 — TVA intracommunautaire ${frenchVatFromSiren(siren)}`);
    d.text('Facture n° GA-7781');
    d.text('Date : 04/11/2026');
    d.text('Échéance : 04/12/2026');
    d.moveDown().text('Vidange et filtres          180,00');
    d.text('Total HT                    180,00');
    d.text('TVA 20 %                     36,00');
    d.text('Total TTC                   216,00 €');
    d.text(`IBAN : ${makeIban('FR', '30003012340001234567890').replace(/(.{4})/g, '$1 ')}`);
  });
  const p = await readIncomingDocument(pdf, 'application/pdf');
  assert.equal(p.format, 'pdf-text');
  assert.equal(p.structured, false);
  assert.equal(p.totalInclCents, 21_600);
  assert.equal(p.vatCents, 3_600);
  assert.equal(p.totalExclCents, 18_000);
  assert.equal(p.issueDate, '2026-11-04');
  assert.equal(p.dueDate, '2026-12-04');
  assert.equal(p.seller.siren, siren);
  assert.equal(p.seller.vatNumber, frenchVatFromSiren(siren));
  assert.equal(p.seller.iban, makeIban('FR', '30003012340001234567890'));
  assert.equal(p.number, 'GA-7781');
  assert.equal(p.seller.name, 'Garage des Alpes');
});

const skipOcr = toolSkip('/usr/bin/pdftoppm', 'poppler-utils');
test('receipt photo read by OCR (French data from npm, offline): right total and date', { skip: skipOcr }, async () => {
  const pdf = await drawPdf(
    (d) => {
      d.font('Helvetica-Bold').fontSize(15).text('BRASSERIE DU MARCHÉ');
      d.font('Helvetica').fontSize(11).text('12 rue de la Gare, 69003 Lyon');
      d.text('Le 14/10/2026 à 12:41');
      d.moveDown();
      d.text('Plat du jour            14,50');
      d.text('Café                     2,30');
      d.moveDown();
      d.font('Helvetica-Bold').fontSize(13).text('TOTAL TTC            16,80 EUR');
      d.font('Helvetica').fontSize(11).text('dont TVA 10 %          1,53');
      d.text('Merci de votre visite');
    },
    [300, 380],
  );
  const dir = mkdtempSync(join(tmpdir(), 'ocr-'));
  try {
    const file = join(dir, 'recu.pdf');
    (await import('node:fs')).writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-png', '-r', '200', '-singlefile', file, join(dir, 'recu')]);
    const png = readFileSync(join(dir, 'recu.png'));
    const p = await readIncomingDocument(png, 'image/png');
    assert.equal(p.format, 'ocr');
    assert.equal(p.totalInclCents, 1_680);
    assert.equal(p.issueDate, '2026-10-14');
    assert.equal(p.vatCents, 153);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// UN/CEFACT CII D16B writer, Factur-X EN 16931 profile, with the French BR-FR requirements.
// Validated by ../shared/validation/validate-cii (XSD, EN 16931, BR-FR, Factur-X) in facturx.test.ts.
import type { InvoiceDocument, PostalAddress, VatCategory } from '../types.ts';
import {
  amt,
  buyerEndpoint,
  d102,
  documentNotes,
  defaultExemptionCode,
  defaultExemptionText,
  el,
  esc,
  indent,
  pct,
  wrap,
} from './xml.ts';
import { milliToDecimal } from '../../../core/money.ts';

const NS =
  'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"' +
  ' xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"' +
  ' xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"' +
  ' xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"';

const EXEMPT: ReadonlySet<VatCategory> = new Set(['E', 'AE', 'K', 'G', 'O']);

const udtDate = (iso: string) => `<udt:DateTimeString format="102">${d102(iso)}</udt:DateTimeString>`;
const qdtDate = (iso: string) => `<qdt:DateTimeString format="102">${d102(iso)}</qdt:DateTimeString>`;

function address(a: PostalAddress): string {
  return wrap('ram:PostalTradeAddress', [
    el('ram:PostcodeCode', a.postalCode),
    el('ram:LineOne', a.line1),
    el('ram:LineTwo', a.line2 || null),
    el('ram:CityName', a.city),
    el('ram:CountryID', a.countryCode.toUpperCase()),
  ]);
}

function categoryTax(cat: VatCategory, bp: number): string {
  return wrap('ram:CategoryTradeTax', [
    el('ram:TypeCode', 'VAT'),
    el('ram:CategoryCode', cat),
    el('ram:RateApplicablePercent', pct(bp)),
  ]);
}

/** Gross line amount before the line discount, as lineAmount() in core/money computes it. */
function lineGross(unitPriceCents: number, quantityMilli: number): number {
  const p = BigInt(unitPriceCents) * BigInt(quantityMilli);
  const neg = p < 0n;
  const a = neg ? -p : p;
  const q = (2n * a + 1000n) / 2000n;
  return Number(neg ? -q : q);
}

export function buildCii(doc: InvoiceDocument): string {
  const { seller, buyer, totals } = doc;
  const notes = documentNotes(doc).map((n) =>
    wrap('ram:IncludedNote', [el('ram:Content', n.text), n.code ? el('ram:SubjectCode', n.code) : '']),
  );

  const lines = doc.lines.map((l, i) => {
    const gross = lineGross(l.unitPriceCents, l.quantityMilli);
    const discount = gross - l.netCents;
    const allowance =
      discount !== 0
        ? wrap('ram:SpecifiedTradeAllowanceCharge', [
            '<ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>',
            l.discountBp ? el('ram:CalculationPercent', pct(l.discountBp)) : '',
            l.discountBp ? el('ram:BasisAmount', amt(gross)) : '',
            el('ram:ActualAmount', amt(discount)),
            el('ram:ReasonCode', '95'),
            el('ram:Reason', 'Remise'),
          ])
        : '';
    return wrap('ram:IncludedSupplyChainTradeLineItem', [
      wrap('ram:AssociatedDocumentLineDocument', [el('ram:LineID', l.id || String(i + 1))]),
      wrap('ram:SpecifiedTradeProduct', [el('ram:Name', l.description)]),
      wrap('ram:SpecifiedLineTradeAgreement', [
        wrap('ram:NetPriceProductTradePrice', [el('ram:ChargeAmount', amt(l.unitPriceCents))]),
      ]),
      wrap('ram:SpecifiedLineTradeDelivery', [
        el('ram:BilledQuantity', milliToDecimal(l.quantityMilli), { unitCode: l.unitCode }),
      ]),
      wrap('ram:SpecifiedLineTradeSettlement', [
        wrap('ram:ApplicableTradeTax', [
          el('ram:TypeCode', 'VAT'),
          el('ram:CategoryCode', l.vatCategory),
          el('ram:RateApplicablePercent', pct(l.vatRateBp)),
        ]),
        allowance,
        wrap('ram:SpecifiedTradeSettlementLineMonetarySummation', [el('ram:LineTotalAmount', amt(l.netCents))]),
      ]),
    ]);
  });

  const endpoint = buyerEndpoint(buyer);
  const sellerParty = wrap('ram:SellerTradeParty', [
    el('ram:Name', seller.name),
    el(
      'ram:Description',
      `${seller.legalForm} au capital de ${amt(seller.capitalCents)} EUR - RCS ${seller.rcsCity} ${seller.siren}`,
    ),
    wrap('ram:SpecifiedLegalOrganization', [
      el('ram:ID', seller.siren, { schemeID: '0002' }),
      el('ram:TradingBusinessName', seller.tradingName),
    ]),
    wrap('ram:DefinedTradeContact', [
      el('ram:PersonName', seller.contactName),
      wrap('ram:TelephoneUniversalCommunication', [el('ram:CompleteNumber', seller.phone)]),
      wrap('ram:EmailURIUniversalCommunication', [el('ram:URIID', seller.contactEmail ?? seller.email)]),
    ]),
    address(seller.address),
    wrap('ram:URIUniversalCommunication', [el('ram:URIID', seller.siren, { schemeID: '0225' })]),
    wrap('ram:SpecifiedTaxRegistration', [el('ram:ID', seller.vatNumber, { schemeID: 'VA' })]),
  ]);
  const buyerParty = wrap('ram:BuyerTradeParty', [
    el('ram:Name', buyer.name),
    wrap('ram:SpecifiedLegalOrganization', [el('ram:ID', buyer.siren, { schemeID: '0002' })]),
    address(buyer.address),
    endpoint
      ? wrap('ram:URIUniversalCommunication', [el('ram:URIID', endpoint.id, { schemeID: endpoint.scheme })])
      : '',
    wrap('ram:SpecifiedTaxRegistration', [el('ram:ID', buyer.vatNumber, { schemeID: 'VA' })]),
  ]);
  const agreement = wrap('ram:ApplicableHeaderTradeAgreement', [
    el('ram:BuyerReference', buyer.reference),
    sellerParty,
    buyerParty,
    doc.quoteReference
      ? wrap('ram:SellerOrderReferencedDocument', [el('ram:IssuerAssignedID', doc.quoteReference)])
      : '',
  ]);

  // Deliver-to (BG-13): when it differs from the billing address, and always for intra-EU supplies (BR-IC-12).
  const needsShipTo = buyer.deliveryAddress !== null || doc.vatBreakdown.some((v) => v.vatCategory === 'K');
  const shipTo = needsShipTo
    ? wrap('ram:ShipToTradeParty', [el('ram:Name', buyer.name), address(buyer.deliveryAddress ?? buyer.address)])
    : '';
  const delivery = `<ram:ApplicableHeaderTradeDelivery>${shipTo}${
    doc.deliveryDate
      ? `<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>${udtDate(doc.deliveryDate)}</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>`
      : ''
  }</ram:ApplicableHeaderTradeDelivery>`;

  const paymentMeans = wrap('ram:SpecifiedTradeSettlementPaymentMeans', [
    el('ram:TypeCode', doc.payment.meansCode),
    el('ram:Information', doc.payment.meansCode === '58' ? 'Virement SEPA' : 'Virement'),
    doc.payment.iban
      ? wrap('ram:PayeePartyCreditorFinancialAccount', [
          el('ram:IBANID', doc.payment.iban.replace(/\s/g, '')),
          el('ram:AccountName', seller.name),
        ])
      : '',
    doc.payment.bic ? wrap('ram:PayeeSpecifiedCreditorFinancialInstitution', [el('ram:BICID', doc.payment.bic)]) : '',
  ]);
  const taxes = doc.vatBreakdown.map((v) => {
    const exempt = EXEMPT.has(v.vatCategory);
    return wrap('ram:ApplicableTradeTax', [
      el('ram:CalculatedAmount', amt(v.vatCents)),
      el('ram:TypeCode', 'VAT'),
      exempt ? el('ram:ExemptionReason', v.exemptionReason ?? defaultExemptionText(v.vatCategory)) : '',
      el('ram:BasisAmount', amt(v.baseCents)),
      el('ram:CategoryCode', v.vatCategory),
      exempt ? el('ram:ExemptionReasonCode', v.exemptionCode ?? defaultExemptionCode(v.vatCategory)) : '',
      el('ram:RateApplicablePercent', pct(v.vatRateBp)),
    ]);
  });
  const allowances = doc.allowances.map((a) =>
    wrap('ram:SpecifiedTradeAllowanceCharge', [
      '<ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>',
      el('ram:ActualAmount', amt(a.amountCents)),
      el('ram:Reason', a.reason),
      categoryTax(a.vatCategory, a.vatRateBp),
    ]),
  );
  const terms = wrap('ram:SpecifiedTradePaymentTerms', [
    el('ram:Description', doc.paymentTermsText || null),
    doc.dueDate ? `<ram:DueDateDateTime>${udtDate(doc.dueDate)}</ram:DueDateDateTime>` : '',
  ]);
  const summation = wrap('ram:SpecifiedTradeSettlementHeaderMonetarySummation', [
    el('ram:LineTotalAmount', amt(totals.linesNetCents)),
    doc.allowances.length ? el('ram:AllowanceTotalAmount', amt(totals.allowancesCents)) : '',
    el('ram:TaxBasisTotalAmount', amt(totals.taxBasisCents)),
    el('ram:TaxTotalAmount', amt(totals.vatCents), { currencyID: doc.currency }),
    el('ram:GrandTotalAmount', amt(totals.grandTotalCents)),
    totals.prepaidCents ? el('ram:TotalPrepaidAmount', amt(totals.prepaidCents)) : '',
    el('ram:DuePayableAmount', amt(totals.dueCents)),
  ]);
  const preceding = doc.precedingInvoice
    ? wrap('ram:InvoiceReferencedDocument', [
        el('ram:IssuerAssignedID', doc.precedingInvoice.number),
        `<ram:FormattedIssueDateTime>${qdtDate(doc.precedingInvoice.issueDate)}</ram:FormattedIssueDateTime>`,
      ])
    : '';
  const settlement = wrap('ram:ApplicableHeaderTradeSettlement', [
    el('ram:PaymentReference', doc.payment.remittance || doc.number),
    el('ram:InvoiceCurrencyCode', doc.currency),
    paymentMeans,
    ...taxes,
    ...allowances,
    terms,
    summation,
    preceding,
  ]);

  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><rsm:CrossIndustryInvoice ${NS}>` +
    '<rsm:ExchangedDocumentContext>' +
    wrap('ram:BusinessProcessSpecifiedDocumentContextParameter', [el('ram:ID', doc.businessProcess)]) +
    wrap('ram:GuidelineSpecifiedDocumentContextParameter', [el('ram:ID', 'urn:cen.eu:en16931:2017')]) +
    '</rsm:ExchangedDocumentContext>' +
    `<rsm:ExchangedDocument>${el('ram:ID', doc.number)}${el('ram:TypeCode', doc.typeCode)}` +
    `<ram:IssueDateTime>${udtDate(doc.issueDate)}</ram:IssueDateTime>${notes.join('')}</rsm:ExchangedDocument>` +
    `<rsm:SupplyChainTradeTransaction>${lines.join('')}${agreement}${delivery}${settlement}</rsm:SupplyChainTradeTransaction>` +
    '</rsm:CrossIndustryInvoice>';
  return indent(xml);
}

export { esc };

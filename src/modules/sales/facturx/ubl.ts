// UBL 2.1 Invoice / CreditNote writer, EN 16931 (CustomizationID urn:cen.eu:en16931:2017), same
// content and French specifics as the CII writer (BT-23, SIREN 0002, endpoints 0225, PMT/PMD/AAB notes).
import type { InvoiceDocument, PostalAddress, VatCategory } from '../types.ts';
import {
  amt,
  buyerEndpoint,
  documentNotes,
  defaultExemptionCode,
  defaultExemptionText,
  el,
  indent,
  pct,
  wrap,
} from './xml.ts';
import { milliToDecimal } from '../../../core/money.ts';

const EXEMPT: ReadonlySet<VatCategory> = new Set(['E', 'AE', 'K', 'G', 'O']);

function address(a: PostalAddress): string {
  return wrap('cac:PostalAddress', [
    el('cbc:StreetName', a.line1),
    el('cbc:AdditionalStreetName', a.line2 || null),
    el('cbc:CityName', a.city),
    el('cbc:PostalZone', a.postalCode),
    wrap('cac:Country', [el('cbc:IdentificationCode', a.countryCode.toUpperCase())]),
  ]);
}
const taxScheme = '<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>';

export function buildUbl(doc: InvoiceDocument): string {
  const credit = doc.typeCode === '381';
  const root = credit ? 'CreditNote' : 'Invoice';
  const lineTag = credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine';
  const qtyTag = credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity';
  const { seller, buyer, totals, currency } = doc;
  const money = (tag: string, cents: number) => el(tag, amt(cents), { currencyID: currency });

  const notes = documentNotes(doc).map((n) => el('cbc:Note', n.code ? `#${n.code}#${n.text}` : n.text));

  const endpoint = buyerEndpoint(buyer);
  const supplier = wrap('cac:AccountingSupplierParty', [
    wrap('cac:Party', [
      el('cbc:EndpointID', seller.siren, { schemeID: '0225' }),
      wrap('cac:PartyName', [el('cbc:Name', seller.tradingName)]),
      address(seller.address),
      seller.vatNumber ? wrap('cac:PartyTaxScheme', [el('cbc:CompanyID', seller.vatNumber), taxScheme]) : '',
      wrap('cac:PartyLegalEntity', [
        el('cbc:RegistrationName', seller.name),
        el('cbc:CompanyID', seller.siren, { schemeID: '0002' }),
        el(
          'cbc:CompanyLegalForm',
          `${seller.legalForm} au capital de ${amt(seller.capitalCents)} EUR - RCS ${seller.rcsCity} ${seller.siren}`,
        ),
      ]),
      wrap('cac:Contact', [
        el('cbc:Name', seller.contactName),
        el('cbc:Telephone', seller.phone),
        el('cbc:ElectronicMail', seller.contactEmail ?? seller.email),
      ]),
    ]),
  ]);
  const customer = wrap('cac:AccountingCustomerParty', [
    wrap('cac:Party', [
      endpoint ? el('cbc:EndpointID', endpoint.id, { schemeID: endpoint.scheme }) : '',
      address(buyer.address),
      buyer.vatNumber ? wrap('cac:PartyTaxScheme', [el('cbc:CompanyID', buyer.vatNumber), taxScheme]) : '',
      wrap('cac:PartyLegalEntity', [
        el('cbc:RegistrationName', buyer.name),
        el('cbc:CompanyID', buyer.siren, { schemeID: '0002' }),
      ]),
    ]),
  ]);
  const needsShipTo = buyer.deliveryAddress !== null || doc.vatBreakdown.some((v) => v.vatCategory === 'K');
  const delivery =
    doc.deliveryDate || needsShipTo
      ? wrap('cac:Delivery', [
          el('cbc:ActualDeliveryDate', doc.deliveryDate),
          needsShipTo
            ? wrap('cac:DeliveryLocation', [
                (() => {
                  const a = buyer.deliveryAddress ?? buyer.address;
                  return wrap('cac:Address', [
                    el('cbc:StreetName', a.line1),
                    el('cbc:AdditionalStreetName', a.line2 || null),
                    el('cbc:CityName', a.city),
                    el('cbc:PostalZone', a.postalCode),
                    wrap('cac:Country', [el('cbc:IdentificationCode', a.countryCode.toUpperCase())]),
                  ]);
                })(),
              ])
            : '',
          needsShipTo ? wrap('cac:DeliveryParty', [wrap('cac:PartyName', [el('cbc:Name', buyer.name)])]) : '',
        ])
      : '';
  const paymentMeans = wrap('cac:PaymentMeans', [
    el('cbc:PaymentMeansCode', doc.payment.meansCode),
    credit ? el('cbc:PaymentDueDate', doc.dueDate) : '',
    el('cbc:PaymentID', doc.payment.remittance || doc.number),
    doc.payment.iban
      ? wrap('cac:PayeeFinancialAccount', [
          el('cbc:ID', doc.payment.iban.replace(/\s/g, '')),
          el('cbc:Name', seller.name),
          doc.payment.bic ? wrap('cac:FinancialInstitutionBranch', [el('cbc:ID', doc.payment.bic)]) : '',
        ])
      : '',
  ]);
  const catXml = (cat: VatCategory, bp: number, tag = 'cac:TaxCategory') =>
    wrap(tag, [el('cbc:ID', cat), el('cbc:Percent', pct(bp)), taxScheme]);
  const allowances = doc.allowances.map((a) =>
    wrap('cac:AllowanceCharge', [
      el('cbc:ChargeIndicator', 'false'),
      el('cbc:AllowanceChargeReason', a.reason),
      money('cbc:Amount', a.amountCents),
      catXml(a.vatCategory, a.vatRateBp),
    ]),
  );
  const taxTotal = wrap('cac:TaxTotal', [
    money('cbc:TaxAmount', totals.vatCents),
    ...doc.vatBreakdown.map((v) => {
      const exempt = EXEMPT.has(v.vatCategory);
      return wrap('cac:TaxSubtotal', [
        money('cbc:TaxableAmount', v.baseCents),
        money('cbc:TaxAmount', v.vatCents),
        wrap('cac:TaxCategory', [
          el('cbc:ID', v.vatCategory),
          el('cbc:Percent', pct(v.vatRateBp)),
          exempt ? el('cbc:TaxExemptionReasonCode', v.exemptionCode ?? defaultExemptionCode(v.vatCategory)) : '',
          exempt ? el('cbc:TaxExemptionReason', v.exemptionReason ?? defaultExemptionText(v.vatCategory)) : '',
          taxScheme,
        ]),
      ]);
    }),
  ]);
  const monetary = wrap('cac:LegalMonetaryTotal', [
    money('cbc:LineExtensionAmount', totals.linesNetCents),
    money('cbc:TaxExclusiveAmount', totals.taxBasisCents),
    money('cbc:TaxInclusiveAmount', totals.grandTotalCents),
    doc.allowances.length ? money('cbc:AllowanceTotalAmount', totals.allowancesCents) : '',
    totals.prepaidCents ? money('cbc:PrepaidAmount', totals.prepaidCents) : '',
    money('cbc:PayableAmount', totals.dueCents),
  ]);
  const lines = doc.lines.map((l, i) => {
    const gross = Number((2n * BigInt(l.unitPriceCents) * BigInt(l.quantityMilli) + 1000n) / 2000n);
    const discount = gross - l.netCents;
    return wrap(lineTag, [
      el('cbc:ID', l.id || String(i + 1)),
      el(qtyTag, milliToDecimal(l.quantityMilli), { unitCode: l.unitCode }),
      money('cbc:LineExtensionAmount', l.netCents),
      discount
        ? wrap('cac:AllowanceCharge', [
            el('cbc:ChargeIndicator', 'false'),
            el('cbc:AllowanceChargeReasonCode', '95'),
            el('cbc:AllowanceChargeReason', 'Remise'),
            l.discountBp ? el('cbc:MultiplierFactorNumeric', pct(l.discountBp)) : '',
            money('cbc:Amount', discount),
            l.discountBp ? money('cbc:BaseAmount', gross) : '',
          ])
        : '',
      wrap('cac:Item', [
        el('cbc:Name', l.description),
        catXml(l.vatCategory, l.vatRateBp, 'cac:ClassifiedTaxCategory'),
      ]),
      wrap('cac:Price', [money('cbc:PriceAmount', l.unitPriceCents)]),
    ]);
  });

  const ns = credit
    ? 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2'
    : 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${ns}"` +
    ' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"' +
    ' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">' +
    el('cbc:CustomizationID', 'urn:cen.eu:en16931:2017') +
    el('cbc:ProfileID', doc.businessProcess) +
    el('cbc:ID', doc.number) +
    el('cbc:IssueDate', doc.issueDate) +
    (credit ? '' : el('cbc:DueDate', doc.dueDate)) +
    el(credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode', doc.typeCode) +
    notes.join('') +
    el('cbc:DocumentCurrencyCode', currency) +
    el('cbc:BuyerReference', buyer.reference) +
    (doc.quoteReference
      ? wrap('cac:OrderReference', [el('cbc:ID', 'NA'), el('cbc:SalesOrderID', doc.quoteReference)])
      : '') +
    (doc.precedingInvoice
      ? wrap('cac:BillingReference', [
          wrap('cac:InvoiceDocumentReference', [
            el('cbc:ID', doc.precedingInvoice.number),
            el('cbc:IssueDate', doc.precedingInvoice.issueDate),
          ]),
        ])
      : '') +
    supplier +
    customer +
    delivery +
    paymentMeans +
    wrap('cac:PaymentTerms', [el('cbc:Note', doc.paymentTermsText || null)]) +
    allowances.join('') +
    taxTotal +
    monetary +
    lines.join('') +
    `</${root}>`;
  return indent(xml);
}

// Hand-built InvoiceDocument samples: one per VAT / document variant (Factur-X tests, demo supplier invoices).
import type {
  BuyerParty,
  DocumentAllowance,
  DocumentLine,
  InvoiceDocument,
  SellerParty,
  VatBreakdown,
  VatCategory,
} from '../types.ts';
import { applyBasisPoints, lineAmount } from '../../../core/money.ts';
import { frenchVatFromSiren, makeIban, makeSiren } from '../../../core/identifiers.ts';
import { addDays } from '../../../core/dates.ts';

export const SELLER_SIREN = makeSiren('81234567');
export const SELLER_IBAN = makeIban('FR', '30004000031234567890143');

export const seller: SellerParty = {
  name: 'Coopérative Les Ruches & Co',
  legalForm: 'SCOP SA à capital variable',
  capitalCents: 1_250_000,
  siren: SELLER_SIREN,
  siret: `${SELLER_SIREN}00027`,
  vatNumber: frenchVatFromSiren(SELLER_SIREN),
  rcsCity: 'Lyon',
  address: {
    line1: '12 rue des Tisserands',
    line2: 'Bâtiment B',
    postalCode: '69004',
    city: 'Lyon',
    countryCode: 'FR',
  },
  email: 'facturation@lesruches.coop',
  phone: '+33 4 78 00 00 00',
  iban: SELLER_IBAN,
  bic: 'BNPAFRPPXXX',
  tradingName: 'Atelier Graphique Lumen',
  activityCode: 'LUMEN',
  contactName: 'Camille Martin',
  contactEmail: 'camille@lumen.example',
};

const frAddress = (line1: string, postalCode: string, city: string) => ({
  line1,
  line2: null,
  postalCode,
  city,
  countryCode: 'FR',
});
const BUYER_SIREN = makeSiren('55208131');
export const frBuyer: BuyerParty = {
  name: 'Boulangerie Dupont "Au Bon Pain" SARL',
  isBusiness: true,
  siren: BUYER_SIREN,
  siret: null,
  vatNumber: frenchVatFromSiren(BUYER_SIREN),
  address: frAddress('3 place Bellecour', '69002', 'Lyon'),
  deliveryAddress: null,
  email: 'compta@aubonpain.example',
  electronicAddress: BUYER_SIREN,
  reference: 'BC-2026-117',
};
const BTP_SIREN = makeSiren('40123456');
export const btpBuyer: BuyerParty = {
  name: 'Bâtiments Rhône Construction SAS',
  isBusiness: true,
  siren: BTP_SIREN,
  siret: null,
  vatNumber: frenchVatFromSiren(BTP_SIREN),
  address: frAddress('45 avenue Jean Jaurès', '69007', 'Lyon'),
  deliveryAddress: {
    line1: 'Chantier Résidence Les Tilleuls',
    line2: '8 rue Garibaldi',
    postalCode: '69006',
    city: 'Lyon',
    countryCode: 'FR',
  },
  email: null,
  electronicAddress: null,
  reference: null,
};
const TRAINING_SIREN = makeSiren('77566892');
export const trainingBuyer: BuyerParty = {
  name: 'Mairie de Villeurbanne',
  isBusiness: true,
  siren: TRAINING_SIREN,
  siret: null,
  vatNumber: null,
  address: frAddress('Place Lazare Goujon', '69100', 'Villeurbanne'),
  deliveryAddress: null,
  email: null,
  electronicAddress: TRAINING_SIREN,
  reference: 'ENGAGEMENT-2026-88',
};
export const deBuyer: BuyerParty = {
  name: 'Müller Design GmbH',
  isBusiness: true,
  siren: null,
  siret: null,
  vatNumber: 'DE136695976',
  address: { line1: 'Friedrichstraße 123', line2: null, postalCode: '10117', city: 'Berlin', countryCode: 'DE' },
  deliveryAddress: null,
  email: 'buchhaltung@mueller-design.example',
  electronicAddress: null,
  reference: null,
};
export const chBuyer: BuyerParty = {
  name: 'Horlogerie Favre SA',
  isBusiness: true,
  siren: null,
  siret: null,
  vatNumber: 'CHE123456788',
  address: { line1: 'Rue du Rhône 50', line2: null, postalCode: '1204', city: 'Genève', countryCode: 'CH' },
  deliveryAddress: null,
  email: 'finance@favre.example',
  electronicAddress: null,
  reference: null,
};

type LineInput = Omit<DocumentLine, 'id' | 'netCents' | 'discountBp' | 'unitLabel' | 'unitCode' | 'nature'> &
  Partial<Pick<DocumentLine, 'discountBp' | 'unitLabel' | 'unitCode' | 'nature'>>;

const EXEMPTIONS: Partial<Record<VatCategory, { reason: string; code: string }>> = {
  E: {
    reason: 'Exonération de TVA, article 261-4-4° a du CGI (formation professionnelle continue)',
    code: 'VATEX-FR-CGI261-4',
  },
  AE: { reason: 'Autoliquidation, article 283-2 nonies du CGI', code: 'VATEX-EU-AE' },
  K: { reason: 'Autoliquidation par le preneur, article 196 de la directive 2006/112/CE', code: 'VATEX-EU-IC' },
  G: { reason: 'Exportation hors UE, exonération de TVA (article 262 I du CGI)', code: 'VATEX-EU-G' },
};

interface Input {
  typeCode?: InvoiceDocument['typeCode'];
  number: string;
  issueDate: string;
  dueInDays?: number;
  deliveryDate?: string | null;
  buyer: BuyerParty;
  lines: LineInput[];
  allowances?: DocumentAllowance[];
  prepaidCents?: number;
  nature?: InvoiceDocument['nature'];
  vatMentions?: string[];
  precedingInvoice?: InvoiceDocument['precedingInvoice'];
  quoteReference?: string | null;
  notes?: string[];
}

/** Computes lines, VAT breakdown and totals the EN 16931 way (per line, then per category/rate). */
export function makeDocument(i: Input): InvoiceDocument {
  const lines: DocumentLine[] = i.lines.map((l, k) => {
    const discountBp = l.discountBp ?? 0;
    return {
      id: String(k + 1),
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitCode: l.unitCode ?? 'HUR',
      unitLabel: l.unitLabel ?? 'h',
      unitPriceCents: l.unitPriceCents,
      discountBp,
      netCents: lineAmount(l.unitPriceCents, l.quantityMilli, discountBp),
      vatCategory: l.vatCategory,
      vatRateBp: l.vatRateBp,
      nature: l.nature ?? 'services',
    };
  });
  const allowances = i.allowances ?? [];
  const groups = new Map<string, VatBreakdown>();
  const key = (c: VatCategory, r: number) => `${c}/${r}`;
  const add = (c: VatCategory, r: number, cents: number) => {
    const g = groups.get(key(c, r)) ?? {
      vatCategory: c,
      vatRateBp: r,
      baseCents: 0,
      vatCents: 0,
      exemptionReason: EXEMPTIONS[c]?.reason ?? null,
      exemptionCode: EXEMPTIONS[c]?.code ?? null,
    };
    g.baseCents += cents;
    groups.set(key(c, r), g);
  };
  for (const l of lines) add(l.vatCategory, l.vatRateBp, l.netCents);
  for (const a of allowances) add(a.vatCategory, a.vatRateBp, -a.amountCents);
  const vatBreakdown = [...groups.values()];
  for (const g of vatBreakdown) g.vatCents = applyBasisPoints(g.baseCents, g.vatRateBp);
  const linesNetCents = lines.reduce((s, l) => s + l.netCents, 0);
  const allowancesCents = allowances.reduce((s, a) => s + a.amountCents, 0);
  const taxBasisCents = linesNetCents - allowancesCents;
  const vatCents = vatBreakdown.reduce((s, g) => s + g.vatCents, 0);
  const grandTotalCents = taxBasisCents + vatCents;
  const prepaidCents = i.prepaidCents ?? 0;
  const natures = new Set(lines.map((l) => l.nature));
  const nature = i.nature ?? (natures.size > 1 ? 'mixed' : natures.has('goods') ? 'goods' : 'services');
  const business = i.buyer.isBusiness;
  return {
    typeCode: i.typeCode ?? '380',
    number: i.number,
    issueDate: i.issueDate,
    dueDate: addDays(i.issueDate, i.dueInDays ?? 30),
    deliveryDate: i.deliveryDate === undefined ? i.issueDate : i.deliveryDate,
    currency: 'EUR',
    nature,
    businessProcess: nature === 'mixed' ? 'M1' : nature === 'goods' ? 'B1' : 'S1',
    seller,
    buyer: i.buyer,
    lines,
    allowances,
    vatBreakdown,
    totals: {
      linesNetCents,
      allowancesCents,
      taxBasisCents,
      vatCents,
      grandTotalCents,
      prepaidCents,
      dueCents: grandTotalCents - prepaidCents,
    },
    paymentTermsText: `Paiement à ${i.dueInDays ?? 30} jours date de facture, par virement.`,
    latePenaltyText:
      "En cas de retard de paiement, pénalités au taux directeur de la BCE majoré de 10 points, exigibles le jour suivant la date d'échéance.",
    recoveryIndemnityText: business
      ? 'Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € (art. L441-10 du Code de commerce).'
      : null,
    earlyPaymentText: "Pas d'escompte pour paiement anticipé.",
    vatMentions: i.vatMentions ?? [],
    vatOnDebits: false,
    precedingInvoice: i.precedingInvoice ?? null,
    quoteReference: i.quoteReference ?? null,
    notes: i.notes ?? [],
    payment: { meansCode: '58', iban: seller.iban, bic: seller.bic, remittance: i.number },
  };
}

export const fixtures: Record<string, InvoiceDocument> = {
  standard: makeDocument({
    number: 'F2026-LUMEN-0042',
    issueDate: '2026-09-15',
    deliveryDate: '2026-09-12',
    buyer: frBuyer,
    lines: [
      {
        description: "Conception de l'identité visuelle <logo & charte>",
        quantityMilli: 12_500,
        unitPriceCents: 6_500,
        vatCategory: 'S',
        vatRateBp: 2000,
      },
      {
        description: 'Déclinaison des supports (cartes, flyers)',
        quantityMilli: 1_000,
        unitCode: 'C62',
        unitLabel: 'forfait',
        unitPriceCents: 48_000,
        vatCategory: 'S',
        vatRateBp: 2000,
      },
    ],
  }),
  mixed: makeDocument({
    number: 'F2026-LUMEN-0043',
    issueDate: '2026-10-01',
    deliveryDate: '2026-09-28',
    buyer: {
      ...frBuyer,
      deliveryAddress: { line1: '18 rue Mercière', line2: null, postalCode: '69002', city: 'Lyon', countryCode: 'FR' },
    },
    quoteReference: 'D2026-0017',
    prepaidCents: 30_000,
    lines: [
      {
        description: 'Atelier de création (animation)',
        quantityMilli: 3_000,
        unitPriceCents: 9_000,
        discountBp: 1000,
        vatCategory: 'S',
        vatRateBp: 2000,
      },
      {
        description: 'Affiches imprimées A2',
        quantityMilli: 25_000,
        unitCode: 'C62',
        unitLabel: 'pièce',
        unitPriceCents: 1_299,
        vatCategory: 'S',
        vatRateBp: 2000,
        nature: 'goods',
      },
      {
        description: 'Travaux de rénovation de la vitrine',
        quantityMilli: 1_000,
        unitCode: 'C62',
        unitLabel: 'forfait',
        unitPriceCents: 85_000,
        vatCategory: 'S',
        vatRateBp: 1000,
      },
      {
        description: 'Livres jeunesse illustrés',
        quantityMilli: 7_000,
        unitCode: 'C62',
        unitLabel: 'pièce',
        unitPriceCents: 1_850,
        discountBp: 500,
        vatCategory: 'S',
        vatRateBp: 550,
        nature: 'goods',
      },
    ],
    allowances: [{ amountCents: 2_500, reason: 'Remise fidélité', vatCategory: 'S', vatRateBp: 2000 }],
  }),
  exempt: makeDocument({
    number: 'F2026-LUMEN-0044',
    issueDate: '2026-10-05',
    deliveryDate: '2026-10-02',
    buyer: trainingBuyer,
    dueInDays: 45,
    lines: [
      {
        description: 'Formation « Mise en page avec Scribus » (2 jours, 8 stagiaires)',
        quantityMilli: 14_000,
        unitPriceCents: 11_000,
        vatCategory: 'E',
        vatRateBp: 0,
      },
    ],
    vatMentions: ['Exonération de TVA, article 261-4-4° a du CGI.'],
  }),
  reverseCharge: makeDocument({
    number: 'F2026-LUMEN-0045',
    issueDate: '2026-10-10',
    deliveryDate: '2026-10-08',
    buyer: btpBuyer,
    lines: [
      {
        description: 'Peinture décorative des halls (sous-traitance)',
        quantityMilli: 86_250,
        unitCode: 'MTK',
        unitLabel: 'm²',
        unitPriceCents: 2_400,
        vatCategory: 'AE',
        vatRateBp: 0,
      },
      {
        description: 'Fourniture et pose de signalétique',
        quantityMilli: 1_000,
        unitCode: 'C62',
        unitLabel: 'forfait',
        unitPriceCents: 120_000,
        vatCategory: 'AE',
        vatRateBp: 0,
      },
    ],
    vatMentions: ['Autoliquidation : TVA due par le preneur, article 283-2 nonies du CGI.'],
  }),
  intraEu: makeDocument({
    number: 'F2026-LUMEN-0046',
    issueDate: '2026-10-12',
    deliveryDate: '2026-10-09',
    buyer: deBuyer,
    lines: [
      {
        description: 'Illustrations pour catalogue (droits inclus)',
        quantityMilli: 5_000,
        unitCode: 'DAY',
        unitLabel: 'jour',
        unitPriceCents: 52_000,
        vatCategory: 'K',
        vatRateBp: 0,
      },
    ],
    vatMentions: ['Autoliquidation, article 283-2 du CGI et article 196 de la directive 2006/112/CE.'],
  }),
  deposit: makeDocument({
    typeCode: '386',
    number: 'A2026-LUMEN-0007',
    issueDate: '2026-10-15',
    deliveryDate: null,
    buyer: frBuyer,
    dueInDays: 15,
    quoteReference: 'D2026-0021',
    lines: [
      {
        description: 'Acompte de 30 % sur le devis D2026-0021 (site web vitrine)',
        quantityMilli: 1_000,
        unitCode: 'C62',
        unitLabel: 'forfait',
        unitPriceCents: 135_000,
        vatCategory: 'S',
        vatRateBp: 2000,
      },
    ],
  }),
  creditNote: {
    ...makeDocument({
      typeCode: '381',
      number: 'AV2026-LUMEN-0003',
      issueDate: '2026-10-20',
      deliveryDate: '2026-09-12',
      buyer: frBuyer,
      dueInDays: 0,
      precedingInvoice: { number: 'F2026-LUMEN-0042', issueDate: '2026-09-15' },
      lines: [
        {
          description: 'Annulation partielle : déclinaison des supports non réalisée',
          quantityMilli: 1_000,
          unitCode: 'C62',
          unitLabel: 'forfait',
          unitPriceCents: 48_000,
          vatCategory: 'S',
          vatRateBp: 2000,
        },
      ],
    }),
    paymentTermsText: 'Montant remboursé par virement sous 15 jours ou déduit de votre prochaine facture.',
  },
  export: makeDocument({
    number: 'F2026-LUMEN-0047',
    issueDate: '2026-10-22',
    deliveryDate: '2026-10-21',
    buyer: chBuyer,
    lines: [
      {
        description: 'Direction artistique campagne horlogère',
        quantityMilli: 4_000,
        unitCode: 'DAY',
        unitLabel: 'jour',
        unitPriceCents: 68_000,
        vatCategory: 'G',
        vatRateBp: 0,
      },
    ],
    vatMentions: ['Exonération de TVA, prestation de services à un preneur établi hors UE (article 259-1 du CGI).'],
  }),
};

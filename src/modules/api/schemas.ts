// The API's contract: the zod schemas of requests and responses. The routes validate with them
// and the OpenAPI document is generated from them (routes/v1.ts), so the two cannot drift; the
// tests check every response against the same schemas. Responses are strict objects (no field
// outside the contract). Money in integer cents, dates ISO 8601.
import { z } from '@hono/zod-openapi';

export const Problem = z
  .object({
    type: z.string().openapi({ example: 'https://radieuse.fr/problems/not-found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.record(z.string(), z.string()).optional().openapi({ description: 'Messages par champ' }),
  })
  .openapi('Problem');

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const dateTime = z.string().openapi({ format: 'date-time' });
export const Uuid = z.string().uuid();
export const Binary = z.string().openapi({ format: 'binary' });

export const Address = z
  .strictObject({
    line1: z.string(),
    line2: z.string().nullable(),
    postalCode: z.string(),
    city: z.string(),
    countryCode: z.string(),
  })
  .openapi('Address');

export const Customer = z
  .strictObject({
    id: Uuid,
    kind: z.enum(['company', 'individual']),
    name: z.string(),
    siren: z.string().nullable(),
    siret: z.string().nullable(),
    vatNumber: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: Address,
    electronicAddress: z.string().nullable(),
    paymentTermsDays: z.number().int(),
    notes: z.string().nullable(),
  })
  .openapi('Customer');

export const CustomerCreate = z
  .object({
    kind: z.enum(['company', 'individual']),
    name: z.string().min(1).max(200),
    siren: z.string().nullable().optional(),
    siret: z.string().nullable().optional(),
    vatNumber: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
    addressLine1: z.string(),
    addressLine2: z.string().nullable().optional(),
    postalCode: z.string(),
    city: z.string(),
    countryCode: z.string().length(2).optional(),
    electronicAddress: z.string().nullable().optional(),
    paymentTermsDays: z.number().int().min(0).max(60).optional(),
    notes: z.string().nullable().optional(),
  })
  .openapi('CustomerCreate');

const INVOICE_STATUSES = [
  'draft',
  'submitted',
  'validated',
  'sent',
  'partly_paid',
  'paid',
  'overdue',
  'cancelled',
] as const;

export const InvoiceLine = z
  .strictObject({
    id: Uuid,
    description: z.string(),
    quantityMilli: z.number().int().openapi({ description: 'Quantité en millièmes (1500 = 1,5)' }),
    unitCode: z.string(),
    unitPriceCents: z.number().int(),
    discountBp: z.number().int(),
    vatCategory: z.string(),
    vatRateBp: z.number().int().openapi({ description: 'Taux de TVA en points de base (2000 = 20 %)' }),
    nature: z.enum(['goods', 'services']),
    netCents: z.number().int(),
    section: z
      .string()
      .nullable()
      .openapi({ description: 'Titre de la section de la ligne (sous-total sur le document), ou null' }),
  })
  .openapi('InvoiceLine');

export const Invoice = z
  .strictObject({
    id: Uuid,
    typeCode: z.enum(['380', '381', '386']).openapi({ description: '380 facture, 381 avoir, 386 acompte' }),
    status: z.enum(INVOICE_STATUSES),
    number: z.string().nullable(),
    activityId: Uuid,
    customerId: Uuid,
    customerName: z.string(),
    issueDate: isoDate,
    dueDate: isoDate.nullable(),
    deliveryDate: isoDate.nullable(),
    totalExclCents: z.number().int(),
    vatCents: z.number().int(),
    totalInclCents: z.number().int(),
    paidCents: z.number().int(),
    creditedCents: z.number().int(),
    dueCents: z.number().int(),
    buyerReference: z.string().nullable(),
    notes: z.string().nullable(),
    precedingInvoiceId: Uuid.nullable(),
    submittedAt: dateTime.nullable(),
    validatedAt: dateTime.nullable(),
    sentAt: dateTime.nullable(),
    lines: z.array(InvoiceLine).optional(),
  })
  .openapi('Invoice');

export const InvoiceLineCreate = z
  .object({
    description: z.string().min(1).max(1000),
    quantityMilli: z.number().int(),
    unitCode: z.string().optional(),
    unitPriceCents: z.number().int(),
    discountBp: z.number().int().min(0).max(10000).optional(),
    vatCategory: z.enum(['S', 'Z', 'E', 'AE', 'K', 'G', 'O']),
    vatRateBp: z.number().int().min(0).max(10000),
    nature: z.enum(['goods', 'services']).optional(),
    section: z.string().min(1).max(200).nullable().optional(),
  })
  .openapi('InvoiceLineCreate');

export const InvoiceCreate = z
  .object({
    activityId: Uuid,
    customerId: Uuid,
    issueDate: isoDate.optional(),
    dueDate: isoDate.nullable().optional(),
    deliveryDate: isoDate.nullable().optional(),
    discountCents: z.number().int().min(0).optional(),
    discountReason: z.string().nullable().optional(),
    vatExemptionReason: z.string().nullable().optional(),
    buyerReference: z.string().nullable().optional(),
    notes: z.string().nullable().optional(),
    lines: z.array(InvoiceLineCreate).min(1).max(200),
  })
  .openapi('InvoiceCreate');

export const PaymentCreate = z
  .object({
    amountCents: z.number().int().positive(),
    date: isoDate.optional(),
    method: z.string().max(40).optional(),
    reference: z.string().max(140).nullable().optional(),
  })
  .openapi('PaymentCreate');

export const page = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .strictObject({
      data: z.array(item),
      total: z.number().int(),
      nextCursor: z.string().nullable().openapi({ description: 'À repasser en `cursor` pour la page suivante' }),
    })
    .openapi(name);

export const CustomerPage = page(Customer, 'CustomerPage');
export const InvoicePage = page(Invoice, 'InvoicePage');

export const ListQuery = z.object({
  cursor: z.string().max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional().openapi({ description: '1 à 100, 25 par défaut' }),
});
export const InvoiceListQuery = ListQuery.extend({
  status: z.enum([...INVOICE_STATUSES, 'issued']).optional(),
  typeCode: z.enum(['380', '381', '386']).optional().openapi({ description: '381 : les avoirs seulement' }),
  customerId: Uuid.optional(),
  activityId: Uuid.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  q: z.string().max(200).optional(),
});
export const CustomerListQuery = ListQuery.extend({ q: z.string().max(200).optional() });
export const IdParam = z.object({ id: Uuid.openapi({ param: { name: 'id', in: 'path' } }) });
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Rejouer la même requête avec la même clé ne crée rien de plus' }),
});

export const Activity = z
  .strictObject({
    id: Uuid,
    name: z.string(),
    analyticCode: z.string(),
    description: z.string().nullable(),
    trusted: z.boolean().openapi({ description: 'Autovalidation des factures sans seuil' }),
    ownerIds: z.array(Uuid),
    closedAt: dateTime.nullable(),
  })
  .openapi('Activity');
export const ActivityList = z.strictObject({ data: z.array(Activity) }).openapi('ActivityList');

export const ExpenseLine = z
  .strictObject({
    id: Uuid,
    date: isoDate,
    category: z.string(),
    description: z.string(),
    activityId: Uuid,
    analyticCode: z.string(),
    amountInclCents: z.number().int(),
    vatCents: z.number().int(),
    hasReceipt: z.boolean(),
  })
  .openapi('ExpenseLine');
export const ExpenseReportSummary = z
  .strictObject({
    id: Uuid,
    month: z.string().regex(/^\d{4}-\d{2}$/),
    status: z.enum(['draft', 'submitted', 'validated']),
    reimbursement: z.enum(['not_due', 'to_pay', 'paid']),
    totalCents: z.number().int(),
  })
  .openapi('ExpenseReportSummary');
export const ExpenseReport = z
  .strictObject({
    id: Uuid,
    userId: Uuid,
    personName: z.string(),
    month: z.string().regex(/^\d{4}-\d{2}$/),
    status: z.enum(['draft', 'submitted', 'validated']),
    reimbursement: z.enum(['not_due', 'to_pay', 'paid']),
    totalCents: z.number().int(),
    reimbursedOn: isoDate.nullable(),
    lines: z.array(ExpenseLine),
  })
  .openapi('ExpenseReport');
export const ExpenseReportList = z.strictObject({ data: z.array(ExpenseReportSummary) }).openapi('ExpenseReportList');

const STAGE_VALUES = ['contact', 'info_meeting', 'diagnostic', 'cape', 'cesa', 'associate', 'exit'] as const;
const EXIT_VALUES = ['own_company', 'salaried_job', 'training', 'stop', 'other'] as const;
const personShape = {
  id: Uuid.openapi({ description: 'Identifiant du parcours' }),
  userId: Uuid.nullable(),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  supportUserId: Uuid.nullable(),
  stage: z.enum(STAGE_VALUES),
  stageSince: isoDate,
  capeStart: isoDate.nullable(),
  capeEnd: isoDate.nullable(),
  exitReason: z.enum(EXIT_VALUES).nullable(),
};
export const Person = z.strictObject(personShape).openapi('Person');
export const StageChange = z
  .strictObject({
    from: z.enum(STAGE_VALUES).nullable(),
    to: z.enum(STAGE_VALUES),
    effectiveOn: isoDate,
    authorLabel: z.string(),
    comment: z.string().nullable(),
    exitReason: z.enum(EXIT_VALUES).nullable(),
    createdAt: dateTime,
  })
  .openapi('StageChange');
// Built from the same fields, not by extending Person: a strict schema extended becomes an
// allOf of two closed objects in the document, which nothing can match.
export const PersonDetail = z.strictObject({ ...personShape, history: z.array(StageChange) }).openapi('PersonDetail');
export const PersonList = z.strictObject({ data: z.array(Person) }).openapi('PersonList');
export const PersonListQuery = z.object({ stage: z.enum(STAGE_VALUES).optional() });
export const StageChangeCreate = z
  .object({
    to: z.enum(STAGE_VALUES),
    effectiveOn: isoDate,
    comment: z.string().max(2000).nullable().optional(),
    exitReason: z.enum(EXIT_VALUES).nullable().optional(),
    capeStart: isoDate.nullable().optional(),
    capeEnd: isoDate.nullable().optional(),
  })
  .openapi('StageChangeCreate');

export const Indicator = z
  .strictObject({
    code: z.string(),
    label: z.string(),
    value: z.union([z.number(), z.string()]).nullable().openapi({
      description:
        'Pourcentage à une décimale, nombre de jours, ou euros en texte décimal ; null si masqué (petits effectifs)',
    }),
    unit: z.string(),
    n: z.number().int().openapi({ description: 'Effectif sur lequel porte le chiffre' }),
    low: z.number().nullable(),
    high: z.number().nullable(),
    suppressed: z.boolean(),
    source: z.string(),
    computedAt: dateTime,
  })
  .openapi('Indicator');
export const IndicatorList = z
  .strictObject({ year: z.number().int(), data: z.array(Indicator) })
  .openapi('IndicatorList');
export const IndicatorQuery = z.object({
  year: z.coerce
    .number()
    .int()
    .min(2000)
    .max(2100)
    .optional()
    .openapi({ description: 'Année (l’année en cours par défaut)' }),
});

/** A page continued from its last row (keyset): no total, stable while rows are added. */
export const keysetPage = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .strictObject({
      data: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'À repasser en `cursor` pour la page suivante (null : dernière page)' }),
    })
    .openapi(name);

// Quotes (devis)
const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'refused', 'expired'] as const;
export const QuoteLine = z
  .strictObject({
    id: Uuid,
    kind: z.enum(['item', 'section']).openapi({ description: 'Ligne de prestation, ou titre de section' }),
    description: z.string(),
    quantityMilli: z.number().int(),
    unitCode: z.string(),
    unitPriceCents: z.number().int(),
    discountBp: z.number().int(),
    vatCategory: z.string(),
    vatRateBp: z.number().int(),
    nature: z.enum(['goods', 'services']),
    netCents: z.number().int(),
  })
  .openapi('QuoteLine');
const quoteShape = {
  id: Uuid,
  number: z.string(),
  status: z.enum(QUOTE_STATUSES),
  activityId: Uuid,
  customerId: Uuid,
  customerName: z.string(),
  issueDate: isoDate,
  validityDate: isoDate,
  title: z.string().nullable(),
  terms: z.string().nullable(),
  discountCents: z.number().int(),
  totalExclCents: z.number().int(),
  vatCents: z.number().int(),
  totalInclCents: z.number().int(),
  sentAt: dateTime.nullable(),
  acceptedAt: dateTime.nullable(),
  acceptedByName: z.string().nullable(),
};
export const Quote = z.strictObject(quoteShape).openapi('Quote');
export const QuoteDetail = z.strictObject({ ...quoteShape, lines: z.array(QuoteLine) }).openapi('QuoteDetail');
export const QuotePage = keysetPage(Quote, 'QuotePage');
export const QuoteListQuery = ListQuery.extend({
  status: z.enum(QUOTE_STATUSES).optional(),
  customerId: Uuid.optional(),
  activityId: Uuid.optional(),
});
export const QuoteLineCreate = z
  .object({
    kind: z.enum(['item', 'section']).optional().openapi({ description: '`item` par défaut' }),
    description: z.string().min(1).max(1000),
    quantityMilli: z.number().int().optional(),
    unitCode: z.string().optional(),
    unitPriceCents: z.number().int().optional(),
    discountBp: z.number().int().min(0).max(10000).optional(),
    vatCategory: z.enum(['S', 'Z', 'E', 'AE', 'K', 'G', 'O']).optional(),
    vatRateBp: z.number().int().min(0).max(10000).optional(),
    nature: z.enum(['goods', 'services']).optional(),
  })
  .superRefine((l, ctx) => {
    if ((l.kind ?? 'item') !== 'item') return;
    for (const k of ['quantityMilli', 'unitPriceCents', 'vatCategory', 'vatRateBp'] as const)
      if (l[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: 'Requis pour une ligne de prestation.' });
  })
  .openapi('QuoteLineCreate', {
    description: 'Une ligne `item` demande quantityMilli, unitPriceCents, vatCategory et vatRateBp.',
  });
export const QuoteCreate = z
  .object({
    activityId: Uuid,
    customerId: Uuid,
    issueDate: isoDate.optional(),
    validityDate: isoDate.nullable().optional(),
    title: z.string().max(200).nullable().optional(),
    terms: z.string().max(5000).nullable().optional(),
    discountCents: z.number().int().min(0).optional(),
    lines: z.array(QuoteLineCreate).min(1).max(200),
  })
  .openapi('QuoteCreate');

// Credit notes (avoirs): invoices of type 381, created from a validated invoice.
export const CreditNoteCreate = z
  .object({
    reason: z.string().min(1).max(1000).optional().openapi({ description: 'Motif, repris dans les notes de l’avoir' }),
    lines: z
      .array(InvoiceLineCreate)
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Avoir partiel : ses lignes. Sans lignes : avoir total (toutes les lignes).' }),
  })
  .openapi('CreditNoteCreate');

// Expenses (dépenses of the monthly expense report)
export const ExpenseCreate = z
  .object({
    date: isoDate,
    category: z.string().min(1).max(60).openapi({ description: 'Code de catégorie (voir docs/api.md)' }),
    description: z.string().max(200).optional(),
    activityId: Uuid,
    amountInclCents: z.number().int().positive(),
    vatCents: z.number().int().min(0).nullable().optional().openapi({
      description: 'TVA récupérable ; calculée au taux par défaut de la catégorie si absente',
    }),
  })
  .openapi('ExpenseCreate');

// Bank lines
const BANK_STATUSES = ['to_justify', 'matched', 'ignored'] as const;
export const BankLine = z
  .strictObject({
    id: Uuid,
    accountId: Uuid,
    bookingDate: isoDate,
    valueDate: isoDate.nullable(),
    amountCents: z.number().int().openapi({ description: 'Positif : encaissement ; négatif : décaissement' }),
    label: z.string(),
    counterpartyName: z.string().nullable(),
    counterpartyIban: z.string().nullable(),
    reference: z.string().nullable(),
    status: z.enum(BANK_STATUSES).openapi({ description: 'to_justify : non rapprochée ; matched : rapprochée' }),
  })
  .openapi('BankLine');
export const BankLinePage = keysetPage(BankLine, 'BankLinePage');
export const BankLineListQuery = ListQuery.extend({
  status: z.enum(BANK_STATUSES).optional(),
  accountId: Uuid.optional(),
});

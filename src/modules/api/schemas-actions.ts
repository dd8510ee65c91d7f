// Schemas of the actions after creation (quotes sent, accepted, refused, invoiced; receipts;
// bank matching): the same single source of validation and of the OpenAPI document as schemas.ts.
import { z } from '@hono/zod-openapi';
import { ACCOUNT_KINDS, type AccountKind, type MatchTarget as MatchTargetType } from '../bank/index.ts';
import { BankLine, keysetPage, ListQuery, Uuid } from './schemas.ts';

const ACCOUNT_KIND_CODES = Object.keys(ACCOUNT_KINDS) as [AccountKind, ...AccountKind[]];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const QuoteSend = z
  .object({
    to: z
      .string()
      .max(254)
      .optional()
      .openapi({ description: 'Adresse du destinataire ; par défaut celle de la fiche client' }),
  })
  .openapi('QuoteSend');

export const QuoteInvoiceCreate = z
  .object({
    kind: z.enum(['deposit', 'intermediate', 'balance']).openapi({
      description: 'deposit : acompte (386) ; intermediate : situation ; balance : solde, acomptes déduits',
    }),
    percentBp: z
      .number()
      .int()
      .min(1)
      .max(10000)
      .nullable()
      .optional()
      .openapi({ description: 'Part du devis en points de base (3000 = 30 %), ou amountCents' }),
    amountCents: z.number().int().positive().nullable().optional(),
    issueDate: isoDate.optional(),
  })
  .openapi('QuoteInvoiceCreate');

/** A multipart body of one file: documented, parsed by the route itself (after its id is checked). */
export const fileUpload = (field: string, description: string) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object' as const,
        required: [field],
        properties: { [field]: { type: 'string' as const, format: 'binary', description } },
      },
    },
  },
});

export const ReceiptAttached = z.strictObject({ lineId: Uuid, hasReceipt: z.literal(true) }).openapi('ReceiptAttached');

const MatchTarget = z
  .strictObject({
    type: z.string().openapi({ description: 'invoice, supplier_invoice, expense_report…' }),
    id: Uuid,
    number: z.string().nullable(),
    partyName: z.string(),
    amountCents: z.number().int().openapi({ description: 'Part de la ligne affectée à cette pièce' }),
    remainingCents: z.number().int(),
  })
  .openapi('MatchTarget');
export const MatchSuggestion = z
  .strictObject({
    key: z.string().openapi({ description: 'À renvoyer tel quel pour confirmer ce rapprochement' }),
    kind: z.enum(['single', 'grouped', 'partial']),
    score: z.number().int(),
    reasons: z.array(z.string()),
    targets: z.array(MatchTarget),
  })
  .openapi('MatchSuggestion');
export const UnmatchedBankLine = z
  .strictObject({ line: BankLine, suggestions: z.array(MatchSuggestion) })
  .openapi('UnmatchedBankLine');
export const UnmatchedBankLinePage = keysetPage(UnmatchedBankLine, 'UnmatchedBankLinePage');
export const UnmatchedQuery = ListQuery.extend({ accountId: Uuid.optional() });
export const MatchConfirm = z
  .object({ suggestion: z.string().min(1).max(4000).openapi({ description: 'La clé d’une suggestion de la ligne' }) })
  .openapi('MatchConfirm');

export const BankLineSuggestions = z
  .strictObject({
    line: BankLine,
    suggestions: z.array(MatchSuggestion).openapi({ description: 'Vide si la ligne est déjà justifiée' }),
    accountKind: z.enum(ACCOUNT_KIND_CODES).nullable().openapi({
      description:
        'Type reconnu (frais bancaires, URSSAF…) : la ligne peut être justifiée vers ce compte par `POST /bank-lines/{id}/justify`',
    }),
  })
  .openapi('BankLineSuggestions');

/** The documents a line can be matched to by hand (each settled by its own module). */
export const MANUAL_MATCH_TYPES = [
  'invoice',
  'supplier_invoice',
  'expense_report',
  'salary',
] as const satisfies readonly MatchTargetType[];
export const ManualMatch = z
  .object({
    targets: z
      .array(
        z.object({
          type: z.enum(MANUAL_MATCH_TYPES, {
            message: 'Type de pièce attendu : invoice, supplier_invoice, expense_report ou salary.',
          }),
          id: Uuid,
          amountCents: z
            .number()
            .int('Montant en centimes entiers.')
            .positive('Le montant à rapprocher doit être positif.')
            .openapi({ description: 'Part de la ligne affectée à cette pièce, au plus son reste dû' }),
        }),
      )
      .min(1, 'Choisissez au moins une pièce à rapprocher.')
      .max(50, 'Au plus 50 pièces par ligne.')
      .openapi({ description: 'La somme des montants est égale au montant de la ligne (en valeur absolue)' }),
  })
  .openapi('ManualMatch');

export const JustifyToAccount = z
  .object({
    kind: z
      .enum(ACCOUNT_KIND_CODES, {
        message: `Type de ligne attendu : ${ACCOUNT_KIND_CODES.join(', ')}.`,
      })
      .openapi({
        description:
          'fees : frais bancaires (627) ; interest : intérêts (768 / 661) ; urssaf (431) ; pension : retraite et prévoyance (437) ; vat : TVA payée (44551) ; withholding : prélèvement à la source (4421)',
      }),
  })
  .openapi('JustifyToAccount');

// Every legal text printed on invoices, in one place (the CGI VAT articles are being recodified
// into the CIBS from 1 September 2026: update them here, nowhere else).
import type { VatCategory } from './types.ts';

export const LEGAL_TEXTS = {
  latePenalty:
    "En cas de retard de paiement, pénalités au taux de la BCE majoré de 10 points (taux BCE + 10 points), exigibles dès le lendemain de l'échéance (article L441-10 du Code de commerce).",
  recoveryIndemnity:
    'Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : 40 € (article D441-5 du Code de commerce).',
  // Consumers owe no fixed indemnity; the French e-invoicing rules still want the PMT note to say so.
  recoveryIndemnityConsumer: 'Indemnité forfaitaire pour frais de recouvrement : non applicable (client particulier).',
  earlyPayment: "Pas d'escompte pour paiement anticipé.",
  vatOnDebits: "Option pour le paiement de la TVA d'après les débits.",
  paymentTerms: (days: number, due: string) => `Paiement à ${days} jours, au plus tard le ${due}.`,
  /** Maximum payment term from the issue date (L441-10 Code de commerce). */
  maxPaymentDays: 60,
  vat: {
    AE: { text: 'Autoliquidation — article 283-2 nonies du CGI', code: 'VATEX-EU-AE' },
    K: { text: 'Autoliquidation — article 196 de la directive 2006/112/CE', code: 'VATEX-EU-IC' },
    E: { text: 'Exonération de TVA, article 261-4-4° a du CGI', code: null },
    G: { text: 'Exonération de TVA, article 262 I du CGI (exportation)', code: 'VATEX-EU-G' },
    O: { text: 'Opération hors du champ de la TVA', code: 'VATEX-EU-O' },
    Z: { text: 'TVA au taux zéro', code: null },
    S: { text: '', code: null },
  } satisfies Record<VatCategory, { text: string; code: string | null }>,
} as const;

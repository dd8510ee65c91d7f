// Quotes, credit notes, expenses and bank lines of /api/v1, registered on the same app as the
// rest (routes/v1.ts) with the same kit: scope declared and checked per route, services called
// through their module's index.ts in the token's tenant transaction, idempotency keys on
// creations, problems for errors. The lists of quotes and bank lines page by keyset: the cursor
// carries the sort key of the last row seen, so rows added meanwhile shift nothing.
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../../core/errors.ts';
import { type BankTransaction, listBankLines } from '../../bank/index.ts';
import {
  addExpenseLine,
  type ExpenseReport as ExpenseReportRow,
  getExpenseReport,
  myReport,
  submitExpenseReport,
} from '../../purchases/index.ts';
import {
  createCreditNote,
  createQuote,
  getInvoice,
  getQuote,
  getQuoteLines,
  listQuotes,
  type Quote as QuoteRow,
  type QuoteInput,
  quotePdf,
} from '../../sales/index.ts';
import { requestHash, withIdempotency } from '../idempotency.service.ts';
import * as S from '../schemas.ts';
import {
  type ApiCtx,
  type ApiEnv,
  actor,
  fileName,
  json,
  notFound,
  problemResponse,
  route,
  tenant,
  type Tx,
  DATE,
  decodeKey,
  encodeKey,
  TEXT,
  UUID,
} from './v1-kit.ts';

export const creation = async <T>(c: ApiCtx, path: string, body: unknown, run: (tx: Tx) => Promise<T>) => {
  const r = await tenant(c, (tx) =>
    withIdempotency(
      tx,
      actor(c),
      c.get('auth').tokenId,
      c.req.header('idempotency-key'),
      requestHash('POST', path, body),
      async () => ({
        status: 201,
        body: await run(tx),
      }),
    ),
  );
  if (r.replayed) c.header('idempotent-replayed', 'true');
  return r;
};
export const creationResponses = <T extends z.ZodTypeAny>(schema: T, what: string) => ({
  201: json(schema, what),
  200: json(schema, 'Réponse rejouée (même clé d’idempotence)'),
  400: problemResponse('Requête mal formée'),
  422: problemResponse('Refusé par les règles métier (champs en erreur dans `errors`)'),
});

// --- mappers ----------------------------------------------------------------------------------

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const quoteOut = (x: QuoteRow): z.infer<typeof S.Quote> => ({
  id: x.id,
  number: x.number,
  status: x.status,
  activityId: x.activityId,
  customerId: x.customerId,
  customerName: x.customerName,
  issueDate: x.issueDate,
  validityDate: x.validityDate,
  title: x.title,
  terms: x.terms,
  discountCents: x.discountCents,
  totalExclCents: x.totalExclCents,
  vatCents: x.vatCents,
  totalInclCents: x.totalInclCents,
  sentAt: iso(x.sentAt),
  acceptedAt: iso(x.acceptedAt),
  acceptedByName: x.acceptedByName,
});
/** An expense report as the API answers it, read through the purchases service (its own checks). */
export async function expenseReportDetail(tx: Tx, c: ApiCtx, id: string) {
  const r = await getExpenseReport(tx, actor(c), id);
  if (!r) throw new NotFoundError('Note de frais');
  return expenseReportOut(r);
}

export async function quoteDetail(tx: Tx, c: ApiCtx, id: string): Promise<z.infer<typeof S.QuoteDetail>> {
  const q = await getQuote(tx, actor(c), id);
  if (!q) throw new NotFoundError('Devis');
  const lines = await getQuoteLines(tx, actor(c).cooperativeId, q.id);
  return {
    ...quoteOut(q),
    lines: lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitCode: l.unitCode,
      unitPriceCents: l.unitPriceCents,
      discountBp: l.discountBp,
      vatCategory: l.vatCategory,
      vatRateBp: l.vatRateBp,
      nature: l.nature,
      netCents: l.netCents,
    })),
  };
}
export const expenseReportOut = (r: ExpenseReportRow): z.infer<typeof S.ExpenseReport> => ({
  id: r.id,
  userId: r.userId,
  personName: r.personName,
  month: r.month,
  status: r.status,
  reimbursement: r.reimbursement,
  totalCents: r.totalCents,
  reimbursedOn: r.reimbursedOn,
  lines: r.lines.map((l) => ({
    id: l.id,
    date: l.date,
    category: l.category,
    description: l.description,
    activityId: l.activityId,
    analyticCode: l.analyticCode,
    amountInclCents: l.amountInclCents,
    vatCents: l.vatCents,
    hasReceipt: !!l.receiptFileId,
  })),
});

export const bankLineOut = (t: BankTransaction): z.infer<typeof S.BankLine> => ({
  id: t.id,
  accountId: t.accountId,
  bookingDate: t.bookingDate,
  valueDate: t.valueDate,
  amountCents: t.amountCents,
  label: t.label,
  counterpartyName: t.counterpartyName,
  counterpartyIban: t.counterpartyIban,
  reference: t.reference,
  status: t.status,
});

export type InvoiceWithLines = (tx: Tx, c: ApiCtx, id: string) => Promise<z.infer<typeof S.Invoice>>;

export function registerMoreRoutes(v1: OpenAPIHono<ApiEnv>, deps: { invoiceWithLines: InvoiceWithLines }) {
  // Quotes
  v1.openapi(
    route('quotes:read', {
      method: 'get',
      path: '/quotes',
      tags: ['Devis'],
      summary: 'Lister les devis',
      description:
        'Filtres : statut, client, activité. Du plus récent au plus ancien ; pagination par curseur (clé du dernier devis vu).',
      request: { query: S.QuoteListQuery },
      responses: { 200: json(S.QuotePage, 'Une page de devis') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const limit = q.limit ?? 25;
      const after = decodeKey(q.cursor, { d: DATE, n: TEXT, id: UUID });
      const rows = await tenant(c, (tx) => listQuotes(tx, actor(c), { status: q.status, customerId: q.customerId }));
      // One total order (date, number, id; all descending), so the cursor's key places every row.
      const key = (x: QuoteRow) => [x.issueDate, x.number, x.id] as const;
      const cmp = (x: readonly string[], y: readonly string[]) => {
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? 1 : -1;
        return 0;
      };
      const sorted = rows
        .filter((x) => !q.activityId || x.activityId === q.activityId)
        .sort((x, y) => cmp(key(x), key(y)))
        .filter((x) => !after || cmp(key(x), [after.d, after.n, after.id]) > 0);
      const data = sorted.slice(0, limit);
      const last = data.at(-1);
      return c.json(
        {
          data: data.map(quoteOut),
          nextCursor:
            sorted.length > limit && last ? encodeKey({ d: last.issueDate, n: last.number, id: last.id }) : null,
        },
        200,
      );
    },
  );
  v1.openapi(
    route('quotes:read', {
      method: 'get',
      path: '/quotes/{id}',
      tags: ['Devis'],
      summary: 'Lire un devis et ses lignes',
      request: { params: S.IdParam },
      responses: { 200: json(S.QuoteDetail, 'Le devis'), 404: notFound('Devis') },
    }),
    async (c) => c.json(await tenant(c, (tx) => quoteDetail(tx, c, c.req.valid('param').id)), 200),
  );
  v1.openapi(
    route('quotes:write', {
      method: 'post',
      path: '/quotes',
      tags: ['Devis'],
      summary: 'Créer un devis brouillon',
      request: {
        headers: S.IdempotencyHeader,
        body: { content: { 'application/json': { schema: S.QuoteCreate } }, required: true },
      },
      responses: creationResponses(S.QuoteDetail, 'Devis créé'),
    }),
    async (c) => {
      const body = c.req.valid('json');
      const r = await creation(c, '/quotes', body, async (tx) => {
        const q = await createQuote(tx, actor(c), body as QuoteInput);
        return quoteDetail(tx, c, q.id);
      });
      return c.json(r.body, r.replayed ? 200 : 201);
    },
  );
  v1.openapi(
    route('quotes:read', {
      method: 'get',
      path: '/quotes/{id}/pdf',
      tags: ['Devis'],
      summary: 'PDF d’un devis',
      request: { params: S.IdParam },
      responses: {
        200: { description: 'Le devis en PDF', content: { 'application/pdf': { schema: S.Binary } } },
        404: notFound('Devis'),
      },
    }),
    async (c) => {
      const { pdf, number } = await tenant(c, (tx) => quotePdf(tx, actor(c), c.req.valid('param').id));
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${fileName(number)}.pdf"`,
      }) as never;
    },
  );

  // Credit notes: a draft of type 381 tied to a validated invoice, then submitted and validated
  // like any invoice (/invoices/{id}/submit, /validate); listed by /invoices?typeCode=381.
  v1.openapi(
    route('credit-notes:write', {
      method: 'post',
      path: '/invoices/{id}/credit-notes',
      tags: ['Avoirs'],
      summary: 'Créer un avoir brouillon sur une facture validée (total, ou partiel avec ses lignes)',
      request: {
        params: S.IdParam,
        headers: S.IdempotencyHeader,
        body: { content: { 'application/json': { schema: S.CreditNoteCreate } }, required: true },
      },
      responses: { ...creationResponses(S.Invoice, 'Avoir brouillon créé'), 404: notFound('Facture') },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const body = c.req.valid('json');
      const r = await creation(c, `/invoices/${id}/credit-notes`, body, async (tx) => {
        if (!(await getInvoice(tx, actor(c), id))) throw new NotFoundError('Facture');
        const note = await createCreditNote(tx, actor(c), id, {
          reason: body.reason,
          lines: body.lines as never,
        });
        return deps.invoiceWithLines(tx, c, note.id);
      });
      return c.json(r.body, r.replayed ? 200 : 201);
    },
  );

  // Expenses: a line added to its author's expense report of the month, then the report sent.
  v1.openapi(
    route('expenses:write', {
      method: 'post',
      path: '/expenses',
      tags: ['Notes de frais'],
      summary: 'Ajouter une dépense à sa note de frais du mois de la dépense',
      description: 'Sans justificatif (à déposer sur la page de la note de frais). Répond la note de frais du mois.',
      request: {
        headers: S.IdempotencyHeader,
        body: { content: { 'application/json': { schema: S.ExpenseCreate } }, required: true },
      },
      responses: creationResponses(S.ExpenseReport, 'La note de frais, dépense comprise'),
    }),
    async (c) => {
      const body = c.req.valid('json');
      const r = await creation(c, '/expenses', body, async (tx) => {
        await addExpenseLine(tx, actor(c), c.get('app').config.fileKey, {
          date: body.date,
          category: body.category,
          description: body.description,
          activityId: body.activityId,
          amountInclCents: body.amountInclCents,
          vatCents: body.vatCents ?? null,
        });
        return expenseReportOut(await myReport(tx, actor(c), body.date.slice(0, 7)));
      });
      return c.json(r.body, r.replayed ? 200 : 201);
    },
  );
  v1.openapi(
    route('expenses:write', {
      method: 'post',
      path: '/expense-reports/{id}/submit',
      tags: ['Notes de frais'],
      summary: 'Envoyer sa note de frais à la validation',
      request: { params: S.IdParam },
      responses: {
        200: json(S.ExpenseReport, 'La note de frais, envoyée'),
        404: notFound('Note de frais'),
        422: problemResponse('Refusé (vide, déjà envoyée…)'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const out = await tenant(c, async (tx) => {
        await submitExpenseReport(tx, actor(c), id);
        return expenseReportDetail(tx, c, id);
      });
      return c.json(out, 200);
    },
  );

  // Bank lines
  v1.openapi(
    route('bank:read', {
      method: 'get',
      path: '/bank-lines',
      tags: ['Banque'],
      summary: 'Lister les lignes des relevés bancaires',
      description:
        'Filtres : statut (`to_justify` non rapprochées, `matched` rapprochées, `ignored`), compte. Des plus récentes aux plus anciennes ; pagination par curseur (clé de la dernière ligne vue).',
      request: { query: S.BankLineListQuery },
      responses: { 200: json(S.BankLinePage, 'Une page de lignes') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const after = decodeKey(q.cursor, { d: DATE, id: UUID });
      const r = await tenant(c, (tx) =>
        listBankLines(tx, actor(c), {
          status: q.status,
          accountId: q.accountId,
          after: after && { bookingDate: after.d, id: after.id },
          limit: q.limit ?? 25,
        }),
      );
      const last = r.items.at(-1);
      return c.json(
        {
          data: r.items.map(bankLineOut),
          nextCursor: r.hasMore && last ? encodeKey({ d: last.bookingDate, id: last.id }) : null,
        },
        200,
      );
    },
  );
}

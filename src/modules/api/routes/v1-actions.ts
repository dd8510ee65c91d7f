// The actions after creation, on the same app and kit as the rest of /api/v1: a quote sent,
// marked accepted (with the signed quote) or refused, and invoiced; a receipt given to an
// expense and read back; the bank lines waiting for a justification with their suggestions, and
// a suggestion confirmed. Every rule stays in the owning module's services (sales, purchases,
// bank, through their index.ts); the routes only translate HTTP. Uploads declare their limit as
// route middleware, where the front door (web/request-guards.ts) looks for it before any parsing.
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../../core/errors.ts';
import { readFile } from '../../../core/files.ts';
import { fileResponse } from '../../../web/files.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../../web/request-guards.ts';
import { confirmSuggestion, getBankLine, listBankLines, suggestionsForLines } from '../../bank/index.ts';
import { attachExpenseReceipt, expenseReceiptFileId } from '../../purchases/index.ts';
import { invoiceFromQuote, markQuoteAccepted, refuseQuote, sendQuote } from '../../sales/index.ts';
import { requestHash, withIdempotency } from '../idempotency.service.ts';
import * as S from '../schemas.ts';
import * as A from '../schemas-actions.ts';
import {
  type ApiCtx,
  type ApiEnv,
  actor,
  DATE,
  decodeKey,
  encodeKey,
  json,
  notFound,
  problemResponse,
  route,
  tenant,
  UUID,
} from './v1-kit.ts';
import {
  bankLineOut,
  creation,
  creationResponses,
  type InvoiceWithLines,
  expenseReportDetail,
  quoteDetail,
} from './v1-more.ts';

const uploadLimit = uploadBodyLimit(FILE_UPLOAD_LIMIT) as never;
const refused = (what: string) => problemResponse(`Refusé par les règles métier : ${what}`);

/** The first file of a multipart body under `field`, or null (no body, another type, empty). */
async function uploaded(c: ApiCtx, field: string) {
  const body = await c.req.parseBody();
  const up = body[field];
  if (!(up instanceof File) || up.size === 0) return null;
  // The declared type is kept as a hint only: storeFile types the file by its content.
  return {
    name: up.name || 'fichier',
    mimeType: up.type || 'application/octet-stream',
    content: Buffer.from(await up.arrayBuffer()),
  };
}

export function registerActionRoutes(v1: OpenAPIHono<ApiEnv>, deps: { invoiceWithLines: InvoiceWithLines }) {
  const quoteAction = (
    path: string,
    summary: string,
    description: string,
    extra: Record<string, unknown> = {},
    more: Parameters<typeof route>[2] = [],
  ) =>
    route(
      'quotes:write',
      {
        method: 'post',
        path,
        tags: ['Devis'],
        summary,
        description,
        request: { params: S.IdParam, ...extra },
        responses: {
          200: json(S.QuoteDetail, 'Le devis, à jour'),
          404: notFound('Devis'),
          422: refused('statut du devis, adresse ou fichier manquant…'),
        },
      },
      more,
    );

  // Sending mails the PDF with the acceptance link; a key makes a retried call send nothing more.
  v1.openapi(
    quoteAction(
      '/quotes/{id}/send',
      'Envoyer un devis au client',
      'Envoie le PDF par e-mail avec le lien d’acceptation en ligne ; le devis passe « envoyé ». Possible depuis brouillon ou envoyé (renvoi). `Idempotency-Key` : un appel rejoué n’envoie rien de plus.',
      {
        headers: S.IdempotencyHeader,
        body: { content: { 'application/json': { schema: A.QuoteSend } }, required: false },
      },
    ),
    async (c) => {
      const id = c.req.valid('param').id;
      // The body is optional (validated when sent as JSON); its type is lost in quoteAction's shape.
      const body = ((c.req.valid as (t: 'json') => unknown)('json') ?? {}) as z.infer<typeof A.QuoteSend>;
      const r = await tenant(c, (tx) =>
        withIdempotency(
          tx,
          actor(c),
          c.get('auth').tokenId,
          c.req.header('idempotency-key'),
          requestHash('POST', `/quotes/${id}/send`, body),
          async () => {
            await sendQuote(tx, actor(c), id, { publicUrl: c.get('app').config.publicUrl, to: body.to ?? null });
            return { status: 200, body: await quoteDetail(tx, c, id) };
          },
        ),
      );
      if (r.replayed) c.header('idempotent-replayed', 'true');
      return c.json(r.body, 200);
    },
  );
  v1.openapi(
    quoteAction(
      '/quotes/{id}/accept',
      'Marquer un devis accepté, avec le devis signé',
      'Corps multipart : `signedFile`, le devis signé (PDF ou image, reconnu par son contenu, 15 Mo au plus). Possible depuis brouillon ou envoyé.',
      { body: A.fileUpload('signedFile', 'Le devis signé (PDF, JPEG, PNG…)') },
      [uploadLimit],
    ),
    async (c) => {
      const id = c.req.valid('param').id;
      const file = await uploaded(c, 'signedFile');
      const out = await tenant(c, async (tx) => {
        await markQuoteAccepted(tx, actor(c), c.get('app').config.fileKey, id, file);
        return quoteDetail(tx, c, id);
      });
      return c.json(out, 200);
    },
  );
  v1.openapi(
    quoteAction('/quotes/{id}/refuse', 'Marquer un devis refusé', 'Possible depuis brouillon ou envoyé.'),
    async (c) => {
      const id = c.req.valid('param').id;
      const out = await tenant(c, async (tx) => {
        await refuseQuote(tx, actor(c), id);
        return quoteDetail(tx, c, id);
      });
      return c.json(out, 200);
    },
  );
  v1.openapi(
    route('invoices:write', {
      method: 'post',
      path: '/quotes/{id}/invoices',
      tags: ['Devis', 'Factures'],
      summary: 'Facturer un devis accepté (acompte, situation ou solde)',
      description:
        'Crée une facture brouillon depuis le devis : acompte (part en `percentBp` ou `amountCents`), situation, ou solde qui déduit les acomptes. Le total facturé ne dépasse jamais le devis.',
      request: {
        params: S.IdParam,
        headers: S.IdempotencyHeader,
        body: { content: { 'application/json': { schema: A.QuoteInvoiceCreate } }, required: true },
      },
      responses: { ...creationResponses(S.Invoice, 'Facture brouillon créée'), 404: notFound('Devis') },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const body = c.req.valid('json');
      const r = await creation(c, `/quotes/${id}/invoices`, body, async (tx) => {
        const inv = await invoiceFromQuote(tx, actor(c), id, body);
        return deps.invoiceWithLines(tx, c, inv.id);
      });
      return c.json(r.body, r.replayed ? 200 : 201);
    },
  );

  // Expense receipts: given to one's own expense line of a draft sheet, read back as an attachment.
  v1.openapi(
    route(
      'expenses:write',
      {
        method: 'post',
        path: '/expenses/{id}/receipt',
        tags: ['Notes de frais'],
        summary: 'Joindre le justificatif d’une dépense',
        description:
          'Corps multipart : `receipt`, la photo du ticket ou le PDF (reconnu par son contenu : PDF, JPEG, PNG, WebP, HEIC ; 15 Mo au plus, refusé avant lecture au-delà). Une dépense de sa propre note de frais encore en cours, sans justificatif ; le même justificatif ne sert jamais deux fois. Répond la note de frais.',
        request: { params: S.IdParam, body: A.fileUpload('receipt', 'La photo du ticket ou le PDF') },
        responses: {
          200: json(S.ExpenseReport, 'La note de frais, justificatif compris'),
          404: notFound('Dépense'),
          413: { description: 'Fichier trop volumineux (refusé avant toute lecture)' },
          422: refused('type de fichier, doublon, note déjà envoyée…'),
        },
      },
      [uploadLimit],
    ),
    async (c) => {
      const id = c.req.valid('param').id;
      const file = await uploaded(c, 'receipt');
      const out = await tenant(c, async (tx) => {
        const { reportId } = await attachExpenseReceipt(tx, actor(c), c.get('app').config.fileKey, id, file);
        return expenseReportDetail(tx, c, reportId);
      });
      return c.json(out, 200);
    },
  );
  v1.openapi(
    route('expenses:read', {
      method: 'get',
      path: '/expenses/{id}/receipt',
      tags: ['Notes de frais'],
      summary: 'Télécharger le justificatif d’une dépense',
      description: 'En pièce jointe (`Content-Disposition: attachment`), avec `nosniff`.',
      request: { params: S.IdParam },
      responses: {
        200: {
          description: 'Le justificatif',
          content: { 'application/octet-stream': { schema: S.Binary }, 'application/pdf': { schema: S.Binary } },
        },
        404: notFound('Justificatif'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const f = await tenant(c, async (tx) => {
        const fileId = await expenseReceiptFileId(tx, actor(c), id);
        if (!fileId) throw new NotFoundError('Justificatif');
        return readFile(tx, c.get('app').config.fileKey, actor(c).cooperativeId, fileId);
      });
      return fileResponse(f) as never;
    },
  );

  // Bank matching: the lines to justify with the bank module's ranked suggestions, and one confirmed.
  v1.openapi(
    route('bank:read', {
      method: 'get',
      path: '/bank-lines/unmatched',
      tags: ['Banque'],
      summary: 'Lignes à justifier, avec leurs suggestions de rapprochement',
      description:
        'Les suggestions sont classées (meilleure d’abord) ; chacune porte une `key` à renvoyer à `POST /bank-lines/{id}/match`. Des plus récentes aux plus anciennes ; pagination par curseur.',
      request: { query: A.UnmatchedQuery },
      responses: { 200: json(A.UnmatchedBankLinePage, 'Une page de lignes à justifier') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const after = decodeKey(q.cursor, { d: DATE, id: UUID });
      const { r, suggestions } = await tenant(c, async (tx) => {
        const r = await listBankLines(tx, actor(c), {
          status: 'to_justify',
          accountId: q.accountId,
          after: after && { bookingDate: after.d, id: after.id },
          limit: q.limit ?? 25,
        });
        return { r, suggestions: await suggestionsForLines(tx, actor(c), r.items) };
      });
      const last = r.items.at(-1);
      return c.json(
        {
          data: r.items.map((t, i) => ({
            line: bankLineOut(t),
            suggestions: (suggestions[i] ?? []).map((s) => ({
              key: s.key,
              kind: s.suggestion.kind,
              score: Math.round(s.suggestion.score),
              reasons: s.suggestion.reasons,
              targets: s.suggestion.targets.map((x) => ({
                type: x.item.targetType,
                id: x.item.id,
                number: x.item.number,
                partyName: x.item.partyName,
                amountCents: x.amountCents,
                remainingCents: x.item.remainingCents,
              })),
            })),
          })),
          nextCursor: r.hasMore && last ? encodeKey({ d: last.bookingDate, id: last.id }) : null,
        },
        200,
      );
    },
  );
  v1.openapi(
    route('bank:write', {
      method: 'post',
      path: '/bank-lines/{id}/match',
      tags: ['Banque'],
      summary: 'Confirmer une suggestion de rapprochement',
      description:
        'La clé doit être une des suggestions actuelles de la ligne (rien de périmé n’est appliqué) ; le paiement est enregistré par le module concerné (facture, facture fournisseur, note de frais…).',
      request: {
        params: S.IdParam,
        body: { content: { 'application/json': { schema: A.MatchConfirm } }, required: true },
      },
      responses: {
        200: json(S.BankLine, 'La ligne, rapprochée'),
        404: notFound('Ligne bancaire'),
        422: refused('ligne déjà justifiée, suggestion plus valable'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const { suggestion } = c.req.valid('json');
      const line = await tenant(c, async (tx) => {
        await confirmSuggestion(tx, actor(c), id, suggestion);
        const l = await getBankLine(tx, actor(c), id);
        if (!l) throw new NotFoundError('Ligne bancaire');
        return l;
      });
      return c.json(bankLineOut(line), 200);
    },
  );
}

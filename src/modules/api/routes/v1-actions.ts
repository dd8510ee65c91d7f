// The actions after creation, on the same app and kit as the rest of /api/v1: a quote sent,
// marked accepted (with the signed quote) or refused, and invoiced; a receipt given to an
// expense and read back; the bank lines waiting for a justification with their suggestions, and
// a line justified: a suggestion confirmed, documents chosen by hand, no document, or an account. Every rule stays in the owning module's services (sales, purchases,
// bank, through their index.ts); the routes only translate HTTP. Uploads declare their limit as
// route middleware, where the front door (web/request-guards.ts) looks for it before any parsing.
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../../core/errors.ts';
import { readFile } from '../../../core/files.ts';
import { fileResponse } from '../../../web/files.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../../web/request-guards.ts';
import {
  type BankTransaction,
  confirmSuggestion,
  getBankLine,
  justifyToAccount,
  listBankLines,
  markIgnored,
  matchManually,
  recogniseAccountKind,
  type SuggestionView,
  suggestionsForLines,
} from '../../bank/index.ts';
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
  type Tx,
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

const suggestionOut = (s: SuggestionView): z.infer<typeof A.MatchSuggestion> => ({
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
});

/** Justifies the line with `run` (the bank service locks it and checks the actor), then reads it back. */
async function justified(c: ApiCtx, id: string, run: (tx: Tx) => Promise<unknown>): Promise<BankTransaction> {
  return tenant(c, async (tx) => {
    await run(tx);
    const l = await getBankLine(tx, actor(c), id);
    if (!l) throw new NotFoundError('Ligne bancaire');
    return l;
  });
}

const uploadLimit = uploadBodyLimit(FILE_UPLOAD_LIMIT) as never;
const malformed = problemResponse('Requête mal formée (messages par champ)');
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
            suggestions: (suggestions[i] ?? []).map(suggestionOut),
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
        400: malformed,
        200: json(S.BankLine, 'La ligne, rapprochée'),
        404: notFound('Ligne bancaire'),
        422: refused('ligne déjà justifiée, suggestion plus valable'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const { suggestion } = c.req.valid('json');
      const line = await justified(c, id, (tx) => confirmSuggestion(tx, actor(c), id, suggestion));
      return c.json(bankLineOut(line), 200);
    },
  );
  v1.openapi(
    route('bank:read', {
      method: 'get',
      path: '/bank-lines/{id}/suggestions',
      tags: ['Banque'],
      summary: 'Suggestions de rapprochement d’une ligne',
      description:
        'Les suggestions actuelles de la ligne, classées (meilleure d’abord), chacune avec la `key` à renvoyer à `POST /bank-lines/{id}/match` ; et le type de compte reconnu (frais bancaires, URSSAF…) pour `POST /bank-lines/{id}/justify`. Une ligne déjà justifiée n’a pas de suggestion.',
      request: { params: S.IdParam },
      responses: {
        200: json(A.BankLineSuggestions, 'La ligne et ses suggestions'),
        404: notFound('Ligne bancaire'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const out = await tenant(c, async (tx) => {
        const l = await getBankLine(tx, actor(c), id);
        if (!l) throw new NotFoundError('Ligne bancaire');
        const [suggestions] = await suggestionsForLines(tx, actor(c), [l]);
        return { line: l, suggestions };
      });
      return c.json(
        {
          line: bankLineOut(out.line),
          suggestions: out.suggestions.map(suggestionOut),
          accountKind: out.line.status === 'to_justify' ? recogniseAccountKind(out.line) : null,
        },
        200,
      );
    },
  );
  v1.openapi(
    route('bank:write', {
      method: 'post',
      path: '/bank-lines/{id}/manual-match',
      tags: ['Banque'],
      summary: 'Rapprocher une ligne à la main (plusieurs pièces, montants partiels)',
      description:
        'Les pièces choisies (factures clientes pour un encaissement ; factures fournisseurs, notes de frais, salaires pour un décaissement) avec la part de la ligne affectée à chacune, au plus son reste dû ; la somme est égale au montant de la ligne. Chaque paiement est enregistré par le module concerné, comme depuis la page.',
      request: {
        params: S.IdParam,
        body: { content: { 'application/json': { schema: A.ManualMatch } }, required: true },
      },
      responses: {
        400: malformed,
        200: json(S.BankLine, 'La ligne, rapprochée'),
        404: notFound('Ligne bancaire'),
        422: refused(
          'ligne déjà justifiée, pièce introuvable ou soldée, montant au-delà du reste dû, somme différente',
        ),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const { targets } = c.req.valid('json');
      const line = await justified(c, id, (tx) =>
        matchManually(
          tx,
          actor(c),
          id,
          targets.map((x) => ({ targetType: x.type, id: x.id, amountCents: x.amountCents })),
        ),
      );
      return c.json(bankLineOut(line), 200);
    },
  );
  v1.openapi(
    route('bank:write', {
      method: 'post',
      path: '/bank-lines/{id}/ignore',
      tags: ['Banque'],
      summary: 'Justifier une ligne sans pièce',
      description:
        'Pour une ligne qui n’appelle aucun document ni écriture (virement interne…) : elle passe « ignorée », sans paiement ni écriture.',
      request: { params: S.IdParam },
      responses: {
        200: json(S.BankLine, 'La ligne, ignorée'),
        404: notFound('Ligne bancaire'),
        422: refused('ligne déjà justifiée'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const line = await justified(c, id, (tx) => markIgnored(tx, actor(c), id));
      return c.json(bankLineOut(line), 200);
    },
  );
  v1.openapi(
    route('bank:write', {
      method: 'post',
      path: '/bank-lines/{id}/justify',
      tags: ['Banque'],
      summary: 'Justifier une ligne vers un compte (frais bancaires, URSSAF…)',
      description:
        'Passe l’écriture de banque (journal BQ) au compte du type choisi, comme le bouton de la page ; le type doit convenir au sens de la ligne (des frais ne sont jamais un encaissement).',
      request: {
        params: S.IdParam,
        body: { content: { 'application/json': { schema: A.JustifyToAccount } }, required: true },
      },
      responses: {
        400: malformed,
        200: json(S.BankLine, 'La ligne, justifiée'),
        404: notFound('Ligne bancaire'),
        422: refused('ligne déjà justifiée, type contraire au sens de la ligne'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const { kind } = c.req.valid('json');
      const line = await justified(c, id, (tx) => justifyToAccount(tx, actor(c), id, kind));
      return c.json(bankLineOut(line), 200);
    },
  );
}

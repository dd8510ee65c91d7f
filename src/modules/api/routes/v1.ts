// The REST API, /api/v1: bearer tokens only (a cookie session cannot call it, so the app's CSRF
// protection has nothing to guard here and lets it through, web/middleware.ts). Every route is
// declared once with its zod schemas (../schemas.ts) and its scope: the same declaration
// validates the request, checks the scope and generates the OpenAPI 3.1 document. Handlers call
// the modules' services through their index.ts, in a tenant transaction with the token's user
// as the actor: same roles, same row-level security, same audit as the pages. Errors are RFC 9457
// problem details; an object of another cooperative is simply not found (404).
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { ForbiddenError } from '../../../core/actor.ts';
import { NotFoundError, UserError } from '../../../core/errors.ts';
import type { AppEnv } from '../../../web/context.ts';
import {
  buildCii,
  createCustomer,
  createDraft,
  getCustomer,
  getInvoice,
  getLines,
  listCustomers,
  listInvoices,
  listInvoicesAfter,
  loadInvoiceDocument,
  recordPayment,
  renderInvoicePdf,
  submitInvoice,
  validateInvoice,
  type Customer as CustomerRow,
  type Invoice as InvoiceRow,
} from '../../sales/index.ts';
import { activitiesFor, getActivity, type Activity } from '../../directory/index.ts';
import { caseload, getJourney, journeyHistory, transitionJourney, type Journey } from '../../journeys/index.ts';
import { cooperativeIndicators } from '../../impact/index.ts';
import { getExpenseReport, listMyReports } from '../../purchases/index.ts';
import { IdempotencyConflict, requestHash, withIdempotency } from '../idempotency.service.ts';
import * as S from '../schemas.ts';
import { ReferencePage, type OpenApiDoc } from '../views/reference.tsx';
import {
  actor,
  type ApiCtx,
  type ApiEnv,
  bearer,
  fileName,
  json,
  nextCursor,
  notFound,
  problem,
  problemResponse,
  readCursor,
  route,
  decodeKey,
  encodeKey,
  TEXT,
  TIMESTAMP,
  UUID,
  tenant,
  type Tx,
} from './v1-kit.ts';
import { registerActionRoutes } from './v1-actions.ts';
import { expenseReportOut, registerMoreRoutes } from './v1-more.ts';

export { problem, PROBLEM_BASE, type ApiEnv } from './v1-kit.ts';

// --- mappers (the contract, whatever the services carry besides) ------------------------------

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
export function customerOut(x: CustomerRow): z.infer<typeof S.Customer> {
  return {
    id: x.id,
    kind: x.kind,
    name: x.name,
    siren: x.siren,
    siret: x.siret,
    vatNumber: x.vatNumber,
    email: x.email,
    phone: x.phone,
    address: {
      line1: x.address.line1,
      line2: x.address.line2 ?? null,
      postalCode: x.address.postalCode,
      city: x.address.city,
      countryCode: x.address.countryCode,
    },
    electronicAddress: x.electronicAddress,
    paymentTermsDays: x.paymentTermsDays,
    notes: x.notes,
  };
}
export function invoiceOut(x: InvoiceRow, lines?: Awaited<ReturnType<typeof getLines>>): z.infer<typeof S.Invoice> {
  return {
    id: x.id,
    typeCode: x.typeCode,
    status: x.displayStatus,
    number: x.number,
    activityId: x.activityId,
    customerId: x.customerId,
    customerName: x.customerName,
    issueDate: x.issueDate,
    dueDate: x.dueDate,
    deliveryDate: x.deliveryDate,
    totalExclCents: x.totalExclCents,
    vatCents: x.vatCents,
    totalInclCents: x.totalInclCents,
    paidCents: x.paidCents,
    creditedCents: x.creditedCents,
    dueCents: x.dueCents,
    buyerReference: x.buyerReference,
    notes: x.notes,
    precedingInvoiceId: x.precedingInvoiceId,
    submittedAt: iso(x.submittedAt),
    validatedAt: iso(x.validatedAt),
    sentAt: iso(x.sentAt),
    ...(lines ? { lines: lines.map((l) => ({ ...l, section: l.section ?? null })) } : {}),
  };
}

// --- the application --------------------------------------------------------------------------

export const v1 = new OpenAPIHono<ApiEnv>({
  defaultHook: (result, c) => {
    if (!result.success) {
      const errors: Record<string, string> = {};
      for (const i of result.error.issues) errors[i.path.join('.') || '_'] = i.message;
      return problem(c, 400, 'invalid-request', 'Requête invalide', 'Des champs sont absents ou mal formés.', {
        errors,
      });
    }
  },
});
v1.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
  type: 'http',
  scheme: 'bearer',
  description:
    'Jeton `rad_…` : personnel (page Profil → Jetons d’API ou `radieuse token create`, agit comme la personne) ou d’application (page Jetons d’application de la direction, agit avec le rôle choisi à sa création).',
});

v1.onError((err, c) => {
  if (err instanceof ForbiddenError) return problem(c, 403, 'forbidden', 'Action non autorisée', err.message);
  if (err instanceof NotFoundError) return problem(c, 404, 'not-found', 'Introuvable', err.message);
  if (err instanceof IdempotencyConflict)
    return problem(c, 422, 'idempotency-conflict', 'Clé déjà utilisée', err.message);
  if (err instanceof UserError)
    return problem(
      c,
      422,
      'unprocessable',
      'Requête refusée',
      err.message,
      Object.keys(err.fields).length ? { errors: err.fields } : {},
    );
  console.error(err);
  return problem(c, 500, 'internal', 'Erreur interne', 'Une erreur inattendue est survenue.');
});

// The document and its reference page need no token; everything else does.
v1.use('*', async (c, next) => {
  const p = new URL(c.req.url).pathname;
  if (p === '/api/v1/openapi.json' || p === '/api/v1/reference') return next();
  return bearer(c, next);
});

// Customers
v1.openapi(
  route('customers:read', {
    method: 'get',
    path: '/customers',
    tags: ['Clients'],
    summary: 'Lister les clients',
    request: { query: S.CustomerListQuery },
    responses: { 200: json(S.CustomerPage, 'Une page de clients') },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const limit = q.limit ?? 25;
    if (q.q) {
      // A search is ordered by relevance: its pages stay positional.
      const page = readCursor(c, q.cursor);
      const r = await tenant(c, (tx) => listCustomers(tx, actor(c), { q: q.q, page, pageSize: limit }));
      return c.json(
        { data: r.items.map(customerOut), total: r.total, nextCursor: nextCursor(page, limit, r.total) },
        200,
      );
    }
    // Otherwise by name, continued from the last customer seen (keyset).
    const after = decodeKey(q.cursor, { n: TEXT, id: UUID });
    const r = await tenant(c, (tx) =>
      listCustomers(tx, actor(c), { pageSize: limit + 1, after: after && { name: after.n, id: after.id } }),
    );
    const data = r.items.slice(0, limit);
    const last = r.keys[limit - 1];
    return c.json(
      {
        data: data.map(customerOut),
        total: r.total,
        nextCursor: r.items.length > limit ? encodeKey({ n: last.name, id: last.id }) : null,
      },
      200,
    );
  },
);
v1.openapi(
  route('customers:read', {
    method: 'get',
    path: '/customers/{id}',
    tags: ['Clients'],
    summary: 'Lire un client',
    request: { params: S.IdParam },
    responses: { 200: json(S.Customer, 'Le client'), 404: notFound('Client') },
  }),
  async (c) => {
    const x = await tenant(c, (tx) => getCustomer(tx, actor(c), c.req.valid('param').id));
    if (!x) throw new NotFoundError('Client');
    return c.json(customerOut(x), 200);
  },
);
v1.openapi(
  route('customers:write', {
    method: 'post',
    path: '/customers',
    tags: ['Clients'],
    summary: 'Créer un client',
    request: {
      headers: S.IdempotencyHeader,
      body: { content: { 'application/json': { schema: S.CustomerCreate } }, required: true },
    },
    responses: {
      201: json(S.Customer, 'Client créé'),
      200: json(S.Customer, 'Réponse rejouée (même clé d’idempotence)'),
      400: problemResponse('Requête mal formée'),
      422: problemResponse('Refusé par les règles (doublon, SIREN…)'),
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const key = c.req.header('idempotency-key');
    const r = await tenant(c, (tx) =>
      withIdempotency(tx, actor(c), c.get('auth').tokenId, key, requestHash('POST', '/customers', body), async () => ({
        status: 201,
        body: customerOut(await createCustomer(tx, actor(c), body)),
      })),
    );
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r.body, r.replayed ? 200 : 201);
  },
);

// Invoices
v1.openapi(
  route('invoices:read', {
    method: 'get',
    path: '/invoices',
    tags: ['Factures'],
    summary: 'Lister les factures et avoirs',
    description:
      'Filtres : statut, client, activité, dates d’émission, recherche. Pagination par curseur : sans recherche, les plus récemment créées d’abord (brouillons compris), par clé (création, identifiant) stable pendant le parcours ; avec `q`, par pertinence.',
    request: { query: S.InvoiceListQuery },
    responses: { 200: json(S.InvoicePage, 'Une page de factures') },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const limit = q.limit ?? 25;
    const filters = {
      status: q.status,
      typeCode: q.typeCode,
      customerId: q.customerId,
      activityId: q.activityId,
      from: q.from,
      to: q.to,
    };
    if (q.q) {
      // A search is ordered by relevance: its cursor is still a page number.
      const page = readCursor(c, q.cursor);
      const r = await tenant(c, (tx) => listInvoices(tx, actor(c), { ...filters, q: q.q, page, pageSize: limit }));
      return c.json(
        { data: r.items.map((x) => invoiceOut(x)), total: r.total, nextCursor: nextCursor(page, limit, r.total) },
        200,
      );
    }
    // Otherwise by keyset on (creation instant, id): drafts (no number) page like the others.
    const key = decodeKey(q.cursor, { c: TIMESTAMP, id: UUID });
    const r = await tenant(c, (tx) =>
      listInvoicesAfter(tx, actor(c), filters, { after: key && { createdAt: key.c, id: key.id }, limit }),
    );
    return c.json(
      {
        data: r.items.map((x) => invoiceOut(x)),
        total: r.total,
        nextCursor: r.next ? encodeKey({ c: r.next.createdAt, id: r.next.id }) : null,
      },
      200,
    );
  },
);
async function invoiceWithLines(tx: Tx, c: ApiCtx, id: string) {
  const x = await getInvoice(tx, actor(c), id);
  if (!x) throw new NotFoundError('Facture');
  return invoiceOut(x, await getLines(tx, actor(c), id));
}
v1.openapi(
  route('invoices:read', {
    method: 'get',
    path: '/invoices/{id}',
    tags: ['Factures'],
    summary: 'Lire une facture et ses lignes',
    request: { params: S.IdParam },
    responses: { 200: json(S.Invoice, 'La facture'), 404: notFound('Facture') },
  }),
  async (c) => c.json(await tenant(c, (tx) => invoiceWithLines(tx, c, c.req.valid('param').id)), 200),
);
v1.openapi(
  route('invoices:write', {
    method: 'post',
    path: '/invoices',
    tags: ['Factures'],
    summary: 'Créer une facture brouillon',
    request: {
      headers: S.IdempotencyHeader,
      body: { content: { 'application/json': { schema: S.InvoiceCreate } }, required: true },
    },
    responses: {
      201: json(S.Invoice, 'Brouillon créé'),
      200: json(S.Invoice, 'Réponse rejouée (même clé d’idempotence)'),
      400: problemResponse('Requête mal formée'),
      422: problemResponse('Refusé par les règles de facturation'),
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const r = await tenant(c, (tx) =>
      withIdempotency(
        tx,
        actor(c),
        c.get('auth').tokenId,
        c.req.header('idempotency-key'),
        requestHash('POST', '/invoices', body),
        async () => {
          const inv = await createDraft(tx, actor(c), body);
          return { status: 201, body: await invoiceWithLines(tx, c, inv.id) };
        },
      ),
    );
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r.body, r.replayed ? 200 : 201);
  },
);
for (const [verb, summary, fn] of [
  ['submit', 'Soumettre un brouillon à la validation', submitInvoice],
  ['validate', 'Valider (numéroter et figer) une facture', validateInvoice],
] as const)
  v1.openapi(
    route('invoices:write', {
      method: 'post',
      path: `/invoices/{id}/${verb}`,
      tags: ['Factures'],
      summary,
      request: { params: S.IdParam },
      responses: {
        200: json(S.Invoice, 'La facture'),
        404: notFound('Facture'),
        422: problemResponse('Refusé (facture incomplète, déjà validée…)'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const out = await tenant(c, async (tx) => {
        if (!(await getInvoice(tx, actor(c), id))) throw new NotFoundError('Facture');
        await fn(tx, actor(c), id);
        return invoiceWithLines(tx, c, id);
      });
      return c.json(out, 200);
    },
  );

async function validatedDocument(c: ApiCtx, id: string) {
  return tenant(c, async (tx) => {
    const inv = await getInvoice(tx, actor(c), id);
    if (!inv?.number) throw new NotFoundError('Facture validée');
    return loadInvoiceDocument(tx, actor(c), inv.id);
  });
}
v1.openapi(
  route('invoices:read', {
    method: 'get',
    path: '/invoices/{id}/pdf',
    tags: ['Factures'],
    summary: 'PDF Factur-X d’une facture validée',
    request: { params: S.IdParam },
    responses: {
      200: {
        description: 'PDF/A-3 avec le XML CII embarqué',
        content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      404: notFound('Facture validée'),
    },
  }),
  async (c) => {
    const doc = await validatedDocument(c, c.req.valid('param').id);
    const pdf = await renderInvoicePdf(doc);
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${fileName(doc.number)}.pdf"`,
    }) as never;
  },
);
v1.openapi(
  route('invoices:read', {
    method: 'get',
    path: '/invoices/{id}/facturx',
    tags: ['Factures'],
    summary: 'XML Factur-X (CII, profil EN 16931) d’une facture validée',
    request: { params: S.IdParam },
    responses: {
      200: { description: 'XML CII', content: { 'application/xml': { schema: z.string() } } },
      404: notFound('Facture validée'),
    },
  }),
  async (c) => {
    const doc = await validatedDocument(c, c.req.valid('param').id);
    return c.body(buildCii(doc), 200, {
      'content-type': 'application/xml; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName(doc.number)}.xml"`,
    }) as never;
  },
);

// Payments
v1.openapi(
  route('payments:write', {
    method: 'post',
    path: '/invoices/{id}/payments',
    tags: ['Paiements'],
    summary: 'Enregistrer un paiement reçu sur une facture validée',
    request: {
      params: S.IdParam,
      headers: S.IdempotencyHeader,
      body: { content: { 'application/json': { schema: S.PaymentCreate } }, required: true },
    },
    responses: {
      201: json(S.Invoice, 'La facture, paiement compris'),
      200: json(S.Invoice, 'Réponse rejouée (même clé d’idempotence)'),
      404: notFound('Facture'),
      422: problemResponse('Refusé (facture non validée, montant…)'),
    },
  }),
  async (c) => {
    const id = c.req.valid('param').id;
    const body = c.req.valid('json');
    const r = await tenant(c, (tx) =>
      withIdempotency(
        tx,
        actor(c),
        c.get('auth').tokenId,
        c.req.header('idempotency-key'),
        requestHash('POST', `/invoices/${id}/payments`, body),
        async () => {
          if (!(await getInvoice(tx, actor(c), id))) throw new NotFoundError('Facture');
          await recordPayment(tx, actor(c), id, {
            amountCents: body.amountCents,
            date: body.date,
            method: body.method ?? 'virement',
            reference: body.reference ?? null,
          });
          return { status: 201, body: await invoiceWithLines(tx, c, id) };
        },
      ),
    );
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r.body, r.replayed ? 200 : 201);
  },
);

// Activities
const activityOut = (x: Activity): z.infer<typeof S.Activity> => ({
  id: x.id,
  name: x.name,
  analyticCode: x.analyticCode,
  description: x.description,
  trusted: x.trusted,
  ownerIds: x.ownerIds,
  closedAt: iso(x.closedAt),
});
v1.openapi(
  route('activities:read', {
    method: 'get',
    path: '/activities',
    tags: ['Activités'],
    summary: 'Les activités (enseignes) où travaille le titulaire du jeton',
    responses: { 200: json(S.ActivityList, 'Les activités') },
  }),
  async (c) => {
    const rows = await tenant(c, (tx) => activitiesFor(tx, actor(c)));
    return c.json({ data: rows.map(activityOut) }, 200);
  },
);
v1.openapi(
  route('activities:read', {
    method: 'get',
    path: '/activities/{id}',
    tags: ['Activités'],
    summary: 'Lire une activité',
    request: { params: S.IdParam },
    responses: { 200: json(S.Activity, 'L’activité'), 404: notFound('Activité') },
  }),
  async (c) => c.json(activityOut(await tenant(c, (tx) => getActivity(tx, actor(c), c.req.valid('param').id))), 200),
);

// Expense reports
v1.openapi(
  route('expenses:read', {
    method: 'get',
    path: '/expense-reports',
    tags: ['Notes de frais'],
    summary: 'Les notes de frais du titulaire du jeton (36 derniers mois)',
    responses: { 200: json(S.ExpenseReportList, 'Les notes de frais') },
  }),
  async (c) => {
    const rows = await tenant(c, (tx) => listMyReports(tx, actor(c)));
    return c.json({ data: rows }, 200);
  },
);
v1.openapi(
  route('expenses:read', {
    method: 'get',
    path: '/expense-reports/{id}',
    tags: ['Notes de frais'],
    summary: 'Lire une note de frais et ses lignes',
    request: { params: S.IdParam },
    responses: { 200: json(S.ExpenseReport, 'La note de frais'), 404: notFound('Note de frais') },
  }),
  async (c) => {
    const r = await tenant(c, (tx) => getExpenseReport(tx, actor(c), c.req.valid('param').id));
    if (!r) throw new NotFoundError('Note de frais');
    return c.json(expenseReportOut(r), 200);
  },
);

// People and their journey
const personOut = (j: Journey): z.infer<typeof S.Person> => ({
  id: j.id,
  userId: j.userId,
  displayName: j.displayName,
  email: j.email,
  phone: j.phone,
  supportUserId: j.supportUserId,
  stage: j.stage,
  stageSince: j.stageSince,
  capeStart: j.capeStart,
  capeEnd: j.capeEnd,
  exitReason: j.exitReason,
});
async function personDetail(tx: Tx, c: ApiCtx, id: string): Promise<z.infer<typeof S.PersonDetail>> {
  const j = await getJourney(tx, actor(c), id);
  const h = await journeyHistory(tx, actor(c), id);
  return {
    ...personOut(j),
    history: h.map((e) => ({
      from: e.from,
      to: e.to,
      effectiveOn: e.effectiveOn,
      authorLabel: e.authorLabel,
      comment: e.comment,
      exitReason: e.exitReason,
      createdAt: new Date(e.createdAt).toISOString(),
    })),
  };
}
v1.openapi(
  route('people:read', {
    method: 'get',
    path: '/people',
    tags: ['Personnes et parcours'],
    summary: 'Les personnes accompagnées (équipe d’accompagnement), par étape',
    request: { query: S.PersonListQuery },
    responses: { 200: json(S.PersonList, 'Les personnes') },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await tenant(c, (tx) => caseload(tx, actor(c), { stage: q.stage ?? null }));
    return c.json({ data: rows.map((r) => personOut(r.journey)) }, 200);
  },
);
v1.openapi(
  route('people:read', {
    method: 'get',
    path: '/people/{id}',
    tags: ['Personnes et parcours'],
    summary: 'Une personne, son étape et l’historique de son parcours',
    request: { params: S.IdParam },
    responses: { 200: json(S.PersonDetail, 'La personne'), 404: notFound('Parcours') },
  }),
  async (c) => c.json(await tenant(c, (tx) => personDetail(tx, c, c.req.valid('param').id)), 200),
);
v1.openapi(
  route('people:write', {
    method: 'post',
    path: '/people/{id}/stage',
    tags: ['Personnes et parcours'],
    summary: 'Faire passer une personne à une autre étape de son parcours',
    request: {
      params: S.IdParam,
      body: { content: { 'application/json': { schema: S.StageChangeCreate } }, required: true },
    },
    responses: {
      200: json(S.PersonDetail, 'La personne, à sa nouvelle étape'),
      404: notFound('Parcours'),
      422: problemResponse('Passage impossible'),
    },
  }),
  async (c) => {
    const id = c.req.valid('param').id;
    const body = c.req.valid('json');
    const out = await tenant(c, async (tx) => {
      await transitionJourney(tx, actor(c), id, body);
      return personDetail(tx, c, id);
    });
    return c.json(out, 200);
  },
);

// Indicators
v1.openapi(
  route('indicators:read', {
    method: 'get',
    path: '/indicators',
    tags: ['Indicateurs'],
    summary: 'Les indicateurs d’impact de la coopérative pour une année',
    request: { query: S.IndicatorQuery },
    responses: { 200: json(S.IndicatorList, 'Les indicateurs'), 422: problemResponse('Année refusée') },
  }),
  async (c) => {
    const year = c.req.valid('query').year ?? Number(new Date().toISOString().slice(0, 4));
    const rows = await tenant(c, (tx) => cooperativeIndicators(tx, actor(c), year));
    return c.json(
      {
        year,
        data: rows.map((r) => ({
          code: r.code,
          label: r.label,
          value: r.value,
          unit: r.unit,
          n: r.n,
          low: r.low,
          high: r.high,
          suppressed: r.suppressed,
          source: r.source,
          computedAt: r.computed_at,
        })),
      },
      200,
    );
  },
);

// Quotes, credit notes, expenses, bank lines.
registerMoreRoutes(v1, { invoiceWithLines });
// Quote actions, expense receipts, bank matching.
registerActionRoutes(v1, { invoiceWithLines });

export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'Radieuse API',
    version: '1.0.0',
    description:
      'API REST de Radieuse. Authentification par jeton personnel (Bearer), permissions par jeton, erreurs au format RFC 9457 (application/problem+json). Voir docs/api.md.',
  },
  servers: [{ url: '/api/v1' }],
};
v1.doc31('/openapi.json', OPENAPI_CONFIG);

/** The document, for the reference page and the tests. */
export const openApiDocument = () => v1.getOpenAPI31Document(OPENAPI_CONFIG);

v1.get('/reference', (c) =>
  c.html(ReferencePage({ c: c as never, doc: openApiDocument() as unknown as OpenApiDoc }) as never),
);

/** Mounted by the module: the API under /api/v1, and a problem (not a page) for unknown paths. */
export const apiV1Routes = new Hono<AppEnv>();
apiV1Routes.route('/api/v1', v1 as never);
apiV1Routes.all('/api/v1/*', (c) => problem(c, 404, 'not-found', 'Introuvable', 'Aucune ressource à cette adresse.'));

// Test helpers of the API module: a customer's body, a token created through its page, a webhook
// with a delivery.
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { makeSiren } from '../../core/identifiers.ts';
import type { Actor } from '../../core/actor.ts';
import type { Tx } from '../../core/db/handles.ts';
import { createSubscription, enqueueEvent, listDeliveries } from './webhooks.service.ts';

/** A company customer's body for POST /customers (a valid SIREN made from `seed`). */
export const customerBody = (name: string, seed: string) => ({
  kind: 'company' as const,
  name,
  siren: makeSiren(seed),
  addressLine1: '3 rue des Tanneurs',
  postalCode: '69002',
  city: 'Lyon',
});

/** Posts the token form at `path`, reads the token shown once, and checks that the list shown
 *  afterwards holds its first characters only. */
/** What of app/testing-web's TestClient is used here (a module never imports the app). */
interface PageClient {
  get(url: string): Promise<{ res: Response; html: string }>;
  post(url: string, form: Record<string, string | string[]>): Promise<{ res: Response; html: string }>;
}

export async function tokenFromPage(client: PageClient, path: string, form: Record<string, string | string[]>) {
  const made = await client.post(path, form);
  assert.equal(made.res.status, 200);
  const token = /<pre[^>]*data-token[^>]*>\s*(rad_[A-Za-z0-9_-]+)/.exec(made.html)?.[1];
  assert.ok(token, 'the token is shown');
  const page = await client.get(path);
  assert.ok(!page.html.includes(token), 'never shown again');
  assert.ok(page.html.includes(token.slice(0, 10)));
  return { token, html: page.html };
}

/** The API document's schemas, compiled once (ajv, JSON Schema 2020-12 with formats). */
export function responseChecker(doc: {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: unknown;
}) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'api', components: doc.components } as object);
  /** The JSON body, checked against the schema the document gives for this operation and status. */
  // biome-ignore lint/suspicious/noExplicitAny: a checked JSON answer, read field by field
  return async function checked(res: Response, method: string, template: string): Promise<any> {
    const type = (res.headers.get('content-type') ?? '').split(';')[0];
    const body = await res.json();
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is in the document`);
    const r = op.responses[String(res.status)] as { content?: Record<string, { schema: object }> } | undefined;
    assert.ok(r, `${method} ${template} documents status ${res.status} (${JSON.stringify(body)})`);
    const schema = r.content?.[type]?.schema;
    assert.ok(schema, `${method} ${template} ${res.status} documents ${type}`);
    const refd = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"api#/components/'));
    const validate = ajv.compile(refd);
    assert.ok(validate(body), `${method} ${template} ${res.status}: ${JSON.stringify(validate.errors)}`);
    return body;
  };
}

/** A webhook subscription of the actor's cooperative with one delivery waiting (an invoice
 *  validated), both made through the services. */
export async function webhookWithDelivery(tx: Tx, actor: Actor) {
  const sub = await createSubscription(tx, actor, {
    url: 'https://logiciel.example.org/webhooks/radieuse',
    events: ['invoice.validated'],
    description: 'Logiciel de suivi des ventes',
  });
  await enqueueEvent(tx, actor, 'invoice.validated', { number: 'F2026-0001' });
  const [delivery] = await listDeliveries(tx, actor, sub.id);
  return { subscription: sub.id, delivery: delivery.id };
}

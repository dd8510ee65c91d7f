// Test helpers of the API module: a customer's body, a token created through its page.
import assert from 'node:assert/strict';
import { makeSiren } from '../../core/identifiers.ts';

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

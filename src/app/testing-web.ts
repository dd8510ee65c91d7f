// Test helpers for routes: an app on a fresh database and a client that keeps cookies and
// sends the CSRF token like a browser form would.
import { createApp } from './app.tsx';
import { createTestDb, testConfig } from './testing.ts';
import type { OpenDb } from '../core/db/index.ts';

export async function createTestApp(opts: { odb?: OpenDb } = {}) {
  const odb = opts.odb ?? (await createTestDb());
  const config = testConfig();
  const app = createApp({ odb, config });
  return { odb, app, config };
}

export class TestClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly app: { request: (url: string, init?: RequestInit) => Response | Promise<Response> }) {}
  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(res: Response) {
    for (const sc of res.headers.getSetCookie()) {
      const [pair] = sc.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i);
      const v = pair.slice(i + 1);
      if (/max-age=0/i.test(sc) || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }
  async get(url: string): Promise<{ res: Response; html: string }> {
    const res = await this.app.request(`http://localhost${url}`, { headers: { cookie: this.cookieHeader() } });
    this.keep(res);
    const html = await res.text();
    const m = html.match(/name="csrf-token" content="([^"]+)"/);
    if (m) this.csrf = m[1];
    return { res, html };
  }
  /** A download (PDF, XLSX…) as bytes: reading it as text would mangle it. */
  async bytes(url: string): Promise<{ res: Response; body: Uint8Array }> {
    const res = await this.app.request(`http://localhost${url}`, { headers: { cookie: this.cookieHeader() } });
    this.keep(res);
    return { res, body: new Uint8Array(await res.arrayBuffer()) };
  }
  async post(
    url: string,
    form: Record<string, string | string[]>,
    opts: { csrf?: string | null; headers?: Record<string, string> } = {},
  ) {
    if (!this.csrf) await this.get('/connexion');
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.append('_csrf', token);
    const res = await this.app.request(`http://localhost${url}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...opts.headers },
    });
    this.keep(res);
    return { res, html: await res.text() };
  }
  async signIn(email: string, password: string) {
    await this.get('/connexion');
    const r = await this.post('/connexion', { email, password, retour: '/' });
    await this.get('/'); // refreshes the CSRF token bound to the new session
    return r;
  }
}

// The HTTP adapter: a platform's REST API, JSON and multipart over HTTPS, bearer token.
//   POST {base}/invoices                 multipart: `metadata` (JSON) + `file` → { "id": "..." }
//   GET  {base}/statuses?after=CURSOR    → { "items": [{ platformRef, status, occurredAt, reason }], "cursor": "..." }
//   GET  {base}/incoming                 → { "items": [{ "id", "fileName", "routingAddress" }] }
//   GET  {base}/incoming/{id}/file       → the document (PDF or XML)
//   POST {base}/incoming/{id}/ack        → 2xx once stored
//   POST {base}/invoices/{id}/statuses   JSON { status, code, occurredOn, amountCents }
//   POST {base}/e-reporting              JSON { periodStart, periodEnd, summary } → { "id": "..." }
// Server-side request forgery: the address is the cooperative's choice, so the adapter refuses
// private, loopback and link-local targets (checked on every connection, after DNS resolution,
// so a name that resolves inside is refused too), plain http, and redirects. Tests and closed
// networks lift this with the instance-wide setting of every outbound call (core/outbound.ts),
// RADIEUSE_OUTBOUND_ALLOW_PRIVATE=1.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { localHost, publicOnlyLookup } from '../../core/outbound.ts';
import { randomUUID } from 'node:crypto';
import type { EReport, OutgoingDocument, OutgoingStatus, PlatformAdapter } from './adapter.ts';
import { PlatformError } from './adapter.ts';
import { statusFrom } from './folder-adapter.ts';
import { LIFECYCLE } from './statuses.ts';

export interface HttpAdapterOptions {
  baseUrl: string;
  token: string;
  /** Tests and closed networks only: allow http:// and private or loopback addresses. */
  allowPrivateTargets?: boolean;
  timeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

/** The connection's lookup refuses internal addresses (core/outbound.ts), as our own error. */
const guardedLookup = publicOnlyLookup(() => new PlatformError('adresse interne refusée'));

/** Checks a platform address as the direction types it (the same rules as at connection). */
export function checkPlatformUrl(raw: string, allowPrivateTargets = false): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PlatformError('Adresse invalide : indiquez une URL complète (https://…).');
  }
  if (u.username || u.password) throw new PlatformError('L’adresse ne doit pas contenir d’identifiants.');
  if (u.protocol !== 'https:' && !(allowPrivateTargets && u.protocol === 'http:'))
    throw new PlatformError('L’adresse de la plateforme doit commencer par https://.');
  if (!allowPrivateTargets && localHost(u.hostname))
    throw new PlatformError('Adresse interne refusée : indiquez l’adresse publique de la plateforme.');
  return u;
}

interface Response {
  status: number;
  body: Buffer;
}

export function httpAdapter(o: HttpAdapterOptions): PlatformAdapter {
  const base = checkPlatformUrl(o.baseUrl, o.allowPrivateTargets);
  const root = base.href.replace(/\/+$/, '');
  async function call(method: string, path: string, body?: { type: string; data: Buffer }): Promise<Response> {
    const url = new URL(root + path);
    const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = doRequest(
        url,
        {
          method,
          headers: {
            authorization: `Bearer ${o.token}`,
            accept: 'application/json',
            'user-agent': 'Radieuse-EInvoicing/1',
            ...(body ? { 'content-type': body.type, 'content-length': String(body.data.length) } : {}),
          },
          ...(o.allowPrivateTargets ? {} : { lookup: guardedLookup }),
          timeout: o.timeoutMs ?? 20_000,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new PlatformError('Réponse de la plateforme trop volumineuse.'));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new PlatformError('La plateforme ne répond pas (délai dépassé).')));
      req.on('error', (e) =>
        reject(e instanceof PlatformError ? e : new PlatformError(`Plateforme injoignable : ${e.message}`)),
      );
      if (body) req.write(body.data);
      req.end();
    });
  }
  async function ok(method: string, path: string, body?: { type: string; data: Buffer }): Promise<Response> {
    const r = await call(method, path, body);
    if (r.status === 401 || r.status === 403)
      throw new PlatformError(`La plateforme refuse le jeton d’accès (HTTP ${r.status}).`);
    if (r.status < 200 || r.status >= 300)
      throw new PlatformError(`Réponse HTTP ${r.status} de la plateforme : ${r.body.toString('utf8').slice(0, 200)}`);
    return r;
  }
  const json = (data: unknown) => ({ type: 'application/json', data: Buffer.from(JSON.stringify(data)) });
  const parse = (r: Response): Record<string, unknown> => {
    try {
      return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new PlatformError('Réponse illisible de la plateforme (JSON attendu).');
    }
  };
  const idOf = (r: Response) => {
    const id = parse(r).id;
    if (typeof id !== 'string' || !id || id.length > 200)
      throw new PlatformError('La plateforme n’a pas donné d’identifiant.');
    return id;
  };
  return {
    kind: 'http',
    async send(doc: OutgoingDocument) {
      const boundary = `radieuse-${randomUUID()}`;
      const meta = {
        invoiceId: doc.invoiceId,
        number: doc.number,
        typeCode: doc.typeCode,
        issueDate: doc.issueDate,
        routingAddress: doc.routingAddress,
        format: doc.format,
        totalInclCents: doc.totalInclCents,
      };
      const data = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(meta)}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${doc.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"\r\nContent-Type: ${doc.contentType}\r\n\r\n`,
        ),
        doc.content,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const r = await ok('POST', '/invoices', { type: `multipart/form-data; boundary=${boundary}`, data });
      return { platformRef: idOf(r) };
    },
    async pullStatuses(cursor: string | null) {
      const r = parse(await ok('GET', `/statuses${cursor ? `?after=${encodeURIComponent(cursor)}` : ''}`));
      const items = (Array.isArray(r.items) ? r.items : []).map((x, k) => statusFrom(x, `statut ${k + 1}`));
      const next = typeof r.cursor === 'string' && r.cursor.length <= 200 ? r.cursor : cursor;
      return { items, cursor: next, ack: async () => undefined };
    },
    async pullIncoming() {
      const r = parse(await ok('GET', '/incoming'));
      const list = (Array.isArray(r.items) ? r.items : []) as Record<string, unknown>[];
      const items = [];
      for (const x of list.slice(0, 100)) {
        if (typeof x.id !== 'string' || !x.id || x.id.length > 200) continue;
        const file = await ok('GET', `/incoming/${encodeURIComponent(x.id)}/file`);
        items.push({
          platformRef: x.id,
          fileName: typeof x.fileName === 'string' ? x.fileName.slice(0, 200) : `${x.id}.pdf`,
          routingAddress: typeof x.routingAddress === 'string' ? x.routingAddress.slice(0, 200) : null,
          content: file.body,
        });
      }
      return {
        items,
        async ack(platformRef: string) {
          await ok('POST', `/incoming/${encodeURIComponent(platformRef)}/ack`, json({}));
        },
      };
    },
    async sendStatus(s: OutgoingStatus) {
      await ok(
        'POST',
        `/invoices/${encodeURIComponent(s.platformRef)}/statuses`,
        json({
          status: s.status,
          code: LIFECYCLE[s.status].code,
          occurredOn: s.occurredOn,
          amountCents: s.amountCents,
          ...(s.reason ? { reasonCode: s.reason.code, reason: s.reason.text } : {}),
        }),
      );
    },
    async sendEReport(rep: EReport) {
      const r = await ok(
        'POST',
        '/e-reporting',
        json({ periodStart: rep.periodStart, periodEnd: rep.periodEnd, summary: rep.summary, flux10: rep.xml }),
      );
      return { platformRef: idOf(r) };
    },
  };
}

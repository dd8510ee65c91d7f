// Requests the server makes to addresses chosen by users (webhooks, a cooperative's timestamp
// authority, an e-invoicing platform). Whoever types the address must not be able to make the
// server probe its own network (SSRF): loopback, private, link-local (cloud metadata) and
// unspecified addresses are refused. The check runs inside the connection's own DNS lookup, so
// a name that resolves to a public address when checked and a private one when connecting
// (DNS rebinding) is refused too. Redirects are never followed; answers are size-limited.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { UserError } from './errors.ts';

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: an IPv4 address inside an IPv6 one
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** True for an address of the host's own networks (an IPv4-mapped IPv6 address is unwrapped). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (!family) return true; // not an address at all: refuse rather than guess
  return PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Operators of a closed network (an internal timestamp authority, tests on loopback) may allow
 * private addresses for the whole instance. Never the default.
 */
export function privateAddressesAllowed(): boolean {
  return process.env.RADIEUSE_OUTBOUND_ALLOW_PRIVATE === '1';
}

/**
 * Checks an address a user typed (French message on `field`): http(s), no credentials, bounded,
 * and, unless private addresses are allowed, not a literal private address or a local name. A
 * name is only resolved when the request is made (see `outboundRequest`).
 */
export function checkOutboundUrl(raw: string, field: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new UserError('Adresse invalide : indiquez une URL complète (https://…).', field);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new UserError('Seules les adresses http(s) sont acceptées.', field);
  if (u.username || u.password) throw new UserError('L’adresse ne doit pas contenir d’identifiants.', field);
  if (u.href.length > 500) throw new UserError('Adresse trop longue.', field);
  if (!privateAddressesAllowed() && localHost(u.hostname))
    throw new UserError('Cette adresse désigne le réseau interne du serveur : indiquez une adresse publique.', field);
  return u.href;
}

/** A host name or literal address that designates the server's own networks. */
export function localHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host)) return isPrivateAddress(host);
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal');
}

/** The connection's DNS lookup, refusing private answers: what is checked is what is connected.
 *  `refusal` makes the error a caller's own (a module with its own error type). */
export const publicOnlyLookup =
  (refusal: () => Error = () => new OutboundRefused()): LookupFunction =>
  (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad || !list.length) return callback(refusal(), '', 0);
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };

export class OutboundRefused extends Error {
  constructor() {
    super('adresse interne refusée');
  }
}

export interface OutboundRequest {
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs?: number;
  /** The answer is cut off (and the request fails) beyond this many bytes. */
  maxResponseBytes?: number;
  /** An address the operator set (environment), not a user: private addresses are fine. */
  trusted?: boolean;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Makes one HTTP(S) request to a user-chosen address, with the refusals described above. */
export function outboundRequest(url: string, req: OutboundRequest = {}): Promise<OutboundResponse> {
  const u = new URL(url);
  const allowPrivate = req.trusted || privateAddressesAllowed();
  const host = u.hostname.replace(/^\[|\]$/g, '');
  // A literal address skips the DNS lookup: check it here.
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) return Promise.reject(new OutboundRefused());
  const maxBytes = req.maxResponseBytes ?? 2 * 1024 * 1024;
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(
      u,
      {
        method: req.method ?? 'GET',
        headers: req.headers,
        timeout: req.timeoutMs ?? 10_000,
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup() }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new Error(`réponse trop volumineuse (plus de ${maxBytes} octets)`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error('délai dépassé')));
    r.on('error', reject);
    r.end(req.body);
  });
}

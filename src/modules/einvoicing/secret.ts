// The platform's bearer token at rest: AES-256-GCM with a key derived (HKDF) from the master key,
// so a database dump alone does not give access to the platform. Pure: no database.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keyOf = (master: Buffer) => Buffer.from(hkdfSync('sha256', master, 'radieuse', 'einvoicing-platform-token', 32));

export function sealToken(master: Buffer, token: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(master), iv);
  const data = Buffer.concat([c.update(token, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), data.toString('base64')].join('.');
}

export function openToken(master: Buffer, sealed: string): string {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || !data) throw new Error('jeton scellé illisible');
  const d = createDecipheriv('aes-256-gcm', keyOf(master), Buffer.from(iv, 'base64'));
  d.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
}

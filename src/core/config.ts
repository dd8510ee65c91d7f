// Configuration comes from the environment only, validated once, with French messages,
// so an operator sees at start-up what is wrong instead of a crash deep in a request.
import { z } from 'zod';
import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { registerPreviousMasterKeys } from './master-keys.ts';

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL doit être une URL postgres://…')
    .optional(),
  RADIEUSE_DATA: z.string().default('./data'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_URL: z.string().url('PUBLIC_URL doit être une URL complète (https://…)').optional(),
  // 32 bytes, base64 or hex. Without it a key is derived from the data folder so that a demo
  // install works, and a warning says that production must set it.
  RADIEUSE_FILE_KEY: z.string().optional(),
  // During a master key rotation (docs/operator-guide.md): the former key(s), comma separated,
  // so documents stay readable until `radieuse keys rotate` has re-wrapped every data key.
  RADIEUSE_FILE_KEY_PREVIOUS: z.string().optional(),
  RADIEUSE_SECRET: z.string().min(16, 'RADIEUSE_SECRET doit compter au moins 16 caractères').optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Radieuse <no-reply@radieuse.localhost>'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  RADIEUSE_JOBS: z.enum(['on', 'off']).default('on'),
  // Reverse proxies whose X-Forwarded-For is believed (IP addresses or CIDR ranges, comma
  // separated). Unset: the client address is the socket's, and the header is ignored.
  TRUSTED_PROXIES: z.string().optional(),
});

export type Config = z.infer<typeof schema> & {
  dbKind: 'pglite' | 'postgres';
  /** The master key: it wraps each cooperative's data keys (core/file-keys.ts). */
  fileKey: Buffer;
  /** Former master keys still accepted for reading, until `radieuse keys rotate` has run. */
  previousFileKeys: Buffer[];
  secret: string;
  publicUrl: string;
  /** The proxies of TRUSTED_PROXIES, or null when none is trusted. */
  trustedProxies: BlockList | null;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const fileKey = c.RADIEUSE_FILE_KEY
    ? decodeKey(c.RADIEUSE_FILE_KEY)
    : createHash('sha256')
        .update(`radieuse-dev-key:${c.DATABASE_URL ?? c.RADIEUSE_DATA}`)
        .digest();
  const previousFileKeys = c.RADIEUSE_FILE_KEY_PREVIOUS ? decodePreviousKeys(c.RADIEUSE_FILE_KEY_PREVIOUS) : [];
  if (previousFileKeys.length && !c.RADIEUSE_FILE_KEY)
    throw new ConfigError(
      'RADIEUSE_FILE_KEY_PREVIOUS suppose RADIEUSE_FILE_KEY : indiquez la nouvelle clé dans RADIEUSE_FILE_KEY et l’ancienne dans RADIEUSE_FILE_KEY_PREVIOUS.',
    );
  // storeFile and readFile receive the current key only; the previous ones travel with it.
  registerPreviousMasterKeys(fileKey, previousFileKeys);
  return {
    ...c,
    dbKind: c.DATABASE_URL ? 'postgres' : 'pglite',
    fileKey,
    previousFileKeys,
    secret: c.RADIEUSE_SECRET ?? createHash('sha256').update(`radieuse-dev-secret:${c.RADIEUSE_DATA}`).digest('hex'),
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    trustedProxies: c.TRUSTED_PROXIES ? parseTrustedProxies(c.TRUSTED_PROXIES) : null,
  };
}

/** `10.0.0.1, 192.168.0.0/16, ::1` → a BlockList; a French error names the first bad entry. */
export function parseTrustedProxies(value: string): BlockList | null {
  const list = new BlockList();
  let count = 0;
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? null : Number(prefix);
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== null && !(Number.isInteger(bits) && bits >= 0 && bits <= max)))
      throw new ConfigError(
        `TRUSTED_PROXIES : « ${entry} » n'est ni une adresse IP ni une plage (ex. 10.0.0.1 ou 10.0.0.0/8).`,
      );
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === null) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
    count++;
  }
  return count ? list : null;
}

function decodePreviousKeys(value: string): Buffer[] {
  const keys: Buffer[] = [];
  for (const raw of value.split(',')) {
    const v = raw.trim();
    if (!v) continue;
    const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
    if (key.length !== 32)
      throw new ConfigError(
        'RADIEUSE_FILE_KEY_PREVIOUS doit contenir une ou plusieurs clés de 32 octets (64 caractères hexadécimaux ou base64), séparées par des virgules.',
      );
    keys.push(key);
  }
  return keys;
}

function decodeKey(value: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32)
    throw new ConfigError('RADIEUSE_FILE_KEY doit faire 32 octets (64 caractères hexadécimaux ou base64).');
  return key;
}

// Configuration comes from the environment only, validated once, with French messages,
// so an operator sees at start-up what is wrong instead of a crash deep in a request.
import { z } from 'zod';
import { createHash } from 'node:crypto';

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
  RADIEUSE_SECRET: z.string().min(16, 'RADIEUSE_SECRET doit compter au moins 16 caractères').optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Radieuse <no-reply@radieuse.localhost>'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  RADIEUSE_JOBS: z.enum(['on', 'off']).default('on'),
});

export type Config = z.infer<typeof schema> & {
  dbKind: 'pglite' | 'postgres';
  fileKey: Buffer;
  secret: string;
  publicUrl: string;
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
  return {
    ...c,
    dbKind: c.DATABASE_URL ? 'postgres' : 'pglite',
    fileKey,
    secret: c.RADIEUSE_SECRET ?? createHash('sha256').update(`radieuse-dev-secret:${c.RADIEUSE_DATA}`).digest('hex'),
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
  };
}

function decodeKey(value: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32)
    throw new ConfigError('RADIEUSE_FILE_KEY doit faire 32 octets (64 caractères hexadécimaux ou base64).');
  return key;
}

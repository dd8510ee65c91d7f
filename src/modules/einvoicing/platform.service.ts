// The cooperative's approved platform: which adapter, which format, its address and token.
// Configured by the direction; the token is sealed at rest and never shown again.
import { z } from 'zod';
import { type Db, type Tx, withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import { audit } from '../../core/audit.ts';
import { privateAddressesAllowed } from '../../core/outbound.ts';
import { einvoicingDb } from './db.ts';
import { EINVOICING } from './permissions.ts';
import type { PlatformAdapter } from './adapter.ts';
import { PlatformError } from './adapter.ts';
import { folderAdapter } from './folder-adapter.ts';
import { checkPlatformUrl, httpAdapter } from './http-adapter.ts';
import { openToken, sealToken } from './secret.ts';
import type { EInvoicingTables, PlatformFormat } from './schema.ts';

export interface Platform {
  adapter: 'folder' | 'http';
  format: PlatformFormat;
  name: string;
  folder: string | null;
  baseUrl: string | null;
  hasToken: boolean;
  eReporting: boolean;
  enabled: boolean;
}

export const FORMAT_LABELS: Record<PlatformFormat, string> = {
  facturx: 'Factur-X (PDF avec XML CII)',
  cii: 'CII (XML UN/CEFACT)',
  ubl: 'UBL 2.1 (XML)',
};

/** How the module's jobs and services reach the outside: the master key and the SSRF setting. */
export interface PlatformEnv {
  fileKey: Buffer;
  /** The instance-wide setting of every outbound call, RADIEUSE_OUTBOUND_ALLOW_PRIVATE=1
   *  (core/outbound.ts): tests and closed networks only. */
  allowPrivateTargets: boolean;
}

/** The environment of the jobs and of the pages alike, from the server's configuration. */
export const platformEnvOf = (config: { fileKey: Buffer }): PlatformEnv => ({
  fileKey: config.fileKey,
  allowPrivateTargets: privateAddressesAllowed(),
});

export const PlatformInput = z
  .object({
    adapter: z.enum(['folder', 'http'], { message: 'Choisissez le type de raccordement.' }),
    format: z.enum(['facturx', 'cii', 'ubl'], { message: 'Choisissez le format demandé par la plateforme.' }),
    name: z.string().trim().min(1, 'Indiquez le nom de la plateforme.').max(100, 'Nom trop long.'),
    folder: z.string().trim().max(500).nullable().optional(),
    baseUrl: z.string().trim().max(500).nullable().optional(),
    token: z.string().trim().max(4000).nullable().optional(),
    eReporting: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .superRefine((v, ctx) => {
    if (v.adapter === 'folder' && !(v.folder ?? '').startsWith('/'))
      ctx.addIssue({ code: 'custom', path: ['folder'], message: 'Indiquez le chemin absolu du dossier d’échange.' });
    if (v.adapter === 'http' && !v.baseUrl)
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'Indiquez l’adresse de l’API de la plateforme.' });
  });
export type PlatformInput = z.input<typeof PlatformInput>;

type Row = EInvoicingTables['einvoicing_platform'];
const toPlatform = (
  r: Pick<Row, 'adapter' | 'format' | 'name' | 'folder' | 'base_url' | 'token_sealed' | 'e_reporting' | 'enabled'>,
): Platform => ({
  adapter: r.adapter,
  format: r.format,
  name: r.name,
  folder: r.folder,
  baseUrl: r.base_url,
  hasToken: !!r.token_sealed,
  eReporting: r.e_reporting,
  enabled: r.enabled,
});

export async function getPlatform(tx: Tx, actor: Actor): Promise<Platform | null> {
  authorize(actor, EINVOICING.read);
  const r = await einvoicingDb(tx)
    .selectFrom('einvoicing_platform')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .executeTakeFirst();
  return r ? toPlatform(r) : null;
}

export async function savePlatform(tx: Tx, actor: Actor, env: PlatformEnv, raw: PlatformInput): Promise<Platform> {
  authorize(actor, EINVOICING.configure);
  const v = parseInput(PlatformInput, raw);
  const trx = einvoicingDb(tx);
  const current = await trx
    .selectFrom('einvoicing_platform')
    .select('token_sealed')
    .where('cooperative_id', '=', actor.cooperativeId)
    .executeTakeFirst();
  if (v.adapter === 'http') {
    try {
      checkPlatformUrl(v.baseUrl ?? '', env.allowPrivateTargets);
    } catch (e) {
      throw new UserError((e as Error).message, 'baseUrl');
    }
    if (!v.token && !current?.token_sealed)
      throw new UserError('Indiquez le jeton d’accès fourni par la plateforme.', 'token');
  }
  const values = {
    adapter: v.adapter,
    format: v.format,
    name: v.name,
    folder: v.adapter === 'folder' ? (v.folder ?? null) : null,
    base_url: v.adapter === 'http' ? (v.baseUrl ?? null) : null,
    // A blank token keeps the one already given (it is never shown back).
    token_sealed:
      v.adapter === 'http' ? (v.token ? sealToken(env.fileKey, v.token) : (current?.token_sealed ?? null)) : null,
    e_reporting: v.eReporting,
    enabled: v.enabled,
    updated_by: actor.userId,
    updated_at: new Date(),
  };
  await trx
    .insertInto('einvoicing_platform')
    .values({ cooperative_id: actor.cooperativeId, status_cursor: null, ...values })
    .onConflict((oc) => oc.column('cooperative_id').doUpdateSet(values))
    .execute();
  await audit(tx, actor, {
    action: 'einvoicing.platform_configured',
    targetType: 'cooperative',
    targetId: actor.cooperativeId,
    data: { adapter: v.adapter, format: v.format, name: v.name, baseUrl: values.base_url, folder: values.folder },
  });
  return (await getPlatform(tx, actor))!;
}

/** The adapter of a cooperative's platform (jobs): null when none is configured or it is paused. */
export async function adapterOf(
  tx: Tx,
  cooperativeId: string,
  env: PlatformEnv,
): Promise<{ adapter: PlatformAdapter; format: PlatformFormat; cursor: string | null; eReporting: boolean } | null> {
  const r = await einvoicingDb(tx)
    .selectFrom('einvoicing_platform')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .executeTakeFirst();
  if (!r?.enabled) return null;
  let adapter: PlatformAdapter;
  if (r.adapter === 'folder') {
    if (!r.folder) throw new PlatformError('Dossier d’échange non configuré.');
    adapter = folderAdapter(r.folder);
  } else {
    if (!r.base_url || !r.token_sealed) throw new PlatformError('Adresse ou jeton de la plateforme manquant.');
    adapter = httpAdapter({
      baseUrl: r.base_url,
      token: openToken(env.fileKey, r.token_sealed),
      allowPrivateTargets: env.allowPrivateTargets,
    });
  }
  return { adapter, format: r.format, cursor: r.status_cursor, eReporting: r.e_reporting };
}

export type JobPlatform = NonNullable<Awaited<ReturnType<typeof adapterOf>>>;

/**
 * A job's claim for one cooperative: `claim` runs in its tenant transaction with its platform's
 * adapter. A platform that cannot be built (an address refused, a token unreadable) is reported
 * in `errors` and nothing is claimed (null); so is a cooperative whose platform was just paused.
 */
export async function claimWithPlatform<T>(
  db: Db,
  cooperativeId: string,
  env: PlatformEnv,
  errors: string[],
  claim: (tx: Tx, platform: JobPlatform) => Promise<T>,
): Promise<T | null> {
  return withTenant(db, cooperativeId, async (tx) => {
    const platform = await adapterOf(tx, cooperativeId, env).catch((e: Error) => {
      errors.push(e.message);
      return null;
    });
    return platform ? claim(tx, platform) : null;
  });
}

/** Cooperatives with an enabled platform (jobs, outside any tenant). */
export async function platformCooperatives(tx: Tx): Promise<string[]> {
  const rows = await einvoicingDb(tx)
    .selectFrom('einvoicing_platform')
    .select('cooperative_id')
    .where('enabled', '=', true)
    .execute();
  return rows.map((r) => r.cooperative_id);
}

export async function saveCursor(tx: Tx, cooperativeId: string, cursor: string | null): Promise<void> {
  await einvoicingDb(tx)
    .updateTable('einvoicing_platform')
    .set({ status_cursor: cursor })
    .where('cooperative_id', '=', cooperativeId)
    .execute();
}

// Independents outside the cooperative (issue 15, item 7). The cooperative writes its charter
// (each change is a new version); its staff invite an independent, who accepts the charter
// through a signed link (version and date recorded). Only then may the staff publish a
// marketplace profile for them (profile.service.ts `profileOwner`): a profile only — no activity,
// no account, no ERP. Their public pages say « Indépendant·e partenaire ».
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { parseInput } from '../../core/validation.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { safeEqual } from '../../core/auth/tokens.ts';
import { enqueueMail } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { getCooperative } from '../directory/index.ts';
import { marketDb } from './db.ts';
import { MARKET } from './permissions.ts';

export { EXTERNAL_LABEL } from './categories.ts';

export interface Charter {
  version: number;
  body: string;
  createdAt: Date;
}
export interface External {
  id: string;
  name: string;
  email: string;
  invitedAt: Date;
  charterVersion: number | null;
  acceptedAt: Date | null;
}

const mac = (key: Buffer, what: string) => createHmac('sha256', key).update(what).digest('base64url').slice(0, 32);
export function charterToken(key: Buffer, coopId: string, externalId: string): string {
  return `${coopId}.${externalId}.${mac(key, `market-charter:${coopId}:${externalId}`)}`;
}
export function parseCharterToken(key: Buffer, token: string): { coopId: string; externalId: string } | null {
  const [coopId, externalId, m] = token.split('.');
  if (!isUuid(coopId ?? '') || !isUuid(externalId ?? '') || !m) return null;
  return safeEqual(charterToken(key, coopId, externalId), token) ? { coopId, externalId } : null;
}

export async function currentCharter(tx: Tx, cooperativeId: string): Promise<Charter | null> {
  const r = await marketDb(tx)
    .selectFrom('market_charter')
    .selectAll()
    .where('cooperative_id', '=', cooperativeId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? { version: r.version, body: r.body, createdAt: r.created_at } : null;
}

/** A new version of the charter (earlier acceptances keep the version they accepted). */
export async function saveCharter(tx: Tx, actor: Actor, raw: unknown): Promise<Charter> {
  authorize(actor, MARKET.externalManage);
  const v = parseInput(
    z.object({ body: z.string().trim().min(20, 'La charte doit faire 20 caractères au moins.').max(20000) }),
    raw,
  );
  const cur = await currentCharter(tx, actor.cooperativeId);
  if (cur && cur.body === v.body) return cur;
  const version = (cur?.version ?? 0) + 1;
  await marketDb(tx)
    .insertInto('market_charter')
    .values({ cooperative_id: actor.cooperativeId, version, body: v.body })
    .execute();
  await audit(tx, actor, {
    action: 'market.charter.saved',
    targetType: 'market_charter',
    targetId: String(version),
    data: {},
  });
  return (await currentCharter(tx, actor.cooperativeId))!;
}

const toExternal = (r: {
  id: string;
  name: string;
  email: string;
  invited_at: Date;
  charter_version: number | null;
  accepted_at: Date | null;
}): External => ({
  id: r.id,
  name: r.name,
  email: r.email,
  invitedAt: r.invited_at,
  charterVersion: r.charter_version,
  acceptedAt: r.accepted_at,
});

export async function listExternals(tx: Tx, actor: Actor): Promise<External[]> {
  authorize(actor, MARKET.externalManage);
  const rows = await marketDb(tx)
    .selectFrom('market_external')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('name')
    .execute();
  return rows.map(toExternal);
}

export const ExternalInput = z.object({
  name: z.string().trim().min(2, 'Indiquez le nom.').max(120),
  email: z.string().trim().toLowerCase().email('Adresse e-mail invalide.').max(200),
});

/** Invites an independent to accept the charter: the link is mailed (and returned). */
export async function inviteExternal(
  tx: Tx,
  actor: Actor,
  raw: unknown,
  opts: { key: Buffer; publicUrl: string },
): Promise<{ external: External; link: string }> {
  authorize(actor, MARKET.externalManage);
  const v = parseInput(ExternalInput, raw);
  const charter = await currentCharter(tx, actor.cooperativeId);
  if (!charter) throw new UserError('Écrivez d’abord la charte de la coopérative.');
  const trx = marketDb(tx);
  const dup = await trx
    .selectFrom('market_external')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('email', '=', v.email)
    .executeTakeFirst();
  if (dup) throw new UserError('Cette personne a déjà été invitée.', 'email');
  const id = uuidv7();
  await trx
    .insertInto('market_external')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      name: v.name,
      email: v.email,
      charter_version: null,
      accepted_at: null,
    })
    .execute();
  const coop = await getCooperative(tx, actor.cooperativeId);
  const link = `${opts.publicUrl}/marche/charte/${charterToken(opts.key, actor.cooperativeId, id)}`;
  await enqueueMail(tx, {
    to: v.email,
    cooperativeId: actor.cooperativeId,
    subject: `${coop?.name ?? 'La coopérative'} vous invite sur sa place de marché`,
    text: `Bonjour ${v.name},\n\n${coop?.name ?? 'La coopérative'} vous propose de figurer sur sa place de marché comme indépendant·e partenaire. Lisez et acceptez sa charte :\n\n${link}\n\nVotre profil sera publié ensuite avec vous ; vous n'aurez pas d'accès au logiciel de gestion de la coopérative.\n`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  await audit(tx, actor, { action: 'market.external.invited', targetType: 'market_external', targetId: id, data: {} });
  return {
    external: toExternal(
      await trx
        .selectFrom('market_external')
        .selectAll()
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    ),
    link,
  };
}

/** What the charter page shows to the invited independent (signed link, no account). */
export async function charterInvitation(
  tx: Tx,
  coopId: string,
  externalId: string,
): Promise<{ name: string; cooperative: string; charter: Charter; acceptedVersion: number | null } | null> {
  const x = await marketDb(tx)
    .selectFrom('market_external')
    .selectAll()
    .where('cooperative_id', '=', coopId)
    .where('id', '=', externalId)
    .executeTakeFirst();
  const charter = await currentCharter(tx, coopId);
  const coop = await getCooperative(tx, coopId);
  if (!x || !charter || !coop) return null;
  return { name: x.name, cooperative: coop.name, charter, acceptedVersion: x.charter_version };
}

/** The independent accepts the version they read (refused if the charter changed meanwhile). */
export async function acceptCharter(
  tx: Tx,
  coopId: string,
  externalId: string,
  raw: Record<string, string>,
): Promise<number> {
  const inv = await charterInvitation(tx, coopId, externalId);
  if (!inv) throw new NotFoundError('Invitation');
  if (raw.agreed !== 'on') throw new UserError('Cochez la case pour accepter la charte.', 'agreed');
  if (Number(raw.version) !== inv.charter.version)
    throw new UserError('La charte a changé depuis que vous l’avez ouverte : relisez-la.', 'agreed');
  await marketDb(tx)
    .updateTable('market_external')
    .set({ charter_version: inv.charter.version, accepted_at: new Date() })
    .where('cooperative_id', '=', coopId)
    .where('id', '=', externalId)
    .execute();
  return inv.charter.version;
}

// Funders' read-only access: a director or network staff shares a given report (scope, year,
// kind) with a funder; the funder gets one personal secret link (`<cooperative id>.<secret>`,
// only the hash is kept) that opens the list of the reports shared with them and nothing else.
// Why a link and not a `funder` role: see README (« Financeurs »).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { systemActor, type Actor } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { getCooperative } from '../directory/index.ts';
import { impactDb } from './db.ts';
import { checkYear } from './indicators.service.ts';
import { IMPACT } from './permissions.ts';
import type { ReportKind, ReportScope } from './report.ts';

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ReportRef {
  scope: ReportScope;
  year: number;
  kind: ReportKind;
}

export interface Funder {
  id: string;
  name: string;
  email: string;
  createdAt: string;
  shares: (ReportRef & { sharedAt: string })[];
}

function checkRef(ref: ReportRef): ReportRef {
  if (!['cooperative', 'network'].includes(ref.scope) || !['impact', 'fse'].includes(ref.kind))
    throw new UserError('Choisissez un rapport.', 'report');
  try {
    checkYear(ref.year);
  } catch {
    throw new UserError('Année invalide.', 'report');
  }
  return ref;
}

/**
 * Shares a report with a funder of the actor's cooperative, found by email or created (then the
 * personal link is returned, to be sent to them: it is shown once). Network reports need
 * network staff.
 */
export async function shareReport(
  tx: Tx,
  actor: Actor,
  input: { name: string; email: string } & ReportRef,
): Promise<{ funderId: string; token: string | null }> {
  authorize(actor, IMPACT.reportsShare);
  authorize(actor, IMPACT.reportsRead);
  const ref = checkRef({ scope: input.scope, year: input.year, kind: input.kind });
  if (ref.scope === 'network') authorize(actor, IMPACT.networkRead);
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!EMAIL.test(email) || email.length > 200) throw new UserError('Indiquez une adresse e-mail valide.', 'email');
  const trx = impactDb(tx);
  let funder = await trx
    .selectFrom('impact_funder')
    .select(['id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('email', '=', email)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  let token: string | null = null;
  if (!funder) {
    if (name.length < 2 || name.length > 200)
      throw new UserError('Indiquez le nom du financeur (2 à 200 caractères).', 'name');
    const secret = randomBytes(24).toString('base64url');
    token = `${actor.cooperativeId}.${secret}`;
    funder = { id: randomUUID() };
    await trx
      .insertInto('impact_funder')
      .values({
        cooperative_id: actor.cooperativeId,
        id: funder.id,
        name,
        email,
        token_hash: hash(secret),
        created_by: actor.userId,
        revoked_at: null,
      })
      .execute();
  }
  await trx
    .insertInto('impact_report_share')
    .values({ cooperative_id: actor.cooperativeId, funder_id: funder.id, ...ref, shared_by: actor.userId })
    .onConflict((oc) => oc.columns(['cooperative_id', 'funder_id', 'scope', 'year', 'kind']).doNothing())
    .execute();
  await audit(tx, actor, {
    action: 'impact.report.share',
    targetType: 'impact_funder',
    targetId: funder.id,
    data: { ...ref },
  });
  return { funderId: funder.id, token };
}

/** Withdraws a funder's access: their link stops working at once. */
export async function revokeFunder(tx: Tx, actor: Actor, funderId: string): Promise<void> {
  authorize(actor, IMPACT.reportsShare);
  if (!isUuid(funderId)) throw new NotFoundError('Financeur');
  const r = await impactDb(tx)
    .updateTable('impact_funder')
    .set({ revoked_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', funderId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new NotFoundError('Financeur');
  await audit(tx, actor, { action: 'impact.funder.revoke', targetType: 'impact_funder', targetId: funderId });
}

/** The actor's cooperative's funders with what was shared with them (revoked ones left out). */
export async function listFunders(tx: Tx, actor: Actor): Promise<Funder[]> {
  authorize(actor, IMPACT.reportsShare);
  const trx = impactDb(tx);
  const funders = await trx
    .selectFrom('impact_funder')
    .select(['id', 'name', 'email', 'created_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('revoked_at', 'is', null)
    .orderBy('name')
    .execute();
  const shares = await trx
    .selectFrom('impact_report_share')
    .select(['funder_id', 'scope', 'year', 'kind', 'shared_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('year', 'desc')
    .execute();
  return funders.map((f) => ({
    id: f.id,
    name: f.name,
    email: f.email,
    createdAt: new Date(f.created_at).toISOString(),
    shares: shares
      .filter((s) => s.funder_id === f.id)
      .map((s) => ({ scope: s.scope, year: s.year, kind: s.kind, sharedAt: new Date(s.shared_at).toISOString() })),
  }));
}

export interface FunderAccess {
  cooperativeId: string;
  cooperativeName: string;
  funderId: string;
  name: string;
  shares: ReportRef[];
}

function parseToken(token: string): { cooperativeId: string; secret: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
  return m && isUuid(m[1]!) ? { cooperativeId: m[1]!, secret: m[2]! } : null;
}

/** What a funder's link opens: the reports shared with them. Unknown or withdrawn: 404. */
export async function funderAccess(db: Db, token: string): Promise<FunderAccess> {
  const t = parseToken(token);
  if (!t) throw new NotFoundError('Accès');
  const found = await withSystem(db, async (trx) => {
    const q = impactDb(trx as unknown as Tx);
    const f = await q
      .selectFrom('impact_funder')
      .select(['id', 'name'])
      .where('cooperative_id', '=', t.cooperativeId)
      .where('token_hash', '=', hash(t.secret))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!f) return null;
    const shares = await q
      .selectFrom('impact_report_share')
      .select(['scope', 'year', 'kind'])
      .where('cooperative_id', '=', t.cooperativeId)
      .where('funder_id', '=', f.id)
      .orderBy('year', 'desc')
      .orderBy('kind')
      .orderBy('scope')
      .execute();
    return { f, shares };
  });
  if (!found) throw new NotFoundError('Accès');
  const coop = await getCooperative(db, t.cooperativeId);
  return {
    cooperativeId: t.cooperativeId,
    cooperativeName: coop?.name ?? '',
    funderId: found.f.id,
    name: found.f.name,
    shares: found.shares,
  };
}

/** Checks that a report was shared with the funder (404 otherwise) and records the download. */
export async function funderShare(db: Db, token: string, ref: ReportRef): Promise<FunderAccess> {
  const a = await funderAccess(db, token);
  if (!a.shares.some((s) => s.scope === ref.scope && s.year === ref.year && s.kind === ref.kind))
    throw new NotFoundError('Rapport');
  await withTenant(db, a.cooperativeId, (trx) =>
    audit(trx as unknown as Tx, systemActor(a.cooperativeId, `Financeur : ${a.name}`), {
      action: 'impact.report.funder_download',
      targetType: 'impact_funder',
      targetId: a.funderId,
      data: { ...ref },
    }),
  );
  return a;
}

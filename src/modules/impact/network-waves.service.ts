// Network-wide survey waves: network staff launch one wave for every cooperative of the network
// (or a selection). Each cooperative gets its own wave (links, send list, answers stay in its
// tenant), tied by `network_wave_id`; the response rate is read per cooperative. A cooperative's
// answer count under 5 is hidden, and a lone hidden one hides the next smallest, so the network
// total minus the others never gives it away.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { withEachTenant, withTenant } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { getCooperative, listCooperatives } from '../directory/index.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';
import { isSmall, suppressWithTotal } from './kit/suppression.ts';
import { createSurvey, type WaveInput } from './surveys.service.ts';

/** Built-in questionnaires only: a custom one belongs to a single cooperative. */
export const NETWORK_QUESTIONNAIRES = ['who5', 'qvt_entrepreneurs', 'qvt_support'] as const;

async function networkCoops(db: Db, actor: Actor) {
  const networkId = (await getCooperative(db, actor.cooperativeId))?.networkId;
  return (await listCooperatives(db)).filter((c) => networkId && c.networkId === networkId);
}

/** Launches the wave in each chosen cooperative (all of the network when none is chosen). */
export async function launchNetworkWave(
  db: Db,
  actor: Actor,
  input: WaveInput & { cooperativeIds?: string[] },
): Promise<{ networkWaveId: string; cooperatives: { id: string; name: string; tokens: string[] }[] }> {
  authorize(actor, IMPACT.networkRead);
  authorize(actor, IMPACT.surveyManage);
  const q = input.questionnaire || 'who5';
  if (!(NETWORK_QUESTIONNAIRES as readonly string[]).includes(q))
    throw new UserError('Choisissez un questionnaire intégré (WHO-5 ou baromètres QVT).', 'questionnaire');
  const all = await networkCoops(db, actor);
  const chosen = input.cooperativeIds?.length ? all.filter((c) => input.cooperativeIds!.includes(c.id)) : all;
  if (!chosen.length || (input.cooperativeIds?.length ?? 0) > chosen.length)
    throw new UserError('Choisissez des coopératives du réseau.', 'cooperatives');
  const networkWaveId = randomUUID();
  // Every cooperative's wave in one transaction (all or none), each written under its own
  // tenant (row-level policies), as the network staff member.
  const out = await withEachTenant(
    db,
    chosen.map((c) => c.id),
    async (trx, id) => {
      const tx = trx as unknown as Tx;
      const r = await createSurvey(tx, { ...actor, cooperativeId: id } as Actor, { ...input, questionnaire: q });
      await impactDb(tx)
        .updateTable('impact_survey')
        .set({ network_wave_id: networkWaveId })
        .where('cooperative_id', '=', id)
        .where('id', '=', r.id)
        .execute();
      return { id, name: chosen.find((c) => c.id === id)!.name, tokens: r.tokens };
    },
  );
  return { networkWaveId, cooperatives: out };
}

export interface NetworkWaveSummary {
  id: string;
  title: string;
  questionnaire: string;
  createdAt: Date;
  /** Cooperatives the wave was launched in. */
  cooperatives: number;
}

/** The network waves of the actor's network, newest first (network staff). */
export async function listNetworkWaves(db: Db, actor: Actor): Promise<NetworkWaveSummary[]> {
  authorize(actor, IMPACT.networkRead);
  const waves = new Map<string, NetworkWaveSummary>();
  for (const c of await networkCoops(db, actor)) {
    const rows = await withTenant(db, c.id, (tx) =>
      impactDb(tx as unknown as Tx)
        .selectFrom('impact_survey')
        .select(['network_wave_id', 'title', 'questionnaire', 'created_at'])
        .where('cooperative_id', '=', c.id)
        .where('network_wave_id', 'is not', null)
        .execute(),
    );
    for (const r of rows) {
      const w = waves.get(r.network_wave_id!);
      if (w) w.cooperatives++;
      else
        waves.set(r.network_wave_id!, {
          id: r.network_wave_id!,
          title: r.title,
          questionnaire: r.questionnaire,
          createdAt: new Date(r.created_at),
          cooperatives: 1,
        });
    }
  }
  return [...waves.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** The cooperatives a network wave may be launched in (network staff). */
export async function networkWaveCooperatives(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
  authorize(actor, IMPACT.networkRead);
  authorize(actor, IMPACT.surveyManage);
  return (await networkCoops(db, actor)).map((c) => ({ id: c.id, name: c.name }));
}

export interface NetworkWaveRate {
  name: string;
  links: number;
  /** Null when hidden (1 to 4 answers, or secondary suppression). */
  answers: number | null;
  rate: number | null;
}
export interface NetworkWaveView {
  title: string;
  total: { links: number; answers: number | null; rate: number | null };
  cooperatives: NetworkWaveRate[];
}

/** Response rates of a network wave per cooperative (network staff). */
export async function networkWaveRates(db: Db, actor: Actor, networkWaveId: string): Promise<NetworkWaveView | null> {
  authorize(actor, IMPACT.networkRead);
  const rows: { name: string; title: string; links: number; answers: number }[] = [];
  for (const c of await networkCoops(db, actor)) {
    const r = await withTenant(db, c.id, async (tx) => {
      const t = impactDb(tx as unknown as Tx);
      const w = await t
        .selectFrom('impact_survey')
        .select(['id', 'title'])
        .where('cooperative_id', '=', c.id)
        .where('network_wave_id', '=', networkWaveId)
        .executeTakeFirst();
      if (!w) return null;
      const count = async (table: 'impact_survey_link' | 'impact_survey_answer') =>
        Number(
          (
            await t
              .selectFrom(table)
              .select((e) => e.fn.countAll<number>().as('n'))
              .where('cooperative_id', '=', c.id)
              .where('survey_id', '=', w.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        name: c.name,
        title: w.title,
        links: await count('impact_survey_link'),
        answers: await count('impact_survey_answer'),
      };
    });
    if (r) rows.push(r);
  }
  if (!rows.length) return null;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const rate = (k: number, n: number) => (n ? r1((100 * k) / n) : null);
  const withAnswers = rows.filter((r) => r.answers > 0);
  const hide = suppressWithTotal(withAnswers.map((r) => r.answers));
  const hidden = new Set(withAnswers.filter((_, i) => hide[i]));
  const links = rows.reduce((s, r) => s + r.links, 0);
  const answers = rows.reduce((s, r) => s + r.answers, 0);
  return {
    title: rows[0]!.title,
    total: { links, answers: isSmall(answers) ? null : answers, rate: isSmall(answers) ? null : rate(answers, links) },
    cooperatives: rows.map((r) =>
      hidden.has(r)
        ? { name: r.name, links: r.links, answers: null, rate: null }
        : { name: r.name, links: r.links, answers: r.answers, rate: rate(r.answers, r.links) },
    ),
  };
}

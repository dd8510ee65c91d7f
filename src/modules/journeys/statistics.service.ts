// What the impact module computes from the accompaniment: each journey's stage history (dates
// and stages only, no name) and whether the person attended a workshop in a given year. The
// impact module publishes aggregates only, with small-cell suppression.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { parisInstant } from './paris-time.ts';

export interface JourneyFact {
  /** The person's account when they have one (to match salaries); never published. */
  userId: string | null;
  stage: string;
  transitions: { from: string | null; to: string; on: string; exitReason: string | null }[];
  attendedWorkshopInYear: boolean;
}

export async function journeyFacts(tx: Tx, actor: Actor, year: number): Promise<JourneyFact[]> {
  authorize(actor, JOURNEYS.caseloadRead);
  const trx = journeysDb(tx);
  const journeys = await trx
    .selectFrom('journey')
    .select(['id', 'user_id', 'stage'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  const transitions = await trx
    .selectFrom('journey_transition')
    .select(['journey_id', 'from_stage', 'to_stage', 'effective_on', 'exit_reason', 'created_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('effective_on')
    .orderBy('created_at')
    .execute();
  const attended = await trx
    .selectFrom('workshop_registration as r')
    .innerJoin('workshop_session as s', (j) =>
      j.onRef('s.cooperative_id', '=', 'r.cooperative_id').onRef('s.id', '=', 'r.session_id'),
    )
    .select('r.user_id')
    .distinct()
    .where('r.cooperative_id', '=', actor.cooperativeId)
    .where('r.attended', '=', true)
    .where('s.starts_at', '>=', parisInstant(`${year}-01-01`, '00:00'))
    .where('s.starts_at', '<', parisInstant(`${year + 1}-01-01`, '00:00'))
    .execute();
  const attendees = new Set(attended.map((a) => a.user_id));
  const byJourney = new Map<string, JourneyFact['transitions']>();
  for (const t of transitions) {
    const list = byJourney.get(t.journey_id) ?? [];
    list.push({
      from: t.from_stage,
      to: t.to_stage,
      on: String(t.effective_on).slice(0, 10),
      exitReason: t.exit_reason,
    });
    byJourney.set(t.journey_id, list);
  }
  return journeys.map((j) => ({
    userId: j.user_id,
    stage: j.stage,
    transitions: byJourney.get(j.id) ?? [],
    attendedWorkshopInYear: !!j.user_id && attendees.has(j.user_id),
  }));
}

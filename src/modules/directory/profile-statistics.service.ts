// Counts over the profiles of the entrepreneurs (entrepreneur and CAPE members), for the impact
// indicators: only totals leave this module, never a person's answer.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { directoryDb } from './db.ts';
import { DIRECTORY } from './permissions.ts';

export interface ProfileCounts {
  /** Current entrepreneur or CAPE members. */
  people: number;
  genderKnown: number;
  women: number;
  statusKnown: number;
  /** Job seekers or benefit (RSA) recipients at entry. */
  jobSeekers: number;
  qpvKnown: number;
  qpv: number;
}

export const JOB_SEEKER_STATUSES = ['demandeur_emploi', 'rsa'] as const;

export async function profileCounts(tx: Tx, actor: Actor): Promise<ProfileCounts> {
  authorize(actor, DIRECTORY.memberList);
  const r = await sql<{
    people: number;
    gender_known: number;
    women: number;
    status_known: number;
    job_seekers: number;
    qpv_known: number;
    qpv: number;
  }>`
    select count(*)::int as people,
      count(p.gender)::int as gender_known,
      count(*) filter (where p.gender = 'F')::int as women,
      count(p.status_at_entry)::int as status_known,
      count(*) filter (where p.status_at_entry in ('demandeur_emploi', 'rsa'))::int as job_seekers,
      count(p.qpv)::int as qpv_known,
      count(*) filter (where p.qpv)::int as qpv
    from (select distinct user_id from membership
          where cooperative_id = ${actor.cooperativeId} and ended_at is null and role in ('entrepreneur', 'cape')) m
    left join member_profile p on p.cooperative_id = ${actor.cooperativeId} and p.user_id = m.user_id`.execute(
    directoryDb(tx),
  );
  const x = r.rows[0]!;
  return {
    people: x.people,
    genderKnown: x.gender_known,
    women: x.women,
    statusKnown: x.status_known,
    jobSeekers: x.job_seekers,
    qpvKnown: x.qpv_known,
    qpv: x.qpv,
  };
}

/** One person's statistical profile: what funders' participant reports cross (sex, age, status
 *  at entry). Keyed by the account so the impact module can match it with a journey; the name,
 *  e-mail and anything else stay here. Only aggregated, suppressed tables may leave the caller. */
export interface StatisticalProfile {
  userId: string;
  gender: 'F' | 'M' | 'X' | null;
  birthYear: number | null;
  statusAtEntry: string | null;
}

export async function statisticalProfiles(tx: Tx, actor: Actor): Promise<StatisticalProfile[]> {
  authorize(actor, DIRECTORY.memberList);
  const rows = await directoryDb(tx)
    .selectFrom('member_profile')
    .select(['user_id', 'gender', 'birth_year', 'status_at_entry'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    gender: r.gender,
    birthYear: r.birth_year,
    statusAtEntry: r.status_at_entry,
  }));
}

/**
 * How many current entrepreneur or CAPE members each current support member follows (their
 * profile names them as support), one number per support member, sorted: no one's id leaves.
 */
export async function supportCaseloads(tx: Tx, actor: Actor): Promise<number[]> {
  authorize(actor, DIRECTORY.memberList);
  const r = await sql<{ n: number }>`
    select count(m.user_id)::int as n
    from (select distinct user_id from membership
          where cooperative_id = ${actor.cooperativeId} and ended_at is null and role = 'support') s
    left join member_profile p on p.cooperative_id = ${actor.cooperativeId} and p.support_user_id = s.user_id
    left join (select distinct user_id from membership
          where cooperative_id = ${actor.cooperativeId} and ended_at is null and role in ('entrepreneur', 'cape')) m
      on m.user_id = p.user_id
    group by s.user_id`.execute(directoryDb(tx));
  return r.rows.map((x) => x.n).sort((a, b) => a - b);
}

/** The current support team (support and director members): user ids only, for aggregates of
 *  the team's work (the impact module's support-team load). */
export async function supportTeamIds(tx: Tx, actor: Actor): Promise<string[]> {
  authorize(actor, DIRECTORY.memberList);
  const r = await sql<{ user_id: string }>`
    select distinct user_id from membership
    where cooperative_id = ${actor.cooperativeId} and ended_at is null and role in ('support', 'director')`.execute(
    directoryDb(tx),
  );
  return r.rows.map((x) => x.user_id).sort();
}

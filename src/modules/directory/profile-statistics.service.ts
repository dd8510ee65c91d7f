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

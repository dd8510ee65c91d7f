// Training hours per person over a period (sessions attended, by their start in Paris), for the
// cooperative's training reports; exported as CSV by the workshops page.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { addDays, isIsoDate } from '../../core/dates.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { parisInstant } from './paris-time.ts';
import { sessionHours } from './attendance.service.ts';

export interface HoursRow {
  userId: string;
  name: string;
  email: string;
  sessions: number;
  hours: number;
}

export async function trainingHours(tx: Tx, actor: Actor, opts: { from: string; to: string }): Promise<HoursRow[]> {
  authorize(actor, JOURNEYS.hoursExport);
  if (!isIsoDate(opts.from)) throw new UserError('Date invalide (AAAA-MM-JJ).', 'from');
  if (!isIsoDate(opts.to)) throw new UserError('Date invalide (AAAA-MM-JJ).', 'to');
  if (opts.to < opts.from) throw new UserError('La fin doit être après le début.', 'to');
  const rows = await journeysDb(tx)
    .selectFrom('workshop_registration as r')
    .innerJoin('workshop_session as s', (j) =>
      j.onRef('s.cooperative_id', '=', 'r.cooperative_id').onRef('s.id', '=', 'r.session_id'),
    )
    .innerJoin('user_account as u', 'u.id', 'r.user_id')
    .select(['u.id', 'u.display_name', 'u.email', 's.starts_at', 's.ends_at'])
    .where('r.cooperative_id', '=', actor.cooperativeId)
    .where('r.attended', '=', true)
    .where('s.starts_at', '>=', parisInstant(opts.from, '00:00'))
    .where('s.starts_at', '<', parisInstant(addDays(opts.to, 1), '00:00'))
    .execute();
  const by = new Map<string, HoursRow>();
  for (const r of rows) {
    const cur = by.get(r.id) ?? { userId: r.id, name: r.display_name, email: r.email, sessions: 0, hours: 0 };
    cur.sessions++;
    cur.hours = Math.round((cur.hours + sessionHours(r.starts_at, r.ends_at)) * 100) / 100;
    by.set(r.id, cur);
  }
  const collator = new Intl.Collator('fr');
  return [...by.values()].sort((a, b) => collator.compare(a.name, b.name));
}

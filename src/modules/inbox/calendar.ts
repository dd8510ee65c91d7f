// The administrative calendar: each person's deadlines in one place (expense cut-off, invoice
// due dates, document expiries, appointments, workshop sessions), as a page and an ICS feed.
// Modules contribute through registerDeadlineSource, like inbox providers.
import type { Db, Tx } from '../../core/db/handles.ts';
import ical from 'ical-generator';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import type { UserId } from '../../core/ids.ts';
import { inboxDb, type TenantTx } from './db.ts';
import { authorize, moduleAvailable } from '../../core/authz.ts';
import { INBOX } from './permissions.ts';
import { hasRole, type Actor } from '../../core/actor.ts';
import { addDays, addMonths, type IsoDate } from '../../core/dates.ts';
import { newToken, hashToken } from '../../core/auth/tokens.ts';
import { UserError } from '../../core/errors.ts';
import { membershipsOfUser } from '../directory/index.ts';

export interface Deadline {
  uid: string;
  date: IsoDate;
  title: string;
  kind: string;
  href: string | null;
}
export interface DeadlineSource {
  name: string;
  /** The module the deadlines come from: an organisation without it (the ERP's, core/authz.ts)
   *  hears nothing from it. Absent: the first part of the name, like inbox providers. */
  module?: string;
  deadlines(trx: TenantTx, actor: Actor, from: IsoDate, to: IsoDate): Promise<Deadline[]>;
}
const sources = new Map<string, DeadlineSource>();
export function registerDeadlineSource(s: DeadlineSource): void {
  sources.set(s.name, s);
}

/** Day of the month after which the month's expenses wait for the next month. */
export const EXPENSE_CUTOFF_DAY = 25;

registerDeadlineSource({
  name: 'expenses',
  module: 'purchases',
  async deadlines(_trx, actor, from, to) {
    if (!hasRole(actor, 'entrepreneur', 'cape')) return [];
    const out: Deadline[] = [];
    for (let m = `${from.slice(0, 7)}-01`; m <= to; m = addMonths(m, 1)) {
      const d = `${m.slice(0, 7)}-${EXPENSE_CUTOFF_DAY}`;
      if (d >= from && d <= to)
        out.push({
          uid: `expenses.cutoff:${d}`,
          date: d,
          kind: 'expenses',
          title: 'Dernier jour pour remettre les notes de frais du mois',
          href: null,
        });
    }
    return out;
  },
});

export async function deadlines(trx: TenantTx, actor: Actor, from: IsoDate, to: IsoDate): Promise<Deadline[]> {
  authorize(actor, INBOX.deadlinesRead);
  const all: Deadline[] = [];
  for (const s of sources.values())
    if (moduleAvailable(actor, s.module ?? s.name.split('.')[0]!))
      all.push(...(await s.deadlines(trx, actor, from, to)));
  return all
    .filter((d) => d.date >= from && d.date <= to)
    .sort((a, b) => a.date.localeCompare(b.date) || a.title.localeCompare(b.title));
}

/** A new secret feed address (the previous one stops working). */
export async function renewCalendarToken(tx: Tx, actor: Actor): Promise<string> {
  authorize(actor, INBOX.deadlinesRead);
  const trx = inboxDb(tx);
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  const token = newToken();
  await trx
    .insertInto('inbox_calendar_feed')
    .values({ cooperative_id: actor.cooperativeId, user_id: actor.userId, token_hash: hashToken(token) })
    .onConflict((oc) =>
      oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ token_hash: hashToken(token), created_at: new Date() }),
    )
    .execute();
  return token;
}
export async function hasCalendarFeed(tx: Tx, actor: Actor): Promise<boolean> {
  authorize(actor, INBOX.deadlinesRead);
  const trx = inboxDb(tx);
  return !!(await trx
    .selectFrom('inbox_calendar_feed')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', actor.userId ?? '')
    .executeTakeFirst());
}

/** The deadlines as all-day events, written by ical-generator (escaping, folding at 75 octets);
 *  every line ends with CRLF, the last one included (RFC 5545). Dates need no time zone. */
export function deadlinesIcs(name: string, items: Deadline[], publicUrl: string): string {
  const cal = ical({ name, prodId: { company: 'Radieuse', product: 'Calendrier administratif', language: 'FR' } });
  for (const d of items)
    cal.createEvent({
      id: `${d.uid}@radieuse`,
      allDay: true,
      // Noon UTC is the same calendar day everywhere a reader may be; only the date is written.
      start: new Date(`${d.date}T12:00:00Z`),
      end: new Date(`${addDays(d.date, 1)}T12:00:00Z`),
      summary: d.title,
      url: d.href ? `${publicUrl}${d.href}` : undefined,
    });
  return `${cal.toString()}\r\n`;
}

/** The ICS of the person owning the token, or null (no sign-in: the token is the secret). */
export async function calendarByToken(db: Db, token: string, from: IsoDate, publicUrl: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  // The token names the cooperative: the only lookup made without a tenant.
  const f = await withSystem(db, (tx) =>
    inboxDb(tx)
      .selectFrom('inbox_calendar_feed')
      .select(['cooperative_id', 'user_id'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst(),
  );
  if (!f) return null;
  const m = (await membershipsOfUser(db, f.user_id)).find((x) => x.cooperativeId === f.cooperative_id);
  if (!m) return null;
  const actor: Actor = {
    userId: f.user_id as UserId,
    cooperativeId: m.cooperativeId,
    roles: m.roles,
    label: 'Calendrier',
    // The feed is read without a session: the organisation's type comes with the membership.
    ...(m.organisationType ? { organisationType: m.organisationType } : {}),
  };
  const items = await withTenant(db, f.cooperative_id, (trx) => deadlines(trx, actor, from, addMonths(from, 12)));
  return deadlinesIcs(`Radieuse — ${m.name}`, items, publicUrl);
}

// Sending the digests (job `inbox-digests`, 7:00 Paris; CLI `digest send`): ONE e-mail per
// person, whatever the number of cooperatives they belong to, listing for each cooperative
// whose digest is due what is left to do (the home page's list) and the news. Each
// cooperative's part is read in that cooperative's transaction (row-level security on); the
// e-mail, the notifications marked digested and the period marks are written together in one
// transaction, with a dedupe key: a crash or a rerun never sends twice.
import type { Db } from '../../core/db/handles.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { systemActor, type Actor, type Role } from '../../core/actor.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { audit } from '../../core/audit.ts';
import { UserError } from '../../core/errors.ts';
import { todayParis, type IsoDate } from '../../core/dates.ts';
import { newToken, hashToken } from '../../core/auth/tokens.ts';
import { readToken } from '../../core/auth/invitations.ts';
import { listCooperatives, listMembers, membershipsOfUser } from '../directory/index.ts';
import { inboxDb } from './db.ts';
import { computeInbox } from './inbox.service.ts';
import { defaultPublicUrl, digestPeriod, preferenceOf, userContact } from './digest.ts';
import { renderDigest, type DigestSection } from './digest-mail.ts';
import type { DigestFrequency } from './schema.ts';

export const UNSUBSCRIBE_DAYS = 90;
const ALL = 100_000;

interface Membership {
  cooperativeId: CooperativeId;
  cooperativeName: string;
  roles: Role[];
}
interface Person {
  userId: string;
  name: string;
  memberships: Membership[];
}

/** Every active member of every cooperative, grouped by person (the directory answers). */
async function everyone(db: Db): Promise<Person[]> {
  const people = new Map<string, Person>();
  for (const coop of await listCooperatives(db)) {
    const members = await withTenant(db, coop.id, (tx) => listMembers(tx, systemActor(coop.id), { pageSize: ALL }));
    for (const m of members.items) {
      const p = people.get(m.userId) ?? { userId: m.userId, name: m.displayName, memberships: [] };
      p.memberships.push({ cooperativeId: coop.id, cooperativeName: coop.name, roles: m.roles });
      people.set(m.userId, p);
    }
  }
  return [...people.values()].sort((a, b) => a.userId.localeCompare(b.userId));
}

interface DueSection extends DigestSection {
  cooperativeId: CooperativeId;
  periodKey: string;
  newsIds: string[];
}

/** One cooperative's part of a person's digest, or null when it is not due (or has nothing). */
async function sectionOf(
  db: Db,
  person: Person,
  m: Membership,
  today: IsoDate,
  now: Date,
  opts: { anyDay?: boolean },
): Promise<DueSection | null> {
  return withTenant(db, m.cooperativeId, async (tx) => {
    const trx = inboxDb(tx);
    const pref = await preferenceOf(trx, m.cooperativeId, person.userId);
    if (pref?.unsubscribed_at) return null;
    const frequency: DigestFrequency = pref?.frequency ?? 'weekly';
    const news = await trx
      .selectFrom('notification')
      .select(['id', 'text', 'urgent'])
      .where('cooperative_id', '=', m.cooperativeId)
      .where('user_id', '=', person.userId)
      .where('digested_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    if (frequency === 'urgent') {
      // Non-urgent news is not mailed to people who asked for urgent matters only.
      if (news.length)
        await trx
          .updateTable('notification')
          .set({ digested_at: now })
          .where('cooperative_id', '=', m.cooperativeId)
          .where(
            'id',
            'in',
            news.map((n) => n.id),
          )
          .execute();
      return null;
    }
    const periodKey = digestPeriod(frequency, today, opts);
    if (!periodKey || pref?.last_digest_key === periodKey) return null;
    const actor: Actor = {
      userId: person.userId as UserId,
      cooperativeId: m.cooperativeId,
      roles: m.roles,
      label: person.name,
    };
    // Advice (nudges) never sends an e-mail by itself, nor fills one: the digest is for what
    // needs a decision.
    const todo = (await computeInbox(tx, actor, today))
      .filter((i) => !i.nudge)
      .map((i) => ({ title: i.title, dueDate: i.dueDate, urgent: i.urgency === 'high' }));
    if (!todo.length && !news.length) return null;
    return {
      cooperativeId: m.cooperativeId,
      cooperativeName: m.cooperativeName,
      frequency,
      periodKey,
      todo,
      news: news.map((n) => ({ text: n.text, urgent: n.urgent })),
      newsIds: news.map((n) => n.id),
    };
  });
}

/** Writes one person's digest: e-mail, digested marks and period marks in one transaction. */
async function deliver(db: Db, person: Person, due: DueSection[], today: IsoDate, now: Date, url: string) {
  return withSystem(db, async (tx) => {
    const trx = inboxDb(tx);
    const u = await userContact(trx, person.userId);
    if (!u || u.disabled_at) return false;
    const sections: DueSection[] = [];
    for (const s of due) {
      await trx
        .insertInto('notification_preference')
        .values({
          cooperative_id: s.cooperativeId,
          user_id: person.userId,
          frequency: 'weekly',
          unsubscribed_at: null,
          last_digest_key: null,
        })
        .onConflict((oc) => oc.columns(['cooperative_id', 'user_id']).doNothing())
        .execute();
      // Locked, then checked again: a run at the same moment may have served this part already.
      const pref = await preferenceOf(trx, s.cooperativeId, person.userId, true);
      if (!pref || pref.unsubscribed_at || pref.last_digest_key === s.periodKey) continue;
      sections.push(s);
    }
    if (!sections.length) return false;
    const token = newToken();
    await trx
      .insertInto('auth_token')
      .values({
        token_hash: hashToken(token),
        kind: 'unsubscribe',
        user_id: person.userId,
        email: u.email,
        cooperative_id: sections[0].cooperativeId,
        role: null,
        data: null,
        expires_at: new Date(now.getTime() + UNSUBSCRIBE_DAYS * 86400_000),
        used_at: null,
      })
      .execute();
    const mail = renderDigest({
      name: u.display_name,
      sections,
      today,
      inboxUrl: `${url}/`,
      unsubscribeUrl: `${url}/public/desabonnement/token/${token}`,
    });
    // List-Unsubscribe and its one-click POST (RFC 8058): mail clients offer « se désabonner ».
    await enqueueMail(tx, {
      to: u.email,
      dedupeKey: `digest:${person.userId}:${today}`,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    });
    for (const s of sections) {
      if (s.newsIds.length)
        await trx
          .updateTable('notification')
          .set({ digested_at: now })
          .where('cooperative_id', '=', s.cooperativeId)
          .where('id', 'in', s.newsIds)
          .where('digested_at', 'is', null)
          .execute();
      await trx
        .updateTable('notification_preference')
        .set({ last_digest_key: s.periodKey })
        .where('cooperative_id', '=', s.cooperativeId)
        .where('user_id', '=', person.userId)
        .execute();
    }
    return true;
  });
}

export interface DigestRun {
  sent: number;
  skipped: number;
}
/** Builds and enqueues the digests due at `now`: daily parts every day, weekly parts on Mondays
 *  (Paris); a person gets at most one digest a day, with every cooperative's due part. */
export async function sendDigests(
  db: Db,
  now: Date = new Date(),
  opts: {
    publicUrl?: string;
    anyDay?: boolean;
    /** Called after each person who had a digest due (tests simulate a crash there). */
    afterEach?: (userId: string) => void;
  } = {},
): Promise<DigestRun> {
  const today = todayParis(now);
  const url = opts.publicUrl ?? defaultPublicUrl();
  const run: DigestRun = { sent: 0, skipped: 0 };
  for (const person of await everyone(db)) {
    const due: DueSection[] = [];
    for (const m of person.memberships) {
      const s = await sectionOf(db, person, m, today, now, { anyDay: opts.anyDay });
      if (s) due.push(s);
    }
    if (!due.length) {
      run.skipped++;
      continue;
    }
    if (await deliver(db, person, due, today, now, url)) run.sent++;
    else run.skipped++;
    opts.afterEach?.(person.userId);
  }
  return run;
}

/** What the unsubscribe page shows before confirming. */
export async function unsubscribeTarget(db: Db, token: string, now = new Date()): Promise<{ email: string }> {
  const t = await readToken(db, token, 'unsubscribe', now);
  return { email: t.email ?? '' };
}

/** Stops the digests of the person of the token, in every cooperative (one digest, one link);
 *  works without signing in, and for a mail client's one-click POST. */
export async function unsubscribe(db: Db, token: string, now = new Date()): Promise<void> {
  const t = await readToken(db, token, 'unsubscribe', now);
  const userId = t.user_id;
  if (!userId) throw new UserError("Ce lien n'est pas valide. Demandez-en un nouveau.");
  const coops = new Set((await membershipsOfUser(db, userId)).map((m) => m.cooperativeId as string));
  if (t.cooperative_id) coops.add(t.cooperative_id);
  for (const coop of coops)
    await withTenant(db, coop, async (tx) => {
      await inboxDb(tx)
        .insertInto('notification_preference')
        .values({
          cooperative_id: coop,
          user_id: userId,
          frequency: 'weekly',
          unsubscribed_at: now,
          last_digest_key: null,
        })
        .onConflict((oc) =>
          oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ unsubscribed_at: now, updated_at: now }),
        )
        .execute();
      const who: Actor = {
        userId: userId as UserId,
        cooperativeId: coop as CooperativeId,
        roles: [],
        label: t.email ?? 'lien de désabonnement',
      };
      await audit(tx, who, { action: 'notification.unsubscribed', targetType: 'user', targetId: userId });
    });
}

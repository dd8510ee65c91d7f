// Digest: a week of notifications gives one e-mail per person with the right content;
// preferences and unsubscribe are respected; a crash and a rerun never send twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { createUser } from '../../core/auth/users.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { UserId } from '../../core/ids.ts';
import { addMembership } from '../directory/index.ts';
import { createJourney } from '../journeys/index.ts';
import { inboxDb, type TenantTx as Tx } from './db.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { notify, sendDigests, setPreference, unsubscribe, getPreference, computeInbox } from './index.ts';
import { digestPeriod } from './digest.ts';
import { renderDigest } from './digest-mail.ts';
import { inboxDemoSeeder } from './demo.ts';
import { Rng } from '../../core/random.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
const MONDAY = new Date('2026-11-30T06:00:00Z'); // 7:00 in Paris, a Monday
const TUESDAY = new Date('2026-12-01T06:00:00Z');
const NEXT_MONDAY = new Date('2026-12-07T06:00:00Z');
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, A.coop.id, fn);
const mails = (to?: string) => {
  let q = inboxDb(odb.db).selectFrom('mail_outbox').selectAll().where('dedupe_key', 'like', 'digest:%');
  if (to) q = q.where('to_address', '=', to);
  return q.orderBy('created_at').execute();
};

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});

test('period keys: weekly on Mondays, daily every day, urgent-only never', () => {
  assert.equal(digestPeriod('weekly', '2026-11-30'), 'week:2026-11-30');
  assert.equal(digestPeriod('weekly', '2026-12-01'), null);
  assert.equal(digestPeriod('daily', '2026-12-01'), 'day:2026-12-01');
  assert.equal(digestPeriod('urgent', '2026-11-30'), null);
});

test('a week of notifications → one e-mail per person, with every item; a rerun sends nothing more', async () => {
  const ent = A.users.entrepreneur;
  const sup = A.users.support;
  for (let d = 0; d < 7; d++) {
    await inA((trx) => notify(trx, A.actor('support'), ent.id, 'test', `Nouvelle numéro ${d + 1} pour vous`));
    if (d % 2 === 0) await inA((trx) => notify(trx, A.actor('director'), sup.id, 'test', `Info support ${d + 1}`));
  }
  await withTenant(odb.db, B.coop.id, (trx) =>
    notify(trx, B.actor('support'), B.users.entrepreneur.id, 'test', 'Bonjour depuis B'),
  );
  // Tuesday: weekly people wait for Monday
  assert.equal((await sendDigests(odb.db, TUESDAY, { publicUrl: 'https://radieuse.test' })).sent, 0);
  const r = await sendDigests(odb.db, MONDAY, { publicUrl: 'https://radieuse.test' });
  assert.equal(r.sent, 3);
  const m = await mails(ent.email);
  assert.equal(m.length, 1);
  for (let d = 1; d <= 7; d++) assert.match(m[0].text_body, new RegExp(`Nouvelle numéro ${d} pour vous`));
  assert.doesNotMatch(m[0].text_body, /Info support|depuis B/);
  assert.match(m[0].subject, /7 nouvelles cette semaine/);
  assert.match(
    m[0].html_body ?? '',
    /<a href="https:\/\/radieuse.test\/" style="[^"]+">Voir ce qu(&#39;|')il reste à faire<\/a>/,
  );
  assert.match(m[0].text_body, /https:\/\/radieuse.test\/public\/desabonnement\/token\/[A-Za-z0-9_-]+/);
  assert.equal(m[0].dedupe_key, `digest:${ent.id}:2026-11-30`, 'one digest a day per person');
  assert.equal((await mails(sup.email)).length, 1);
  assert.equal((await mails(B.users.entrepreneur.email)).length, 1);
  const pending = await inboxDb(odb.db)
    .selectFrom('notification')
    .select('id')
    .where('digested_at', 'is', null)
    .execute();
  assert.equal(pending.length, 0, 'all marked digested');
  // rerun the same morning: nothing more, even with a new notification (it waits for next week)
  await inA((trx) => notify(trx, A.actor('support'), ent.id, 'test', 'Arrivée lundi midi'));
  assert.equal((await sendDigests(odb.db, MONDAY)).sent, 0);
  assert.equal((await mails(ent.email)).length, 1);
  assert.equal((await sendDigests(odb.db, NEXT_MONDAY)).sent, 1);
  const next = await mails(ent.email);
  assert.equal(next.length, 2);
  assert.match(next[1].text_body, /Arrivée lundi midi/);
  assert.match(next[1].subject, /1 nouvelle cette semaine/);
});

test('a crash in the middle: the rerun sends only to those not yet served, never twice', async () => {
  await inboxDb(odb.db).deleteFrom('mail_outbox').execute();
  const people = [A.users.accountant, A.users.director, A.users.cape];
  for (const u of people) await inA((trx) => notify(trx, A.actor('support'), u.id, 'test', `Message pour ${u.id}`));
  const SOON = new Date('2026-12-14T06:00:00Z');
  let served = 0;
  await assert.rejects(
    sendDigests(odb.db, SOON, {
      afterEach: () => {
        if (++served === 1) throw new Error('crash simulé');
      },
    }),
    /crash simulé/,
  );
  assert.equal((await mails()).length, 1, 'the first person was served before the crash');
  const again = await sendDigests(odb.db, SOON);
  assert.ok(again.sent >= 2, 'the others are served on the rerun');
  for (const u of people) assert.equal((await mails(u.email)).length, 1, `one digest for ${u.email}`);
  assert.equal((await sendDigests(odb.db, SOON)).sent, 0);
  const keys = (await mails()).map((m) => m.dedupe_key);
  assert.equal(new Set(keys).size, keys.length, 'one per person');
});

test('preferences: daily gets a digest every day; urgent-only gets urgent at once and no digest', async () => {
  await inboxDb(odb.db).deleteFrom('mail_outbox').execute();
  const daily = A.actor('accountant');
  const urgentOnly = A.actor('cape');
  await inA((trx) => setPreference(trx, daily, 'daily'));
  await inA((trx) => setPreference(trx, urgentOnly, 'urgent'));
  assert.equal((await inA((trx) => getPreference(trx, daily))).frequency, 'daily');
  await assert.rejects(
    inA((trx) => setPreference(trx, daily, 'hourly')),
    /fréquence/,
  );
  await inA((trx) => notify(trx, A.actor('support'), daily.userId!, 'test', 'Pour le quotidien'));
  await inA((trx) => notify(trx, A.actor('support'), urgentOnly.userId!, 'test', 'Pas urgent du tout'));
  await inA((trx) =>
    notify(trx, A.actor('support'), urgentOnly.userId!, 'test', 'Très urgent : signature', { urgent: true }),
  );
  const immediate = await inboxDb(odb.db)
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', A.users.cape.email)
    .execute();
  assert.equal(immediate.length, 1, 'urgent mailed at once');
  assert.match(immediate[0].text_body, /Très urgent : signature/);
  const WED = new Date('2026-12-16T06:00:00Z');
  const r = await sendDigests(odb.db, WED);
  assert.equal(r.sent, 1, 'only the daily person, on a Wednesday');
  assert.equal((await mails(A.users.accountant.email)).length, 1);
  assert.equal((await mails(A.users.cape.email)).length, 0, 'no digest for urgent-only');
  await inA((trx) => notify(trx, A.actor('support'), daily.userId!, 'test', 'Le lendemain'));
  assert.equal((await sendDigests(odb.db, new Date('2026-12-17T06:00:00Z'))).sent, 1, 'again the next day');
});

test('unsubscribe by token (no sign-in) stops digests; choosing a frequency again resubscribes', async () => {
  await inboxDb(odb.db).deleteFrom('mail_outbox').execute();
  const who = A.actor('accountant');
  await inA((trx) => notify(trx, A.actor('support'), who.userId!, 'test', 'Avant désabonnement'));
  await sendDigests(odb.db, new Date('2026-12-18T06:00:00Z'), { publicUrl: 'https://r.test' });
  const m = (await mails(A.users.accountant.email))[0];
  const token = /desabonnement\/token\/([A-Za-z0-9_-]+)/.exec(m.text_body)![1];
  await assert.rejects(unsubscribe(odb.db, 'faux-jeton'), /pas valide/);
  await unsubscribe(odb.db, token);
  assert.equal((await inA((trx) => getPreference(trx, who))).unsubscribed, true);
  await inA((trx) => notify(trx, A.actor('support'), who.userId!, 'test', 'Après désabonnement'));
  assert.equal((await sendDigests(odb.db, new Date('2026-12-19T06:00:00Z'))).sent, 0);
  const audit = await inboxDb(odb.db)
    .selectFrom('audit_log')
    .select('action')
    .where('action', '=', 'notification.unsubscribed')
    .execute();
  assert.equal(audit.length, 1);
  await inA((trx) => setPreference(trx, who, 'daily'));
  assert.equal((await sendDigests(odb.db, new Date('2026-12-20T06:00:00Z'))).sent, 1);
  assert.match((await mails(A.users.accountant.email)).at(-1)!.text_body, /Après désabonnement/);
});

test('a long digest stays short: 20 lines, then a count', () => {
  const d = renderDigest({
    name: 'Alex Martin',
    sections: [
      {
        cooperativeName: 'Coopérative alpha',
        frequency: 'weekly',
        todo: Array.from({ length: 5 }, (_, i) => ({ title: `Tâche ${i + 1}`, dueDate: null, urgent: i === 0 })),
        news: Array.from({ length: 25 }, (_, i) => ({ text: `Ligne ${i + 1}`, urgent: false })),
      },
    ],
    inboxUrl: 'https://r.test/',
    unsubscribeUrl: 'https://r.test/u',
    today: '2026-11-30',
  });
  assert.match(d.text, /^Bonjour Alex,/);
  assert.match(d.text, /À faire :\n- \[Urgent\] Tâche 1\n- Tâche 2/);
  assert.match(d.text, /Ligne 15\n… et 10 autres/, '5 things to do and 15 news make the 20 lines');
  assert.doesNotMatch(d.text, /Ligne 16/);
  assert.match(d.html, /… et 10 autres/);
  assert.match(d.subject, /^Radieuse : 5 choses à faire et 25 nouvelles cette semaine$/);
});

test('every digest carries List-Unsubscribe (with its one-click POST) and the link in its footer', () => {
  const d = renderDigest({
    name: 'Alex Martin',
    sections: [{ cooperativeName: 'A', frequency: 'daily', todo: [], news: [{ text: 'Une nouvelle', urgent: false }] }],
    inboxUrl: 'https://r.test/',
    unsubscribeUrl: 'https://r.test/public/desabonnement/token/abc',
    today: '2026-11-30',
  });
  assert.equal(d.headers['List-Unsubscribe'], '<https://r.test/public/desabonnement/token/abc>');
  assert.equal(d.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
  assert.match(d.text, /Pour ne plus recevoir ces messages : https:\/\/r\.test\/public\/desabonnement\/token\/abc/);
  assert.match(d.subject, /1 nouvelle depuis hier/);
});

test('demo seeder: history counts as digested, fresh notifications wait for the next digest', async () => {
  const person = (role: 'support' | 'accountant' | 'director' | 'entrepreneur', c: TestCoop) => ({
    userId: c.users[role].id,
    email: c.users[role].email,
    name: `${role} test`,
    gender: 'F' as const,
    role,
  });
  await inA((trx) => notify(trx, A.actor('support'), A.users.entrepreneur.id, 'old', 'Ancienne nouvelle'));
  await inboxDemoSeeder.seed({
    odb,
    rng: new Rng(1),
    today: '2026-11-30',
    fileKey: Buffer.alloc(32, 1),
    log: () => {},
    coops: [
      {
        coop: A.coop,
        staff: { support: person('support', A), accountant: person('accountant', A), director: person('director', A) },
        entrepreneurs: [person('entrepreneur', A)],
        capes: [],
      },
    ],
  });
  const pending = await inboxDb(odb.db)
    .selectFrom('notification')
    .select('text')
    .where('digested_at', 'is', null)
    .where('user_id', '=', A.users.entrepreneur.id)
    .execute();
  // The fresh meeting note (campus answers are inbox items of the campus, not notifications).
  assert.equal(pending.length, 1, pending.map((p) => p.text).join(' | '));
  assert.ok(!pending.some((p) => p.text === 'Ancienne nouvelle'));
  assert.equal((await inA((trx) => getPreference(trx, A.actor('accountant')))).frequency, 'daily');
});

test('the digest lists the to-do items the home page shows, even without any news', async () => {
  await inboxDb(odb.db).deleteFrom('mail_outbox').execute();
  const sup = A.actor('support');
  await inA((trx) =>
    createJourney(trx, sup, { displayName: 'Zoé Silencieuse', startedOn: addDays(todayParis(), -100) }),
  );
  const MONDAY_JAN = new Date('2027-01-04T06:00:00Z');
  const home = await inA((trx) => computeInbox(trx, sup, todayParis(MONDAY_JAN)));
  assert.ok(
    home.some((i) => /Zoé Silencieuse/.test(i.title)),
    'the home page shows the alert',
  );
  await sendDigests(odb.db, MONDAY_JAN, { publicUrl: 'https://r.test' });
  const [m] = await mails(A.users.support.email);
  assert.ok(m, 'a digest although support had no news');
  for (const i of home.filter((x) => !x.nudge))
    assert.ok(m.text_body.includes(i.title), `the digest lists « ${i.title} »`);
  for (const i of home.filter((x) => x.nudge))
    assert.ok(!m.text_body.includes(i.title), `advice stays off the digest: « ${i.title} »`);
  assert.match(m.subject, /chose(s)? à faire/);
  assert.match(m.text_body, /À faire :\n- /);
});

test('a person in two cooperatives gets one digest with both, and one link unsubscribes from both', async () => {
  await inboxDb(odb.db).deleteFrom('mail_outbox').execute();
  const email = `deux-coops-${Date.now()}@x.test`;
  const both = await withSystem(odb.db, async (trx) => {
    const u = await createUser(trx, { email, displayName: 'Camille Deux', password: null });
    await addMembership(trx, A.coop.id, u.id, 'entrepreneur');
    await addMembership(trx, B.coop.id, u.id, 'entrepreneur');
    return u.id;
  });
  await inA((trx) => notify(trx, A.actor('support'), both, 'test', 'Nouvelle de la coopérative alpha'));
  await withTenant(odb.db, B.coop.id, (trx) =>
    notify(trx, B.actor('support'), both, 'test', 'Nouvelle de la coopérative beta'),
  );
  await sendDigests(odb.db, new Date('2027-01-11T06:00:00Z'), { publicUrl: 'https://r.test' });
  const sent = await mails(email);
  assert.equal(sent.length, 1, 'one digest, not one per cooperative');
  assert.match(sent[0].text_body, /COOPÉRATIVE ALPHA[\s\S]*Nouvelle de la coopérative alpha/);
  assert.match(sent[0].text_body, /COOPÉRATIVE BETA[\s\S]*Nouvelle de la coopérative beta/);
  const pending = await inboxDb(odb.db)
    .selectFrom('notification')
    .select('id')
    .where('user_id', '=', both)
    .where('digested_at', 'is', null)
    .execute();
  assert.equal(pending.length, 0, 'both cooperatives marked digested');
  const token = /desabonnement\/token\/([A-Za-z0-9_-]+)/.exec(sent[0].text_body)?.[1] ?? '';
  await unsubscribe(odb.db, token);
  const person = (c: TestCoop) => ({ ...c.actor('entrepreneur'), userId: both as UserId });
  assert.equal((await inA((trx) => getPreference(trx, person(A)))).unsubscribed, true);
  assert.equal(
    (await withTenant(odb.db, B.coop.id, (trx) => getPreference(trx, person(B)))).unsubscribed,
    true,
    'unsubscribed in the other cooperative too',
  );
});

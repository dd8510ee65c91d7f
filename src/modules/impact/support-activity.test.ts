// The support team's validation work (QVT lab): hand-computed figures on a hand-built audit trail,
// hidden under 5 team members, and on a database: entries written through the core audit API,
// read back by the barometer, a lone hidden cooperative taking the other with it for network staff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { audit } from '../../core/audit.ts';
import { createUser } from '../../core/auth/users.ts';
import { addMembership } from '../directory/index.ts';
import type { Actor } from '../../core/actor.ts';
import type { UserId } from '../../core/ids.ts';
import { type ActivityEntry, afterHours, supportActivity } from './kit/support-activity.ts';
import { qvtBarometer } from './qvt.service.ts';

const e = (action: string, target: string, at: string, actor: string | null = null): ActivityEntry => {
  const [targetType, targetId] = target.split(':');
  return { action, targetType: targetType!, targetId: targetId!, actorUserId: actor, at: new Date(at) };
};

// Monday 7 December 2026, Paris = UTC+1.
const TRAIL: ActivityEntry[] = [
  e('invoice.submitted', 'invoice:i1', '2026-12-07T08:00:00Z'),
  e('purchases.expense_report_submitted', 'expense_report:e1', '2026-12-07T09:00:00Z'),
  e('salary.requested', 'salary_request:r1', '2026-12-07T10:00:00Z'),
  e('purchases.supplier_invoice_submitted', 'supplier_invoice:f1', '2026-12-07T07:00:00Z'),
  e('invoice.submitted', 'invoice:i2', '2026-12-07T06:00:00Z'),
  // u1: 3 documents on 2 days → 1.5 a day; i1 after 2 h; i4 at 19:30 Paris (after hours).
  e('invoice.validated', 'invoice:i1', '2026-12-07T10:00:00Z', 'u1'),
  e('invoice.validated', 'invoice:i3', '2026-12-07T12:00:00Z', 'u1'),
  e('invoice.validated', 'invoice:i4', '2026-12-08T18:30:00Z', 'u1'),
  // u2: after 4 h. u3: after 24 h.
  e('purchases.expense_report_validated', 'expense_report:e1', '2026-12-07T13:00:00Z', 'u2'),
  e('salary.approved', 'salary_request:r1', '2026-12-08T10:00:00Z', 'u3'),
  // u4: two on Saturday (after hours) → 2 a day; f1 after 5 days + 2 h = 122 h.
  e('purchases.supplier_invoice_approved', 'supplier_invoice:f1', '2026-12-12T09:00:00Z', 'u4'),
  e('purchases.supplier_invoice_approved', 'supplier_invoice:f2', '2026-12-12T10:00:00Z', 'u4'),
  // u5: at 7:30 Paris (after hours), 0.5 h after the submission.
  e('invoice.validated', 'invoice:i2', '2026-12-07T06:30:00Z', 'u5'),
  // Someone outside the team (an entrepreneur validating their own invoice): not counted.
  e('invoice.validated', 'invoice:i5', '2026-12-07T10:00:00Z', 'x'),
];
const TEAM = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];

test('after hours: Monday–Friday 8:00–19:00 Paris time, winter and summer', () => {
  assert.equal(afterHours(new Date('2026-12-07T07:00:00Z')), false); // 8:00 Monday
  assert.equal(afterHours(new Date('2026-12-07T06:59:00Z')), true); // 7:59
  assert.equal(afterHours(new Date('2026-12-07T17:59:00Z')), false); // 18:59
  assert.equal(afterHours(new Date('2026-12-07T18:00:00Z')), true); // 19:00
  assert.equal(afterHours(new Date('2026-12-12T12:00:00Z')), true); // Saturday noon
  assert.equal(afterHours(new Date('2026-07-01T05:59:00Z')), true); // 7:59 summer time (UTC+2)
  assert.equal(afterHours(new Date('2026-07-01T06:00:00Z')), false); // 8:00
});

test('validation work by hand: per day, time to validate, after hours with Wilson', () => {
  const a = supportActivity(TRAIL, TEAM);
  // 5 team members validated (u6 did not, x is not in the team); 3 + 1 + 1 + 2 + 1 = 8 documents.
  assert.equal(a.validators, 5);
  assert.equal(a.documents, 8);
  assert.equal(a.suppressed, false);
  // Per day: [1, 1, 1, 1.5, 2] → median 1, q1 (rank 1) 1, q3 (rank 3) 1.5.
  assert.deepEqual(a.perDay, { median: 1, q1: 1, q3: 1.5 });
  // Hours: [0.5, 2, 4, 24, 122] → median 4, q1 2, q3 24 over 5 documents with a submission.
  assert.deepEqual(a.hoursToValidate, { median: 4, q1: 2, q3: 24, n: 5 });
  // After hours: i4, f1, f2, i2 = 4 of 8 = 50 %; Wilson 4/8: 21.5 – 78.5 %.
  assert.deepEqual(a.afterHours, { percent: 50, low: 21.5, high: 78.5 });
});

test('fewer than 5 team members who validated: nothing but the counts', () => {
  const a = supportActivity(
    TRAIL.filter((x) => x.actorUserId !== 'u5'),
    TEAM,
  );
  assert.deepEqual(a, {
    validators: 4,
    documents: 7,
    suppressed: true,
    perDay: null,
    hoursToValidate: null,
    afterHours: null,
  });
});

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

const staff = (coop: TestCoop, userId: string): Actor => ({ ...coop.actor('support'), userId: userId as UserId });

test('the barometer reads the audit log: own figures, and network staff with secondary suppression', async () => {
  // Coop A's team: its support member, its director and 3 new support members = 5 who validate.
  const extra = await withSystem(odb.db, async (trx) => {
    const ids: string[] = [];
    for (const i of [1, 2, 3]) {
      const u = await createUser(trx, {
        email: `appui${i}@${a.coop.slug}.test`,
        displayName: `Appui ${i}`,
        password: null,
      });
      await addMembership(trx, a.coop.id, u.id, 'support');
      ids.push(u.id);
    }
    return ids;
  });
  const validators = [a.users.support.id, a.users.director.id, ...extra];
  await withTenant(odb.db, a.coop.id, async (tx) => {
    // 6 invoices submitted by the entrepreneur, validated one each by 5 team members and one
    // extra by the first; an entrepreneur's own validation does not count.
    for (let i = 0; i < 6; i++)
      await audit(tx, a.actor('entrepreneur'), {
        action: 'invoice.submitted',
        targetType: 'invoice',
        targetId: `inv${i}`,
      });
    for (let i = 0; i < 6; i++)
      await audit(tx, staff(a, validators[i % 5]!), {
        action: 'invoice.validated',
        targetType: 'invoice',
        targetId: `inv${i}`,
      });
    await audit(tx, a.actor('entrepreneur'), { action: 'invoice.validated', targetType: 'invoice', targetId: 'own' });
    // Not a validation: ignored.
    await audit(tx, staff(a, extra[0]!), { action: 'invoice.drafted', targetType: 'invoice', targetId: 'x' });
  });
  // Coop B: its director validates one expense report.
  await withTenant(odb.db, b.coop.id, async (tx) => {
    await audit(tx, b.actor('director'), {
      action: 'purchases.expense_report_validated',
      targetType: 'expense_report',
      targetId: 'e1',
    });
  });
  const later = new Date(Date.now() + 60_000);

  const own = await qvtBarometer(odb.db, a.actor('director'), later);
  assert.equal(own.network, null);
  assert.equal(own.ownActivity.validators, 5);
  assert.equal(own.ownActivity.documents, 6);
  // Everyone validated on the same day: [1, 1, 1, 1, 2] a day → median 1, q3 1.
  assert.deepEqual(own.ownActivity.perDay, { median: 1, q1: 1, q3: 1 });
  assert.equal(own.ownActivity.hoursToValidate?.n, 6);
  assert.ok(own.ownActivity.hoursToValidate!.q3 < 0.1);
  const late = afterHours(new Date());
  assert.equal(own.ownActivity.afterHours?.percent, late ? 100 : 0);
  // A year later, the entries are outside the 365 days.
  const nextYear = await qvtBarometer(odb.db, a.actor('director'), new Date(later.getTime() + 366 * 86_400_000));
  assert.equal(nextYear.ownActivity.documents, 0);

  const net = await qvtBarometer(odb.db, a.actor('network_admin'), later);
  const coops = net.network!.cooperatives;
  const ca = coops.find((c) => c.name === a.coop.name)!;
  const cb = coops.find((c) => c.name === b.coop.name)!;
  // B (1 validator) is hidden; A is hidden too, or the network's 7 documents minus A's would give B's.
  assert.equal(cb.activity.suppressed, true);
  assert.equal(ca.activity.suppressed, true);
  assert.equal(ca.activity.afterHours, null);
  assert.equal(net.network!.pooledActivity.validators, 6);
  assert.equal(net.network!.pooledActivity.documents, 7);
  assert.equal(net.network!.pooledActivity.suppressed, false);

  // The page: directors see their figures; nothing per person.
  const c = new TestClient(app);
  await c.signIn(a.users.director.email, TEST_PASSWORD);
  const page = await c.get('/impact/qvt');
  assert.equal(page.res.status, 200);
  assert.match(
    page.html,
    /Validations par l’équipe d’appui[\s\S]*<th scope="row">Votre coopérative<\/th><td class="num">5<\/td><td class="num">6<\/td><td>1 par jour \(quartiles 1 – 1\)<\/td>/,
  );
  for (const name of ['Appui 1', 'Appui 2', 'Appui 3']) assert.doesNotMatch(page.html, new RegExp(name));
  const cb2 = new TestClient(app);
  await cb2.signIn(b.users.director.email, TEST_PASSWORD);
  assert.match(
    (await cb2.get('/impact/qvt')).html,
    /<th scope="row">Votre coopérative<\/th><td class="num">1<\/td><td colspan="4">moins de 5 membres/,
  );
});

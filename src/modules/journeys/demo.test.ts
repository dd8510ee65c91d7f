import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDemoTestDb } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { caseload } from './caseload.service.ts';
import { journeysDb } from './db.ts';
import { getCooperativeBySlug } from '../directory/index.ts';
import type { UserId } from '../../core/ids.ts';

test('demo: every member has a journey, caseloads carry alerts, workshops have a waiting list', async () => {
  const odb = await createDemoTestDb();
  try {
    const coop = await getCooperativeBySlug(odb.db, 'soleil');
    assert.ok(coop);
    const support = await journeysDb(odb.db)
      .selectFrom('user_account')
      .select('id')
      .where('email', '=', 'support@soleil.demo')
      .executeTakeFirstOrThrow();
    const actor = {
      userId: support.id as UserId,
      cooperativeId: coop.id,
      roles: ['support' as const],
      label: 'Support',
    };
    const rows = await withTenant(odb.db, coop.id, (trx) => caseload(trx, actor, { supportUserId: support.id }));
    assert.ok(rows.length >= 34, `caseload of ${rows.length}`);
    assert.ok(
      rows.some((r) => r.alerts.some((x) => /CAPE se termine/.test(x))),
      'a CAPE ending soon',
    );
    assert.ok(
      rows.some((r) => r.alerts.some((x) => /6 semaines/.test(x))),
      'someone without contact',
    );
    const waiting = await journeysDb(odb.db)
      .selectFrom('workshop_registration')
      .select('user_id')
      .where('cooperative_id', '=', coop.id)
      .where('status', '=', 'waiting')
      .execute();
    assert.equal(waiting.length, 3);
    const internal = await journeysDb(odb.db)
      .selectFrom('appointment_note')
      .select('id')
      .where('cooperative_id', '=', coop.id)
      .where('internal', '=', true)
      .execute();
    assert.ok(internal.length >= 1);
  } finally {
    await odb.close();
  }
});

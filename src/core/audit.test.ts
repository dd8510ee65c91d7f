import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { createTestDb, seedTestCooperatives } from '../app/testing.ts';
import { audit, verifyAuditChain, canonical, auditChainProblems } from './audit.ts';
import { withTenant, withSystem } from './db/tenant.ts';
import type { OpenDb } from './db/index.ts';

let odb: OpenDb;
before(async () => {
  odb = await createTestDb();
});
after(async () => {
  await odb.close();
});

/** Rewrites an entry as a database superuser would: trigger off, row changed, trigger on. */
async function superuserUpdate(cooperativeId: string, seq: number, set: string) {
  await withSystem(odb.db, async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
    await sql
      .raw(`update audit_log set ${set} where cooperative_id = '${cooperativeId}' and seq = ${seq}`)
      .execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
  });
}

test('the audit chain verifies, and detects a tampered row', async () => {
  const [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  for (let i = 0; i < 5; i++)
    await withTenant(odb.db, a.coop.id, (trx) =>
      audit(trx, a.actor('director'), {
        action: 'test.event',
        targetType: 'thing',
        targetId: String(i),
        data: { i, note: 'été' },
      }),
    );
  await withTenant(odb.db, b.coop.id, (trx) => audit(trx, b.actor('director'), { action: 'test.event' }));
  assert.deepEqual(await verifyAuditChain(odb.db, a.coop.id), { ok: true, count: 5 });
  assert.deepEqual(await verifyAuditChain(odb.db, b.coop.id), { ok: true, count: 1 });
  assert.deepEqual(await auditChainProblems(odb.db, a.coop.id), []);
  // The application can neither update nor delete history…
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      trx
        .updateTable('audit_log')
        .set({ action: 'forged' })
        .where('cooperative_id', '=', a.coop.id)
        .where('seq', '=', 3)
        .execute(),
    ),
    /ajout seul|permission denied|droit refusé/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      trx.deleteFrom('audit_log').where('cooperative_id', '=', a.coop.id).where('seq', '=', 5).execute(),
    ),
    /ajout seul|permission denied|droit refusé/,
  );
  // …and if someone with superuser rights does, verification finds the exact entry.
  await superuserUpdate(a.coop.id, 3, `data = '{"i": 99}'`);
  const v = await verifyAuditChain(odb.db, a.coop.id);
  assert.equal(v.ok, false);
  assert.equal(v.brokenAt, 3);
  const problems = await auditChainProblems(odb.db);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.cooperativeId, p.seq]),
    [['audit_chain', a.coop.id, 3]],
    'every cooperative checked; only the tampered one reported',
  );
  assert.match(problems[0].detail, /entrée 3 modifiée/);
});

test('a superuser who rewrites an entry and recomputes the SHA-256 chain after it is still caught: the chain is keyed', async () => {
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  for (let i = 0; i < 3; i++)
    await withTenant(odb.db, a.coop.id, (trx) => audit(trx, a.actor('director'), { action: `k${i}` }));
  const rows = await odb.db
    .selectFrom('audit_log')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .orderBy('seq')
    .execute();
  // What anyone with the database (and the code, but not the secret) can compute: plain SHA-256.
  let prev = rows[0].hash;
  for (const r of rows.slice(1)) {
    const forged = {
      prev_hash: prev,
      seq: r.seq,
      id: r.id,
      at: new Date(r.at).toISOString(),
      actor_user_id: r.actor_user_id,
      actor_label: r.actor_label,
      action: r.seq === 2 ? 'forged' : r.action,
      target_type: r.target_type,
      target_id: r.target_id,
      ip: r.ip,
      data: r.data,
    };
    const hash = createHash('sha256').update(canonical(forged)).digest('hex');
    await superuserUpdate(a.coop.id, r.seq, `action = '${forged.action}', prev_hash = '${prev}', hash = '${hash}'`);
    prev = hash;
  }
  const problems = await auditChainProblems(odb.db, a.coop.id);
  assert.equal(problems.length, 1, 'the rewritten chain does not verify');
  assert.equal(problems[0].seq, 2);
});

test('concurrent audit writes keep one linear chain', async () => {
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      withTenant(odb.db, a.coop.id, (trx) => audit(trx, a.actor('director'), { action: `c${i}` })),
    ),
  );
  assert.deepEqual(await verifyAuditChain(odb.db, a.coop.id), { ok: true, count: 20 });
});

test('the application role reads no secret of user_account and writes no identity table', async () => {
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  const inTenant = (q: string) => withTenant(odb.db, a.coop.id, (trx) => sql.raw(q).execute(trx));
  await inTenant(`select id, email, display_name from user_account limit 1`);
  for (const q of [
    'select password_hash from user_account limit 1',
    'select totp_secret from user_account limit 1',
    `update user_account set display_name = 'x'`,
    'delete from user_account',
    'select * from auth_session limit 1',
    'select * from passkey limit 1',
    'select * from login_attempt limit 1',
  ])
    await assert.rejects(inTenant(q), /permission denied|droit refusé/, q);
});

test('mail_outbox and auth_token: a tenant transaction sees only its cooperative rows', async () => {
  const [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
  await withSystem(odb.db, async (trx) => {
    for (const [coop, to] of [
      [a.coop.id, 'pour-a@exemple.fr'],
      [b.coop.id, 'pour-b@exemple.fr'],
      [null, 'systeme@exemple.fr'],
    ] as const)
      await sql`insert into mail_outbox (id, cooperative_id, to_address, subject, text_body)
        values (gen_random_uuid(), ${coop}, ${to}, 'x', 'x')`.execute(trx);
    for (const [coop, hash] of [
      [a.coop.id, `a-${a.coop.id}`],
      [b.coop.id, `b-${b.coop.id}`],
      [null, `reset-${a.coop.id}`],
    ] as const)
      await sql`insert into auth_token (token_hash, kind, cooperative_id, expires_at)
        values (${hash}, ${coop ? 'invitation' : 'reset'}, ${coop}, now() + interval '1 day')`.execute(trx);
  });
  const seen = await withTenant(odb.db, a.coop.id, async (trx) => ({
    mails: (await sql<{ to_address: string }>`select to_address from mail_outbox`.execute(trx)).rows.map(
      (r) => r.to_address,
    ),
    tokens: (await sql<{ token_hash: string }>`select token_hash from auth_token`.execute(trx)).rows.map(
      (r) => r.token_hash,
    ),
  }));
  assert.deepEqual(seen.mails, ['pour-a@exemple.fr']);
  assert.deepEqual(seen.tokens, [`a-${a.coop.id}`]);
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      sql`insert into mail_outbox (id, cooperative_id, to_address, subject, text_body)
        values (gen_random_uuid(), ${b.coop.id}, 'x@exemple.fr', 'x', 'x')`.execute(trx),
    ),
    /row-level security|sécurité niveau ligne/,
  );
});

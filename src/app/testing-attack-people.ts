// The victim's objects about its people that the demo does not give it, made through the owning
// modules' services before the attack: an identity document waiting for its check, a salary
// request and an absence, a document of a journey, an action to take after an appointment, and
// two background readings (an expense batch, a supplier invoice).
import { sql } from 'kysely';
import { victimActors } from './testing-attack-actor.ts';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import { withTenant } from '../core/db/tenant.ts';
import { addDays, todayParis } from '../core/dates.ts';
import { submitIdentityDocument } from '../modules/directory/index.ts';
import { addAction, addDocument } from '../modules/journeys/index.ts';
import { recordAbsenceForTest, salaryRequestForTest } from '../modules/ledger/testing.ts';
import { queueReceipts, queueSupplierInvoiceReading } from '../modules/purchases/testing.ts';
import { TEST_PNG, testConfig } from './testing.ts';

/** What of testing-attack's AttackWorld is used here (that file calls this one: no import back). */
interface AttackWorld {
  odb: OpenDb;
  victim: { id: string; slug: string };
}

export async function peopleVictimFixtures(w: AttackWorld) {
  const db = coreDb(w.odb.db);
  const actor = victimActors(w.odb, w.victim.id);
  const key = testConfig().fileKey;
  // The entrepreneur whose private objects the same-cooperative attack aims at, and their team.
  const person = await actor('entrepreneur@canopee.demo');
  const support = await actor('support@canopee.demo');
  const own = await sql<{ activity_id: string; journey_id: string; appointment_id: string }>`
    select o.activity_id::text, j.id::text as journey_id, a.id::text as appointment_id
    from activity_owner o
    join journey j on j.cooperative_id = o.cooperative_id and j.user_id = o.user_id
    join appointment a on a.cooperative_id = j.cooperative_id and a.journey_id = j.id
    where o.cooperative_id = ${w.victim.id} and o.user_id = ${person.userId}
    order by a.id limit 1`.execute(db);
  if (!own.rows.length) throw new Error('the victim entrepreneur lacks an activity, a journey or an appointment');
  const { activity_id: activityId, journey_id: journeyId, appointment_id: appointmentId } = own.rows[0];
  const png = { name: 'piece.png', mimeType: 'image/png', content: TEST_PNG };
  return withTenant(w.odb.db, w.victim.id, async (tx) => {
    // Deposited, not decided yet: the page that decides it is there to attack.
    const identity = await submitIdentityDocument(tx, person, key, { name: 'cni.png', content: TEST_PNG });
    const salary = await salaryRequestForTest(tx, person, activityId);
    const start = addDays(todayParis(), 7);
    const absence = await recordAbsenceForTest(tx, support, {
      userId: person.userId!,
      startDate: start,
      endDate: addDays(start, 2),
      kind: 'conge',
      note: 'Congés posés',
    });
    const document = await addDocument(tx, support, key, journeyId, {
      stage: 'diagnostic',
      kind: 'Attestation Pôle emploi',
      visibility: 'staff',
      fileName: png.name,
      mimeType: png.mimeType,
      content: png.content,
    });
    await addAction(tx, support, appointmentId, { label: 'Relancer le client pour le devis', owner: 'person' });
    const receipts = await queueReceipts(tx, person, key, [{ ...png, name: 'ticket.png' }], { activityId });
    const supplierInvoice = await queueSupplierInvoiceReading(tx, person, key, { ...png, name: 'facture.png' });
    return {
      identity: identity.id,
      salary: salary.id,
      absence: absence.id,
      document: document.id,
      batches: [receipts.batchId, supplierInvoice.batchId],
    };
  });
}

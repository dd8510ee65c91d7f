// The victim's objects of the money and integration tools, which the demo does not give it, made
// through the owning modules' services before the attack (so their texts get the marker too): a
// public course (the MOOC pages), a SEPA transfer batch, a supplier invoice received from the
// e-invoicing platform and waiting for its activity, a file joined to a question of the campus
// kept to the cooperative, a person's own API token, and a webhook with a delivery.
import { sql } from 'kysely';
import { victimActors } from './testing-attack-actor.ts';
import { coreDb } from '../core/db/handles.ts';
import { withTenant } from '../core/db/tenant.ts';
import { createToken } from '../modules/api/index.ts';
import { webhookWithDelivery } from '../modules/api/testing.ts';
import { createSepaBatch, listSepaCandidates } from '../modules/bank/index.ts';
import { attachFile } from '../modules/campus/index.ts';
import { receivedInvoice } from '../modules/einvoicing/testing.ts';
import { publishedCourse } from '../modules/learning/testing.ts';
import { buildCii } from '../modules/sales/index.ts';
import { fixtures } from '../modules/sales/testing.ts';
import { todayParis } from '../core/dates.ts';
import type { OpenDb } from '../core/db/index.ts';
import { TEST_PNG, testConfig } from './testing.ts';

/** What the fixtures use of the attack world (testing-attack.ts's AttackWorld, which calls them). */
interface VictimWorld {
  odb: OpenDb;
  victim: { id: string };
}

export async function toolsVictimFixtures(w: VictimWorld) {
  const db = coreDb(w.odb.db);
  const victim = w.victim.id;
  const actor = victimActors(w.odb, victim);
  const key = testConfig().fileKey;
  const director = await actor('director@canopee.demo');
  const entrepreneur = await actor('entrepreneur@canopee.demo');

  // A public course (first of the victim's courses, so the MOOC pages are found taking it).
  const mooc = await publishedCourse(
    w.odb,
    { coop: { id: victim }, actor: () => director },
    'public',
    'Bien démarrer',
    {
      quiz: { maxAttempts: 3 },
    },
  );

  // A transfer batch of the first line that can be paid (an approved supplier invoice or an
  // expense report to reimburse, with an IBAN).
  const sepa = await withTenant(w.odb.db, victim, async (tx) => {
    const line = (await listSepaCandidates(tx, director)).find((c) => !c.problem);
    if (!line) throw new Error('the victim has nothing to pay by transfer');
    return createSepaBatch(tx, director, { keys: [line.key], executionDate: todayParis() });
  });

  // A supplier invoice received from the platform whose routing address names no activity.
  const incoming = await withTenant(w.odb.db, victim, (tx) =>
    receivedInvoice(tx, victim, key, {
      platformRef: 'IN-ATTACK-1',
      fileName: 'fournisseur.xml',
      routingAddress: '123456789_INCONNU',
      content: Buffer.from(buildCii(fixtures.standard)),
    }),
  );
  if (incoming !== 'to_assign') throw new Error(`the received invoice was ${incoming}, not waiting for its activity`);

  // A file joined to a question the victim keeps to itself (the director moderates its campus).
  const question = await sql<{ id: string }>`select id::text as id from campus_question
    where cooperative_id = ${victim} and visibility = 'cooperative' order by id limit 1`.execute(db);
  if (!question.rows.length) throw new Error('the victim has no question of its own on the campus');
  const attachment = await withTenant(w.odb.db, victim, (tx) =>
    attachFile(tx, director, key, question.rows[0].id, { name: 'capture.png', content: TEST_PNG }),
  );

  // A person's own API token, and a webhook with one delivery.
  const token = await withTenant(w.odb.db, victim, (tx) =>
    createToken(tx, entrepreneur, { name: 'Mon tableur', scopes: ['invoices:read'] }),
  );
  const webhook = await withTenant(w.odb.db, victim, (tx) => webhookWithDelivery(tx, director));

  return { mooc, sepa: sepa.id, attachment: attachment.id, token: token.info.id, webhook };
}

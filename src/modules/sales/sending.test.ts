// Sending by e-mail through a real local SMTP server, reminders (idempotent, pausable, history)
// and the formal notice letter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { deliverOutbox, smtpTransport } from '../../core/mail.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { createCustomer } from './customer.service.ts';
import { createDraft, submitInvoice, validateInvoice, getInvoice, recordPayment } from './invoice.service.ts';
import { sendInvoice } from './sending.ts';
import {
  sendDueReminders,
  setRemindersPaused,
  reminderHistory,
  setReminderSchedule,
  reminderSchedule,
  parseReminderDays,
  noticeLetterPdf,
  salesSchedules,
  DEFAULT_REMINDER_DAYS,
} from './reminders.ts';

let odb: OpenDb;
let A: TestCoop;
let customerId: string;
let noMailId: string;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
  const siren = makeSiren('61234567');
  await withTenant(odb.db, A.coop.id, async (trx) => {
    customerId = (
      await createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'Menuiserie Arnaud',
        siren,
        vatNumber: frenchVatFromSiren(siren),
        email: 'compta@menuiserie.example',
        addressLine1: '2 rue du Bois',
        postalCode: '69007',
        city: 'Lyon',
        countryCode: 'FR',
      })
    ).id;
    noMailId = (
      await createCustomer(trx, A.actor('entrepreneur'), {
        kind: 'company',
        name: 'Sans Courriel',
        siren: makeSiren('61234568'),
        addressLine1: '3 rue du Bois',
        postalCode: '69007',
        city: 'Lyon',
        countryCode: 'FR',
      })
    ).id;
  });
});
after(async () => {
  await odb?.close();
});

const tx = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(odb.db, A.coop.id, fn);
async function issue(customer: string, issueDate: string) {
  return tx(async (trx) => {
    const d = await createDraft(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      customerId: customer,
      dueDate: addDays(issueDate, 30),
      issueDate,
      lines: [
        {
          description: 'Escalier sur mesure',
          quantityMilli: 1000,
          unitPriceCents: 250000,
          vatCategory: 'S',
          vatRateBp: 2000,
        },
      ],
    });
    await submitInvoice(trx, A.actor('entrepreneur'), d.id);
    return validateInvoice(trx, A.actor('support'), d.id, { today: issueDate });
  });
}
function startSmtp() {
  const received: Awaited<ReturnType<typeof simpleParser>>[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => {
        received.push(m);
        cb();
      }, cb);
    },
  });
  return new Promise<{ server: SMTPServer; port: number; received: typeof received }>((res) =>
    server.listen(0, '127.0.0.1', () => res({ server, port: (server.server.address() as AddressInfo).port, received })),
  );
}
const outboxCount = async () =>
  Number(
    (
      await odb.db
        .selectFrom('mail_outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('"Envoyer": the customer receives the invoice with its Factur-X PDF; the invoice is sent', async () => {
  const inv = await issue(customerId, todayParis());
  const smtp = await startSmtp();
  try {
    const sent = await tx((trx) => sendInvoice(trx, A.actor('entrepreneur'), inv.id));
    assert.equal(sent.status, 'sent');
    assert.ok(sent.sentAt instanceof Date);
    const r = await deliverOutbox(odb.db, {
      transport: smtpTransport(`smtp://127.0.0.1:${smtp.port}`),
      from: 'Radieuse <factures@radieuse.localhost>',
    });
    assert.deepEqual(r, { sent: 1, failed: 0 });
    const m = smtp.received[0];
    assert.equal((m.to as { text: string }).text, 'compta@menuiserie.example');
    assert.match(m.subject!, new RegExp(`Facture ${inv.number}`));
    assert.match(m.text!, /Veuillez trouver ci-joint notre facture/);
    assert.match(String(m.html), /<p>Bonjour,<\/p>/);
    assert.equal(m.attachments.length, 1);
    const pdf = m.attachments[0];
    assert.equal(pdf.contentType, 'application/pdf');
    assert.equal(pdf.content.subarray(0, 5).toString(), '%PDF-');
    assert.ok(pdf.content.includes(Buffer.from('factur-x.xml')), 'Factur-X attachment inside the PDF');
    const audits = await odb.db.selectFrom('audit_log').select('action').where('target_id', '=', inv.id).execute();
    assert.ok(audits.some((a) => a.action === 'invoice.emailed'));
  } finally {
    await new Promise<void>((r) => smtp.server.close(() => r()));
  }
});

test('sending is refused with a French message and nothing written: draft, or customer without e-mail', async () => {
  const before = await outboxCount();
  const d = await tx((trx) =>
    createDraft(trx, A.actor('entrepreneur'), {
      activityId: A.activityId,
      customerId,
      lines: [{ description: 'x', quantityMilli: 1000, unitPriceCents: 100, vatCategory: 'S', vatRateBp: 2000 }],
    }),
  );
  await assert.rejects(
    tx((trx) => sendInvoice(trx, A.actor('entrepreneur'), d.id)),
    /Seule une facture validée peut être envoyée/,
  );
  const noMail = await issue(noMailId, todayParis());
  await assert.rejects(
    tx((trx) => sendInvoice(trx, A.actor('entrepreneur'), noMail.id)),
    /adresse e-mail du client/,
  );
  assert.equal((await tx((trx) => getInvoice(trx, A.actor('support'), noMail.id)))!.status, 'validated');
  assert.equal(await outboxCount(), before);
});

test('reminders: schedule, one mail per step, idempotent, paused per invoice, history', async () => {
  assert.deepEqual(await tx((trx) => reminderSchedule(trx, A.coop.id)), [...DEFAULT_REMINDER_DAYS]);
  const issueDate = '2026-01-05';
  const due = addDays(issueDate, 30);
  const a = await issue(customerId, issueDate);
  const b = await issue(customerId, issueDate);
  // Invoices issued by the other tests are not due yet.
  const before = await outboxCount();
  assert.deepEqual(await sendDueReminders(odb.db, addDays(due, -4)), { sent: 0 });
  assert.deepEqual(await sendDueReminders(odb.db, addDays(due, -3)), { sent: 2 });
  assert.deepEqual(await sendDueReminders(odb.db, addDays(due, -2)), { sent: 0 }, 'idempotent');
  await tx((trx) => setRemindersPaused(trx, A.actor('support'), b.id, true));
  assert.deepEqual(await sendDueReminders(odb.db, addDays(due, 8)), { sent: 1 });
  assert.deepEqual(await sendDueReminders(odb.db, addDays(due, 8)), { sent: 0 });
  assert.equal(await outboxCount(), before + 3);
  const mails = await odb.db
    .selectFrom('mail_outbox')
    .select(['subject', 'text_body', 'dedupe_key'])
    .where('dedupe_key', 'like', `sales-reminder:${a.id}:%`)
    .orderBy('created_at')
    .execute();
  assert.deepEqual(
    mails.map((m) => m.dedupe_key),
    [`sales-reminder:${a.id}:avant-3`, `sales-reminder:${a.id}:apres-7`],
  );
  assert.match(mails[0].text_body, /arrive à échéance/);
  assert.match(mails[1].text_body, /simple oubli/);
  const hist = await tx((trx) => reminderHistory(trx, A.actor('entrepreneur'), a.id));
  assert.deepEqual(
    hist.map((h) => [h.step, h.sentOn]),
    [
      ['avant-3', addDays(due, -3)],
      ['apres-7', addDays(due, 8)],
    ],
  );
  assert.equal((await tx((trx) => reminderHistory(trx, A.actor('entrepreneur'), b.id))).length, 1);
  // A paid invoice is not reminded.
  await tx((trx) =>
    recordPayment(trx, A.actor('accountant'), a.id, { amountCents: a.totalInclCents, date: addDays(due, 10) }),
  );
  assert.deepEqual(await sendDueReminders(odb.db, addDays(due, 22)), { sent: 0 });
  // Formal notice, only beyond 45 days overdue.
  await tx((trx) => setRemindersPaused(trx, A.actor('support'), b.id, false));
  await assert.rejects(
    tx((trx) => noticeLetterPdf(trx, A.actor('support'), b.id, addDays(due, 30))),
    /plus de 45 jours/,
  );
  const pdf = await tx((trx) => noticeLetterPdf(trx, A.actor('support'), b.id, addDays(due, 50)));
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok((await tx((trx) => reminderHistory(trx, A.actor('support'), b.id))).some((h) => h.kind === 'notice'));
});

test('the director edits the schedule; others may not; bad input is refused in French', async () => {
  assert.deepEqual(parseReminderDays('7; -5, 30 7'), [-5, 7, 30]);
  assert.throws(() => parseReminderDays('7, dix'), /n'est pas un nombre de jours/);
  await assert.rejects(
    tx((trx) => setReminderSchedule(trx, A.actor('entrepreneur'), [5])),
    /direction/,
  );
  await tx((trx) => setReminderSchedule(trx, A.actor('director'), [-5, 10]));
  assert.deepEqual(await tx((trx) => reminderSchedule(trx, A.coop.id)), [-5, 10]);
  const s = salesSchedules(odb);
  assert.equal(s[0].name, 'sales-reminders');
  assert.match(s[0].cron, /^\d+ \d+ \* \* \*$/);
});
void inflateSync;

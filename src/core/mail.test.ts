import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { createTestDb } from '../app/testing.ts';
import type { OpenDb } from './db/index.ts';
import { enqueueMail, deliverOutbox, smtpTransport } from './mail.ts';

let odb: OpenDb;
before(async () => {
  odb = await createTestDb();
});
after(async () => {
  await odb.close();
});

function startSmtp(port = 0) {
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
  return new Promise<{ server: SMTPServer; port: number; received: typeof received }>((resolve) => {
    server.listen(port, '127.0.0.1', () =>
      resolve({ server, port: (server.server.address() as AddressInfo).port, received }),
    );
  });
}

test('a message waits in the outbox while SMTP is down, then is sent once it is back', async () => {
  // Reserve a port, then close the server: SMTP is "down" on that port.
  const probe = await startSmtp();
  const port = probe.port;
  await new Promise<void>((r) => probe.server.close(() => r()));
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
  await enqueueMail(odb.db, {
    to: 'client@exemple.fr',
    subject: 'Votre facture 2026-00001',
    text: 'Bonjour, voici votre facture.',
    html: '<p>Bonjour</p>',
    attachments: [
      {
        filename: 'facture.pdf',
        contentType: 'application/pdf',
        contentBase64: Buffer.from('%PDF-1.7 test').toString('base64'),
      },
    ],
  });
  const down = await deliverOutbox(odb.db, { transport, from: 'Radieuse <test@radieuse.localhost>' });
  assert.deepEqual(down, { sent: 0, failed: 1 });
  const waiting = await odb.db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();
  assert.equal(waiting.status, 'pending');
  assert.equal(waiting.attempts, 1);
  assert.ok(waiting.last_error);
  // Not retried before its back-off delay…
  assert.deepEqual(await deliverOutbox(odb.db, { transport, from: 'x@y.z' }), { sent: 0, failed: 0 });
  // …then SMTP comes back on the same port and the message leaves with its attachment.
  const up = await startSmtp(port);
  try {
    const later = new Date(Date.now() + 2 * 60_000);
    assert.deepEqual(
      await deliverOutbox(odb.db, { transport, from: 'Radieuse <test@radieuse.localhost>', now: later }),
      { sent: 1, failed: 0 },
    );
    assert.equal(up.received.length, 1);
    const m = up.received[0];
    assert.equal(m.subject, 'Votre facture 2026-00001');
    assert.equal(m.attachments.length, 1);
    assert.equal(m.attachments[0].filename, 'facture.pdf');
    assert.equal(m.attachments[0].content.toString(), '%PDF-1.7 test');
    // Sent messages are never sent again.
    assert.deepEqual(await deliverOutbox(odb.db, { transport, from: 'x@y.z', now: new Date(Date.now() + 3600_000) }), {
      sent: 0,
      failed: 0,
    });
    assert.equal(up.received.length, 1);
  } finally {
    await new Promise<void>((r) => up.server.close(() => r()));
  }
});

test('a dedupe key makes enqueueing idempotent', async () => {
  await enqueueMail(odb.db, { to: 'a@b.fr', subject: 'Digest', text: 'x', dedupeKey: 'digest:u1:2026-W48' });
  await enqueueMail(odb.db, { to: 'a@b.fr', subject: 'Digest', text: 'x', dedupeKey: 'digest:u1:2026-W48' });
  const n = await odb.db
    .selectFrom('mail_outbox')
    .select('id')
    .where('dedupe_key', '=', 'digest:u1:2026-W48')
    .execute();
  assert.equal(n.length, 1);
});

test('List-Unsubscribe headers reach the recipient through real SMTP; other headers are refused', async () => {
  const smtp = await startSmtp();
  try {
    const transport = smtpTransport(`smtp://127.0.0.1:${smtp.port}`);
    await enqueueMail(odb.db, {
      to: 'membre@exemple.fr',
      subject: 'Votre résumé',
      text: 'Bonjour',
      headers: {
        'List-Unsubscribe': '<https://r.test/public/desabonnement/token/abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    await deliverOutbox(odb.db, { transport, from: 'Radieuse <test@radieuse.localhost>' });
    const m = smtp.received.find((x) => x.subject === 'Votre résumé');
    assert.ok(m);
    // The raw header lines, as a mail client reads them.
    const line = (k: string) => m.headerLines.find((h) => h.key === k)?.line ?? '';
    assert.equal(line('list-unsubscribe-post'), 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    assert.equal(line('list-unsubscribe'), 'List-Unsubscribe: <https://r.test/public/desabonnement/token/abc>');
    await assert.rejects(
      enqueueMail(odb.db, { to: 'x@exemple.fr', subject: 's', text: 't', headers: { Bcc: 'espion@exemple.fr' } }),
      /refusé/,
    );
    await assert.rejects(
      enqueueMail(odb.db, {
        to: 'x@exemple.fr',
        subject: 's',
        text: 't',
        headers: { 'List-Unsubscribe': 'a\r\nBcc: b' },
      }),
      /refusé/,
    );
  } finally {
    await new Promise<void>((r) => smtp.server.close(() => r()));
  }
});

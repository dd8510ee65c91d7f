// The administrative calendar gathers each person's deadlines from every module, and serves
// them as an ICS feed behind a secret address (no sign-in).
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { TenantTx as Tx } from './db.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { todayParis, addDays, addMonths } from '../../core/dates.ts';

import { createCustomer, createDraft, validateInvoice } from '../sales/index.ts';
import {
  addDocument,
  createAppointment,
  createJourney,
  createSession,
  createTheme,
  registerForWorkshop as register,
} from '../journeys/index.ts';
import { deadlines } from './index.ts';
import { renewCalendarToken, calendarByToken, deadlinesIcs } from './calendar.ts';
import ical, { type VEvent } from 'node-ical';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
const today = todayParis();
const tx = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(t.odb.db, A.coop.id, fn);

before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  const ent = A.actor('entrepreneur');
  const sup = A.actor('support');
  await tx(async (trx) => {
    const siren = makeSiren('71234567');
    const c = await createCustomer(trx, ent, {
      kind: 'company',
      name: 'Café Central',
      siren,
      vatNumber: frenchVatFromSiren(siren),
      addressLine1: '5 place',
      postalCode: '69003',
      city: 'Lyon',
      countryCode: 'FR',
    });
    const d = await createDraft(trx, ent, {
      activityId: A.activityId,
      customerId: c.id,
      lines: [{ description: 'Menu', quantityMilli: 1000, unitPriceCents: 20000, vatCategory: 'S', vatRateBp: 2000 }],
    });
    await validateInvoice(trx, sup, d.id);
    const j = await createJourney(trx, sup, {
      displayName: 'Entrepreneur Alpha',
      userId: A.users.entrepreneur.id,
      startedOn: addDays(today, -10),
    });
    await createAppointment(trx, sup, {
      journeyId: j.id,
      subject: 'Bilan trimestriel',
      date: addDays(today, 12),
      start: '14:00',
      end: '15:00',
      place: 'Bureau',
    });
    await addDocument(trx, sup, randomBytes(32), j.id, {
      stage: 'contact',
      kind: 'Attestation URSSAF',
      expiresOn: addDays(today, 20),
      fileName: 'a.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.4'),
    });
    const theme = await createTheme(trx, sup, { name: 'Fixer ses prix' });
    const s = await createSession(trx, sup, {
      themeId: theme,
      date: addDays(today, 5),
      start: '09:00',
      end: '11:00',
      place: 'Salle 2',
      capacity: 10,
    });
    await register(trx, ent, s);
    await createSession(trx, sup, {
      themeId: theme,
      date: addDays(today, 6),
      start: '09:00',
      end: '11:00',
      place: 'Salle 3',
      capacity: 10,
    });
  });
});
after(async () => {
  await t?.odb.close();
});

test('an entrepreneur sees expense cut-offs, invoice due dates, appointments, own workshops and documents', async () => {
  const items = await tx((trx) => deadlines(trx, A.actor('entrepreneur'), today, addMonths(today, 3)));
  const titles = items.map((d) => d.title).join('\n');
  assert.match(titles, /notes de frais/);
  assert.ok(items.filter((d) => d.kind === 'expenses').every((d) => d.date.endsWith('-25')));
  assert.match(titles, /Échéance de la facture .* \(Café Central/);
  assert.match(titles, /Rendez-vous avec .* à 14:00 : Bilan trimestriel/);
  assert.match(titles, /Atelier « Fixer ses prix » à 09:00 \(Salle 2\)/);
  assert.doesNotMatch(titles, /Salle 3/, 'not registered → not in the calendar');
  assert.match(titles, /votre document « Attestation URSSAF »/);
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].date <= items[i].date, 'sorted by date');
  const sup = await tx((trx) => deadlines(trx, A.actor('support'), today, addMonths(today, 3)));
  assert.match(sup.map((d) => d.title).join('\n'), /Entrepreneur Alpha : fin de validité de « Attestation URSSAF »/);
  assert.ok(!sup.some((d) => d.kind === 'expenses'));
});

test('ICS feed by secret token, renewed token replaces the old one; page and public route', async () => {
  const ent = A.actor('entrepreneur');
  const old = await tx((trx) => renewCalendarToken(trx, ent));
  const token = await tx((trx) => renewCalendarToken(trx, ent));
  assert.equal(await calendarByToken(t.odb.db, old, today, 'https://r.test'), null);
  const ics = (await calendarByToken(t.odb.db, token, today, 'https://r.test'))!;
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics, /SUMMARY:Atelier « Fixer ses prix » à 09:00 \(Salle 2\)/);
  assert.match(ics, new RegExp(`DTSTART;VALUE=DATE:${addDays(today, 5).replace(/-/g, '')}`));
  const c = new TestClient(t.app);
  await c.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  const page = await c.get('/calendrier-admin');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Mes échéances/);
  assert.match(page.html, /Bilan trimestriel/);
  const made = await c.post('/calendrier-admin/lien', {});
  const path = /http:\/\/localhost:\d+(\/public\/calendrier-admin\/token\/[A-Za-z0-9_-]+)/.exec(made.html)![1];
  const anon = new TestClient(t.app);
  const feed = await anon.get(path);
  assert.equal(feed.res.status, 200);
  assert.match(feed.res.headers.get('content-type')!, /text\/calendar/);
  assert.match(feed.html, /BEGIN:VEVENT/);
  assert.equal((await anon.get('/public/calendrier-admin/token/nimporte')).res.status, 404);
});

test('the deadlines feed folds lines over 75 octets, ends every line with CRLF and reads back as all-day events', () => {
  const long =
    'Échéance de la facture 2026-00042 (Société coopérative de production « Les Ébénistes réunis », 1 234,56 €)';
  const ics = deadlinesIcs(
    'Radieuse — Coopérative alpha',
    [
      { uid: 'sales.invoice:1', date: '2027-03-27', title: long, kind: 'invoice', href: '/factures/1' },
      { uid: 'expenses.cutoff:2027-03-25', date: '2027-03-25', title: 'Notes de frais', kind: 'expenses', href: null },
    ],
    'https://radieuse.example',
  );
  const lines = ics.split('\r\n');
  assert.ok(
    lines.some((l) => l.startsWith(' ')),
    'the long title is folded',
  );
  for (const l of lines) assert.ok(Buffer.byteLength(l, 'utf8') <= 75, `line of ${Buffer.byteLength(l)} octets: ${l}`);
  assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
  assert.doesNotMatch(ics.replace(/\r\n/g, ''), /[\r\n]/, 'no bare line feed');
  const events = Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');
  const invoice = events.find((e) => e.uid === 'sales.invoice:1@radieuse');
  assert.ok(invoice);
  assert.equal(typeof invoice.summary === 'string' ? invoice.summary : invoice.summary.val, long);
  assert.equal(invoice.datetype, 'date');
  assert.match(ics, /DTSTART;VALUE=DATE:20270327\r\n/);
  assert.match(ics, /DTEND;VALUE=DATE:20270328\r\n/, 'one whole day, across the change to summer time');
  assert.match(ics, /URL;VALUE=URI:https:\/\/radieuse\.example\/factures\/1\r\n/);
});

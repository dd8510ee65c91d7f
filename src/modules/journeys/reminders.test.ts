import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ical, { type VEvent } from 'node-ical';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant, withSystem } from '../../core/db/tenant.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { createUser } from '../../core/auth/users.ts';
import { addMembership } from '../directory/index.ts';
import { createJourney, transitionJourney, journeyHistory, getJourney } from './journeys.service.ts';
import { caseload } from './caseload.service.ts';
import { addDocument } from './documents.service.ts';
import { reverseLastTransition } from './journey-corrections.service.ts';
import { icsCalendar } from './ics.ts';
import { trainingHours } from './training-hours.service.ts';
import { toCsv } from './csv.ts';
import { createAppointment, createSlot, parisInstant } from './appointments.service.ts';
import { createTheme, createSession, register, recordAttendance } from './workshops.service.ts';
import { sendJourneyReminders, journeysSchedules } from './reminders.service.ts';
import { submitFeedback, feedbackSummary } from './feedback.service.ts';
import { journeysDb } from './db.ts';
import type { MailAttachment } from '../../core/mail.ts';
import type { UserId } from '../../core/ids.ts';

const vevents = (ics: string): VEvent[] =>
  Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  await withTenant(odb.db, a.coop.id, (trx) =>
    createJourney(trx, a.actor('support'), {
      displayName: 'Entrepreneur A',
      userId: a.users.entrepreneur.id,
      startedOn: addDays(todayParis(), -200),
    }),
  );
});
after(async () => {
  await odb.close();
});

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'cape' | 'director') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const mails = (to: string) =>
  journeysDb(odb.db).selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('created_at').execute();
async function members(n: number, prefix: string, withPassword = -1) {
  return withSystem(odb.db, async (trx) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const u = await createUser(trx, {
        email: `${prefix}${i}@x.test`,
        displayName: `${prefix} ${i}`,
        password: i === withPassword ? TEST_PASSWORD : null,
      });
      await addMembership(trx, a.coop.id, u.id, 'entrepreneur');
      out.push(u.id);
    }
    return out;
  });
}

test('booking a slot e-mails both people the confirmation with an ICS invitation in Paris time (TZID + VTIMEZONE)', async () => {
  const day = addDays(todayParis(), 4);
  await withTenant(odb.db, a.coop.id, (trx) =>
    createSlot(trx, a.actor('support'), {
      date: day,
      start: '14:30',
      end: '15:30',
      videoUrl: 'https://visio.example/x',
    }),
  );
  const slot = await journeysDb(odb.db)
    .selectFrom('support_slot')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .where('appointment_id', 'is', null)
    .executeTakeFirstOrThrow();
  const ent = await signed(a, 'entrepreneur');
  const r = await ent.post(`/creneaux/${slot.id}/reserver`, { subject: 'Point devis' });
  assert.equal(r.res.status, 302);
  const [m] = await mails(a.users.entrepreneur.email);
  assert.ok(m, 'confirmation to the person');
  assert.match(m.subject, /Rendez-vous confirmé/);
  assert.match(m.text_body, /Point devis/);
  assert.match(m.text_body, /14:30/);
  assert.match(m.html_body!, /<p>/);
  assert.match(m.html_body!, /visio\.example/);
  const att = (m.attachments as MailAttachment[])[0];
  assert.equal(att.filename, 'rendez-vous.ics');
  const ics = Buffer.from(att.contentBase64, 'base64').toString();
  assert.match(ics, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Paris/);
  assert.match(ics, /DTSTART;TZID=Europe\/Paris:\d{8}T143000/);
  assert.match(ics, /DTSTAMP:\d{8}T\d{6}Z/);
  const ev = vevents(ics)[0];
  assert.equal(ev.start.toISOString(), parisInstant(day, '14:30').toISOString());
  assert.equal(
    (await mails(a.users.support.email)).filter((x) => /Rendez-vous confirmé/.test(x.subject)).length,
    1,
    'support is told too',
  );
  // Summer time: a July appointment is written 14:30 Paris and read back as 12:30 UTC.
  const summer = icsCalendar('x', [
    { uid: 'u@x', start: parisInstant('2027-07-01', '14:30'), end: parisInstant('2027-07-01', '15:00'), summary: 's' },
  ]);
  const se = vevents(summer)[0];
  assert.equal(se.start.toISOString(), '2027-07-01T12:30:00.000Z');
});

test('daily reminders: appointments and workshops tomorrow, documents expiring in 30 and 7 days, CAPE ending (to support); running twice sends nothing more', async () => {
  const today = todayParis();
  const tomorrow = addDays(today, 1);
  const [u1] = await members(1, 'rappel');
  const j = await withTenant(odb.db, a.coop.id, async (trx) => {
    const sup = a.actor('support');
    const jj = await createJourney(trx, sup, {
      displayName: 'Personne Rappel',
      userId: u1,
      startedOn: addDays(today, -60),
    });
    await createAppointment(trx, sup, {
      journeyId: jj.id,
      subject: 'Rendez-vous demain',
      date: tomorrow,
      start: '09:00',
      end: '10:00',
      place: 'Bureau',
      status: 'planned',
    });
    await createAppointment(trx, sup, {
      journeyId: jj.id,
      subject: 'Dans trois jours',
      date: addDays(today, 3),
      start: '09:00',
      end: '10:00',
      place: 'Bureau',
      status: 'planned',
    });
    const t = await createTheme(trx, sup, { name: 'Atelier de demain' });
    const s = await createSession(trx, sup, {
      themeId: t,
      date: tomorrow,
      start: '14:00',
      end: '16:00',
      place: 'Salle 2',
      capacity: 5,
    });
    await register(trx, { ...a.actor('entrepreneur'), userId: u1 as UserId }, s);
    await transitionJourney(trx, sup, jj.id, { to: 'diagnostic', effectiveOn: addDays(today, -50) });
    await transitionJourney(trx, sup, jj.id, {
      to: 'cape',
      effectiveOn: addDays(today, -40),
      capeEnd: addDays(today, 20),
    });
    return jj;
  });
  const key = Buffer.alloc(32, 7);
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  await withTenant(odb.db, a.coop.id, async (trx) => {
    await addDocument(trx, a.actor('support'), key, j.id, {
      stage: 'cape',
      kind: 'Attestation assurance',
      expiresOn: addDays(today, 25),
      visibility: 'person',
      fileName: 'a.pdf',
      mimeType: 'application/pdf',
      content: pdf,
    });
    await addDocument(trx, a.actor('support'), key, j.id, {
      stage: 'cape',
      kind: 'Avis interne',
      expiresOn: addDays(today, 5),
      visibility: 'staff',
      fileName: 'b.pdf',
      mimeType: 'application/pdf',
      content: pdf,
    });
    await addDocument(trx, a.actor('support'), key, j.id, {
      stage: 'cape',
      kind: 'Diplôme',
      expiresOn: addDays(today, 300),
      visibility: 'person',
      fileName: 'c.pdf',
      mimeType: 'application/pdf',
      content: pdf,
    });
  });
  const email = 'rappel0@x.test';
  const first = await sendJourneyReminders(odb.db, today, { publicUrl: 'https://radieuse.test' });
  assert.ok(
    first.appointments >= 2 && first.workshops >= 1 && first.documents >= 2 && first.cape >= 1,
    JSON.stringify(first),
  );
  const toPerson = await mails(email);
  assert.ok(
    toPerson.some(
      (m) => /Rappel : rendez-vous demain à 09:00/.test(m.subject) && /Rendez-vous demain/.test(m.text_body),
    ),
  );
  assert.ok(!toPerson.some((m) => /Dans trois jours/.test(m.text_body)), 'only tomorrow');
  assert.ok(
    toPerson.some(
      (m) => /Rappel : atelier « Atelier de demain » demain/.test(m.subject) && /Salle 2/.test(m.text_body),
    ),
  );
  assert.ok(toPerson.some((m) => /Document à renouveler/.test(m.subject) && /Attestation assurance/.test(m.text_body)));
  assert.ok(
    !toPerson.some((m) => /Avis interne|Diplôme/.test(m.text_body)),
    'staff-only and far documents are not sent to the person',
  );
  const toSupport = await mails(a.users.support.email);
  assert.ok(
    toSupport.some((m) => /Avis interne/.test(m.text_body)),
    'staff-only document: support is told',
  );
  assert.ok(
    toSupport.some(
      (m) =>
        /CAPE de Personne Rappel/.test(m.subject) && m.html_body!.includes('https://radieuse.test/accompagnement/'),
    ),
  );
  const n = Number(
    (
      await journeysDb(odb.db)
        .selectFrom('mail_outbox')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  await sendJourneyReminders(odb.db, today, { publicUrl: 'https://radieuse.test' });
  assert.equal(
    Number(
      (
        await journeysDb(odb.db)
          .selectFrom('mail_outbox')
          .select((e) => e.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    n,
    'idempotent',
  );
  // 7 days before: a second, distinct reminder for the same document.
  await sendJourneyReminders(odb.db, addDays(today, 19), { publicUrl: 'https://radieuse.test' });
  assert.equal((await mails(email)).filter((m) => /Attestation assurance/.test(m.text_body)).length, 2);
  // Nothing crosses cooperatives: b's support receives nothing.
  assert.equal((await mails(b.users.support.email)).length, 0);
  const [sched] = journeysSchedules(odb);
  assert.equal(sched.name, 'journeys-reminders');
  assert.equal(sched.cron, '0 8 * * *');
});

test('workshop e-mails: registered, waiting list, promotion when a place frees up', async () => {
  const sessionId = await withTenant(odb.db, a.coop.id, async (trx) => {
    const t = await createTheme(trx, a.actor('support'), { name: 'Petit atelier' });
    return createSession(trx, a.actor('support'), {
      themeId: t,
      date: addDays(todayParis(), 9),
      start: '09:00',
      end: '10:00',
      place: 'Salle 4',
      capacity: 1,
    });
  });
  const ent = await signed(a, 'entrepreneur');
  const cape = await signed(a, 'cape');
  assert.equal((await ent.post(`/ateliers/${sessionId}/inscription`, {})).res.status, 302);
  assert.equal((await cape.post(`/ateliers/${sessionId}/inscription`, {})).res.status, 302);
  assert.ok(
    (await mails(a.users.entrepreneur.email)).some((m) => m.subject === 'Inscription confirmée : Petit atelier'),
  );
  assert.ok((await mails(a.users.cape.email)).some((m) => m.subject === "Liste d'attente : Petit atelier"));
  assert.equal((await ent.post(`/ateliers/${sessionId}/desinscription`, {})).res.status, 302);
  assert.ok((await mails(a.users.cape.email)).some((m) => m.subject === "Une place s'est libérée : Petit atelier"));
});

test('feedback: one anonymous answer per attendee, aggregate shown to staff only from 5 answers; training hours on the person page and in CSV', async () => {
  const people = await members(6, 'avis', 4);
  const sessionId = await withTenant(odb.db, a.coop.id, async (trx) => {
    const t = await createTheme(trx, a.actor('support'), { name: 'Fixer ses prix' });
    const s = await createSession(trx, a.actor('support'), {
      themeId: t,
      date: addDays(todayParis(), 2),
      start: '09:00',
      end: '12:00',
      place: 'Salle 5',
      capacity: 10,
    });
    for (const u of people) await register(trx, { ...a.actor('entrepreneur'), userId: u as UserId }, s);
    return s;
  });
  const past = addDays(todayParis(), -2);
  await journeysDb(odb.db)
    .updateTable('workshop_session')
    .set({ starts_at: parisInstant(past, '09:00'), ends_at: parisInstant(past, '12:00') })
    .where('id', '=', sessionId)
    .execute();
  await withTenant(odb.db, a.coop.id, (trx) =>
    recordAttendance(trx, a.actor('support'), sessionId, people.slice(0, 5)),
  );
  const as = (u: string) => ({ ...a.actor('entrepreneur'), userId: u as UserId });
  for (const [i, u] of people.slice(0, 4).entries())
    await withTenant(odb.db, a.coop.id, (trx) =>
      submitFeedback(trx, as(u), sessionId, {
        satisfaction: 5 - (i % 2),
        usefulness: 4,
        comment: i === 0 ? 'Très concret' : null,
      }),
    );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      submitFeedback(trx, as(people[0]), sessionId, { satisfaction: 1, usefulness: 1 }),
    ),
    /déjà donné votre avis/,
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) =>
      submitFeedback(trx, as(people[5]), sessionId, { satisfaction: 1, usefulness: 1 }),
    ),
    /personnes présentes/,
  );
  const four = await withTenant(odb.db, a.coop.id, (trx) => feedbackSummary(trx, a.actor('support'), sessionId));
  assert.deepEqual(four, { answers: 4, shown: false, satisfaction: null, usefulness: null, comments: [] });
  // The fifth attendee answers through the page; a bad score is refused beside the field.
  const fifth = new TestClient(app);
  await fifth.signIn('avis4@x.test', TEST_PASSWORD);
  const fpage = await fifth.get(`/ateliers/${sessionId}`);
  assert.match(fpage.html, /Votre avis sur l&#39;atelier|Votre avis sur l'atelier/);
  const bad = await fifth.post(`/ateliers/${sessionId}/avis`, { satisfaction: '9', usefulness: '3' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Choisissez une note de 1 à 5/);
  assert.equal(
    (await fifth.post(`/ateliers/${sessionId}/avis`, { satisfaction: '3', usefulness: '3', comment: 'Un peu long' }))
      .res.status,
    302,
  );
  assert.match((await fifth.get(`/ateliers/${sessionId}`)).html, /Merci pour votre avis sur cet atelier/);
  const five = await withTenant(odb.db, a.coop.id, (trx) => feedbackSummary(trx, a.actor('support'), sessionId));
  assert.equal(five.answers, 5);
  assert.equal(five.shown, true);
  assert.equal(five.satisfaction, 4.2);
  assert.equal(five.usefulness, 3.8);
  assert.deepEqual(five.comments, ['Très concret', 'Un peu long']);
  const given = await journeysDb(odb.db)
    .selectFrom('workshop_feedback')
    .selectAll()
    .where('session_id', '=', sessionId)
    .execute();
  assert.ok(
    given.every((g) => !Object.values(g).some((v) => people.includes(String(v)))),
    'answers carry no person',
  );
  const sup = await signed(a, 'support');
  const page = await sup.get(`/ateliers/${sessionId}`);
  assert.match(page.html, /5 réponses · satisfaction 4,2\/5 · utilité 3,8\/5/);
  assert.equal(
    (await (await signed(a, 'entrepreneur')).get(`/ateliers/${sessionId}`)).html.includes('Avis des participant'),
    false,
    'not shown to entrepreneurs',
  );
  await assert.rejects(
    withTenant(odb.db, a.coop.id, (trx) => feedbackSummary(trx, a.actor('entrepreneur'), sessionId)),
  );
  // Hours: 3 h per present person.
  const hours = await withTenant(odb.db, a.coop.id, (trx) =>
    trainingHours(trx, a.actor('support'), { from: addDays(past, -1), to: addDays(past, 1) }),
  );
  assert.equal(hours.length, 5);
  assert.ok(hours.every((h) => h.hours === 3 && h.sessions === 1));
  const csv = await sup.get(`/ateliers/heures.csv?du=${addDays(past, -1)}&au=${addDays(past, 1)}`);
  assert.match(csv.res.headers.get('content-type')!, /text\/csv/);
  assert.match(csv.html, /avis 0;avis0@x\.test;1;3/);
  assert.doesNotMatch(csv.html, /avis 5/);
  assert.equal((await (await signed(a, 'entrepreneur')).get('/ateliers/heures.csv')).res.status, 403);
  assert.equal(toCsv(['a'], [['=cmd()'], [-1.5]]), "\uFEFFa\r\n'=cmd()\r\n-1,5\r\n");
});

test('caseload: filters by stage, alert and support member, CSV export; support change; a wrong transition is reversed with a comment and the history keeps both', async () => {
  const sup = await signed(a, 'support');
  const j = await withTenant(odb.db, a.coop.id, async (trx) => {
    const jj = await createJourney(trx, a.actor('support'), {
      displayName: 'Zoé Filtre',
      startedOn: addDays(todayParis(), -30),
    });
    await transitionJourney(trx, a.actor('support'), jj.id, {
      to: 'diagnostic',
      effectiveOn: addDays(todayParis(), -20),
    });
    return jj;
  });
  const diag = await sup.get('/accompagnement?tous=1&etape=diagnostic');
  assert.equal(diag.res.status, 200);
  assert.match(diag.html, /Zoé Filtre/);
  assert.doesNotMatch(diag.html, /Personne Rappel/);
  const cape = await sup.get('/accompagnement?tous=1&alerte=cape_ending');
  assert.doesNotMatch(cape.html, /Zoé Filtre/);
  const csv = await sup.get('/accompagnement/export.csv?tous=1&etape=diagnostic');
  assert.match(csv.res.headers.get('content-type')!, /text\/csv/);
  assert.match(csv.html, /Zoé Filtre;;;Entretien de diagnostic/);
  assert.doesNotMatch(csv.html, /Personne Rappel/);
  assert.doesNotMatch((await (await signed(b, 'support')).get('/accompagnement/export.csv?tous=1')).html, /Zoé Filtre/);
  // Support change: only a support member of the cooperative.
  const bad = await sup.post(`/accompagnement/${j.id}/suivi`, { supportUserId: b.users.support.id });
  assert.equal(bad.res.status, 400);
  const dir = await signed(a, 'director');
  assert.equal((await dir.post(`/accompagnement/${j.id}/suivi`, { supportUserId: '' })).res.status, 302);
  assert.equal(
    (await withTenant(odb.db, a.coop.id, (trx) => getJourney(trx, a.actor('support'), j.id))).supportUserId,
    null,
  );
  assert.equal(
    (await sup.post(`/accompagnement/${j.id}/suivi`, { supportUserId: a.users.support.id })).res.status,
    302,
  );
  assert.match((await sup.get(`/accompagnement?suivi=${a.users.support.id}`)).html, /Zoé Filtre/);
  // Wrong transition: exit recorded by mistake, then reversed.
  await withTenant(odb.db, a.coop.id, (trx) =>
    transitionJourney(trx, a.actor('support'), j.id, { to: 'exit', effectiveOn: todayParis(), exitReason: 'stop' }),
  );
  const noComment = await sup.post(`/accompagnement/${j.id}/annuler-etape`, { reverseComment: '' });
  assert.equal(noComment.res.status, 400);
  assert.match(noComment.html, /Expliquez la correction/);
  assert.equal(
    (await sup.post(`/accompagnement/${j.id}/annuler-etape`, { reverseComment: 'Sortie saisie par erreur' })).res
      .status,
    302,
  );
  const back = await withTenant(odb.db, a.coop.id, (trx) => getJourney(trx, a.actor('support'), j.id));
  assert.equal(back.stage, 'diagnostic');
  assert.equal(back.exitReason, null);
  assert.equal(back.stageSince, addDays(todayParis(), -20));
  const hist = await withTenant(odb.db, a.coop.id, (trx) => journeyHistory(trx, a.actor('support'), j.id));
  assert.deepEqual(
    hist.map((h) => h.to),
    ['contact', 'diagnostic', 'exit', 'diagnostic'],
  );
  assert.equal(hist[3].comment, 'Sortie saisie par erreur');
  assert.match((await sup.get(`/accompagnement/${j.id}`)).html, /Correction : retour à « Entretien de diagnostic »/);
  // CAPE then reversal: the CAPE dates are cleared; a second reversal goes back to contact; the first contact cannot be reversed.
  await withTenant(odb.db, a.coop.id, (trx) =>
    transitionJourney(trx, a.actor('support'), j.id, {
      to: 'cape',
      effectiveOn: todayParis(),
      capeEnd: addDays(todayParis(), 100),
    }),
  );
  await withTenant(odb.db, a.coop.id, (trx) =>
    reverseLastTransition(trx, a.actor('support'), j.id, { comment: 'Pas encore signé' }),
  );
  await withTenant(odb.db, a.coop.id, (trx) =>
    reverseLastTransition(trx, a.actor('support'), j.id, { comment: 'Diagnostic à refaire' }),
  );
  const twice = await withTenant(odb.db, a.coop.id, (trx) => getJourney(trx, a.actor('support'), j.id));
  assert.equal(twice.stage, 'contact');
  assert.equal(twice.capeEnd, null);
  assert.equal(twice.stageSince, addDays(todayParis(), -30));
  const last = await sup.post(`/accompagnement/${j.id}/annuler-etape`, { reverseComment: 'Encore une fois' });
  assert.equal(last.res.status, 400);
  assert.match(last.html, /pas d&#39;étape à annuler|pas d'étape à annuler/);
  assert.equal(
    (await (await signed(a, 'entrepreneur')).post(`/accompagnement/${j.id}/annuler-etape`, { reverseComment: 'moi' }))
      .res.status,
    403,
  );
  const rows = await withTenant(odb.db, a.coop.id, (trx) => caseload(trx, a.actor('support'), { stage: 'contact' }));
  assert.ok(rows.some((r) => r.journey.id === j.id));
});

test('public info meetings index lists the next meetings of each cooperative', async () => {
  const { createMeeting } = await import('./info-meetings.service.ts');
  await withTenant(odb.db, b.coop.id, (trx) =>
    createMeeting(trx, b.actor('support'), {
      date: addDays(todayParis(), 20),
      start: '10:00',
      end: '11:30',
      place: 'Tiers-lieu Bêta',
      capacity: 10,
    }),
  );
  const page = await new TestClient(app).get('/reunions-information');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Tiers-lieu Bêta/);
});

test('staff forms for info meetings and workshop sessions: errors beside the fields (400), nothing written; the caseload is paginated', async () => {
  const sup = await signed(a, 'support');
  const nMeet = async () =>
    Number(
      (
        await journeysDb(odb.db)
          .selectFrom('info_meeting')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('cooperative_id', '=', a.coop.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const m0 = await nMeet();
  const bad = await sup.post('/reunions', {
    date: addDays(todayParis(), -3),
    start: '14:00',
    end: '16:00',
    place: 'Salle',
    capacity: '20',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Choisissez une date à venir/);
  const bad2 = await sup.post('/reunions', {
    date: addDays(todayParis(), 5),
    start: '16:00',
    end: '14:00',
    place: '',
    capacity: '20',
  });
  assert.equal(bad2.res.status, 400);
  assert.match(bad2.html, /Indiquez le lieu/);
  const bad3 = await sup.post('/reunions', {
    date: addDays(todayParis(), 5),
    start: '14:00',
    end: '16:00',
    place: 'Salle',
    capacity: 'beaucoup',
  });
  assert.equal(bad3.res.status, 400);
  assert.match(bad3.html, /Indiquez le nombre de places/);
  assert.match(bad3.html, /value="beaucoup"/);
  assert.equal(await nMeet(), m0);
  assert.equal(
    (
      await sup.post('/reunions', {
        date: addDays(todayParis(), 5),
        start: '14:00',
        end: '16:00',
        place: 'Salle du conseil',
        capacity: '15',
      })
    ).res.status,
    302,
  );
  assert.equal(await nMeet(), m0 + 1);
  assert.match((await new TestClient(app).get(`/reunions-information/${a.coop.slug}`)).html, /Salle du conseil/);
  const theme = await withTenant(odb.db, a.coop.id, (trx) =>
    createTheme(trx, a.actor('support'), { name: 'Thème formulaire' }),
  );
  const ws = await sup.post('/ateliers/seances', {
    themeId: theme,
    date: addDays(todayParis(), 5),
    start: '10:00',
    end: '09:00',
    place: 'Salle',
    capacity: '0',
  });
  assert.equal(ws.res.status, 400);
  assert.match(ws.html, /f-capacity-error/);
  // Pagination: 50 people per page.
  await withTenant(odb.db, a.coop.id, async (trx) => {
    for (let i = 0; i < 51; i++)
      await createJourney(trx, a.actor('support'), {
        displayName: `Page ${String(i).padStart(2, '0')}`,
        startedOn: todayParis(),
      });
  });
  const p1 = await sup.get('/accompagnement?etape=contact');
  assert.match(p1.html, /Page 1 sur 2/);
  assert.match(p1.html, /href="\/accompagnement\?etape=contact&amp;page=2"/);
  const p2 = await sup.get('/accompagnement?etape=contact&page=2');
  assert.match(p2.html, /Page 2 sur 2/);
  const names = (h: string) => [...h.matchAll(/>(Page \d\d)</g)].map((m) => m[1]);
  assert.equal(new Set([...names(p1.html), ...names(p2.html)]).size, 51, 'every person on exactly one page');
});

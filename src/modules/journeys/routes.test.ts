import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ical, { type VEvent } from 'node-ical';
import type { UserId } from '../../core/ids.ts';

const vevents = (ics: string): VEvent[] =>
  Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');
const text = (v: VEvent['summary'] | undefined) => (v === undefined ? '' : typeof v === 'string' ? v : v.val);
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import type { OpenDb } from '../../core/db/index.ts';

import { createJourney } from './journeys.service.ts';
import { createAppointment, parisInstant } from './appointments.service.ts';
import { createTheme, createSession, register } from './workshops.service.ts';
import { createMeeting, fillToken } from './info-meetings.service.ts';
import { journeysDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let config: Awaited<ReturnType<typeof createTestApp>>['config'];
let a: TestCoop;
let b: TestCoop;
let journeyId: string;
before(async () => {
  ({ odb, app, config } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
  const j = await withTenant(odb.db, a.coop.id, (trx) =>
    createJourney(trx, a.actor('support'), {
      displayName: 'Entrepreneur A',
      userId: a.users.entrepreneur.id,
      email: a.users.entrepreneur.email,
      startedOn: '2026-01-05',
    }),
  );
  journeyId = j.id;
});
after(async () => {
  await odb.close();
});

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'cape' | 'director') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const count = async (table: 'appointment' | 'appointment_note' | 'info_meeting_registration' | 'journey') =>
  Number(
    (
      await journeysDb(odb.db)
        .selectFrom(table)
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('support records an appointment in one form (1 submit), with a shared and an internal note; bad input is refused with French messages', async () => {
  const sup = await signed(a, 'support');
  const page = await sup.get(`/accompagnement/${journeyId}`); // action 1: open the person (from the caseload)
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Enregistrer un rendez-vous/);
  const before = await count('appointment');
  const bad = await sup.post('/rendez-vous', {
    journeyId,
    subject: 'Suivi',
    date: '2026-13-40',
    start: '25:00',
    end: '10:00',
    place: '',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Date invalide \(AAAA-MM-JJ\)/);
  assert.match(bad.html, /Heure invalide \(HH:MM\)/);
  assert.equal(await count('appointment'), before, 'nothing written');
  const day = addDays(todayParis(), -2);
  const ok = await sup.post('/rendez-vous', {
    journeyId,
    subject: 'Point mensuel',
    date: day,
    start: '10:00',
    end: '11:00',
    place: 'Bureau 2',
    status: 'done',
    note: 'Relancer le client Dupont ; devis à envoyer.',
  }); // action 2
  assert.equal(ok.res.status, 302);
  assert.equal(await count('appointment'), before + 1);
  const appt = await journeysDb(odb.db)
    .selectFrom('appointment')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .where('subject', '=', 'Point mensuel')
    .executeTakeFirstOrThrow();
  assert.equal(new Date(appt.starts_at).toISOString(), parisInstant(day, '10:00').toISOString());
  const internal = await sup.post(`/rendez-vous/${appt.id}/notes`, {
    body: 'Fragilité financière à surveiller.',
    internal: 'on',
  });
  assert.equal(internal.res.status, 302);
  const staffView = await sup.get(`/rendez-vous/${appt.id}`);
  assert.match(staffView.html, /Relancer le client Dupont/);
  assert.match(staffView.html, /Fragilité financière/);

  // The entrepreneur sees the shared note, not the internal one.
  const ent = await signed(a, 'entrepreneur');
  const mine = await ent.get(`/rendez-vous/${appt.id}`);
  assert.equal(mine.res.status, 200);
  assert.match(mine.html, /Relancer le client Dupont/);
  assert.doesNotMatch(mine.html, /Fragilité financière/);
  const list = await ent.get('/rendez-vous');
  assert.match(list.html, /Point mensuel/);
  // Another person of the same cooperative does not see it.
  const cape = await signed(a, 'cape');
  assert.equal((await cape.get(`/rendez-vous/${appt.id}`)).res.status, 404);
  assert.equal((await cape.get(`/accompagnement/${journeyId}`)).res.status, 404);
  // Another cooperative sees nothing (neither the appointment, the journey, nor the person in its caseload).
  const other = await signed(b, 'support');
  assert.equal((await other.get(`/rendez-vous/${appt.id}`)).res.status, 404);
  assert.equal((await other.get(`/accompagnement/${journeyId}`)).res.status, 404);
  assert.doesNotMatch((await other.get('/accompagnement?tous=1')).html, /Entrepreneur A/);
  assert.equal(
    (await other.post(`/rendez-vous/${appt.id}/notes`, { body: 'intrusion', internal: '' })).res.status,
    404,
  );
  // An entrepreneur cannot write notes.
  assert.equal((await ent.post(`/rendez-vous/${appt.id}/notes`, { body: 'moi aussi', internal: '' })).res.status, 403);
});

test('ICS: invitation and per-user secret feed parse back with the right events and times', async () => {
  const day = addDays(todayParis(), 3);
  const appt = await withTenant(odb.db, a.coop.id, (trx) =>
    createAppointment(trx, a.actor('support'), {
      journeyId,
      subject: 'Bilan CAPE',
      date: day,
      start: '14:30',
      end: '15:15',
      videoUrl: 'https://visio.example/bilan',
    }),
  );
  const sessionId = await withTenant(odb.db, a.coop.id, async (trx) => {
    const t = await createTheme(trx, a.actor('support'), { name: 'Prospection' });
    const s = await createSession(trx, a.actor('support'), {
      themeId: t,
      date: addDays(day, 1),
      start: '09:00',
      end: '12:00',
      place: 'Salle 3',
      capacity: 10,
    });
    await register(trx, a.actor('entrepreneur'), s);
    return s;
  });
  const ent = await signed(a, 'entrepreneur');
  const inv = await ent.get(`/rendez-vous/${appt.id}/invitation.ics`);
  assert.match(inv.res.headers.get('content-type')!, /text\/calendar/);
  const invEvents = vevents(inv.html);
  assert.equal(invEvents.length, 1);
  assert.equal(invEvents[0].start.toISOString(), parisInstant(day, '14:30').toISOString());
  assert.equal(invEvents[0].end?.toISOString(), parisInstant(day, '15:15').toISOString());

  const feedPage = await ent.post('/calendrier/lien', {});
  const url = feedPage.html.match(/value="(http[^"]+\.ics)"/)![1];
  const path = new URL(url).pathname;
  const anon = new TestClient(app);
  const feed = await anon.get(path);
  assert.equal(feed.res.status, 200);
  const events = vevents(feed.html);
  const bilan = events.find((e) => /Bilan CAPE/.test(text(e.summary)));
  assert.ok(bilan, 'appointment in feed');
  assert.equal(bilan.start.toISOString(), parisInstant(day, '14:30').toISOString());
  assert.equal(text(bilan.location), 'https://visio.example/bilan');
  const ws = events.find((e) => /Atelier : Prospection/.test(text(e.summary)));
  assert.ok(ws, 'workshop in feed');
  assert.equal(ws.start.toISOString(), parisInstant(addDays(day, 1), '09:00').toISOString());
  assert.equal((ws.end?.getTime() ?? 0) - ws.start.getTime(), 3 * 3600000);
  assert.ok(events.some((e) => e.uid === `workshop-${sessionId}@radieuse`));
  // Support's own feed holds the appointment too; another user's feed does not.
  const sup = await signed(a, 'support');
  const supUrl = new URL((await sup.post('/calendrier/lien', {})).html.match(/value="(http[^"]+\.ics)"/)![1]).pathname;
  assert.match((await anon.get(supUrl)).html, /Bilan CAPE/);
  const cape = await signed(a, 'cape');
  const capeUrl = new URL((await cape.post('/calendrier/lien', {})).html.match(/value="(http[^"]+\.ics)"/)![1])
    .pathname;
  assert.doesNotMatch((await anon.get(capeUrl)).html, /Bilan CAPE/);
  // A renewed link revokes the old one; a guessed token finds nothing.
  await ent.post('/calendrier/lien', {});
  assert.equal((await anon.get(path)).res.status, 404);
  assert.equal((await anon.get('/calendrier/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics')).res.status, 404);
});

test('workshop attendance for 12 people: pre-checked form, one submit; sign-in PDF served', async () => {
  const sup = await signed(a, 'support');
  const past = addDays(todayParis(), -1);
  const sessionId = await withTenant(odb.db, a.coop.id, async (trx) => {
    const t = await createTheme(trx, a.actor('support'), { name: 'Gérer sa trésorerie' });
    return createSession(trx, a.actor('support'), {
      themeId: t,
      date: addDays(todayParis(), 1),
      start: '09:00',
      end: '11:00',
      place: 'Salle 1',
      capacity: 12,
    });
  });
  const { createUser } = await import('../../core/auth/users.ts');
  const { addMembership } = await import('../directory/index.ts');
  const { withSystem } = await import('../../core/db/tenant.ts');
  const ids = await withSystem(odb.db, async (trx) => {
    const out: string[] = [];
    for (let i = 0; i < 12; i++) {
      const u = await createUser(trx, { email: `att${i}@x.test`, displayName: `Présence ${i}`, password: null });
      await addMembership(trx, a.coop.id, u.id, 'entrepreneur');
      out.push(u.id);
    }
    return out;
  });
  await withTenant(odb.db, a.coop.id, async (trx) => {
    for (const u of ids) await register(trx, { ...a.actor('entrepreneur'), userId: u as UserId }, sessionId);
  });
  const pdf = await app.request(`http://localhost/ateliers/${sessionId}/emargement.pdf`, {
    headers: { cookie: [...sup.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  await journeysDb(odb.db)
    .updateTable('workshop_session')
    .set({ starts_at: parisInstant(past, '09:00'), ends_at: parisInstant(past, '11:00') })
    .where('id', '=', sessionId)
    .execute();
  const page = await sup.get(`/ateliers/${sessionId}`); // action 1: open the session
  const checked = [
    ...page.html.matchAll(/<input type="checkbox" id="p-[^"]+" name="present" value="([^"]+)" checked/g),
  ].map((m) => m[1]);
  assert.equal(checked.length, 12, 'all registered people pre-checked');
  const r = await sup.post(`/ateliers/${sessionId}/presences`, { present: checked.slice(0, 11) }); // action 2: uncheck the absent one, submit
  assert.equal(r.res.status, 302);
  const rows = await journeysDb(odb.db)
    .selectFrom('workshop_registration')
    .select(['user_id', 'attended'])
    .where('session_id', '=', sessionId)
    .execute();
  assert.equal(rows.filter((x) => x.attended === true).length, 11);
  assert.equal(rows.filter((x) => x.attended === false).length, 1);
  const after = await sup.get(`/ateliers/${sessionId}`);
  assert.match(after.html, /22 h d&#39;atelier au total|22 h d'atelier au total/);
});

test('public info meeting: honeypot and too-fast forms are dropped, a person registers, gets an e-mail, and is converted into a contact', async () => {
  const day = addDays(todayParis(), 10);
  const meetingId = await withTenant(odb.db, a.coop.id, (trx) =>
    createMeeting(trx, a.actor('support'), {
      date: day,
      start: '18:00',
      end: '19:30',
      place: 'Maison des associations',
      capacity: 2,
    }),
  );
  const visitor = new TestClient(app);
  const page = await visitor.get(`/reunions-information/${a.coop.slug}`);
  assert.equal(page.res.status, 200);
  assert.match(page.html, /Maison des associations/);
  const tokenInPage = page.html.match(/name="t" value="([^"]+)"/)![1];
  const n0 = await count('info_meeting_registration');
  // Posted at once: too fast, silently dropped.
  const fast = await visitor.post(`/reunions-information/${a.coop.slug}`, {
    meetingId,
    displayName: 'Robot Rapide',
    email: 'robot@spam.test',
    website: '',
    t: tokenInPage,
  });
  assert.equal(fast.res.status, 200);
  // Honeypot filled: dropped.
  const old = fillToken(config.fileKey, Date.now() - 10_000);
  await visitor.post(`/reunions-information/${a.coop.slug}`, {
    meetingId,
    displayName: 'Robot Piège',
    email: 'bot@spam.test',
    website: 'http://spam',
    t: old,
  });
  // Forged timestamp: dropped.
  await visitor.post(`/reunions-information/${a.coop.slug}`, {
    meetingId,
    displayName: 'Robot Faussaire',
    email: 'forge@spam.test',
    website: '',
    t: `${Date.now() - 10_000}.forged`,
  });
  assert.equal(await count('info_meeting_registration'), n0);
  // Bad input from a person: French messages, 400, nothing written.
  const bad = await visitor.post(`/reunions-information/${a.coop.slug}`, {
    meetingId,
    displayName: 'A',
    email: 'pas-un-email',
    website: '',
    t: old,
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Indiquez vos nom et prénom/);
  assert.match(bad.html, /Adresse e-mail invalide/);
  assert.equal(await count('info_meeting_registration'), n0);
  // A real person.
  const ok = await visitor.post(`/reunions-information/${a.coop.slug}`, {
    meetingId,
    displayName: 'Inès Prospect',
    email: 'Ines@Example.test',
    phone: '06 11 22 33 44',
    website: '',
    t: old,
  });
  assert.equal(ok.res.status, 200);
  assert.match(ok.html, /Merci/);
  assert.equal(await count('info_meeting_registration'), n0 + 1);
  const mail = await journeysDb(odb.db)
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', 'ines@example.test')
    .executeTakeFirstOrThrow();
  assert.match(mail.subject, /réunion d'information/);
  assert.match(mail.text_body, /Maison des associations/);
  assert.match(mail.text_body, /18:00/);
  // An HTML version from the e-mail kit, saying the same thing.
  assert.match(mail.html_body ?? '', /^<!doctype html><html lang="fr">/);
  assert.match(mail.html_body ?? '', /Maison des associations/);
  // The other cooperative's staff does not see the registration.
  const other = await signed(b, 'support');
  assert.equal((await other.get(`/reunions/${meetingId}`)).res.status, 404);
  // Staff marks attendance and converts the registration into a contact with a journey.
  const sup = await signed(a, 'support');
  const reg = await journeysDb(odb.db)
    .selectFrom('info_meeting_registration')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .executeTakeFirstOrThrow();
  await journeysDb(odb.db)
    .updateTable('info_meeting')
    .set({
      starts_at: parisInstant(addDays(todayParis(), -1), '18:00'),
      ends_at: parisInstant(addDays(todayParis(), -1), '19:30'),
    })
    .where('id', '=', meetingId)
    .execute();
  assert.equal((await sup.post(`/reunions/${meetingId}/presences`, { present: [reg.id] })).res.status, 302);
  const conv = await sup.post(`/reunions/inscriptions/${reg.id}/convertir`, {});
  assert.equal(conv.res.status, 302);
  const j = await journeysDb(odb.db)
    .selectFrom('journey')
    .selectAll()
    .where('email', '=', 'ines@example.test')
    .executeTakeFirstOrThrow();
  assert.equal(j.stage, 'info_meeting');
  assert.equal(j.cooperative_id, a.coop.id);
  const hist = await journeysDb(odb.db)
    .selectFrom('journey_transition')
    .select(['from_stage', 'to_stage'])
    .where('journey_id', '=', j.id)
    .orderBy('created_at')
    .execute();
  assert.deepEqual(
    hist.map((h) => h.to_stage),
    ['contact', 'info_meeting'],
  );
  const again = await sup.post(`/reunions/inscriptions/${reg.id}/convertir`, {});
  assert.equal(again.res.status, 303, 'second conversion refused');
  assert.equal(
    Number(
      (
        await journeysDb(odb.db)
          .selectFrom('journey')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('email', '=', 'ines@example.test')
          .executeTakeFirstOrThrow()
      ).n,
    ),
    1,
  );
});

test('stage transition through HTTP: refused transition answers 400 beside the field, exit without reason too', async () => {
  const sup = await signed(a, 'support');
  const r = await sup.post(`/accompagnement/${journeyId}/etape`, { to: 'associate', effectiveOn: todayParis() });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /Passage impossible/);
  const e = await sup.post(`/accompagnement/${journeyId}/etape`, {
    to: 'exit',
    effectiveOn: todayParis(),
    exitReason: '',
  });
  assert.equal(e.res.status, 400);
  assert.match(e.html, /Indiquez le motif de sortie/);
  const ok = await sup.post(`/accompagnement/${journeyId}/etape`, {
    to: 'diagnostic',
    effectiveOn: todayParis(),
    comment: 'Entretien fait',
  });
  assert.equal(ok.res.status, 302);
  const page = await sup.get(`/accompagnement/${journeyId}`);
  assert.match(page.html, /Entretien fait/);
  const ent = await signed(a, 'entrepreneur');
  assert.equal(
    (
      await ent.post(`/accompagnement/${journeyId}/etape`, {
        to: 'cape',
        effectiveOn: todayParis(),
        capeEnd: addDays(todayParis(), 100),
      })
    ).res.status,
    403,
  );
  const mine = await ent.get('/mon-parcours');
  assert.equal(mine.res.headers.get('location'), `/accompagnement/${journeyId}`);
});

test('documents: uploaded encrypted, bad files refused, staff-only documents hidden from the person', async () => {
  const sup = await signed(a, 'support');
  const upload = async (
    client: TestClient,
    fields: Record<string, string>,
    content: Buffer,
    name: string,
    type: string,
  ) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    fd.append('file', new Blob([new Uint8Array(content)], { type }), name);
    fd.append('_csrf', client.csrf);
    const res = await app.request(`http://localhost/accompagnement/${journeyId}/documents`, {
      method: 'POST',
      body: fd,
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    return { res, html: await res.text() };
  };
  const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
  const n0 = Number(
    (
      await journeysDb(odb.db)
        .selectFrom('journey_document')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const bad = await upload(
    sup,
    { kind: 'X', stage: 'diagnostic', expiresOn: '2026-02-30', visibility: 'person' },
    pdf('bad'),
    'a.pdf',
    'application/pdf',
  );
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Date d&#39;expiration invalide|Date d'expiration invalide/);
  const fake = await upload(
    sup,
    { kind: "Pièce d'identité", stage: 'diagnostic', visibility: 'person' },
    Buffer.from('MZ executable'),
    'id.pdf',
    'application/pdf',
  );
  assert.equal(fake.res.status, 400);
  assert.equal(
    Number(
      (
        await journeysDb(odb.db)
          .selectFrom('journey_document')
          .select((e) => e.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    n0,
  );
  const ok = await upload(
    sup,
    { kind: "Pièce d'identité", stage: 'diagnostic', expiresOn: addDays(todayParis(), 365 * 5), visibility: 'person' },
    pdf('IDENTITE-SECRETE'),
    'identite.pdf',
    'application/pdf',
  );
  assert.equal(ok.res.status, 302);
  const priv = await upload(
    sup,
    { kind: 'Note de la commission', stage: 'diagnostic', visibility: 'staff' },
    pdf('AVIS-INTERNE'),
    'avis.pdf',
    'application/pdf',
  );
  assert.equal(priv.res.status, 302);
  const stored = await journeysDb(odb.db)
    .selectFrom('stored_file')
    .select('content')
    .where('cooperative_id', '=', a.coop.id)
    .execute();
  assert.ok(!stored.some((s) => Buffer.from(s.content).includes('IDENTITE-SECRETE')), 'encrypted at rest');
  const docs = await journeysDb(odb.db)
    .selectFrom('journey_document')
    .select(['id', 'kind'])
    .where('journey_id', '=', journeyId)
    .execute();
  const idDoc = docs.find((d) => d.kind === "Pièce d'identité")!;
  const privDoc = docs.find((d) => d.kind === 'Note de la commission')!;
  const ent = await signed(a, 'entrepreneur');
  const page = await ent.get(`/accompagnement/${journeyId}`);
  assert.match(page.html, /identite\.pdf/);
  assert.doesNotMatch(page.html, /avis\.pdf/);
  const dl = await ent.get(`/documents-parcours/${idDoc.id}`);
  assert.equal(dl.res.status, 200);
  assert.match(dl.html, /IDENTITE-SECRETE/);
  assert.equal((await ent.get(`/documents-parcours/${privDoc.id}`)).res.status, 404);
  assert.match((await sup.get(`/documents-parcours/${privDoc.id}`)).html, /AVIS-INTERNE/);
  const other = await signed(b, 'director');
  assert.equal((await other.get(`/documents-parcours/${idDoc.id}`)).res.status, 404);
});

test('pages render for each role; staff pages refused to entrepreneurs; settings change stage labels', async () => {
  const sup = await signed(a, 'support');
  for (const p of [
    '/accompagnement',
    '/accompagnement?tous=1',
    '/accompagnement/nouveau',
    '/rendez-vous',
    '/ateliers',
    '/reunions',
    '/calendrier',
    '/reunions-information',
    `/reunions-information/${a.coop.slug}`,
  ]) {
    const r = await sup.get(p);
    assert.equal(r.res.status, 200, p);
  }
  const created = await sup.post('/accompagnement/nouveau', { displayName: '', startedOn: 'hier', email: 'x' });
  assert.equal(created.res.status, 400);
  assert.match(created.html, /Indiquez le nom de la personne/);
  assert.match(created.html, /Adresse e-mail invalide/);
  const ent = await signed(a, 'entrepreneur');
  for (const p of ['/rendez-vous', '/ateliers', '/calendrier']) assert.equal((await ent.get(p)).res.status, 200, p);
  for (const p of ['/accompagnement', '/reunions', '/accompagnement/parametres'])
    assert.equal((await ent.get(p)).res.status, 403, p);
  const dir = await signed(a, 'director');
  // The public link shown is the address the page was reached at (no PUBLIC_URL configured
  // here), not localhost:3000 whatever the port.
  const meetings = (await dir.get('/reunions')).html;
  assert.ok(meetings.includes(`http://localhost/reunions-information/${a.coop.slug}`), 'lien public');
  assert.ok(!meetings.includes('localhost:3000'));
  const form: Record<string, string> = {};
  for (const s of ['contact', 'info_meeting', 'diagnostic', 'cape', 'cesa', 'associate', 'exit']) {
    form[`label_${s}`] = s === 'cape' ? 'Contrat CAPE' : s;
    form[`docs_${s}`] = s === 'cape' ? 'Contrat CAPE signé\nRC Pro' : '';
  }
  assert.equal((await dir.post('/accompagnement/parametres', { ...form, label_exit: '' })).res.status, 400);
  assert.equal((await dir.post('/accompagnement/parametres', form)).res.status, 302);
  const cfg = await journeysDb(odb.db)
    .selectFrom('journey_stage_config')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .where('stage', '=', 'cape')
    .executeTakeFirstOrThrow();
  assert.equal(cfg.label, 'Contrat CAPE');
  assert.deepEqual(cfg.required_documents, ['Contrat CAPE signé', 'RC Pro']);
  assert.match((await dir.get('/accompagnement/parametres')).html, /RC Pro/);
  assert.equal(
    await journeysDb(odb.db)
      .selectFrom('journey_stage_config')
      .select('stage')
      .where('cooperative_id', '=', b.coop.id)
      .executeTakeFirst(),
    undefined,
  );
});

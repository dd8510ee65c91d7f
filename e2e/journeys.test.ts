// Browser journey of the accompaniment module: a prospect registers for an info meeting on the
// public page (no account), support records attendance and converts them into a contact,
// records an appointment and a workshop attendance for 12 people; an entrepreneur books an
// appointment in support's free slots. Support's actions are counted into test-output/action-counts.json.
import type { UserId } from '../src/core/ids.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../src/app/testing.ts';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { toolSkip } from '../src/core/testing-tools.ts';
import { startTestServer, launchBrowser, recordActionCounts, CHROMIUM, OUTPUT } from './browser.ts';
import { addMembership } from '../src/modules/directory/index.ts';
import { withTenant, withSystem } from '../src/core/db/tenant.ts';
import { addDays, todayParis } from '../src/core/dates.ts';
import { createUser } from '../src/core/auth/users.ts';
import { createJourney } from '../src/modules/journeys/journeys.service.ts';
import { createSlot, parisInstant } from '../src/modules/journeys/appointments.service.ts';
import { createMeeting, MIN_FILL_MS } from '../src/modules/journeys/info-meetings.service.ts';
import { createTheme, createSession, register } from '../src/modules/journeys/workshops.service.ts';
import { journeysDb } from '../src/modules/journeys/db.ts';

const skip = toolSkip(CHROMIUM, 'chromium');
let srv: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let a: TestCoop;
let meetingId: string;
let sessionId: string;
const counts: Record<string, number> = {};

before(async () => {
  if (skip) return;
  srv = await startTestServer();
  [a] = await seedTestCooperatives(srv.odb);
  const sup = a.actor('support');
  const day = addDays(todayParis(), 12);
  await withTenant(srv.odb.db, a.coop.id, async (trx) => {
    meetingId = await createMeeting(trx, sup, {
      date: day,
      start: '18:00',
      end: '19:30',
      place: 'Maison des associations',
      capacity: 20,
    });
    await createJourney(trx, sup, {
      displayName: 'Entrepreneur Alpha',
      userId: a.users.entrepreneur.id,
      email: a.users.entrepreneur.email,
      startedOn: addDays(todayParis(), -90),
    });
    await createSlot(trx, sup, { date: addDays(todayParis(), 3), start: '10:00', end: '11:00', place: 'Bureau 2' });
    const theme = await createTheme(trx, sup, { name: 'Gérer sa trésorerie' });
    sessionId = await createSession(trx, sup, {
      themeId: theme,
      date: addDays(todayParis(), 1),
      start: '09:00',
      end: '11:00',
      place: 'Salle 1',
      capacity: 12,
    });
  });
  const ids = await withSystem(srv.odb.db, async (trx) => {
    const out: string[] = [];
    for (let i = 0; i < 12; i++) {
      const u = await createUser(trx, {
        email: `e2e-att${i}@x.test`,
        displayName: `Participant ${String(i + 1).padStart(2, '0')}`,
        password: null,
      });
      await addMembership(trx, a.coop.id, u.id, 'entrepreneur');
      out.push(u.id);
    }
    return out;
  });
  await withTenant(srv.odb.db, a.coop.id, async (trx) => {
    for (const u of ids) await register(trx, { ...a.actor('entrepreneur'), userId: u as UserId }, sessionId);
  });
  // The session took place yesterday (registration is only open before it starts).
  const past = addDays(todayParis(), -1);
  await journeysDb(srv.odb.db)
    .updateTable('workshop_session')
    .set({ starts_at: parisInstant(past, '09:00'), ends_at: parisInstant(past, '11:00') })
    .where('id', '=', sessionId)
    .execute();
  browser = await launchBrowser();
});
after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
  if (Object.keys(counts).length)
    recordActionCounts('journeys', {
      ...counts,
      note: 'Actions (clicks, fields typed, selections) of support from the page where the task starts; pre-filled defaults are not counted.',
    });
});

async function signIn(page: Page, email: string) {
  await page.goto(`${srv.url}/`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL(`${srv.url}/`);
}

test('a prospect registers for an info meeting, support converts them, records an appointment and a workshop attendance; an entrepreneur books a slot', {
  skip,
}, async () => {
  // 1. The prospect, without an account, on a phone.
  const visitor = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await visitor.goto(`${srv.url}/reunions-information/${a.coop.slug}`);
  assert.match(await visitor.content(), /Maison des associations/);
  await visitor.getByLabel('Nom et prénom').fill('Inès Prospect');
  await visitor.getByLabel('Adresse e-mail').fill('ines.prospect@example.test');
  await visitor.getByLabel('Téléphone (facultatif)').fill('06 11 22 33 44');
  await visitor.screenshot({ path: `${OUTPUT}/journeys-info-meeting-public.png`, fullPage: true });
  await visitor.waitForTimeout(MIN_FILL_MS + 300); // a person takes a few seconds; robots posting at once are dropped
  await visitor.getByRole('button', { name: "Je m'inscris" }).click();
  await visitor.waitForLoadState();
  assert.match(await visitor.locator('h1').innerText(), /Merci/);
  await visitor.close();
  const reg = await journeysDb(srv.odb.db)
    .selectFrom('info_meeting_registration')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .executeTakeFirstOrThrow();
  assert.equal(reg.email, 'ines.prospect@example.test');
  const mail = await journeysDb(srv.odb.db)
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', 'ines.prospect@example.test')
    .executeTakeFirstOrThrow();
  assert.match(mail.text_body, /Maison des associations/);

  // 2. Support: attendance and conversion, counted from the caseload.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, a.users.support.email);
  await page.goto(`${srv.url}/accompagnement`);
  let n = 0;
  await page.getByRole('link', { name: "Réunions d'information" }).first().click();
  n++;
  await page.locator('table.data a').first().click();
  n++;
  await page.waitForURL(/\/reunions\/[0-9a-f-]+$/);
  assert.ok(await page.getByLabel(/Inès Prospect/).isChecked(), 'registered people are pre-checked');
  await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
  n++;
  await page.waitForLoadState();
  await page.getByRole('button', { name: 'Créer la fiche contact' }).click();
  n++;
  await page.waitForURL(/\/accompagnement\/[0-9a-f-]+$/);
  counts.convertInfoMeetingProspect = n;
  assert.match(await page.locator('h1').innerText(), /Inès Prospect/);
  assert.match(await page.content(), /Présent·e à la réunion d&#39;information|Présent·e à la réunion d'information/);
  await page.screenshot({ path: `${OUTPUT}/journeys-converted-contact.png`, fullPage: true });
  const j = await journeysDb(srv.odb.db)
    .selectFrom('journey')
    .selectAll()
    .where('email', '=', 'ines.prospect@example.test')
    .executeTakeFirstOrThrow();
  assert.equal(j.stage, 'info_meeting');
  assert.equal(
    (
      await journeysDb(srv.odb.db)
        .selectFrom('info_meeting_registration')
        .select('attended')
        .where('id', '=', reg.id)
        .executeTakeFirstOrThrow()
    ).attended,
    true,
  );

  // 3. Support records a past appointment with a note: from the caseload.
  await page.goto(`${srv.url}/accompagnement`);
  n = 0;
  await page.getByRole('link', { name: 'Entrepreneur Alpha' }).click();
  n++;
  await page.getByLabel('Objet').fill('Point mensuel');
  n++;
  await page.getByLabel('Note (partagée avec la personne)').fill('Devis Dupont à relancer.');
  n++;
  await page.getByRole('button', { name: 'Enregistrer le rendez-vous' }).click();
  n++;
  await page.waitForLoadState();
  counts.recordAppointment = n;
  assert.match(await page.locator('.flash').innerText(), /Rendez-vous enregistré/);
  const appt = await journeysDb(srv.odb.db)
    .selectFrom('appointment')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .where('subject', '=', 'Point mensuel')
    .executeTakeFirstOrThrow();
  assert.equal(appt.status, 'done');

  // 4. Workshop attendance for 12 registered people, one absent: from the workshops list.
  await page.goto(`${srv.url}/ateliers`);
  n = 0;
  await page.locator(`a[href="/ateliers/${sessionId}"]`).first().click();
  n++;
  await page.getByLabel('Participant 07').uncheck();
  n++;
  await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
  n++;
  await page.waitForLoadState();
  counts.workshopAttendance12 = n;
  assert.match(await page.locator('.flash').innerText(), /11 présent·es, 1 absent·es/);
  await page.screenshot({ path: `${OUTPUT}/journeys-workshop-attendance.png`, fullPage: true });
  await page.close();

  // 5. The entrepreneur books support's free slot.
  const ent = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(ent, a.users.entrepreneur.email);
  await ent.goto(`${srv.url}/rendez-vous`);
  assert.match(await ent.content(), /Bureau 2/);
  await ent.getByLabel('Objet').first().fill('Préparer mon premier devis');
  await ent.getByRole('button', { name: 'Réserver' }).first().click();
  await ent.waitForURL(/\/rendez-vous\/[0-9a-f-]+$/);
  assert.match(await ent.locator('h1').innerText(), /Préparer mon premier devis/);
  await ent.screenshot({ path: `${OUTPUT}/journeys-booked-appointment.png`, fullPage: true });
  const booked = await journeysDb(srv.odb.db)
    .selectFrom('appointment')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .where('subject', '=', 'Préparer mon premier devis')
    .executeTakeFirstOrThrow();
  assert.equal(booked.booked_by, a.users.entrepreneur.id);
  const slot = await journeysDb(srv.odb.db)
    .selectFrom('support_slot')
    .selectAll()
    .where('cooperative_id', '=', a.coop.id)
    .executeTakeFirstOrThrow();
  assert.equal(slot.appointment_id, booked.id);
  await ent.goto(`${srv.url}/rendez-vous`);
  assert.match(await ent.content(), /Aucun créneau libre/);
  await ent.close();
});

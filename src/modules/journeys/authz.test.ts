// Every action of the accompaniment tried by every role, through the real services: refused
// exactly to the roles the matrix leaves out, and, where the scope is `own`, refused on another
// person's journey, appointment, registration or hours.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives } from '../../app/testing.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { createUser } from '../../core/auth/users.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { uuidv7, type UserId } from '../../core/ids.ts';
import type { Actor, Role } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { addMembership } from '../directory/index.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { createJourney, getJourney, transitionJourney } from './journeys.service.ts';
import { setSupportMember } from './journey-corrections.service.ts';
import { saveStageConfig } from './stage-config.service.ts';
import { addDocument, readDocument } from './documents.service.ts';
import { caseload } from './caseload.service.ts';
import { createAppointment, cancelAppointment } from './appointments.service.ts';
import { getAppointment } from './appointments.queries.ts';
import { addNote, addAction, completeAction, privateNotes } from './appointment-notes.service.ts';
import { createSlot, freeSlots, bookSlot, offerPeerSlot } from './slots.service.ts';
import { renewFeedToken } from './calendar-feed.service.ts';
import { createTheme, createSession, listSessions } from './workshops.service.ts';
import { register } from './registration.service.ts';
import { participants, recordAttendance, attendedHours } from './attendance.service.ts';
import { trainingHours } from './training-hours.service.ts';
import { allMeetings, createMeeting, recordMeetingAttendance, convertRegistration } from './info-meetings.service.ts';
import { submitFeedback, feedbackSummary } from './feedback.service.ts';

const KEY = Buffer.alloc(32, 7);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let odb: OpenDb | null = null;
after(async () => {
  await odb?.close();
});

/** What the cases act on, filled by the world (the cases are registered before it exists). */
const ids = {
  journey: '',
  appointment: '',
  action: '',
  document: '',
  slot: '',
  futureSession: '',
  pastSession: '',
  meeting: '',
  registration: '',
};
/** The actor of each role, and another person of that role who owns nothing the cases touch. */
const actors = new Map<Role, Actor>();
const strangers = new Map<Role, Actor>();
/** For `own` actions aimed at a person: the person the actor of this role is. */
const selfOf = (actor: Actor): string => actors.get(actor.roles[0])?.userId ?? '';

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const db = odb;
  const [a] = await seedTestCooperatives(db, { withPasswords: false });
  const coop = a.coop.id;
  const owner = a.users.entrepreneur.id;
  const extra = await withSystem(db.db, async (trx) => {
    const out: Record<string, string> = {};
    for (const role of ['entrepreneur', 'accountant'] as const) {
      const u = await createUser(trx, {
        email: `stranger-${role}-${uuidv7().slice(-6)}@x.test`,
        displayName: `Stranger ${role}`,
        password: null,
      });
      await addMembership(trx, coop, u.id, role);
      out[role] = u.id;
    }
    return out;
  });
  const as = (userId: string, role: Role): Actor => ({
    userId: userId as UserId,
    cooperativeId: coop,
    roles: [role],
    label: role,
  });
  for (const role of ['support', 'accountant', 'director', 'network_admin'] as const)
    actors.set(role, as(a.users[role].id, role));
  actors.set('entrepreneur', as(owner, 'entrepreneur'));
  actors.set('cape', as(owner, 'cape'));
  for (const [role, actor] of actors) strangers.set(role, actor);
  strangers.set('entrepreneur', as(extra.entrepreneur, 'entrepreneur'));
  strangers.set('cape', as(a.users.cape.id, 'cape'));
  strangers.set('accountant', as(extra.accountant, 'accountant'));

  const sup = a.actor('support');
  const today = todayParis();
  await withTenant(db.db, coop, async (tx) => {
    const j = await createJourney(tx, sup, { userId: owner, startedOn: addDays(today, -30) });
    ids.journey = j.id;
    const appt = await createAppointment(tx, sup, {
      journeyId: j.id,
      subject: 'Point',
      date: addDays(today, 2),
      start: '10:00',
      end: '11:00',
      place: 'Bureau',
      note: 'Note interne',
      noteInternal: true,
    });
    ids.appointment = appt.id;
    await addAction(tx, sup, appt.id, { label: 'Envoyer le devis', owner: 'person' });
    ids.action =
      (
        await journeysDb(tx)
          .selectFrom('appointment_action')
          .select('id')
          .where('appointment_id', '=', appt.id)
          .executeTakeFirst()
      )?.id ?? '';
    const doc = await addDocument(tx, sup, KEY, j.id, {
      stage: 'contact',
      kind: "Pièce d'identité",
      fileName: 'id.pdf',
      mimeType: 'application/pdf',
      content: PDF,
    });
    ids.document = doc.id;
    ids.slot = await createSlot(tx, sup, { date: addDays(today, 3), start: '09:00', end: '10:00', place: 'Bureau' });
    const theme = await createTheme(tx, sup, { name: 'Fixer ses prix' });
    const session = { themeId: theme, start: '09:00', end: '11:00', place: 'Salle', capacity: 10 };
    ids.futureSession = await createSession(tx, sup, { ...session, date: addDays(today, 5) });
    ids.pastSession = await createSession(tx, sup, { ...session, date: addDays(today, 6) });
    const accountant = a.users.accountant.id;
    for (const u of [owner, accountant])
      await register(tx, as(u, u === owner ? 'entrepreneur' : 'accountant'), ids.pastSession);
    // The session took place last week (registration only opens before a session starts).
    const past = addDays(today, -7);
    await journeysDb(tx)
      .updateTable('workshop_session')
      .set({ starts_at: new Date(`${past}T08:00:00Z`), ends_at: new Date(`${past}T10:00:00Z`) })
      .where('id', '=', ids.pastSession)
      .execute();
    await recordAttendance(tx, sup, ids.pastSession, [owner, accountant]);
    ids.meeting = await createMeeting(tx, sup, {
      date: addDays(today, 8),
      start: '18:00',
      end: '19:00',
      place: 'Salle',
      capacity: 20,
    });
    ids.registration = uuidv7();
    await journeysDb(tx)
      .insertInto('info_meeting_registration')
      .values({
        cooperative_id: coop,
        id: ids.registration,
        meeting_id: ids.meeting,
        display_name: 'Inès Prospect',
        email: 'ines@example.test',
        phone: null,
        attended: null,
        journey_id: null,
      })
      .execute();
  });
  return {
    odb: db,
    cooperativeId: coop,
    actor: (role) => actors.get(role) ?? a.actor(role),
    stranger: (role) => strangers.get(role) ?? a.actor(role),
  };
}

const tomorrow = () => addDays(todayParis(), 1);

authzSuite('journeys', world, (): AuthzCase[] => [
  { permission: JOURNEYS.journeyRead, run: (trx, actor) => getJourney(trx, actor, ids.journey) },
  { permission: JOURNEYS.caseloadRead, run: (trx, actor) => caseload(trx, actor) },
  {
    permission: JOURNEYS.journeyCreate,
    run: (trx, actor) => createJourney(trx, actor, { displayName: 'Nouvelle personne', startedOn: todayParis() }),
  },
  {
    permission: JOURNEYS.journeyTransition,
    run: (trx, actor) => transitionJourney(trx, actor, ids.journey, { to: 'info_meeting', effectiveOn: todayParis() }),
  },
  { permission: JOURNEYS.journeyCorrect, run: (trx, actor) => setSupportMember(trx, actor, ids.journey, null) },
  {
    permission: JOURNEYS.stageSettings,
    run: (trx, actor) => saveStageConfig(trx, actor, 'contact', { label: 'Premier contact', requiredDocuments: [] }),
  },
  {
    permission: JOURNEYS.documentAdd,
    run: (trx, actor) =>
      addDocument(trx, actor, KEY, ids.journey, {
        stage: 'contact',
        kind: 'Attestation',
        fileName: 'a.pdf',
        mimeType: 'application/pdf',
        content: PDF,
      }),
  },
  { permission: JOURNEYS.documentRead, run: (trx, actor) => readDocument(trx, actor, KEY, ids.document) },
  { permission: JOURNEYS.appointmentRead, run: (trx, actor) => getAppointment(trx, actor, ids.appointment) },
  {
    permission: JOURNEYS.appointmentCreate,
    run: (trx, actor) =>
      createAppointment(trx, actor, {
        journeyId: ids.journey,
        subject: 'Suivi',
        date: tomorrow(),
        start: '14:00',
        end: '15:00',
        place: 'Bureau',
      }),
  },
  { permission: JOURNEYS.appointmentCancel, run: (trx, actor) => cancelAppointment(trx, actor, ids.appointment) },
  { permission: JOURNEYS.noteAdd, run: (trx, actor) => addNote(trx, actor, ids.appointment, 'Compte rendu', false) },
  { permission: JOURNEYS.privateNoteRead, run: (trx, actor) => privateNotes(trx, actor, ids.appointment) },
  {
    permission: JOURNEYS.actionAdd,
    run: (trx, actor) => addAction(trx, actor, ids.appointment, { label: 'Relancer', owner: 'person' }),
  },
  { permission: JOURNEYS.actionComplete, run: (trx, actor) => completeAction(trx, actor, ids.action) },
  {
    permission: JOURNEYS.slotCreate,
    run: (trx, actor) => createSlot(trx, actor, { date: tomorrow(), start: '16:00', end: '17:00', place: 'Bureau' }),
  },
  {
    permission: JOURNEYS.peerSlotOffer,
    run: (trx, actor) => offerPeerSlot(trx, actor, { date: tomorrow(), start: '17:00', end: '18:00', place: 'Visio' }),
  },
  { permission: JOURNEYS.slotList, run: (trx, actor) => freeSlots(trx, actor) },
  { permission: JOURNEYS.slotBook, run: (trx, actor) => bookSlot(trx, actor, ids.slot, "Point d'étape") },
  { permission: JOURNEYS.calendarFeed, run: (trx, actor) => renewFeedToken(trx, actor) },
  { permission: JOURNEYS.workshopList, run: (trx, actor) => listSessions(trx, actor) },
  { permission: JOURNEYS.workshopManage, run: (trx, actor) => createTheme(trx, actor, { name: 'Prospecter' }) },
  {
    permission: JOURNEYS.workshopRegister,
    run: (trx, actor) => register(trx, actor, ids.futureSession, selfOf(actor)),
  },
  { permission: JOURNEYS.workshopParticipants, run: (trx, actor) => participants(trx, actor, ids.futureSession) },
  { permission: JOURNEYS.workshopAttendance, run: (trx, actor) => recordAttendance(trx, actor, ids.pastSession, []) },
  { permission: JOURNEYS.hoursRead, run: (trx, actor) => attendedHours(trx, actor, selfOf(actor)) },
  {
    permission: JOURNEYS.hoursExport,
    run: (trx, actor) => trainingHours(trx, actor, { from: addDays(todayParis(), -30), to: todayParis() }),
  },
  { permission: JOURNEYS.infoMeetingManage, run: (trx, actor) => allMeetings(trx, actor) },
  {
    permission: JOURNEYS.infoMeetingAttendance,
    run: (trx, actor) => recordMeetingAttendance(trx, actor, ids.meeting, [ids.registration]),
  },
  { permission: JOURNEYS.infoMeetingConvert, run: (trx, actor) => convertRegistration(trx, actor, ids.registration) },
  {
    permission: JOURNEYS.feedbackGive,
    run: (trx, actor) => submitFeedback(trx, actor, ids.pastSession, { satisfaction: 5, usefulness: 4 }),
  },
  { permission: JOURNEYS.feedbackRead, run: (trx, actor) => feedbackSummary(trx, actor, ids.pastSession) },
]);

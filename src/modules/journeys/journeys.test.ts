import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { toolSkip } from '../../core/testing-tools.ts';
import { withTenant, withSystem } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { addDays, formatDate, todayParis } from '../../core/dates.ts';
import { createUser } from '../../core/auth/users.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { Tx } from '../../core/db/handles.ts';
import { journeysDb } from './db.ts';
import { createMeeting, convertRegistration, recordMeetingAttendance } from './info-meetings.service.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { UserId } from '../../core/ids.ts';
import { addMembership } from '../directory/index.ts';
import { createJourney, transitionJourney, journeyHistory } from './journeys.service.ts';
import { caseload } from './caseload.service.ts';
import { signInSheetPdf } from './sign-in-sheet.ts';
import { createAppointment, parisInstant } from './appointments.service.ts';
import {
  createTheme,
  createSession,
  register,
  cancelRegistration,
  participants,
  recordAttendance,
  attendedHours,
  getSession,
} from './workshops.service.ts';

let odb: OpenDb;
let a: TestCoop;
let b: TestCoop;
before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb.close();
});

const sup = () => a.actor('support');
const inA = <T>(fn: (trx: Tx) => Promise<T>) => withTenant(odb.db, a.coop.id, fn);

test('stage machine: allowed transitions move the journey and keep a dated, signed history', async () => {
  const j = await inA((trx) =>
    createJourney(trx, sup(), {
      displayName: 'Camille Martin',
      email: 'camille@example.test',
      startedOn: '2026-01-05',
    }),
  );
  assert.equal(j.stage, 'contact');
  await inA((trx) =>
    transitionJourney(trx, sup(), j.id, { to: 'info_meeting', effectiveOn: '2026-01-12', comment: 'Présente' }),
  );
  await inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'diagnostic', effectiveOn: '2026-01-20' }));
  const cape = await inA((trx) =>
    transitionJourney(trx, sup(), j.id, {
      to: 'cape',
      effectiveOn: '2026-02-01',
      capeStart: '2026-02-01',
      capeEnd: '2026-07-31',
    }),
  );
  assert.equal(cape.stage, 'cape');
  assert.equal(cape.capeEnd, '2026-07-31');
  const renewed = await inA((trx) =>
    transitionJourney(trx, sup(), j.id, {
      to: 'cape',
      effectiveOn: '2026-07-15',
      capeEnd: '2027-01-31',
      comment: 'Renouvellement',
    }),
  );
  assert.equal(renewed.capeRenewals, 1);
  assert.equal(renewed.capeEnd, '2027-01-31');
  assert.equal(renewed.stageSince, '2026-02-01');
  const hist = await inA((trx) => journeyHistory(trx, sup(), j.id));
  assert.deepEqual(
    hist.map((h) => h.to),
    ['contact', 'info_meeting', 'diagnostic', 'cape', 'cape'],
  );
  assert.equal(hist[1].comment, 'Présente');
  assert.equal(hist[1].effectiveOn, '2026-01-12');
  assert.match(hist[1].authorLabel, /support/);
  const audits = await inA((trx) =>
    journeysDb(trx)
      .selectFrom('audit_log')
      .select('action')
      .where('cooperative_id', '=', a.coop.id)
      .where('target_id', '=', j.id)
      .execute(),
  );
  assert.ok(audits.some((x) => x.action === 'journey.cape_renewed'));
  assert.equal(audits.filter((x) => x.action === 'journey.transition').length, 3);
});

test('stage machine: refused transitions, exit reason required, nothing written on refusal', async () => {
  const j = await inA((trx) => createJourney(trx, sup(), { displayName: 'Léo Petit', startedOn: '2026-03-01' }));
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'associate', effectiveOn: '2026-03-02' })),
    (e: unknown) => e instanceof UserError && /Passage impossible/.test(e.message),
  );
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'cesa', effectiveOn: '2026-03-02' })),
    UserError,
  );
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'exit', effectiveOn: '2026-03-02' })),
    (e: unknown) => e instanceof UserError && e.fields.exitReason === 'Indiquez le motif de sortie.',
  );
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'info_meeting', effectiveOn: '2026-02-01' })),
    (e: unknown) => e instanceof UserError && !!e.fields.effectiveOn,
  );
  await assert.rejects(
    inA((trx) =>
      transitionJourney(trx, a.actor('entrepreneur'), j.id, { to: 'info_meeting', effectiveOn: '2026-03-02' }),
    ),
    /accès/,
  );
  assert.equal((await inA((trx) => journeyHistory(trx, sup(), j.id))).length, 1);
  const out = await inA((trx) =>
    transitionJourney(trx, sup(), j.id, {
      to: 'exit',
      effectiveOn: '2026-03-10',
      exitReason: 'salaried_job',
      comment: 'CDI trouvé',
    }),
  );
  assert.equal(out.stage, 'exit');
  assert.equal(out.exitReason, 'salaried_job');
  // Another cooperative cannot see or move it.
  await assert.rejects(
    withTenant(odb.db, b.coop.id, (trx) =>
      transitionJourney(trx, b.actor('support'), j.id, { to: 'contact', effectiveOn: '2026-04-01' }),
    ),
    /introuvable/,
  );
});

test('CAPE dates: end after start, at most 12 months, at most two renewals', async () => {
  const j = await inA((trx) => createJourney(trx, sup(), { displayName: 'Nora Diallo', startedOn: '2026-01-01' }));
  await inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'diagnostic', effectiveOn: '2026-01-02' }));
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'cape', effectiveOn: '2026-01-10' })),
    (e: unknown) => e instanceof UserError && !!e.fields.capeEnd,
  );
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'cape', effectiveOn: '2026-01-10', capeEnd: '2027-06-01' })),
    /12 mois/,
  );
  await inA((trx) =>
    transitionJourney(trx, sup(), j.id, { to: 'cape', effectiveOn: '2026-01-10', capeEnd: '2026-06-30' }),
  );
  await inA((trx) =>
    transitionJourney(trx, sup(), j.id, { to: 'cape', effectiveOn: '2026-06-01', capeEnd: '2026-12-31' }),
  );
  await inA((trx) =>
    transitionJourney(trx, sup(), j.id, { to: 'cape', effectiveOn: '2026-12-01', capeEnd: '2027-06-30' }),
  );
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'cape', effectiveOn: '2027-06-01', capeEnd: '2027-12-31' })),
    /renouvelé/,
  );
});

test('caseload: stage, last contact, next appointment and alerts (6 weeks without contact, CAPE ending)', async () => {
  const today = todayParis();
  const quiet = await inA((trx) =>
    createJourney(trx, sup(), { displayName: 'Zoé Silence', startedOn: addDays(today, -100) }),
  );
  await inA((trx) =>
    createAppointment(trx, sup(), {
      journeyId: quiet.id,
      subject: 'Point',
      date: addDays(today, -50),
      start: '10:00',
      end: '11:00',
      place: 'Bureau',
    }),
  );
  const busy = await inA((trx) =>
    createJourney(trx, sup(), { displayName: 'Yann Actif', startedOn: addDays(today, -100) }),
  );
  await inA((trx) => transitionJourney(trx, sup(), busy.id, { to: 'diagnostic', effectiveOn: addDays(today, -90) }));
  await inA((trx) =>
    transitionJourney(trx, sup(), busy.id, {
      to: 'cape',
      effectiveOn: addDays(today, -80),
      capeEnd: addDays(today, 20),
    }),
  );
  await inA((trx) =>
    createAppointment(trx, sup(), {
      journeyId: busy.id,
      subject: 'Suivi',
      date: addDays(today, -7),
      start: '09:00',
      end: '10:00',
      place: 'Bureau',
    }),
  );
  await inA((trx) =>
    createAppointment(trx, sup(), {
      journeyId: busy.id,
      subject: 'Bilan',
      date: addDays(today, 5),
      start: '14:00',
      end: '15:00',
      videoUrl: 'https://visio.example/abc',
    }),
  );
  const rows = await inA((trx) => caseload(trx, sup(), { supportUserId: a.users.support.id }));
  const q = rows.find((r) => r.journey.id === quiet.id)!;
  const y = rows.find((r) => r.journey.id === busy.id)!;
  assert.ok(
    q.alerts.some((x) => /6 semaines/.test(x)),
    'no contact alert',
  );
  assert.equal(q.nextAppointment, null);
  assert.deepEqual(y.alerts, [`CAPE se termine le ${formatDate(addDays(today, 20))}`], 'a French date, not ISO');
  assert.equal(y.lastContact!.toISOString(), parisInstant(addDays(today, -7), '09:00').toISOString());
  assert.equal(y.nextAppointment!.toISOString(), parisInstant(addDays(today, 5), '14:00').toISOString());
  assert.equal(y.journey.stage, 'cape');
  const other = await withTenant(odb.db, b.coop.id, (trx) => caseload(trx, b.actor('support')));
  assert.ok(!other.some((r) => r.journey.id === quiet.id));
});

// --- workshops ------------------------------------------------------------------------------
async function makePeople(n: number, coop: TestCoop, tag: string): Promise<string[]> {
  return withSystem(odb.db, async (trx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const u = await createUser(trx, {
        email: `${tag}${i}@${coop.coop.slug}.test`,
        displayName: `Personne ${tag} ${String(i).padStart(2, '0')}`,
        password: null,
      });
      await addMembership(trx, coop.coop.id, u.id, 'entrepreneur');
      ids.push(u.id);
    }
    return ids;
  });
}
const actorFor = (coop: TestCoop, userId: string) => ({
  userId: userId as UserId,
  cooperativeId: coop.coop.id,
  roles: ['entrepreneur' as const],
  label: userId,
});

test('workshop: 20 concurrent registrations never exceed capacity; cancelling promotes the first waiting', async () => {
  const day = addDays(todayParis(), 10);
  const sessionId = await inA(async (trx) => {
    const theme = await createTheme(trx, sup(), { name: 'Fixer ses prix' });
    return createSession(trx, sup(), {
      themeId: theme,
      date: day,
      start: '09:30',
      end: '12:00',
      place: 'Salle 1',
      capacity: 8,
    });
  });
  const people = await makePeople(20, a, 'conc');
  const results = await Promise.all(
    people.map((u) => withTenant(odb.db, a.coop.id, (trx) => register(trx, actorFor(a, u), sessionId))),
  );
  assert.equal(results.filter((r) => r === 'registered').length, 8);
  assert.equal(results.filter((r) => r === 'waiting').length, 12);
  const list = await inA((trx) => participants(trx, sup(), sessionId));
  assert.equal(list.filter((p) => p.status === 'registered').length, 8);
  // Registering twice changes nothing.
  const again = await inA((trx) => register(trx, actorFor(a, people[0]), sessionId));
  assert.equal(again, results[0]);
  const waiting = (await inA((trx) => participants(trx, sup(), sessionId)))
    .filter((p) => p.status === 'waiting')
    .sort((x, y) => x.registeredAt.getTime() - y.registeredAt.getTime() || x.userId.localeCompare(y.userId));
  const firstRegistered = people[results.indexOf('registered')];
  // 5 concurrent cancellations: exactly 5 promotions, still 8 registered.
  const leavers = people.filter((_, i) => results[i] === 'registered').slice(0, 5);
  const promos = await Promise.all(
    leavers.map((u) => withTenant(odb.db, a.coop.id, (trx) => cancelRegistration(trx, actorFor(a, u), sessionId))),
  );
  assert.equal(promos.filter((p) => p.promoted).length, 5);
  assert.ok(leavers.includes(firstRegistered));
  const after2 = await inA((trx) => participants(trx, sup(), sessionId));
  assert.equal(after2.filter((p) => p.status === 'registered').length, 8);
  assert.equal(after2.filter((p) => p.status === 'waiting').length, 7);
  assert.equal(
    after2.find((p) => p.userId === waiting[0].userId)!.status,
    'registered',
    'the longest waiting is promoted',
  );
  // Cancelling a waiting place promotes nobody.
  const stillWaiting = after2.find((p) => p.status === 'waiting')!;
  const none = await inA((trx) => cancelRegistration(trx, actorFor(a, stillWaiting.userId), sessionId));
  assert.equal(none.promoted, null);
});

test('workshop: sign-in sheet PDF lists the registered people; attendance in one go counts hours', async (t) => {
  const skip = toolSkip('/usr/bin/pdftotext', 'poppler-utils');
  const past = addDays(todayParis(), -1);
  const future = addDays(todayParis(), 2);
  const people = await makePeople(12, a, 'sheet');
  const { sessionId } = await inA(async (trx) => {
    const theme = await createTheme(trx, sup(), { name: 'Comptabilité pour débuter' });
    const sessionId = await createSession(trx, sup(), {
      themeId: theme,
      date: future,
      start: '14:00',
      end: '17:00',
      place: 'Salle Gaïa',
      capacity: 15,
    });
    for (const u of people) await register(trx, actorFor(a, u), sessionId);
    return { sessionId };
  });
  const pdf = await inA((trx) => signInSheetPdf(trx, sup(), sessionId, a.coop.name));
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  if (!skip) {
    const dir = mkdtempSync(join(tmpdir(), 'sheet-'));
    const f = join(dir, 's.pdf');
    writeFileSync(f, pdf);
    const text = execFileSync('/usr/bin/pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
    for (let i = 0; i < 12; i++) assert.match(text, new RegExp(`Personne sheet ${String(i).padStart(2, '0')}`));
    assert.match(text, /Comptabilité pour débuter/);
    assert.match(text, /14:00 à 17:00/);
    assert.doesNotMatch(text, /Personne conc/);
  } else t.diagnostic(skip);
  // Attendance cannot be taken before the session; move it to yesterday then record it.
  await assert.rejects(
    inA((trx) => recordAttendance(trx, sup(), sessionId, people)),
    /pas encore eu lieu/,
  );
  await inA((trx) =>
    journeysDb(trx)
      .updateTable('workshop_session')
      .set({ starts_at: parisInstant(past, '14:00'), ends_at: parisInstant(past, '17:00') })
      .where('cooperative_id', '=', a.coop.id)
      .where('id', '=', sessionId)
      .execute(),
  );
  const res = await inA((trx) => recordAttendance(trx, sup(), sessionId, people.slice(0, 10)));
  assert.deepEqual(res, { present: 10, absent: 2, hours: 30 });
  assert.deepEqual(await inA((trx) => attendedHours(trx, sup(), people[0])), { sessions: 1, hours: 3 });
  assert.deepEqual(await inA((trx) => attendedHours(trx, sup(), people[11])), { sessions: 0, hours: 0 });
  // Someone who came without registering: present, but not one of the places booked (12/15, not 13/15).
  const [walker] = await makePeople(1, a, 'walkin');
  const withWalker = await inA((trx) => recordAttendance(trx, sup(), sessionId, people.slice(0, 10), [walker]));
  assert.deepEqual(withWalker, { present: 11, absent: 2, hours: 33 });
  const s = await inA((trx) => getSession(trx, sup(), sessionId));
  assert.equal(s.registered, 12);
  assert.equal(s.walkIns, 1);
});

test('no stage is dated in the future: refused by hand, and a registration converted before its meeting is dated today', async () => {
  const today = todayParis();
  const j = await inA((trx) => createJourney(trx, sup(), { displayName: 'Léa Futur', startedOn: today }));
  await assert.rejects(
    inA((trx) => transitionJourney(trx, sup(), j.id, { to: 'diagnostic', effectiveOn: addDays(today, 3) })),
    (e: unknown) => e instanceof UserError && !!e.fields.effectiveOn,
  );
  const moved = await inA(async (trx) => {
    const meeting = await createMeeting(trx, sup(), {
      date: addDays(today, 12),
      start: '18:00',
      end: '19:00',
      place: 'Salle',
      capacity: 10,
    });
    const id = uuidv7();
    await journeysDb(trx)
      .insertInto('info_meeting_registration')
      .values({
        cooperative_id: a.coop.id,
        id,
        meeting_id: meeting,
        display_name: 'Inès Avance',
        email: 'ines.avance@example.test',
        phone: null,
        attended: true,
        journey_id: null,
      })
      .execute();
    return convertRegistration(trx, sup(), id);
  });
  assert.equal(moved.stage, 'info_meeting');
  assert.equal(moved.stageSince, today, 'dated today, not on the meeting day to come');
});

test('the timeline says the attendance as corrected after the conversion (absent, then present)', async () => {
  const today = todayParis();
  const { journeyId, meeting, id } = await inA(async (trx) => {
    const meeting = await createMeeting(trx, sup(), {
      date: addDays(today, 2),
      start: '18:00',
      end: '19:00',
      place: 'Salle',
      capacity: 10,
    });
    const id = uuidv7();
    await journeysDb(trx)
      .insertInto('info_meeting_registration')
      .values({
        cooperative_id: a.coop.id,
        id,
        meeting_id: meeting,
        display_name: 'Noé Retard',
        email: 'noe.retard@example.test',
        phone: null,
        attended: false,
        journey_id: null,
      })
      .execute();
    const j = await convertRegistration(trx, sup(), id);
    return { journeyId: j.id, meeting, id };
  });
  const step = async () =>
    (await inA((trx) => journeyHistory(trx, sup(), journeyId))).find((t) => t.to === 'info_meeting')?.comment;
  assert.equal(await step(), 'Inscrit·e, absent·e à la réunion');
  // The team corrects the attendance on the meeting page: the timeline follows.
  await inA((trx) => recordMeetingAttendance(trx, sup(), meeting, [id]));
  assert.equal(await step(), "Présent·e à la réunion d'information");
});

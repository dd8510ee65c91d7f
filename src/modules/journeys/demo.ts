// Demo accompaniment: a journey for every member (CAPE people with their contract dates, some
// ending soon), prospects, appointments with shared and internal notes, free slots, workshops
// (past with attendance, upcoming with a waiting list) and info meetings with registrations.
import type { DemoContext, DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { addDays } from '../../core/dates.ts';
import { uuidv7, type UserId } from '../../core/ids.ts';
import { journeysDb } from './db.ts';
import { earlier, later } from './iso-dates.ts';
import { createJourney, transitionJourney } from './journeys.service.ts';
import { createAppointment, createSlot, parisInstant } from './appointments.service.ts';
import { createTheme, createSession, register } from './workshops.service.ts';
import { createMeeting } from './info-meetings.service.ts';

const PROSPECTS = [
  'Amina Benali',
  'Julien Roche',
  'Sophie Marchand',
  'Karim Haddad',
  'Élodie Garnier',
  'Thomas Lefort',
];
const THEMES = [
  'Fixer ses prix',
  'Prospecter ses premiers clients',
  "Comprendre son compte d'activité",
  'Se payer un salaire',
];

async function seedCoop(ctx: DemoContext, i: number): Promise<void> {
  const dc = ctx.coops[i];
  const { rng, today } = ctx;
  const coopId = dc.coop.id;
  const support: Actor = {
    userId: dc.staff.support.userId as UserId,
    cooperativeId: coopId,
    roles: ['support'],
    label: dc.staff.support.name,
  };
  await withTenant(ctx.odb.db, coopId, async (tx) => {
    const trx = journeysDb(tx);
    const journeys: { id: string; userId: string | null }[] = [];
    // Members: entrepreneurs are under CESA (some associates), CAPE people under contract.
    for (const p of [...dc.entrepreneurs, ...dc.capes]) {
      const start = addDays(today, -rng.int(60, 900));
      const j = await createJourney(trx, support, {
        displayName: p.name,
        email: p.email,
        userId: p.userId,
        supportUserId: support.userId,
        startedOn: start,
      });
      // A stage is recorded once reached: never after today.
      const reached = (x: string) => earlier(x, today);
      let d = reached(addDays(start, rng.int(7, 20)));
      await transitionJourney(trx, support, j.id, { to: 'info_meeting', effectiveOn: d });
      d = reached(addDays(d, rng.int(5, 15)));
      await transitionJourney(trx, support, j.id, {
        to: 'diagnostic',
        effectiveOn: d,
        comment: 'Projet cohérent, marché identifié.',
      });
      if (p.role === 'cape') {
        const r = addDays(today, -rng.int(40, 300));
        const capeStart = later(r, d);
        const capeEnd = rng.chance(0.35) ? addDays(today, rng.int(3, 28)) : addDays(capeStart, 330);
        await transitionJourney(trx, support, j.id, {
          to: 'cape',
          effectiveOn: capeStart,
          capeStart,
          capeEnd,
          comment: 'CAPE signé.',
        });
      } else {
        d = reached(addDays(d, rng.int(10, 30)));
        await transitionJourney(trx, support, j.id, {
          to: 'cesa',
          effectiveOn: d,
          comment: "Chiffre d'affaires suffisant pour un salaire.",
        });
        if (rng.chance(0.3)) {
          await transitionJourney(trx, support, j.id, {
            to: 'associate',
            effectiveOn: reached(addDays(d, rng.int(200, 400))),
          });
        }
      }
      journeys.push({ id: j.id, userId: p.userId });
    }
    // Prospects (no account yet), one of them gone.
    for (const [k, name] of PROSPECTS.entries()) {
      const j = await createJourney(trx, support, {
        displayName: name,
        email: `${name
          .split(' ')[0]
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z]/g, '')}.${i}${k}@prospect.demo`,
        startedOn: addDays(today, -rng.int(5, 60)),
      });
      if (k === 5)
        await transitionJourney(trx, support, j.id, {
          to: 'exit',
          effectiveOn: today,
          exitReason: 'salaried_job',
          comment: 'A trouvé un CDI.',
        });
      else journeys.push({ id: j.id, userId: null });
    }
    // Appointments: a past one for most people (some over 6 weeks ago → alerts), a few upcoming.
    for (const j of journeys) {
      if (rng.chance(0.85)) {
        const day = addDays(today, -rng.int(3, 70));
        await createAppointment(trx, support, {
          journeyId: j.id,
          subject: rng.pick(['Point mensuel', 'Suivi commercial', 'Bilan de CAPE', 'Préparation des devis']),
          date: day,
          ...rng.pick([
            { start: '09:00', end: '10:00' },
            { start: '10:30', end: '11:30' },
            { start: '14:00', end: '15:30' },
          ]),
          place: 'Locaux de la coopérative',
          status: 'done',
          note: rng.pick([
            'Relancer les devis en attente ; préparer la facture de fin de mois.',
            'Mettre à jour le prévisionnel ; tester un tarif à la journée.',
            'Ouvrir un compte sur la place de marché de la coopérative.',
          ]),
        });
      }
      if (rng.chance(0.3)) {
        await createAppointment(trx, support, {
          journeyId: j.id,
          subject: "Point d'étape",
          date: addDays(today, rng.int(2, 20)),
          start: '14:00',
          end: '15:00',
          videoUrl: 'https://visio.example.org/radieuse-suivi',
          status: 'planned',
        });
      }
    }
    // Internal note on the demo entrepreneur's last appointment, so the two views differ.
    const demoJ = journeys[0];
    const last = await trx
      .selectFrom('appointment')
      .select('id')
      .where('cooperative_id', '=', coopId)
      .where('journey_id', '=', demoJ.id)
      .orderBy('starts_at', 'desc')
      .executeTakeFirst();
    if (last)
      await trx
        .insertInto('appointment_note')
        .values({
          cooperative_id: coopId,
          id: uuidv7(),
          appointment_id: last.id,
          body: 'Interne : trésorerie tendue, à surveiller avant la prochaine paie.',
          internal: true,
          author_user_id: support.userId,
          author_label: support.label,
        })
        .execute();
    // Free slots next week.
    for (let k = 1; k <= 5; k++)
      await createSlot(trx, support, {
        date: addDays(today, k + 1),
        start: '10:00',
        end: '11:00',
        place: 'Locaux de la coopérative',
      });
    // Workshops: one upcoming session full with a waiting list, one past session with attendance.
    const themes: string[] = [];
    for (const t of THEMES) themes.push(await createTheme(trx, support, { name: t }));
    const members = journeys.filter((j) => j.userId).map((j) => j.userId!);
    const upcoming = await createSession(trx, support, {
      themeId: themes[0],
      date: addDays(today, 9),
      start: '09:30',
      end: '12:00',
      place: 'Salle de formation',
      capacity: 8,
    });
    for (const u of members.slice(0, 11))
      await register(trx, { ...support, userId: u as UserId, roles: ['entrepreneur'] }, upcoming);
    await createSession(trx, support, {
      themeId: themes[1],
      date: addDays(today, 16),
      start: '14:00',
      end: '17:00',
      place: 'Salle de formation',
      capacity: 12,
    });
    const pastId = uuidv7();
    const pastDay = addDays(today, -12);
    await trx
      .insertInto('workshop_session')
      .values({
        cooperative_id: coopId,
        id: pastId,
        theme_id: themes[2],
        starts_at: parisInstant(pastDay, '09:00'),
        ends_at: parisInstant(pastDay, '12:00'),
        place: 'Salle de formation',
        capacity: 15,
        attendance_recorded_at: parisInstant(pastDay, '12:05'),
      })
      .execute();
    for (const [k, u] of members.slice(0, 12).entries()) {
      await trx
        .insertInto('workshop_registration')
        .values({
          cooperative_id: coopId,
          session_id: pastId,
          user_id: u,
          status: 'registered',
          registered_at: parisInstant(addDays(pastDay, -7), '10:00'),
          attended: k % 6 !== 5,
        })
        .execute();
    }
    // Info meetings with a few public registrations.
    const meeting = await createMeeting(trx, support, {
      date: addDays(today, 12),
      start: '18:00',
      end: '19:30',
      place: `${dc.coop.addressLine}, ${dc.coop.city}`,
      capacity: 20,
    });
    for (const [k, name] of ['Nadia Ferrand', 'Paul Vasseur', 'Chloé Nguyen'].entries()) {
      await trx
        .insertInto('info_meeting_registration')
        .values({
          cooperative_id: coopId,
          id: uuidv7(),
          meeting_id: meeting,
          display_name: name,
          email: `inscrit${k}.${i}@prospect.demo`,
          phone: null,
          attended: null,
          journey_id: null,
        })
        .execute();
    }
  });
}

export const journeysDemoSeeder: DemoSeeder = {
  name: 'journeys',
  seed: async (ctx) => {
    for (let i = 0; i < ctx.coops.length; i++) await seedCoop(ctx, i);
  },
};

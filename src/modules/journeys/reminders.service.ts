// The daily reminders of the accompaniment (job `journeys-reminders`, 8:00 Paris): appointments
// and workshops the day before, documents expiring (30 and 7 days before), CAPE ending within
// 30 days (to support). Through the outbox with dedupe keys: running twice sends nothing more.
import type { Db } from '../../core/db/handles.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem } from '../../core/db/tenant.ts';
import type { Schedule } from '../../core/jobs.ts';
import { enqueueMail } from '../../core/mail.ts';
import { addDays, formatDate, formatDateLong, todayParis, type IsoDate, toIsoDate } from '../../core/dates.ts';
import { journeysDb } from './db.ts';
import { parisInstant, parisTime } from './paris-time.ts';
import { letter, when, where } from './emails.ts';

/** The daily reminders of every cooperative for `today` (Paris). Idempotent: running it twice sends nothing more. */
export async function sendJourneyReminders(
  dbIn: Db,
  today: IsoDate = todayParis(),
  opts: { publicUrl?: string } = {},
): Promise<{ appointments: number; workshops: number; documents: number; cape: number }> {
  const publicUrl = opts.publicUrl ?? process.env.PUBLIC_URL ?? '';
  const tomorrow = addDays(today, 1);
  const from = parisInstant(tomorrow, '00:00');
  const to = parisInstant(addDays(tomorrow, 1), '00:00');
  const out = { appointments: 0, workshops: 0, documents: 0, cape: 0 };
  await withSystem(dbIn, async (tx) => {
    const trx = journeysDb(tx);
    // Appointments tomorrow: the person and support.
    const appts = await trx
      .selectFrom('appointment')
      .innerJoin('journey', (j) =>
        j
          .onRef('journey.cooperative_id', '=', 'appointment.cooperative_id')
          .onRef('journey.id', '=', 'appointment.journey_id'),
      )
      .innerJoin('user_account as sup', 'sup.id', 'appointment.support_user_id')
      .leftJoin('user_account as per', 'per.id', 'journey.user_id')
      .select([
        'appointment.cooperative_id',
        'appointment.id',
        'appointment.starts_at',
        'appointment.ends_at',
        'appointment.place',
        'appointment.video_url',
        'appointment.subject',
        'journey.display_name as person_name',
        'journey.email as journey_email',
        'per.email as person_email',
        'sup.display_name as support_name',
        'sup.email as support_email',
      ])
      .where('appointment.status', '=', 'planned')
      .where('appointment.starts_at', '>=', from)
      .where('appointment.starts_at', '<', to)
      .execute();
    for (const a of appts) {
      const start = new Date(a.starts_at);
      const end = new Date(a.ends_at);
      for (const r of [
        { email: a.journey_email ?? a.person_email, name: a.person_name, other: a.support_name },
        { email: a.support_email, name: a.support_name, other: a.person_name },
      ]) {
        if (!r.email) continue;
        await enqueueMail(trx, {
          to: r.email,
          cooperativeId: a.cooperative_id,
          subject: `Rappel : rendez-vous demain à ${parisTime(start)}`,
          ...letter(
            `Bonjour ${r.name},`,
            [
              `Petit rappel : vous avez rendez-vous demain avec ${r.other} (« ${a.subject} »), ${when(start, end)}.`,
              where(a.place, a.video_url),
            ],
            { href: `${publicUrl}/rendez-vous/${a.id}`, label: 'Voir le rendez-vous' },
          ),
          dedupeKey: `appointment-reminder:${a.id}:${r.email}:${tomorrow}`,
        });
        out.appointments++;
      }
    }
    // Workshops tomorrow: registered people.
    const regs = await trx
      .selectFrom('workshop_registration')
      .innerJoin('workshop_session as s', (j) =>
        j
          .onRef('s.cooperative_id', '=', 'workshop_registration.cooperative_id')
          .onRef('s.id', '=', 'workshop_registration.session_id'),
      )
      .innerJoin('workshop_theme as t', (j) =>
        j.onRef('t.cooperative_id', '=', 's.cooperative_id').onRef('t.id', '=', 's.theme_id'),
      )
      .innerJoin('user_account as u', 'u.id', 'workshop_registration.user_id')
      .select([
        'workshop_registration.cooperative_id',
        's.id',
        's.starts_at',
        's.ends_at',
        's.place',
        't.name',
        'u.email',
        'u.display_name',
        'u.id as user_id',
      ])
      .where('workshop_registration.status', '=', 'registered')
      .where('s.starts_at', '>=', from)
      .where('s.starts_at', '<', to)
      .execute();
    for (const r of regs) {
      await enqueueMail(trx, {
        to: r.email,
        cooperativeId: r.cooperative_id,
        subject: `Rappel : atelier « ${r.name} » demain`,
        ...letter(
          `Bonjour ${r.display_name},`,
          [
            `Petit rappel : l'atelier « ${r.name} » a lieu demain, ${when(new Date(r.starts_at), new Date(r.ends_at))}.`,
            `Lieu : ${r.place}`,
            'Vous ne pouvez plus venir ? Désinscrivez-vous pour laisser votre place à la personne suivante.',
          ],
          { href: `${publicUrl}/ateliers/${r.id}`, label: "Voir l'atelier" },
        ),
        dedupeKey: `workshop-reminder:${r.id}:${r.user_id}`,
      });
      out.workshops++;
    }
    // Documents expiring within 30 days, then within 7 days (one message each).
    const docs = await trx
      .selectFrom('journey_document')
      .innerJoin('journey', (j) =>
        j
          .onRef('journey.cooperative_id', '=', 'journey_document.cooperative_id')
          .onRef('journey.id', '=', 'journey_document.journey_id'),
      )
      .leftJoin('user_account as per', 'per.id', 'journey.user_id')
      .leftJoin('user_account as sup', 'sup.id', 'journey.support_user_id')
      .select([
        'journey_document.cooperative_id',
        'journey_document.id',
        'journey_document.kind',
        'journey_document.expires_on',
        'journey_document.visibility',
        'journey.id as journey_id',
        'journey.display_name',
        'journey.email as journey_email',
        'per.email as person_email',
        'sup.email as support_email',
        'sup.display_name as support_name',
      ])
      .where('journey.stage', '!=', 'exit')
      .where('journey_document.expires_on', '>=', today)
      .where('journey_document.expires_on', '<=', addDays(today, 30))
      .execute();
    for (const d of docs) {
      const expires = toIsoDate(d.expires_on);
      // A newer document of the same kind replaces this one: no reminder.
      const newer = await trx
        .selectFrom('journey_document')
        .select('id')
        .where('cooperative_id', '=', d.cooperative_id)
        .where('journey_id', '=', d.journey_id)
        .where('kind', '=', d.kind)
        .where('id', '>', d.id)
        .executeTakeFirst();
      if (newer) continue;
      const step = expires <= addDays(today, 7) ? 7 : 30;
      const toPerson = d.visibility === 'person' && (d.journey_email ?? d.person_email);
      const to = toPerson ? (d.journey_email ?? d.person_email)! : d.support_email;
      if (!to) continue;
      const name = toPerson ? d.display_name : d.support_name!;
      const lines = toPerson
        ? [
            `Votre document « ${d.kind} » expire le ${formatDateLong(expires)}.`,
            'Quand vous avez le nouveau, déposez-le sur votre page de parcours : cela prend une minute.',
          ]
        : [
            `Le document « ${d.kind} » de ${d.display_name} expire le ${formatDateLong(expires)}.`,
            'Pensez à demander le nouveau.',
          ];
      await enqueueMail(trx, {
        to,
        cooperativeId: d.cooperative_id,
        subject: `Document à renouveler avant le ${formatDate(expires)} : ${d.kind}`,
        ...letter(`Bonjour ${name},`, lines, {
          href: `${publicUrl}/accompagnement/${d.journey_id}`,
          label: 'Ouvrir le parcours',
        }),
        dedupeKey: `document-expiry:${d.id}:${step}`,
      });
      out.documents++;
    }
    // CAPE ending within 30 days: to the support member (the decision is theirs).
    const capes = await trx
      .selectFrom('journey')
      .innerJoin('user_account as sup', 'sup.id', 'journey.support_user_id')
      .select([
        'journey.cooperative_id',
        'journey.id',
        'journey.display_name',
        'journey.cape_end',
        'sup.email',
        'sup.display_name as support_name',
      ])
      .where('journey.stage', '=', 'cape')
      .where('journey.cape_end', '>=', today)
      .where('journey.cape_end', '<=', addDays(today, 30))
      .execute();
    for (const j of capes) {
      const end = toIsoDate(j.cape_end);
      await enqueueMail(trx, {
        to: j.email,
        cooperativeId: j.cooperative_id,
        subject: `CAPE de ${j.display_name} : fin le ${formatDate(end)}`,
        ...letter(
          `Bonjour ${j.support_name},`,
          [
            `Le CAPE de ${j.display_name} se termine le ${formatDateLong(end)}.`,
            'Le moment de prévoir un rendez-vous pour décider ensemble : renouvellement, CESA ou sortie.',
          ],
          { href: `${publicUrl}/accompagnement/${j.id}`, label: 'Ouvrir le parcours' },
        ),
        dedupeKey: `cape-ending:${j.id}:${end}`,
      });
      out.cape++;
    }
  });
  return out;
}

/** pg-boss schedules of the module: the reminders every morning at 8:00 (Paris). */
export function journeysSchedules(odb: OpenDb, opts: { publicUrl?: string } = {}): Schedule[] {
  return [
    {
      name: 'journeys-reminders',
      cron: '0 8 * * *',
      handler: async () => {
        await sendJourneyReminders(odb.db, todayParis(), opts);
      },
    },
  ];
}

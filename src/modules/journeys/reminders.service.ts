// E-mails of the accompaniment module, all through the outbox (enqueueMail) and idempotent
// thanks to a dedupe key: appointment confirmations (with the ICS invitation), reminders the
// day before (appointments, workshops), workshop registration / promotion, document expiry
// (30 and 7 days before), CAPE ending within 30 days (to support). Calm, plain French.
import type { Db, Tx } from '../../core/db/handles.ts';
import { journeysDb } from './db.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem } from '../../core/db/tenant.ts';
import type { Schedule } from '../../core/jobs.ts';
import { enqueueMail } from '../../core/mail.ts';
import { addDays, formatDate, formatDateLong, todayParis, type IsoDate, toIsoDate } from '../../core/dates.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { JOURNEYS } from './permissions.ts';
import { getAppointment, type Appointment } from './appointments.queries.ts';
import { appointmentEvent } from './calendar-feed.service.ts';
import { icsCalendar } from './ics.ts';
import { parisDate, parisTime, parisInstant } from './paris-time.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
/** A short message: greeting, paragraphs, optional link; the same words in text and HTML. */
export function message(greeting: string, paragraphs: string[], link?: { href: string; label: string }) {
  const text = [
    greeting,
    ...paragraphs,
    ...(link ? [`${link.label} : ${link.href}`] : []),
    'Belle journée,\nVotre coopérative',
  ].join('\n\n');
  const html =
    `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5;color:#1f2933;max-width:560px">` +
    `<p>${esc(greeting)}</p>${paragraphs.map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`).join('')}` +
    (link ? `<p><a href="${esc(link.href)}">${esc(link.label)}</a></p>` : '') +
    `<p>Belle journée,<br>Votre coopérative</p></body></html>`;
  return { text, html };
}
const when = (start: Date, end: Date) =>
  `le ${formatDateLong(parisDate(start))}, de ${parisTime(start)} à ${parisTime(end)}`;
const where = (place: string | null, video: string | null) =>
  video ? `En visioconférence : ${video}` : `Lieu : ${place ?? 'à préciser'}`;

async function emailOf(tx: Tx, userId: string | null): Promise<{ email: string; name: string } | null> {
  const trx = journeysDb(tx);
  if (!userId) return null;
  const u = await trx
    .selectFrom('user_account')
    .select(['email', 'display_name'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return u ? { email: u.email, name: u.display_name } : null;
}
async function personContact(
  tx: Tx,
  cooperativeId: string,
  journeyId: string,
): Promise<{ email: string; name: string } | null> {
  const trx = journeysDb(tx);
  const j = await trx
    .selectFrom('journey')
    .select(['email', 'display_name', 'user_id'])
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', journeyId)
    .executeTakeFirst();
  if (!j) return null;
  const u = await emailOf(trx, j.user_id);
  const email = j.email ?? u?.email;
  return email ? { email, name: j.display_name } : null;
}
function icsAttachment(a: Appointment, publicUrl: string) {
  return {
    filename: 'rendez-vous.ics',
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    contentBase64: Buffer.from(icsCalendar('Rendez-vous', [appointmentEvent(a, publicUrl)])).toString('base64'),
  };
}

/** Confirms an appointment to the person (and to support when the person booked it), with the invitation. */
export async function sendAppointmentConfirmation(
  tx: Tx,
  actor: Actor,
  appointmentId: string,
  publicUrl: string,
): Promise<number> {
  const trx = journeysDb(tx);
  const a = await getAppointment(trx, actor, appointmentId);
  if (a.status !== 'planned' || a.startsAt <= new Date()) return 0;
  const recipients: { email: string; name: string; other: string }[] = [];
  const person = await personContact(trx, actor.cooperativeId, a.journeyId);
  if (person) recipients.push({ ...person, other: a.supportName });
  if (actor.userId !== a.supportUserId) {
    const s = await emailOf(trx, a.supportUserId);
    if (s) recipients.push({ ...s, other: a.personName });
  }
  for (const r of recipients) {
    const m = message(
      `Bonjour ${r.name},`,
      [
        `Votre rendez-vous « ${a.subject} » avec ${r.other} est confirmé ${when(a.startsAt, a.endsAt)}.`,
        where(a.place, a.videoUrl),
        "L'invitation est jointe : ouvrez-la pour l'ajouter à votre agenda. Un empêchement ? Vous pouvez annuler depuis la page du rendez-vous.",
      ],
      { href: `${publicUrl}/rendez-vous/${a.id}`, label: 'Voir le rendez-vous' },
    );
    await enqueueMail(trx, {
      to: r.email,
      cooperativeId: actor.cooperativeId,
      subject: `Rendez-vous confirmé : ${formatDate(parisDate(a.startsAt))} à ${parisTime(a.startsAt)}`,
      ...m,
      attachments: [icsAttachment(a, publicUrl)],
      dedupeKey: `appointment-confirmation:${a.id}:${r.email}`,
    });
  }
  return recipients.length;
}

/** Registration or waiting-list answer, and promotion from the waiting list. */
export async function sendWorkshopStatus(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  userId: string,
  kind: 'registered' | 'waiting' | 'promoted',
  publicUrl: string,
): Promise<void> {
  // Follows a registration the actor was allowed to make (or the promotion it caused).
  authorize(actor, JOURNEYS.workshopRegister);
  const trx = journeysDb(tx);
  const s = await trx
    .selectFrom('workshop_session')
    .innerJoin('workshop_theme', (j) =>
      j
        .onRef('workshop_theme.cooperative_id', '=', 'workshop_session.cooperative_id')
        .onRef('workshop_theme.id', '=', 'workshop_session.theme_id'),
    )
    .select(['workshop_session.starts_at', 'workshop_session.ends_at', 'workshop_session.place', 'workshop_theme.name'])
    .where('workshop_session.cooperative_id', '=', actor.cooperativeId)
    .where('workshop_session.id', '=', sessionId)
    .executeTakeFirst();
  const reg = await trx
    .selectFrom('workshop_registration')
    .select('registered_at')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const u = await emailOf(trx, userId);
  if (!s || !u || !reg) return;
  const w = `${when(new Date(s.starts_at), new Date(s.ends_at))}, ${s.place}`;
  const lines =
    kind === 'registered'
      ? [
          `Vous êtes inscrit·e à l'atelier « ${s.name} » ${w}.`,
          'Si vous ne pouvez plus venir, désinscrivez-vous : votre place ira à la personne suivante.',
        ]
      : kind === 'waiting'
        ? [
            `L'atelier « ${s.name} » ${w} est complet : vous êtes sur la liste d'attente.`,
            'Si une place se libère, vous êtes inscrit·e automatiquement et nous vous prévenons par e-mail.',
          ]
        : [
            `Bonne nouvelle : une place s'est libérée à l'atelier « ${s.name} » ${w}. Vous êtes maintenant inscrit·e.`,
            'Si vous ne pouvez plus venir, désinscrivez-vous pour laisser la place.',
          ];
  const subject =
    kind === 'registered'
      ? `Inscription confirmée : ${s.name}`
      : kind === 'waiting'
        ? `Liste d'attente : ${s.name}`
        : `Une place s'est libérée : ${s.name}`;
  await enqueueMail(trx, {
    to: u.email,
    cooperativeId: actor.cooperativeId,
    subject,
    ...message(`Bonjour ${u.name},`, lines, { href: `${publicUrl}/ateliers/${sessionId}`, label: "Voir l'atelier" }),
    dedupeKey: `workshop-${kind}:${sessionId}:${userId}:${new Date(reg.registered_at).getTime()}`,
  });
}

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
          ...message(
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
        ...message(
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
        ...message(`Bonjour ${name},`, lines, {
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
        ...message(
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

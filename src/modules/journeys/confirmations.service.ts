// Messages sent at once, after an action: an appointment confirmed (with its ICS invitation),
// a workshop registration, a place on the waiting list, a promotion from it. Through the outbox,
// in the action's transaction, with a dedupe key.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { enqueueMail } from '../../core/mail.ts';
import { formatDate } from '../../core/dates.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { getAppointment } from './appointments.queries.ts';
import { parisDate, parisTime } from './paris-time.ts';
import { emailOf, icsAttachment, letter, personContact, when, where } from './emails.ts';

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
    const m = letter(
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
    ...letter(`Bonjour ${u.name},`, lines, { href: `${publicUrl}/ateliers/${sessionId}`, label: "Voir l'atelier" }),
    dedupeKey: `workshop-${kind}:${sessionId}:${userId}:${new Date(reg.registered_at).getTime()}`,
  });
}

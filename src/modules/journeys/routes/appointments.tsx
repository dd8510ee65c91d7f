// Appointments: the list (with free slots), recording one from a person page, one appointment
// with its notes and action items, cancelling, and its invitation (ICS).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { can } from '../../../core/authz.ts';
import { isUuid } from '../../../core/ids.ts';
import { addDays, todayParis } from '../../../core/dates.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { JOURNEYS } from '../permissions.ts';
import { createAppointment, cancelAppointment } from '../appointments.service.ts';
import { getAppointment, listAppointments } from '../appointments.queries.ts';
import {
  appointmentNotes,
  appointmentActions,
  addNote,
  addAction,
  completeAction,
} from '../appointment-notes.service.ts';
import { freeSlots } from '../slots.service.ts';
import { journeyOfUser } from '../journeys.service.ts';
import { appointmentInvitation } from '../calendar-feed.service.ts';
import { sendAppointmentConfirmation } from '../confirmations.service.ts';
import { AppointmentsPage } from '../views/appointments-page.tsx';
import { AppointmentPage } from '../views/appointment-page.tsx';
import { nextHour, plusHour } from '../views/format.ts';
import type { FormState } from '../views/person-cards.tsx';
import { badRequest, tenant } from './kit.tsx';
import { personPage } from './journey.tsx';

export const appointmentRoutes = new Hono<AppEnv>();

/** How far back the team's list goes. */
const TEAM_HISTORY_DAYS = 30;

/** The appointments page, with the slot form that failed (values kept, errors beside the fields). */
export async function appointmentsPage(c: Ctx, slotForm: FormState | null = null) {
  const actor = actorOf(c);
  const team = can(actor, JOURNEYS.caseloadRead);
  const support = actor.roles.includes('support') && actor.userId ? actor.userId : undefined;
  const from = new Date(Date.now() - TEAM_HISTORY_DAYS * 86400000);
  const { appointments, slots, journey } = await tenant(c, async (tx) => ({
    appointments: can(actor, JOURNEYS.appointmentRead)
      ? await listAppointments(tx, actor, team ? { supportUserId: support, from } : { mine: true })
      : [],
    slots: can(actor, JOURNEYS.slotList) ? await freeSlots(tx, actor, team ? { supportUserId: support } : {}) : [],
    journey: can(actor, JOURNEYS.slotBook) && actor.userId ? await journeyOfUser(tx, actor, actor.userId) : null,
  }));
  const start = nextHour();
  return c.html(
    <AppointmentsPage
      c={c}
      appointments={appointments}
      slots={slots}
      team={team}
      canBook={!!journey}
      canOffer={can(actor, JOURNEYS.slotCreate)}
      defaults={{ date: addDays(todayParis(), 1), start, end: plusHour(start) }}
      slotForm={slotForm}
    />,
    slotForm ? 400 : 200,
  );
}
appointmentRoutes.get('/rendez-vous', (c) => appointmentsPage(c));

appointmentRoutes.post('/rendez-vous', async (c) => {
  const f = await formValues(c);
  const journeyId = f.journeyId ?? '';
  if (!isUuid(journeyId)) return badRequest(c, 'Ce rendez-vous ne désigne aucune personne : repartez de sa page.');
  try {
    const a = await tenant(c, async (tx, actor) => {
      const appt = await createAppointment(tx, actor, {
        journeyId: f.journeyId ?? '',
        subject: f.subject ?? '',
        date: f.date ?? '',
        start: f.start ?? '',
        end: f.end ?? '',
        place: f.place || null,
        videoUrl: f.videoUrl || null,
        note: f.note || null,
        noteInternal: f.noteInternal === 'on',
        status: f.status === 'planned' ? 'planned' : 'done',
      });
      await sendAppointmentConfirmation(tx, actor, appt.id, c.get('app').config.publicUrl);
      return appt;
    });
    setFlash(c, { kind: 'success', text: 'Rendez-vous enregistré.' });
    return c.redirect(`/accompagnement/${a.journeyId}`);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, journeyId, { appointment: { values: f, errors } });
  }
});

appointmentRoutes.get('/rendez-vous/:id', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Rendez-vous');
  const { appointment, notes, actions } = await tenant(c, async (tx) => ({
    appointment: await getAppointment(tx, actor, id),
    notes: await appointmentNotes(tx, actor, id),
    actions: await appointmentActions(tx, actor, id),
  }));
  return c.html(
    <AppointmentPage
      c={c}
      appointment={appointment}
      notes={notes}
      actions={actions}
      can={{
        writeNotes: can(actor, JOURNEYS.noteAdd),
        addActions: can(actor, JOURNEYS.actionAdd),
        seeJourney: can(actor, JOURNEYS.caseloadRead),
      }}
    />,
  );
});

appointmentRoutes.post('/rendez-vous/:id/notes', async (c) => {
  const id = idParam(c, 'id', 'Rendez-vous');
  const f = await formValues(c);
  await tenant(c, (tx, actor) => addNote(tx, actor, id, f.body ?? '', f.internal === 'on'));
  setFlash(c, { kind: 'success', text: 'Note ajoutée.' });
  return c.redirect(`/rendez-vous/${id}`);
});

appointmentRoutes.post('/rendez-vous/:id/actions', async (c) => {
  const id = idParam(c, 'id', 'Rendez-vous');
  const f = await formValues(c);
  await tenant(c, (tx, actor) =>
    addAction(tx, actor, id, { label: f.label ?? '', owner: f.owner ?? '', dueOn: f.dueOn || null }),
  );
  setFlash(c, { kind: 'success', text: 'Action ajoutée.' });
  return c.redirect(`/rendez-vous/${id}`);
});

appointmentRoutes.post('/rendez-vous/actions/:id/fait', async (c) => {
  const id = idParam(c, 'id', 'Action');
  const { appointmentId } = await tenant(c, (tx, actor) => completeAction(tx, actor, id));
  return c.redirect(`/rendez-vous/${appointmentId}`);
});

appointmentRoutes.post('/rendez-vous/:id/annuler', async (c) => {
  const id = idParam(c, 'id', 'Rendez-vous');
  await tenant(c, (tx, actor) => cancelAppointment(tx, actor, id));
  setFlash(c, { kind: 'success', text: 'Rendez-vous annulé.' });
  return c.redirect(`/rendez-vous/${id}`);
});

appointmentRoutes.get('/rendez-vous/:id/invitation.ics', async (c) => {
  const id = idParam(c, 'id', 'Rendez-vous');
  const ics = await tenant(c, (tx, actor) => appointmentInvitation(tx, actor, id, c.get('app').config.publicUrl));
  return c.body(ics, 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': 'attachment; filename="rendez-vous.ics"',
  });
});

// Information meetings, the team's side: schedule, see who registered, record attendance, and
// turn a registration into a contact with a journey.
import { shownPublicUrl } from '../../../web/public-url.ts';
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { addDays } from '../../../core/dates.ts';
import { todayParis } from '../../../core/dates.ts';
import { getCooperative } from '../../directory/index.ts';
import {
  createMeeting,
  allMeetings,
  meetingRegistrations,
  recordMeetingAttendance,
  convertRegistration,
} from '../info-meetings.service.ts';
import { MeetingsPage, MeetingPage } from '../views/meetings-page.tsx';
import { tenant } from './kit.tsx';

export const infoMeetingRoutes = new Hono<AppEnv>();

function capacityOf(v: string | undefined): number {
  if (!/^\s*\d{1,4}\s*$/.test(v ?? ''))
    throw new UserError('Indiquez le nombre de places (un nombre entier).', 'capacity');
  return Number(v);
}

async function meetingsPage(c: Ctx, values: Record<string, string> = {}, errors: Record<string, string> | null = null) {
  const actor = actorOf(c);
  const { meetings, coop } = await tenant(c, async (tx) => ({
    meetings: await allMeetings(tx, actor),
    coop: await getCooperative(tx, actor.cooperativeId),
  }));
  return c.html(
    <MeetingsPage
      c={c}
      meetings={meetings}
      publicLink={`${shownPublicUrl(c)}/reunions-information/${coop?.slug ?? ''}`}
      values={{
        date: addDays(todayParis(), 14),
        start: '14:00',
        end: '16:00',
        place: coop ? `${coop.addressLine}, ${coop.city}` : '',
        capacity: '20',
        ...values,
      }}
      errors={errors}
      now={new Date()}
    />,
    errors ? 400 : 200,
  );
}
infoMeetingRoutes.get('/reunions', (c) => meetingsPage(c));
infoMeetingRoutes.post('/reunions', async (c) => {
  const f = await formValues(c);
  try {
    const capacity = capacityOf(f.capacity);
    await tenant(c, (tx, actor) =>
      createMeeting(tx, actor, {
        date: f.date ?? '',
        start: f.start ?? '',
        end: f.end ?? '',
        place: f.place ?? '',
        capacity,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return meetingsPage(c, f, errors);
  }
  setFlash(c, { kind: 'success', text: 'Réunion programmée : elle apparaît sur la page publique.' });
  return c.redirect('/reunions');
});

infoMeetingRoutes.get('/reunions/:id', async (c) => {
  const id = idParam(c, 'id', 'Réunion');
  const { meeting, registrations } = await tenant(c, (tx, actor) => meetingRegistrations(tx, actor, id));
  return c.html(<MeetingPage c={c} meeting={meeting} registrations={registrations} />);
});

infoMeetingRoutes.post('/reunions/:id/presences', async (c) => {
  const id = idParam(c, 'id', 'Réunion');
  const present = await formAll(c, 'present');
  await tenant(c, (tx, actor) => recordMeetingAttendance(tx, actor, id, present));
  setFlash(c, { kind: 'success', text: 'Présences enregistrées.' });
  return c.redirect(`/reunions/${id}`);
});

infoMeetingRoutes.post('/reunions/inscriptions/:id/convertir', async (c) => {
  const id = idParam(c, 'id', 'Inscription');
  const j = await tenant(c, (tx, actor) => convertRegistration(tx, actor, id));
  setFlash(c, { kind: 'success', text: 'Fiche contact créée.' });
  return c.redirect(`/accompagnement/${j.id}`);
});

// Free slots: support offers one; an entrepreneur books one for their journey.
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { createSlot, bookSlot } from '../slots.service.ts';
import { sendAppointmentConfirmation } from '../confirmations.service.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { tenant } from './kit.tsx';
import { appointmentsPage } from './appointments.tsx';

export const slotRoutes = new Hono<AppEnv>();

slotRoutes.post('/creneaux', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) =>
      createSlot(tx, actor, {
        date: f.date ?? '',
        start: f.start ?? '',
        end: f.end ?? '',
        place: f.place || null,
        videoUrl: f.videoUrl || null,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return appointmentsPage(c, { values: f, errors });
  }
  setFlash(c, { kind: 'success', text: 'Créneau ajouté.' });
  return c.redirect('/rendez-vous');
});

slotRoutes.post('/creneaux/:id/reserver', async (c) => {
  const id = idParam(c, 'id', 'Créneau');
  const f = await formValues(c);
  const a = await tenant(c, async (tx, actor) => {
    const appt = await bookSlot(tx, actor, id, f.subject ?? '');
    await sendAppointmentConfirmation(tx, actor, appt.id, c.get('app').config.publicUrl);
    return appt;
  });
  setFlash(c, {
    kind: 'success',
    text: "Rendez-vous réservé : la confirmation vous est envoyée par e-mail, avec l'invitation pour votre agenda.",
  });
  return c.redirect(`/rendez-vous/${a.id}`);
});

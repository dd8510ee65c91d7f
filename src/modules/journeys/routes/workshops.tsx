// Workshops: the list, registration and cancelling, scheduling and themes (team), the hours
// export; one session with its attendance, sign-in sheet and feedback.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { can } from '../../../core/authz.ts';
import { isUuid } from '../../../core/ids.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { addDays, todayParis } from '../../../core/dates.ts';
import { getCooperative } from '../../directory/index.ts';
import { JOURNEYS } from '../permissions.ts';
import { createTheme, createSession, listSessions, listThemes, getSession } from '../workshops.service.ts';
import { register, cancelRegistration } from '../registration.service.ts';
import { participants, recordAttendance, walkInOptions } from '../attendance.service.ts';
import { feedbackState, feedbackSummary, submitFeedback } from '../feedback.service.ts';
import { trainingHours } from '../training-hours.service.ts';
import { signInSheetPdf } from '../sign-in-sheet.ts';
import { sendWorkshopStatus } from '../confirmations.service.ts';
import { toCsv } from '../csv.ts';
import { WorkshopsPage } from '../views/workshops-page.tsx';
import { SessionPage } from '../views/session-page.tsx';
import type { FormState } from '../views/person-cards.tsx';
import { badRequest, tenant } from './kit.tsx';

export const workshopRoutes = new Hono<AppEnv>();

/** How far back the team sees sessions (to record attendance). */
const TEAM_HISTORY_DAYS = 60;

/** A number of places typed by hand: digits only, otherwise a message beside the field. */
function capacityOf(v: string | undefined): number {
  if (!/^\s*\d{1,4}\s*$/.test(v ?? ''))
    throw new UserError('Indiquez le nombre de places (un nombre entier).', 'capacity');
  return Number(v);
}

async function workshopsPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const actor = actorOf(c);
  const manage = can(actor, JOURNEYS.workshopManage);
  const { sessions, themes } = await tenant(c, async (tx) => ({
    sessions: await listSessions(tx, actor, {
      from: manage ? new Date(Date.now() - TEAM_HISTORY_DAYS * 86400000) : new Date(),
    }),
    themes: manage ? await listThemes(tx, actor) : [],
  }));
  return c.html(
    <WorkshopsPage
      c={c}
      sessions={sessions}
      themes={themes}
      can={{ register: can(actor, JOURNEYS.workshopRegister), manage }}
      values={{
        date: addDays(todayParis(), 7),
        start: '09:30',
        end: '12:00',
        place: 'Locaux de la coopérative',
        capacity: '12',
        ...values,
      }}
      errors={errors}
      now={new Date()}
    />,
    errors ? 400 : 200,
  );
}
workshopRoutes.get('/ateliers', (c) => workshopsPage(c));

workshopRoutes.post('/ateliers/themes', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => createTheme(tx, actor, { name: f.name ?? '', description: f.description }));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return workshopsPage(c, {}, errors);
  }
  setFlash(c, { kind: 'success', text: 'Thème ajouté.' });
  return c.redirect('/ateliers');
});

workshopRoutes.post('/ateliers/seances', async (c) => {
  const f = await formValues(c);
  let id: string;
  try {
    const capacity = capacityOf(f.capacity);
    id = await tenant(c, (tx, actor) =>
      createSession(tx, actor, {
        themeId: f.themeId ?? '',
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
    return workshopsPage(c, f, errors);
  }
  setFlash(c, { kind: 'success', text: 'Séance programmée.' });
  return c.redirect(`/ateliers/${id}`);
});

workshopRoutes.post('/ateliers/:id/inscription', async (c) => {
  const id = idParam(c, 'id', 'Séance');
  const status = await tenant(c, async (tx, actor) => {
    const r = await register(tx, actor, id);
    if (actor.userId) await sendWorkshopStatus(tx, actor, id, actor.userId, r, c.get('app').config.publicUrl);
    return r;
  });
  setFlash(c, {
    kind: 'success',
    text: status === 'registered' ? 'Vous êtes inscrit·e.' : "L'atelier est complet : vous êtes en liste d'attente.",
  });
  return c.redirect('/ateliers');
});

workshopRoutes.post('/ateliers/:id/desinscription', async (c) => {
  const id = idParam(c, 'id', 'Séance');
  await tenant(c, async (tx, actor) => {
    const r = await cancelRegistration(tx, actor, id);
    if (r.promoted) await sendWorkshopStatus(tx, actor, id, r.promoted, 'promoted', c.get('app').config.publicUrl);
  });
  setFlash(c, { kind: 'success', text: 'Désinscription enregistrée.' });
  return c.redirect('/ateliers');
});

workshopRoutes.get('/ateliers/heures.csv', async (c) => {
  const actor = actorOf(c);
  const year = todayParis().slice(0, 4);
  const from = c.req.query('du') || `${year}-01-01`;
  const to = c.req.query('au') || `${year}-12-31`;
  let rows: Awaited<ReturnType<typeof trainingHours>>;
  try {
    rows = await tenant(c, (tx) => trainingHours(tx, actor, { from, to }));
  } catch (e) {
    if (!fieldErrors(e)) throw e;
    return badRequest(c, 'Dates invalides : écrivez-les sous la forme AAAA-MM-JJ, la fin après le début.');
  }
  const csv = toCsv(
    ['Personne', 'E-mail', 'Ateliers suivis', 'Heures de formation (décimales, virgule)'],
    rows.map((r) => [r.name, r.email, r.sessions, r.hours]),
  );
  return c.body(csv, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="heures-formation-${from}-${to}.csv"`,
    'Cache-Control': 'private, no-store',
  });
});

async function sessionPage(c: Ctx, id: string, form: FormState | null = null) {
  const actor = actorOf(c);
  const { session, team, feedback } = await tenant(c, async (tx) => ({
    session: await getSession(tx, actor, id),
    team: can(actor, JOURNEYS.workshopParticipants)
      ? {
          people: await participants(tx, actor, id),
          walkIns: can(actor, JOURNEYS.workshopAttendance) ? await walkInOptions(tx, actor, id) : [],
          summary: await feedbackSummary(tx, actor, id),
        }
      : null,
    feedback: await feedbackState(tx, actor, id),
  }));
  return c.html(<SessionPage c={c} session={session} team={team} feedback={feedback} form={form} />, form ? 400 : 200);
}
workshopRoutes.get('/ateliers/:id', (c) => sessionPage(c, idParam(c, 'id', 'Séance')));

workshopRoutes.post('/ateliers/:id/avis', async (c) => {
  const id = idParam(c, 'id', 'Séance');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) =>
      submitFeedback(tx, actor, id, {
        satisfaction: f.satisfaction ?? '',
        usefulness: f.usefulness ?? '',
        comment: f.comment || null,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return sessionPage(c, id, { values: f, errors });
  }
  setFlash(c, { kind: 'success', text: 'Merci pour votre avis !' });
  return c.redirect(`/ateliers/${id}`);
});

workshopRoutes.post('/ateliers/:id/presences', async (c) => {
  const id = idParam(c, 'id', 'Séance');
  const present = await formAll(c, 'present');
  const f = await formValues(c);
  if (f.walkIn && !isUuid(f.walkIn)) return badRequest(c, 'Choisissez la personne venue dans la liste.');
  const r = await tenant(c, (tx, actor) => recordAttendance(tx, actor, id, present, f.walkIn ? [f.walkIn] : []));
  setFlash(c, {
    kind: 'success',
    text: `Présences enregistrées : ${r.present} présent·es, ${r.absent} absent·es, ${String(r.hours).replace('.', ',')} h d'atelier au total.`,
  });
  return c.redirect(`/ateliers/${id}`);
});

workshopRoutes.get('/ateliers/:id/emargement.pdf', async (c) => {
  const id = idParam(c, 'id', 'Séance');
  const pdf = await tenant(c, async (tx, actor) =>
    signInSheetPdf(tx, actor, id, (await getCooperative(tx, actor.cooperativeId))?.name ?? ''),
  );
  return c.body(new Uint8Array(pdf), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': 'inline; filename="emargement.pdf"',
    'Cache-Control': 'private, no-store',
  });
});

// A person's journey: their page (stage, history, documents, appointments), the team's moves
// and corrections, and the documents (upload, download).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../../web/request-guards.ts';
import { fileResponse } from '../../../web/files.ts';
import { setFlash } from '../../../web/middleware.ts';
import { can } from '../../../core/authz.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { todayParis } from '../../../core/dates.ts';
import { JOURNEYS } from '../permissions.ts';
import { journeyOfUser, transitionJourney, type Stage, type ExitReason } from '../journeys.service.ts';
import { setSupportMember, reverseLastTransition } from '../journey-corrections.service.ts';
import { addDocument, readDocument } from '../documents.service.ts';
import { journeyFile } from '../journey-file.service.ts';
import { PersonPage, NoJourneyPage, type PersonForms } from '../views/person-page.tsx';
import { lastFullHour } from '../views/format.ts';
import { tenant } from './kit.tsx';

export const journeyRoutes = new Hono<AppEnv>();

/** The person page, with the forms that failed (values kept, errors beside the fields). */
export async function personPage(c: Ctx, id: string, forms: PersonForms = {}) {
  const actor = actorOf(c);
  const file = await tenant(c, (tx) => journeyFile(tx, actor, id));
  const today = todayParis();
  // The form records an appointment that took place: it defaults to the hour that just ended.
  const last = lastFullHour();
  const failed = forms.transition || forms.appointment || forms.document || forms.correction;
  return c.html(
    <PersonPage
      c={c}
      file={file}
      can={{
        transition: can(actor, JOURNEYS.journeyTransition),
        correct: can(actor, JOURNEYS.journeyCorrect),
        recordAppointment: can(actor, JOURNEYS.appointmentCreate),
        team: can(actor, JOURNEYS.caseloadRead),
      }}
      today={today}
      appointmentDefaults={{
        date: last.date,
        start: last.start,
        end: last.end,
        subject: 'Rendez-vous de suivi',
        place: 'Locaux de la coopérative',
        status: 'done',
      }}
      forms={forms}
    />,
    failed ? 400 : 200,
  );
}

journeyRoutes.get('/mon-parcours', async (c) => {
  const actor = actorOf(c);
  const j = actor.userId ? await tenant(c, (tx) => journeyOfUser(tx, actor, actor.userId ?? '')) : null;
  if (j) return c.redirect(`/accompagnement/${j.id}`);
  return c.html(<NoJourneyPage c={c} />);
});

journeyRoutes.get('/accompagnement/:id', (c) => personPage(c, idParam(c, 'id', 'Parcours')));

journeyRoutes.post('/accompagnement/:id/etape', async (c) => {
  const id = idParam(c, 'id', 'Parcours');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) =>
      transitionJourney(tx, actor, id, {
        to: f.to as Stage,
        effectiveOn: f.effectiveOn ?? '',
        comment: f.comment || null,
        exitReason: (f.exitReason || null) as ExitReason | null,
        capeStart: f.capeStart || null,
        capeEnd: f.capeEnd || null,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { transition: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: 'Étape enregistrée.' });
  return c.redirect(`/accompagnement/${id}`);
});

journeyRoutes.post('/accompagnement/:id/suivi', async (c) => {
  const id = idParam(c, 'id', 'Parcours');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => setSupportMember(tx, actor, id, f.supportUserId || null));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { correction: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: "Chargé·e d'accompagnement modifié·e." });
  return c.redirect(`/accompagnement/${id}`);
});

journeyRoutes.post('/accompagnement/:id/annuler-etape', async (c) => {
  const id = idParam(c, 'id', 'Parcours');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => reverseLastTransition(tx, actor, id, { comment: f.reverseComment ?? '' }));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { correction: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: "Dernière étape annulée : la correction figure dans l'historique." });
  return c.redirect(`/accompagnement/${id}`);
});

journeyRoutes.post('/accompagnement/:id/documents', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
  const id = idParam(c, 'id', 'Parcours');
  const body = await c.req.parseBody();
  const f: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') f[k] = v;
  const file = body.file;
  try {
    if (!(file instanceof File) || file.size === 0) throw new UserError('Choisissez un fichier.', 'file');
    const content = Buffer.from(await file.arrayBuffer());
    await tenant(c, (tx, actor) =>
      addDocument(tx, actor, c.get('app').config.fileKey, id, {
        stage: f.stage ?? '',
        kind: f.kind ?? '',
        expiresOn: f.expiresOn || null,
        visibility: f.visibility,
        fileName: file.name,
        mimeType: file.type,
        content,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return personPage(c, id, { document: { values: f, errors } });
  }
  setFlash(c, { kind: 'success', text: 'Document déposé.' });
  return c.redirect(`/accompagnement/${id}`);
});

journeyRoutes.get('/documents-parcours/:id', async (c) => {
  const id = idParam(c, 'id', 'Document');
  const f = await tenant(c, (tx, actor) => readDocument(tx, actor, c.get('app').config.fileKey, id));
  return fileResponse(f);
});

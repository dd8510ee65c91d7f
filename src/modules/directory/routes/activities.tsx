// Activities (/activites): list, creation, edit, closing.
import { Hono } from 'hono';
import { authorize } from '../../../core/authz.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { type AppEnv, actorOf, type Ctx } from '../../../web/context.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import {
  activitiesOverview,
  closeActivity,
  createActivity,
  getActivity,
  ownerCandidates,
  updateActivity,
} from '../activities.service.ts';
import { DIRECTORY } from '../permissions.ts';
import { ActivitiesPage, ActivityEditPage, NewActivityPage } from '../views/activities.tsx';

export const activityRoutes = new Hono<AppEnv>();
activityRoutes.use('/activites', requireActor);
activityRoutes.use('/activites/*', requireActor);

const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(c.get('app').odb.db, actorOf(c).cooperativeId, fn);

activityRoutes.get('/activites', async (c) => {
  const actor = actorOf(c);
  const { activities, names } = await tenant(c, (trx) => activitiesOverview(trx, actor));
  return c.html(<ActivitiesPage c={c} acts={activities} names={names} />);
});

activityRoutes.get('/activites/nouvelle', async (c) => {
  const actor = actorOf(c);
  authorize(actor, DIRECTORY.activityManage);
  const owners = await tenant(c, (trx) => ownerCandidates(trx, actor));
  return c.html(<NewActivityPage c={c} owners={owners} />);
});

activityRoutes.post('/activites/nouvelle', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    await tenant(c, (trx) =>
      createActivity(trx, actor, {
        name: f.name ?? '',
        analyticCode: f.analyticCode ?? '',
        ownerIds: f.ownerId ? [f.ownerId] : [],
        trusted: f.trusted === 'on',
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const owners = await tenant(c, (trx) => ownerCandidates(trx, actor));
    return c.html(<NewActivityPage c={c} owners={owners} values={f} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Activité créée.' });
  return c.redirect('/activites');
});

activityRoutes.get('/activites/:id', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Activité');
  const [a, owners] = await tenant(c, async (trx) => [
    await getActivity(trx, actor, id),
    await ownerCandidates(trx, actor),
  ]);
  return c.html(<ActivityEditPage c={c} a={a} owners={owners} />);
});

activityRoutes.post('/activites/:id', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Activité');
  const f = await formValues(c);
  const ownerIds = await formAll(c, 'ownerIds');
  const values = { name: f.name ?? '', ownerIds, trusted: f.trusted === 'on' };
  try {
    await tenant(c, (trx) => updateActivity(trx, actor, id, values));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const [a, owners] = await tenant(c, async (trx) => [
      await getActivity(trx, actor, id),
      await ownerCandidates(trx, actor),
    ]);
    return c.html(<ActivityEditPage c={c} a={a} owners={owners} values={values} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Activité enregistrée.' });
  return c.redirect('/activites');
});

activityRoutes.post('/activites/:id/fermer', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Activité');
  await tenant(c, (trx) => closeActivity(trx, actor, id));
  setFlash(c, { kind: 'success', text: 'Activité fermée.' });
  return c.redirect('/activites');
});

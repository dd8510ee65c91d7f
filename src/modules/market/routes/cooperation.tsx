// Working together: joint offers (`/ma-vitrine/cotraitance`) and the internal market
// (`/marche-interne`). The services authorize every action and check the activities.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Actor } from '../../../core/actor.ts';
import { fieldErrors, UserError } from '../../../core/errors.ts';
import type { TenantTx } from '../db.ts';
import { createJointQuote, jointFormOptions, listJointOffers } from '../joint.service.ts';
import { attachJointCost, jointCosts } from '../joint-costs.service.ts';
import { JointPage } from '../views/joint-page.tsx';
import {
  acceptAnswer,
  acceptWork,
  answerNeed,
  closeNeed,
  getNeed,
  listNeeds,
  myInternalActivities,
  postNeed,
} from '../internal.service.ts';
import {
  acceptCharter,
  charterInvitation,
  currentCharter,
  inviteExternal,
  listExternals,
  parseCharterToken,
  saveCharter,
} from '../external.service.ts';
import { CharterPage, ExternalsPage, JOINT_ROWS, JointForm, NeedPage, NeedsPage } from '../views/cooperation.tsx';

export const cooperationRoutes = new Hono<AppEnv>();
for (const p of [
  '/ma-vitrine/cotraitance',
  '/ma-vitrine/cotraitance/*',
  '/ma-vitrine/independants',
  '/ma-vitrine/independants/*',
  '/marche-interne',
  '/marche-interne/*',
])
  cooperationRoutes.use(p, requireActor);

function tenant<T>(c: Ctx, fn: (tx: TenantTx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(c.get('app').odb.db, actor.cooperativeId, (tx) => fn(tx, actor));
}

// --- joint offers ----------------------------------------------------------------------------
async function jointPage(c: Ctx, values: Record<string, string> = {}, errors: Record<string, string> | null = null) {
  const { options, offers } = await tenant(c, async (tx, actor) => ({
    options: await jointFormOptions(tx, actor),
    offers: await listJointOffers(tx, actor),
  }));
  return c.html(
    <JointForm c={c} options={options} offers={offers} values={values} errors={errors} />,
    errors ? 400 : 200,
  );
}
cooperationRoutes.get('/ma-vitrine/cotraitance', (c) => jointPage(c));
cooperationRoutes.post('/ma-vitrine/cotraitance', async (c) => {
  const f = await formValues(c);
  // Rows left empty (no activity chosen) are not parts; the first row is the actor's own part.
  const parts = Array.from({ length: JOINT_ROWS }, (_, i) => ({
    activityId: f[`parts.${i}.activityId`] ?? '',
    description: f[`parts.${i}.description`] ?? '',
    amount: f[`parts.${i}.amount`] ?? '',
  })).filter((p, i) => i === 0 || p.activityId);
  try {
    const j = await tenant(c, (tx, actor) =>
      createJointQuote(tx, actor, { customerId: f.customerId ?? '', title: f.title ?? '', parts }),
    );
    setFlash(c, { kind: 'success', text: 'Devis conjoint créé en brouillon : chaque activité y a sa partie.' });
    return c.redirect(`/devis/${j.quoteId}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return jointPage(c, f, errors);
  }
});

// The joint job's page: parts, keys, shared supplier invoices (the services check the actor).
async function jointJobPage(c: Ctx, values: Record<string, string> = {}, errors: Record<string, string> | null = null) {
  const id = idParam(c, 'id', 'Offre conjointe');
  const data = await tenant(c, (tx, actor) => jointCosts(tx, actor, id));
  return c.html(<JointPage c={c} {...data} values={values} errors={errors} />, errors ? 400 : 200);
}
cooperationRoutes.get('/ma-vitrine/cotraitance/:id', (c) => jointJobPage(c));
cooperationRoutes.post('/ma-vitrine/cotraitance/:id/charges', async (c) => {
  const id = idParam(c, 'id', 'Offre conjointe');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => attachJointCost(tx, actor, id, { supplierInvoiceId: f.supplierInvoiceId ?? '' }));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return jointJobPage(c, f, errors);
  }
  setFlash(c, {
    kind: 'success',
    text: 'Facture partagée : chaque activité en porte sa part sur son compte d’activité.',
  });
  return c.redirect(`/ma-vitrine/cotraitance/${id}`, 303);
});

// --- internal market -------------------------------------------------------------------------
async function needsPage(c: Ctx, values: Record<string, string> = {}, errors: Record<string, string> | null = null) {
  const data = await tenant(c, async (tx, actor) => ({
    needs: await listNeeds(tx, actor),
    activities: await myInternalActivities(tx, actor),
  }));
  return c.html(<NeedsPage c={c} {...data} values={values} errors={errors} />, errors ? 400 : 200);
}
cooperationRoutes.get('/marche-interne', (c) => needsPage(c));
cooperationRoutes.post('/marche-interne', async (c) => {
  const f = await formValues(c);
  try {
    const n = await tenant(c, (tx, actor) => postNeed(tx, actor, f.activityId ?? '', f));
    setFlash(c, { kind: 'success', text: 'Besoin publié : les entrepreneur·es de la coopérative peuvent y répondre.' });
    return c.redirect(`/marche-interne/${n.id}`, 303);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return needsPage(c, f, errors);
  }
});
async function needPage(c: Ctx, values: Record<string, string> = {}, errors: Record<string, string> | null = null) {
  const id = idParam(c, 'id', 'Besoin');
  const data = await tenant(c, async (tx, actor) => ({
    ...(await getNeed(tx, actor, id)),
    activities: await myInternalActivities(tx, actor),
  }));
  return c.html(<NeedPage c={c} {...data} values={values} errors={errors} />, errors ? 400 : 200);
}
cooperationRoutes.get('/marche-interne/:id', (c) => needPage(c));
cooperationRoutes.post('/marche-interne/:id/reponses', async (c) => {
  const id = idParam(c, 'id', 'Besoin');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => answerNeed(tx, actor, id, f));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return needPage(c, f, errors);
  }
  setFlash(c, { kind: 'success', text: 'Réponse envoyée.' });
  return c.redirect(`/marche-interne/${id}`, 303);
});
cooperationRoutes.post('/marche-interne/:id/reponses/:answer/accepter', async (c) => {
  const id = idParam(c, 'id', 'Besoin');
  const answer = idParam(c, 'answer', 'Réponse');
  await tenant(c, (tx, actor) => acceptAnswer(tx, actor, id, answer));
  setFlash(c, { kind: 'success', text: 'Réponse retenue. Quand le travail est livré, établissez la facture interne.' });
  return c.redirect(`/marche-interne/${id}`, 303);
});
cooperationRoutes.post('/marche-interne/:id/travail-accepte', async (c) => {
  const id = idParam(c, 'id', 'Besoin');
  const fi = await tenant(c, (tx, actor) => acceptWork(tx, actor, id));
  setFlash(c, { kind: 'success', text: `Facture interne ${fi.number} passée sur les deux comptes d’activité.` });
  return c.redirect(`/marche-interne/${id}`, 303);
});
cooperationRoutes.post('/marche-interne/:id/retirer', async (c) => {
  const id = idParam(c, 'id', 'Besoin');
  await tenant(c, (tx, actor) => closeNeed(tx, actor, id));
  setFlash(c, { kind: 'success', text: 'Besoin retiré.' });
  return c.redirect('/marche-interne', 303);
});

// --- independents outside the cooperative ----------------------------------------------------
const publicUrl = (c: Ctx) => c.get('app').config.publicUrl.replace(/\/$/, '');
async function externalsPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const data = await tenant(c, async (tx, actor) => ({
    externals: await listExternals(tx, actor),
    charter: await currentCharter(tx, actor.cooperativeId),
  }));
  return c.html(<ExternalsPage c={c} {...data} values={values} errors={errors} />, errors ? 400 : 200);
}
cooperationRoutes.get('/ma-vitrine/independants', (c) => externalsPage(c));
cooperationRoutes.post('/ma-vitrine/independants/charte', async (c) => {
  const f = await formValues(c);
  try {
    const ch = await tenant(c, (tx, actor) => saveCharter(tx, actor, f));
    setFlash(c, { kind: 'success', text: `Charte enregistrée (version ${ch.version}).` });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return externalsPage(c, f, errors);
  }
  return c.redirect('/ma-vitrine/independants', 303);
});
cooperationRoutes.post('/ma-vitrine/independants', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) =>
      inviteExternal(tx, actor, f, { key: c.get('app').config.fileKey, publicUrl: publicUrl(c) }),
    );
    setFlash(c, { kind: 'success', text: 'Invitation envoyée : la personne doit accepter la charte.' });
  } catch (e) {
    const errors = fieldErrors(e) ?? (e instanceof UserError ? { email: e.message } : null);
    if (!errors) throw e;
    return externalsPage(c, f, errors);
  }
  return c.redirect('/ma-vitrine/independants', 303);
});

/** The charter page of the invited independent: a signed link, no account. Mounted before the
 *  public marketplace pages (`/marche/:coop/:profil` would take "charte" for a cooperative). */
export const charterRoutes = new Hono<AppEnv>();
async function charterPage(c: Ctx, errors: Record<string, string> | null = null) {
  const token = c.req.param('token') ?? '';
  const t = parseCharterToken(c.get('app').config.fileKey, token);
  const inv = t
    ? await withTenant(c.get('app').odb.db, t.coopId, (tx) => charterInvitation(tx, t.coopId, t.externalId))
    : null;
  if (!inv) return c.notFound();
  return c.html(<CharterPage c={c} token={token} inv={inv} errors={errors} />, errors ? 400 : 200);
}
charterRoutes.get('/marche/charte/:token', (c) => charterPage(c));
charterRoutes.post('/marche/charte/:token', async (c) => {
  const t = parseCharterToken(c.get('app').config.fileKey, c.req.param('token') ?? '');
  if (!t) return c.notFound();
  const f = await formValues(c);
  try {
    await withTenant(c.get('app').odb.db, t.coopId, (tx) => acceptCharter(tx, t.coopId, t.externalId, f));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return charterPage(c, errors);
  }
  return charterPage(c);
});

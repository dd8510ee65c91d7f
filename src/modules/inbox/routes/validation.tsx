// Validation by exception: the queue, the batch of clean invoices, an exception validated with
// its reason, and the thresholds of the checks (direction).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formAll, formValues, idParam } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { can } from '../../../core/authz.ts';
import { isUuid } from '../../../core/ids.ts';
import { NotFoundError, UserError, fieldErrors } from '../../../core/errors.ts';
import { INBOX } from '../permissions.ts';
import {
  validationQueue,
  validateBatch,
  validateException,
  validateDocumentBatch,
  validateDocumentException,
  checkThresholds,
  saveThresholds,
} from '../validation.ts';
import { validationSource } from '../checks.ts';
import { ValidationPage } from '../views/validation-page.tsx';
import { ThresholdsPage } from '../views/thresholds-page.tsx';
import { dbOf, tenant } from './kit.tsx';

export const validationRoutes = new Hono<AppEnv>();

/** The queue exists only for those who validate: for anyone else the page is not there (404). */
function requireQueue(c: Ctx) {
  if (!can(actorOf(c), INBOX.validationQueue)) throw new NotFoundError('Page');
}

async function queuePage(c: Ctx, errors: Record<string, string> = {}, values: Record<string, string> = {}) {
  requireQueue(c);
  const actor = actorOf(c);
  const queue = await tenant(c, (tx) => validationQueue(tx, actor));
  return c.html(
    <ValidationPage
      c={c}
      queue={queue}
      canSetThresholds={can(actor, INBOX.thresholdsSave)}
      errors={errors}
      values={values}
    />,
    Object.keys(errors).length ? 400 : 200,
  );
}

validationRoutes.get('/validation', (c) => queuePage(c));

validationRoutes.post('/validation/lot', async (c) => {
  requireQueue(c);
  const r = await validateBatch(dbOf(c), actorOf(c), (await formAll(c, 'ids')).filter(isUuid));
  const n = r.validated.length;
  setFlash(c, {
    kind: r.skipped.length ? 'info' : 'success',
    text: `${n} facture${n > 1 ? 's' : ''} validée${n > 1 ? 's' : ''}.${r.skipped.length ? ` ${r.skipped.length} laissée(s) de côté : elles sont à examiner.` : ''}`,
  });
  return c.redirect('/validation', 303);
});

/** The document type of a path, only one the actor validates (otherwise the page is not there). */
function sourceParam(c: Ctx) {
  const src = validationSource(c.req.param('type') ?? '');
  if (!src?.canValidate(actorOf(c))) throw new NotFoundError('Page');
  return src;
}

validationRoutes.post('/validation/lot/:type', async (c) => {
  requireQueue(c);
  const src = sourceParam(c);
  const r = await validateDocumentBatch(
    dbOf(c),
    actorOf(c),
    src.documentType,
    (await formAll(c, 'ids')).filter(isUuid),
  );
  const n = r.validated.length;
  setFlash(c, {
    kind: r.skipped.length ? 'info' : 'success',
    text: `${n} ${n > 1 ? `${src.label.toLowerCase()} validées` : `${src.noun} validée`}.${r.skipped.length ? ` ${r.skipped.length} laissée(s) de côté : à examiner.` : ''}`,
  });
  return c.redirect('/validation', 303);
});

validationRoutes.post('/validation/:type/:id/exception', async (c) => {
  requireQueue(c);
  const src = sourceParam(c);
  const id = idParam(c, 'id', 'Document');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) =>
      validateDocumentException(tx, actor, src.documentType, id, f[`reason-${id}`] ?? f.reason ?? ''),
    );
    setFlash(c, {
      kind: 'success',
      text: `${src.noun[0].toUpperCase()}${src.noun.slice(1)} validée ; votre motif est enregistré.`,
    });
    return c.redirect('/validation', 303);
  } catch (e) {
    if (e instanceof UserError && e.field === 'reason') return queuePage(c, { [id]: e.message }, f);
    throw e;
  }
});

validationRoutes.post('/validation/:id/exception', async (c) => {
  requireQueue(c);
  const id = idParam(c, 'id', 'Facture');
  const f = await formValues(c);
  try {
    const inv = await tenant(c, (tx, actor) => validateException(tx, actor, id, f[`reason-${id}`] ?? f.reason ?? ''));
    setFlash(c, { kind: 'success', text: `Facture ${inv.number} validée ; votre motif est enregistré.` });
    return c.redirect('/validation', 303);
  } catch (e) {
    if (e instanceof UserError && e.field === 'reason') return queuePage(c, { [id]: e.message }, f);
    throw e;
  }
});

/** The settings page is the direction's: for anyone else it is not there (404). */
function requireSettings(c: Ctx) {
  if (!can(actorOf(c), INBOX.thresholdsSave)) throw new NotFoundError('Page');
}

validationRoutes.get('/validation/reglages', async (c) => {
  requireSettings(c);
  const t = await tenant(c, (tx, actor) => checkThresholds(tx, actor));
  const values = Object.fromEntries(Object.entries(t).map(([k, x]) => [k, String(x).replace('.', ',')]));
  return c.html(<ThresholdsPage c={c} values={values} />);
});

validationRoutes.post('/validation/reglages', async (c) => {
  requireSettings(c);
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => saveThresholds(tx, actor, f));
  } catch (e) {
    if (e instanceof UserError)
      return c.html(<ThresholdsPage c={c} values={f} errors={fieldErrors(e)} message={e.message} />, 400);
    throw e;
  }
  setFlash(c, { kind: 'success', text: 'Réglages enregistrés.' });
  return c.redirect('/validation', 303);
});

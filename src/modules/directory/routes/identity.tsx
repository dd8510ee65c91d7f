// Identity verification (identity-verification.service.ts): the member's page under /profil,
// support's queue under /identites. Pages never query: they call the services.
import { Hono } from 'hono';
import { can } from '../../../core/authz.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors, NotFoundError, UserError } from '../../../core/errors.ts';
import { type AppEnv, actorOf, type Ctx } from '../../../web/context.ts';
import { fileResponse } from '../../../web/files.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { uploadBodyLimit } from '../../../web/request-guards.ts';
import {
  decideIdentityVerification,
  getIdentityVerification,
  identityDocumentRetention,
  listIdentityVerifications,
  MAX_IDENTITY_DOCUMENT_BYTES,
  ownIdentityVerification,
  readIdentityDocument,
  setIdentityDocumentRetention,
  submitIdentityDocument,
} from '../identity-verification.service.ts';
import { DIRECTORY } from '../permissions.ts';
import { OwnIdentityPage, VerificationPage, VerificationsPage } from '../views/identity.tsx';

export const identityRoutes = new Hono<AppEnv>();
identityRoutes.use('/profil/identite', requireActor);
identityRoutes.use('/identites', requireActor);
identityRoutes.use('/identites/*', requireActor);

async function ownPage(c: Ctx, error?: string) {
  const actor = actorOf(c);
  const own = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => ownIdentityVerification(trx, actor));
  return c.html(<OwnIdentityPage c={c} {...own} error={error} />, error ? 400 : 200);
}

identityRoutes.get('/profil/identite', (c) => ownPage(c));

identityRoutes.post('/profil/identite', uploadBodyLimit(MAX_IDENTITY_DOCUMENT_BYTES + 64 * 1024), async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const body = await c.req.parseBody();
  const file = body.document;
  try {
    if (!(file instanceof File) || file.size === 0)
      throw new UserError("Choisissez votre pièce d'identité (PDF ou photo).", 'document');
    const content = Buffer.from(await file.arrayBuffer());
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      submitIdentityDocument(trx, actor, config.fileKey, { name: file.name, content }),
    );
  } catch (e) {
    if (e instanceof UserError) return ownPage(c, e.message);
    throw e;
  }
  setFlash(c, { kind: 'success', text: "Pièce envoyée : l'équipe d'appui la vérifie bientôt." });
  return c.redirect('/profil/identite');
});

identityRoutes.get('/identites', async (c) => {
  const actor = actorOf(c);
  const data = await withTenant(c.get('app').odb.db, actor.cooperativeId, async (trx) => ({
    rows: await listIdentityVerifications(trx, actor),
    retention: await identityDocumentRetention(trx, actor.cooperativeId),
  }));
  return c.html(<VerificationsPage c={c} {...data} canSetRetention={can(actor, DIRECTORY.identityRetention)} />);
});

identityRoutes.post('/identites/conservation', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
      setIdentityDocumentRetention(trx, actor, f.retention ?? ''),
    );
    setFlash(c, { kind: 'success', text: 'Règle de conservation enregistrée.' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/identites');
});

identityRoutes.get('/identites/:id', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Vérification');
  const v = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    getIdentityVerification(trx, actor, id),
  );
  return c.html(<VerificationPage c={c} v={v} />);
});

identityRoutes.get('/identites/:id/piece', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const id = idParam(c, 'id', 'Vérification');
  const file = await withTenant(odb.db, actor.cooperativeId, (trx) =>
    readIdentityDocument(trx, actor, config.fileKey, id),
  );
  return fileResponse(file, { inline: true });
});

identityRoutes.post('/identites/:id/decider', async (c) => {
  const actor = actorOf(c);
  const { odb } = c.get('app');
  const id = idParam(c, 'id', 'Vérification');
  const f = await formValues(c);
  try {
    const v = await withTenant(odb.db, actor.cooperativeId, (trx) =>
      decideIdentityVerification(trx, actor, id, { ...f, decision: f.decision ?? '' }),
    );
    setFlash(
      c,
      v.status === 'verified'
        ? { kind: 'success', text: `Identité de ${v.userName} vérifiée.` }
        : { kind: 'info', text: `Pièce de ${v.userName} refusée : le motif lui est affiché.` },
    );
    return c.redirect('/identites');
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    const v = await withTenant(odb.db, actor.cooperativeId, (trx) => getIdentityVerification(trx, actor, id));
    return c.html(<VerificationPage c={c} v={v} errors={fieldErrors(e) ?? { _: e.message }} values={f} />, 400);
  }
});

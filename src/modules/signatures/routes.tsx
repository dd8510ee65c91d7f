// Signature pages under /signatures. Pages never query: they call the services, which check who
// may do what (a person reaches only the requests addressed to them; anything else is a 404).
import { Hono } from 'hono';
import { can } from '../../core/authz.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { fieldErrors, NotFoundError, UserError } from '../../core/errors.ts';
import { type AppEnv, actorOf, type Ctx } from '../../web/context.ts';
import { fileResponse } from '../../web/files.ts';
import { enumQuery, formValues, idParam } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { SIGNATURES } from './permissions.ts';
import {
  cancelSignatureRequest,
  getSignatureRequest,
  listSignatureRequests,
  prepareSignature,
  preparationChoices,
  readSignatureFile,
  resendSignatureRequest,
  type SignatureFileKind,
  type SignatureStatus,
  STATUS_LABELS,
} from './requests.service.ts';
import { cooperativeCertificate, sendSignatureCode, signWithCode } from './signing.service.ts';
import { ListPage, NewPage, RequestPage } from './views/pages.tsx';

export const signaturesRoutes = new Hono<AppEnv>();
signaturesRoutes.use('/signatures', requireActor);
signaturesRoutes.use('/signatures/*', requireActor);

const links = (c: Ctx) => ({ baseUrl: c.get('app').config.publicUrl });
const STATUSES = Object.keys(STATUS_LABELS) as SignatureStatus[];

signaturesRoutes.get('/signatures', async (c) => {
  const actor = actorOf(c);
  const status = enumQuery(c, 'etat', STATUSES);
  const team = can(actor, SIGNATURES.requestManage);
  const data = await withTenant(c.get('app').odb.db, actor.cooperativeId, async (trx) => ({
    rows: await listSignatureRequests(trx, actor, { status, mine: !team }),
    certificate: team ? await cooperativeCertificate(trx, actor) : null,
  }));
  return c.html(
    <ListPage c={c} {...data} team={team} canPrepare={can(actor, SIGNATURES.requestPrepare)} status={status} />,
  );
});

signaturesRoutes.get('/signatures/nouvelle', async (c) => {
  const actor = actorOf(c);
  const choices = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => preparationChoices(trx, actor));
  return c.html(<NewPage c={c} choices={choices} values={{ userId: c.req.query('personne') ?? '' }} />);
});

signaturesRoutes.post('/signatures/nouvelle', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const f = await formValues(c);
  try {
    const r = await withTenant(odb.db, actor.cooperativeId, (trx) =>
      prepareSignature(
        trx,
        actor,
        config.fileKey,
        {
          kind: (f.kind ?? '') as never,
          userId: f.userId ?? '',
          activityId: f.activityId,
          startDate: f.startDate ?? '',
          endDate: f.endDate,
          amount: f.amount,
          subject: f.subject,
        },
        links(c),
      ),
    );
    setFlash(c, { kind: 'success', text: `Document préparé : ${r.signerName} a reçu un e-mail pour le signer.` });
    return c.redirect(`/signatures/${r.id}`);
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    const choices = await withTenant(odb.db, actor.cooperativeId, (trx) => preparationChoices(trx, actor));
    return c.html(<NewPage c={c} choices={choices} values={f} errors={fieldErrors(e)} message={e.message} />, 400);
  }
});

async function requestPage(
  c: Ctx,
  id: string,
  extra: { codeError?: string | null; consentError?: string | null; message?: string | null } = {},
  status = 200,
) {
  const actor = actorOf(c);
  const r = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => getSignatureRequest(trx, actor, id));
  return c.html(
    <RequestPage
      c={c}
      r={r}
      isSigner={r.signerUserId === actor.userId && can(actor, SIGNATURES.sign)}
      canManage={can(actor, SIGNATURES.requestManage)}
      {...extra}
    />,
    status as 200,
  );
}

signaturesRoutes.get('/signatures/:id', (c) => requestPage(c, idParam(c, 'id', 'Demande de signature')));

const serve = (which: SignatureFileKind, inline: boolean) => async (c: Ctx) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const id = idParam(c, 'id', 'Demande de signature');
  const file = await withTenant(odb.db, actor.cooperativeId, (trx) =>
    readSignatureFile(trx, actor, config.fileKey, id, which),
  );
  return fileResponse(file, { inline });
};
signaturesRoutes.get('/signatures/:id/document', serve('document', true));
signaturesRoutes.get('/signatures/:id/document/telecharger', serve('document', false));
signaturesRoutes.get('/signatures/:id/signe', serve('signed', false));
signaturesRoutes.get('/signatures/:id/preuve', serve('evidence', false));

signaturesRoutes.post('/signatures/:id/code', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const id = idParam(c, 'id', 'Demande de signature');
  try {
    const sent = await withTenant(odb.db, actor.cooperativeId, (trx) =>
      sendSignatureCode(trx, actor, config.fileKey, id),
    );
    setFlash(c, { kind: 'success', text: `Code envoyé à ${sent.sentTo} : il est valable 10 minutes.` });
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect(`/signatures/${id}`);
});

signaturesRoutes.post('/signatures/:id/signer', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const id = idParam(c, 'id', 'Demande de signature');
  const f = await formValues(c);
  let result: Awaited<ReturnType<typeof signWithCode>>;
  try {
    // A wrong code is a result, not an error: the transaction commits the spent attempt.
    result = await withTenant(odb.db, actor.cooperativeId, (trx) =>
      signWithCode(trx, actor, config.fileKey, id, {
        code: f.code ?? '',
        consent: f.consent === 'on',
        userAgent: c.req.header('user-agent') ?? null,
      }),
    );
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    return requestPage(c, id, { message: e.message }, 400);
  }
  if (!result.signed)
    return requestPage(
      c,
      id,
      result.field === 'code' ? { codeError: result.message } : { consentError: result.message },
      400,
    );
  setFlash(c, { kind: 'success', text: 'Document signé. Le document scellé et le dossier de preuve sont prêts.' });
  return c.redirect(`/signatures/${id}`);
});

signaturesRoutes.post('/signatures/:id/annuler', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Demande de signature');
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => cancelSignatureRequest(trx, actor, id));
    setFlash(c, { kind: 'success', text: 'Demande annulée.' });
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect(`/signatures/${id}`);
});

signaturesRoutes.post('/signatures/:id/relancer', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Demande de signature');
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
      resendSignatureRequest(trx, actor, id, links(c)),
    );
    setFlash(c, { kind: 'success', text: 'La personne a été relancée par e-mail.' });
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect(`/signatures/${id}`);
});

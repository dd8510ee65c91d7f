// The archive's pages under /coffre-fort: the member's own archive, staff's people and deposit
// form, the direction's settings, downloads (always as attachments) and exports (zip). Pages
// never query: they call the services, which check permissions and log every access.
import { Hono } from 'hono';
import { can } from '../../core/authz.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { fieldErrors, NotFoundError, UserError } from '../../core/errors.ts';
import { requestJob } from '../../core/jobs.ts';
import { type AppEnv, actorOf, type Ctx } from '../../web/context.ts';
import { fileResponse } from '../../web/files.ts';
import { formValues, idParam } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { uploadBodyLimit } from '../../web/request-guards.ts';
import { listMembers } from '../directory/index.ts';
import {
  archiveSettings,
  archivesList,
  deleteOwnDocument,
  depositDocument,
  getDocument,
  MAX_ARCHIVE_FILE_BYTES,
  openDocument,
  ownArchive,
  personArchive,
  saveArchiveSettings,
  setContractEnd,
  uploadOwnDocument,
} from './archive.service.ts';
import { TIMESTAMP_QUEUE } from './events.ts';
import { exportArchive } from './export.service.ts';
import { VAULT } from './permissions.ts';
import { OwnArchivePage, PeoplePage, PersonArchivePage, SettingsPage } from './views/archive-pages.tsx';

export const vaultRoutes = new Hono<AppEnv>();
for (const p of ['/coffre-fort', '/coffre-fort/*']) vaultRoutes.use(p, requireActor);

const UPLOAD_LIMIT = uploadBodyLimit(MAX_ARCHIVE_FILE_BYTES + 64 * 1024);
const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(c.get('app').odb.db, actorOf(c).cooperativeId, fn);

/** The proofs of new entries are timestamped after the commit, never inside the request. */
const timestampLater = (c: Ctx) => requestJob(TIMESTAMP_QUEUE, { cooperativeId: actorOf(c).cooperativeId });

async function ownPage(c: Ctx, errors?: Record<string, string>, values?: Record<string, string>) {
  const view = await tenant(c, (tx) => ownArchive(tx, actorOf(c)));
  return c.html(<OwnArchivePage c={c} view={view} errors={errors} values={values} />, errors ? 400 : 200);
}

vaultRoutes.get('/coffre-fort', (c) => ownPage(c));

async function upload(
  c: Ctx,
): Promise<
  | { fields: Record<string, string>; name: string; content: Buffer }
  | { fields: Record<string, string>; error: UserError }
> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v;
  const file = body.document;
  if (!(file instanceof File) || file.size === 0)
    return { fields, error: new UserError('Choisissez un fichier (PDF ou photo).', 'document') };
  return { fields, name: file.name, content: Buffer.from(await file.arrayBuffer()) };
}

vaultRoutes.post('/coffre-fort/documents', UPLOAD_LIMIT, async (c) => {
  const actor = actorOf(c);
  const u = await upload(c);
  try {
    if ('error' in u) throw u.error;
    const d = await tenant(c, (tx) =>
      uploadOwnDocument(tx, actor, c.get('app').config.fileKey, {
        title: u.fields.title,
        documentDate: u.fields.documentDate,
        name: u.name,
        content: u.content,
      }),
    );
    await timestampLater(c);
    setFlash(c, { kind: 'success', text: `« ${d.title} » est dans votre coffre-fort.` });
    return c.redirect('/coffre-fort');
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    return ownPage(c, fieldErrors(e) ?? { _: e.message }, u.fields);
  }
});

for (const [path, part] of [
  ['/coffre-fort/documents/:id/fichier', 'main'],
  ['/coffre-fort/documents/:id/preuve-signature', 'companion'],
] as const)
  vaultRoutes.get(path, async (c) => {
    const id = idParam(c, 'id', 'Document');
    const f = await tenant(c, (tx) => openDocument(tx, actorOf(c), c.get('app').config.fileKey, id, 'download', part));
    return fileResponse(f);
  });

vaultRoutes.post('/coffre-fort/documents/:id/supprimer', async (c) => {
  const id = idParam(c, 'id', 'Document');
  await tenant(c, (tx) => deleteOwnDocument(tx, actorOf(c), id));
  setFlash(c, { kind: 'success', text: 'Document supprimé. Sa preuve reste dans la chaîne.' });
  return c.redirect('/coffre-fort');
});

vaultRoutes.post('/coffre-fort/documents/:id/fin', async (c) => {
  const id = idParam(c, 'id', 'Document');
  const f = await formValues(c);
  const d = await tenant(c, async (tx) => {
    await setContractEnd(tx, actorOf(c), id, f.endsOn ?? '');
    return getDocument(tx, actorOf(c), id);
  });
  setFlash(c, { kind: 'success', text: 'Date de fin enregistrée.' });
  return c.redirect(`/coffre-fort/personnes/${d.userId}`);
});

vaultRoutes.get('/coffre-fort/export', async (c) => {
  const z = await tenant(c, (tx) => exportArchive(tx, actorOf(c), c.get('app').config.fileKey));
  return fileResponse(z);
});

vaultRoutes.get('/coffre-fort/personnes', async (c) => {
  const actor = actorOf(c);
  const people = await tenant(c, async (tx) => {
    const withDocs = new Map((await archivesList(tx, actor)).map((p) => [p.userId, p]));
    const members = await listMembers(tx, actor, { pageSize: 2000 });
    const all = members.items.map((m) => ({
      userId: m.userId,
      name: m.displayName,
      email: m.email,
      documents: withDocs.get(m.userId)?.documents ?? 0,
    }));
    for (const p of withDocs.values()) if (!all.some((x) => x.userId === p.userId)) all.push(p);
    return all;
  });
  return c.html(<PeoplePage c={c} people={people} canSettings={can(actor, VAULT.settingsManage)} />);
});

function depositKinds(c: Ctx): [string, string][] {
  const actor = actorOf(c);
  const k: [string, string][] = [];
  if (can(actor, VAULT.depositPayroll)) k.push(['payslip', 'Bulletin de paie'], ['invoice', 'Facture']);
  if (can(actor, VAULT.deposit))
    k.push(['certificate', 'Certificat'], ['attestation', 'Attestation'], ['contract', 'Contrat']);
  return k;
}

async function personPage(c: Ctx, userId: string, errors?: Record<string, string>, values?: Record<string, string>) {
  const view = await tenant(c, (tx) => personArchive(tx, actorOf(c), userId));
  return c.html(
    <PersonArchivePage
      c={c}
      view={view}
      depositKinds={depositKinds(c)}
      canSetEnd={can(actorOf(c), VAULT.deposit)}
      errors={errors}
      values={values}
    />,
    errors ? 400 : 200,
  );
}

vaultRoutes.get('/coffre-fort/personnes/:userId', (c) => personPage(c, idParam(c, 'userId', 'Personne')));

vaultRoutes.post('/coffre-fort/personnes/:userId/depots', UPLOAD_LIMIT, async (c) => {
  const userId = idParam(c, 'userId', 'Personne');
  const u = await upload(c);
  try {
    if ('error' in u) throw u.error;
    const d = await tenant(c, (tx) =>
      depositDocument(tx, actorOf(c), c.get('app').config.fileKey, {
        userId,
        kind: u.fields.kind,
        contractKind: u.fields.contractKind,
        title: u.fields.title,
        documentDate: u.fields.documentDate,
        name: u.name,
        content: u.content,
      }),
    );
    await timestampLater(c);
    setFlash(c, { kind: 'success', text: `« ${d.title} » déposé.` });
    return c.redirect(`/coffre-fort/personnes/${userId}`);
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    return personPage(c, userId, fieldErrors(e) ?? { _: e.message }, u.fields);
  }
});

vaultRoutes.get('/coffre-fort/personnes/:userId/export', async (c) => {
  const userId = idParam(c, 'userId', 'Personne');
  const z = await tenant(c, (tx) => exportArchive(tx, actorOf(c), c.get('app').config.fileKey, userId));
  return fileResponse(z);
});

vaultRoutes.get('/coffre-fort/reglages', async (c) => {
  const s = await tenant(c, (tx) => archiveSettings(tx, actorOf(c)));
  return c.html(<SettingsPage c={c} s={s} />);
});

vaultRoutes.post('/coffre-fort/reglages', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (tx) => saveArchiveSettings(tx, actorOf(c), f));
    setFlash(c, { kind: 'success', text: 'Réglages enregistrés.' });
    return c.redirect('/coffre-fort/reglages');
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    const s = await tenant(c, (tx) => archiveSettings(tx, actorOf(c)));
    return c.html(<SettingsPage c={c} s={s} errors={fieldErrors(e) ?? { _: e.message }} values={f} />, 400);
  }
});

// `/import/endi`: bringing a cooperative's history from enDI, for the direction and the accountant
// (migration.importHistory). 1. upload the exports (CSV/XLSX, and the invoices' PDFs); 2. for each
// kind of file, our fields beside a select of the file's headers, pre-filled from the last saved
// mapping or enDI's known header names; a mapping can be saved under a name; 3. "Aperçu" shows the
// first rows as mapped, "Vérifier" is the dry run listing every problem with its file and line,
// "Importer" imports all or nothing (running it again adds nothing). Plain form posts; with htmx
// the check and the import replace only the result panel and show a progress bar meanwhile (the
// pattern of /comptabilite/import).
import { Hono } from 'hono';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { Card, Csrf, ImportProblems, PageHeader } from '../../web/components.tsx';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { requireActor } from '../../web/middleware.ts';
import { tooLargeMessage, uploadBodyLimit } from '../../web/request-guards.ts';
import { type EndiKind, FIELD_LABELS, KIND_LABELS, SPECS } from './endi-files.ts';
import type { ImportReport } from './endi-import.service.ts';
import {
  applyEndiMapping,
  type ColumnMapping,
  currentEndiUpload,
  ENDI_UPLOAD_RETENTION_DAYS,
  ENDI_WEB_MAX_FILE_BYTES,
  ENDI_WEB_MAX_UPLOAD_BYTES,
  listEndiMappings,
  previewEndiUpload,
  receiveEndiUpload,
  runEndiUpload,
  type SavedMapping,
  saveEndiMapping,
  setEndiMapping,
  type UploadState,
} from './endi-web.service.ts';
import { MIGRATION } from './permissions.ts';

export const migrationRoutes = new Hono<AppEnv>();
migrationRoutes.use('/import/endi', requireActor);
migrationRoutes.use('/import/endi/*', requireActor);

const PAGE = '/import/endi';
const db = (c: Ctx) => c.get('app').odb.db;
const fileKey = (c: Ctx) => c.get('app').config.fileKey;
const MB = (n: number) => `${n / 1024 / 1024} Mo`;

const CREATED_LABELS: Record<keyof ImportReport['created'], string> = {
  activities: 'activité(s)',
  people: 'personne(s)',
  customers: 'client(s)',
  suppliers: 'fournisseur(s)',
  quotes: 'devis',
  invoices: 'facture(s)',
  credit_notes: 'avoir(s)',
  payments: 'paiement(s)',
};

interface PageState {
  upload: UploadState | null;
  saved: SavedMapping[];
  errors?: Record<string, string>;
  name?: string;
  preview?: boolean;
  report?: ImportReport & { dryRun: boolean };
}

function Report(p: { r: ImportReport & { dryRun: boolean } }) {
  const { r } = p;
  const what = Object.entries(r.created)
    .map(([k, n]) => `${n} ${CREATED_LABELS[k as keyof ImportReport['created']]}`)
    .join(', ');
  if (!r.problems.length)
    return (
      <div class="alert alert-success" role="status">
        <p>
          {r.dryRun
            ? `Vérification terminée, rien n'a été écrit. Seraient créés : ${what}.`
            : `Import terminé. Créés : ${what}.`}{' '}
          {Object.values(r.created).every((n) => n === 0) ? 'Rien de nouveau : ces exports ont déjà été importés.' : ''}
        </p>
      </div>
    );
  return (
    <>
      <div class="alert alert-error" role="alert">
        <p>
          Rien n'a été importé : {r.problems.length} problème(s) à corriger dans les fichiers ou dans la correspondance
          des colonnes, puis recommencez.
        </p>
      </div>
      <ImportProblems problems={r.problems} />
    </>
  );
}

function Preview(p: { upload: UploadState }) {
  return (
    <Card title="Aperçu des premières lignes">
      {previewEndiUpload(p.upload).map((t) => (
        <section>
          <h3>
            {t.name} — {KIND_LABELS[t.kind]}
          </h3>
          {t.fields.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th class="num">Ligne</th>
                  {t.fields.map((f) => (
                    <th>{FIELD_LABELS[f] ?? f}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {t.rows.map((r) => (
                  <tr>
                    <td data-label="Ligne" class="num">
                      {r.line}
                    </td>
                    {r.values.map((v, i) => (
                      <td data-label={FIELD_LABELS[t.fields[i]] ?? t.fields[i]}>{v}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>Aucune colonne associée.</p>
          )}
        </section>
      ))}
    </Card>
  );
}

function Result(p: { st: PageState }) {
  return (
    <div id="endi-result" aria-live="polite">
      {p.st.report ? <Report r={p.st.report} /> : null}
      {p.st.preview && p.st.upload ? <Preview upload={p.st.upload} /> : null}
    </div>
  );
}

/** For each kind uploaded: the files, and the union of their headers (normalised → as written). */
function kindsOf(upload: UploadState) {
  const kinds = new Map<EndiKind, { files: string[]; headers: Map<string, string> }>();
  for (const t of upload.tables) {
    const k = kinds.get(t.kind) ?? { files: [] as string[], headers: new Map<string, string>() };
    k.files.push(t.name);
    t.headers.forEach((h, i) => {
      if (h && !k.headers.has(h)) k.headers.set(h, t.labels[i] || h);
    });
    kinds.set(t.kind, k);
  }
  return kinds;
}

function MappingForm(p: { c: Ctx; st: PageState; upload: UploadState }) {
  const { st, upload } = p;
  const err = st.errors ?? {};
  return (
    <form method="post" action={PAGE} novalidate>
      <Csrf token={p.c.get('csrf')} />
      {[...kindsOf(upload)].map(([kind, k]) => (
        <fieldset class="mapping">
          <legend>
            {KIND_LABELS[kind]} : {k.files.join(', ')}
          </legend>
          {Object.entries(SPECS[kind]).map(([field, f]) => {
            const id = `col-${kind}-${field}`;
            const value = upload.mapping[kind]?.[field] ?? '';
            return (
              <div class="field">
                <label for={id}>
                  {FIELD_LABELS[field] ?? field}
                  {f.required ? ' (obligatoire)' : ''}
                </label>
                <select id={id} name={`col.${kind}.${field}`}>
                  <option value="" selected={value === ''}>
                    — aucune colonne —
                  </option>
                  {[...k.headers].map(([h, label]) => (
                    <option value={h} selected={value === h}>
                      {label}
                    </option>
                  ))}
                </select>
              </div>
            );
          })}
        </fieldset>
      ))}
      <div class={`field${err.nom ? ' has-error' : ''}`}>
        <label for="f-nom">Nom de la correspondance (pour l'enregistrer)</label>
        <p class="hint" id="f-nom-hint">
          Enregistrée pour la coopérative, elle est proposée au prochain dépôt.
        </p>
        <input
          id="f-nom"
          name="nom"
          type="text"
          maxlength={100}
          value={st.name ?? ''}
          aria-describedby={err.nom ? 'f-nom-hint f-nom-error' : 'f-nom-hint'}
          aria-invalid={err.nom ? 'true' : undefined}
        />
        {err.nom ? (
          <p class="error" id="f-nom-error" role="alert">
            {err.nom}
          </p>
        ) : null}
      </div>
      <div class="actions">
        <button type="submit" name="mode" value="enregistrer" class="btn-secondary">
          Enregistrer la correspondance
        </button>
        <button type="submit" name="mode" value="apercu" class="btn-secondary">
          Aperçu
        </button>
        <RunButton mode="verifier" class="btn-secondary">
          Vérifier (rien n'est écrit)
        </RunButton>
        <RunButton mode="importer">Importer</RunButton>
      </div>
      <p id="endi-progress" class="htmx-indicator" aria-live="polite">
        <progress aria-label="Import en cours" /> Contrôle et import en cours…
      </p>
    </form>
  );
}

/** « Vérifier » or « Importer »: a plain submit, or with htmx only the result panel replaced
 *  while a progress bar shows. */
function RunButton(p: { mode: 'verifier' | 'importer'; class?: string; children: unknown }) {
  return (
    <button
      type="submit"
      name="mode"
      value={p.mode}
      class={p.class}
      hx-post={PAGE}
      hx-vals={JSON.stringify({ mode: p.mode })}
      hx-select="#endi-result"
      hx-target="#endi-result"
      hx-swap="outerHTML"
      hx-indicator="#endi-progress"
      hx-disabled-elt="this"
    >
      {p.children}
    </button>
  );
}

function ImportPage(p: { c: Ctx; st: PageState }) {
  const { st, c } = p;
  const err = st.errors ?? {};
  const fileError = err.fichiers ?? tooLargeMessage(c) ?? undefined;
  return (
    <Layout c={c} title="Importer depuis enDI" wide>
      <PageHeader
        title="Importer depuis enDI"
        help="Reprenez l'historique de la coopérative : enseignes, personnes, clients, fournisseurs, devis, factures et avoirs (avec leurs numéros et leurs PDF), paiements. Tout ou rien ; recommencer n'ajoute rien."
      />
      <Card title="1. Fichiers exportés d'enDI">
        <form method="post" action={`${PAGE}/fichiers`} enctype="multipart/form-data" novalidate>
          <Csrf token={c.get('csrf')} />
          <div class={`field${fileError ? ' has-error' : ''}`}>
            <label for="f-fichiers">Exports enDI (CSV ou XLSX) et PDF des factures</label>
            <p class="hint" id="f-fichiers-hint">
              Un fichier par export : enseignes, utilisateurs, clients, fournisseurs, devis, factures, avoirs, lignes ou
              paiements, reconnu par son nom ou par ses colonnes. {MB(ENDI_WEB_MAX_FILE_BYTES)} au plus par fichier,{' '}
              {MB(ENDI_WEB_MAX_UPLOAD_BYTES)} en tout. Un nouveau dépôt remplace le précédent ; un dépôt est effacé
              après l'import, ou après {ENDI_UPLOAD_RETENTION_DAYS} jours sans import.
            </p>
            <input
              id="f-fichiers"
              type="file"
              name="fichiers"
              multiple
              accept=".csv,.xlsx,.pdf,text/csv,application/pdf,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby={fileError ? 'f-fichiers-hint f-fichiers-error' : 'f-fichiers-hint'}
              aria-invalid={fileError ? 'true' : undefined}
              required
            />
            {fileError ? (
              <p class="error" id="f-fichiers-error" role="alert">
                {fileError}
              </p>
            ) : null}
          </div>
          <div class="actions">
            <button type="submit">Déposer les fichiers</button>
          </div>
        </form>
      </Card>
      {st.upload ? (
        <>
          {st.saved.length ? (
            <Card title="Correspondances enregistrées">
              <form method="post" action={`${PAGE}/correspondance`} class="inline-form">
                <Csrf token={c.get('csrf')} />
                <div class="field">
                  <label for="f-correspondance">Appliquer une correspondance enregistrée</label>
                  <select id="f-correspondance" name="id">
                    {st.saved.map((m) => (
                      <option value={m.id}>{m.name}</option>
                    ))}
                  </select>
                </div>
                <button type="submit" class="btn-secondary">
                  Appliquer
                </button>
              </form>
            </Card>
          ) : null}
          <Card title="2. Correspondance des colonnes">
            <p>
              Pour chaque donnée attendue, choisissez la colonne du fichier qui la contient. Les noms de colonnes d'enDI
              sont reconnus d'avance.
            </p>
            {st.upload.problems.length ? (
              <ul>
                {st.upload.problems.map((x) => (
                  <li>
                    {x.file} : {x.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {Object.keys(st.upload.pdfs).length ? <p>PDF déposés : {Object.keys(st.upload.pdfs).join(', ')}.</p> : null}
            <MappingForm c={c} st={st} upload={st.upload} />
          </Card>
        </>
      ) : st.saved.length ? (
        <p>Correspondances enregistrées : {st.saved.map((m) => m.name).join(', ')}.</p>
      ) : null}
      <Result st={st} />
    </Layout>
  );
}

async function pageState(c: Ctx, actor: Actor, extra: Partial<PageState> = {}): Promise<PageState> {
  return {
    upload: await currentEndiUpload(db(c), actor),
    saved: await listEndiMappings(db(c), actor),
    ...extra,
  };
}

migrationRoutes.get(PAGE, async (c) => {
  const actor = actorOf(c);
  authorize(actor, MIGRATION.importHistory);
  return c.html(<ImportPage c={c} st={await pageState(c, actor)} />);
});

migrationRoutes.post(`${PAGE}/fichiers`, uploadBodyLimit(ENDI_WEB_MAX_UPLOAD_BYTES, { returnTo: PAGE }), async (c) => {
  const actor = actorOf(c);
  authorize(actor, MIGRATION.importHistory);
  const body = await c.req.parseBody({ all: true });
  const raw = body.fichiers;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (f): f is File => f instanceof File && !(f.size === 0 && !f.name),
  );
  try {
    await receiveEndiUpload(
      db(c),
      actor,
      fileKey(c),
      await Promise.all(list.map(async (f) => ({ name: f.name, content: Buffer.from(await f.arrayBuffer()) }))),
    );
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(<ImportPage c={c} st={await pageState(c, actor, { errors: { fichiers: e.message } })} />, 400);
  }
  return c.redirect(PAGE, 303);
});

migrationRoutes.post(`${PAGE}/correspondance`, async (c) => {
  const actor = actorOf(c);
  authorize(actor, MIGRATION.importHistory);
  const body = await c.req.parseBody();
  await applyEndiMapping(db(c), actor, typeof body.id === 'string' ? body.id : '');
  return c.redirect(PAGE, 303);
});

migrationRoutes.post(PAGE, async (c) => {
  const actor = actorOf(c);
  authorize(actor, MIGRATION.importHistory);
  const body = await c.req.parseBody();
  const wanted: ColumnMapping = {};
  for (const [k, v] of Object.entries(body)) {
    const m = /^col\.([a-z_]{1,20})\.([A-Za-z]{1,30})$/.exec(k);
    if (!m || typeof v !== 'string' || !(m[1] in SPECS)) continue;
    const kind = m[1] as EndiKind;
    wanted[kind] = { ...wanted[kind], [m[2]]: v.slice(0, 300) };
  }
  const mode = typeof body.mode === 'string' ? body.mode : 'apercu';
  const name = typeof body.nom === 'string' ? body.nom.slice(0, 200) : '';
  const upload = await setEndiMapping(db(c), actor, wanted);
  if (mode === 'enregistrer') {
    try {
      const m = await saveEndiMapping(db(c), actor, name);
      c.set('flash', { kind: 'success', text: `Correspondance « ${m.name} » enregistrée.` });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const st = await pageState(c, actor, { errors: e.fields, name });
      return c.html(<ImportPage c={c} st={st} />, 400);
    }
    return c.html(<ImportPage c={c} st={await pageState(c, actor, { upload, name })} />);
  }
  if (mode === 'verifier' || mode === 'importer') {
    const dryRun = mode === 'verifier';
    const report = await runEndiUpload(db(c), actor, fileKey(c), { dryRun });
    const st = await pageState(c, actor, { upload, name, report: { ...report, dryRun } });
    // htmx swaps the result panel in place (a 4xx would not be swapped).
    const status = report.problems.length && c.req.header('HX-Request') !== 'true' ? 400 : 200;
    return c.html(<ImportPage c={c} st={st} />, status);
  }
  return c.html(<ImportPage c={c} st={await pageState(c, actor, { upload, name, preview: true })} />);
});

// `/comptabilite/import`: import of the entries of an accounting package (FEC or CSV) for the
// accountant and the direction. One form: "Vérifier" runs a dry run (nothing written) and lists
// what would be imported and every problem with its line; "Importer" does the same and commits
// only when there is no problem. With htmx only the result panel is replaced, so the chosen file
// stays selected between the check and the import; the request shows a progress bar meanwhile.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Csrf, PageHeader, Card, ImportProblems } from '../../web/components.tsx';
import { uploadBodyLimit } from '../../web/request-guards.ts';
import { requireActor } from '../../web/middleware.ts';
import { requireRole } from '../../core/actor.ts';
import { formatEuros } from '../../core/money.ts';
import { ENTRIES_IMPORT_MAX_BYTES, ENTRIES_IMPORT_MAX_LINES } from './entries-import-read.ts';
import { AccountingTabs } from './views/accounting-tabs.tsx';
import { importEntries, parseCodeMapping, type EntriesImportReport } from './entries-import.service.ts';

export const importRoutes = new Hono<AppEnv>();
importRoutes.use('/comptabilite/import', requireActor);

const ACCOUNTING = ['accountant', 'director'] as const;
const db = (c: Ctx) => c.get('app').odb.db;
const MAX_MB = ENTRIES_IMPORT_MAX_BYTES / 1024 / 1024;

interface FormState {
  journals?: string;
  analytic?: string;
  error?: string;
  report?: EntriesImportReport;
}

function Result(p: { st: FormState }) {
  const { error, report: r } = p.st;
  if (error)
    return (
      <div id="import-result" class="alert alert-error" role="alert">
        <p>{error}</p>
      </div>
    );
  if (!r) return <div id="import-result" />;
  const refused = r.problems.length > 0;
  return (
    <div id="import-result" aria-live="polite">
      {refused ? (
        <div class="alert alert-error" role="alert">
          <p>
            Fichier refusé : rien n'a été importé. {r.problems.length} problème(s) à corriger dans le fichier ou dans
            les correspondances, puis recommencez.
          </p>
        </div>
      ) : (
        <div class="alert alert-success" role="status">
          <p>
            {r.dryRun
              ? `Vérification terminée, rien n'a été écrit : ${r.imported} écriture(s) seraient importées.`
              : `${r.imported} écriture(s) importée(s).`}{' '}
            {r.alreadyImported ? `${r.alreadyImported} écriture(s) déjà importée(s) auparavant, ignorée(s).` : ''}
          </p>
        </div>
      )}
      <Card title="Ce que contient le fichier">
        <ul>
          <li>
            Format : {r.format === 'fec' ? 'FEC' : r.format === 'csv' ? 'CSV' : 'illisible'}
            {r.encoding ? `, encodage ${r.encoding.toUpperCase()}` : ''} — {r.lines} ligne(s), {r.entries} écriture(s).
          </li>
          {!refused ? (
            <li>
              Total {r.dryRun ? 'à importer' : 'importé'} : débit {formatEuros(r.debitCents)}, crédit{' '}
              {formatEuros(r.creditCents)}.
            </li>
          ) : null}
          {r.journalsCreated.length ? <li>Journaux créés : {r.journalsCreated.join(', ')}.</li> : null}
          {r.accountsCreated.length ? (
            <li>Comptes créés dans le plan comptable : {r.accountsCreated.join(', ')}.</li>
          ) : null}
          {r.accountsMapped.length ? (
            <li>
              Comptes rapprochés du plan comptable : {r.accountsMapped.map((m) => `${m.from} → ${m.to}`).join(', ')}.
            </li>
          ) : null}
        </ul>
        {r.byJournal.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Journal</th>
                <th class="num">Écritures</th>
                <th class="num">Débit</th>
              </tr>
            </thead>
            <tbody>
              {r.byJournal.map((j) => (
                <tr>
                  <td data-label="Journal">{j.journal}</td>
                  <td data-label="Écritures" class="num">
                    {j.entries}
                  </td>
                  <td data-label="Débit" class="num">
                    {formatEuros(j.debitCents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {r.activities.length ? (
          <p>
            Activités concernées (code analytique) :{' '}
            {r.activities.map((a) => `${a.code} (${a.entries} écriture(s))`).join(', ')}.
          </p>
        ) : null}
      </Card>
      {refused ? <ImportProblems problems={r.problems} /> : null}
    </div>
  );
}

function ImportPage(p: { c: Ctx; st: FormState }) {
  const { st } = p;
  return (
    <Layout c={p.c} title="Importer des écritures" wide>
      <PageHeader
        title="Importer des écritures"
        help="Pour les coopératives qui tiennent leur comptabilité dans un autre logiciel : importez son FEC ou un CSV d'écritures, la trésorerie, la balance et les comptes d'activité les montrent."
      />
      <AccountingTabs current="/comptabilite/import" />
      <Card title="Fichier">
        <form
          method="post"
          action="/comptabilite/import"
          enctype="multipart/form-data"
          novalidate
          hx-post="/comptabilite/import"
          hx-encoding="multipart/form-data"
          hx-target="#import-result"
          hx-swap="outerHTML"
          hx-indicator="#import-progress"
          hx-disabled-elt="find button"
        >
          <Csrf token={p.c.get('csrf')} />
          <div class="field">
            <label for="import-file">Fichier des écritures</label>
            <p class="hint" id="import-file-hint">
              Le FEC de votre logiciel (18 colonnes, séparées par des tabulations ou des barres verticales, en UTF-8 ou
              ISO-8859-15), ou un CSV avec les colonnes date, journal, compte, libellé, débit, crédit et code
              analytique.
              {` ${MAX_MB} Mo et ${ENTRIES_IMPORT_MAX_LINES.toLocaleString('fr-FR')} lignes au plus.`} Importer à
              nouveau le même fichier n'ajoute rien.
            </p>
            <input
              id="import-file"
              type="file"
              name="file"
              accept=".txt,.csv,text/plain,text/csv"
              aria-describedby="import-file-hint"
              required
            />
          </div>
          <div class="field">
            <label for="import-journals">Correspondance des journaux (facultatif)</label>
            <p class="hint" id="import-journals-hint">
              Un par ligne, code du fichier = code de Radieuse, par exemple « BQ1 = BQ » ou « VE = VT ». Les autres
              journaux inconnus sont créés.
            </p>
            <textarea id="import-journals" name="journals" rows={2} aria-describedby="import-journals-hint">
              {st.journals ?? ''}
            </textarea>
          </div>
          <div class="field">
            <label for="import-analytic">Correspondance des codes analytiques (facultatif)</label>
            <p class="hint" id="import-analytic-hint">
              Un par ligne, code du fichier = code analytique de l'activité. Un code qui ne correspond à aucune activité
              est signalé.
            </p>
            <textarea id="import-analytic" name="analytic" rows={2} aria-describedby="import-analytic-hint">
              {st.analytic ?? ''}
            </textarea>
          </div>
          <div class="actions">
            <button type="submit" name="mode" value="verifier" class="btn-secondary">
              Vérifier (rien n'est écrit)
            </button>
            <button type="submit" name="mode" value="importer">
              Importer
            </button>
          </div>
          <p id="import-progress" class="htmx-indicator" aria-live="polite">
            <progress aria-label="Import en cours" /> Lecture et contrôle des écritures en cours…
          </p>
        </form>
      </Card>
      <Result st={st} />
    </Layout>
  );
}

importRoutes.get('/comptabilite/import', (c) => {
  requireRole(actorOf(c), ...ACCOUNTING);
  return c.html(<ImportPage c={c} st={{}} />);
});

importRoutes.post('/comptabilite/import', uploadBodyLimit(ENTRIES_IMPORT_MAX_BYTES + 256 * 1024), async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const body = await c.req.parseBody();
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 5000) : '');
  const st: FormState = { journals: text('journals'), analytic: text('analytic') };
  const file = body.file;
  const partial = c.req.header('HX-Request') === 'true';
  const answer = (s: FormState, status: 200 | 400) =>
    partial ? c.html(<Result st={s} />, 200) : c.html(<ImportPage c={c} st={s} />, status);
  if (!(file instanceof File) || file.size === 0)
    return answer({ ...st, error: 'Choisissez le fichier des écritures (FEC ou CSV).' }, 400);
  if (file.size > ENTRIES_IMPORT_MAX_BYTES)
    return answer({ ...st, error: `Fichier trop volumineux (${MAX_MB} Mo au plus).` }, 400);
  const report = await importEntries(db(c), actor, Buffer.from(await file.arrayBuffer()), file.name.slice(0, 200), {
    dryRun: text('mode') !== 'importer',
    journals: parseCodeMapping(st.journals),
    analytic: parseCodeMapping(st.analytic),
  });
  return answer({ ...st, report }, report.problems.length ? 400 : 200);
});

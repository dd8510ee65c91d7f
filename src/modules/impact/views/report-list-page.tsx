// The reports page (/impact/rapports): every report the member can produce, by year, with its
// downloads; for directors and network staff, the funders and the reports shared with them, and
// the form that shares one (the funder's personal link is shown once, when it is created).
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary, PageHeader, Select } from '../../../web/components.tsx';
import type { AvailableReport } from '../report.service.ts';
import type { Funder, ReportRef } from '../funder.service.ts';

export const KIND_LABEL = { impact: 'Rapport d’impact', fse: 'Rapport FSE (participants)' } as const;
export const scopeLabel = (s: ReportRef['scope'], name: string) => (s === 'network' ? 'Réseau' : name);
/** `impact-cooperative-2025`: the name of a report in links and files. */
export const refSlug = (r: ReportRef) => `${r.kind}-${r.scope === 'network' ? 'reseau' : 'cooperative'}-${r.year}`;
export function parseRefSlug(s: string): (ReportRef & { ext: string }) | null {
  const m = /^(impact|fse)-(cooperative|reseau)-(\d{4})\.(pdf|xlsx|csv)$/.exec(s);
  if (!m) return null;
  const kind = m[1] as ReportRef['kind'];
  const ext = m[4]!;
  if (kind === 'fse' && ext === 'pdf') return null;
  return { kind, scope: m[2] === 'reseau' ? 'network' : 'cooperative', year: Number(m[3]), ext };
}
export const formatsOf = (kind: ReportRef['kind']) => (kind === 'impact' ? ['pdf', 'xlsx', 'csv'] : ['xlsx', 'csv']);

/** Member download links: the impact report's files, or the ESF page and files. */
function memberLinks(r: AvailableReport) {
  const q = `annee=${r.year}${r.scope === 'network' ? '&portee=reseau' : ''}`;
  const base = r.kind === 'impact' ? '/impact/rapports/impact' : '/impact/rapports/fse';
  return (
    <>
      {r.kind === 'fse' && <a href={`${base}?${q}`}>voir</a>}
      {formatsOf(r.kind).map((ext) => (
        <>
          {' '}
          <a href={`${base}.${ext}?${q}`} download>
            {ext.toUpperCase()}
          </a>
        </>
      ))}
    </>
  );
}

export interface ShareForm {
  name: string;
  email: string;
  report: string;
}

export function ReportListPage(p: {
  c: Ctx;
  cooperativeName: string;
  reports: AvailableReport[];
  funders: Funder[] | null;
  form: ShareForm;
  errors: Record<string, string> | null;
  created: { name: string; link: string } | null;
}) {
  const { c, reports } = p;
  const years = [...new Set(reports.map((r) => r.year))];
  return (
    <Layout c={c} title="Rapports d’impact">
      <PageHeader
        title="Rapports"
        help="Le rapport d’impact de l’année (indicateurs, quartiles du réseau, évolution, participants FSE) en PDF, XLSX ou CSV, et le rapport FSE des participants. Aucun chiffre portant sur moins de 5 personnes n’y figure."
      />
      {p.created && (
        <div class="notice" role="status">
          <p>
            Accès créé pour {p.created.name}. Envoyez-lui ce lien personnel (il n’est affiché qu’une fois) : il ouvre la
            liste des rapports partagés avec ce financeur, et rien d’autre.
          </p>
          <p>
            <code>{p.created.link}</code>
          </p>
        </div>
      )}
      <Card title="Rapports disponibles">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Année</th>
              <th scope="col">Rapport</th>
              <th scope="col">Périmètre</th>
              <th scope="col">Télécharger</th>
            </tr>
          </thead>
          <tbody>
            {years.map((y) =>
              reports
                .filter((r) => r.year === y)
                .map((r) => (
                  <tr>
                    <td>{y}</td>
                    <td>{KIND_LABEL[r.kind]}</td>
                    <td>{scopeLabel(r.scope, p.cooperativeName)}</td>
                    <td>{memberLinks(r)}</td>
                  </tr>
                )),
            )}
          </tbody>
        </table>
      </Card>
      {p.funders && (
        <>
          <Card title="Partager un rapport avec un financeur">
            <p class="muted">
              Le financeur reçoit un lien personnel en lecture seule : il y voit seulement les rapports que vous avez
              partagés avec lui. Un financeur déjà connu (même adresse) garde son lien.
            </p>
            <form method="post" action="/impact/rapports/partages" novalidate>
              <Csrf token={c.get('csrf')} />
              <FormErrorSummary errors={p.errors} />
              <Field label="Nom du financeur" name="name" value={p.form.name} error={p.errors?.name} />
              <Field
                label="Adresse e-mail"
                name="email"
                type="email"
                value={p.form.email}
                error={p.errors?.email}
                required
              />
              <Select
                label="Rapport"
                name="report"
                value={p.form.report}
                error={p.errors?.report}
                options={reports.map((r) => [
                  refSlug(r),
                  `${KIND_LABEL[r.kind]} ${r.year} — ${scopeLabel(r.scope, p.cooperativeName)}`,
                ])}
              />
              <button class="btn" type="submit">
                Partager
              </button>
            </form>
          </Card>
          <Card title="Financeurs">
            {p.funders.length === 0 ? (
              <p class="muted">Aucun rapport partagé pour l’instant.</p>
            ) : (
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Financeur</th>
                    <th scope="col">Rapports partagés</th>
                    <th scope="col">Accès</th>
                  </tr>
                </thead>
                <tbody>
                  {p.funders.map((f) => (
                    <tr>
                      <td>
                        {f.name} <span class="muted">{f.email}</span>
                      </td>
                      <td>
                        {f.shares
                          .map((s) => `${KIND_LABEL[s.kind]} ${s.year} (${scopeLabel(s.scope, p.cooperativeName)})`)
                          .join(' ; ')}
                      </td>
                      <td>
                        <form method="post" action={`/impact/financeurs/${f.id}/retirer`}>
                          <Csrf token={c.get('csrf')} />
                          <button class="btn secondary" type="submit">
                            Retirer l’accès
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </>
      )}
    </Layout>
  );
}

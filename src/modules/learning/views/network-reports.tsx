// The network's training report page (network staff): filters, the lines per cooperative × course
// (paginated; each cell labelled so the table reads as cards on a phone), the bilan's totals.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, EmptyState, Field, Figure, PageHeader, Pagination, Select } from '../../../web/components.tsx';
import type { NetworkReportLine, NetworkTrainingReport, TraineeBreakdown } from '../network-reports.service.ts';

export const NETWORK_REPORT_PAGE_SIZE = 50;
const hoursFr = (x: number) => x.toFixed(2).replace('.', ',');
const HIDDEN_TITLE = 'Masqué : moins de 5 personnes, ou pour qu’on ne puisse pas le retrouver à partir du total';

function Hidden() {
  return (
    <abbr title={HIDDEN_TITLE} class="muted">
      masqué
    </abbr>
  );
}
const count = (v: number | null) => (v === null ? <Hidden /> : String(v));
const hours = (v: number | null) => (v === null ? <Hidden /> : hoursFr(v));

export interface NetworkReportQuery {
  du?: string;
  au?: string;
  cooperative?: string;
  formation?: string;
  financement?: string;
}

function Breakdown(p: { title: string; first: string; rows: TraineeBreakdown[] }) {
  return (
    <Card title={p.title}>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{p.first}</th>
            <th scope="col" class="num">
              Stagiaires
            </th>
            <th scope="col" class="num">
              Heures-stagiaires
            </th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((b) => (
            <tr>
              <td data-label={p.first}>{b.label}</td>
              <td class="num" data-label="Stagiaires">
                {count(b.people)}
              </td>
              <td class="num" data-label="Heures-stagiaires">
                {hours(b.hours)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function Lines(p: { lines: NetworkReportLine[] }) {
  return (
    <table class="data">
      <caption class="sr-only">Heures de formation par coopérative et par formation</caption>
      <thead>
        <tr>
          <th scope="col">Coopérative</th>
          <th scope="col">Formation</th>
          <th scope="col">Financement</th>
          <th scope="col" class="num">
            Personnes
          </th>
          <th scope="col" class="num">
            Inscriptions
          </th>
          <th scope="col" class="num">
            Achevées
          </th>
          <th scope="col" class="num">
            Attestations
          </th>
          <th scope="col" class="num">
            Présences
          </th>
          <th scope="col" class="num">
            Heures
          </th>
        </tr>
      </thead>
      <tbody>
        {p.lines.map((l) => (
          <tr>
            <td data-label="Coopérative">{l.cooperative}</td>
            <td data-label="Formation">{l.course}</td>
            <td data-label="Financement">{l.fundingSource}</td>
            <td class="num" data-label="Personnes">
              {count(l.learners)}
            </td>
            <td class="num" data-label="Inscriptions">
              {count(l.enrolments)}
            </td>
            <td class="num" data-label="Achevées">
              {count(l.completions)}
            </td>
            <td class="num" data-label="Attestations">
              {count(l.certificates)}
            </td>
            <td class="num" data-label="Présences">
              {count(l.attendances)}
            </td>
            <td class="num" data-label="Heures">
              {hours(l.hours)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NetworkReportPage(p: {
  c: Ctx;
  query: NetworkReportQuery;
  report: NetworkTrainingReport | null;
  errors: Record<string, string> | null;
  page: number;
}) {
  const r = p.report;
  const qs = new URLSearchParams(Object.entries(p.query).filter(([, v]) => v) as [string, string][]).toString();
  const suffix = qs ? `?${qs}` : '';
  const e = p.errors ?? {};
  const from = p.query.du ?? r?.from ?? '';
  const to = p.query.au ?? r?.to ?? '';
  const lines = r?.lines.slice((p.page - 1) * NETWORK_REPORT_PAGE_SIZE, p.page * NETWORK_REPORT_PAGE_SIZE) ?? [];
  return (
    <Layout c={p.c} title="Formation dans le réseau" wide>
      <PageHeader
        title="Formation dans le réseau"
        help="Heures de formation, personnes formées, formations achevées, attestations et présences aux ateliers, pour chaque coopérative du réseau. Les chiffres portant sur moins de 5 personnes sont masqués."
        action={
          r ? (
            <span>
              <a class="btn btn-secondary" href={`/formations/reseau.csv${suffix}`}>
                Télécharger (CSV)
              </a>{' '}
              <a class="btn btn-secondary" href={`/formations/reseau.xlsx${suffix}`}>
                Télécharger (XLSX)
              </a>
            </span>
          ) : null
        }
      />
      <form method="get" action="/formations/reseau" class="filters" aria-label="Filtres">
        <Field label="Du" name="du" type="date" value={from} error={e.from} />
        <Field label="Au" name="au" type="date" value={to} error={e.to} />
        <Select
          label="Coopérative"
          name="cooperative"
          value={p.query.cooperative ?? ''}
          error={e.cooperative}
          options={[['', 'Toutes'], ...(r?.options.cooperatives.map((c) => [c.id, c.name] as [string, string]) ?? [])]}
        />
        <Select
          label="Formation"
          name="formation"
          value={p.query.formation ?? ''}
          options={[['', 'Toutes'], ...(r?.options.courses.map((c) => [c.key, c.title] as [string, string]) ?? [])]}
        />
        <Select
          label="Financement"
          name="financement"
          value={p.query.financement ?? ''}
          options={[['', 'Tous'], ...(r?.options.fundings.map((f) => [f, f] as [string, string]) ?? [])]}
        />
        <button type="submit" class="btn btn-secondary">
          Afficher
        </button>
      </form>
      {r ? (
        <>
          <Card title={`Bilan du ${r.from.split('-').reverse().join('/')} au ${r.to.split('-').reverse().join('/')}`}>
            {r.totals ? (
              <div class="figures">
                <Figure label="Stagiaires" value={String(r.totals.trainees)} />
                <Figure label="Heures-stagiaires" value={hoursFr(r.totals.traineeHours)} />
                <Figure label="Formations achevées" value={String(r.totals.completions)} />
                <Figure label="Attestations délivrées" value={String(r.totals.certificates)} />
                <Figure label="Présences aux ateliers" value={String(r.totals.attendances)} />
              </div>
            ) : (
              <p class="hint">Moins de 5 stagiaires sur la période : les totaux sont masqués.</p>
            )}
          </Card>
          <Card title="Par coopérative et par formation">
            {r.lines.length ? (
              <>
                <Lines lines={lines} />
                <Pagination
                  page={p.page}
                  pageSize={NETWORK_REPORT_PAGE_SIZE}
                  total={r.lines.length}
                  baseUrl="/formations/reseau"
                  params={{ ...p.query }}
                />
              </>
            ) : (
              <EmptyState title="Aucune formation sur la période" text="Changez la période ou les filtres." />
            )}
          </Card>
          {r.lines.length ? (
            <>
              <Breakdown title="Par type de stagiaire" first="Type de stagiaire" rows={r.byType} />
              <Breakdown title="Par financement" first="Financement" rows={r.byFunding} />
            </>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}

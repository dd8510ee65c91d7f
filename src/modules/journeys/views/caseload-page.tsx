// The caseload page: the people followed, with filters (stage, alert, support member), alerts
// first, paginated; and the form that opens a new journey.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Field,
  Select,
  TextArea,
  Csrf,
  PageHeader,
  Card,
  EmptyState,
  FormErrorSummary,
  Badge,
} from '../../../web/components.tsx';
import { formatDate } from '../../../core/dates.ts';
import { parisDate } from '../paris-time.ts';
import { ALERT_TYPES, type CaseloadRow } from '../caseload.service.ts';
import type { StageConfig } from '../stage-config.service.ts';
import { STAGES, type Stage } from '../stages.ts';
import { dateTime, STAGE_TONE } from './format.ts';

export interface CaseloadView {
  all: boolean;
  stage: Stage | '';
  alert: string;
  suivi: string;
  supports: [string, string][];
  labels: Record<Stage, StageConfig>;
  rows: CaseloadRow[];
  total: number;
  withAlerts: number;
  page: number;
  pages: number;
  /** The filters as a query string (without the page). */
  params: URLSearchParams;
  canSetStages: boolean;
}

export function CaseloadPage(p: { c: Ctx; v: CaseloadView }) {
  const { c, v } = p;
  const link = (n: number) => {
    const u = new URLSearchParams(v.params);
    if (n > 1) u.set('page', String(n));
    const qs = u.toString();
    return `/accompagnement${qs ? `?${qs}` : ''}`;
  };
  return (
    <Layout c={c} title="Accompagnement" wide>
      <PageHeader
        title={v.all ? 'Toutes les personnes accompagnées' : 'Mes personnes accompagnées'}
        help="Chaque personne avec son étape, son dernier contact et son prochain rendez-vous. Les alertes signalent 6 semaines sans contact et les CAPE qui finissent dans 30 jours."
        action={
          <a class="btn" href="/accompagnement/nouveau">
            Nouvelle personne
          </a>
        }
      />
      <p>
        {v.all ? (
          <a href="/accompagnement">Voir seulement mes personnes</a>
        ) : (
          <a href="/accompagnement?tous=1">Voir toute la coopérative</a>
        )}{' '}
        · {v.total} personne(s), {v.withAlerts} avec alerte · <a href="/reunions">Réunions d'information</a> ·{' '}
        <a href="/ateliers">Ateliers</a>
        {v.canSetStages ? (
          <>
            {' '}
            · <a href="/accompagnement/parametres">Paramètres des étapes</a>
          </>
        ) : null}
      </p>
      <form method="get" action="/accompagnement" class="filters">
        {v.all ? <input type="hidden" name="tous" value="1" /> : null}
        <div class="form-grid">
          <Select
            label="Étape"
            name="etape"
            value={v.stage}
            options={[
              ['', 'Toutes'],
              ...STAGES.filter((s) => s !== 'exit').map((s) => [s, v.labels[s].label] as [string, string]),
            ]}
          />
          <Select
            label="Alerte"
            name="alerte"
            value={v.alert}
            options={[['', 'Toutes'], ...(Object.entries(ALERT_TYPES) as [string, string][])]}
          />
          <Select
            label="Suivi par"
            name="suivi"
            value={v.suivi}
            options={[['', v.all ? 'Tout le monde' : 'Moi'], ...v.supports]}
          />
        </div>
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>{' '}
        <a href={`/accompagnement/export.csv${v.params.toString() ? `?${v.params}` : ''}`}>Exporter (CSV)</a>
      </form>
      {v.rows.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Personne</th>
              <th>Étape</th>
              <th>Dernier contact</th>
              <th>Prochain rendez-vous</th>
              <th>Alertes</th>
              {v.all ? <th>Suivi par</th> : null}
            </tr>
          </thead>
          <tbody>
            {v.rows.map((r) => (
              <tr>
                <td data-label="Personne">
                  <a href={`/accompagnement/${r.journey.id}`}>{r.journey.displayName}</a>
                </td>
                <td data-label="Étape">
                  <Badge status={STAGE_TONE[r.journey.stage]} label={v.labels[r.journey.stage].label} />
                </td>
                <td data-label="Dernier contact">{r.lastContact ? formatDate(parisDate(r.lastContact)) : '—'}</td>
                <td data-label="Prochain rendez-vous">
                  {r.nextAppointment ? (
                    dateTime(r.nextAppointment)
                  ) : (
                    <a href={`/accompagnement/${r.journey.id}#rdv`}>Planifier</a>
                  )}
                </td>
                <td data-label="Alertes">
                  {r.alerts.map((a) => (
                    <span class="badge badge-danger">{a}</span>
                  ))}
                </td>
                {v.all ? <td data-label="Suivi par">{r.supportName ?? '—'}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title={v.stage || v.alert ? 'Personne ne correspond à ces filtres.' : "Personne à suivre pour l'instant."}
          action={
            <a class="btn" href="/accompagnement/nouveau">
              Ajouter une personne
            </a>
          }
        />
      )}
      {v.pages > 1 ? (
        <nav class="pagination" aria-label="Pages">
          {v.page > 1 ? <a href={link(v.page - 1)}>← Précédente</a> : null} Page {v.page} sur {v.pages}{' '}
          {v.page < v.pages ? <a href={link(v.page + 1)}>Suivante →</a> : null}
        </nav>
      ) : null}
    </Layout>
  );
}

export function NewPersonPage(p: {
  c: Ctx;
  members: [string, string][];
  supports: [string, string][];
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { c, values: v } = p;
  const e = p.errors ?? {};
  return (
    <Layout c={c} title="Nouvelle personne">
      <PageHeader
        title="Nouvelle personne"
        help="Un contact (prospect) ou un membre déjà inscrit sur Radieuse. Le parcours commence à l'étape « Premier contact »."
      />
      <Card>
        <form method="post" action="/accompagnement/nouveau" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <Select
            label="Membre déjà inscrit (facultatif)"
            name="userId"
            value={v.userId}
            error={e.userId}
            options={[['', '— contact sans compte —'], ...p.members]}
          />
          <Field
            label="Nom et prénom"
            name="displayName"
            value={v.displayName}
            error={e.displayName}
            hint="Inutile pour un membre déjà inscrit : son nom est repris."
          />
          <Field label="E-mail" name="email" type="email" value={v.email} error={e.email} />
          <Field label="Téléphone" name="phone" value={v.phone} error={e.phone} />
          <Select
            label="Chargé·e d'accompagnement"
            name="supportUserId"
            value={v.supportUserId}
            error={e.supportUserId}
            options={[['', '— personne —'], ...p.supports]}
          />
          <Field
            label="Date du premier contact"
            name="startedOn"
            type="date"
            value={v.startedOn}
            error={e.startedOn}
            required
          />
          <TextArea label="Commentaire" name="comment" value={v.comment} error={e.comment} />
          <button type="submit">Ouvrir le parcours</button>
        </form>
      </Card>
    </Layout>
  );
}

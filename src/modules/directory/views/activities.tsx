import { formatDateTime } from '../../../core/dates.ts';
import {
  Card,
  Checkbox,
  Csrf,
  EmptyState,
  Field,
  FormErrorSummary,
  PageHeader,
  Select,
} from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { Activity } from '../activities.service.ts';

export function ActivityForm(p: {
  csrf: string;
  owners: [string, string][];
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const v = p.values ?? {};
  const e = p.errors ?? {};
  return (
    <form method="post" action="/activites/nouvelle" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <Field label="Nom de l'activité" name="name" value={v.name} error={e.name} required />
      <Field
        label="Code analytique"
        name="analyticCode"
        value={v.analyticCode}
        error={e.analyticCode}
        hint="2 à 12 lettres ou chiffres, ex. : BOIS01"
        required
      />
      <Select
        label="Entrepreneur·e"
        name="ownerId"
        value={v.ownerId}
        options={[['', '— à choisir plus tard —'], ...p.owners]}
        error={e['ownerIds.0']}
      />
      <Checkbox
        label="Activité de confiance : ses factures peuvent être autovalidées"
        name="trusted"
        checked={v.trusted === 'on'}
      />
      <button type="submit">Créer l'activité</button>
    </form>
  );
}

export function ActivityEditPage(p: {
  c: Ctx;
  a: Activity;
  owners: [string, string][];
  values?: { name: string; ownerIds: string[]; trusted: boolean };
  errors?: Record<string, string> | null;
}) {
  const { c, a } = p;
  const csrf = c.get('csrf');
  const v = p.values ?? { name: a.name, ownerIds: a.ownerIds, trusted: a.trusted };
  const e = p.errors ?? {};
  const ownerError = e.ownerIds ?? e['ownerIds.0'];
  return (
    <Layout c={c} title={a.name}>
      <PageHeader
        title={a.name}
        help={`Code analytique ${a.analyticCode}${a.closedAt ? ` · fermée le ${formatDateTime(a.closedAt)}` : ''}`}
      />
      <Card title="Modifier l'activité">
        <form method="post" action={`/activites/${a.id}`} novalidate>
          <Csrf token={csrf} />
          <FormErrorSummary errors={p.errors} />
          <Field label="Nom de l'activité" name="name" value={v.name} error={e.name} required />
          <fieldset
            class={`field${ownerError ? ' has-error' : ''}`}
            aria-describedby={ownerError ? 'f-ownerIds-error' : undefined}
          >
            <legend>Entrepreneur·es</legend>
            {p.owners.length ? (
              p.owners.map(([id, name]) => (
                <div class="field checkbox">
                  <input
                    type="checkbox"
                    id={`f-owner-${id}`}
                    name="ownerIds"
                    value={id}
                    checked={v.ownerIds.includes(id)}
                  />
                  <label for={`f-owner-${id}`}>{name}</label>
                </div>
              ))
            ) : (
              <p class="hint">Aucun·e entrepreneur·e dans la coopérative.</p>
            )}
            {ownerError ? (
              <p class="error" id="f-ownerIds-error" role="alert">
                {ownerError}
              </p>
            ) : null}
          </fieldset>
          <Checkbox
            label="Activité de confiance : ses factures peuvent être autovalidées"
            name="trusted"
            checked={v.trusted}
          />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
      {a.closedAt ? null : (
        <Card title="Fermer l'activité">
          <p>
            Une activité fermée ne reçoit plus de nouvelles factures ni dépenses ; son historique reste consultable.
          </p>
          <form method="post" action={`/activites/${a.id}/fermer`}>
            <Csrf token={csrf} />
            <button type="submit" class="btn-danger">
              Fermer l'activité
            </button>
          </form>
        </Card>
      )}
      <p>
        <a href="/activites">← Toutes les activités</a>
      </p>
    </Layout>
  );
}

export function ActivitiesPage(p: { c: Ctx; acts: Activity[]; names: Map<string, string> }) {
  const { c, acts, names } = p;
  return (
    <Layout c={c} title="Activités">
      <PageHeader
        title="Activités (enseignes)"
        help="Chaque activité a son code analytique : ses factures, dépenses et son compte d'activité s'y rattachent."
        action={
          <a class="btn" href="/activites/nouvelle">
            Nouvelle activité
          </a>
        }
      />
      {acts.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Nom</th>
              <th>Code</th>
              <th>Entrepreneur·es</th>
              <th>Autovalidation</th>
            </tr>
          </thead>
          <tbody>
            {acts.map((a) => (
              <tr>
                <td data-label="Nom">
                  <a href={`/activites/${a.id}`}>{a.name}</a>
                  {a.closedAt ? <span class="badge badge-neutral">Fermée</span> : null}
                </td>
                <td data-label="Code">
                  <code>{a.analyticCode}</code>
                </td>
                <td data-label="Entrepreneur·es">{a.ownerIds.map((o) => names.get(o) ?? '?').join(', ')}</td>
                <td data-label="Autovalidation">{a.trusted ? 'Oui' : 'Non'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title="Aucune activité pour l'instant."
          action={
            <a class="btn" href="/activites/nouvelle">
              Créer la première
            </a>
          }
        />
      )}
    </Layout>
  );
}

export function NewActivityPage(p: {
  c: Ctx;
  owners: [string, string][];
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  return (
    <Layout c={p.c} title="Nouvelle activité">
      <PageHeader title="Nouvelle activité" />
      <Card>
        <ActivityForm csrf={p.c.get('csrf')} owners={p.owners} values={p.values} errors={p.errors} />
      </Card>
    </Layout>
  );
}

// The page of a person's API tokens.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Badge, Card, Csrf, EmptyState, Field, FormErrorSummary, PageHeader } from '../../../web/components.tsx';
import { SCOPES } from '../scopes.ts';
import type { ApiToken } from '../tokens.service.ts';

const date = (d: Date | null) => (d ? d.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }) : '—');

function state(t: ApiToken, now: Date) {
  if (t.revokedAt) return <Badge status="cancelled" label="Révoqué" />;
  if (t.expiresAt && t.expiresAt <= now) return <Badge status="expired" label="Expiré" />;
  return <Badge status="approved" label="Actif" />;
}

export function TokensPage(p: {
  c: Ctx;
  tokens: ApiToken[];
  created?: { token: string; info: ApiToken };
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const csrf = p.c.get('csrf');
  const now = new Date();
  return (
    <Layout c={p.c} title="Jetons d'API">
      <PageHeader
        title="Jetons d'API"
        help="Un jeton permet à un logiciel d'agir en votre nom, avec les permissions choisies, par l'API (documentation : /api/v1/reference)."
      />
      {p.created ? (
        <Card title="Votre nouveau jeton">
          <p>Copiez-le maintenant : il ne sera plus jamais affiché. Il expire le {date(p.created.info.expiresAt)}.</p>
          <pre class="token-once" data-token>
            {p.created.token}
          </pre>
        </Card>
      ) : null}
      <Card title="Mes jetons">
        {p.tokens.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>Début</th>
                <th>Permissions</th>
                <th>Expire le</th>
                <th>Dernier usage</th>
                <th>État</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {p.tokens.map((t) => (
                <tr>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{t.scopes.join(', ')}</td>
                  <td>{date(t.expiresAt)}</td>
                  <td>{date(t.lastUsedAt)}</td>
                  <td>{state(t, now)}</td>
                  <td>
                    {!t.revokedAt ? (
                      <form method="post" action={`/profil/jetons-api/${t.id}/revoquer`}>
                        <Csrf token={csrf} />
                        <button class="btn btn-danger" type="submit">
                          Révoquer
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucun jeton" text="Créez-en un pour connecter un autre logiciel." />
        )}
      </Card>
      <Card title="Créer un jeton">
        <form method="post" action="/profil/jetons-api">
          <Csrf token={csrf} />
          <FormErrorSummary errors={p.errors} />
          <Field
            label="Nom"
            name="name"
            required
            value={p.values?.name}
            error={p.errors?.name}
            hint="Ex. : logiciel de paie"
          />
          <fieldset class={`field${p.errors?.scopes ? ' has-error' : ''}`}>
            <legend>Permissions</legend>
            {Object.entries(SCOPES).map(([k, label]) => (
              <div class="field checkbox">
                <input type="checkbox" id={`scope-${k}`} name="scopes" value={k} />
                <label for={`scope-${k}`}>
                  {label} (<code>{k}</code>)
                </label>
              </div>
            ))}
            {p.errors?.scopes ? (
              <p class="error" role="alert">
                {p.errors.scopes}
              </p>
            ) : null}
          </fieldset>
          <Field
            label="Validité (jours)"
            name="days"
            type="number"
            min="1"
            max="366"
            value={p.values?.days ?? '90'}
            error={p.errors?.days}
          />
          <button class="btn btn-primary" type="submit">
            Créer le jeton
          </button>
        </form>
      </Card>
    </Layout>
  );
}

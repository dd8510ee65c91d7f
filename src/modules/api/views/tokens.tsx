// The pages of API tokens: a person's own (Profil → Jetons d'API) and the cooperative's
// application tokens (direction). Both show a new token once, then only its first characters.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Badge,
  Card,
  CheckboxGroup,
  Csrf,
  EmptyState,
  Field,
  FormErrorSummary,
  PageHeader,
  Select,
} from '../../../web/components.tsx';
import { ROLE_LABELS } from '../../../core/actor.ts';
import { SCOPES } from '../scopes.ts';
import { APPLICATION_ROLES, type ApiToken } from '../tokens.service.ts';

const date = (d: Date | null) => (d ? d.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }) : '—');

function state(t: ApiToken, now: Date) {
  if (t.revokedAt) return <Badge status="cancelled" label="Révoqué" />;
  if (t.expiresAt && t.expiresAt <= now) return <Badge status="expired" label="Expiré" />;
  return <Badge status="approved" label="Actif" />;
}

type Created = { token: string; info: ApiToken };

function CreatedToken(p: { created?: Created; title: string }) {
  if (!p.created) return null;
  return (
    <Card title={p.title}>
      <p>Copiez-le maintenant : il ne sera plus jamais affiché. Il expire le {date(p.created.info.expiresAt)}.</p>
      <pre class="token-once" data-token>
        {p.created.token}
      </pre>
    </Card>
  );
}

/** The tokens with their state; `base` is the path their revocation is posted under. */
function TokenTable(p: { tokens: ApiToken[]; base: string; csrf: string; withRole?: boolean; caption: string }) {
  const now = new Date();
  return (
    <table class="data">
      <caption class="sr-only">{p.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Nom</th>
          {p.withRole ? <th scope="col">Rôle</th> : null}
          <th scope="col">Début</th>
          <th scope="col">Permissions</th>
          <th scope="col">Expire le</th>
          <th scope="col">Dernier usage</th>
          <th scope="col">État</th>
          <th scope="col">
            <span class="sr-only">Action</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {p.tokens.map((t) => (
          <tr>
            <td>{t.name}</td>
            {p.withRole ? <td>{t.role ? ROLE_LABELS[t.role] : '—'}</td> : null}
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>{t.scopes.join(', ')}</td>
            <td>{date(t.expiresAt)}</td>
            <td>{date(t.lastUsedAt)}</td>
            <td>{state(t, now)}</td>
            <td>
              {!t.revokedAt ? (
                <form method="post" action={`${p.base}/${t.id}/revoquer`}>
                  <Csrf token={p.csrf} />
                  <button class="btn btn-danger" type="submit" aria-label={`Révoquer le jeton ${t.name}`}>
                    Révoquer
                  </button>
                </form>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What differs between the two pages: a person's own tokens, the cooperative's applications'. */
const KINDS = {
  personal: {
    path: '/profil/jetons-api',
    title: "Jetons d'API",
    help: "Un jeton permet à un logiciel d'agir en votre nom, avec les permissions choisies, par l'API (documentation : /api/v1/reference).",
    createdTitle: 'Votre nouveau jeton',
    listTitle: 'Mes jetons',
    emptyTitle: 'Aucun jeton',
    emptyText: 'Créez-en un pour connecter un autre logiciel.',
    createTitle: 'Créer un jeton',
    nameHint: 'Ex. : logiciel de paie',
  },
  application: {
    path: '/jetons-applications',
    title: "Jetons d'application",
    help: "Un jeton d'application appartient à la coopérative, pas à une personne : un logiciel (comptabilité, paie…) agit avec le rôle choisi ici et les permissions cochées. Ses actions sont inscrites au journal sous « application : nom ».",
    createdTitle: "Nouveau jeton d'application",
    listTitle: 'Jetons de la coopérative',
    emptyTitle: "Aucun jeton d'application",
    emptyText: 'Créez-en un pour connecter un logiciel de la coopérative.',
    createTitle: "Créer un jeton d'application",
    nameHint: 'Ex. : cabinet comptable, logiciel de paie',
  },
} as const;
export const TOKENS_PATH = { personal: KINDS.personal.path, application: KINDS.application.path };

export function TokensPage(p: {
  c: Ctx;
  kind: keyof typeof KINDS;
  tokens: ApiToken[];
  created?: Created;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const csrf = p.c.get('csrf');
  const k = KINDS[p.kind];
  const application = p.kind === 'application';
  return (
    <Layout c={p.c} title={k.title}>
      <PageHeader title={k.title} help={k.help} />
      <CreatedToken created={p.created} title={k.createdTitle} />
      <Card title={k.listTitle}>
        {p.tokens.length ? (
          <TokenTable tokens={p.tokens} base={k.path} csrf={csrf} withRole={application} caption={k.listTitle} />
        ) : (
          <EmptyState title={k.emptyTitle} text={k.emptyText} />
        )}
      </Card>
      <Card title={k.createTitle}>
        <form method="post" action={k.path}>
          <Csrf token={csrf} />
          <FormErrorSummary errors={p.errors} />
          <Field label="Nom" name="name" required value={p.values?.name} error={p.errors?.name} hint={k.nameHint} />
          <CheckboxGroup legend="Permissions" name="scopes" options={SCOPES} error={p.errors?.scopes} />
          <Field
            label="Validité (jours)"
            name="days"
            type="number"
            min="1"
            max="366"
            value={p.values?.days ?? '90'}
            error={p.errors?.days}
          />
          {application ? (
            <Select
              label="Rôle de l'application"
              name="role"
              required
              value={p.values?.role ?? 'accountant'}
              options={APPLICATION_ROLES.map((r) => [r, ROLE_LABELS[r]])}
              error={p.errors?.role}
              hint="Ce que le logiciel peut faire, comme une personne de ce rôle (les permissions le restreignent encore)."
            />
          ) : null}
          <button class="btn btn-primary" type="submit">
            {k.createTitle}
          </button>
        </form>
      </Card>
    </Layout>
  );
}

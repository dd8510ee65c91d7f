// Members: the list, the invitation form, a member's roles and the end of a membership.
import { LiveResults, liveSearch } from '../../../web/live-search.tsx';
import { ROLE_LABELS, ROLES, type Role } from '../../../core/actor.ts';
import { formatDateTime } from '../../../core/dates.ts';
import {
  Card,
  Csrf,
  EmptyState,
  Field,
  FormErrorSummary,
  PageHeader,
  Pagination,
  Select,
} from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { IdentityBadge } from './identity.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { MemberListPage, MemberRow } from '../members.service.ts';

export function InviteForm(p: {
  csrf: string;
  roles: Role[];
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const v = p.values ?? {};
  const e = p.errors ?? {};
  return (
    <form method="post" action="/membres/inviter" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <Field label="Nom" name="displayName" value={v.displayName} error={e.displayName} required />
      <Field label="Adresse e-mail" name="email" type="email" value={v.email} error={e.email} required />
      <Select
        label="Rôle"
        name="role"
        value={v.role ?? 'entrepreneur'}
        error={e.role}
        hint="Vous ne pouvez donner que les rôles que votre propre rôle permet de donner."
        options={p.roles.map((r) => [r, ROLE_LABELS[r]])}
      />
      <button type="submit">Envoyer l'invitation</button>
    </form>
  );
}

export function MemberPage(p: {
  c: Ctx;
  m: MemberRow;
  canEdit: boolean;
  identityVerified?: boolean;
  assignable: Role[];
  checked?: string[];
  error?: string;
}) {
  const { c, m } = p;
  const csrf = c.get('csrf');
  const canEdit = p.canEdit;
  const checked = p.checked ?? m.roles;
  // The roles one may give, plus those the member already holds (shown, so they are kept).
  const assignable = ROLES.filter((r) => p.assignable.includes(r) || m.roles.includes(r));
  const self = c.get('actor')?.userId;
  return (
    <Layout c={c} title={m.displayName}>
      <PageHeader title={m.displayName} help={`${m.email} · membre depuis le ${formatDateTime(m.since)}`} />
      <p>
        <IdentityBadge status={p.identityVerified ? 'verified' : 'none'} />
      </p>
      <Card title="Rôles dans la coopérative">
        {canEdit ? (
          <form method="post" action={`/membres/${m.userId}/roles`} novalidate>
            <Csrf token={csrf} />
            <fieldset
              class={`field${p.error ? ' has-error' : ''}`}
              aria-describedby={p.error ? 'f-roles-error' : undefined}
            >
              <legend>Rôles</legend>
              {assignable.map((r) => (
                <div class="field checkbox">
                  <input type="checkbox" id={`f-role-${r}`} name="roles" value={r} checked={checked.includes(r)} />
                  <label for={`f-role-${r}`}>{ROLE_LABELS[r]}</label>
                </div>
              ))}
              {p.error ? (
                <p class="error" id="f-roles-error" role="alert">
                  {p.error}
                </p>
              ) : null}
            </fieldset>
            <button type="submit">Enregistrer les rôles</button>
          </form>
        ) : (
          <p>{m.roles.map((r) => ROLE_LABELS[r]).join(', ')}</p>
        )}
      </Card>
      {canEdit && m.userId !== self ? (
        <Card title="Fin d'adhésion">
          <p>La personne ne pourra plus accéder à la coopérative. Son historique (factures, journal) est conservé.</p>
          <form method="post" action={`/membres/${m.userId}/fin`}>
            <Csrf token={csrf} />
            <button type="submit" class="btn-danger">
              Mettre fin à l'adhésion
            </button>
          </form>
        </Card>
      ) : null}
      <p>
        <a href="/membres">← Tous les membres</a>
      </p>
    </Layout>
  );
}

export function MembersListPage(p: { c: Ctx; res: MemberListPage; q?: string; role?: Role; canInvite: boolean }) {
  const { c, res, q, role } = p;
  return (
    <Layout c={c} title="Membres">
      <PageHeader
        title="Membres"
        help="Les personnes de la coopérative et leurs rôles. Invitez quelqu'un : il ou elle reçoit un lien pour créer son compte."
        action={
          p.canInvite ? (
            <a class="btn" href="/membres/inviter">
              Inviter une personne
            </a>
          ) : undefined
        }
      />
      <form
        class="filters"
        method="get"
        action="/membres"
        aria-label="Rechercher des membres"
        {...liveSearch('/membres')}
      >
        <Field label="Rechercher" name="q" value={q} placeholder="Nom ou e-mail" />
        <Select
          label="Rôle"
          name="role"
          value={role ?? ''}
          options={[['', 'Tous'], ...ROLES.map((r) => [r, ROLE_LABELS[r]] as [string, string])]}
        />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      <LiveResults>
        {res.items.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>E-mail</th>
                <th>Rôles</th>
              </tr>
            </thead>
            <tbody>
              {res.items.map((m) => (
                <tr>
                  <td data-label="Nom">
                    <a href={`/membres/${m.userId}`}>{m.displayName}</a>
                  </td>
                  <td data-label="E-mail">{m.email}</td>
                  <td data-label="Rôles">{m.roles.map((r) => ROLE_LABELS[r]).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucun membre ne correspond." />
        )}
        <Pagination page={res.page} pageSize={res.pageSize} total={res.total} baseUrl="/membres" params={{ q, role }} />
      </LiveResults>
    </Layout>
  );
}

export function InvitePage(p: {
  c: Ctx;
  roles: Role[];
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  return (
    <Layout c={p.c} title="Inviter">
      <PageHeader title="Inviter une personne" help="Le lien est valable 7 jours." />
      <Card>
        <InviteForm csrf={p.c.get('csrf')} roles={p.roles} values={p.values} errors={p.errors} />
      </Card>
    </Layout>
  );
}

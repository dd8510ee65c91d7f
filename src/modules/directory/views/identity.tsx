// Identity verification pages: the member's own (deposit, state), support's queue and decision.
import { formatDateTime } from '../../../core/dates.ts';
import { Badge, Card, Csrf, EmptyState, Field, PageHeader, Select, TextArea } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  IDENTITY_DOCUMENT_TYPES,
  IDENTITY_RETENTION_RULES,
  type IdentityRetention,
  type IdentityStatus,
  type IdentityVerification,
  MAX_IDENTITY_DOCUMENT_BYTES,
} from '../identity-verification.service.ts';

const STATUS_LABELS: Record<IdentityStatus, string> = {
  none: 'Non vérifiée',
  pending: 'En attente de vérification',
  verified: 'Identité vérifiée',
  rejected: 'Pièce refusée',
};
/** The badge on a person: "Identité vérifiée" or where they stand. */
export function IdentityBadge(p: { status: IdentityStatus }) {
  const tone = { none: 'draft', pending: 'pending', verified: 'accepted', rejected: 'refused' }[p.status];
  return <Badge status={tone} label={STATUS_LABELS[p.status]} />;
}

export function OwnIdentityPage(p: {
  c: Ctx;
  status: IdentityStatus;
  latest: IdentityVerification | null;
  error?: string;
}) {
  const { c, latest } = p;
  return (
    <Layout c={c} title="Vérifier mon identité">
      <PageHeader
        title="Vérifier mon identité"
        help="L'équipe d'appui vérifie une fois votre identité avant votre premier salaire et avant tout changement de coordonnées bancaires : c'est ce qui empêche quelqu'un qui aurait volé votre mot de passe de détourner votre argent."
      />
      <Card title="Où en êtes-vous ?">
        <p>
          <IdentityBadge status={p.status} />
        </p>
        {p.status === 'verified' && latest ? (
          <p>
            Vérifiée le {formatDateTime(latest.decidedAt!)} (
            {latest.documentType ? IDENTITY_DOCUMENT_TYPES[latest.documentType] : 'pièce'}
            ). Rien d'autre à faire.
          </p>
        ) : null}
        {p.status === 'pending' && latest ? (
          <p>Pièce déposée le {formatDateTime(latest.submittedAt)} : l'équipe d'appui la vérifie bientôt.</p>
        ) : null}
        {p.status === 'rejected' && latest?.note ? <p>Motif du refus : {latest.note}</p> : null}
      </Card>
      {p.status === 'verified' ? null : (
        <Card title={p.status === 'pending' ? 'Remplacer la pièce déposée' : "Déposer ma pièce d'identité"}>
          <p>
            Carte d'identité, passeport ou titre de séjour en cours de validité, recto et verso lisibles, en PDF ou en
            photo ({MAX_IDENTITY_DOCUMENT_BYTES / 1024 / 1024} Mo au plus). Elle est stockée chiffrée, seule l'équipe
            d'appui la voit, et chaque consultation est tracée.
          </p>
          <form method="post" action="/profil/identite" enctype="multipart/form-data">
            <Csrf token={c.get('csrf')} />
            <div class={`field${p.error ? ' has-error' : ''}`}>
              <label for="f-document">Pièce d'identité</label>
              <input id="f-document" type="file" name="document" accept="application/pdf,image/*" required />
              {p.error ? (
                <p class="error" role="alert">
                  {p.error}
                </p>
              ) : null}
            </div>
            <button type="submit">Envoyer pour vérification</button>
          </form>
        </Card>
      )}
    </Layout>
  );
}

export function VerificationsPage(p: {
  c: Ctx;
  rows: IdentityVerification[];
  retention: IdentityRetention;
  canSetRetention: boolean;
}) {
  const { c } = p;
  return (
    <Layout c={c} title="Vérifications d'identité">
      <PageHeader
        title="Vérifications d'identité"
        help="Comparez la pièce déposée à la personne que vous accompagnez, puis notez le type de pièce et sa fin de validité. La décision est inscrite au journal d'audit."
      />
      {p.rows.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Personne</th>
              <th>Déposée le</th>
              <th>État</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr>
                <td data-label="Personne">
                  {r.userName} <span class="hint">{r.userEmail}</span>
                </td>
                <td data-label="Déposée le">{formatDateTime(r.submittedAt)}</td>
                <td data-label="État">
                  <IdentityBadge status={r.status} />
                </td>
                <td>
                  <a href={`/identites/${r.id}`}>{r.status === 'pending' ? 'Vérifier' : 'Voir'}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucune pièce à vérifier" text="Les pièces déposées par les membres apparaîtront ici." />
      )}
      <Card title="Conservation des pièces">
        <p>Règle actuelle : {IDENTITY_RETENTION_RULES[p.retention]}. Une pièce refusée est toujours supprimée.</p>
        {p.canSetRetention ? (
          <form method="post" action="/identites/conservation">
            <Csrf token={c.get('csrf')} />
            <Select
              label="Après la vérification"
              name="retention"
              value={p.retention}
              options={Object.entries(IDENTITY_RETENTION_RULES) as [string, string][]}
            />
            <button type="submit" class="btn-secondary">
              Enregistrer la règle
            </button>
          </form>
        ) : null}
      </Card>
    </Layout>
  );
}

export function VerificationPage(p: {
  c: Ctx;
  v: IdentityVerification;
  errors?: Record<string, string> | null;
  values?: Record<string, string>;
}) {
  const { c, v } = p;
  const e = p.errors ?? {};
  const val = p.values ?? {};
  return (
    <Layout c={c} title={`Identité de ${v.userName}`}>
      <PageHeader
        title={`Identité de ${v.userName}`}
        help={`${v.userEmail} · pièce déposée le ${formatDateTime(v.submittedAt)}`}
      />
      <Card title="Pièce déposée">
        <p>
          <IdentityBadge status={v.status} />
        </p>
        {v.hasDocument ? (
          <p>
            <a href={`/identites/${v.id}/piece`} target="_blank" rel="noopener">
              Ouvrir la pièce ({v.fileName})
            </a>{' '}
            <span class="hint">(la consultation est inscrite au journal d'audit)</span>
          </p>
        ) : (
          <p>La pièce n'est plus conservée (règle de conservation de la coopérative).</p>
        )}
        {v.status !== 'pending' ? (
          <p>
            Décision du {v.decidedAt ? formatDateTime(v.decidedAt) : '—'}
            {v.documentType
              ? ` : ${IDENTITY_DOCUMENT_TYPES[v.documentType]}, valable jusqu'au ${v.documentExpiry}`
              : ''}
            {v.note ? ` — ${v.note}` : ''}
          </p>
        ) : null}
      </Card>
      {v.status === 'pending' ? (
        <Card title="Décision">
          {e._ ? (
            <div class="flash flash-error" role="alert">
              {e._}
            </div>
          ) : null}
          <form method="post" action={`/identites/${v.id}/decider`} novalidate>
            <Csrf token={c.get('csrf')} />
            <Select
              label="Type de pièce vérifiée"
              name="documentType"
              value={val.documentType}
              options={[['', '—'], ...(Object.entries(IDENTITY_DOCUMENT_TYPES) as [string, string][])]}
              error={e.documentType}
            />
            <Field
              label="Valable jusqu'au"
              name="documentExpiry"
              type="date"
              value={val.documentExpiry}
              error={e.documentExpiry}
            />
            <TextArea label="Motif (obligatoire pour un refus)" name="note" value={val.note} error={e.note} />
            <div class="actions">
              <button type="submit" name="decision" value="verified">
                La pièce correspond : identité vérifiée
              </button>
              <button type="submit" name="decision" value="rejected" class="btn-danger">
                Refuser la pièce
              </button>
            </div>
          </form>
        </Card>
      ) : null}
      <p>
        <a href="/identites">Retour aux vérifications</a>
      </p>
    </Layout>
  );
}

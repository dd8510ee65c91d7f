// "Mon profil et ma sécurité": who one is, the second factor, passkeys, connected devices.
import { formatDateTime } from '../../../core/dates.ts';
import type { User } from '../../../core/auth/users.ts';
import { Card, Csrf, PageHeader } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { deviceLabel } from '../device-label.ts';
import { LinkedIdentitiesCard, type LinkedIdentitiesProps } from './oidc-pages.tsx';

export interface DeviceRow {
  id: string;
  ip: string | null;
  user_agent: string | null;
  last_seen_at: Date;
}

export function ProfilePage(p: {
  c: Ctx;
  user: User;
  sessions: DeviceRow[];
  currentSessionId: string;
  external?: LinkedIdentitiesProps;
}) {
  const { c, user } = p;
  const csrf = c.get('csrf');
  return (
    <Layout c={c} title="Mon profil">
      <PageHeader
        title="Mon profil et ma sécurité"
        help="Vos appareils connectés, la vérification en deux étapes et vos clés d'accès. Pour toute modification de sécurité, nous vous redemandons votre mot de passe si votre connexion date de plus de quelques minutes."
      />
      <Card title="Mes informations">
        <p>
          <strong>{user.displayName}</strong>
          <br />
          {user.email}
        </p>
        <div class="actions">
          <a class="btn btn-secondary" href="/profil/mot-de-passe">
            Changer mon mot de passe
          </a>
          <a class="btn btn-secondary" href="/profil/banque">
            Mes coordonnées bancaires
          </a>
          <a class="btn btn-secondary" href="/profil/securite">
            Ma sécurité en un coup d'œil
          </a>
        </div>
      </Card>
      <Card title="Vérification en deux étapes">
        {user.totpEnabled ? (
          <form method="post" action="/profil/2fa/desactiver">
            <Csrf token={csrf} />
            <p>Activée. Un code vous est demandé à chaque connexion.</p>
            <button class="btn-secondary" type="submit">
              Désactiver
            </button>
          </form>
        ) : (
          <>
            <p>
              Ajoutez un code à usage unique (application comme Aegis, FreeOTP ou Google Authenticator) pour protéger
              votre compte.
            </p>
            <a class="btn btn-secondary" href="/profil/2fa">
              Activer la vérification en deux étapes
            </a>
          </>
        )}
      </Card>
      <Card title="Clés d'accès (passkeys)">
        <p>Connectez-vous avec l'empreinte ou le code de votre appareil, sans mot de passe.</p>
        <a class="btn btn-secondary" href="/profil/passkeys">
          Gérer mes clés d'accès
        </a>
      </Card>
      <Card title="Vérification d'identité">
        <p>
          Votre identité est vérifiée une fois par l'équipe d'appui, avant votre premier salaire ou un changement de
          coordonnées bancaires.
        </p>
        <a class="btn btn-secondary" href="/profil/identite">
          Vérifier mon identité
        </a>
      </Card>
      {p.external ? <LinkedIdentitiesCard c={c} {...p.external} /> : null}
      <Card title="Appareils connectés">
        <table class="data">
          <thead>
            <tr>
              <th>Appareil</th>
              <th>Adresse</th>
              <th>Dernière activité</th>
              <th>
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.sessions.map((s) => (
              <tr>
                <td data-label="Appareil">
                  <span title={s.user_agent ?? undefined}>{deviceLabel(s.user_agent)}</span>
                  {s.id === p.currentSessionId ? <strong> (cet appareil)</strong> : null}
                </td>
                <td data-label="Adresse">{s.ip ?? '—'}</td>
                <td data-label="Dernière activité">{formatDateTime(s.last_seen_at)}</td>
                <td>
                  {s.id === p.currentSessionId ? null : (
                    <form method="post" action={`/profil/sessions/${s.id}/revoquer`}>
                      <Csrf token={csrf} />
                      <button class="btn-small btn-secondary" type="submit">
                        Déconnecter
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </Layout>
  );
}

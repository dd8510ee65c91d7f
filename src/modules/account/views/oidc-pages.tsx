// OpenID Connect pages: the buttons on the sign-in page, the linking confirmation, the errors.
import type { ExternalIdentity, LinkedIdentityRow } from '../../../core/auth/oidc.ts';
import { formatDateTime } from '../../../core/dates.ts';
import { Card, Csrf } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';

/** "Se connecter avec <fournisseur>": one small form per provider (a POST, so no prefetch starts a flow). */
export function OidcButtons(p: { c: Ctx; providers: { id: string; label: string }[]; back?: string; verb?: string }) {
  if (!p.providers.length) return null;
  return (
    <div class="oidc-login">
      {p.providers.map((x) => (
        <form method="post" action={`/connexion/oidc/${x.id}/demarrer`}>
          <Csrf token={p.c.get('csrf')} />
          <input type="hidden" name="retour" value={p.back ?? '/'} />
          <button type="submit" class="btn-secondary">
            {p.verb ?? 'Se connecter avec'} {x.label}
          </button>
        </form>
      ))}
    </div>
  );
}

export function OidcErrorPage(p: { c: Ctx; message: string }) {
  return (
    <PublicLayout c={p.c} title="Connexion">
      <Card title="Connexion impossible">
        <div class="flash flash-error" role="alert">
          {p.message}
        </div>
        <p>
          <a href="/connexion">Retour à la page de connexion</a>
        </p>
      </Card>
    </PublicLayout>
  );
}

export function OidcLinkPage(p: { c: Ctx; identity: ExternalIdentity; signedIn: boolean; email?: string }) {
  const who = p.identity.email ? `${p.identity.label} (${p.identity.email})` : p.identity.label;
  return (
    <PublicLayout c={p.c} title="Lier votre identité">
      <Card title={`Lier votre identité ${p.identity.label}`}>
        {p.signedIn ? (
          <>
            <p>
              Vous êtes connecté·e au compte <strong>{p.email}</strong>. Voulez-vous lier votre identité {who} à ce
              compte ? Vous pourrez ensuite vous connecter avec {p.identity.label}.
            </p>
            <form method="post" action="/connexion/oidc/lier">
              <Csrf token={p.c.get('csrf')} />
              <div class="actions">
                <button type="submit">Lier à mon compte</button>
                <a href="/">Annuler</a>
              </div>
            </form>
          </>
        ) : (
          <>
            <p>
              Votre identité {who} n'est encore liée à aucun compte Radieuse. Pour la lier, prouvez une fois qui vous
              êtes ici : connectez-vous avec votre mot de passe ou votre clé d'accès, puis confirmez.
            </p>
            <p class="hint">
              Nous ne lions jamais une identité externe à un compte d'après l'adresse e-mail seule. Pas encore de compte
              ? Demandez une invitation à l'équipe d'appui de votre coopérative.
            </p>
            <p>
              <a class="button" href="/connexion?retour=%2Fconnexion%2Foidc%2Flier">
                Me connecter pour lier mon identité
              </a>
            </p>
          </>
        )}
      </Card>
    </PublicLayout>
  );
}

export interface LinkedIdentitiesProps {
  linked: LinkedIdentityRow[];
  providers: { id: string; label: string }[];
}

/** On the profile: the external identities linked to the account, and the providers to link. */
export function LinkedIdentitiesCard(p: { c: Ctx } & LinkedIdentitiesProps) {
  if (!p.linked.length && !p.providers.length) return null;
  return (
    <Card title="Identités externes">
      <p>
        Connectez-vous avec l'identité de votre coopérative ou de l'État (FranceConnect) en plus de votre mot de passe.
      </p>
      {p.linked.length ? (
        <ul>
          {p.linked.map((x) => (
            <li>
              {x.label}
              {x.email ? ` (${x.email})` : ''} — liée le {formatDateTime(x.createdAt)}
              <form method="post" action={`/profil/identites/${x.id}/delier`} class="inline">
                <Csrf token={p.c.get('csrf')} />
                <button type="submit" class="btn-link">
                  Délier
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p>Aucune identité externe n'est liée à votre compte.</p>
      )}
      <OidcButtons c={p.c} providers={p.providers} back="/profil" verb="Lier mon identité" />
    </Card>
  );
}

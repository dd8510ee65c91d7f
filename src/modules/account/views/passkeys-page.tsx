// The list of one's passkeys, with the button to add one (the browser side is /static/passkeys.js).
import { formatDateTime } from '../../../core/dates.ts';
import type { PasskeyRow } from '../../../core/auth/passkeys.ts';
import { Card, Csrf, EmptyState, PageHeader } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { PASSKEY_SCRIPTS } from './sign-in.tsx';

export function PasskeysPage(p: { c: Ctx; keys: PasskeyRow[] }) {
  const csrf = p.c.get('csrf');
  return (
    <Layout c={p.c} title="Clés d'accès" scripts={PASSKEY_SCRIPTS}>
      <PageHeader
        title="Mes clés d'accès"
        help="Une clé d'accès (passkey) vous connecte avec l'empreinte, le visage ou le code de votre appareil, sans mot de passe. Elle vaut vérification en deux étapes."
      />
      <Card title="Clés enregistrées">
        {p.keys.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>Ajoutée le</th>
                <th>Dernière utilisation</th>
                <th>
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {p.keys.map((k) => (
                <tr>
                  <td data-label="Nom">{k.name}</td>
                  <td data-label="Ajoutée le">{formatDateTime(k.createdAt)}</td>
                  <td data-label="Dernière utilisation">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Jamais'}</td>
                  <td>
                    <form method="post" action={`/profil/passkeys/${k.id}/supprimer`}>
                      <Csrf token={csrf} />
                      <button class="btn-small btn-secondary" type="submit" aria-label={`Supprimer la clé ${k.name}`}>
                        Supprimer
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucune clé d'accès pour l'instant." />
        )}
      </Card>
      <Card title="Ajouter une clé d'accès">
        <div class="field">
          <label for="passkey-name">Nom de la clé</label>
          <p class="hint" id="passkey-name-hint">
            Pour la reconnaître plus tard, ex. : « Téléphone » ou « Ordinateur du bureau ».
          </p>
          <input id="passkey-name" name="name" type="text" maxlength={80} aria-describedby="passkey-name-hint" />
        </div>
        <button type="button" id="passkey-register">
          Ajouter une clé d'accès
        </button>
        <noscript>
          <p class="hint">L'ajout d'une clé d'accès nécessite JavaScript.</p>
        </noscript>
        <p id="passkey-status" role="status" aria-live="polite"></p>
      </Card>
      <p>
        <a href="/profil">← Retour au profil</a>
      </p>
    </Layout>
  );
}

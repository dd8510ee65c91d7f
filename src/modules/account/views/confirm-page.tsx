// "Confirmez votre identité": asked before a security change when the last proof is not recent.
import { Card, Csrf, Field, PageHeader } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { PASSKEY_SCRIPTS } from './sign-in.tsx';

export function ConfirmPage(p: { c: Ctx; back: string; withCode: boolean; error?: string }) {
  return (
    <Layout c={p.c} title="Confirmez votre identité" scripts={PASSKEY_SCRIPTS}>
      <PageHeader
        title="Confirmez votre identité"
        help="Pour protéger votre compte, nous vous redemandons votre mot de passe avant une modification de sécurité."
      />
      <Card>
        <form method="post" action="/profil/confirmer" novalidate>
          <Csrf token={p.c.get('csrf')} />
          <input type="hidden" name="retour" value={p.back} />
          <Field label="Mot de passe" name="password" type="password" autocomplete="current-password" error={p.error} />
          {p.withCode ? (
            <Field
              label="ou un code de votre application d'authentification"
              name="code"
              inputmode="numeric"
              autocomplete="one-time-code"
            />
          ) : null}
          <div class="actions">
            <button type="submit">Confirmer</button>
            <a href="/profil">Annuler</a>
          </div>
        </form>
        <div class="passkey-login">
          <input type="hidden" name="retour" value={p.back} />
          <button
            type="button"
            id="passkey-login"
            class="btn-secondary"
            data-options="/profil/confirmer/passkey/options"
            data-verify="/profil/confirmer/passkey/verifier"
            hidden
          >
            Confirmer avec une clé d'accès
          </button>
          <p id="passkey-status" role="status" aria-live="polite"></p>
        </div>
      </Card>
    </Layout>
  );
}

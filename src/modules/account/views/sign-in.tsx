// The sign-in pages: password (with the passkey button) and the second factor.
import type { Ctx } from '../../../web/context.ts';
import { Card, Csrf, Field } from '../../../web/components.tsx';
import { PublicLayout } from '../../../web/layout.tsx';
import { OidcButtons } from './oidc-pages.tsx';

/** The browser side of passkeys: /static/webauthn.js (the library) and /static/passkeys.js. */
export const PASSKEY_SCRIPTS = ['/static/webauthn.js', '/static/passkeys.js'];

export function SignInForm(p: {
  c: Ctx;
  email?: string;
  error?: string;
  back?: string;
  providers?: { id: string; label: string }[];
}) {
  return (
    <PublicLayout c={p.c} title="Connexion" scripts={PASSKEY_SCRIPTS}>
      <Card title="Se connecter">
        {p.error ? (
          <div class="flash flash-error" role="alert">
            {p.error}
          </div>
        ) : null}
        <form method="post" action="/connexion">
          <Csrf token={p.c.get('csrf')} />
          <input type="hidden" name="retour" value={p.back ?? '/'} />
          <Field label="Adresse e-mail" name="email" type="email" value={p.email} required autocomplete="username" />
          <Field label="Mot de passe" name="password" type="password" required autocomplete="current-password" />
          <div class="actions">
            <button type="submit">Se connecter</button>
            <a href="/mot-de-passe-oublie">Mot de passe oublié ?</a>
          </div>
        </form>
        <div class="passkey-login">
          <button type="button" id="passkey-login" class="btn-secondary" hidden>
            Se connecter avec une clé d'accès
          </button>
          <p id="passkey-status" role="status" aria-live="polite"></p>
        </div>
        <OidcButtons c={p.c} providers={p.providers ?? []} back={p.back} />
      </Card>
    </PublicLayout>
  );
}

export function TwoFactorForm(p: { c: Ctx; error?: string; back?: string }) {
  return (
    <PublicLayout c={p.c} title="Vérification en deux étapes">
      <Card title="Vérification en deux étapes">
        <p>Saisissez le code à 6 chiffres de votre application d'authentification, ou un code de secours.</p>
        <form method="post" action="/connexion/2fa">
          <Csrf token={p.c.get('csrf')} />
          <input type="hidden" name="retour" value={p.back ?? '/'} />
          <Field label="Code" name="code" inputmode="numeric" autocomplete="one-time-code" required error={p.error} />
          <button type="submit">Vérifier</button>
        </form>
      </Card>
    </PublicLayout>
  );
}

// Choosing a password from a link: after a reset, or when accepting an invitation.
import type { Ctx } from '../../../web/context.ts';
import { Card, Csrf, Field } from '../../../web/components.tsx';
import { PublicLayout } from '../../../web/layout.tsx';

export function NewPasswordForm(p: {
  c: Ctx;
  action: string;
  title: string;
  error?: string;
  withName?: boolean;
  name?: string;
  nameError?: string;
  intro?: string;
}) {
  return (
    <PublicLayout c={p.c} title={p.title}>
      <Card title={p.title}>
        {p.intro ? <p>{p.intro}</p> : null}
        <form method="post" action={p.action} novalidate>
          <Csrf token={p.c.get('csrf')} />
          {p.withName ? (
            <Field
              label="Votre nom"
              name="displayName"
              value={p.name}
              required
              autocomplete="name"
              error={p.nameError}
            />
          ) : null}
          <Field
            label="Nouveau mot de passe"
            name="password"
            type="password"
            required
            autocomplete="new-password"
            hint="Au moins 12 caractères, sans votre adresse e-mail. Une phrase facile à retenir convient très bien."
            error={p.error}
          />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </PublicLayout>
  );
}

/** A link that cannot be used (expired, used, meant for another account), with what to do. */
export function LinkProblem(p: { c: Ctx; title: string; message: string; signInBack?: string }) {
  return (
    <PublicLayout c={p.c} title={p.title}>
      <Card title={p.title}>
        <p class="flash flash-error" role="alert">
          {p.message}
        </p>
        {p.signInBack ? (
          <a class="btn" href={`/connexion?retour=${encodeURIComponent(p.signInBack)}`}>
            Se connecter
          </a>
        ) : null}
      </Card>
    </PublicLayout>
  );
}

// Changing one's password from the profile.
import { Card, Csrf, Field, FormErrorSummary, PageHeader } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';

export function PasswordForm(p: { c: Ctx; errors?: Record<string, string> | null }) {
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title="Changer mon mot de passe">
      <PageHeader
        title="Changer mon mot de passe"
        help="Vos autres appareils seront déconnectés : vous restez connecté·e sur celui-ci."
      />
      <Card>
        <form method="post" action="/profil/mot-de-passe" novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <Field
            label="Mot de passe actuel"
            name="current"
            type="password"
            required
            autocomplete="current-password"
            error={e.current}
          />
          <Field
            label="Nouveau mot de passe"
            name="password"
            type="password"
            required
            autocomplete="new-password"
            hint="Au moins 12 caractères, sans votre adresse e-mail. Une phrase facile à retenir convient très bien."
            error={e.password}
          />
          <Field
            label="Confirmez le nouveau mot de passe"
            name="confirm"
            type="password"
            required
            autocomplete="new-password"
            error={e.confirm}
          />
          <div class="actions">
            <button type="submit">Changer le mot de passe</button>
            <a href="/profil">Annuler</a>
          </div>
        </form>
      </Card>
    </Layout>
  );
}

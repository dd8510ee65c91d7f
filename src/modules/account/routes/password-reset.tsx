// Forgotten password: the request answers the same whether or not the account exists; the link
// works once, and a newer link retires the older ones (core/auth/reset.ts).
import { Hono } from 'hono';
import { checkResetLink, requestPasswordReset, resetPassword } from '../../../core/auth/reset.ts';
import { fieldErrors, UserError } from '../../../core/errors.ts';
import { Card, Csrf, Field } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { setFlash } from '../../../web/middleware.ts';
import { NewPasswordForm } from '../views/new-password-form.tsx';

export const passwordResetRoutes = new Hono<AppEnv>();

passwordResetRoutes.get('/mot-de-passe-oublie', (c) =>
  c.html(
    <PublicLayout c={c} title="Mot de passe oublié">
      <Card title="Mot de passe oublié">
        <p>Indiquez votre adresse : si un compte existe, vous recevrez un lien valable 2 heures.</p>
        <form method="post" action="/mot-de-passe-oublie">
          <Csrf token={c.get('csrf')} />
          <Field label="Adresse e-mail" name="email" type="email" required autocomplete="email" />
          <button type="submit">Recevoir le lien</button>
        </form>
      </Card>
    </PublicLayout>,
  ),
);

passwordResetRoutes.post('/mot-de-passe-oublie', async (c) => {
  const { odb, config } = c.get('app');
  const f = await formValues(c);
  await requestPasswordReset(odb.db, f.email ?? '', config.publicUrl);
  // Same answer whether or not the account exists: the form must not reveal who has an account.
  setFlash(c, { kind: 'info', text: 'Si un compte existe pour cette adresse, un lien vient de lui être envoyé.' });
  return c.redirect('/connexion');
});

passwordResetRoutes.get('/reinitialiser/:token', async (c) => {
  const token = c.req.param('token');
  try {
    await checkResetLink(c.get('app').odb.db, token);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/mot-de-passe-oublie');
  }
  return c.html(<NewPasswordForm c={c} action={`/reinitialiser/${token}`} title="Nouveau mot de passe" />);
});

passwordResetRoutes.post('/reinitialiser/:token', async (c) => {
  const { odb } = c.get('app');
  const token = c.req.param('token');
  const f = await formValues(c);
  try {
    await resetPassword(odb.db, token, f.password ?? '');
  } catch (e) {
    const errors = fieldErrors(e);
    if (errors?.password)
      return c.html(
        <NewPasswordForm
          c={c}
          action={`/reinitialiser/${token}`}
          title="Nouveau mot de passe"
          error={errors.password}
        />,
        400,
      );
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/mot-de-passe-oublie');
  }
  setFlash(c, { kind: 'success', text: 'Mot de passe changé. Vous pouvez vous connecter.' });
  return c.redirect('/connexion');
});

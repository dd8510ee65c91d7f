// Accepting an invitation: a new person creates their account; an existing account accepts only
// while signed in as itself (directory/invitations.service.ts decides).
import { Hono } from 'hono';
import { ROLE_LABELS } from '../../../core/actor.ts';
import { fieldErrors, UserError } from '../../../core/errors.ts';
import { Card, Csrf } from '../../../web/components.tsx';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { setFlash } from '../../../web/middleware.ts';
import {
  acceptInvitation,
  describeInvitation,
  InvitationForAnotherAccount,
  type InvitationView,
} from '../../directory/index.ts';
import { LinkProblem, NewPasswordForm } from '../views/new-password-form.tsx';

export const invitationRoutes = new Hono<AppEnv>();

function invitationProblem(c: Ctx, e: unknown, path: string) {
  if (e instanceof InvitationForAnotherAccount)
    return c.html(
      <LinkProblem c={c} title="Invitation" message={e.message} signInBack={c.get('user') ? undefined : path} />,
      403,
    );
  if (e instanceof UserError && !fieldErrors(e))
    return c.html(<LinkProblem c={c} title="Invitation" message={e.message} />, 410);
  throw e;
}

invitationRoutes.get('/invitation/:token', async (c) => {
  const { odb } = c.get('app');
  const path = `/invitation/${c.req.param('token')}`;
  let inv: InvitationView;
  try {
    inv = await describeInvitation(odb.db, c.req.param('token'));
  } catch (e) {
    return invitationProblem(c, e, path);
  }
  if (inv.existingAccount) {
    if (c.get('user')?.email !== inv.email)
      return invitationProblem(c, new InvitationForAnotherAccount(inv.email), path);
    return c.html(
      <PublicLayout c={c} title="Invitation">
        <Card title="Rejoindre la coopérative">
          <p>
            Vous êtes invité·e à rejoindre {inv.cooperativeName} ({ROLE_LABELS[inv.role]}). Acceptez pour ajouter cette
            coopérative à votre espace.
          </p>
          <form method="post" action={path}>
            <Csrf token={c.get('csrf')} />
            <button type="submit">Accepter l'invitation</button>
          </form>
        </Card>
      </PublicLayout>,
    );
  }
  return c.html(
    <NewPasswordForm
      c={c}
      action={path}
      title="Créer votre compte"
      withName
      name={inv.displayName}
      intro={`Bienvenue ! Votre compte sera ${inv.email}.`}
    />,
  );
});

invitationRoutes.post('/invitation/:token', async (c) => {
  const { odb } = c.get('app');
  const path = `/invitation/${c.req.param('token')}`;
  const f = await formValues(c);
  let done: Awaited<ReturnType<typeof acceptInvitation>>;
  try {
    done = await acceptInvitation(odb.db, c.req.param('token'), {
      signedInUserId: c.get('user')?.id ?? null,
      displayName: f.displayName,
      password: f.password,
    });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) return invitationProblem(c, e, path);
    return c.html(
      <NewPasswordForm
        c={c}
        action={path}
        title="Créer votre compte"
        withName
        name={f.displayName}
        error={errors.password}
        nameError={errors.displayName}
      />,
      400,
    );
  }
  if (!done.created) {
    setFlash(c, { kind: 'success', text: 'Invitation acceptée : la coopérative est ajoutée à votre espace.' });
    return c.redirect('/');
  }
  setFlash(c, { kind: 'success', text: 'Invitation acceptée. Connectez-vous pour commencer.' });
  return c.redirect('/connexion');
});

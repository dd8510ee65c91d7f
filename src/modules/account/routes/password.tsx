// Password change from the profile: the current password is the re-authentication (it counts
// towards the lock-out); other sessions are revoked.
import { Hono } from 'hono';
import { audit } from '../../../core/audit.ts';
import { revokeOtherSessions } from '../../../core/auth/sessions.ts';
import { changePassword } from '../../../core/auth/users.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { type AppEnv, actorOf, sessionOf, userOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { PasswordForm } from '../views/password-form.tsx';

export const passwordRoutes = new Hono<AppEnv>();
passwordRoutes.use('/profil/mot-de-passe', requireActor);

passwordRoutes.get('/profil/mot-de-passe', (c) => c.html(<PasswordForm c={c} />));
passwordRoutes.post('/profil/mot-de-passe', async (c) => {
  const { odb } = c.get('app');
  const f = await formValues(c);
  const user = userOf(c);
  try {
    await changePassword(odb.db, user.id, f.current ?? '', f.password ?? '', f.confirm ?? '');
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<PasswordForm c={c} errors={errors} />, 400);
  }
  await revokeOtherSessions(odb.db, user.id, sessionOf(c).id);
  const actor = actorOf(c);
  await withTenant(odb.db, actor.cooperativeId, (trx) => audit(trx, actor, { action: 'auth.password_changed' }));
  setFlash(c, { kind: 'success', text: 'Mot de passe changé. Vos autres appareils ont été déconnectés.' });
  return c.redirect('/profil');
});

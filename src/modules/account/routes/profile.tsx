// The profile page and the list of connected devices.
import { Hono } from 'hono';
import { securityCheckup } from '../../../core/auth/checkup.ts';
import { listLinkedIdentities, listOidcProviders } from '../../../core/auth/oidc.ts';
import { listSessions, revokeSession } from '../../../core/auth/sessions.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { type AppEnv, actorOf, sessionOf, userOf } from '../../../web/context.ts';
import { ownIdentityVerification } from '../../directory/index.ts';
import { idParam } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { ProfilePage } from '../views/profile-page.tsx';
import { SecurityCheckupPage } from '../views/security-checkup-page.tsx';

export const profileRoutes = new Hono<AppEnv>();
profileRoutes.use('/profil', requireActor);
profileRoutes.use('/profil/*', requireActor);

profileRoutes.get('/profil', async (c) => {
  const user = userOf(c);
  const db = c.get('app').odb.db;
  const sessions = await listSessions(db, user.id);
  const external = {
    linked: await listLinkedIdentities(db, user.id),
    providers: await listOidcProviders(db, { enabledOnly: true }),
  };
  return c.html(
    <ProfilePage c={c} user={user} sessions={sessions} currentSessionId={sessionOf(c).id} external={external} />,
  );
});

profileRoutes.post('/profil/sessions/:id/revoquer', async (c) => {
  const ok = await revokeSession(c.get('app').odb.db, userOf(c).id, idParam(c, 'id', 'Session'));
  setFlash(c, ok ? { kind: 'success', text: 'Appareil déconnecté.' } : { kind: 'error', text: 'Session introuvable.' });
  return c.redirect('/profil');
});

profileRoutes.get('/profil/securite', async (c) => {
  const { odb } = c.get('app');
  const actor = actorOf(c);
  const own = await withTenant(odb.db, actor.cooperativeId, (trx) => ownIdentityVerification(trx, actor));
  const checkup = await securityCheckup(odb.db, userOf(c).id, new Date(), {
    identityVerified: own.status === 'verified',
  });
  return c.html(<SecurityCheckupPage c={c} checkup={checkup} />);
});

// Password change from the profile: the current password is required; other sessions are revoked.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { clientIp } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, FormErrorSummary } from '../../web/components.tsx';
import { formValues } from '../../web/forms.ts';
import { setFlash, requireActor } from '../../web/middleware.ts';
import { changePassword } from '../../core/auth/users.ts';
import { revokeOtherSessions } from '../../core/auth/sessions.ts';
import { fieldErrors } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { withTenant } from '../../core/db/tenant.ts';

export const passwordRoutes = new Hono<AppEnv>();

/** "Firefox sur Linux" from a user agent, for the list of connected devices. */
export function deviceLabel(ua: string | null): string {
  if (!ua) return 'Appareil inconnu';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : null;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  if (browser && os) return `${browser} sur ${os}`;
  return browser ?? os ?? ua.slice(0, 60);
}

function PasswordForm(p: { c: Ctx; errors?: Record<string, string> | null }) {
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
            hint="Au moins 12 caractères. Une phrase facile à retenir convient très bien."
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

passwordRoutes.get('/profil/mot-de-passe', requireActor, (c) => c.html(<PasswordForm c={c} />));
passwordRoutes.post('/profil/mot-de-passe', requireActor, async (c) => {
  const { odb } = c.get('app');
  const f = await formValues(c);
  const user = c.get('user')!;
  try {
    await changePassword(odb.db, user.id, f.current ?? '', f.password ?? '', f.confirm ?? '');
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<PasswordForm c={c} errors={errors} />, 400);
  }
  await revokeOtherSessions(odb.db, user.id, c.get('session')!.id);
  const actor = c.get('actor')!;
  await withTenant(odb.db, actor.cooperativeId, (trx) =>
    audit(trx, { ...actor, ip: clientIp(c) }, { action: 'auth.password_changed' }),
  );
  setFlash(c, { kind: 'success', text: 'Mot de passe changé. Vos autres appareils ont été déconnectés.' });
  return c.redirect('/profil');
});

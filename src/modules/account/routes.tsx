// Sign-in, second factor, sign-out, password reset, invitations, profile and security.
import { Hono } from 'hono';
import { setCookie, deleteCookie } from 'hono/cookie';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { clientIp } from '../../web/context.ts';
import { PublicLayout, Layout } from '../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, FormErrorSummary } from '../../web/components.tsx';
import { formValues } from '../../web/forms.ts';
import { cookieOpts, SESSION_COOKIE, setFlash, requireActor } from '../../web/middleware.ts';
import { authenticate, createUser, findUserByEmail, setPassword } from '../../core/auth/users.ts';
import {
  createSession,
  listSessions,
  revokeSession,
  revokeOtherSessions,
  markSecondFactor,
  setSessionCooperative,
  SESSION_DAYS,
} from '../../core/auth/sessions.ts';
import { verifySecondFactor, newTotpSecret, totpUri, enableTotp, disableTotp } from '../../core/auth/totp.ts';
import { readToken, consumeToken, createResetToken } from '../../core/auth/invitations.ts';
import { passwordProblem } from '../../core/auth/password.ts';
import { enqueueMail } from '../../core/mail.ts';
import {
  acceptInvitation,
  describeInvitation,
  InvitationForAnotherAccount,
  type InvitationView,
  membershipsOfUser,
} from '../directory/index.ts';
import { UserError, fieldErrors } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { formatDateTime } from '../../core/dates.ts';
import { ROLE_LABELS } from '../../core/actor.ts';
import { passkeyRoutes, PASSKEY_SCRIPTS } from './passkeys.tsx';
import { passwordRoutes, deviceLabel } from './password.tsx';
import { bankDetailsRoutes } from './bank-details.tsx';

export const authRoutes = new Hono<AppEnv>();
authRoutes.route('/', passkeyRoutes);
authRoutes.route('/', passwordRoutes);
authRoutes.route('/', bankDetailsRoutes);

function safeReturn(v: string | undefined): string {
  return v && v.startsWith('/') && !v.startsWith('//') ? v : '/';
}

function SignInForm(p: { c: Ctx; email?: string; error?: string; back?: string }) {
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
      </Card>
    </PublicLayout>
  );
}

authRoutes.get('/connexion', (c) => {
  if (c.get('user')) return c.redirect('/');
  return c.html(<SignInForm c={c} back={c.req.query('retour')} />);
});

authRoutes.post('/connexion', async (c) => {
  const { odb } = c.get('app');
  const f = await formValues(c);
  const ip = clientIp(c);
  const r = await authenticate(odb.db, f.email ?? '', f.password ?? '', ip);
  if (!r.ok)
    return c.html(
      <SignInForm c={c} email={f.email} error={r.message} back={f.retour} />,
      r.reason === 'invalid' ? 401 : 429,
    );
  const ms = await membershipsOfUser(odb.db, r.userId);
  const s = await createSession(odb.db, r.userId, {
    ip,
    userAgent: c.req.header('user-agent') ?? null,
    secondFactorOk: !r.needsSecondFactor,
    cooperativeId: ms[0]?.cooperativeId ?? null,
  });
  setCookie(c, SESSION_COOKIE, s.token, cookieOpts(c, SESSION_DAYS * 86400));
  if (ms[0] && !r.needsSecondFactor) {
    await withTenant(odb.db, ms[0].cooperativeId, (trx) =>
      audit(
        trx,
        { userId: r.userId, cooperativeId: ms[0].cooperativeId, roles: ms[0].roles, label: f.email, ip },
        { action: 'auth.signed_in' },
      ),
    );
  }
  return c.redirect(
    r.needsSecondFactor ? `/connexion/2fa?retour=${encodeURIComponent(safeReturn(f.retour))}` : safeReturn(f.retour),
  );
});

function TwoFactorForm(p: { c: Ctx; error?: string; back?: string }) {
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

authRoutes.get('/connexion/2fa', (c) => {
  const s = c.get('session');
  if (!s) return c.redirect('/connexion');
  if (s.secondFactorOk) return c.redirect('/');
  return c.html(<TwoFactorForm c={c} back={c.req.query('retour')} />);
});
authRoutes.post('/connexion/2fa', async (c) => {
  const { odb } = c.get('app');
  const s = c.get('session');
  if (!s) return c.redirect('/connexion');
  const f = await formValues(c);
  if (!(await verifySecondFactor(odb.db, s.userId, f.code ?? ''))) {
    return c.html(
      <TwoFactorForm
        c={c}
        error="Code incorrect ou expiré. Réessayez avec le code affiché maintenant."
        back={f.retour}
      />,
      401,
    );
  }
  await markSecondFactor(odb.db, s.id);
  return c.redirect(safeReturn(f.retour));
});

authRoutes.post('/deconnexion', async (c) => {
  const { odb } = c.get('app');
  const s = c.get('session');
  if (s) await revokeSession(odb.db, s.userId, s.id);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  setFlash(c, { kind: 'info', text: 'Vous êtes déconnecté·e. À bientôt !' });
  return c.redirect('/connexion');
});

authRoutes.post('/cooperative/changer', requireActor, async (c) => {
  const { odb } = c.get('app');
  const f = await formValues(c);
  const m = c.get('memberships').find((x) => x.cooperativeId === f.cooperativeId);
  if (!m) {
    setFlash(c, { kind: 'error', text: "Vous n'êtes pas membre de cette coopérative." });
    return c.redirect('/');
  }
  await setSessionCooperative(odb.db, c.get('session')!.id, m.cooperativeId);
  setFlash(c, { kind: 'success', text: `Vous travaillez maintenant dans ${m.name}.` });
  return c.redirect('/');
});

// --- password reset ---------------------------------------------------------------------
authRoutes.get('/mot-de-passe-oublie', (c) =>
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

authRoutes.post('/mot-de-passe-oublie', async (c) => {
  const { odb, config } = c.get('app');
  const f = await formValues(c);
  const u = await findUserByEmail(odb.db, f.email ?? '');
  if (u && !u.disabled_at) {
    const token = await createResetToken(odb.db, u.id);
    const link = `${config.publicUrl}/reinitialiser/${token}`;
    await enqueueMail(odb.db, {
      to: u.email,
      subject: 'Réinitialiser votre mot de passe Radieuse',
      text: `Bonjour ${u.display_name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 2 heures) :\n${link}\n\nSi vous n'avez rien demandé, ignorez ce message.`,
    });
  }
  // Same answer whether or not the account exists: the form must not reveal who has an account.
  setFlash(c, { kind: 'info', text: 'Si un compte existe pour cette adresse, un lien vient de lui être envoyé.' });
  return c.redirect('/connexion');
});

function NewPasswordForm(p: {
  c: Ctx;
  action: string;
  title: string;
  error?: string;
  withName?: boolean;
  name?: string;
  intro?: string;
}) {
  return (
    <PublicLayout c={p.c} title={p.title}>
      <Card title={p.title}>
        {p.intro ? <p>{p.intro}</p> : null}
        <form method="post" action={p.action}>
          <Csrf token={p.c.get('csrf')} />
          {p.withName ? (
            <Field label="Votre nom" name="displayName" value={p.name} required autocomplete="name" />
          ) : null}
          <Field
            label="Nouveau mot de passe"
            name="password"
            type="password"
            required
            autocomplete="new-password"
            hint="Au moins 12 caractères. Une phrase facile à retenir convient très bien."
            error={p.error}
          />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </PublicLayout>
  );
}

authRoutes.get('/reinitialiser/:token', async (c) => {
  try {
    await readToken(c.get('app').odb.db, c.req.param('token'), 'reset');
  } catch (e) {
    setFlash(c, { kind: 'error', text: (e as Error).message });
    return c.redirect('/mot-de-passe-oublie');
  }
  return c.html(
    <NewPasswordForm c={c} action={`/reinitialiser/${c.req.param('token')}`} title="Nouveau mot de passe" />,
  );
});
authRoutes.post('/reinitialiser/:token', async (c) => {
  const { odb } = c.get('app');
  const token = c.req.param('token');
  let row;
  try {
    row = await readToken(odb.db, token, 'reset');
  } catch (e) {
    setFlash(c, { kind: 'error', text: (e as Error).message });
    return c.redirect('/mot-de-passe-oublie');
  }
  const f = await formValues(c);
  const problem = passwordProblem(f.password ?? '');
  if (problem)
    return c.html(
      <NewPasswordForm c={c} action={`/reinitialiser/${token}`} title="Nouveau mot de passe" error={problem} />,
      400,
    );
  await odb.db.transaction().execute(async (trx) => {
    await setPassword(trx as any, row.user_id!, f.password!);
    await trx.updateTable('auth_token').set({ used_at: new Date() }).where('token_hash', '=', row.token_hash).execute();
  });
  await revokeOtherSessions(odb.db, row.user_id!, null);
  setFlash(c, { kind: 'success', text: 'Mot de passe changé. Vous pouvez vous connecter.' });
  return c.redirect('/connexion');
});

// --- invitations ------------------------------------------------------------------------
function InvitationProblem(p: { c: Ctx; message: string; signIn?: string }) {
  return (
    <PublicLayout c={p.c} title="Invitation">
      <Card title="Invitation">
        <p class="flash flash-error" role="alert">
          {p.message}
        </p>
        {p.signIn ? (
          <a class="btn" href={`/connexion?retour=${encodeURIComponent(p.signIn)}`}>
            Se connecter
          </a>
        ) : null}
      </Card>
    </PublicLayout>
  );
}

function invitationError(c: Ctx, e: unknown, path: string) {
  if (e instanceof InvitationForAnotherAccount)
    return c.html(<InvitationProblem c={c} message={e.message} signIn={c.get('user') ? undefined : path} />, 403);
  if (e instanceof UserError && !fieldErrors(e)) return c.html(<InvitationProblem c={c} message={e.message} />, 410);
  throw e;
}

authRoutes.get('/invitation/:token', async (c) => {
  const { odb } = c.get('app');
  const token = c.req.param('token');
  const path = `/invitation/${token}`;
  let inv: InvitationView;
  try {
    inv = await describeInvitation(odb.db, token);
  } catch (e) {
    return invitationError(c, e, path);
  }
  if (inv.existingAccount) {
    const user = c.get('user');
    if (user?.email !== inv.email) return invitationError(c, new InvitationForAnotherAccount(inv.email), path);
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
authRoutes.post('/invitation/:token', async (c) => {
  const { odb } = c.get('app');
  const token = c.req.param('token');
  const path = `/invitation/${token}`;
  const f = await formValues(c);
  let done: Awaited<ReturnType<typeof acceptInvitation>>;
  try {
    done = await acceptInvitation(odb.db, token, {
      signedInUserId: c.get('user')?.id ?? null,
      displayName: f.displayName,
      password: f.password,
    });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) return invitationError(c, e, path);
    return c.html(
      <NewPasswordForm
        c={c}
        action={path}
        title="Créer votre compte"
        withName
        name={f.displayName}
        error={errors.password}
        intro={errors.displayName}
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

// --- profile and security ---------------------------------------------------------------
authRoutes.get('/profil', requireActor, async (c) => {
  const { odb } = c.get('app');
  const user = c.get('user')!;
  const sessions = await listSessions(odb.db, user.id);
  const current = c.get('session')!.id;
  return c.html(
    <Layout c={c} title="Mon profil">
      <PageHeader
        title="Mon profil et ma sécurité"
        help="Vos appareils connectés, la vérification en deux étapes et vos clés d'accès."
      />
      <Card title="Mes informations">
        <p>
          <strong>{user.displayName}</strong>
          <br />
          {user.email}
        </p>
        <div class="actions">
          <a class="btn btn-secondary" href="/profil/mot-de-passe">
            Changer mon mot de passe
          </a>
          <a class="btn btn-secondary" href="/profil/banque">
            Mes coordonnées bancaires
          </a>
        </div>
      </Card>
      <Card title="Vérification en deux étapes">
        {user.totpEnabled ? (
          <form method="post" action="/profil/2fa/desactiver">
            <Csrf token={c.get('csrf')} />
            <p>Activée. Un code vous est demandé à chaque connexion.</p>
            <button class="btn-secondary" type="submit">
              Désactiver
            </button>
          </form>
        ) : (
          <>
            <p>
              Ajoutez un code à usage unique (application comme Aegis, FreeOTP ou Google Authenticator) pour protéger
              votre compte.
            </p>
            <a class="btn btn-secondary" href="/profil/2fa">
              Activer la vérification en deux étapes
            </a>
          </>
        )}
      </Card>
      <Card title="Clés d'accès (passkeys)">
        <p>Connectez-vous avec l'empreinte ou le code de votre appareil, sans mot de passe.</p>
        <a class="btn btn-secondary" href="/profil/passkeys">
          Gérer mes clés d'accès
        </a>
      </Card>
      <Card title="Appareils connectés">
        <table class="data">
          <thead>
            <tr>
              <th>Appareil</th>
              <th>Adresse</th>
              <th>Dernière activité</th>
              <th>
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td data-label="Appareil">
                  <span title={s.user_agent ?? undefined}>{deviceLabel(s.user_agent)}</span>
                  {s.id === current ? <strong> (cet appareil)</strong> : null}
                </td>
                <td data-label="Adresse">{s.ip ?? '—'}</td>
                <td data-label="Dernière activité">{formatDateTime(s.last_seen_at)}</td>
                <td>
                  {s.id === current ? null : (
                    <form method="post" action={`/profil/sessions/${s.id}/revoquer`}>
                      <Csrf token={c.get('csrf')} />
                      <button class="btn-small btn-secondary" type="submit">
                        Déconnecter
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </Layout>,
  );
});

authRoutes.post('/profil/sessions/:id/revoquer', requireActor, async (c) => {
  const ok = await revokeSession(c.get('app').odb.db, c.get('user')!.id, c.req.param('id'));
  setFlash(c, ok ? { kind: 'success', text: 'Appareil déconnecté.' } : { kind: 'error', text: 'Session introuvable.' });
  return c.redirect('/profil');
});

function TotpSetup(p: { c: Ctx; secret: string; error?: string }) {
  const user = p.c.get('user')!;
  return (
    <Layout c={p.c} title="Vérification en deux étapes">
      <PageHeader
        title="Activer la vérification en deux étapes"
        help="Ajoutez ce compte dans votre application, puis saisissez le code affiché."
      />
      <Card>
        <p>
          Clé à saisir dans l'application : <code class="mono">{p.secret.replace(/(.{4})/g, '$1 ')}</code>
        </p>
        <p class="muted">
          Lien de configuration : <code class="mono">{totpUri(user.email, p.secret)}</code>
        </p>
        <form method="post" action="/profil/2fa">
          <Csrf token={p.c.get('csrf')} />
          <input type="hidden" name="secret" value={p.secret} />
          <Field
            label="Code à 6 chiffres"
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            required
            error={p.error}
          />
          <button type="submit">Activer</button>
        </form>
      </Card>
    </Layout>
  );
}
authRoutes.get('/profil/2fa', requireActor, (c) => c.html(<TotpSetup c={c} secret={newTotpSecret()} />));
authRoutes.post('/profil/2fa', requireActor, async (c) => {
  const { odb } = c.get('app');
  const f = await formValues(c);
  const codes = /^[A-Z2-7]{16,64}$/.test(f.secret ?? '')
    ? await enableTotp(odb.db, c.get('user')!.id, f.secret!, f.code ?? '')
    : null;
  if (!codes)
    return c.html(
      <TotpSetup
        c={c}
        secret={f.secret ?? newTotpSecret()}
        error="Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant."
      />,
      400,
    );
  const actor = c.get('actor')!;
  await withTenant(odb.db, actor.cooperativeId, (trx) => audit(trx, actor, { action: 'auth.totp_enabled' }));
  return c.html(
    <Layout c={c} title="Codes de secours">
      <PageHeader
        title="Vérification en deux étapes activée"
        help="Gardez ces codes de secours en lieu sûr : chacun permet une connexion si vous perdez votre téléphone."
      />
      <Card>
        <ul class="mono">
          {codes.map((x) => (
            <li>{x}</li>
          ))}
        </ul>
        <a class="btn" href="/profil">
          J'ai noté mes codes
        </a>
      </Card>
    </Layout>,
  );
});
authRoutes.post('/profil/2fa/desactiver', requireActor, async (c) => {
  const { odb } = c.get('app');
  await disableTotp(odb.db, c.get('user')!.id);
  const actor = c.get('actor')!;
  await withTenant(odb.db, actor.cooperativeId, (trx) => audit(trx, actor, { action: 'auth.totp_disabled' }));
  setFlash(c, { kind: 'info', text: 'Vérification en deux étapes désactivée.' });
  return c.redirect('/profil');
});

export { UserError };

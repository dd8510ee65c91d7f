// Setting up the second factor (TOTP) and showing the recovery codes once.
import { raw } from 'hono/html';
import { Card, Csrf, Field, PageHeader } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';

export function TotpSetup(p: { c: Ctx; secret: string; uri: string; qr: string; error?: string }) {
  return (
    <Layout c={p.c} title="Vérification en deux étapes">
      <PageHeader
        title="Activer la vérification en deux étapes"
        help="Ajoutez ce compte dans votre application, puis saisissez le code affiché."
      />
      <Card>
        <figure class="qr" role="img" aria-label="Code QR à scanner avec votre application d'authentification">
          {raw(p.qr)}
          <figcaption>Scannez ce code avec votre application (Google Authenticator, Aegis, FreeOTP…).</figcaption>
        </figure>
        <p>
          Ou saisissez cette clé dans l'application : <code class="mono">{p.secret.replace(/(.{4})/g, '$1 ')}</code>
        </p>
        <p class="muted">
          Sur votre téléphone, ce lien ouvre directement l'application :{' '}
          <a href={p.uri} class="mono">
            ajouter le compte
          </a>
        </p>
        <form method="post" action="/profil/2fa" novalidate>
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

export function RecoveryCodes(p: { c: Ctx; codes: string[] }) {
  return (
    <Layout c={p.c} title="Codes de secours">
      <PageHeader
        title="Vérification en deux étapes activée"
        help="Gardez ces codes de secours en lieu sûr : chacun permet une seule connexion si vous perdez votre téléphone."
      />
      <Card>
        <ul class="mono">
          {p.codes.map((x) => (
            <li>{x}</li>
          ))}
        </ul>
        <a class="btn" href="/profil">
          J'ai noté mes codes
        </a>
      </Card>
    </Layout>
  );
}

// Digest preferences (how often the news come, in one message), and the public unsubscribe
// pages reached from a digest without signing in.
import type { Ctx } from '../../../web/context.ts';
import { Layout, PublicLayout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, Card, Advanced } from '../../../web/components.tsx';
import { FREQUENCY_LABELS } from '../digest.ts';
import type { DigestFrequency } from '../schema.ts';

function PreferenceForm(p: { c: Ctx; frequency: DigestFrequency | string; unsubscribed: boolean; error?: string }) {
  const radio = (k: DigestFrequency) => (
    <div class="field checkbox">
      <input type="radio" id={`f-frequency-${k}`} name="frequency" value={k} checked={p.frequency === k} />
      <label for={`f-frequency-${k}`}>{FREQUENCY_LABELS[k]}</label>
    </div>
  );
  return (
    <form method="post" action="/preferences-notifications" novalidate>
      <Csrf token={p.c.get('csrf')} />
      {p.unsubscribed ? (
        <p class="flash flash-info">
          Vous êtes désabonné·e des résumés. Choisissez une fréquence pour les recevoir de nouveau.
        </p>
      ) : null}
      <fieldset class={p.error ? 'has-error' : ''}>
        <legend>Recevoir les nouvelles</legend>
        {radio('weekly')}
        <Advanced c={p.c} open={p.frequency !== 'weekly'}>
          {radio('daily')}
          {radio('urgent')}
        </Advanced>
        {p.error ? (
          <p class="error" role="alert" id="f-frequency-error">
            {p.error}
          </p>
        ) : null}
      </fieldset>
      <button type="submit">Enregistrer</button>
    </form>
  );
}

export function PreferencesPage(p: { c: Ctx; frequency: string; unsubscribed: boolean; error?: string }) {
  return (
    <Layout c={p.c} title="Mes notifications">
      <PageHeader
        title="Mes notifications"
        help="Radieuse ne vous envoie pas un message par événement : les nouvelles sont regroupées dans un seul résumé."
      />
      <Card>
        <PreferenceForm c={p.c} frequency={p.frequency} unsubscribed={p.unsubscribed} error={p.error} />
      </Card>
    </Layout>
  );
}

export function UnsubscribeConfirm(p: { c: Ctx; email: string; action: string }) {
  return (
    <PublicLayout c={p.c} title="Se désabonner">
      <Card title="Ne plus recevoir les résumés">
        <p>
          Vous ne recevrez plus les résumés de Radieuse à l'adresse <strong>{p.email}</strong>. Vous pourrez les
          réactiver dans « Mes notifications ».
        </p>
        <form method="post" action={p.action}>
          <button type="submit">Confirmer le désabonnement</button>
        </form>
      </Card>
    </PublicLayout>
  );
}

export function UnsubscribeDone(p: { c: Ctx }) {
  return (
    <PublicLayout c={p.c} title="Désabonnement confirmé">
      <Card title="C'est fait">
        <p>Vous ne recevrez plus de résumé. Vos choses à faire restent visibles dans Radieuse.</p>
      </Card>
    </PublicLayout>
  );
}

export function InvalidLink(p: { c: Ctx; message: string }) {
  return (
    <PublicLayout c={p.c} title="Lien invalide">
      <Card title="Lien invalide">
        <p>{p.message}</p>
      </Card>
    </PublicLayout>
  );
}

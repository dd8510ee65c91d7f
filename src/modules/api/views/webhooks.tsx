// The webhooks pages.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Badge,
  Card,
  CheckboxGroup,
  Csrf,
  EmptyState,
  Field,
  FormErrorSummary,
  PageHeader,
} from '../../../web/components.tsx';
import { WEBHOOK_EVENTS, type Delivery, type Subscription } from '../webhooks.service.ts';

const when = (d: Date | null) =>
  d ? d.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }) : '—';
const DELIVERY_LABELS = { pending: 'En attente', delivered: 'Livré', failed: 'Échec' } as const;
const DELIVERY_TONES = { pending: 'pending', delivered: 'approved', failed: 'rejected' } as const;

export function WebhooksPage(p: {
  c: Ctx;
  subs: Subscription[];
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const csrf = p.c.get('csrf');
  return (
    <Layout c={p.c} title="Webhooks">
      <PageHeader
        title="Webhooks"
        help="Un webhook prévient un autre logiciel à chaque événement choisi (facture validée, payée…), par un appel HTTP signé. Documentation : docs/api.md."
      />
      <Card title="Abonnements">
        {p.subs.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Adresse</th>
                <th>Événements</th>
                <th>État</th>
              </tr>
            </thead>
            <tbody>
              {p.subs.map((s) => (
                <tr>
                  <td>
                    <a href={`/webhooks/${s.id}`}>{s.url}</a>
                  </td>
                  <td>{s.events.join(', ')}</td>
                  <td>
                    {s.enabled ? (
                      <Badge status="approved" label="Actif" />
                    ) : (
                      <Badge status="rejected" label="Désactivé" />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucun webhook" />
        )}
      </Card>
      <Card title="Nouveau webhook">
        <form method="post" action="/webhooks">
          <Csrf token={csrf} />
          <FormErrorSummary errors={p.errors} />
          <Field
            label="Adresse (URL)"
            name="url"
            required
            value={p.values?.url}
            error={p.errors?.url}
            placeholder="https://…"
          />
          <Field label="Description" name="description" value={p.values?.description} />
          <CheckboxGroup legend="Événements" name="events" options={WEBHOOK_EVENTS} error={p.errors?.events} />
          <button class="btn btn-primary" type="submit">
            Créer le webhook
          </button>
        </form>
      </Card>
    </Layout>
  );
}

export function WebhookPage(p: { c: Ctx; sub: Subscription; deliveries: Delivery[] }) {
  const csrf = p.c.get('csrf');
  const s = p.sub;
  return (
    <Layout c={p.c} title={`Webhook ${s.url}`}>
      <PageHeader title={`Webhook ${s.url}`} help={s.description || undefined} />
      <Card title="Réglages">
        <p>Événements : {s.events.join(', ')}</p>
        <p>
          Secret de signature : <code>{s.secret}</code>
        </p>
        <p>État : {s.enabled ? 'actif' : `désactivé. ${s.disabledReason ?? ''}`}</p>
        <form method="post" action={`/webhooks/${s.id}/${s.enabled ? 'desactiver' : 'activer'}`}>
          <Csrf token={csrf} />
          <button class="btn" type="submit">
            {s.enabled ? 'Désactiver' : 'Réactiver'}
          </button>
        </form>
      </Card>
      <Card title="Journal des envois">
        {p.deliveries.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Créé</th>
                <th>Événement</th>
                <th>webhook-id</th>
                <th>État</th>
                <th>Essais</th>
                <th>Dernière réponse</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {p.deliveries.map((d) => (
                <tr>
                  <td>{when(d.createdAt)}</td>
                  <td>{d.event}</td>
                  <td>
                    <code>{d.id}</code>
                  </td>
                  <td>
                    <Badge status={DELIVERY_TONES[d.status]} label={DELIVERY_LABELS[d.status]} />
                    {d.status === 'pending' && d.attempts ? ` (prochain essai ${when(d.nextAttemptAt)})` : ''}
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '—')}</td>
                  <td>
                    {d.status !== 'pending' ? (
                      <form method="post" action={`/webhooks/${s.id}/envois/${d.id}/rejouer`}>
                        <Csrf token={csrf} />
                        <button class="btn" type="submit">
                          Rejouer
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucun envoi pour l’instant" />
        )}
      </Card>
    </Layout>
  );
}

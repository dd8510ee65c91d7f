// The invoice page's e-invoicing panel (registered with sales' invoice panels): the channel, the
// transmission state and the life-cycle history with dates and the platform's reasons.
import { Card, Csrf } from '../../../web/components.tsx';
import { CHANNEL_LABELS, LIFECYCLE, SEND_STATE_LABELS } from '../statuses.ts';
import { FORMAT_LABELS } from '../platform.service.ts';
import type { StatusEntry, Transmission } from '../transmission.service.ts';
import { LifecycleBadge, when } from './common.tsx';

export function InvoiceEInvoicingPanel(p: {
  data: { transmission: Transmission; history: StatusEntry[] };
  csrf: string;
  mayRetry: boolean;
}) {
  const t = p.data.transmission;
  if (t.channel !== 'platform')
    return (
      <Card title="Facturation électronique">
        <p class="hint" data-einvoicing-channel={t.channel}>
          {CHANNEL_LABELS[t.channel]} : cette vente n’est pas transmise comme facture électronique, elle entre dans
          l’e-reporting de la période.
        </p>
      </Card>
    );
  return (
    <Card title="Facturation électronique">
      <p data-einvoicing-status={t.status ?? t.state ?? ''}>
        <LifecycleBadge status={t.status} state={t.state} />{' '}
        {t.statusReason ? <span class="hint">Motif : {t.statusReason}</span> : null}
      </p>
      <p class="hint">
        Destinataire (annuaire) : {t.routingAddress ?? 'inconnu : complétez le SIREN du client'}
        {t.format ? ` · format ${FORMAT_LABELS[t.format]}` : ''}
        {t.sentAt ? ` · transmise le ${when(t.sentAt)}` : ''}
        {t.state === 'to_send' && t.attempts > 0
          ? ` · ${SEND_STATE_LABELS.to_send} (essai ${t.attempts + 1}, prochain le ${when(t.nextAttemptAt)})`
          : ''}
      </p>
      {t.lastError && t.state !== 'sent' ? <p class="field-error">Dernière erreur : {t.lastError}</p> : null}
      {t.state === 'failed' && p.mayRetry ? (
        <form method="post" action={`/facturation-electronique/transmissions/${t.invoiceId}/relancer`} class="inline">
          <Csrf token={p.csrf} />
          <button type="submit" class="btn-secondary">
            Relancer la transmission
          </button>
        </form>
      ) : null}
      {p.data.history.length ? (
        <table class="data">
          <caption>Cycle de vie</caption>
          <thead>
            <tr>
              <th>Date</th>
              <th>Statut</th>
              <th>Motif</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {p.data.history.map((h) => (
              <tr>
                <td>{when(h.occurredAt)}</td>
                <td>
                  {LIFECYCLE[h.status].label} <span class="hint">({LIFECYCLE[h.status].code})</span>
                </td>
                <td>{h.reason ?? ''}</td>
                <td>{h.source === 'platform' ? 'Plateforme' : 'Radieuse'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}

import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, Badge, Figure } from '../../../web/components.tsx';
import { hasRole } from '../../../core/actor.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { formatDate, todayParis } from '../../../core/dates.ts';
import { formatEuros, centsToDecimal } from '../../../core/money.ts';
import { getCustomer } from '../customer.service.ts';
import { getInvoice, getLines, canValidate, STATUS_LABELS } from '../invoice.service.ts';
import { isUuid } from '../../../core/ids.ts';
import { formatDateTime, daysBetween } from '../../../core/dates.ts';
import { reminderHistory, NOTICE_AFTER_DAYS } from '../reminders.ts';
import { withSections } from '../editor.tsx';
import { DocumentLineRow, SubtotalRow } from '../document-lines.tsx';
import { invoicePanels } from '../invoice-panels.ts';
import { tenant } from './kit.ts';

export const invoiceRoutes = new Hono<AppEnv>();

// --- invoice page and actions ---------------------------------------------------------------
invoiceRoutes.get('/factures/:id', async (c) => {
  const actor = actorOf(c);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  const data = await tenant(c, async (trx) => {
    const inv = await getInvoice(trx, actor, id);
    if (!inv) throw new NotFoundError('Facture');
    return {
      inv,
      lines: await getLines(trx, actor, id),
      mayValidate: await canValidate(trx, actor, inv),
      reminders: await reminderHistory(trx, actor, id),
      // Reminders and "sent by e-mail" depend on it: a customer without one gets neither.
      customerEmail: (await getCustomer(trx, actor, inv.customerId))?.email ?? null,
      panels: await invoicePanels(trx, actor, inv, c.get('csrf')),
    };
  });
  const { inv, lines } = data;
  const csrf = c.get('csrf');
  const post = (path: string, label: string, cls = '') => (
    <form method="post" action={`/factures/${inv.id}/${path}`} class="inline">
      <Csrf token={csrf} />
      <button type="submit" class={cls}>
        {label}
      </button>
    </form>
  );
  const title = inv.number
    ? `${inv.typeCode === '381' ? 'Avoir' : 'Facture'} ${inv.number}`
    : `${inv.typeCode === '381' ? 'Avoir' : 'Facture'} (brouillon)`;
  return c.html(
    <Layout c={c} title={title} wide>
      <PageHeader
        title={title}
        help={`${inv.customerName} · émise le ${formatDate(inv.issueDate)} · échéance ${formatDate(inv.dueDate)}`}
      />
      <p>
        <Badge status={inv.displayStatus} label={STATUS_LABELS[inv.displayStatus]} />
      </p>
      <div class="actions">
        {inv.status === 'draft' ? post('soumettre', 'Soumettre à validation') : null}
        {(inv.status === 'draft' || inv.status === 'submitted') && data.mayValidate
          ? post('valider', 'Valider la facture')
          : null}
        {inv.number ? (
          <a class="btn btn-secondary" href={`/factures/${inv.id}/pdf`}>
            Télécharger le PDF
          </a>
        ) : null}
        {inv.number && inv.status !== 'cancelled'
          ? post('envoyer', inv.sentAt ? 'Envoyer de nouveau par e-mail' : 'Envoyer par e-mail')
          : null}
        {inv.status === 'draft' || inv.status === 'submitted' ? (
          <a class="btn btn-secondary" href={`/factures/${inv.id}/modifier`}>
            Modifier
          </a>
        ) : null}
        {inv.typeCode === '380' && !inv.quoteId ? post('dupliquer', 'Dupliquer', 'btn-secondary') : null}
        {inv.number && inv.typeCode !== '381' && inv.status !== 'cancelled'
          ? post('avoir', 'Émettre un avoir', 'btn-secondary')
          : null}
        {inv.displayStatus === 'overdue' &&
        inv.dueDate &&
        daysBetween(inv.dueDate, todayParis()) > NOTICE_AFTER_DAYS ? (
          <a class="btn btn-secondary" href={`/factures/${inv.id}/mise-en-demeure`}>
            Mise en demeure (PDF)
          </a>
        ) : null}
      </div>
      {inv.sentAt ? (
        <p class="hint">
          {data.customerEmail ? 'Envoyée par e-mail' : 'Marquée comme envoyée'} le {formatDateTime(inv.sentAt)}.
        </p>
      ) : null}
      {inv.prepaidCents ? <p class="hint">Acomptes déduits : {formatEuros(inv.prepaidCents)}.</p> : null}
      {data.panels}
      {inv.quoteId ? (
        <p class="hint">
          <a href={`/devis/${inv.quoteId}`}>Voir le devis d'origine</a>
        </p>
      ) : null}
      <table class="data">
        <thead>
          <tr>
            <th>Désignation</th>
            <th class="num">Quantité</th>
            <th class="num">Prix unitaire HT</th>
            <th class="num">Remise</th>
            <th class="num">TVA</th>
            <th class="num">Montant HT</th>
          </tr>
        </thead>
        <tbody>
          {withSections(lines).map(({ l, title, subtotal }) => (
            <>
              {title ? (
                <tr class="doc-section-row">
                  <th colspan={6} scope="rowgroup">
                    {title}
                  </th>
                </tr>
              ) : null}
              <DocumentLineRow l={l} />
              {subtotal !== null ? <SubtotalRow title={l.section ?? ''} cents={subtotal} /> : null}
            </>
          ))}
        </tbody>
      </table>
      <div class="figures">
        {inv.discountCents ? (
          <Figure
            label="Remise globale HT"
            value={formatEuros(-inv.discountCents)}
            hint={inv.discountReason ?? undefined}
          />
        ) : null}
        <Figure label="Total HT" value={formatEuros(inv.totalExclCents)} />
        <Figure label="TVA" value={formatEuros(inv.vatCents)} />
        <Figure label="Total TTC" value={formatEuros(inv.totalInclCents)} />
        <Figure
          label="Reste à payer"
          value={formatEuros(inv.dueCents)}
          tone={inv.displayStatus === 'overdue' ? 'danger' : undefined}
        />
      </div>
      {['validated', 'sent', 'partly_paid'].includes(inv.status) &&
      inv.typeCode !== '381' &&
      hasRole(actor, 'accountant', 'support', 'director') ? (
        <Card title="Enregistrer un paiement">
          <form method="post" action={`/factures/${inv.id}/paiement`} novalidate>
            <Csrf token={csrf} />
            <div class="form-grid">
              <Field
                label="Montant (€)"
                name="amount"
                value={centsToDecimal(inv.dueCents).replace('.', ',')}
                inputmode="decimal"
                required
              />
              <Field label="Date" name="date" type="date" value={todayParis()} required />
              <Select
                label="Moyen"
                name="method"
                options={[
                  ['virement', 'Virement'],
                  ['cheque', 'Chèque'],
                  ['especes', 'Espèces'],
                  ['carte', 'Carte'],
                ]}
              />
              <Field label="Référence" name="reference" />
            </div>
            <button type="submit">Enregistrer le paiement</button>
          </form>
        </Card>
      ) : null}
      {inv.number && inv.typeCode !== '381' ? (
        <Card title="Relances">
          {data.reminders.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Étape</th>
                </tr>
              </thead>
              <tbody>
                {data.reminders.map((r) => (
                  <tr>
                    <td data-label="Date">{formatDate(r.sentOn)}</td>
                    <td data-label="Étape">
                      {r.kind === 'notice'
                        ? 'Mise en demeure imprimée'
                        : r.offsetDays < 0
                          ? `Rappel ${-r.offsetDays} jours avant l'échéance`
                          : `Relance ${r.offsetDays} jours après l'échéance`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>
              {data.customerEmail
                ? 'Aucune relance envoyée.'
                : "Aucune relance envoyée : votre client n'a pas d'adresse e-mail. Ajoutez-la sur sa fiche pour que les relances partent, ou relancez-le vous-même."}
            </p>
          )}
          <p>
            {inv.remindersPaused
              ? 'Les relances automatiques sont en pause pour cette facture.'
              : 'Les relances automatiques sont actives (voir le calendrier dans « Relances »).'}
          </p>
          {['validated', 'sent', 'partly_paid'].includes(inv.status)
            ? post(
                'relances',
                inv.remindersPaused ? 'Reprendre les relances' : 'Mettre les relances en pause',
                'btn-secondary',
              )
            : null}
        </Card>
      ) : null}
    </Layout>,
  );
});

// The invoices list (/factures): filters, totals, search.
import { LiveResults, liveSearch } from '../../../web/live-search.tsx';
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, PageHeader, Pagination, EmptyState, Badge, Figure } from '../../../web/components.tsx';
import { pageParam } from '../../../web/forms.ts';
import { formatDate } from '../../../core/dates.ts';
import { formatEuros, parseCents } from '../../../core/money.ts';
import { activitiesFor } from '../../directory/index.ts';
import { INVOICE_STATUSES, type InvoiceStatus } from '../types.ts';
import { listCustomers } from '../customer.service.ts';
import { listInvoices, STATUS_LABELS } from '../invoice.service.ts';
import { tenant } from './kit.ts';

export const invoiceListRoutes = new Hono<AppEnv>();

// --- invoices list --------------------------------------------------------------------------
invoiceListRoutes.get('/factures', async (c) => {
  const actor = actorOf(c);
  const q = c.req.query();
  const status = (
    q.status && ([...INVOICE_STATUSES, 'issued'] as string[]).includes(q.status) ? q.status : undefined
  ) as InvoiceStatus | 'issued' | undefined;
  const [res, acts, customers] = await tenant(
    c,
    async (trx) =>
      [
        await listInvoices(trx, actor, {
          status,
          customerId: q.client || undefined,
          activityId: q.activite || undefined,
          from: q.du || undefined,
          to: q.au || undefined,
          q: q.q || undefined,
          page: pageParam(c),
          minCents: q.min ? parseCents(q.min) : null,
          maxCents: q.max ? parseCents(q.max) : null,
        }),
        await activitiesFor(trx, actor),
        await listCustomers(trx, actor, { pageSize: 500 }),
      ] as const,
  );
  const params = {
    status: q.status,
    client: q.client,
    activite: q.activite,
    du: q.du,
    au: q.au,
    q: q.q,
    min: q.min,
    max: q.max,
  };
  return c.html(
    <Layout c={c} title="Factures" wide>
      <PageHeader
        title="Factures"
        help="Vos factures et avoirs. Une facture validée reçoit son numéro et ne peut plus être modifiée."
        action={
          <a class="btn" href="/factures/nouvelle">
            Nouvelle facture
          </a>
        }
      />
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the landmark older screen readers know; <search> is too recent */}
      <form class="filters" method="get" action="/factures" role="search" {...liveSearch('/factures')}>
        <Field label="Rechercher" name="q" value={q.q} placeholder="Numéro ou client" />
        <Select
          label="Statut"
          name="status"
          value={q.status ?? ''}
          options={[
            ['', 'Tous'],
            ['issued', 'Émises non soldées'],
            ...INVOICE_STATUSES.map((s) => [s, STATUS_LABELS[s]] as [string, string]),
          ]}
        />
        <Select
          label="Client"
          name="client"
          value={q.client ?? ''}
          options={[['', 'Tous'], ...customers.items.map((x) => [x.id, x.name] as [string, string])]}
        />
        <Select
          label="Activité"
          name="activite"
          value={q.activite ?? ''}
          options={[['', 'Toutes'], ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string])]}
        />
        <Field label="Du" name="du" type="date" value={q.du} />
        <Field label="Au" name="au" type="date" value={q.au} />
        <Field label="TTC minimum (€)" name="min" value={q.min} inputmode="decimal" />
        <Field label="TTC maximum (€)" name="max" value={q.max} inputmode="decimal" />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      <LiveResults>
        <div class="figures">
          <Figure label="Total HT" value={formatEuros(res.totalExclCents)} />
          <Figure label="Total TTC" value={formatEuros(res.totalInclCents)} />
        </div>
        {res.items.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Numéro</th>
                <th>Date</th>
                <th>Client</th>
                <th class="num">HT</th>
                <th class="num">TTC</th>
                <th>Statut</th>
              </tr>
            </thead>
            <tbody>
              {res.items.map((i) => (
                <tr>
                  <td data-label="Numéro">
                    <a href={`/factures/${i.id}`}>{i.number ?? 'Brouillon'}</a>
                    {i.typeCode === '381' ? ' (avoir)' : ''}
                  </td>
                  <td data-label="Date">{formatDate(i.issueDate)}</td>
                  <td data-label="Client">{i.customerName}</td>
                  <td data-label="HT" class="num">
                    {formatEuros(i.totalExclCents)}
                  </td>
                  <td data-label="TTC" class="num">
                    {formatEuros(i.totalInclCents)}
                  </td>
                  <td data-label="Statut">
                    <Badge status={i.displayStatus} label={STATUS_LABELS[i.displayStatus]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState
            title="Aucune facture ne correspond."
            action={
              <a class="btn" href="/factures/nouvelle">
                Créer une facture
              </a>
            }
          />
        )}
        <Pagination page={res.page} pageSize={res.pageSize} total={res.total} baseUrl="/factures" params={params} />
      </LiveResults>
    </Layout>,
  );
});

// The e-invoicing pages: overview (platform, transmissions, received invoices), platform
// settings (direction) and e-reporting.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Card,
  Checkbox,
  Csrf,
  EmptyState,
  Field,
  FormErrorSummary,
  PageHeader,
  Select,
} from '../../../web/components.tsx';
import { formatEuros } from '../../../core/money.ts';
import { formatDate } from '../../../core/dates.ts';
import { FORMAT_LABELS, type Platform } from '../platform.service.ts';
import type { Transmission } from '../transmission.service.ts';
import type { Incoming } from '../incoming.service.ts';
import type { BuyerStatusEntry } from '../buyer-status.service.ts';
import { LIFECYCLE } from '../statuses.ts';
import { CATEGORY_LABELS, type EReportingSummary, type ReportCategory } from '../ereporting.service.ts';
import { LifecycleBadge, when } from './common.tsx';

const INCOMING_LABELS = { recorded: 'Enregistrée', to_assign: 'Activité à choisir', unreadable: 'À vérifier' } as const;

const BUYER_STATE_LABELS = { to_send: 'à transmettre', sent: 'transmis', failed: 'échec de transmission' } as const;

/** What we told the platform as the buyer: « Approuvée (205), transmis le … ». */
function BuyerStatuses(p: { list: BuyerStatusEntry[] }) {
  if (!p.list.length) return null;
  return (
    <ul class="buyer-statuses">
      {p.list.map((b) => (
        <li>
          {LIFECYCLE[b.status].label} ({LIFECYCLE[b.status].code})
          {b.amountCents !== null ? ` : ${formatEuros(b.amountCents)}` : ''}
          {b.reasonCode ? `, motif ${b.reasonCode}` : ''} le {formatDate(b.occurredOn)}, {BUYER_STATE_LABELS[b.state]}
          {b.lastError ? <span class="hint"> {b.lastError}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function OverviewPage(p: {
  c: Ctx;
  platform: Platform | null;
  transmissions: Transmission[];
  incoming: Incoming[] | null;
  buyerStatuses: Map<string, BuyerStatusEntry[]>;
  activities: [string, string][];
  mayConfigure: boolean;
  mayReport: boolean;
}) {
  const csrf = p.c.get('csrf');
  return (
    <Layout c={p.c} title="Facturation électronique" wide>
      <PageHeader
        title="Facturation électronique"
        help="Vos factures aux entreprises partent par la plateforme agréée de la coopérative ; leurs statuts (reçue, approuvée, refusée, encaissée…) reviennent ici."
        action={
          p.mayReport ? (
            <a class="btn btn-secondary" href="/facturation-electronique/e-reporting">
              E-reporting
            </a>
          ) : undefined
        }
      />
      <Card title="Plateforme agréée">
        {p.platform ? (
          <p>
            {p.platform.name} · {p.platform.adapter === 'http' ? p.platform.baseUrl : `dossier ${p.platform.folder}`} ·{' '}
            {FORMAT_LABELS[p.platform.format]} {p.platform.enabled ? '' : '· en pause'}
          </p>
        ) : (
          <p>Aucune plateforme n’est configurée : les factures attendent d’être transmises.</p>
        )}
        {p.mayConfigure ? <a href="/facturation-electronique/plateforme">Configurer la plateforme</a> : null}
      </Card>
      <Card title="Factures transmises">
        {p.transmissions.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Facture</th>
                <th>Client</th>
                <th class="num">Montant TTC</th>
                <th>Statut</th>
                <th>Depuis</th>
              </tr>
            </thead>
            <tbody>
              {p.transmissions.map((t) => (
                <tr>
                  <td>
                    <a href={`/factures/${t.invoiceId}`}>{t.number}</a>
                  </td>
                  <td>{t.customerName}</td>
                  <td class="num">{formatEuros(t.totalInclCents)}</td>
                  <td>
                    <LifecycleBadge status={t.status} state={t.state} />
                    {t.statusReason ? <span class="hint"> {t.statusReason}</span> : null}
                  </td>
                  <td>{when(t.statusAt ?? t.sentAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucune facture transmise pour l’instant." />
        )}
      </Card>
      {p.incoming ? (
        <Card title="Factures fournisseurs reçues">
          <div id="recues" />
          {p.incoming.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th>Reçue le</th>
                  <th>Fournisseur</th>
                  <th>Numéro</th>
                  <th class="num">Montant TTC</th>
                  <th>État</th>
                </tr>
              </thead>
              <tbody>
                {p.incoming.map((r) => (
                  <tr>
                    <td>{when(r.receivedAt)}</td>
                    <td>{r.supplierName ?? r.fileName}</td>
                    <td>
                      {r.supplierInvoiceId ? (
                        <a href={`/factures-fournisseurs/${r.supplierInvoiceId}`}>{r.supplierNumber}</a>
                      ) : (
                        (r.supplierNumber ?? '—')
                      )}
                    </td>
                    <td class="num">{r.totalInclCents !== null ? formatEuros(r.totalInclCents) : '—'}</td>
                    <td>
                      {INCOMING_LABELS[r.state]}
                      {r.problem ? <span class="hint"> {r.problem}</span> : null}
                      <BuyerStatuses list={p.buyerStatuses.get(r.id) ?? []} />
                      {r.state === 'to_assign' ? (
                        <form method="post" action={`/facturation-electronique/recues/${r.id}/affecter`} class="inline">
                          <Csrf token={csrf} />
                          <Select label="Activité" name="activityId" options={p.activities} required />
                          <button type="submit">Enregistrer</button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyState title="Aucune facture reçue par la plateforme." />
          )}
        </Card>
      ) : null}
    </Layout>
  );
}

export function PlatformPage(p: {
  c: Ctx;
  platform: Platform | null;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const v = p.values ?? {
    adapter: p.platform?.adapter ?? 'http',
    format: p.platform?.format ?? 'facturx',
    name: p.platform?.name ?? '',
    folder: p.platform?.folder ?? '',
    baseUrl: p.platform?.baseUrl ?? '',
    eReporting: p.platform?.eReporting ? 'on' : '',
    enabled: p.platform ? (p.platform.enabled ? 'on' : '') : 'on',
  };
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title="Plateforme agréée">
      <PageHeader
        title="Plateforme agréée"
        help="La plateforme (PA) choisie par la coopérative reçoit ses factures électroniques et lui remet celles de ses fournisseurs."
      />
      <Card>
        <form method="post" action="/facturation-electronique/plateforme">
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <Field label="Nom de la plateforme" name="name" value={v.name} error={e.name} required />
          <Select
            label="Raccordement"
            name="adapter"
            value={v.adapter}
            error={e.adapter}
            options={[
              ['http', 'API de la plateforme (HTTPS, jeton d’accès)'],
              ['folder', 'Dossier d’échange (fichiers)'],
            ]}
          />
          <Select
            label="Format demandé par la plateforme"
            name="format"
            value={v.format}
            error={e.format}
            options={Object.entries(FORMAT_LABELS) as [string, string][]}
          />
          <Field label="Adresse de l’API" name="baseUrl" value={v.baseUrl} error={e.baseUrl} placeholder="https://…" />
          <Field
            label="Jeton d’accès"
            name="token"
            type="password"
            error={e.token}
            autocomplete="off"
            hint={p.platform?.hasToken ? 'Un jeton est enregistré ; laissez vide pour le garder.' : undefined}
          />
          <Field label="Dossier d’échange (chemin absolu)" name="folder" value={v.folder} error={e.folder} />
          <Checkbox label="La plateforme reçoit l’e-reporting" name="eReporting" checked={v.eReporting === 'on'} />
          <Checkbox label="Transmission active" name="enabled" checked={v.enabled === 'on'} />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </Layout>
  );
}

const rate = (bp: number) => `${(bp / 100).toLocaleString('fr-FR')} %`;

/** The e-reporting totals by category and VAT rate: of the invoices, or of the payments. */
function VatTotals(p: {
  rows: { category: ReportCategory; vatRateBp: number; count: number; baseCents: number; vatCents: number }[];
  countLabel: string;
  empty: string;
}) {
  if (!p.rows.length) return <EmptyState title={p.empty} />;
  return (
    <table class="data">
      <thead>
        <tr>
          <th>Catégorie</th>
          <th class="num">Taux de TVA</th>
          <th class="num">{p.countLabel}</th>
          <th class="num">Base HT</th>
          <th class="num">TVA</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr>
            <td>{CATEGORY_LABELS[r.category]}</td>
            <td class="num">{rate(r.vatRateBp)}</td>
            <td class="num">{r.count}</td>
            <td class="num">{formatEuros(r.baseCents)}</td>
            <td class="num">{formatEuros(r.vatCents)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EReportingPage(p: {
  c: Ctx;
  from: string;
  to: string;
  summary: EReportingSummary | null;
  errors?: Record<string, string> | null;
  mayOperate: boolean;
  sent: { period_start: string; period_end: string; platform_ref: string | null; sent_at: Date }[];
}) {
  const s = p.summary;
  const q = `du=${p.from}&au=${p.to}`;
  return (
    <Layout c={p.c} title="E-reporting">
      <PageHeader
        title="E-reporting"
        help="Les ventes aux particuliers et à l’étranger ne passent pas par une facture électronique : leurs totaux par taux de TVA sont déclarés par période, avec les encaissements des prestations de services."
      />
      <form method="get" action="/facturation-electronique/e-reporting" class="filters">
        <FormErrorSummary errors={p.errors} />
        <Field label="Du" name="du" type="date" value={p.from} error={p.errors?.du} />
        <Field label="Au" name="au" type="date" value={p.to} error={p.errors?.au} />
        <button type="submit">Afficher</button>
      </form>
      {s ? (
        <>
          <Card title="Ventes de la période">
            <VatTotals
              rows={s.sales.map((r) => ({ ...r, count: r.invoices }))}
              countLabel="Factures"
              empty="Aucune vente B2C ou internationale sur la période."
            />
          </Card>
          <Card title="Encaissements des prestations de services">
            <VatTotals
              rows={s.servicePayments.map((r) => ({ ...r, count: r.payments }))}
              countLabel="Paiements"
              empty="Aucun encaissement de prestation sur la période."
            />
          </Card>
          <div class="actions">
            <a class="btn btn-secondary" href={`/facturation-electronique/e-reporting.csv?${q}`}>
              Télécharger le CSV
            </a>
            <a class="btn btn-secondary" href={`/facturation-electronique/e-reporting.xml?${q}`}>
              Télécharger le fichier e-reporting (flux 10, XML)
            </a>
            {p.mayOperate ? (
              <form method="post" action={`/facturation-electronique/e-reporting/envoyer?${q}`} class="inline">
                <Csrf token={p.c.get('csrf')} />
                <button type="submit">Envoyer à la plateforme</button>
              </form>
            ) : null}
          </div>
        </>
      ) : null}
      {p.sent.length ? (
        <Card title="Envois précédents">
          <ul>
            {p.sent.map((r) => (
              <li>
                Du {formatDate(String(r.period_start).slice(0, 10))} au {formatDate(String(r.period_end).slice(0, 10))},
                envoyé le {when(r.sent_at)} ({r.platform_ref ?? '—'})
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </Layout>
  );
}

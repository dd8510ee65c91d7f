// Accountant exports (VAT summary shown and downloadable, general ledger, aged receivables,
// journal entries — CSV or XLSX) and the director's page (/direction): contribution income per
// month, activities with negative treasury, overdue receivables.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, Select, PageHeader, Card, EmptyState, Figure } from '../../web/components.tsx';
import { requireActor } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { requireRole } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { todayParis, earlierDate } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { directionOverview } from './direction.service.ts';
import { monthLabel } from './posting.service.ts';
import { tableBuffer, CONTENT_TYPES, type Column, type TableRow } from './tabular.ts';
import {
  resolvePeriod,
  parsePeriodParam,
  vatSummary,
  vatSummaryRows,
  VAT_COLUMNS,
  generalLedgerRows,
  GENERAL_LEDGER_COLUMNS,
  journalEntryRows,
  JOURNAL_ENTRY_COLUMNS,
  agedReceivables,
  agedRows,
  AGED_COLUMNS,
  AGED_BUCKETS,
  AGED_BUCKET_LABELS,
} from './exports.ts';
import { AccountingTabs } from './views/accounting-tabs.tsx';

export const reportsRoutes = new Hono<AppEnv>();
reportsRoutes.use('/direction', requireActor);
const db = (c: Ctx) => c.get('app').odb.db;
const ACCOUNTING = ['accountant', 'director'] as const;
const yearParam = (c: Ctx) => {
  const y = Number(c.req.query('annee'));
  return Number.isInteger(y) && y > 2000 && y < 2100 ? y : Number(todayParis().slice(0, 4));
};

const KINDS: Record<string, { label: string; columns: Column[] }> = {
  tva: { label: 'Récapitulatif de TVA (CA3)', columns: VAT_COLUMNS },
  'grand-livre': { label: 'Grand livre', columns: GENERAL_LEDGER_COLUMNS },
  'balance-agee': { label: 'Balance âgée clients', columns: AGED_COLUMNS },
  ecritures: { label: 'Écritures (format Sage / Quadra)', columns: JOURNAL_ENTRY_COLUMNS },
};

function ExportsPage(p: {
  c: Ctx;
  year: number;
  period: string;
  error?: string;
  vat?: Awaited<ReturnType<typeof vatSummary>> | null;
  periodLabel?: string;
}) {
  return (
    <Layout c={p.c} title="Exports comptables" wide>
      <PageHeader
        title="Exports comptables"
        help="Pour l'expert-comptable : TVA, grand livre, balance âgée et écritures, en CSV (séparateur point-virgule) ou en tableur XLSX."
      />
      <AccountingTabs current="/comptabilite/exports" />
      <form class="filters" method="get" action="/comptabilite/exports">
        <Field label="Exercice" name="annee" value={p.year} inputmode="numeric" />
        <Field
          label="Période (facultatif)"
          name="periode"
          value={p.period}
          error={p.error}
          hint="AAAA-MM pour un mois, AAAA-T1 à AAAA-T4 pour un trimestre ; vide pour tout l'exercice."
        />
        <button type="submit" class="btn-secondary">
          Afficher la TVA
        </button>
      </form>
      {p.vat ? (
        <Card title={`TVA — ${p.periodLabel}`}>
          <table class="data">
            <thead>
              <tr>
                <th>Case</th>
                <th>Libellé</th>
                <th class="num">Base hors taxe</th>
                <th class="num">Taxe</th>
              </tr>
            </thead>
            <tbody>
              {vatSummaryRows(p.vat).map((r) => (
                <tr>
                  <td data-label="Case">{r.box}</td>
                  <td data-label="Libellé">{r.label}</td>
                  <td data-label="Base" class="num">
                    {r.base == null ? '' : formatEuros(Number(r.base))}
                  </td>
                  <td data-label="Taxe" class="num">
                    {r.tax == null ? '' : formatEuros(Number(r.tax))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
      <Card title="Télécharger">
        <form method="get" action="/comptabilite/exports/fichier">
          <input type="hidden" name="annee" value={String(p.year)} />
          <input type="hidden" name="periode" value={p.period} />
          <Select
            label="Document"
            name="type"
            value="tva"
            options={Object.entries(KINDS).map(([k, v]) => [k, v.label])}
          />
          <Select
            label="Format"
            name="format"
            value="xlsx"
            options={[
              ['xlsx', 'Tableur (XLSX)'],
              ['csv', 'CSV'],
            ]}
          />
          <button type="submit">Télécharger</button>
        </form>
      </Card>
    </Layout>
  );
}

reportsRoutes.get('/comptabilite/exports', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const year = yearParam(c);
  const period = c.req.query('periode') ?? '';
  try {
    const { vat, label } = await withTenant(db(c), actor.cooperativeId, async (trx) => {
      const p = await resolvePeriod(trx, actor.cooperativeId, year, parsePeriodParam(period));
      return { vat: await vatSummary(trx, actor, p.from, p.to), label: p.label };
    });
    return c.html(<ExportsPage c={c} year={year} period={period} vat={vat} periodLabel={label} />);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(<ExportsPage c={c} year={year} period={period} error={e.message} />, 400);
  }
});

reportsRoutes.get('/comptabilite/exports/fichier', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const year = yearParam(c);
  const type = c.req.query('type') ?? '';
  const format = c.req.query('format') === 'csv' ? 'csv' : 'xlsx';
  const kind = KINDS[type];
  if (!kind)
    return c.html(
      <ExportsPage c={c} year={year} period={c.req.query('periode') ?? ''} error="Choisissez un document." />,
      400,
    );
  try {
    const { body, label } = await withTenant(db(c), actor.cooperativeId, async (trx) => {
      const p = await resolvePeriod(trx, actor.cooperativeId, year, parsePeriodParam(c.req.query('periode')));
      let rows: AsyncIterable<TableRow> | Iterable<TableRow>;
      if (type === 'tva') rows = vatSummaryRows(await vatSummary(trx, actor, p.from, p.to));
      else if (type === 'grand-livre') rows = generalLedgerRows(trx, actor, p.from, p.to);
      else if (type === 'ecritures') rows = journalEntryRows(trx, actor, p.from, p.to);
      else rows = agedRows(await agedReceivables(trx, actor, earlierDate(p.to, todayParis())));
      return { body: await tableBuffer(format, kind.columns, rows, kind.label), label: p.label };
    });
    return c.body(new Uint8Array(body), 200, {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${type}-${label.replace(/[^0-9A-Za-z-]+/g, '-')}.${format}"`,
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(<ExportsPage c={c} year={year} period={c.req.query('periode') ?? ''} error={e.message} />, 400);
  }
});

// --- director -------------------------------------------------------------------------------------
const SHORT = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
/** Bars with their value written above each one: readable without colour; the table repeats the numbers. */
export function BarChart(p: { title: string; data: { label: string; value: number }[] }) {
  const W = 640;
  const H = 220;
  const pad = 28;
  const bw = (W - pad * 2) / Math.max(p.data.length, 1);
  const max = Math.max(1, ...p.data.map((d) => Math.abs(d.value)));
  const h = (v: number) => Math.round((Math.abs(v) / max) * (H - pad * 2 - 14));
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="bar-title" width="100%">
      <title id="bar-title">{p.title}</title>
      <line x1={pad} y1={H - pad} x2={W - pad} y2={H - pad} stroke="currentColor" stroke-width="1" />
      {p.data.map((d, i) => {
        const x = pad + i * bw;
        const bh = h(d.value);
        return (
          <g>
            <rect
              x={x + bw * 0.15}
              y={H - pad - bh}
              width={bw * 0.7}
              height={bh}
              fill="currentColor"
              fill-opacity="0.35"
              stroke="currentColor"
              stroke-width="1"
            >
              <title>{`${d.label} : ${formatEuros(d.value)}`}</title>
            </rect>
            <text x={x + bw / 2} y={H - pad - bh - 4} text-anchor="middle" font-size="10">
              {Math.round(d.value / 100).toLocaleString('fr-FR')}
            </text>
            <text x={x + bw / 2} y={H - 8} text-anchor="middle" font-size="11">
              {d.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

reportsRoutes.get('/direction', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'director');
  const today = todayParis();
  const data = await withTenant(db(c), actor.cooperativeId, (trx) => directionOverview(trx, actor, today));
  const months: { month: string; cents: number }[] = [];
  for (let m = data.p.from.slice(0, 7), i = 0; i < 12 && m <= today.slice(0, 7); i++) {
    months.push({ month: m, cents: data.contrib.find((x) => x.month === m)?.cents ?? 0 });
    const d = new Date(`${m}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + 1);
    m = d.toISOString().slice(0, 7);
  }
  const totalContrib = months.reduce((t, m) => t + m.cents, 0);
  const overdue = data.aged.customers.filter((cu) => cu.totalCents - cu.buckets.notDue > 0);
  const overdueTotal = data.aged.total.all - data.aged.total.notDue;
  return c.html(
    <Layout c={c} title="Pilotage" wide>
      <PageHeader
        title={`Pilotage — exercice ${data.year}`}
        help="Les contributions encaissées par la coopérative, les activités dont la trésorerie est négative et les factures en retard de paiement."
      />
      <div class="figures">
        <Figure label="Contributions depuis le début de l'exercice" value={formatEuros(totalContrib)} />
        <Figure
          label="Activités en trésorerie négative"
          value={String(data.negative.length)}
          tone={data.negative.length ? 'danger' : 'ok'}
        />
        <Figure
          label="Créances clients en retard"
          value={formatEuros(overdueTotal)}
          tone={overdueTotal > 0 ? 'warn' : 'ok'}
        />
      </div>
      <Card title="Contributions des activités, par mois">
        <BarChart
          title="Contributions par mois, en euros"
          data={months.map((m) => ({ label: SHORT[Number(m.month.slice(5, 7)) - 1], value: m.cents }))}
        />
        <table class="data">
          <thead>
            <tr>
              <th>Mois</th>
              <th class="num">Contributions</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr>
                <td data-label="Mois">{monthLabel(m.month)}</td>
                <td data-label="Contributions" class="num">
                  {formatEuros(m.cents)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>Total</th>
              <th class="num">{formatEuros(totalContrib)}</th>
            </tr>
          </tfoot>
        </table>
      </Card>
      <Card title="Activités en trésorerie négative">
        {data.negative.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Activité</th>
                <th class="num">Disponible</th>
                <th class="num">Reste à encaisser (TTC)</th>
              </tr>
            </thead>
            <tbody>
              {data.negative.map((n) => (
                <tr>
                  <td data-label="Activité">
                    <a href={`/compte-activite?activite=${encodeURIComponent(n.code)}&annee=${data.year}`}>
                      {n.code} — {n.name}
                    </a>
                  </td>
                  <td data-label="Disponible" class="num">
                    {formatEuros(n.availableCents)}
                  </td>
                  <td data-label="Reste à encaisser" class="num">
                    {formatEuros(n.outstandingCents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucune activité n'est en trésorerie négative." />
        )}
      </Card>
      <Card title="Factures clients en retard">
        {overdue.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Client</th>
                {AGED_BUCKETS.filter((b) => b !== 'notDue').map((b) => (
                  <th class="num">{AGED_BUCKET_LABELS[b]}</th>
                ))}
                <th class="num">Total en retard</th>
              </tr>
            </thead>
            <tbody>
              {overdue.map((cu) => (
                <tr>
                  <td data-label="Client">{cu.customerName}</td>
                  {AGED_BUCKETS.filter((b) => b !== 'notDue').map((b) => (
                    <td data-label={AGED_BUCKET_LABELS[b]} class="num">
                      {formatEuros(cu.buckets[b])}
                    </td>
                  ))}
                  <td data-label="Total en retard" class="num">
                    {formatEuros(cu.totalCents - cu.buckets.notDue)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucune facture en retard." />
        )}
      </Card>
    </Layout>,
  );
});

// Accountant screens (entries by journal, entry detail and reversal, trial balance, account
// detail, period closing and monthly contributions, manual entry, FEC download) and the
// entrepreneur's activity account.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import {
  Field,
  Select,
  Csrf,
  PageHeader,
  Card,
  Pagination,
  EmptyState,
  FormErrorSummary,
  Figure,
} from '../../web/components.tsx';
import { formValues, pageParam } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { requireRole, type Actor } from '../../core/actor.ts';
import { UserError, fieldErrors, NotFoundError } from '../../core/errors.ts';
import { formatDate, todayParis, addMonths } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { activitiesFor } from '../directory/index.ts';
import {
  closePeriod,
  closedMonths,
  createManualEntry,
  reverseEntry,
  monthLabel,
  type ManualLineInput,
} from './posting.service.ts';
import { postContributionsForMonth } from './contribution.service.ts';
import { trialBalance, fiscalBounds, activityAccount, type ActivityAccount } from './reports.ts';
import { ensureChart, entryLabel } from './chart.ts';
import { accountDetail, getEntry, listEntries } from './entries.service.ts';
import { closedYears, closeFiscalYear, resultLabel } from './year-end.service.ts';
import { fecChunks, fecFileName } from './fec.ts';
import { streamedBody } from '../../web/streamed-body.ts';
import { reportsRoutes } from './reports-routes.tsx';
import { screensRoutes } from './screens-routes.tsx';
import { importRoutes } from './import-routes.tsx';
import { AccountingTabs } from './views/accounting-tabs.tsx';

export const ledgerRoutes = new Hono<AppEnv>();
for (const p of ['/comptabilite', '/comptabilite/*', '/compte-activite']) ledgerRoutes.use(p, requireActor);
// Exports and the director's page (reports-routes.tsx).
ledgerRoutes.route('/', reportsRoutes);
// Lettering, chart of accounts, contribution rules and simulation (screens-routes.tsx).
ledgerRoutes.route('/', screensRoutes);
// Import of entries from an accounting package (import-routes.tsx).
ledgerRoutes.route('/', importRoutes);

const ACCOUNTING = ['accountant', 'director'] as const;
const db = (c: Ctx) => c.get('app').odb.db;
const yearParam = (c: Ctx) => {
  const y = Number(c.req.query('annee'));
  return Number.isInteger(y) && y > 2000 && y < 2100 ? y : Number(todayParis().slice(0, 4));
};
const MANUAL_ROWS = 6;

const money = (c: number) => (c ? formatEuros(c) : '');

// --- entries ---------------------------------------------------------------------------------
ledgerRoutes.get('/comptabilite', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const journal = c.req.query('journal') || '';
  const month = /^\d{4}-\d{2}$/.test(c.req.query('mois') ?? '') ? c.req.query('mois')! : '';
  const page = pageParam(c);
  const pageSize = 50;
  const { rows, total, journals } = await withTenant(db(c), actor.cooperativeId, async (trx) => {
    await ensureChart(trx, actor.cooperativeId);
    return listEntries(trx, actor, { journal, month, page, pageSize });
  });
  return c.html(
    <Layout c={c} title="Comptabilité" wide>
      <PageHeader
        title="Comptabilité"
        help="Toutes les écritures, journal par journal. Les ventes et les règlements sont comptabilisés automatiquement."
        action={
          <a class="btn" href={`/comptabilite/fec?annee=${yearParam(c)}`}>
            Télécharger le FEC {yearParam(c)}
          </a>
        }
      />
      <AccountingTabs current="/comptabilite" />
      <form class="filters" method="get" action="/comptabilite">
        <Select
          label="Journal"
          name="journal"
          value={journal}
          options={[['', 'Tous'], ...journals.map((j) => [j.code, `${j.code} — ${j.label}`] as [string, string])]}
        />
        <Field label="Mois" name="mois" type="month" value={month} />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      {rows.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Journal</th>
              <th>N°</th>
              <th>Pièce</th>
              <th>Libellé</th>
              <th class="num">Montant</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Date">{formatDate(String(r.entry_date))}</td>
                <td data-label="Journal">{r.journal_code}</td>
                <td data-label="N°">
                  <a href={`/comptabilite/ecritures/${r.id}`}>
                    {entryLabel(r.journal_code, r.fiscal_year, r.entry_number)}
                  </a>
                </td>
                <td data-label="Pièce">{r.piece_ref}</td>
                <td data-label="Libellé">{r.label}</td>
                <td data-label="Montant" class="num">
                  {formatEuros(Number(r.amount ?? 0))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucune écriture pour ces critères." />
      )}
      <Pagination
        page={page}
        pageSize={pageSize}
        total={total}
        baseUrl="/comptabilite"
        params={{ journal: journal || undefined, mois: month || undefined }}
      />
    </Layout>,
  );
});

const loadEntry = (c: Ctx, actor: Actor, id: string) =>
  withTenant(db(c), actor.cooperativeId, (trx) => getEntry(trx, actor, id));

function EntryPage(p: { c: Ctx; data: Awaited<ReturnType<typeof loadEntry>>; error?: string; date?: string }) {
  const { e, lines } = p.data;
  return (
    <Layout c={p.c} title={`Écriture ${entryLabel(e.journal_code, e.fiscal_year, e.entry_number)}`} wide>
      <PageHeader
        title={`Écriture ${entryLabel(e.journal_code, e.fiscal_year, e.entry_number)}`}
        help={`${e.label} — pièce ${e.piece_ref} du ${formatDate(String(e.piece_date))}, passée le ${formatDate(String(e.entry_date))}.${
          e.source_type === 'import' ? ` Écriture importée d'un logiciel comptable (origine : ${e.source_id}).` : ''
        }`}
      />
      <AccountingTabs current="/comptabilite" />
      <table class="data">
        <thead>
          <tr>
            <th>Compte</th>
            <th>Tiers</th>
            <th>Libellé</th>
            <th>Analytique</th>
            <th class="num">Débit</th>
            <th class="num">Crédit</th>
            <th>Lettrage</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr>
              <td data-label="Compte">
                <a href={`/comptabilite/comptes/${l.account}?annee=${e.fiscal_year}`}>{l.account}</a> {l.account_label}
              </td>
              <td data-label="Tiers">{l.aux_label ?? l.aux_account ?? ''}</td>
              <td data-label="Libellé">{l.label}</td>
              <td data-label="Analytique">{l.analytic_code ?? ''}</td>
              <td data-label="Débit" class="num">
                {money(l.debit_cents)}
              </td>
              <td data-label="Crédit" class="num">
                {money(l.credit_cents)}
              </td>
              <td data-label="Lettrage">{l.lettering ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Card title="Corriger cette écriture">
        <p>
          Une écriture validée ne se modifie pas : passez une extourne (l'écriture inverse) sur une période ouverte,
          puis saisissez l'écriture correcte.
        </p>
        <form method="post" action={`/comptabilite/ecritures/${e.id}/extourne`} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.error ? { date: p.error } : null} />
          <Field
            label="Date de l'extourne"
            name="date"
            type="date"
            value={p.date ?? todayParis()}
            error={p.error}
            required
          />
          <button type="submit" class="btn-secondary">
            Passer l'extourne
          </button>
        </form>
      </Card>
    </Layout>
  );
}
ledgerRoutes.get('/comptabilite/ecritures/:id', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  return c.html(<EntryPage c={c} data={await loadEntry(c, actor, c.req.param('id'))} />);
});
ledgerRoutes.post('/comptabilite/ecritures/:id/extourne', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  const id = c.req.param('id');
  try {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) =>
      reverseEntry(trx, actor, id, { date: f.date ?? '', sourceType: 'reversal' }),
    );
    setFlash(c, { kind: 'success', text: 'Extourne passée.' });
    return c.redirect(`/comptabilite/ecritures/${r.id}`);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(<EntryPage c={c} data={await loadEntry(c, actor, id)} error={e.message} date={f.date} />, 400);
  }
});

// --- trial balance and account detail -----------------------------------------------------------
ledgerRoutes.get('/comptabilite/balance', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const year = yearParam(c);
  const rows = await withTenant(db(c), actor.cooperativeId, async (trx) => {
    const b = await fiscalBounds(trx, actor.cooperativeId, year);
    return trialBalance(trx, actor, b.start, b.end);
  });
  const t = rows.reduce((a, r) => ({ d: a.d + r.debitCents, c: a.c + r.creditCents }), { d: 0, c: 0 });
  return c.html(
    <Layout c={c} title="Balance" wide>
      <PageHeader
        title={`Balance générale ${year}`}
        help="Les totaux de chaque compte sur l'exercice. Débits et crédits sont toujours égaux."
      />
      <AccountingTabs current="/comptabilite/balance" />
      <form class="filters" method="get">
        <Field label="Exercice" name="annee" value={year} inputmode="numeric" />
        <button type="submit" class="btn-secondary">
          Afficher
        </button>
      </form>
      {rows.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Compte</th>
              <th>Intitulé</th>
              <th class="num">Débit</th>
              <th class="num">Crédit</th>
              <th class="num">Solde</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Compte">
                  <a href={`/comptabilite/comptes/${r.account}?annee=${year}`}>{r.account}</a>
                </td>
                <td data-label="Intitulé">{r.label}</td>
                <td data-label="Débit" class="num">
                  {formatEuros(r.debitCents)}
                </td>
                <td data-label="Crédit" class="num">
                  {formatEuros(r.creditCents)}
                </td>
                <td data-label="Solde" class="num">
                  {formatEuros(r.balanceCents)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colspan={2}>Total</th>
              <th class="num">{formatEuros(t.d)}</th>
              <th class="num">{formatEuros(t.c)}</th>
              <th class="num">{formatEuros(t.d - t.c)}</th>
            </tr>
          </tfoot>
        </table>
      ) : (
        <EmptyState title="Aucune écriture sur cet exercice." />
      )}
    </Layout>,
  );
});

ledgerRoutes.get('/comptabilite/comptes/:number', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const number = c.req.param('number');
  const year = yearParam(c);
  const page = pageParam(c);
  const pageSize = 100;
  const data = await withTenant(db(c), actor.cooperativeId, async (trx) =>
    accountDetail(trx, actor, number, await fiscalBounds(trx, actor.cooperativeId, year), page, pageSize),
  );
  return c.html(
    <Layout c={c} title={`Compte ${number}`} wide>
      <PageHeader
        title={`Compte ${number} — ${data.account.label}`}
        help={`Exercice ${year} : débit ${formatEuros(data.d)}, crédit ${formatEuros(data.cr)}, solde ${formatEuros(data.d - data.cr)}.`}
      />
      <AccountingTabs current="/comptabilite/balance" />
      {data.lines.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Journal</th>
              <th>Pièce</th>
              <th>Libellé</th>
              <th>Tiers</th>
              <th>Analytique</th>
              <th class="num">Débit</th>
              <th class="num">Crédit</th>
              <th>Lettrage</th>
            </tr>
          </thead>
          <tbody>
            {data.lines.map((l) => (
              <tr>
                <td data-label="Date">
                  <a href={`/comptabilite/ecritures/${l.id}`}>{formatDate(String(l.entry_date))}</a>
                </td>
                <td data-label="Journal">{l.journal_code}</td>
                <td data-label="Pièce">{l.piece_ref}</td>
                <td data-label="Libellé">{l.label}</td>
                <td data-label="Tiers">{l.aux_label ?? ''}</td>
                <td data-label="Analytique">{l.analytic_code ?? ''}</td>
                <td data-label="Débit" class="num">
                  {money(l.debit_cents)}
                </td>
                <td data-label="Crédit" class="num">
                  {money(l.credit_cents)}
                </td>
                <td data-label="Lettrage">{l.lettering ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucun mouvement sur ce compte pour cet exercice." />
      )}
      <Pagination
        page={page}
        pageSize={pageSize}
        total={data.total}
        baseUrl={`/comptabilite/comptes/${number}`}
        params={{ annee: String(year) }}
      />
    </Layout>,
  );
});

// --- FEC download ---------------------------------------------------------------------------------
ledgerRoutes.get('/comptabilite/fec', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const year = yearParam(c);
  const f = await withTenant(db(c), actor.cooperativeId, (trx) => fecFileName(trx, actor, year));
  // Streamed from one transaction (a consistent snapshot), a page of entries at a time.
  const body = streamedBody((push) =>
    withTenant(db(c), actor.cooperativeId, async (trx) => {
      for await (const chunk of fecChunks(trx, actor, f.from, f.to)) await push(chunk);
    }),
  );
  return c.body(body, 200, {
    'content-type': 'text/plain; charset=utf-8',
    'content-disposition': `attachment; filename="${f.fileName}"`,
  });
});

// --- periods and contributions ---------------------------------------------------------------------
async function PeriodsPage(
  c: Ctx,
  actor: Actor,
  errors: Record<string, string> | null = null,
  values: Record<string, string> = {},
) {
  const year = yearParam(c);
  const [closed, years] = await withTenant(
    db(c),
    actor.cooperativeId,
    async (trx) => [await closedMonths(trx, actor), await closedYears(trx, actor)] as const,
  );
  const lastClosedYear = years.length ? years[years.length - 1].year : null;
  const closedSet = new Map(closed.map((x) => [x.month, x.closedAt]));
  const months: string[] = [];
  for (let m = 1; m <= 12; m++) months.push(`${year}-${String(m).padStart(2, '0')}`);
  const lastMonth = addMonths(`${todayParis().slice(0, 7)}-01`, -1).slice(0, 7);
  return (
    <Layout c={c} title="Périodes">
      <PageHeader
        title="Périodes et contributions"
        help="Une période clôturée n'accepte plus aucune écriture : les corrections passent par une extourne sur une période ouverte."
      />
      <AccountingTabs current="/comptabilite/periodes" />
      <table class="data">
        <thead>
          <tr>
            <th>Mois</th>
            <th>État</th>
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr>
              <td data-label="Mois">{monthLabel(m)}</td>
              <td data-label="État">{closedSet.has(m) ? `Clôturé le ${formatDate(closedSet.get(m)!)}` : 'Ouvert'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Card title="Clôturer un mois">
        <form method="post" action="/comptabilite/periodes" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors?.month ? errors : null} />
          <Field
            label="Mois à clôturer"
            name="month"
            type="month"
            value={values.month ?? lastMonth}
            error={errors?.month}
            hint="Vérifiez d'abord que toutes les pièces du mois sont saisies."
            required
          />
          <button type="submit">Clôturer</button>
        </form>
      </Card>
      <Card title="Clôturer un exercice">
        {years.length ? (
          <ul>
            {years.map((y) => (
              <li>
                Exercice {y.year} clôturé le {formatDate(y.closedAt)} : {resultLabel(y.resultCents)}
                {y.openingEntryId ? (
                  <>
                    {' '}
                    — <a href={`/comptabilite/ecritures/${y.openingEntryId}`}>voir les à-nouveaux</a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        <form method="post" action="/comptabilite/exercices" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors?.year ? errors : null} />
          <Field
            label="Exercice à clôturer"
            name="year"
            inputmode="numeric"
            value={values.year ?? String(lastClosedYear ? lastClosedYear + 1 : Number(todayParis().slice(0, 4)) - 1)}
            error={errors?.year}
            hint="Reporte les soldes des comptes de bilan en à-nouveaux (journal AN) au premier jour de l'exercice suivant, le résultat de chaque activité en 120 ou 129, et clôture tous les mois de l'exercice. Irréversible."
            required
          />
          <button type="submit">Clôturer l'exercice</button>
        </form>
      </Card>
      <Card title="Contributions coopératives du mois">
        <form method="post" action="/comptabilite/contributions" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors?.contributionMonth ? errors : null} />
          <Field
            label="Mois"
            name="contributionMonth"
            type="month"
            value={values.contributionMonth ?? lastMonth}
            error={errors?.contributionMonth}
            hint="Calcule et comptabilise la contribution de chaque activité (une seule fois par mois)."
            required
          />
          <button type="submit" class="btn-secondary">
            Comptabiliser les contributions
          </button>
        </form>
      </Card>
    </Layout>
  );
}
ledgerRoutes.get('/comptabilite/periodes', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  return c.html(await PeriodsPage(c, actor));
});
ledgerRoutes.post('/comptabilite/periodes', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  try {
    await withTenant(db(c), actor.cooperativeId, (trx) => closePeriod(trx, actor, f.month ?? ''));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(await PeriodsPage(c, actor, { month: e.message }, f), 400);
  }
  setFlash(c, { kind: 'success', text: `La période de ${monthLabel(f.month!)} est clôturée.` });
  return c.redirect('/comptabilite/periodes');
});
ledgerRoutes.post('/comptabilite/exercices', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) =>
      closeFiscalYear(trx, actor, /^\d{4}$/.test(f.year ?? '') ? Number(f.year) : Number.NaN),
    );
    setFlash(c, {
      kind: 'success',
      text: `L'exercice ${r.year} est clôturé (${resultLabel(r.resultCents).toLowerCase()}) ; les à-nouveaux sont passés au ${formatDate(r.openingDate)}.`,
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(await PeriodsPage(c, actor, { year: e.message }, f), 400);
  }
  return c.redirect('/comptabilite/periodes');
});
ledgerRoutes.post('/comptabilite/contributions', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  try {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) =>
      postContributionsForMonth(trx, actor, f.contributionMonth ?? ''),
    );
    const posted = r.filter((x) => x.entry);
    setFlash(c, {
      kind: 'success',
      text: `${posted.length} contribution(s) comptabilisée(s) pour ${monthLabel(f.contributionMonth!)}, total ${formatEuros(posted.reduce((t, x) => t + x.amountCents, 0))}.`,
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(await PeriodsPage(c, actor, { contributionMonth: e.message }, f), 400);
  }
  return c.redirect('/comptabilite/periodes');
});

// --- manual entry ------------------------------------------------------------------------------------
function ManualForm(p: { c: Ctx; values?: Record<string, string>; errors?: Record<string, string> | null }) {
  const v = p.values ?? { date: todayParis(), journal: 'OD' };
  const e = p.errors ?? {};
  const rows = Array.from({ length: MANUAL_ROWS }, (_, i) => i);
  return (
    <form method="post" action="/comptabilite/saisie" novalidate>
      <Csrf token={p.c.get('csrf')} />
      <FormErrorSummary errors={p.errors} message={e.lines ?? null} />
      <div class="form-grid">
        <Select
          label="Journal"
          name="journal"
          value={v.journal ?? 'OD'}
          error={e.journal}
          options={[
            ['OD', 'OD — Opérations diverses'],
            ['AC', 'AC — Achats'],
            ['BQ', 'BQ — Banque'],
            ['PA', 'PA — Paie'],
          ]}
        />
        <Field label="Date" name="date" type="date" value={v.date} error={e.date} required />
        <Field label="Libellé" name="label" value={v.label} error={e.label} required />
        <Field
          label="Pièce justificative"
          name="pieceRef"
          value={v.pieceRef}
          error={e.pieceRef}
          hint="Numéro de facture, de relevé…"
          required
        />
      </div>
      <table class="data entry-lines">
        <thead>
          <tr>
            <th>Compte</th>
            <th>Tiers</th>
            <th>Libellé de ligne</th>
            <th>Analytique</th>
            <th>Débit (€)</th>
            <th>Crédit (€)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr>
              <td>
                <Field
                  label={`Compte, ligne ${i + 1}`}
                  name={`account_${i}`}
                  value={v[`account_${i}`]}
                  error={e[`lines.${i}.account`]}
                />
              </td>
              <td>
                <Field label={`Tiers, ligne ${i + 1}`} name={`aux_${i}`} value={v[`aux_${i}`]} />
              </td>
              <td>
                <Field label={`Libellé, ligne ${i + 1}`} name={`lineLabel_${i}`} value={v[`lineLabel_${i}`]} />
              </td>
              <td>
                <Field label={`Analytique, ligne ${i + 1}`} name={`analytic_${i}`} value={v[`analytic_${i}`]} />
              </td>
              <td>
                <Field
                  label={`Débit, ligne ${i + 1}`}
                  name={`debit_${i}`}
                  value={v[`debit_${i}`]}
                  error={e[`lines.${i}.debit`] ?? e[`lines.${i}.amount`]}
                  inputmode="decimal"
                />
              </td>
              <td>
                <Field
                  label={`Crédit, ligne ${i + 1}`}
                  name={`credit_${i}`}
                  value={v[`credit_${i}`]}
                  error={e[`lines.${i}.credit`]}
                  inputmode="decimal"
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit">Enregistrer l'écriture</button>
    </form>
  );
}
ledgerRoutes.get('/comptabilite/saisie', (c) => {
  requireRole(actorOf(c), ...ACCOUNTING);
  return c.html(
    <Layout c={c} title="Saisie manuelle" wide>
      <PageHeader
        title="Saisie d'une écriture"
        help="Le total des débits doit égaler celui des crédits. Une écriture validée ne se modifie plus."
      />
      <AccountingTabs current="/comptabilite/saisie" />
      <Card>
        <ManualForm c={c} />
      </Card>
    </Layout>,
  );
});
ledgerRoutes.post('/comptabilite/saisie', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  const lines: ManualLineInput[] = Array.from({ length: MANUAL_ROWS }, (_, i) => ({
    account: f[`account_${i}`] ?? '',
    auxAccount: f[`aux_${i}`],
    label: f[`lineLabel_${i}`],
    analyticCode: f[`analytic_${i}`],
    debit: f[`debit_${i}`],
    credit: f[`credit_${i}`],
  }));
  try {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) =>
      createManualEntry(trx, actor, {
        journal: f.journal || 'OD',
        date: f.date ?? '',
        label: f.label ?? '',
        pieceRef: f.pieceRef ?? '',
        lines,
      }),
    );
    setFlash(c, { kind: 'success', text: `Écriture ${r.journal}${r.fiscalYear}-${r.number} enregistrée.` });
    return c.redirect(`/comptabilite/ecritures/${r.id}`);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(
      <Layout c={c} title="Saisie manuelle" wide>
        <PageHeader title="Saisie d'une écriture" />
        <AccountingTabs current="/comptabilite/saisie" />
        <Card>
          <ManualForm c={c} values={f} errors={errors} />
        </Card>
      </Layout>,
      400,
    );
  }
});

// --- activity account (entrepreneur) ------------------------------------------------------------------
const SHORT_MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];

/** Two bars per month: collected excl. VAT and what went out (contribution, costs, salaries). */
export function MonthsChart(p: { account: ActivityAccount }) {
  const ms = p.account.months;
  const W = 640;
  const H = 200;
  const pad = 24;
  const bw = (W - pad * 2) / Math.max(ms.length, 1);
  const out = (m: ActivityAccount['months'][number]) => m.contributionCents + m.costsCents + m.salariesCents;
  const max = Math.max(1, ...ms.map((m) => Math.max(m.collectedExclCents, out(m))));
  const h = (v: number) => Math.max(0, Math.round((v / max) * (H - pad * 2)));
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title" width="100%">
      <title id="chart-title">Encaissé hors taxes et dépenses, mois par mois</title>
      <line x1={pad} y1={H - pad} x2={W - pad} y2={H - pad} stroke="currentColor" stroke-width="1" />
      {ms.map((m, i) => {
        const x = pad + i * bw;
        const a = h(m.collectedExclCents);
        const b = h(out(m));
        return (
          <g>
            <rect x={x + bw * 0.12} y={H - pad - a} width={bw * 0.36} height={a} fill="#2f7d5b">
              <title>{`${monthLabel(m.month)} : encaissé ${formatEuros(m.collectedExclCents)}`}</title>
            </rect>
            <rect x={x + bw * 0.5} y={H - pad - b} width={bw * 0.36} height={b} fill="#c0703a">
              <title>{`${monthLabel(m.month)} : dépenses ${formatEuros(out(m))}`}</title>
            </rect>
            <text x={x + bw / 2} y={H - 6} text-anchor="middle" font-size="11">
              {SHORT_MONTHS[Number(m.month.slice(5, 7)) - 1]}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

ledgerRoutes.get('/compte-activite', async (c) => {
  const actor = actorOf(c);
  const year = yearParam(c);
  const { acts, account } = await withTenant(db(c), actor.cooperativeId, async (trx) => {
    const acts = await activitiesFor(trx, actor);
    const code = c.req.query('activite') ?? acts[0]?.analyticCode;
    const chosen = acts.find((a) => a.analyticCode === code);
    if (code && !chosen && acts.length) throw new NotFoundError('Activité');
    // Months to come are not shown: the account runs up to today.
    return {
      acts,
      account: chosen ? await activityAccount(trx, actor, chosen.analyticCode, year, { until: todayParis() }) : null,
    };
  });
  if (!account)
    return c.html(
      <Layout c={c} title="Compte d'activité">
        <PageHeader title="Votre compte d'activité" />
        <EmptyState
          title="Vous n'avez pas encore d'activité."
          text="Votre chargé·e d'accompagnement la crée avec vous."
        />
      </Layout>,
    );
  const t = account.total;
  return c.html(
    <Layout c={c} title="Compte d'activité" wide>
      <PageHeader
        title={`Compte d'activité — ${account.activity.name}`}
        help="Ce que votre activité a facturé et encaissé, ce qu'elle a coûté, et l'argent disponible pour votre salaire. Les chiffres viennent directement de la comptabilité de la coopérative."
      />
      <form class="filters" method="get" action="/compte-activite">
        {acts.length > 1 ? (
          <Select
            label="Activité"
            name="activite"
            value={account.activity.analyticCode}
            options={acts.map((a) => [a.analyticCode, a.name])}
          />
        ) : (
          <input type="hidden" name="activite" value={account.activity.analyticCode} />
        )}
        <Field label="Année" name="annee" value={year} inputmode="numeric" />
        <button type="submit" class="btn-secondary">
          Afficher
        </button>
      </form>
      <div class="figures">
        <Figure
          label="Argent disponible pour votre salaire"
          value={formatEuros(t.availableCents)}
          tone={t.availableCents >= 0 ? 'ok' : 'danger'}
          hint="Encaissé hors taxes, moins la contribution, les frais et les salaires déjà versés, report des exercices précédents compris."
        />
        <Figure label="Facturé hors taxes" value={formatEuros(t.invoicedExclCents)} />
        <Figure label="Encaissé hors taxes" value={formatEuros(t.collectedExclCents)} />
        <Figure
          label="Vos clients vous doivent encore"
          value={formatEuros(t.outstandingCents)}
          hint="Toutes taxes comprises"
          tone={t.outstandingCents > 0 ? 'warn' : undefined}
        />
      </div>
      <Card title="Mois par mois">
        <MonthsChart account={account} />
        <p class="muted">
          Pour chaque mois : barre de gauche, encaissé hors taxes ; barre de droite, contribution, frais et salaires.
        </p>
      </Card>
      <table class="data">
        <thead>
          <tr>
            <th>Mois</th>
            <th class="num">Facturé HT</th>
            <th class="num">Encaissé HT</th>
            <th class="num">Reste à encaisser (TTC)</th>
            <th class="num">Contribution</th>
            <th class="num">Frais</th>
            <th class="num">Salaires</th>
            <th class="num">Disponible</th>
          </tr>
        </thead>
        <tbody>
          {account.opening.outstandingCents || account.opening.availableCents ? (
            <tr>
              <td data-label="Mois">Reporté des exercices précédents</td>
              <td data-label="Facturé HT" class="num" />
              <td data-label="Encaissé HT" class="num" />
              <td data-label="Reste à encaisser" class="num">
                {formatEuros(account.opening.outstandingCents)}
              </td>
              <td data-label="Contribution" class="num" />
              <td data-label="Frais" class="num" />
              <td data-label="Salaires" class="num" />
              <td data-label="Disponible" class="num">
                {formatEuros(account.opening.availableCents)}
              </td>
            </tr>
          ) : null}
          {account.months.map((m) => (
            <tr>
              <td data-label="Mois">{monthLabel(m.month)}</td>
              <td data-label="Facturé HT" class="num">
                {formatEuros(m.invoicedExclCents)}
              </td>
              <td data-label="Encaissé HT" class="num">
                {formatEuros(m.collectedExclCents)}
              </td>
              <td data-label="Reste à encaisser" class="num">
                {formatEuros(m.outstandingCents)}
              </td>
              <td data-label="Contribution" class="num">
                {formatEuros(m.contributionCents)}
              </td>
              <td data-label="Frais" class="num">
                {formatEuros(m.costsCents)}
              </td>
              <td data-label="Salaires" class="num">
                {formatEuros(m.salariesCents)}
              </td>
              <td data-label="Disponible" class="num">
                {formatEuros(m.availableCents)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>Depuis le début de l'exercice</th>
            <th class="num" data-label="Facturé HT">
              {formatEuros(t.invoicedExclCents)}
            </th>
            <th class="num" data-label="Encaissé HT">
              {formatEuros(t.collectedExclCents)}
            </th>
            <th class="num" data-label="Reste à encaisser">
              {formatEuros(t.outstandingCents)}
            </th>
            <th class="num" data-label="Contribution">
              {formatEuros(t.contributionCents)}
            </th>
            <th class="num" data-label="Frais">
              {formatEuros(t.costsCents)}
            </th>
            <th class="num" data-label="Salaires">
              {formatEuros(t.salariesCents)}
            </th>
            <th class="num" data-label="Disponible">
              {formatEuros(t.availableCents)}
            </th>
          </tr>
        </tfoot>
      </table>
    </Layout>,
  );
});

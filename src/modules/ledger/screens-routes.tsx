// Accountant screens: manual lettering of customer/supplier accounts (/comptabilite/lettrage),
// the chart of accounts (/comptabilite/plan-comptable) and the contribution rules, per-activity
// overrides and the "what if the rate were X %" simulation (/comptabilite/contributions).
// Mounted by routes.tsx (which guards /comptabilite/* with requireActor).
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
} from '../../web/components.tsx';
import { formValues, formAll, pageParam } from '../../web/forms.ts';
import { setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { requireRole, type Actor } from '../../core/actor.ts';
import { UserError, fieldErrors } from '../../core/errors.ts';
import { formatDate, todayParis } from '../../core/dates.ts';
import { formatEuros, parseCents } from '../../core/money.ts';
import { listActivities } from '../directory/index.ts';
import { addContributionOverride, listOverrides, type ContributionRule } from './contribution.service.ts';
import {
  LETTERING_ACCOUNTS,
  tiersWithOpenLines,
  unletteredLines,
  letteredGroups,
  letterLines,
  unletter,
  listChart,
  addAccount,
  renameAccount,
  deleteAccount,
  describeRule,
  cooperativeRule,
  simulateContributionRate,
} from './screens.service.ts';
import { AccountingTabs } from './views/accounting-tabs.tsx';

export const screensRoutes = new Hono<AppEnv>();
const ACCOUNTING = ['accountant', 'director'] as const;
const db = (c: Ctx) => c.get('app').odb.db;
type Errors = Record<string, string>;

const money = (c: number) => (c ? formatEuros(c) : '');

// --- lettering ---------------------------------------------------------------------------------
async function LetteringPage(
  c: Ctx,
  actor: Actor,
  account: string,
  aux: string,
  errors: Errors | null = null,
  checked: string[] = [],
) {
  const data = await withTenant(db(c), actor.cooperativeId, async (trx) => {
    const tiers = await tiersWithOpenLines(trx, actor, account);
    const chosen = aux || tiers[0]?.aux || '';
    return {
      tiers,
      chosen,
      lines: chosen || tiers.length ? await unletteredLines(trx, actor, account, chosen) : [],
      groups: await letteredGroups(trx, actor, account, chosen),
    };
  });
  const { tiers, chosen, lines, groups } = data;
  const e = errors ?? {};
  const tierOptions: [string, string][] = tiers.map((t) => [
    t.aux,
    `${t.aux || '(sans tiers)'} — ${t.label} (${formatEuros(t.balanceCents)})`,
  ]);
  if (chosen && !tiers.some((t) => t.aux === chosen)) tierOptions.unshift([chosen, chosen]);
  const checkedSet = new Set(checked);
  return (
    <Layout c={c} title="Lettrage" wide>
      <PageHeader
        title="Lettrage des comptes de tiers"
        help="Rapprochez les factures et les règlements d'un client ou d'un fournisseur : les lignes cochées doivent s'équilibrer (total des débits égal au total des crédits)."
      />
      <AccountingTabs current="/comptabilite/lettrage" />
      <form class="filters" method="get" action="/comptabilite/lettrage">
        <Select
          label="Compte"
          name="compte"
          value={account}
          options={[
            ['411', '411 — Clients'],
            ['401', '401 — Fournisseurs'],
          ]}
        />
        {tierOptions.length ? (
          <Select label="Tiers" name="tiers" value={chosen} options={tierOptions} />
        ) : (
          <Field label="Tiers" name="tiers" value={chosen} />
        )}
        <button type="submit" class="btn-secondary">
          Afficher
        </button>
      </form>
      {lines.length ? (
        <Card title={`Lignes non lettrées — ${account} ${chosen}`}>
          <form method="post" action="/comptabilite/lettrage" novalidate>
            <Csrf token={c.get('csrf')} />
            <input type="hidden" name="compte" value={account} />
            <input type="hidden" name="tiers" value={chosen} />
            <FormErrorSummary errors={e.lines ? e : null} message={e.lines ?? null} />
            <table class="data">
              <thead>
                <tr>
                  <th>
                    <span class="sr-only">Sélection</span>
                  </th>
                  <th>Date</th>
                  <th>Journal</th>
                  <th>Pièce</th>
                  <th>Libellé</th>
                  <th class="num">Débit</th>
                  <th class="num">Crédit</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l, i) => (
                  <tr>
                    <td data-label="Sélection">
                      <input
                        type="checkbox"
                        id={`line-${i}`}
                        name="lines"
                        value={l.key}
                        checked={checkedSet.has(l.key)}
                        aria-describedby={e.lines ? 'f-lines-error' : undefined}
                      />
                      <label
                        for={`line-${i}`}
                        class="sr-only"
                      >{`Lettrer la ligne ${l.pieceRef} du ${formatDate(l.date)}`}</label>
                    </td>
                    <td data-label="Date">{formatDate(l.date)}</td>
                    <td data-label="Journal">{l.journal}</td>
                    <td data-label="Pièce">{l.pieceRef}</td>
                    <td data-label="Libellé">{l.label}</td>
                    <td data-label="Débit" class="num">
                      {money(l.debitCents)}
                    </td>
                    <td data-label="Crédit" class="num">
                      {money(l.creditCents)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {e.lines ? (
              <p class="error" id="f-lines-error" role="alert">
                {e.lines}
              </p>
            ) : null}
            <button type="submit">Lettrer</button>
          </form>
        </Card>
      ) : (
        <EmptyState title="Aucune ligne à lettrer." text="Toutes les lignes de ce compte sont déjà rapprochées." />
      )}
      {groups.length || e.code ? (
        <Card title="Lettrages existants">
          {groups.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Lettré le</th>
                  <th class="num">Lignes</th>
                  <th class="num">Montant</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr>
                    <td data-label="Code">{g.code}</td>
                    <td data-label="Lettré le">{g.letteredOn ? formatDate(g.letteredOn) : ''}</td>
                    <td data-label="Lignes" class="num">
                      {g.lines}
                    </td>
                    <td data-label="Montant" class="num">
                      {formatEuros(g.debitCents)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <form method="post" action="/comptabilite/lettrage/delettrer" novalidate>
            <Csrf token={c.get('csrf')} />
            <input type="hidden" name="compte" value={account} />
            <input type="hidden" name="tiers" value={chosen} />
            <Field
              label="Code de lettrage"
              name="code"
              value={groups[0]?.code}
              error={e.code}
              hint="Les lignes portant ce code redeviennent non lettrées."
              required
            />
            <button type="submit" class="btn-secondary">
              Délettrer
            </button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}
const accountParam = (v: string | undefined) =>
  (LETTERING_ACCOUNTS as readonly string[]).includes(v ?? '') ? v! : '411';

screensRoutes.get('/comptabilite/lettrage', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  return c.html(await LetteringPage(c, actor, accountParam(c.req.query('compte')), c.req.query('tiers') ?? ''));
});
screensRoutes.post('/comptabilite/lettrage', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  const keys = await formAll(c, 'lines');
  const account = accountParam(f.compte);
  const aux = f.tiers ?? '';
  try {
    const code = await withTenant(db(c), actor.cooperativeId, (trx) => letterLines(trx, actor, account, aux, keys));
    setFlash(c, { kind: 'success', text: `${keys.length} lignes lettrées (code ${code}).` });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(await LetteringPage(c, actor, account, aux, errors, keys), 400);
  }
  return c.redirect(`/comptabilite/lettrage?${new URLSearchParams({ compte: account, tiers: aux })}`);
});
screensRoutes.post('/comptabilite/lettrage/delettrer', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  const account = accountParam(f.compte);
  const aux = f.tiers ?? '';
  try {
    const n = await withTenant(db(c), actor.cooperativeId, (trx) => unletter(trx, actor, account, f.code ?? ''));
    setFlash(c, { kind: 'success', text: `Lettrage ${(f.code ?? '').toUpperCase()} retiré de ${n} lignes.` });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(await LetteringPage(c, actor, account, aux, errors), 400);
  }
  return c.redirect(`/comptabilite/lettrage?${new URLSearchParams({ compte: account, tiers: aux })}`);
});

// --- chart of accounts ---------------------------------------------------------------------------
interface ChartState {
  add?: { values: Errors; errors: Errors };
  row?: { number: string; error: string; label?: string };
}
async function ChartPage(c: Ctx, actor: Actor, st: ChartState = {}) {
  const q = c.req.query('q') ?? '';
  const page = pageParam(c);
  const pageSize = 50;
  const { rows, total } = await withTenant(db(c), actor.cooperativeId, (trx) =>
    listChart(trx, actor, { q, page, pageSize }),
  );
  const av = st.add?.values ?? {};
  const ae = st.add?.errors ?? {};
  return (
    <Layout c={c} title="Plan comptable" wide>
      <PageHeader
        title="Plan comptable"
        help="Les comptes de la coopérative. Un compte qui porte des écritures ne peut plus être supprimé, mais son libellé peut changer."
      />
      <AccountingTabs current="/comptabilite/plan-comptable" />
      <form class="filters" method="get" action="/comptabilite/plan-comptable">
        <Field label="Rechercher (numéro ou libellé)" name="q" value={q} />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      {st.row ? <FormErrorSummary message={st.row.error} /> : null}
      <table class="data">
        <thead>
          <tr>
            <th>Numéro</th>
            <th>Libellé</th>
            <th class="num">Lignes</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const err = st.row?.number === r.number ? st.row.error : undefined;
            return (
              <tr>
                <td data-label="Numéro">
                  <a href={`/comptabilite/comptes/${r.number}`}>{r.number}</a>
                </td>
                <td data-label="Libellé">
                  <form method="post" action={`/comptabilite/plan-comptable/${r.number}/libelle`} novalidate>
                    <Csrf token={c.get('csrf')} />
                    <Field
                      label={`Libellé du compte ${r.number}`}
                      name={`label_${r.number}`}
                      value={err && st.row?.label !== undefined ? st.row.label : r.label}
                      error={err}
                    />
                    <button type="submit" class="btn-secondary">
                      Renommer
                    </button>
                  </form>
                </td>
                <td data-label="Lignes" class="num">
                  {r.lines}
                </td>
                <td data-label="Actions">
                  {r.lines ? (
                    <span class="muted">Utilisé</span>
                  ) : (
                    <form method="post" action={`/comptabilite/plan-comptable/${r.number}/supprimer`}>
                      <Csrf token={c.get('csrf')} />
                      <button type="submit" class="btn-secondary">
                        Supprimer
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pagination page={page} pageSize={pageSize} total={total} baseUrl="/comptabilite/plan-comptable" params={{ q }} />
      <Card title="Ajouter un compte">
        <form method="post" action="/comptabilite/plan-comptable" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={st.add ? ae : null} />
          <div class="form-grid">
            <Field
              label="Numéro"
              name="number"
              value={av.number}
              error={ae.number}
              inputmode="numeric"
              hint="De 3 à 8 chiffres ; le premier est la classe (1 à 7), ex. : 6064."
              required
            />
            <Field label="Libellé" name="label" value={av.label} error={ae.label} required />
          </div>
          <button type="submit">Ajouter le compte</button>
        </form>
      </Card>
    </Layout>
  );
}
screensRoutes.get('/comptabilite/plan-comptable', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  return c.html(await ChartPage(c, actor));
});
screensRoutes.post('/comptabilite/plan-comptable', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  try {
    const a = await withTenant(db(c), actor.cooperativeId, (trx) =>
      addAccount(trx, actor, { number: f.number ?? '', label: f.label ?? '' }),
    );
    setFlash(c, { kind: 'success', text: `Compte ${a.number} ajouté.` });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(await ChartPage(c, actor, { add: { values: f, errors } }), 400);
  }
  return c.redirect(`/comptabilite/plan-comptable?q=${encodeURIComponent(f.number ?? '')}`);
});
screensRoutes.post('/comptabilite/plan-comptable/:number/libelle', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const number = c.req.param('number');
  const f = await formValues(c);
  const label = f[`label_${number}`] ?? f.label ?? '';
  try {
    await withTenant(db(c), actor.cooperativeId, (trx) => renameAccount(trx, actor, number, label));
    setFlash(c, { kind: 'success', text: `Libellé du compte ${number} modifié.` });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(await ChartPage(c, actor, { row: { number, error: e.message, label } }), 400);
  }
  return c.redirect('/comptabilite/plan-comptable');
});
screensRoutes.post('/comptabilite/plan-comptable/:number/supprimer', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const number = c.req.param('number');
  try {
    await withTenant(db(c), actor.cooperativeId, (trx) => deleteAccount(trx, actor, number));
    setFlash(c, { kind: 'success', text: `Compte ${number} supprimé.` });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(await ChartPage(c, actor, { row: { number, error: e.message } }), 400);
  }
  return c.redirect('/comptabilite/plan-comptable');
});

// --- contributions ----------------------------------------------------------------------------------
const KIND_OPTIONS: [string, string][] = [
  ['collected_percent', "Pourcentage de l'encaissé hors taxes"],
  ['invoiced_percent_with_minimum', 'Pourcentage du facturé hors taxes, avec minimum mensuel'],
  ['fixed_monthly', 'Forfait mensuel'],
];

/** A percentage typed in French ("8,5") → basis points, or null. */
export function parseRateBp(v: string | undefined): number | null {
  const s = (v ?? '').replace(/\s|%/g, '');
  if (!/^\d{1,3}([,.]\d{1,2})?$/.test(s)) return null;
  const bp = parseCents(s);
  return bp === null || bp < 0 || bp > 10000 ? null : bp;
}

async function ContributionsPage(c: Ctx, actor: Actor, form: { values?: Errors; errors?: Errors | null } = {}) {
  const y = Number(c.req.query('annee'));
  const year = Number.isInteger(y) && y > 2000 && y < 2100 ? y : Number(todayParis().slice(0, 4));
  const rateParam = c.req.query('taux');
  const simBp = rateParam !== undefined ? parseRateBp(rateParam) : null;
  const data = await withTenant(db(c), actor.cooperativeId, async (trx) => {
    const rule = await cooperativeRule(trx, actor);
    const overrides = await listOverrides(trx, actor);
    const acts = (await listActivities(trx, actor))
      .map((a) => ({ id: String(a.id), analytic_code: a.analyticCode, name: a.name }))
      .sort((a, b) => a.analytic_code.localeCompare(b.analytic_code));
    const sim = simBp !== null ? await simulateContributionRate(trx, actor, year, simBp) : null;
    return { rule, overrides, acts, sim };
  });
  const actName = new Map(data.acts.map((a) => [a.id, `${a.analytic_code} — ${a.name}`]));
  const v = form.values ?? { kind: 'collected_percent', validFrom: todayParis() };
  const e = form.errors ?? {};
  const sim = data.sim;
  const tot = sim
    ? sim.rows.reduce(
        (t, r) => ({
          collected: t.collected + r.collectedExclCents,
          current: t.current + r.currentCents,
          simulated: t.simulated + r.simulatedCents,
        }),
        { collected: 0, current: 0, simulated: 0 },
      )
    : null;
  return (
    <Layout c={c} title="Contributions" wide>
      <PageHeader
        title="Contributions coopératives"
        help="Ce que chaque activité verse chaque mois à la coopérative : la règle commune, les dérogations par activité et une simulation."
      />
      <AccountingTabs current="/comptabilite/contributions" />
      <Card title="Règle de la coopérative">
        <p>{describeRule(data.rule)}</p>
        <p class="muted">Elle s'applique à toutes les activités, sauf pendant une dérogation ci-dessous.</p>
      </Card>
      <Card title="Dérogations par activité">
        {data.overrides.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Activité</th>
                <th>Règle</th>
                <th>Du</th>
                <th>Au</th>
              </tr>
            </thead>
            <tbody>
              {data.overrides.map((o) => (
                <tr>
                  <td data-label="Activité">{actName.get(o.activityId) ?? o.activityId}</td>
                  <td data-label="Règle">{describeRule(o.rule)}</td>
                  <td data-label="Du">{formatDate(o.validFrom)}</td>
                  <td data-label="Au">{o.validTo ? formatDate(o.validTo) : 'sans date de fin'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">Aucune dérogation : toutes les activités suivent la règle de la coopérative.</p>
        )}
        <h3>Ajouter une dérogation</h3>
        <form method="post" action="/comptabilite/contributions/derogations" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={form.errors} />
          <div class="form-grid">
            <Select
              label="Activité"
              name="activityId"
              value={v.activityId}
              error={e.activityId}
              options={[
                ['', 'Choisissez…'],
                ...data.acts.map((a): [string, string] => [a.id, `${a.analytic_code} — ${a.name}`]),
              ]}
              required
            />
            <Select label="Type de règle" name="kind" value={v.kind} error={e.kind} options={KIND_OPTIONS} />
            <Field
              label="Taux (%)"
              name="rate"
              value={v.rate}
              error={e.rate}
              inputmode="decimal"
              hint="Ex. : 8,5 — pour les règles en pourcentage."
            />
            <Field
              label="Minimum mensuel (€)"
              name="minimum"
              value={v.minimum}
              error={e.minimum}
              inputmode="decimal"
              hint="Seulement avec le minimum mensuel."
            />
            <Field
              label="Forfait mensuel (€)"
              name="amount"
              value={v.amount}
              error={e.amount}
              inputmode="decimal"
              hint="Seulement pour un forfait."
            />
            <Field label="Du" name="validFrom" type="date" value={v.validFrom} error={e.validFrom} required />
            <Field
              label="Au (facultatif)"
              name="validTo"
              type="date"
              value={v.validTo}
              error={e.validTo}
              hint="Laissez vide pour une dérogation sans date de fin."
            />
          </div>
          <button type="submit">Ajouter la dérogation</button>
        </form>
      </Card>
      <Card title={`Simulation ${year} : et si le taux était différent ?`}>
        <form class="filters" method="get" action="/comptabilite/contributions">
          <input type="hidden" name="annee" value={String(year)} />
          <Field
            label="Taux simulé (% de l'encaissé hors taxes)"
            name="taux"
            value={rateParam}
            error={
              rateParam !== undefined && simBp === null
                ? 'Taux invalide : un pourcentage entre 0 et 100, ex. : 9,5.'
                : undefined
            }
            inputmode="decimal"
          />
          <button type="submit" class="btn-secondary">
            Simuler
          </button>
        </form>
        {sim && tot ? (
          <>
            <p>{`Du ${formatDate(sim.from)} au ${formatDate(sim.to)}, si la contribution était de ${rateParam} % du chiffre d'affaires encaissé hors taxes. Rien n'est enregistré.`}</p>
            <table class="data">
              <thead>
                <tr>
                  <th>Activité</th>
                  <th class="num">Encaissé HT</th>
                  <th class="num">Contribution actuelle</th>
                  <th class="num">Contribution simulée</th>
                  <th class="num">Écart</th>
                </tr>
              </thead>
              <tbody>
                {sim.rows.map((r) => (
                  <tr>
                    <td data-label="Activité">{`${r.analyticCode} — ${r.name}`}</td>
                    <td data-label="Encaissé HT" class="num">
                      {formatEuros(r.collectedExclCents)}
                    </td>
                    <td data-label="Actuelle" class="num">
                      {formatEuros(r.currentCents)}
                    </td>
                    <td data-label="Simulée" class="num">
                      {formatEuros(r.simulatedCents)}
                    </td>
                    <td data-label="Écart" class="num">
                      {formatEuros(r.simulatedCents - r.currentCents, { sign: true })}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th>Total</th>
                  <th class="num">{formatEuros(tot.collected)}</th>
                  <th class="num">{formatEuros(tot.current)}</th>
                  <th class="num">{formatEuros(tot.simulated)}</th>
                  <th class="num">{formatEuros(tot.simulated - tot.current, { sign: true })}</th>
                </tr>
              </tfoot>
            </table>
          </>
        ) : null}
      </Card>
    </Layout>
  );
}

screensRoutes.get('/comptabilite/contributions', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const bad = c.req.query('taux') !== undefined && parseRateBp(c.req.query('taux')) === null;
  return c.html(await ContributionsPage(c, actor), bad ? 400 : 200);
});
screensRoutes.post('/comptabilite/contributions/derogations', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ACCOUNTING);
  const f = await formValues(c);
  const errors: Errors = {};
  let rule: ContributionRule | null = null;
  const uuidOk = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(f.activityId ?? '');
  const acts = uuidOk
    ? (await withTenant(db(c), actor.cooperativeId, (trx) => listActivities(trx, actor))).filter(
        (a) => a.id === f.activityId,
      )
    : [];
  if (!f.activityId || !acts.length) errors.activityId = "Choisissez l'activité concernée.";
  const rate = parseRateBp(f.rate);
  if (f.kind === 'collected_percent' || f.kind === 'invoiced_percent_with_minimum') {
    if (rate === null) errors.rate = 'Taux invalide : un pourcentage entre 0 et 100, ex. : 8,5.';
    if (f.kind === 'collected_percent' && rate !== null) rule = { kind: 'collected_percent', bp: rate };
    if (f.kind === 'invoiced_percent_with_minimum') {
      const min = parseCents(f.minimum ?? '');
      if (min === null || min < 0) errors.minimum = 'Montant invalide (ex. : 150,00).';
      else if (rate !== null) rule = { kind: 'invoiced_percent_with_minimum', bp: rate, minimumMonthlyCents: min };
    }
  } else if (f.kind === 'fixed_monthly') {
    const amount = parseCents(f.amount ?? '');
    if (amount === null || amount < 0) errors.amount = 'Montant invalide (ex. : 150,00).';
    else rule = { kind: 'fixed_monthly', amountCents: amount };
  } else errors.kind = 'Choisissez un type de règle.';
  try {
    if (Object.keys(errors).length) throw new UserError('Certains champs sont à corriger.', undefined, errors);
    await withTenant(db(c), actor.cooperativeId, (trx) =>
      addContributionOverride(trx, actor, {
        activityId: f.activityId!,
        validFrom: f.validFrom ?? '',
        validTo: f.validTo || null,
        rule,
      }),
    );
    setFlash(c, { kind: 'success', text: 'Dérogation enregistrée.' });
  } catch (e) {
    const fe = fieldErrors(e);
    if (!fe) throw e;
    return c.html(await ContributionsPage(c, actor, { values: f, errors: fe }), 400);
  }
  return c.redirect('/comptabilite/contributions');
});

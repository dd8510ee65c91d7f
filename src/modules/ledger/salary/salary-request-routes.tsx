// /salaire: the entrepreneur asks for next month's salary (simulation shown before asking),
// support approves or refuses with a reason, the accountant records payroll as paid (posted),
// and downloads the monthly payroll variables (CSV / XLSX).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Field,
  Select,
  Csrf,
  PageHeader,
  Card,
  FormErrorSummary,
  EmptyState,
  Badge,
  Figure,
} from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { hasRole, requireRole, type Actor } from '../../../core/actor.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { formatEuros, parseCents, parseQuantityMilli } from '../../../core/money.ts';
import { todayParis, addMonths } from '../../../core/dates.ts';
import { activitiesFor } from '../../directory/index.ts';
import { monthLabel } from '../posting.service.ts';
import { tableBuffer, CONTENT_TYPES } from '../tabular.ts';
import {
  listSalaryRequests,
  requestSalary,
  approveSalaryRequest,
  refuseSalaryRequest,
  markSalaryPaid,
  paySalariesOfMonth,
  salaryEnvelope,
  simulateRequest,
  nextMonth,
  SALARY_STATUS_LABELS,
  type SalaryRequest,
} from './salary-request.service.ts';
import { payrollVariables, payrollRows, PAYROLL_COLUMNS } from './payroll-variables.ts';
import { Breakdown } from './views/breakdown.tsx';
import { CONTRACT_LABELS, type ContractType, type SalarySimulation } from './salary-engine.ts';
import { cooperativePayrollParams } from './payroll-settings.service.ts';

export const salaryRequestRoutes = new Hono<AppEnv>();
for (const p of ['/salaire', '/salaire/demandes', '/salaire/demandes/*', '/salaire/paie', '/salaire/variables'])
  salaryRequestRoutes.use(p, requireActor);
const db = (c: Ctx) => c.get('app').odb.db;
const STATUS_BADGE: Record<string, string> = {
  requested: 'pending',
  approved: 'approved',
  refused: 'rejected',
  paid: 'paid',
};
const monthOk = (s: string | undefined) => (/^\d{4}-(0[1-9]|1[0-2])$/.test(s ?? '') ? s! : null);

type Values = Record<string, string>;
interface PageState {
  values?: Values;
  errors?: Record<string, string> | null;
  message?: string | null;
  sim?: SalarySimulation | null;
  refuseFor?: string;
}

function RequestsTable(p: {
  c: Ctx;
  rows: SalaryRequest[];
  staff: boolean;
  canDecide: boolean;
  canPay: boolean;
  errors?: Record<string, string> | null;
  refuseFor?: string;
}) {
  if (!p.rows.length) return <EmptyState title="Aucune demande de salaire." />;
  return (
    <table class="data">
      <thead>
        <tr>
          {p.staff ? (
            <>
              <th>Personne</th>
              <th>Activité</th>
            </>
          ) : null}
          <th>Mois</th>
          <th class="num">Coût total</th>
          <th class="num">Brut</th>
          <th class="num">Net estimé</th>
          <th>État</th>
          {p.canDecide || p.canPay ? <th>Action</th> : null}
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr>
            {p.staff ? (
              <>
                <td data-label="Personne">{r.userName}</td>
                <td data-label="Activité">
                  {r.analyticCode} — {r.activityName}
                </td>
              </>
            ) : null}
            <td data-label="Mois">
              {monthLabel(r.month)}
              {r.contract === 'CDD' || r.hoursPerMonth !== null ? (
                <p class="muted">
                  {r.contract === 'CDD' ? `CDD de ${r.cddMonths} mois` : 'CDI'}
                  {r.hoursPerMonth !== null ? `, ${String(r.hoursPerMonth).replace('.', ',')} h` : ''}
                </p>
              ) : null}
            </td>
            <td data-label="Coût total" class="num">
              {formatEuros(r.employerCostCents)}
            </td>
            <td data-label="Brut" class="num">
              {formatEuros(r.grossCents)}
            </td>
            <td data-label="Net estimé" class="num">
              {formatEuros(r.netCents)}
            </td>
            <td data-label="État">
              <Badge status={STATUS_BADGE[r.status]} label={SALARY_STATUS_LABELS[r.status]} />
              {r.reason ? <p class="muted">Motif : {r.reason}</p> : null}
            </td>
            {p.canDecide || p.canPay ? (
              <td data-label="Action">
                {p.canDecide && r.status === 'requested' ? (
                  <>
                    <form method="post" action={`/salaire/demandes/${r.id}/accepter`}>
                      <Csrf token={p.c.get('csrf')} />
                      <button type="submit">Accepter</button>
                    </form>
                    <form method="post" action={`/salaire/demandes/${r.id}/refuser`} novalidate>
                      <Csrf token={p.c.get('csrf')} />
                      <Field
                        label="Motif du refus"
                        name="reason"
                        error={p.refuseFor === r.id ? p.errors?.reason : undefined}
                        value={p.refuseFor === r.id ? undefined : undefined}
                      />
                      <button type="submit" class="btn-secondary">
                        Refuser
                      </button>
                    </form>
                    {p.refuseFor === r.id && p.errors?.status ? (
                      <p class="error" role="alert">
                        {p.errors.status}
                      </p>
                    ) : null}
                  </>
                ) : null}
                {p.canPay && r.status === 'approved' ? (
                  <form method="post" action={`/salaire/demandes/${r.id}/payer`}>
                    <Csrf token={p.c.get('csrf')} />
                    <button type="submit" class="btn-secondary">
                      Marquer payé
                    </button>
                  </form>
                ) : null}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function page(c: Ctx, actor: Actor, st: PageState = {}) {
  const staff = hasRole(actor, 'support', 'accountant', 'director');
  const entrepreneur = hasRole(actor, 'entrepreneur', 'cape');
  const data = await withTenant(db(c), actor.cooperativeId, async (trx) => {
    const acts = entrepreneur
      ? (await activitiesFor(trx, actor)).filter((a) => a.ownerIds.includes(actor.userId ?? ''))
      : [];
    const envelopes = new Map<string, number>();
    for (const a of acts) envelopes.set(a.id, (await salaryEnvelope(trx, actor, a.id)).envelopeCents);
    const mine = entrepreneur ? await listSalaryRequests(trx, actor, { mine: true }) : [];
    const queue = staff ? await listSalaryRequests(trx, actor, { status: 'requested' }) : [];
    const approved = staff ? await listSalaryRequests(trx, actor, { status: 'approved' }) : [];
    return { acts, envelopes, mine, queue, approved };
  });
  const v = st.values ?? { month: nextMonth(), basis: 'employer_cost' };
  const e = st.errors ?? {};
  const canPay = hasRole(actor, 'accountant', 'director');
  const canDecide = hasRole(actor, 'support', 'director');
  const lastMonth = addMonths(`${todayParis().slice(0, 7)}-01`, 0).slice(0, 7);
  return (
    <Layout c={c} title="Salaires" wide>
      <PageHeader
        title={staff && !entrepreneur ? 'Demandes de salaire' : 'Mon salaire'}
        help="Chaque mois, vous demandez le salaire que votre activité peut payer ; l'équipe d'accompagnement le valide, puis le service paie le verse."
        action={
          <a class="btn-secondary btn" href="/salaire/simulation">
            Simuler un salaire
          </a>
        }
      />
      {entrepreneur && data.acts.length ? (
        <>
          <div class="figures">
            {data.acts.map((a) => (
              <Figure
                label={`Disponible pour un salaire — ${a.name}`}
                value={formatEuros(data.envelopes.get(a.id) ?? 0)}
                tone={(data.envelopes.get(a.id) ?? 0) > 0 ? 'ok' : 'danger'}
                hint="Argent disponible sur votre compte d'activité, moins les salaires déjà demandés et pas encore payés."
              />
            ))}
          </div>
          <Card title="Demander mon salaire">
            <form method="post" action="/salaire/demandes" novalidate>
              <Csrf token={c.get('csrf')} />
              <FormErrorSummary errors={Object.keys(e).length ? e : null} message={st.message} />
              <div class="form-grid">
                {data.acts.length > 1 ? (
                  <Select
                    label="Activité"
                    name="activityId"
                    value={v.activityId}
                    options={data.acts.map((a) => [a.id, a.name])}
                    error={e.activityId}
                  />
                ) : (
                  <input type="hidden" name="activityId" value={data.acts[0].id} />
                )}
                <Field label="Mois du salaire" name="month" type="month" value={v.month} error={e.month} required />
                <Select
                  label="Vous indiquez"
                  name="basis"
                  value={v.basis}
                  error={e.basis}
                  options={[
                    ['employer_cost', 'le coût total pour la coopérative'],
                    ['net', 'le net que vous voulez recevoir'],
                  ]}
                />
                <Field
                  label="Montant en euros"
                  name="amount"
                  value={v.amount}
                  error={e.amount}
                  inputmode="decimal"
                  placeholder="2 500"
                  required
                  hint="Par exemple 2 500 : le coût total ou le net, selon votre choix ci-dessus."
                />
                <Field
                  label="Heures travaillées dans le mois (facultatif)"
                  name="hours"
                  value={v.hours}
                  error={e.hours}
                  inputmode="decimal"
                  hint="Laissez vide pour un temps plein (151,67 heures)."
                />
                <Select
                  label="Contrat"
                  name="contract"
                  value={v.contract ?? 'CDI'}
                  error={e.contract}
                  options={Object.entries(CONTRACT_LABELS)}
                />
                <Field
                  label="Durée du CDD en mois"
                  name="cddMonths"
                  value={v.cddMonths}
                  error={e.cddMonths}
                  inputmode="numeric"
                  hint="Seulement pour un CDD : les indemnités de fin de contrat en dépendent."
                />
              </div>
              <div class="actions">
                <button type="submit" name="action" value="simulate" class="btn-secondary">
                  Voir la simulation
                </button>
                <button type="submit" name="action" value="request">
                  Demander ce salaire
                </button>
              </div>
            </form>
          </Card>
          {st.sim ? <Breakdown sim={st.sim} /> : null}
          <Card title="Mes demandes">
            <RequestsTable c={c} rows={data.mine} staff={false} canDecide={false} canPay={false} />
          </Card>
        </>
      ) : null}
      {staff ? (
        <>
          <Card title="À valider">
            <RequestsTable
              c={c}
              rows={data.queue}
              staff
              canDecide={canDecide}
              canPay={false}
              errors={st.errors}
              refuseFor={st.refuseFor}
            />
          </Card>
          <Card title="Acceptées, à payer">
            <RequestsTable
              c={c}
              rows={data.approved}
              staff
              canDecide={false}
              canPay={canPay}
              errors={st.errors}
              refuseFor={st.refuseFor}
            />
          </Card>
          {canPay ? (
            <Card title="Salaires payés">
              <form method="post" action="/salaire/paie" novalidate>
                <Csrf token={c.get('csrf')} />
                <Field
                  label="Mois payé"
                  name="payMonth"
                  type="month"
                  value={v.payMonth ?? lastMonth}
                  error={e.payMonth}
                  hint="Comptabilise tous les salaires acceptés de ce mois (journal de paie)."
                  required
                />
                <button type="submit">Enregistrer les salaires payés</button>
              </form>
            </Card>
          ) : null}
          <Card title="Variables de paie">
            <form method="get" action="/salaire/variables">
              <Field label="Mois" name="mois" type="month" value={nextMonth()} />
              <Select
                label="Format"
                name="format"
                value="xlsx"
                options={[
                  ['xlsx', 'Tableur (XLSX)'],
                  ['csv', 'CSV'],
                ]}
              />
              <button type="submit" class="btn-secondary">
                Télécharger
              </button>
            </form>
          </Card>
        </>
      ) : null}
      {!staff && !data.acts.length ? (
        <EmptyState
          title="Vous n'avez pas encore d'activité."
          text="Votre chargé·e d'accompagnement la crée avec vous."
        />
      ) : null}
    </Layout>
  );
}

salaryRequestRoutes.get('/salaire', async (c) => c.html(await page(c, actorOf(c))));

salaryRequestRoutes.post('/salaire/demandes', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'entrepreneur', 'cape');
  const f = await formValues(c);
  const errors: Record<string, string> = {};
  const amount = parseCents((f.amount ?? '').trim());
  if (amount === null || amount <= 0) errors.amount = 'Indiquez un montant en euros, par exemple 2 500.';
  let hours: number | null = null;
  if ((f.hours ?? '').trim()) {
    const m = parseQuantityMilli(f.hours!.trim());
    if (m === null || m <= 0) errors.hours = "Indiquez un nombre d'heures, par exemple 120.";
    else hours = m / 1000;
  }
  const basis = f.basis === 'net' ? 'net' : 'employer_cost';
  const contract: ContractType = f.contract === 'CDD' ? 'CDD' : 'CDI';
  let cddMonths: number | null = null;
  if (contract === 'CDD') {
    const d = (f.cddMonths ?? '').trim();
    if (!/^\d{1,2}$/.test(d) || Number(d) < 1 || Number(d) > 36)
      errors.cddMonths = 'Indiquez la durée du CDD en mois, de 1 à 36.';
    else cddMonths = Number(d);
  }
  if (Object.keys(errors).length) return c.html(await page(c, actor, { values: f, errors }), 400);
  // The preview uses the cooperative's payroll parameters, as the request itself will.
  const params = await withTenant(db(c), actor.cooperativeId, (trx) =>
    cooperativePayrollParams(trx, actor.cooperativeId),
  );
  const preview = () => simulateRequest(basis, amount!, hours, { contract, cddMonths, params });
  try {
    if (f.action === 'simulate') return c.html(await page(c, actor, { values: f, sim: preview() }));
    const r = await withTenant(db(c), actor.cooperativeId, (trx) =>
      requestSalary(trx, actor, {
        activityId: f.activityId ?? '',
        month: f.month ?? '',
        basis,
        amountCents: amount!,
        hoursPerMonth: hours,
        contract,
        cddMonths,
      }),
    );
    setFlash(c, {
      kind: 'success',
      text: `Votre demande de salaire pour ${monthLabel(r.month)} est envoyée : ${formatEuros(r.netCents)} net estimé.`,
    });
    return c.redirect('/salaire');
  } catch (e) {
    const fe = fieldErrors(e);
    if (!fe) throw e;
    let sim: SalarySimulation | null = null;
    try {
      sim = preview();
    } catch {
      /* shown as a field error already */
    }
    return c.html(await page(c, actor, { values: f, errors: fe, sim }), 400);
  }
});

async function decide(c: Ctx, fn: (actor: Actor, id: string, f: Values) => Promise<string>) {
  const actor = actorOf(c);
  const id = c.req.param('id') ?? '';
  const f = await formValues(c);
  try {
    setFlash(c, { kind: 'success', text: await fn(actor, id, f) });
    return c.redirect('/salaire');
  } catch (e) {
    const fe = fieldErrors(e);
    if (!fe || !(e instanceof UserError)) throw e;
    return c.html(await page(c, actor, { errors: fe, refuseFor: id, message: e.message }), 400);
  }
}
salaryRequestRoutes.post('/salaire/demandes/:id/accepter', (c) =>
  decide(c, async (actor, id) => {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) => approveSalaryRequest(trx, actor, id));
    return `Salaire de ${r.userName} pour ${monthLabel(r.month)} accepté.`;
  }),
);
salaryRequestRoutes.post('/salaire/demandes/:id/refuser', (c) =>
  decide(c, async (actor, id, f) => {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) =>
      refuseSalaryRequest(trx, actor, id, f.reason ?? ''),
    );
    return `Demande de ${r.userName} refusée ; le motif lui est affiché.`;
  }),
);
salaryRequestRoutes.post('/salaire/demandes/:id/payer', (c) =>
  decide(c, async (actor, id) => {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) => markSalaryPaid(trx, actor, id));
    return `Salaire de ${r.request.userName} payé et comptabilisé.`;
  }),
);
salaryRequestRoutes.post('/salaire/paie', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'accountant', 'director');
  const f = await formValues(c);
  try {
    const r = await withTenant(db(c), actor.cooperativeId, (trx) => paySalariesOfMonth(trx, actor, f.payMonth ?? ''));
    setFlash(c, {
      kind: 'success',
      text: `${r.count} salaire(s) comptabilisé(s) pour ${monthLabel(f.payMonth!)}, coût total ${formatEuros(r.totalEmployerCostCents)}.`,
    });
    return c.redirect('/salaire');
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(
      await page(c, actor, { values: { payMonth: f.payMonth ?? '' }, errors: { payMonth: e.message } }),
      400,
    );
  }
});

salaryRequestRoutes.get('/salaire/variables', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'accountant', 'director', 'support');
  const month = monthOk(c.req.query('mois')) ?? nextMonth();
  const format = c.req.query('format') === 'csv' ? 'csv' : 'xlsx';
  const vs = await withTenant(db(c), actor.cooperativeId, (trx) => payrollVariables(trx, actor, month));
  const body = await tableBuffer(format, PAYROLL_COLUMNS, payrollRows(vs), `Paie ${month}`);
  return c.body(new Uint8Array(body), 200, {
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="variables-paie-${month}.${format}"`,
  });
});

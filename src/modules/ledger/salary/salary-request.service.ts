// Salary requests: the entrepreneur asks for a salary (employer cost or net) for a month, within the
// envelope available on the activity (activity account, minus requests not yet paid); support
// approves or refuses with a reason; when payroll is paid the salary is posted in the same
// transaction: D 641 gross + D 645 employer contributions / C 421 net + C 431 all contributions
// (employer and employee: URSSAF and the other social bodies, one account by default), every line
// on the activity's analytic code. Amounts come from the simulation stored at request time.
import { sql } from 'kysely';
import type { Tx } from '../../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../../core/actor.ts';
import { authorize, requireModule } from '../../../core/authz.ts';
import { LEDGER } from '../permissions.ts';
import { UserError, NotFoundError } from '../../../core/errors.ts';
import { uuidv7 } from '../../../core/ids.ts';
import { audit } from '../../../core/audit.ts';
import { endOfMonth, earlierDate, todayParis, addMonths, type IsoDate } from '../../../core/dates.ts';
import { formatEuros, type Cents } from '../../../core/money.ts';
import { postEntry, fiscalYearOf, monthLabel, type PostedEntry, type PostingLine } from '../posting.service.ts';
import { activityAccount } from '../reports.ts';
import {
  requireVerifiedIdentity,
  activitiesFacts,
  activityFacts,
  activityIdsRunBy,
  getCooperative,
  lockActivity,
  type ActivityFacts,
} from '../../directory/index.ts';
import { ensureChart } from '../chart.ts';
import {
  simulateFromEmployerCost,
  simulateFromNet,
  SalaryInputError,
  MAX_MONTHLY_CENTS,
  FULL_TIME_HOURS_PER_MONTH,
  type ContractType,
  type PayrollParams,
  type SalarySimulation,
} from './salary-engine.ts';
import { cooperativePayrollParams } from './payroll-settings.service.ts';
import { ledgerDb } from '../db.ts';

export type SalaryStatus = 'requested' | 'approved' | 'refused' | 'paid';
export const SALARY_STATUS_LABELS: Record<SalaryStatus, string> = {
  requested: 'Demandé',
  approved: 'Accepté',
  refused: 'Refusé',
  paid: 'Payé',
};

/** Accounts of the salary posting (PCG). */
export const SALARY_ACCOUNTS = { gross: '641', employerCharges: '645', netDue: '421', socialBodies: '431' } as const;

export interface SalaryRequest {
  id: string;
  activityId: string;
  activityName: string;
  analyticCode: string;
  userId: string;
  userName: string;
  month: string;
  basis: 'employer_cost' | 'net';
  amountCents: Cents;
  hoursPerMonth: number | null;
  contract: ContractType;
  cddMonths: number | null;
  employerCostCents: Cents;
  /** Gross pay of the month (CDD allowances included). */
  grossCents: Cents;
  netCents: Cents;
  employerContributionsCents: Cents;
  employeeContributionsCents: Cents;
  status: SalaryStatus;
  reason: string | null;
  decidedAt: Date | null;
  paidAt: Date | null;
  entryId: string | null;
  createdAt: Date;
}

export interface SalaryRequestInput {
  activityId: string;
  month: string;
  basis: 'employer_cost' | 'net';
  amountCents: Cents;
  hoursPerMonth?: number | null;
  contract?: ContractType;
  /** CDD only: the contract's length in months. */
  cddMonths?: number | null;
}

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
export const nextMonth = (today: IsoDate = todayParis()) => addMonths(`${today.slice(0, 7)}-01`, 1).slice(0, 7);

/** The cooperative's requests with their person's name (also read by salary-batch.ts). */
export function baseQuery(trx: Tx, actor: Actor) {
  return ledgerDb(trx)
    .selectFrom('salary_request as r')
    .innerJoin('user_account as u', 'u.id', 'r.user_id')
    .selectAll('r')
    .select(['u.display_name'])
    .where('r.cooperative_id', '=', actor.cooperativeId);
}
export type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;
/** The requests with their activity's name and code, read from the directory in one batch. */
export async function toRequests(trx: Tx, actor: Actor, rows: Row[]): Promise<SalaryRequest[]> {
  const acts = new Map(
    (await activitiesFacts(trx, actor.cooperativeId, [...new Set(rows.map((r) => r.activity_id))])).map((a) => [
      a.id as string,
      a,
    ]),
  );
  return rows.flatMap((r) => {
    const a = acts.get(r.activity_id);
    return a ? [toRequest(r, a)] : [];
  });
}
const toRequest = (r: Row, a: ActivityFacts): SalaryRequest => ({
  id: r.id,
  activityId: r.activity_id,
  activityName: a.name,
  analyticCode: a.analyticCode,
  userId: r.user_id,
  userName: r.display_name,
  month: r.month,
  basis: r.basis,
  amountCents: Number(r.amount_cents),
  hoursPerMonth: r.hours_centi == null ? null : r.hours_centi / 100,
  contract: r.contract,
  cddMonths: r.cdd_months,
  employerCostCents: Number(r.employer_cost_cents),
  grossCents: Number(r.gross_cents),
  netCents: Number(r.net_cents),
  employerContributionsCents: Number(r.employer_contributions_cents),
  employeeContributionsCents: Number(r.employee_contributions_cents),
  status: r.status,
  reason: r.reason,
  decidedAt: r.decided_at,
  paidAt: r.paid_at,
  entryId: r.entry_id,
  createdAt: r.created_at,
});

export async function listSalaryRequests(
  trx: Tx,
  actor: Actor,
  f: { status?: SalaryStatus; month?: string; mine?: boolean } = {},
): Promise<SalaryRequest[]> {
  // Every member reads (the staff all, the others their own, filtered below); only in the ERP.
  requireModule(actor, 'ledger');
  let q = baseQuery(trx, actor);
  const staff = hasRole(actor, 'support', 'accountant', 'director');
  if (f.mine || !staff) q = q.where('r.user_id', '=', actor.userId ?? '00000000-0000-0000-0000-000000000000');
  if (f.status) q = q.where('r.status', '=', f.status);
  if (f.month) q = q.where('r.month', '=', f.month);
  return toRequests(
    trx,
    actor,
    await q.orderBy('r.month', 'desc').orderBy('r.created_at', 'desc').limit(500).execute(),
  );
}

export async function getSalaryRequest(trx: Tx, actor: Actor, id: string): Promise<SalaryRequest> {
  // Every member reads (the staff all, the others their own, filtered below); only in the ERP.
  requireModule(actor, 'ledger');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFoundError('Demande de salaire');
  const r = await baseQuery(trx, actor).where('r.id', '=', id).executeTakeFirst();
  if (!r) throw new NotFoundError('Demande de salaire');
  if (!hasRole(actor, 'support', 'accountant', 'director') && r.user_id !== actor.userId)
    throw new NotFoundError('Demande de salaire');
  return (await toRequests(trx, actor, [r]))[0];
}

/**
 * What the activity can still spend on salaries: the activity account's available treasury
 * (fiscal year to date, from the ledger) minus the employer cost of requests not yet paid.
 */
export async function salaryEnvelope(
  trx: Tx,
  actor: Actor,
  activityId: string,
  exceptRequestId?: string,
): Promise<{ availableCents: Cents; committedCents: Cents; envelopeCents: Cents }> {
  requireModule(actor, 'ledger');
  const act = await activityFacts(trx, actor.cooperativeId, { id: activityId });
  if (!act) throw new NotFoundError('Activité');
  const coop = (await getCooperative(trx, actor.cooperativeId))!;
  const today = todayParis();
  const account = await activityAccount(trx, actor, act.analyticCode, fiscalYearOf(today, coop.fiscalYearStartMonth), {
    until: today,
  });
  let q = ledgerDb(trx)
    .selectFrom('salary_request')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('employer_cost_cents'), sql<number>`0`).as('v'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', activityId)
    .where('status', 'in', ['requested', 'approved']);
  if (exceptRequestId) q = q.where('id', '<>', exceptRequestId);
  const committed = Number((await q.executeTakeFirstOrThrow()).v);
  return {
    availableCents: account.total.availableCents,
    committedCents: committed,
    envelopeCents: account.total.availableCents - committed,
  };
}

function envelopeError(sim: SalarySimulation, env: { envelopeCents: Cents; committedCents: Cents }): UserError {
  const left = Math.max(0, env.envelopeCents);
  const committed = env.committedCents
    ? ` (après ${formatEuros(env.committedCents)} de salaires déjà demandés et pas encore payés)`
    : '';
  return new UserError(
    `Ce salaire coûterait ${formatEuros(sim.employerCostCents)} à la coopérative, mais votre activité ne dispose que de ${formatEuros(left)}${committed}. Demandez un montant plus petit.`,
    'amount',
  );
}

export function simulateRequest(
  basis: 'employer_cost' | 'net',
  amountCents: Cents,
  hoursPerMonth: number | null,
  contract: { contract?: ContractType; cddMonths?: number | null; params?: PayrollParams | null } = {},
): SalarySimulation {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
    throw new UserError('Indiquez un montant en euros, par exemple 2 500.', 'amount');
  if (amountCents > MAX_MONTHLY_CENTS)
    throw new UserError('Ce montant dépasse 100 000 € par mois : vérifiez-le.', 'amount');
  if (hoursPerMonth != null && (!(hoursPerMonth > 0) || hoursPerMonth > FULL_TIME_HOURS_PER_MONTH + 0.01)) {
    throw new UserError("Indiquez un nombre d'heures entre 1 et 151,67 par mois.", 'hours');
  }
  if (contract.contract !== undefined && contract.contract !== 'CDI' && contract.contract !== 'CDD')
    throw new UserError('Choisissez un CDI ou un CDD.', 'contract');
  if (
    contract.contract === 'CDD' &&
    !(Number.isInteger(contract.cddMonths) && contract.cddMonths! >= 1 && contract.cddMonths! <= 36)
  )
    throw new UserError('Indiquez la durée du CDD en mois, de 1 à 36.', 'cddMonths');
  const opts = {
    hoursPerMonth: hoursPerMonth ?? undefined,
    contract: contract.contract ?? 'CDI',
    cddMonths: contract.contract === 'CDD' ? contract.cddMonths! : undefined,
    params: contract.params ?? null,
  };
  try {
    return basis === 'net' ? simulateFromNet(amountCents, opts) : simulateFromEmployerCost(amountCents, opts);
  } catch (e) {
    if (e instanceof SalaryInputError) throw new UserError(e.message, 'amount');
    throw e;
  }
}

export async function requestSalary(trx: Tx, actor: Actor, input: SalaryRequestInput): Promise<SalaryRequest> {
  authorize(actor, LEDGER.salaryRequest);
  if (!actor.userId) throw new UserError('Connectez-vous pour demander un salaire.');
  if (!MONTH_RE.test(input.month)) throw new UserError('Choisissez le mois (AAAA-MM).', 'month');
  if (input.month < todayParis().slice(0, 7))
    throw new UserError('Vous ne pouvez pas demander un salaire pour un mois passé.', 'month');
  // The form lists only one's own activities: another one is someone else's business.
  if (!(await activityIdsRunBy(trx, actor.cooperativeId, actor.userId)).includes(input.activityId))
    throw new NotFoundError('Activité');
  if (input.basis !== 'employer_cost' && input.basis !== 'net')
    throw new UserError('Choisissez coût total ou net.', 'basis');
  const contract = input.contract ?? 'CDI';
  const sim = simulateRequest(input.basis, input.amountCents, input.hoursPerMonth ?? null, {
    contract,
    cddMonths: input.cddMonths ?? null,
    params: await cooperativePayrollParams(trx, actor.cooperativeId),
  });
  // One open request per person, activity and month (serialised by this row lock on the activity).
  await lockActivity(trx, actor.cooperativeId, input.activityId);
  const open = await ledgerDb(trx)
    .selectFrom('salary_request')
    .select('status')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('activity_id', '=', input.activityId)
    .where('user_id', '=', actor.userId)
    .where('month', '=', input.month)
    .where('status', '<>', 'refused')
    .executeTakeFirst();
  if (open)
    throw new UserError(
      `Vous avez déjà une demande pour ${monthLabel(input.month)} (${SALARY_STATUS_LABELS[open.status].toLowerCase()}).`,
      'month',
    );
  const env = await salaryEnvelope(trx, actor, input.activityId);
  if (sim.employerCostCents > env.envelopeCents) throw envelopeError(sim, env);
  const id = uuidv7();
  await ledgerDb(trx)
    .insertInto('salary_request')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      activity_id: input.activityId,
      user_id: actor.userId,
      month: input.month,
      basis: input.basis,
      amount_cents: input.amountCents,
      hours_centi: input.hoursPerMonth == null ? null : Math.round(input.hoursPerMonth * 100),
      contract,
      cdd_months: contract === 'CDD' ? sim.input.cddMonths : null,
      employer_cost_cents: sim.employerCostCents,
      // The month's gross pay: the contract's gross plus, for a CDD, its allowances.
      gross_cents: sim.totalGrossCents,
      net_cents: sim.netBeforeTaxCents,
      employer_contributions_cents: sim.employerContributionsCents,
      employee_contributions_cents: sim.employeeContributionsCents,
      status: 'requested',
      reason: null,
      decided_by: null,
      decided_at: null,
      paid_at: null,
      entry_id: null,
    })
    .execute();
  await audit(trx, actor, {
    action: 'salary.requested',
    targetType: 'salary_request',
    targetId: id,
    data: { month: input.month, employerCostCents: sim.employerCostCents, grossCents: sim.grossCents },
  });
  return getSalaryRequest(trx, actor, id);
}

async function lockRequest(trx: Tx, actor: Actor, id: string): Promise<SalaryRequest> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFoundError('Demande de salaire');
  await sql`select 1 from salary_request where cooperative_id = ${actor.cooperativeId} and id = ${id} for update`.execute(
    ledgerDb(trx),
  );
  return getSalaryRequest(trx, actor, id);
}

export async function approveSalaryRequest(trx: Tx, actor: Actor, id: string): Promise<SalaryRequest> {
  authorize(actor, LEDGER.salaryDecide);
  const r = await lockRequest(trx, actor, id);
  if (r.status !== 'requested')
    throw new UserError(`Cette demande est déjà ${SALARY_STATUS_LABELS[r.status].toLowerCase()}e.`, 'status');
  // The envelope may have shrunk since the request (costs, other salaries): check again.
  const env = await salaryEnvelope(trx, actor, r.activityId, r.id);
  if (r.employerCostCents > env.envelopeCents) {
    throw new UserError(
      `L'activité ne dispose plus que de ${formatEuros(Math.max(0, env.envelopeCents))} : ce salaire (${formatEuros(r.employerCostCents)}) ne peut pas être accepté. Refusez-le avec une explication.`,
      'status',
    );
  }
  await ledgerDb(trx)
    .updateTable('salary_request')
    .set({ status: 'approved', decided_by: actor.userId, decided_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, {
    action: 'salary.approved',
    targetType: 'salary_request',
    targetId: id,
    data: { month: r.month, employerCostCents: r.employerCostCents },
  });
  return getSalaryRequest(trx, actor, id);
}

export async function refuseSalaryRequest(trx: Tx, actor: Actor, id: string, reason: string): Promise<SalaryRequest> {
  authorize(actor, LEDGER.salaryDecide);
  const why = (reason ?? '').trim();
  if (why.length < 3)
    throw new UserError(
      "Expliquez en quelques mots pourquoi la demande est refusée : l'entrepreneur·e lira ce message.",
      'reason',
    );
  const r = await lockRequest(trx, actor, id);
  if (r.status !== 'requested')
    throw new UserError(`Cette demande est déjà ${SALARY_STATUS_LABELS[r.status].toLowerCase()}e.`, 'status');
  await ledgerDb(trx)
    .updateTable('salary_request')
    .set({ status: 'refused', reason: why.slice(0, 1000), decided_by: actor.userId, decided_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, {
    action: 'salary.refused',
    targetType: 'salary_request',
    targetId: id,
    data: { month: r.month, reason: why.slice(0, 1000) },
  });
  return getSalaryRequest(trx, actor, id);
}

/** The balanced payroll entry of one request (exported for tests). */
export function salaryPostingLines(
  r: Pick<
    SalaryRequest,
    | 'analyticCode'
    | 'userId'
    | 'userName'
    | 'grossCents'
    | 'netCents'
    | 'employerContributionsCents'
    | 'employeeContributionsCents'
    | 'month'
  >,
): PostingLine[] {
  const label = `Salaire ${monthLabel(r.month)} — ${r.userName}`;
  const common = { analyticCode: r.analyticCode, label };
  const lines: PostingLine[] = [
    { ...common, account: SALARY_ACCOUNTS.gross, debitCents: r.grossCents },
    { ...common, account: SALARY_ACCOUNTS.employerCharges, debitCents: r.employerContributionsCents },
    { ...common, account: SALARY_ACCOUNTS.netDue, creditCents: r.netCents, auxAccount: r.userId, auxLabel: r.userName },
    {
      ...common,
      account: SALARY_ACCOUNTS.socialBodies,
      creditCents: r.employerContributionsCents + r.employeeContributionsCents,
    },
  ];
  return lines.filter((l) => (l.debitCents ?? 0) + (l.creditCents ?? 0) > 0);
}

/** Marks an approved request paid and posts it (journal PA, dated the last day of its month, or today if sooner). */
export async function markSalaryPaid(
  trx: Tx,
  actor: Actor,
  id: string,
): Promise<{ request: SalaryRequest; entry: PostedEntry }> {
  authorize(actor, LEDGER.salaryPay);
  const r = await lockRequest(trx, actor, id);
  if (r.status !== 'approved')
    throw new UserError(
      r.status === 'paid' ? 'Ce salaire est déjà payé.' : 'Seule une demande acceptée peut être payée.',
      'status',
    );
  // The first salary goes out only to a person whose identity support has verified.
  const paidBefore = await ledgerDb(trx)
    .selectFrom('salary_request')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', r.userId)
    .where('status', '=', 'paid')
    .executeTakeFirst();
  if (!paidBefore)
    await requireVerifiedIdentity(
      trx,
      actor.cooperativeId,
      r.userId,
      `Premier salaire de ${r.userName} : son identité doit d'abord être vérifiée par l'équipe d'appui (Membres → Vérifications d'identité).`,
      'status',
    );
  await ensureChart(trx, actor.cooperativeId);
  const today = todayParis();
  const last = endOfMonth(`${r.month}-01`);
  const date = earlierDate(last, today);
  const entry = await postEntry(trx, actor, {
    journal: 'PA',
    date,
    label: `Salaire ${monthLabel(r.month)} — ${r.userName}`,
    pieceRef: `SAL-${r.month}-${r.analyticCode}`,
    source: { type: 'salary', id: r.id },
    lines: salaryPostingLines(r),
  });
  await ledgerDb(trx)
    .updateTable('salary_request')
    .set({ status: 'paid', paid_at: new Date(), entry_id: entry.id })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, {
    action: 'salary.paid',
    targetType: 'salary_request',
    targetId: id,
    data: { entry: entry.id, grossCents: r.grossCents },
  });
  return { request: await getSalaryRequest(trx, actor, id), entry };
}

/** "Salaires payés" for a month: every approved request of that month is paid and posted. */
export async function paySalariesOfMonth(
  trx: Tx,
  actor: Actor,
  month: string,
): Promise<{ count: number; totalEmployerCostCents: Cents }> {
  authorize(actor, LEDGER.salaryPay);
  if (!MONTH_RE.test(month)) throw new UserError('Choisissez le mois (AAAA-MM).', 'month');
  const ids = await ledgerDb(trx)
    .selectFrom('salary_request')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('month', '=', month)
    .where('status', '=', 'approved')
    .orderBy('id')
    .execute();
  if (!ids.length) throw new UserError(`Aucun salaire accepté à payer pour ${monthLabel(month)}.`, 'month');
  let total = 0;
  for (const { id } of ids) total += (await markSalaryPaid(trx, actor, id)).request.employerCostCents;
  return { count: ids.length, totalEmployerCostCents: total };
}

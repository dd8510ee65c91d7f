// The CAE contribution: what each activity pays the cooperative every month.
// Rules (cooperative settings.contribution, or a per-activity override with a date range):
//  - collected_percent {bp}: bp × turnover collected (excl. VAT) in the month;
//  - tiered {tiers: [[fromAnnualCents, bp], …]}: marginal rates on the turnover collected
//    (excl. VAT) since the start of the fiscal year, like tax brackets; the month owes
//    f(collected to the end of the month) − f(collected before the month), so the year sums exactly;
//  - invoiced_percent_with_minimum {bp, minimumMonthlyCents}: max(bp × invoiced excl. VAT, minimum);
//  - fixed_monthly {amountCents}.
// Any rule may carry maxMonthlyCents (a cap). An override applies to a month when its range
// covers the last day of that month. Posting: OD, D 6228 on the activity's analytic code /
// C 7068 on the structure's analytic code, dated the last day of the month, once per activity and month.
import { z } from 'zod';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize, requireModule } from '../../core/authz.ts';
import { LEDGER } from './permissions.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { applyBasisPoints, type Cents } from '../../core/money.ts';
import { endOfMonth, formatDate, isIsoDate, type IsoDate } from '../../core/dates.ts';
import { uuidv7 } from '../../core/ids.ts';
import { audit } from '../../core/audit.ts';
import { fiscalYearBounds, activitiesFacts, activityFacts, getCooperative } from '../directory/index.ts';
import { postEntry, fiscalYearOf, monthLabel, type PostedEntry } from './posting.service.ts';
import { accountRoles, ensureChart } from './chart.ts';
import { ledgerFigures } from './reports.ts';
import { ledgerDb } from './db.ts';

const Cap = { maxMonthlyCents: z.number().int().min(0).optional() };
export const ContributionRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('collected_percent'), bp: z.number().int().min(0).max(10000), ...Cap }),
  z.object({
    kind: z.literal('tiered'),
    tiers: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0).max(10000)])).min(1),
    ...Cap,
  }),
  z.object({
    kind: z.literal('invoiced_percent_with_minimum'),
    bp: z.number().int().min(0).max(10000),
    minimumMonthlyCents: z.number().int().min(0),
    ...Cap,
  }),
  z.object({ kind: z.literal('fixed_monthly'), amountCents: z.number().int().min(0), ...Cap }),
]);
export type ContributionRule = z.infer<typeof ContributionRuleSchema>;

export interface ContributionBasis {
  /** Collected excl. VAT in the month. */
  collectedExclCents: Cents;
  /** Invoiced excl. VAT in the month (credit notes deducted). */
  invoicedExclCents: Cents;
  /** Collected excl. VAT from the start of the fiscal year to the day before the month. */
  collectedBeforeCents: Cents;
}

/** Marginal (bracket) contribution on a cumulative amount. Tiers sorted by their lower bound. */
export function tieredCumulative(tiers: [number, number][], amount: Cents): Cents {
  const t = [...tiers].sort((a, b) => a[0] - b[0]);
  if (amount <= 0) return amount < 0 ? applyBasisPoints(amount, t[0][1]) : 0;
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const from = t[i][0];
    const to = i + 1 < t.length ? t[i + 1][0] : Infinity;
    if (amount <= from) break;
    total += applyBasisPoints(Math.min(amount, to) - from, t[i][1]);
  }
  return total;
}

/** The pure computation: a rule and the month's figures → the contribution in cents. */
export function computeMonthlyContribution(rule: ContributionRule, b: ContributionBasis): Cents {
  let amount: Cents;
  switch (rule.kind) {
    case 'collected_percent':
      amount = applyBasisPoints(b.collectedExclCents, rule.bp);
      break;
    case 'tiered':
      amount =
        tieredCumulative(rule.tiers, b.collectedBeforeCents + b.collectedExclCents) -
        tieredCumulative(rule.tiers, b.collectedBeforeCents);
      break;
    case 'invoiced_percent_with_minimum':
      amount = Math.max(applyBasisPoints(b.invoicedExclCents, rule.bp), rule.minimumMonthlyCents);
      break;
    case 'fixed_monthly':
      amount = rule.amountCents;
      break;
  }
  if (rule.maxMonthlyCents != null) amount = Math.min(amount, rule.maxMonthlyCents);
  return amount;
}

// --- overrides -----------------------------------------------------------------------------
export interface ContributionOverride {
  id: string;
  activityId: string;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  rule: ContributionRule;
}

export async function listOverrides(trx: Tx, actor: Actor, activityId?: string): Promise<ContributionOverride[]> {
  requireModule(actor, 'ledger');
  let q = ledgerDb(trx)
    .selectFrom('contribution_override')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId);
  if (activityId) q = q.where('activity_id', '=', activityId);
  return (await q.orderBy('valid_from').execute()).map((r) => ({
    id: r.id,
    activityId: r.activity_id,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    rule: r.rule as ContributionRule,
  }));
}

export async function addContributionOverride(
  trx: Tx,
  actor: Actor,
  input: { activityId: string; validFrom: string; validTo?: string | null; rule: unknown },
): Promise<ContributionOverride> {
  authorize(actor, LEDGER.contributionManage);
  if (!isIsoDate(input.validFrom)) throw new UserError('Date de début invalide.', 'validFrom');
  const validTo = input.validTo || null;
  if (validTo && !isIsoDate(validTo)) throw new UserError('Date de fin invalide.', 'validTo');
  if (validTo && validTo < input.validFrom)
    throw new UserError('La date de fin doit suivre la date de début.', 'validTo');
  const parsed = ContributionRuleSchema.safeParse(input.rule);
  if (!parsed.success) throw new UserError('Règle de contribution invalide.', 'rule');
  const act = await activityFacts(trx, actor.cooperativeId, { id: input.activityId });
  if (!act) throw new NotFoundError('Activité');
  for (const o of await listOverrides(trx, actor, input.activityId)) {
    const overlaps =
      (o.validTo === null || input.validFrom <= o.validTo) && (validTo === null || o.validFrom <= validTo);
    if (overlaps)
      throw new UserError(
        `Cette dérogation chevauche celle du ${formatDate(o.validFrom)} ${o.validTo ? `au ${formatDate(o.validTo)}` : 'sans date de fin'} : ajustez les dates.`,
        'validFrom',
      );
  }
  const id = uuidv7();
  await ledgerDb(trx)
    .insertInto('contribution_override')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      activity_id: input.activityId,
      valid_from: input.validFrom,
      valid_to: validTo,
      // jsonb takes the JSON text; the column type describes what is read back.
      rule: JSON.stringify(parsed.data) as unknown as Record<string, unknown>,
      created_by: actor.userId,
    })
    .execute();
  await audit(trx, actor, {
    action: 'ledger.contribution_override_added',
    targetType: 'activity',
    targetId: input.activityId,
    data: { validFrom: input.validFrom, validTo, rule: parsed.data },
  });
  return { id, activityId: input.activityId, validFrom: input.validFrom, validTo, rule: parsed.data };
}

/** The rule that applies to an activity for a month: an override covering its last day, else the cooperative's. */
export async function ruleFor(
  trx: Tx,
  actor: Actor,
  activityId: string,
  month: string,
): Promise<ContributionRule | null> {
  const last = endOfMonth(`${month}-01`);
  const o = (await listOverrides(trx, actor, activityId)).find(
    (x) => x.validFrom <= last && (x.validTo === null || x.validTo >= last),
  );
  if (o) return o.rule;
  const c = await getCooperative(trx, actor.cooperativeId);
  const raw = ((c?.settings ?? {}) as Record<string, unknown>).contribution;
  const parsed = ContributionRuleSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

// --- from the ledger ----------------------------------------------------------------------
export async function contributionBasis(
  trx: Tx,
  actor: Actor,
  analyticCode: string,
  month: string,
): Promise<ContributionBasis> {
  requireModule(actor, 'ledger');
  const coop = (await getCooperative(trx, actor.cooperativeId))!;
  const start = `${month}-01`;
  const end = endOfMonth(start);
  const fy = fiscalYearBounds(
    { fiscalYearStartMonth: coop.fiscalYearStartMonth },
    fiscalYearOf(start, coop.fiscalYearStartMonth),
  );
  const m = await ledgerFigures(trx, actor, analyticCode, start, end);
  const before = start > fy.start ? await ledgerFigures(trx, actor, analyticCode, fy.start, prevDay(start)) : null;
  return {
    collectedExclCents: m.collectedExclCents,
    invoicedExclCents: m.invoicedExclCents,
    collectedBeforeCents: before?.collectedExclCents ?? 0,
  };
}
function prevDay(d: IsoDate): IsoDate {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
}

export interface ContributionResult {
  activityId: string;
  analyticCode: string;
  month: string;
  amountCents: Cents;
  entry: PostedEntry | null;
  alreadyPosted: boolean;
}

/** Computes and posts the contribution of one activity for one month (once; zero is not posted). */
export async function postMonthlyContribution(
  trx: Tx,
  actor: Actor,
  activityId: string,
  month: string,
): Promise<ContributionResult> {
  authorize(actor, LEDGER.contributionManage);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UserError('Période invalide (AAAA-MM).', 'month');
  const act = await activityFacts(trx, actor.cooperativeId, { id: activityId });
  if (!act) throw new NotFoundError('Activité');
  const sourceId = `${activityId}:${month}`;
  const existing = await ledgerDb(trx)
    .selectFrom('journal_entry')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('source_type', '=', 'contribution')
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  if (existing)
    return { activityId, analyticCode: act.analyticCode, month, amountCents: 0, entry: null, alreadyPosted: true };
  const rule = await ruleFor(trx, actor, activityId, month);
  if (!rule) throw new UserError("Aucune règle de contribution n'est définie pour cette coopérative.", 'rule');
  const amount = computeMonthlyContribution(rule, await contributionBasis(trx, actor, act.analyticCode, month));
  if (amount === 0)
    return { activityId, analyticCode: act.analyticCode, month, amountCents: 0, entry: null, alreadyPosted: false };
  await ensureChart(trx, actor.cooperativeId);
  const acc = await accountRoles(trx, actor.cooperativeId);
  const label = `Contribution ${monthLabel(month)} — ${act.analyticCode}`;
  const abs = Math.abs(amount);
  const charge = amount > 0;
  const entry = await postEntry(trx, actor, {
    journal: 'OD',
    date: endOfMonth(`${month}-01`),
    label,
    pieceRef: `CONTRIB-${month}-${act.analyticCode}`,
    source: { type: 'contribution', id: sourceId },
    lines: [
      {
        account: acc.contributionCharge,
        debitCents: charge ? abs : 0,
        creditCents: charge ? 0 : abs,
        analyticCode: act.analyticCode,
        label,
      },
      {
        account: acc.contributionIncome,
        debitCents: charge ? 0 : abs,
        creditCents: charge ? abs : 0,
        analyticCode: acc.structureAnalyticCode,
        label,
      },
    ],
  });
  return { activityId, analyticCode: act.analyticCode, month, amountCents: amount, entry, alreadyPosted: false };
}

/** Posts the month's contribution for every open activity of the cooperative. */
export async function postContributionsForMonth(trx: Tx, actor: Actor, month: string): Promise<ContributionResult[]> {
  authorize(actor, LEDGER.contributionManage);
  const acts = await activitiesFacts(trx, actor.cooperativeId);
  const out: ContributionResult[] = [];
  for (const a of acts) {
    if (a.closedAt && new Date(a.closedAt).toISOString().slice(0, 7) < month) continue;
    out.push(await postMonthlyContribution(trx, actor, a.id, month));
  }
  await audit(trx, actor, {
    action: 'ledger.contributions_posted',
    targetType: 'period',
    targetId: month,
    data: { count: out.filter((r) => r.entry).length, totalCents: out.reduce((t, r) => t + r.amountCents, 0) },
  });
  return out;
}

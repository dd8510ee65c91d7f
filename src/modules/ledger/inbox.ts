// The ledger in the inbox: the entrepreneur is reminded to request next month's salary (from the
// 15th, due on the 25th) when the activity has money for one; support sees each request waiting
// for a decision.
import { type Actor, hasRole } from '../../core/actor.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { formatEuros } from '../../core/money.ts';
import { listActivities } from '../directory/index.ts';
import { can } from '../../core/authz.ts';
import {
  batchedCheck,
  findingsOf,
  registerInboxProvider,
  registerCheck,
  registerValidationSource,
  type InboxItem,
} from '../inbox/index.ts';
import { salaryEnvelopes, salaryRequestsByIds, salaryRequestsOfMonths } from './salary/salary-batch.ts';
import {
  approveSalaryRequest,
  listSalaryRequests,
  nextMonth,
  salaryEnvelope,
  type SalaryRequest,
} from './salary/salary-request.service.ts';
import { FULL_TIME_HOURS_PER_MONTH } from './salary/salary-engine.ts';
import { LEDGER } from './permissions.ts';

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
const monthName = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;
/** Salary requests for next month open on this day and are expected by REQUEST_DUE_DAY. */
export const REQUEST_OPEN_DAY = 15;
export const REQUEST_DUE_DAY = 25;

registerInboxProvider({
  name: 'ledger',
  async items(trx, actor, today) {
    const items: InboxItem[] = [];
    if (hasRole(actor, 'entrepreneur') && actor.userId && Number(today.slice(8, 10)) >= REQUEST_OPEN_DAY) {
      const month = nextMonth(today);
      const mine = await listSalaryRequests(trx, actor, { mine: true, month });
      for (const a of await listActivities(trx, actor, { ownedBy: actor.userId })) {
        if (a.closedAt || mine.some((r) => r.activityId === a.id && r.status !== 'refused')) continue;
        // Nothing to request without money in the envelope: no item, no noise.
        const { envelopeCents } = await salaryEnvelope(trx, actor, a.id);
        if (envelopeCents <= 0) continue;
        items.push({
          key: `ledger.salary.request:${a.id}:${month}`,
          kind: 'ledger.salary.request',
          urgency: 'medium',
          dueDate: `${today.slice(0, 7)}-${REQUEST_DUE_DAY}`,
          title: `Demandez votre salaire de ${monthName(month)}`,
          why: `${formatEuros(envelopeCents)} sont disponibles pour ${a.name} : sans demande, la coopérative ne peut pas préparer votre paie de ${monthName(month)}.`,
          action: { label: 'Demander mon salaire', href: '/salaire' },
          link: '/salaire',
        });
      }
    }
    if (hasRole(actor, 'support', 'director')) {
      for (const r of await listSalaryRequests(trx, actor, { status: 'requested' })) {
        items.push({
          key: `ledger.salary.decide:${r.id}`,
          kind: 'ledger.salary.decide',
          urgency: 'medium',
          dueDate: `${r.month}-01`,
          title: `Décidez de la demande de salaire de ${r.userName} (${formatEuros(r.employerCostCents)}, ${monthName(r.month)})`,
          why: "L'entrepreneur·e attend votre accord pour la paie du mois.",
          action: { label: 'Voir la demande', href: '/salaire' },
          link: '/salaire',
        });
      }
    }
    return items;
  },
});

// ── Automatic checks on salary requests, and their place in the validation queue ──────────────

/** The requests among the ids still waiting for a decision (the checks judge only those). */
const requestedAmong = async (trx: Tx, actor: Actor, ids: string[]) =>
  (await salaryRequestsByIds(trx, actor, ids)).filter((r) => r.status === 'requested');

registerCheck<{ cost: number; left: number; committed: number; activity: string }>({
  id: 'salary.envelope',
  documentType: 'salary',
  severity: 'blocking',
  label: "Salaire dans l'enveloppe de l'activité",
  ...batchedCheck(requestedAmong, async (trx, actor, requests) => {
    // Other open requests count; each one does not (it is what is being decided).
    const envelopes = await salaryEnvelopes(trx, actor, requests);
    return findingsOf(requests, (r) => {
      const env = envelopes.get(r.id)!;
      if (r.employerCostCents <= env.envelopeCents) return null;
      return {
        cost: r.employerCostCents,
        left: Math.max(0, env.envelopeCents),
        committed: env.committedCents,
        activity: r.activityName,
      };
    });
  }),
  explain: (d) =>
    `Ce salaire coûte ${formatEuros(d.cost)} à la coopérative, mais ${d.activity} ne dispose que de ${formatEuros(d.left)}${d.committed ? ` (après ${formatEuros(d.committed)} d'autres salaires demandés)` : ''}. Refusez la demande avec une explication : l'entrepreneur·e en fera une plus petite, ou attendra que ses clients paient.`,
});

registerCheck<{ hours: number; others: number }>({
  id: 'salary.hours',
  documentType: 'salary',
  severity: 'warning',
  label: 'Heures du mois plausibles',
  ...batchedCheck(requestedAmong, async (trx, actor, requests) => {
    // Several activities of one person: together they cannot exceed a full-time month.
    const month = new Map<string, SalaryRequest[]>();
    for (const o of await salaryRequestsOfMonths(trx, actor, requests)) {
      const k = `${o.userId}|${o.month}`;
      month.set(k, [...(month.get(k) ?? []), o]);
    }
    return findingsOf(requests, (r) => {
      const mine = month.get(`${r.userId}|${r.month}`) ?? [];
      const total = mine.reduce((s, o) => s + (o.hoursPerMonth ?? FULL_TIME_HOURS_PER_MONTH), 0);
      if (total <= FULL_TIME_HOURS_PER_MONTH + 0.01) return null;
      return { hours: Math.round(total * 100) / 100, others: mine.length - 1 };
    });
  }),
  explain: (d) =>
    `Avec ses ${d.others} autre${d.others > 1 ? 's' : ''} demande${d.others > 1 ? 's' : ''} du mois, cette personne déclarerait ${String(d.hours).replace('.', ',')} h, plus qu'un temps plein (151,67 h). Demandez-lui d'indiquer ses heures à temps partiel sur chaque activité.`,
});

registerValidationSource({
  documentType: 'salary',
  module: 'ledger',
  label: 'Demandes de salaire',
  noun: 'demande de salaire',
  canValidate: (actor) => can(actor, LEDGER.salaryDecide),
  async pending(trx, actor) {
    return (await listSalaryRequests(trx, actor, { status: 'requested' })).reverse().map((r) => ({
      id: r.id,
      title: `Salaire de ${r.userName}, ${monthName(r.month)} (${r.activityName})`,
      date: null,
      amountCents: r.employerCostCents,
      link: '/salaire',
    }));
  },
  async validate(trx, actor, id) {
    await approveSalaryRequest(trx, actor, id);
  },
});

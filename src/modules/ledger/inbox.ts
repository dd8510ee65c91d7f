// The ledger in the inbox: the entrepreneur is reminded to request next month's salary (from the
// 15th, due on the 25th) when the activity has money for one; support sees each request waiting
// for a decision.
import { hasRole } from '../../core/actor.ts';
import { formatEuros } from '../../core/money.ts';
import { listActivities } from '../directory/index.ts';
import { registerInboxProvider, type InboxItem } from '../inbox/index.ts';
import { listSalaryRequests, nextMonth, salaryEnvelope } from './salary/salary-request.service.ts';

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

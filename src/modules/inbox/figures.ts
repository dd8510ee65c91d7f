// The few key figures shown on each role's home page, under the inbox. Every sum is the
// database's (invoicesDue, activityAccount): a home page never loads an activity's invoices.
import type { TenantTx } from './db.ts';
import { authorize } from '../../core/authz.ts';
import { INBOX } from './permissions.ts';
import { hasErp, hasRole, type Actor } from '../../core/actor.ts';
import { formatEuros } from '../../core/money.ts';
import type { IsoDate } from '../../core/dates.ts';
import { listActivities, getCooperative } from '../directory/index.ts';
import { invoicesDue, listInvoices } from '../sales/index.ts';
import { caseload } from '../journeys/index.ts';
import { activityAccount, fiscalYearOf } from '../ledger/index.ts';

export interface KeyFigure {
  label: string;
  value: string;
  hint?: string;
  tone?: 'ok' | 'warn' | 'danger';
}

export async function keyFigures(trx: TenantTx, actor: Actor, today: IsoDate): Promise<KeyFigure[]> {
  authorize(actor, INBOX.todoRead);
  const out: KeyFigure[] = [];
  // The money figures come from the ERP, which an organisation without it does not have.
  const erp = hasErp(actor.organisationType);
  if (erp && hasRole(actor, 'entrepreneur', 'cape') && actor.userId) {
    const acts = await listActivities(trx, actor, { ownedBy: actor.userId });
    const coop = (await getCooperative(trx, actor.cooperativeId))!;
    const year = fiscalYearOf(today, coop.fiscalYearStartMonth);
    let invoiced = 0;
    let awaiting = 0;
    let available = 0;
    for (const a of acts) {
      const acc = await activityAccount(trx, actor, a.analyticCode, year, { until: today });
      invoiced += acc.total.invoicedExclCents;
      available += acc.total.availableCents;
      awaiting += (await invoicesDue(trx, actor, { status: 'issued', activityId: a.id, today })).dueCents;
    }
    out.push({ label: 'Facturé cette année (HT)', value: formatEuros(invoiced) });
    out.push({
      label: 'En attente de paiement',
      value: formatEuros(awaiting),
      hint: 'Ce que vos clients vous doivent encore.',
    });
    out.push({
      label: 'Disponible pour votre salaire',
      value: formatEuros(available),
      hint: 'Encaissé, moins la contribution, les frais et les salaires déjà versés.',
      tone: available < 0 ? 'danger' : undefined,
    });
  }
  if (erp && hasRole(actor, 'support', 'director', 'accountant')) {
    const n = (await listInvoices(trx, actor, { status: 'to_validate', pageSize: 1, today })).total;
    out.push({ label: 'Factures à valider', value: String(n), tone: n ? 'warn' : 'ok' });
  }
  if (hasRole(actor, 'support') && actor.userId) {
    const rows = await caseload(trx, actor, { supportUserId: actor.userId, now: new Date(`${today}T11:00:00Z`) });
    const alerts = rows.filter((r) => r.alerts.length).length;
    out.push({ label: 'Personnes suivies', value: String(rows.length) });
    out.push({ label: 'Personnes avec une alerte', value: String(alerts), tone: alerts ? 'warn' : 'ok' });
  }
  if (erp && hasRole(actor, 'director', 'accountant')) {
    const late = await invoicesDue(trx, actor, { status: 'overdue', today });
    out.push({
      label: 'Créances en retard',
      value: formatEuros(late.dueCents),
      hint: `${late.count} facture${late.count > 1 ? 's' : ''}`,
      tone: late.count ? 'danger' : 'ok',
    });
  }
  return out;
}

// Purchases in the inbox: the entrepreneur is reminded to submit last month's expense sheet (due
// on the 5th) and to add the missing receipts; support and accountants see supplier invoices to
// approve and expense sheets to validate. Read-only: computed from the purchases tables.
import { hasRole } from '../../core/actor.ts';
import { formatEuros } from '../../core/money.ts';
import { registerInboxProvider, type InboxItem } from '../inbox/index.ts';
import { listMyReports, listSupplierInvoices } from './index.ts';

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
/** Last month's expense sheet is expected by this day. */
export const EXPENSE_SUBMIT_DUE_DAY = 5;
const previousMonth = (today: string) => {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
const fmtDay = (d: string) => d.split('-').reverse().join('/');

registerInboxProvider({
  name: 'purchases',
  async items(trx, actor, today) {
    const items: InboxItem[] = [];
    if (hasRole(actor, 'entrepreneur') && actor.userId) {
      const prev = previousMonth(today);
      const due = `${today.slice(0, 7)}-0${EXPENSE_SUBMIT_DUE_DAY}`;
      const sheet = (await listMyReports(trx, actor)).find(
        (r) => r.month === prev && r.status === 'draft' && r.totalCents > 0,
      );
      if (sheet) {
        items.push({
          key: `purchases.expense.submit:${sheet.id}`,
          kind: 'purchases.expense.submit',
          urgency: today > due ? 'high' : 'medium',
          dueDate: due,
          title: `Soumettez votre note de frais de ${monthName(prev)}`,
          why: `${formatEuros(sheet.totalCents)} de dépenses attendent : sans envoi, elles ne vous seront pas remboursées.`,
          action: { label: 'Envoyer ma note de frais', href: `/notes-de-frais?mois=${prev}` },
          link: `/notes-de-frais?mois=${prev}`,
        });
      }
      const missing = await trx
        .selectFrom('expense_line')
        .innerJoin('expense_report', (j) =>
          j
            .onRef('expense_report.cooperative_id', '=', 'expense_line.cooperative_id')
            .onRef('expense_report.id', '=', 'expense_line.report_id'),
        )
        .select([
          'expense_line.id',
          'expense_line.date',
          'expense_line.description',
          'expense_line.amount_incl_cents',
          'expense_report.month',
        ])
        .where('expense_line.cooperative_id', '=', actor.cooperativeId)
        .where('expense_report.user_id', '=', actor.userId)
        .where('expense_report.status', '=', 'draft')
        .where('expense_line.receipt_file_id', 'is', null)
        .orderBy('expense_line.date')
        .orderBy('expense_line.id')
        .limit(50)
        .execute();
      for (const l of missing) {
        items.push({
          key: `purchases.expense.receipt:${l.id}`,
          kind: 'purchases.expense.receipt',
          urgency: 'medium',
          dueDate: null,
          title: `Ajoutez le justificatif de « ${l.description} » (${formatEuros(Number(l.amount_incl_cents))}, ${fmtDay(l.date)})`,
          why: 'Sans justificatif, la dépense ne peut pas être remboursée ni déduite.',
          action: { label: 'Ajouter le justificatif', href: `/notes-de-frais?mois=${l.month}` },
          link: `/notes-de-frais?mois=${l.month}`,
        });
      }
    }
    if (hasRole(actor, 'support', 'accountant')) {
      for (const inv of await listSupplierInvoices(trx, actor, { status: 'to_approve' })) {
        items.push({
          key: `purchases.supplier_invoice.approve:${inv.id}`,
          kind: 'purchases.supplier_invoice.approve',
          urgency: 'medium',
          dueDate: inv.dueDate,
          title: `Approuvez la facture ${inv.supplierNumber} de ${inv.supplierName} (${formatEuros(inv.totalInclCents)})`,
          why: "Le fournisseur ne sera payé et la dépense comptabilisée qu'après votre approbation.",
          action: { label: 'Voir la facture', href: `/factures-fournisseurs/${inv.id}` },
          link: `/factures-fournisseurs/${inv.id}`,
        });
      }
      const n = await trx
        .selectFrom('expense_report')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      const count = Number(n.n);
      if (count > 0) {
        items.push({
          key: 'purchases.expense.validate',
          kind: 'purchases.expense.validate',
          urgency: 'medium',
          dueDate: null,
          title: count === 1 ? 'Validez 1 note de frais' : `Validez ${count} notes de frais`,
          why: 'Les entrepreneur·es attendent leur remboursement ; les notes sans anomalie se valident en un clic.',
          action: { label: 'Valider les notes de frais', href: '/notes-de-frais/a-valider' },
          link: '/notes-de-frais/a-valider',
        });
      }
    }
    return items;
  },
});

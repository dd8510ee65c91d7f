// The ledger module's door for other modules' tests: the services that must refuse an
// organisation without the ERP, called with made-up arguments (src/app/erp-refusal.test.ts); a
// salary request and an absence made through the real services.
import { tmpdir } from 'node:os';
import type { Actor } from '../../core/actor.ts';
import type { Tx } from '../../core/db/tenant.ts';
import type { ErpRefusalCase } from '../../core/testing-authz.ts';
import { postInternalInvoice, postRevenueSplit } from './analytic-transfers.ts';
import { contributionBasis, listOverrides, ruleFor } from './contribution.service.ts';
import { fecFileName, writeFec } from './fec.ts';
import { ledgerImpactFigures } from './impact-figures.ts';
import { closedMonths, letterIfBalanced, postBankLine, postEntry } from './posting.service.ts';
import {
  postExpenseReimbursement,
  postExpenseReport,
  postSupplierInvoice,
  postSupplierPayment,
} from './purchase-postings.ts';
import { ledgerFigures, ledgerFiguresByMonth } from './reports.ts';
import { absenceDaysByPerson } from './salary/absence.service.ts';
import {
  getSalaryRequest,
  listSalaryRequests,
  nextMonth,
  requestSalary,
  salaryEnvelope,
} from './salary/salary-request.service.ts';
import { postInvoice, postPayment } from './sales-postings.ts';
import { cooperativeRule } from './screens.service.ts';

const NO_ID = '00000000-0000-4000-8000-000000000000';
const P = {} as never;
export const ledgerErpCases: ErpRefusalCase[] = [
  { name: 'ledgerImpactFigures', run: (t, a) => ledgerImpactFigures(t as never, a, 2025) },
  { name: 'listSalaryRequests', run: (t, a) => listSalaryRequests(t as never, a) },
  { name: 'getSalaryRequest', run: (t, a) => getSalaryRequest(t as never, a, NO_ID) },
  { name: 'salaryEnvelope', run: (t, a) => salaryEnvelope(t as never, a, NO_ID) },
  { name: 'absenceDaysByPerson', run: (t, a) => absenceDaysByPerson(t as never, a, '2025-01') },
  { name: 'listOverrides', run: (t, a) => listOverrides(t as never, a) },
  { name: 'ruleFor', run: (t, a) => ruleFor(t as never, a, NO_ID, '2025-01') },
  { name: 'contributionBasis', run: (t, a) => contributionBasis(t as never, a, 'A1', '2025-01') },
  { name: 'cooperativeRule', run: (t, a) => cooperativeRule(t as never, a) },
  { name: 'fecFileName', run: (t, a) => fecFileName(t as never, a, 2025) },
  { name: 'writeFec', run: (t, a) => writeFec(t as never, a, 2025, tmpdir()) },
  { name: 'postEntry', run: (t, a) => postEntry(t as never, a, P) },
  { name: 'closedMonths', run: (t, a) => closedMonths(t as never, a) },
  { name: 'letterIfBalanced', run: (t, a) => letterIfBalanced(t as never, a, '411', NO_ID, ['X'], '2025-01-01') },
  { name: 'postBankLine', run: (t, a) => postBankLine(t as never, a, P) },
  { name: 'postInvoice', run: (t, a) => postInvoice(t as never, a, P) },
  { name: 'postPayment', run: (t, a) => postPayment(t as never, a, P) },
  { name: 'postSupplierInvoice', run: (t, a) => postSupplierInvoice(t as never, a, P) },
  { name: 'postSupplierPayment', run: (t, a) => postSupplierPayment(t as never, a, P) },
  { name: 'postExpenseReport', run: (t, a) => postExpenseReport(t as never, a, P) },
  { name: 'postExpenseReimbursement', run: (t, a) => postExpenseReimbursement(t as never, a, P) },
  {
    name: 'ledgerFiguresByMonth',
    run: (t, a) => ledgerFiguresByMonth(t as never, a, 'A1', '2025-01-01', '2025-12-31'),
  },
  { name: 'ledgerFigures', run: (t, a) => ledgerFigures(t as never, a, 'A1', '2025-01-01', '2025-12-31') },
  { name: 'postRevenueSplit', run: (t, a) => postRevenueSplit(t as never, a, { leadCode: 'A1' } as never) },
  { name: 'postInternalInvoice', run: (t, a) => postInternalInvoice(t as never, a, { buyerCode: 'A1' } as never) },
];

/** A salary request of `actor` on their activity for next month, made through the real service:
 *  an employer cost of at most 2 000 € that fits the activity's envelope. */
export async function salaryRequestForTest(trx: Tx, actor: Actor, activityId: string) {
  const env = await salaryEnvelope(trx, actor, activityId);
  const amountCents = Math.min(200_000, env.envelopeCents);
  if (amountCents < 50_000) throw new Error(`the activity's envelope is too small for a salary (${env.envelopeCents})`);
  return requestSalary(trx, actor, { activityId, month: nextMonth(), basis: 'employer_cost', amountCents });
}

/** An absence recorded by `actor` (support, accountant or director) through the real service. */
export { recordAbsence as recordAbsenceForTest } from './salary/absence.service.ts';

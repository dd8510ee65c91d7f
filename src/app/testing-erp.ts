// The ERP services that must refuse an organisation without the ERP on their own, whatever its
// roles, gathered from each ERP module's testing door (src/app/erp-refusal.test.ts). A service
// that checks plain roles or leaves its check to its caller belongs here: add it to its module's
// table.
import type { ErpRefusalCase } from '../core/testing-authz.ts';
import { bankErpCases } from '../modules/bank/testing.ts';
import { einvoicingErpCases } from '../modules/einvoicing/testing.ts';
import { ledgerErpCases } from '../modules/ledger/testing.ts';
import { purchasesErpCases } from '../modules/purchases/testing.ts';
import { salesErpCases } from '../modules/sales/testing.ts';

export const ERP_REFUSAL_CASES: Record<string, ErpRefusalCase[]> = {
  sales: salesErpCases,
  purchases: purchasesErpCases,
  bank: bankErpCases,
  ledger: ledgerErpCases,
  einvoicing: einvoicingErpCases,
};

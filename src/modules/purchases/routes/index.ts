// Purchases pages, one file per business area: suppliers, supplier invoices (upload → pre-filled
// form → approval → payment), expense sheets (entrepreneur's month with receipt photos; support's
// batch validation and reimbursements) and mileage allowances (vehicles, trips, the year's scale).
// Static addresses are mounted before the ones they would otherwise match
// (`/factures-fournisseurs/nouvelle` before `/factures-fournisseurs/:id`).
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { requireActor } from '../../../web/middleware.ts';
import { supplierRoutes } from './suppliers.tsx';
import { supplierInvoiceEntryRoutes } from './supplier-invoice-entry.tsx';
import { supplierInvoiceRoutes } from './supplier-invoices.tsx';
import { expenseRoutes } from './expenses.tsx';
import { expenseValidationRoutes } from './expense-validation.tsx';
import { mileageRoutes } from './mileage.tsx';

export const purchasesRoutes = new Hono<AppEnv>();
for (const p of [
  '/fournisseurs',
  '/fournisseurs/*',
  '/factures-fournisseurs',
  '/factures-fournisseurs/*',
  '/notes-de-frais',
  '/notes-de-frais/*',
  '/indemnites-kilometriques',
  '/indemnites-kilometriques/*',
])
  purchasesRoutes.use(p, requireActor);

for (const r of [
  supplierRoutes,
  supplierInvoiceEntryRoutes,
  supplierInvoiceRoutes,
  expenseRoutes,
  expenseValidationRoutes,
  mileageRoutes,
])
  purchasesRoutes.route('/', r);

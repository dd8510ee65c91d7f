// CLI: `invoice list|pdf|xml` (contract in shared/design/CLI.md).
import { writeFileSync } from 'node:fs';
import { type Command, out, requireOpt, csvLine, UsageError } from '../../core/cli.ts';
import { cooperativeOrFail } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Db } from '../../core/db/handles.ts';
import { systemActor } from '../../core/actor.ts';
import { centsToDecimal } from '../../core/money.ts';
import { INVOICE_STATUSES, type InvoiceStatus } from './types.ts';
import { listInvoices, findInvoiceByNumber, loadInvoiceDocument } from './invoice.service.ts';
import * as facturx from './facturx/index.ts';

async function documentOf(odb: { db: Db }, slug: string, number: string) {
  const coop = await cooperativeOrFail(odb, slug);
  const actor = systemActor(coop.id, 'CLI');
  return withTenant(odb.db, coop.id, async (trx) => {
    const inv = await findInvoiceByNumber(trx, actor, number);
    if (!inv) throw new UsageError(`facture inconnue : ${number} dans ${slug}`);
    return loadInvoiceDocument(trx, actor, inv.id);
  });
}

export const salesCommands: Command[] = [
  {
    name: 'invoice list',
    summary: "liste les factures d'une coopérative (csv ou json)",
    usage: 'invoice list --cooperative SLUG [--status S] [--format csv|json]',
    options: { cooperative: { type: 'string' }, status: { type: 'string' }, format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw new UsageError('--format doit valoir csv ou json');
      const status = values.status as string | undefined;
      if (status && status !== 'issued' && !INVOICE_STATUSES.includes(status as InvoiceStatus))
        throw new UsageError(`statut inconnu : ${status} (${[...INVOICE_STATUSES, 'issued'].join(', ')})`);
      const coop = await cooperativeOrFail(odb!, slug);
      const actor = systemActor(coop.id, 'CLI');
      const res = await withTenant(odb!.db, coop.id, (trx) =>
        listInvoices(trx, actor, { status: status as InvoiceStatus | 'issued', pageSize: 10000 }),
      );
      const items = [...res.items].reverse();
      if (format === 'json') {
        out(
          JSON.stringify(
            items.map((i) => ({
              number: i.number,
              date: i.issueDate,
              dueDate: i.dueDate,
              type: i.typeCode,
              customer: i.customerName,
              total_excl_vat: centsToDecimal(i.totalExclCents),
              total_incl_vat: centsToDecimal(i.totalInclCents),
              paid: centsToDecimal(i.paidCents),
              status: i.displayStatus,
            })),
            null,
            2,
          ),
        );
        return;
      }
      out('number,date,customer,total_excl_vat,total_incl_vat,status');
      for (const i of items)
        out(
          csvLine([
            i.number ?? '',
            i.issueDate,
            i.customerName,
            centsToDecimal(i.totalExclCents),
            centsToDecimal(i.totalInclCents),
            i.displayStatus,
          ]),
        );
    },
  },
  {
    name: 'invoice pdf',
    summary: "écrit le PDF Factur-X d'une facture validée",
    usage: 'invoice pdf --cooperative SLUG --number N --out FILE',
    options: { cooperative: { type: 'string' }, number: { type: 'string' }, out: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const file = requireOpt(values, 'out');
      const doc = await documentOf(odb!, requireOpt(values, 'cooperative'), requireOpt(values, 'number'));
      writeFileSync(file, await facturx.renderInvoicePdf(doc));
      out(`${file} écrit (facture ${doc.number}).`);
    },
  },
  {
    name: 'invoice xml',
    summary: 'écrit la facture structurée seule (CII ou UBL)',
    usage: 'invoice xml --cooperative SLUG --number N --format cii|ubl --out FILE',
    options: {
      cooperative: { type: 'string' },
      number: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb }) {
      const format = requireOpt(values, 'format');
      if (format !== 'cii' && format !== 'ubl') throw new UsageError('--format doit valoir cii ou ubl');
      const file = requireOpt(values, 'out');
      const doc = await documentOf(odb!, requireOpt(values, 'cooperative'), requireOpt(values, 'number'));
      writeFileSync(file, format === 'cii' ? facturx.buildCii(doc) : facturx.buildUbl(doc), 'utf8');
      out(`${file} écrit (facture ${doc.number}, ${format.toUpperCase()}).`);
    },
  },
];

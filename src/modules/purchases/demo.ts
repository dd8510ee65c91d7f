// Demo purchases: per cooperative a few suppliers, supplier invoices in every state (one read from
// a CII e-invoice in the first cooperative), last month's expense sheets with PDF receipts
// (one with anomalies left for support), a car and trips, through the services so the ledger posts.
// Small and deterministic (ctx.rng, ctx.today).
import PDFDocument from 'pdfkit';
import type { DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { addDays, earlierDate } from '../../core/dates.ts';
import { makeIban, makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import type { Actor } from '../../core/actor.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { createSupplier } from './supplier.service.ts';
import { createSupplierInvoice, approveSupplierInvoice, markSupplierInvoicePaid } from './supplier-invoice.service.ts';
import {
  addExpenseLine,
  myReport,
  submitExpenseReport,
  validateExpenseReports,
  markExpenseReportReimbursed,
  addVehicle,
  addMileageTrip,
  vatIncluded,
} from './expense.service.ts';
import { categoryOf } from './categories.ts';
import { readIncomingDocument } from './incoming.ts';
import { storeFile } from '../../core/files.ts';
import { buildCii, makeSampleInvoiceDocument as makeDocument, sampleFrenchBuyer as frBuyer } from '../sales/index.ts';
import { purchasesDb } from './db.ts';

const SUPPLIERS = [
  { name: 'Imprimerie du Confluent', account: '604', what: 'Impression de plaquettes', rate: 2000 },
  { name: 'Bureau Plus Fournitures', account: '6064', what: 'Fournitures de bureau', rate: 2000 },
  { name: 'Hébergeur Nuage Libre', account: '6135', what: 'Hébergement du site (12 mois)', rate: 2000 },
  { name: 'Librairie Papiers', account: '606', what: 'Ouvrages professionnels', rate: 550 },
];
const EXPENSES: [string, string, number][] = [
  ['meals', 'Déjeuner avec un client', 2_450],
  ['travel', 'Billet de train aller-retour', 6_880],
  ['parking', 'Parking centre-ville', 1_200],
  ['supplies', "Cartouches d'encre", 3_990],
  ['software', 'Abonnement logiciel de dessin', 2_399],
  ['lodging', "Nuit d'hôtel (salon professionnel)", 8_900],
];

/** A small receipt as a PDF (its text layer is what the receipt reader suggests from). */
function receiptPdf(shop: string, date: string, totalCents: number, vatCents: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({
      size: [226, 300],
      margin: 16,
      info: { CreationDate: new Date(`${date}T12:00:00Z`) },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    const eur = (c: number) => `${Math.trunc(c / 100)},${String(c % 100).padStart(2, '0')}`;
    doc.font('Helvetica-Bold').fontSize(12).text(shop);
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(`Le ${date.split('-').reverse().join('/')}`)
      .moveDown();
    doc
      .fontSize(11)
      .text(`TOTAL TTC  ${eur(totalCents)} EUR`)
      .fontSize(9)
      .text(`dont TVA  ${eur(vatCents)}`)
      .text('Merci de votre visite');
    doc.end();
  });
}

export const purchasesDemoSeeder: DemoSeeder = {
  name: 'purchases',
  async seed(ctx) {
    const { rng, today } = ctx;
    const key = ctx.fileKey;
    const lastMonthEnd = addDays(`${today.slice(0, 7)}-01`, -1);
    const lastMonth = lastMonthEnd.slice(0, 7);
    let invoices = 0;
    let sheets = 0;
    for (const [ci, dc] of ctx.coops.entries()) {
      const coopId = dc.coop.id as CooperativeId;
      const support: Actor = {
        userId: dc.staff.support.userId as UserId,
        cooperativeId: coopId,
        roles: ['support'],
        label: dc.staff.support.name,
      };
      const accountant: Actor = {
        userId: dc.staff.accountant.userId as UserId,
        cooperativeId: coopId,
        roles: ['accountant'],
        label: dc.staff.accountant.name,
      };
      const ents = dc.entrepreneurs.filter((e) => e.activityId).slice(0, 4);
      const as = (p: (typeof ents)[number]): Actor => ({
        userId: p.userId as UserId,
        cooperativeId: coopId,
        roles: [p.role],
        label: p.name,
      });

      await withTenant(ctx.odb.db, coopId, async (trx) => {
        // Suppliers and their invoices: to approve, approved, paid.
        for (const [si, s] of SUPPLIERS.entries()) {
          const siren = makeSiren(`7${ci}${String(300000 + si * 4271).slice(-6)}`);
          const sup = await createSupplier(trx, support, {
            name: s.name,
            siren,
            vatNumber: frenchVatFromSiren(siren),
            iban: makeIban(
              'FR',
              `3000400003${String(10000000000 + ci * 1000 + si).slice(-11)}${String(10 + si).slice(-2)}`,
            ),
            bic: 'BNPAFRPPXXX',
            addressLine1: `${si + 3} rue du Commerce`,
            postalCode: dc.coop.postalCode,
            city: dc.coop.city,
          });
          const owner = ents[si % ents.length];
          const excl = rng.int(40, 900) * 100 + rng.int(0, 99);
          const date = addDays(lastMonthEnd, -rng.int(0, 25));
          const split =
            si === 0 && ents.length > 1
              ? [
                  { activityId: owner.activityId!, exclCents: excl - Math.floor(excl / 2) },
                  { activityId: ents[(si + 1) % ents.length].activityId!, exclCents: Math.floor(excl / 2) },
                ]
              : [{ activityId: owner.activityId!, exclCents: excl }];
          const inv = await createSupplierInvoice(trx, si === 0 ? support : as(owner), {
            supplierId: sup.id,
            supplierNumber: `F${today.slice(0, 4)}-${1000 + ci * 100 + si}`,
            issueDate: date,
            dueDate: addDays(date, 30),
            account: s.account,
            lines: [{ description: s.what, vatRateBp: s.rate, exclCents: excl }],
            splits: split,
            submit: true,
          });
          invoices++;
          if (si >= 1) await approveSupplierInvoice(trx, support, inv.id);
          if (si >= 2) await markSupplierInvoicePaid(trx, accountant, inv.id, earlierDate(addDays(date, 10), today));
        }
      });

      // The first cooperative received one supplier invoice as an e-invoice (CII XML, the Factur-X
      // payload; a PDF would cost a second of font subsetting): read, then recorded with every field.
      if (ci === 0 && ents.length) {
        const xml = buildCii(
          makeDocument({
            number: `FX-${today.slice(0, 4)}-0042`,
            issueDate: addDays(lastMonthEnd, -3),
            buyer: { ...frBuyer, name: dc.coop.name },
            lines: [
              {
                description: 'Atelier photo produits',
                quantityMilli: 4_000,
                unitPriceCents: 9_000,
                vatCategory: 'S',
                vatRateBp: 2000,
              },
            ],
          }),
        );
        const content = Buffer.from(xml);
        const parsed = await readIncomingDocument(content, 'text/xml');
        await withTenant(ctx.odb.db, coopId, async (trx) => {
          const file = await storeFile(trx, key, {
            cooperativeId: coopId,
            name: 'facture-electronique.xml',
            purpose: 'supplier-invoice',
            content,
            createdBy: ents[0].userId,
          });
          const sup = await createSupplier(trx, as(ents[0]), {
            name: parsed.seller.name!,
            siren: parsed.seller.siren,
            vatNumber: parsed.seller.vatNumber,
            iban: parsed.seller.iban,
            bic: parsed.seller.bic,
            addressLine1: parsed.seller.addressLine1,
            postalCode: parsed.seller.postalCode,
            city: parsed.seller.city,
          });
          await createSupplierInvoice(trx, as(ents[0]), {
            supplierId: sup.id,
            supplierNumber: parsed.number!,
            issueDate: parsed.issueDate!,
            dueDate: parsed.dueDate,
            account: '604',
            fileId: file.id,
            source: 'xml',
            lines: parsed.vat.map((v) => ({
              description: 'Atelier photo produits',
              vatRateBp: v.rateBp,
              exclCents: v.baseCents,
              vatCents: v.vatCents,
            })),
            splits: [{ activityId: ents[0].activityId!, exclCents: parsed.totalExclCents! }],
            submit: true,
            expectedTotalInclCents: parsed.totalInclCents,
          });
          invoices++;
        });
      }

      // Last month's expense sheets: clean ones validated (one reimbursed), one with anomalies waiting for support.
      for (const [ei, p] of ents.slice(0, 3).entries()) {
        const me = as(p);
        await withTenant(ctx.odb.db, coopId, async (trx) => {
          for (let k = 0; k < 3; k++) {
            const [cat, desc, amount] = EXPENSES[(ei * 2 + k) % EXPENSES.length];
            const date = addDays(lastMonthEnd, -rng.int(1, 25));
            const vat = vatIncluded(amount, categoryOf(cat)!.defaultVatBp);
            const withReceipt = !(ei === 2 && k === 0);
            const receipt = withReceipt
              ? {
                  name: `ticket-${k + 1}.pdf`,
                  mimeType: 'application/pdf',
                  content: await receiptPdf(
                    `${desc.split(' ')[0].toUpperCase()} — ${dc.coop.city} — ${p.name}`,
                    date,
                    amount,
                    vat,
                  ),
                }
              : null;
            await addExpenseLine(trx, me, key, {
              date,
              category: cat,
              description: desc,
              activityId: p.activityId!,
              amountInclCents: ei === 2 && k === 1 ? amount * 4 : amount,
              vatCents: ei === 2 && k === 1 ? vat * 4 : vat,
              receipt,
            });
          }
          if (ei === 0) {
            const car = await addVehicle(trx, me, { label: 'Voiture personnelle', fiscalHp: 5 });
            await addMileageTrip(trx, me, {
              date: addDays(lastMonthEnd, -12),
              vehicleId: car.id,
              activityId: p.activityId!,
              description: `${dc.coop.city} → rendez-vous client (aller-retour)`,
              distanceKm: 84 + ci * 10,
            });
            await addMileageTrip(trx, me, {
              date: addDays(lastMonthEnd, -5),
              vehicleId: car.id,
              activityId: p.activityId!,
              description: 'Salon professionnel (aller-retour)',
              distanceKm: 212,
            });
          }
          const sheet = await myReport(trx, me, lastMonth);
          await submitExpenseReport(trx, me, sheet.id);
          sheets++;
        });
      }
      await withTenant(ctx.odb.db, coopId, async (trx) => {
        const ids = (
          await purchasesDb(trx)
            .selectFrom('expense_report')
            .select('id')
            .where('cooperative_id', '=', coopId)
            .where('status', '=', 'submitted')
            .orderBy('id')
            .execute()
        ).map((r) => r.id);
        const done = await validateExpenseReports(trx, support, ids, { onlyClean: true, date: lastMonthEnd });
        if (done[0]) await markExpenseReportReimbursed(trx, accountant, done[0], today);
      });
      // This month: a draft sheet in progress for the demo entrepreneur.
      if (ents[0])
        await withTenant(ctx.odb.db, coopId, async (trx) => {
          await addExpenseLine(trx, as(ents[0]), key, {
            date: today,
            category: 'meals',
            description: 'Repas pendant une formation',
            activityId: ents[0].activityId!,
            amountInclCents: 1_690,
            receipt: {
              name: 'ticket-repas.pdf',
              mimeType: 'application/pdf',
              content: await receiptPdf(`CANTINE — ${dc.coop.city}`, today, 1_690, vatIncluded(1_690, 1000)),
            },
          });
        });
    }
    ctx.log(`achats : ${invoices} factures fournisseurs, ${sheets} notes de frais`);
  },
};

// Demo bank statements: for each cooperative, a CAMT.053 statement built from the payments the
// sales demo recorded (clean and terse labels, a few grouped transfers), one partial transfer on
// an overdue invoice (recorded and posted by the matching), monthly bank fees and some noise,
// imported through importStatement so matching runs. Deterministic (ctx.rng).
import type { DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { addDays, toIsoDate, addMonths, earlierDate, laterDate } from '../../core/dates.ts';
import type { Actor } from '../../core/actor.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { ensureMainAccount, importStatement } from './bank.service.ts';
import { writeCamt053, type CamtEntry } from './camt-writer.ts';
import { oldestUnpaidInvoice, receivedPayments } from '../sales/index.ts';

const strip = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();

export const bankDemoSeeder: DemoSeeder = {
  name: 'bank',
  async seed(ctx) {
    const { rng, today } = ctx;
    let lines = 0;
    let matched = 0;
    for (const [ci, dc] of ctx.coops.entries()) {
      const coopId = dc.coop.id as CooperativeId;
      if (!dc.coop.iban) continue;
      const accountant: Actor = {
        userId: dc.staff.accountant.userId as UserId,
        cooperativeId: coopId,
        roles: ['accountant'],
        label: dc.staff.accountant.name,
      };
      await withTenant(ctx.odb.db, coopId, async (trx) => {
        const account = (await ensureMainAccount(trx, accountant))!;
        const pays = (await receivedPayments(trx, coopId)).map((p) => ({
          id: p.id,
          date: p.date,
          amount_cents: p.amountCents,
          number: p.invoiceNumber,
          total_incl_cents: p.invoiceTotalInclCents,
          customer_id: p.customerId,
          name: p.customerName,
        }));
        const entries: CamtEntry[] = [];
        let ref = 0;
        const bankRef = () => `DEMO${ci}-${String(++ref).padStart(5, '0')}`;
        const used = new Set<string>();
        // A few grouped transfers: two payments of the same customer within 20 days.
        for (let i = 0; i < pays.length && entries.length < 3; i++) {
          const a = pays[i];
          const b = pays.find(
            (p) =>
              p.id !== a.id &&
              !used.has(p.id) &&
              !used.has(a.id) &&
              p.customer_id === a.customer_id &&
              Math.abs(Date.parse(toIsoDate(p.date)) - Date.parse(toIsoDate(a.date))) <= 20 * 86400000,
          );
          if (!b) continue;
          used.add(a.id);
          used.add(b.id);
          const date = laterDate(toIsoDate(a.date), toIsoDate(b.date));
          entries.push({
            amountCents: Number(a.amount_cents) + Number(b.amount_cents),
            bookingDate: date,
            label: `VIR SEPA ${strip(a.name)} FACTURES ${a.number} ${b.number}`,
            counterpartyName: strip(a.name),
            bankRef: bankRef(),
          });
        }
        for (const p of pays) {
          if (used.has(p.id)) continue;
          const date = addDays(toIsoDate(p.date), rng.int(0, 2));
          const partial = Number(p.amount_cents) < Number(p.total_incl_cents);
          const r = rng.next();
          const label = partial
            ? `VIR ${strip(p.name)} ACOMPTE FACTURE ${p.number}`
            : r < 0.6
              ? `VIR SEPA ${strip(p.name)} ${rng.pick(['FACT', 'FACTURE', 'REGLEMENT'])} ${p.number}`
              : r < 0.85
                ? `VIR ${strip(p.name).slice(0, 18)}`
                : rng.pick(['VIREMENT RECU', 'VIR INST RECU']);
          entries.push({
            amountCents: Number(p.amount_cents),
            bookingDate: earlierDate(date, today),
            label,
            counterpartyName: r < 0.85 ? strip(p.name) : null,
            endToEndId: r < 0.3 ? `E2E-${p.number}` : null,
            bankRef: bankRef(),
          });
        }
        // A partial transfer on the oldest open invoice: matching records and posts it.
        const unpaid = await oldestUnpaidInvoice(trx, coopId);
        const open = unpaid && {
          number: unpaid.number,
          total_incl_cents: unpaid.totalInclCents,
          name: unpaid.customerName,
        };
        if (open)
          entries.push({
            amountCents: Math.floor(Number(open.total_incl_cents) * 0.3),
            bookingDate: addDays(today, -2),
            label: `VIR ${strip(open.name)} ACOMPTE ${open.number}`,
            counterpartyName: strip(open.name),
            bankRef: bankRef(),
          });
        // Monthly fees and noise: they stay "à justifier".
        for (let m = 11; m >= 0; m--)
          entries.push({
            amountCents: -1290,
            bookingDate: `${addMonths(today, -m).slice(0, 8)}05`,
            label: 'FRAIS TENUE DE COMPTE',
            bankRef: bankRef(),
          });
        entries.push({
          amountCents: -4590,
          bookingDate: addDays(today, -40),
          label: 'CB PAPETERIE DU CENTRE',
          bankRef: bankRef(),
        });
        entries.push({
          amountCents: 25000,
          bookingDate: addDays(today, -25),
          label: 'REMISE CHEQUES 0042',
          bankRef: bankRef(),
        });
        entries.push({
          amountCents: -120000,
          bookingDate: addDays(today, -15),
          label: 'VIR URSSAF COTISATIONS',
          counterpartyName: 'URSSAF',
          bankRef: bankRef(),
        });
        entries.sort((a, b) =>
          a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : a.bankRef < b.bankRef ? -1 : 1,
        );
        const xml = writeCamt053({
          messageId: `DEMO-${dc.coop.slug}-${today}`.slice(0, 35),
          iban: account.iban,
          createdAt: `${today}T07:00:00`,
          entries,
        });
        const r = await importStatement(trx, accountant, {
          accountId: account.id,
          bytes: Buffer.from(xml),
          fileName: `releve-${dc.coop.slug}.xml`,
        });
        lines += r.imported;
        matched += r.matched;
      });
    }
    ctx.log(`banque : ${lines} lignes importées, ${matched} rapprochées automatiquement`);
  },
};

// Demo sales: ~8 customers per cooperative and twelve months of invoices in every state, created
// through the services (withTenant) so the ledger receives the events. Deterministic (ctx.rng).
import type { DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { addDays, addMonths, earlierDate } from '../../core/dates.ts';
import { makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import type { Actor } from '../../core/actor.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { createCustomer } from './customer.service.ts';
import {
  createDraft,
  submitInvoice,
  validateInvoice,
  recordPayment,
  markSent,
  createCreditNote,
} from './invoice.service.ts';
import { createCatalogueItem } from './catalogue.service.ts';
import {
  createQuote,
  sendQuote,
  acceptQuoteByToken,
  refuseQuote,
  expireQuotes,
  invoiceFromQuote,
  type QuoteInput,
} from './quote.service.ts';
import { salesDb } from './db.ts';

const COMPANIES = [
  'Boulangerie Lumière',
  'Mairie de Saint-Clair',
  'Atelier des Pentes',
  'Librairie Le Passage',
  'Association Vélo Cité',
  'Hôtel du Parc',
  'Studio Ondine',
  'Cabinet Morel Conseil',
  'Garage Central',
  'Crèche Les Petits Pas',
];
const PEOPLE = ['Jeanne Martin', 'Paul Girard', 'Sofia Benali', 'Marc Lefèvre'];
const SERVICES = [
  'Prestation de conseil',
  'Atelier collectif',
  'Création graphique',
  'Intervention sur site',
  'Rédaction de contenus',
  'Accompagnement mensuel',
  'Réalisation sur mesure',
  'Journée de formation',
];

export const salesDemoSeeder: DemoSeeder = {
  name: 'sales',
  async seed(ctx) {
    const { rng, today } = ctx;
    let total = 0;
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
      const customerIds = await withTenant(ctx.odb.db, coopId, async (trx) => {
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) {
          const individual = i >= 6;
          const siren = makeSiren(`4${ci}${String(1000000 + i * 7919).slice(-6)}`);
          const c = await createCustomer(
            trx,
            support,
            individual
              ? {
                  kind: 'individual',
                  name: PEOPLE[(i + ci) % PEOPLE.length],
                  email: `${PEOPLE[(i + ci) % PEOPLE.length]
                    .normalize('NFD')
                    .replace(/[\u0300-\u036f]/g, '')
                    .toLowerCase()
                    .replace(/ /g, '.')}@exemple.fr`,
                  addressLine1: `${i + 2} rue des Écoles`,
                  postalCode: dc.coop.postalCode,
                  city: dc.coop.city,
                  countryCode: 'FR',
                }
              : {
                  kind: 'company',
                  name: COMPANIES[(i + ci * 3) % COMPANIES.length],
                  siren,
                  vatNumber: frenchVatFromSiren(siren),
                  addressLine1: `${10 + i} avenue de la Gare`,
                  postalCode: dc.coop.postalCode,
                  city: dc.coop.city,
                  countryCode: 'FR',
                  paymentTermsDays: rng.pick([30, 30, 45, 60]),
                },
          );
          ids.push(c.id);
        }
        return ids;
      });
      // Specs first, then created in date order so each series stays chronological.
      const specs: { date: string; ent: (typeof dc.entrepreneurs)[number]; lines: number }[] = [];
      for (const ent of dc.entrepreneurs.slice(0, 12)) {
        for (let m = 11; m >= 0; m--) {
          if (!rng.chance(0.85)) continue;
          const date = addDays(addMonths(today, -m), -rng.int(0, 20));
          specs.push({ date: earlierDate(date, today), ent, lines: rng.int(1, 3) });
        }
      }
      specs.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
      let credits = 0;
      for (const s of specs) {
        const ent: Actor = {
          userId: s.ent.userId as UserId,
          cooperativeId: coopId,
          roles: [s.ent.role],
          label: s.ent.name,
        };
        const age = Math.round((Date.parse(today) - Date.parse(s.date)) / 86400000);
        await withTenant(ctx.odb.db, coopId, async (trx) => {
          const d = await createDraft(trx, ent, {
            activityId: s.ent.activityId!,
            customerId: rng.pick(customerIds),
            issueDate: s.date,
            dueDate: addDays(s.date, 30),
            lines: Array.from({ length: s.lines }, () => ({
              description: rng.pick(SERVICES),
              quantityMilli: rng.int(1, 8) * 500,
              unitPriceCents: rng.int(4, 60) * 1000,
              vatCategory: 'S' as const,
              vatRateBp: 2000,
              nature: 'services' as const,
            })),
          });
          if (age < 10 && rng.chance(0.4)) return; // draft
          await submitInvoice(trx, ent, d.id);
          if (age < 10 && rng.chance(0.5)) return; // waiting for validation
          const v = await validateInvoice(trx, support, d.id, { today: s.date });
          if (rng.chance(0.7)) await markSent(trx, support, v.id);
          const payDate = addDays(s.date, rng.int(5, 40));
          if (payDate >= today) return;
          const r = rng.next();
          if (r < 0.65)
            await recordPayment(trx, accountant, v.id, {
              amountCents: v.totalInclCents,
              date: payDate,
              method: 'virement',
              reference: `VIR ${v.number}`,
            });
          else if (r < 0.8)
            await recordPayment(trx, accountant, v.id, {
              amountCents: Math.floor(v.totalInclCents / 2),
              date: payDate,
              method: 'virement',
              reference: `VIR ${v.number}`,
            });
          else if (r < 0.86 && credits < 2 && age > 30) {
            credits++;
            const cn = await createCreditNote(trx, support, v.id, {
              reason: `Annulation de la facture ${v.number} (prestation reportée)`,
            });
            await validateInvoice(trx, support, cn.id, {
              today: earlierDate(addDays(s.date, 3), today),
            });
          } // else left unpaid: overdue once past due
        });
        total++;
      }
    }
    const quotes = await seedQuotes(ctx);
    ctx.log(`ventes : ${total} factures, ${quotes} devis`);
  },
};

const CATALOGUE: { name: string; unitCode: string; priceCents: number; nature: 'goods' | 'services' }[] = [
  { name: "Journée d'intervention", unitCode: 'DAY', priceCents: 45000, nature: 'services' },
  { name: 'Heure de conseil', unitCode: 'HUR', priceCents: 7000, nature: 'services' },
  { name: 'Forfait déplacement', unitCode: 'LS', priceCents: 3500, nature: 'services' },
  { name: 'Fournitures', unitCode: 'C62', priceCents: 1200, nature: 'goods' },
];

/** Catalogue items, quotes in every state and deposit → balance chains, through the services. */
async function seedQuotes(ctx: Parameters<DemoSeeder['seed']>[0]): Promise<number> {
  const { rng, today } = ctx;
  let n = 0;
  for (const dc of ctx.coops) {
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
    const ents = dc.entrepreneurs.filter((e) => e.activityId).slice(0, 3);
    for (const [ei, e] of ents.entries()) {
      const ent: Actor = { userId: e.userId as UserId, cooperativeId: coopId, roles: [e.role], label: e.name };
      const customers = await withTenant(ctx.odb.db, coopId, async (trx) => {
        for (const c of CATALOGUE.slice(0, 3))
          await createCatalogueItem(trx, ent, {
            activityId: e.activityId!,
            name: c.name,
            unitCode: c.unitCode,
            unitPriceCents: c.priceCents,
            vatCategory: 'S',
            vatRateBp: 2000,
            nature: c.nature,
          });
        return (
          await salesDb(trx)
            .selectFrom('customer')
            .select(['id', 'kind'])
            .where('cooperative_id', '=', coopId)
            .where('email', 'is not', null)
            .orderBy('normalized_name')
            .execute()
        ).map((r) => r.id);
      });
      if (!customers.length) continue;
      const input = (daysAgo: number, validity: number): QuoteInput => ({
        activityId: e.activityId!,
        customerId: rng.pick(customers),
        issueDate: addDays(today, -daysAgo),
        validityDate: addDays(today, -daysAgo + validity),
        title: rng.pick(['Accompagnement annuel', 'Refonte du site', 'Atelier sur mesure', 'Aménagement intérieur']),
        terms: 'Acompte de 30 % à la commande, solde à la livraison.',
        discountCents: rng.chance(0.3) ? 5000 : 0,
        lines: [
          { kind: 'section', description: 'Étude' },
          {
            description: rng.pick(SERVICES),
            quantityMilli: rng.int(1, 4) * 1000,
            unitCode: 'DAY',
            unitPriceCents: rng.int(30, 60) * 1000,
            vatCategory: 'S',
            vatRateBp: 2000,
            nature: 'services',
          },
          { kind: 'section', description: 'Réalisation' },
          {
            description: rng.pick(SERVICES),
            quantityMilli: rng.int(2, 10) * 1000,
            unitCode: 'HUR',
            unitPriceCents: rng.int(50, 90) * 100,
            discountBp: rng.chance(0.5) ? 1000 : 0,
            vatCategory: 'S',
            vatRateBp: 2000,
            nature: 'services',
          },
        ],
      });
      const publicUrl = 'http://localhost:3000';
      // draft, sent, refused, expired
      await withTenant(ctx.odb.db, coopId, async (trx) => {
        await createQuote(trx, ent, input(2, 30));
        const sent = await createQuote(trx, ent, input(8, 30));
        await sendQuote(trx, ent, sent.id, { publicUrl });
        const refused = await createQuote(trx, ent, input(20, 30));
        await sendQuote(trx, ent, refused.id, { publicUrl });
        await refuseQuote(trx, ent, refused.id);
        const expired = await createQuote(trx, ent, input(50, 30));
        await sendQuote(trx, ent, expired.id, { publicUrl });
        await expireQuotes(trx, ent, today);
      });
      n += 4;
      // Accepted online, then deposit (validated, paid) and, for the first entrepreneur, the balance.
      const { link, quote } = await withTenant(ctx.odb.db, coopId, async (trx) => {
        const q = await createQuote(trx, ent, input(30, 60));
        return sendQuote(trx, ent, q.id, { publicUrl });
      });
      await acceptQuoteByToken(ctx.odb.db, link.split('/').pop()!, {
        name: `Client de ${e.name}`,
        agreed: true,
        ip: '192.0.2.10',
        userAgent: 'démo',
        today,
      });
      n++;
      await withTenant(ctx.odb.db, coopId, async (trx) => {
        const dep = await invoiceFromQuote(trx, ent, quote.id, { kind: 'deposit', percentBp: 3000, issueDate: today });
        await submitInvoice(trx, ent, dep.id);
        const v = await validateInvoice(trx, support, dep.id, { today });
        await markSent(trx, support, v.id);
        await recordPayment(trx, accountant, v.id, {
          amountCents: v.totalInclCents,
          date: today,
          method: 'virement',
          reference: `VIR ${v.number}`,
        });
        if (ei === 0) {
          const bal = await invoiceFromQuote(trx, ent, quote.id, { kind: 'balance', issueDate: today });
          await submitInvoice(trx, ent, bal.id);
          await validateInvoice(trx, support, bal.id, { today });
        }
      });
    }
  }
  return n;
}

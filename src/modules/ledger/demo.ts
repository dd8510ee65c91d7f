// Demo: the ledger seeder runs before sales (so sales events post into a ready chart); the
// after-sales seeder posts the monthly contributions of every finished month of the demo's twelve
// months, then closes the fiscal year before the current one: the demo's months span two fiscal
// years, so the closing, the opening entries (journal AN) of the current year, its FEC and the
// activity accounts' carry-over are all exercised on realistic data.
import type { DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { addMonths } from '../../core/dates.ts';
import { ensureChart } from './chart.ts';
import { postContributionsForMonth } from './contribution.service.ts';
import { fiscalYearContaining } from './reports.ts';
import { closeFiscalYear } from './year-end.service.ts';

export const ledgerDemoSeeder: DemoSeeder = {
  name: 'ledger',
  seed: async (ctx) => {
    for (const c of ctx.coops) await withTenant(ctx.odb.db, c.coop.id, (trx) => ensureChart(trx, c.coop.id));
  },
};

/** To run after the sales seeder: contributions for the twelve finished months before `today`. */
export const ledgerAfterSalesDemoSeeder: DemoSeeder = {
  name: 'ledger-contributions',
  seed: async (ctx) => {
    const thisMonth = `${ctx.today.slice(0, 7)}-01`;
    for (const c of ctx.coops) {
      const actor = systemActor(c.coop.id, 'Démonstration');
      for (let i = 12; i >= 1; i--) {
        const month = addMonths(thisMonth, -i).slice(0, 7);
        await withTenant(ctx.odb.db, c.coop.id, (trx) => postContributionsForMonth(trx, actor, month));
      }
      const r = await withTenant(ctx.odb.db, c.coop.id, async (trx) => {
        const previous = (await fiscalYearContaining(trx, c.coop.id, ctx.today)) - 1;
        return closeFiscalYear(trx, actor, previous, ctx.today);
      });
      ctx.log?.(`${c.coop.slug} : exercice ${r.year} clôturé (${r.lines} lignes d'à-nouveaux)`);
    }
  },
};

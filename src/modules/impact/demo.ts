// Demo: one WHO-5 wave per cooperative, answered by some of its entrepreneurs through their
// anonymous links (the last cooperative gets fewer than 5 answers: its results are suppressed).
import { systemActor } from '../../core/actor.ts';
import type { Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { DemoSeeder } from '../directory/index.ts';
import { answerSurvey, createSurvey } from './surveys.service.ts';

export const impactDemoSeeder: DemoSeeder = {
  name: 'impact',
  async seed(ctx) {
    const year = ctx.today.slice(0, 4);
    for (const [i, c] of ctx.coops.entries()) {
      const people = c.entrepreneurs.length + c.capes.length;
      const { tokens } = await withTenant(ctx.odb.db, c.coop.id, (tx) =>
        createSurvey(tx as unknown as Tx, systemActor(c.coop.id), {
          title: `Bien-être ${year}`,
          links: Math.max(people, 5),
        }),
      );
      const answers = i === ctx.coops.length - 1 ? 3 : Math.round(tokens.length * (0.55 - 0.15 * i));
      for (const t of tokens.slice(0, answers)) {
        const base = ctx.rng.int(1, 4);
        const items = [0, 1, 2, 3, 4].map(() => Math.min(5, Math.max(0, base + ctx.rng.int(-1, 1))));
        await answerSurvey(ctx.odb.db, t, items);
      }
    }
  },
};

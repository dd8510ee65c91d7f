// Demo: the inbox itself is computed from the other modules' demo data. Here: the history of
// notifications produced while loading twelve months counts as already digested, a few fresh
// ones wait for the next digest, and the accountants chose a daily digest. (Answers to one's
// campus questions are inbox items computed by the campus from its demo data, each a link to the
// answer — no free-text notification that would lead nowhere.)
import type { DemoSeeder } from '../directory/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { inboxDb } from './db.ts';
import { notify, setPreference } from './digest.ts';

export const inboxDemoSeeder: DemoSeeder = {
  name: 'inbox',
  async seed(ctx) {
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
      await withTenant(ctx.odb.db, coopId, async (trx) => {
        await inboxDb(trx)
          .updateTable('notification')
          .set({ digested_at: new Date() })
          .where('cooperative_id', '=', coopId)
          .where('digested_at', 'is', null)
          .execute();
        await setPreference(trx, accountant, 'daily');
        for (const p of dc.entrepreneurs.slice(0, 3)) {
          await notify(
            trx,
            support,
            p.userId,
            'journeys.note',
            `${dc.staff.support.name} a ajouté le compte rendu de votre dernier rendez-vous.`,
          );
        }
      });
    }
    ctx.log('inbox: notifications en attente du prochain résumé');
  },
};

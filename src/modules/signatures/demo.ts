// Demo: in each cooperative, support has prepared a CAPE for the first person in CAPE (waiting
// for their signature, in their inbox) and a CESA for the first entrepreneur, already signed and
// sealed (the cooperative's self-signed certificate is made then). The demo has no mailbox to
// read a code from: the signature goes through the step that follows a verified code.
import type { Actor, Role } from '../../core/actor.ts';
import type { Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import { addDays } from '../../core/dates.ts';
import type { DemoPerson, DemoSeeder } from '../directory/index.ts';
import { prepareSignature } from './requests.service.ts';
import { completeSignature, signerRow } from './signing.service.ts';

const actorOf = (coopId: string, p: DemoPerson, role: Role): Actor => ({
  userId: p.userId as UserId,
  cooperativeId: coopId as CooperativeId,
  roles: [role],
  label: p.name,
  ip: '192.0.2.10',
});

export const signaturesDemoSeeder: DemoSeeder = {
  name: 'signatures',
  async seed(ctx) {
    const links = { baseUrl: 'http://localhost:3000' };
    for (const c of ctx.coops) {
      const support = actorOf(c.coop.id, c.staff.support, 'support');
      const cape = c.capes.find((p) => p.activityId);
      const entrepreneur = c.entrepreneurs.find((p) => p.activityId);
      await withTenant(ctx.odb.db, c.coop.id, async (trx) => {
        const tx = trx as unknown as Tx;
        if (cape)
          await prepareSignature(
            tx,
            support,
            ctx.fileKey,
            {
              kind: 'cape',
              userId: cape.userId,
              activityId: cape.activityId,
              startDate: addDays(ctx.today, 7),
              endDate: addDays(ctx.today, 360),
            },
            links,
          );
        if (entrepreneur) {
          const r = await prepareSignature(
            tx,
            support,
            ctx.fileKey,
            {
              kind: 'cesa',
              userId: entrepreneur.userId,
              activityId: entrepreneur.activityId,
              startDate: ctx.today,
              amount: '1 750,00',
            },
            links,
          );
          const signer = actorOf(c.coop.id, entrepreneur, 'entrepreneur');
          const row = await signerRow(tx, signer, r.id);
          const now = new Date();
          await completeSignature(tx, signer, ctx.fileKey, row, { userAgent: 'Démo', otpVerifiedAt: now }, now);
        }
      });
    }
  },
};

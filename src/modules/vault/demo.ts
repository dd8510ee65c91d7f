// Demo: a few entrepreneurs of each cooperative find payslips and an attestation deposited by the
// staff, and a document of their own, in their coffre-fort (no timestamp authority: the demo
// works offline, and its pages say so).
import type { Actor } from '../../core/actor.ts';
import type { Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { CooperativeId, UserId } from '../../core/ids.ts';
import type { DemoPerson, DemoSeeder } from '../directory/index.ts';
import { depositDocument, uploadOwnDocument } from './archive.service.ts';

const pdf = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${text}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

const actorOf = (p: DemoPerson, cooperativeId: string): Actor => ({
  userId: p.userId as UserId,
  cooperativeId: cooperativeId as CooperativeId,
  roles: [p.role],
  label: p.name,
});

export const vaultDemoSeeder: DemoSeeder = {
  name: 'vault',
  async seed(ctx) {
    const [y, m] = ctx.today.split('-').map(Number) as [number, number];
    for (const c of ctx.coops) {
      const accountant = actorOf(c.staff.accountant, c.coop.id);
      const support = actorOf(c.staff.support, c.coop.id);
      for (const p of c.entrepreneurs.slice(0, 3)) {
        await withTenant(ctx.odb.db, c.coop.id, async (trx) => {
          const tx = trx as unknown as Tx;
          for (let k = 1; k <= 2; k++) {
            const d = new Date(Date.UTC(y, m - 1 - k + 1, 0)); // last day of the previous months
            const day = d.toISOString().slice(0, 10);
            const month = d.toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
            await depositDocument(tx, accountant, ctx.fileKey, {
              userId: p.userId,
              kind: 'payslip',
              title: `Bulletin de paie ${month}`,
              documentDate: day,
              name: `bulletin-${day.slice(0, 7)}.pdf`,
              content: pdf(`Bulletin de paie ${p.name} ${day}`),
            });
          }
          await depositDocument(tx, support, ctx.fileKey, {
            userId: p.userId,
            kind: 'attestation',
            title: 'Attestation employeur',
            documentDate: ctx.today,
            name: 'attestation-employeur.pdf',
            content: pdf(`Attestation employeur ${p.name}`),
          });
          await uploadOwnDocument(tx, actorOf(p, c.coop.id), ctx.fileKey, {
            title: 'Attestation de formation',
            documentDate: ctx.today,
            name: 'formation.pdf',
            content: pdf(`Formation ${p.name}`),
          });
        });
      }
    }
  },
};

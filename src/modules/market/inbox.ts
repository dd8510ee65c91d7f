// Confirmed quote requests waiting in the entrepreneur's "À faire" (and the support's, who may
// act for any activity). Read-only: computed from the requests table through the service.
import { can } from '../../core/authz.ts';
import { registerInboxProvider } from '../inbox/index.ts';
import { MARKET } from './permissions.ts';
import { listRequests } from './requests.service.ts';

registerInboxProvider({
  name: 'market',
  async items(trx, actor) {
    if (!can(actor, MARKET.requestRead) || !actor.userId) return [];
    // Staff see requests in the marketplace page; the inbox item is for the activity's runner.
    if (!actor.roles.includes('entrepreneur') && !actor.roles.includes('cape')) return [];
    const open = await listRequests(trx, actor, { status: 'open', ownOnly: true });
    return open.slice(0, 20).map((r) => ({
      key: `market.request:${r.id}`,
      kind: 'market.request',
      urgency: 'medium' as const,
      dueDate: null,
      title: `Demande de devis de ${r.name}`,
      why: r.message.length > 140 ? `${r.message.slice(0, 140)}…` : r.message,
      action: { label: 'Répondre par un devis', href: `/ma-vitrine/demandes/${r.id}` },
      link: `/ma-vitrine/demandes/${r.id}`,
    }));
  },
});

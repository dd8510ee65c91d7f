// Confirmed quote requests waiting in the entrepreneur's "À faire" (and the support's, who may
// act for any activity), and the customers' answers in a request's thread waiting for theirs.
// Read-only: computed from the requests and messages through the services.
import { can } from '../../core/authz.ts';
import { registerInboxProvider } from '../inbox/index.ts';
import { MARKET } from './permissions.ts';
import { listRequests } from './requests.service.ts';
import { answersWaiting } from './messages.service.ts';

registerInboxProvider({
  name: 'market',
  async items(trx, actor) {
    if (!can(actor, MARKET.requestRead) || !actor.userId) return [];
    // Staff see requests in the marketplace page; the inbox item is for the activity's runner.
    if (!actor.roles.includes('entrepreneur') && !actor.roles.includes('cape')) return [];
    const open = await listRequests(trx, actor, { status: 'open', ownOnly: true });
    const answers = (await answersWaiting(trx, actor)).map((m) => ({
      key: `market.message:${m.requestId}`,
      kind: 'market.message',
      urgency: 'medium' as const,
      dueDate: null,
      title: `Message de ${m.customerName} sur sa demande de devis`,
      why: m.body.length > 140 ? `${m.body.slice(0, 140)}…` : m.body,
      action: { label: 'Lire et répondre', href: `/ma-vitrine/demandes/${m.requestId}` },
      link: `/ma-vitrine/demandes/${m.requestId}`,
    }));
    const requests = open.slice(0, 20).map((r) => ({
      key: `market.request:${r.id}`,
      kind: 'market.request',
      urgency: 'medium' as const,
      dueDate: null,
      title: `Demande de devis de ${r.name}`,
      why: r.message.length > 140 ? `${r.message.slice(0, 140)}…` : r.message,
      action: { label: 'Répondre par un devis', href: `/ma-vitrine/demandes/${r.id}` },
      link: `/ma-vitrine/demandes/${r.id}`,
    }));
    return [...answers, ...requests];
  },
});

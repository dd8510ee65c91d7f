// A contract waiting for the person's signature is an item of their « À faire » list until it is
// signed, cancelled or expired.
import { formatDate } from '../../core/dates.ts';
import { registerInboxProvider } from '../inbox/index.ts';
import { pendingForSigner } from './requests.service.ts';

registerInboxProvider({
  name: 'signatures.pending',
  async items(trx, actor) {
    if (!actor.userId) return [];
    const pending = await pendingForSigner(trx, actor.cooperativeId, actor.userId);
    return pending.map((r) => ({
      key: `signatures.sign:${r.id}`,
      kind: 'signatures.sign',
      urgency: 'high' as const,
      dueDate: r.expiresAt.toISOString().slice(0, 10),
      title: `Signer : ${r.title}`,
      why: `${r.preparerName} vous a préparé ce document ; la demande reste ouverte jusqu’au ${formatDate(r.expiresAt)}.`,
      action: { label: 'Lire et signer', href: `/signatures/${r.id}` },
      link: `/signatures/${r.id}`,
    }));
  },
});

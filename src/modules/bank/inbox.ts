// The bank in the inbox: accountants and the director see how many bank lines are still to
// justify, as one item leading to /banque.
import { hasRole } from '../../core/actor.ts';
import { registerInboxProvider } from '../inbox/index.ts';
import { bankCounts } from './bank.service.ts';

registerInboxProvider({
  name: 'bank',
  async items(trx, actor) {
    if (!hasRole(actor, 'accountant', 'director')) return [];
    const { toJustify } = await bankCounts(trx, actor);
    if (!toJustify) return [];
    return [
      {
        key: 'bank.to_justify',
        kind: 'bank.to_justify',
        urgency: toJustify > 20 ? 'high' : 'medium',
        dueDate: null,
        title: toJustify === 1 ? '1 ligne bancaire à justifier' : `${toJustify} lignes bancaires à justifier`,
        why: 'Chaque mouvement doit être rapproché de sa pièce pour que les comptes soient justes.',
        action: { label: 'Justifier les lignes', href: '/banque' },
        link: '/banque',
      },
    ];
  },
});

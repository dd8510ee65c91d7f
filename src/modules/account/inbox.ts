// The security check-up in the inbox: until the person protects their account with a second
// factor (TOTP or a passkey), one quiet item suggests it; it disappears once done.
import { secondFactorOn } from '../../core/auth/checkup.ts';
import { registerInboxProvider } from '../inbox/index.ts';

registerInboxProvider({
  name: 'account.security',
  async items(trx, actor) {
    if (!actor.userId) return [];
    if (await secondFactorOn(trx, actor.userId)) return [];
    return [
      {
        key: 'account.security.second_factor',
        kind: 'account.security',
        urgency: 'low',
        dueDate: null,
        title: 'Protégez votre compte en deux étapes',
        why: 'Votre compte donne accès à vos revenus et à vos documents : un code en plus du mot de passe le protège si celui-ci est découvert.',
        action: { label: 'Voir ma sécurité', href: '/profil/securite' },
        link: '/profil/securite',
        nudge: true,
      },
    ];
  },
});

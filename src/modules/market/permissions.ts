// The marketplace's actions in the authorization matrix (docs/authorization.md). `own`: the
// activity is one the entrepreneur runs. The public pages need no permission: they read only
// what the published policies let through.
import { definePermissions, type Grants } from '../../core/authz.ts';

const RUNNERS: Grants = { entrepreneur: 'own', cape: 'own', support: 'all', director: 'all' };

export const MARKET = definePermissions('market', {
  profileEdit: { label: 'Publier le profil et les offres de son activité sur la place de marché', grants: RUNNERS },
  requestRead: { label: 'Lire les demandes de devis reçues par la place de marché', grants: RUNNERS },
  requestConvert: { label: 'Transformer une demande de devis en devis brouillon', grants: RUNNERS },
  requestMessage: {
    label: 'Écrire au client d’une demande de devis (conversation gardée avec la demande)',
    grants: RUNNERS,
  },
  reviewReply: { label: 'Répondre à un avis client', grants: RUNNERS },
  jointOffer: {
    label: 'Répondre à plusieurs à une demande : devis en cotraitance entre activités de la coopérative',
    grants: RUNNERS,
  },
  internalMarket: {
    label: 'Marché interne : publier un besoin de sous-traitance, y répondre, accepter le travail (facture interne)',
    grants: RUNNERS,
  },
  externalManage: {
    label: 'Admettre des indépendant·es hors coopérative sur la place de marché (charte, invitation, profil)',
    grants: { support: 'all', director: 'all' },
  },
  reviewModerate: {
    label: 'Modérer les avis (masquer un avis abusif, jamais pour sa note)',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
});

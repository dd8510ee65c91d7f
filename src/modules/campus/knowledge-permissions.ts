// The campus knowledge actions in the authorization matrix (docs/authorization.md): resource
// persons, the knowledge base, ideas. Reading goes through CAMPUS.read; declaring one's own
// expertise through CAMPUS.expertise (permissions.ts).
import { definePermissions, EVERY_MEMBER } from '../../core/authz.ts';

export const CAMPUS_KB = definePermissions('campus', {
  endorse: { label: 'Recommander un pair pour l’une de ses compétences', grants: EVERY_MEMBER },
  designate: {
    label: 'Désigner une personne ressource (de la coopérative ; du réseau : équipe réseau)',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
  slotOffer: { label: 'Proposer un créneau à ses pairs (personne ressource désignée)', grants: EVERY_MEMBER },
  articleWrite: {
    label: 'Écrire un article de la base de connaissances (et modifier les siens)',
    grants: EVERY_MEMBER,
  },
  articleReview: {
    label: 'Relire, publier ou modifier un article dans la coopérative',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
  articlePromote: { label: 'Promouvoir un article publié à tout le réseau', grants: { network_admin: 'all' } },
  ideaPropose: { label: 'Proposer une idée, voter et commenter', grants: EVERY_MEMBER },
  ideaStatus: {
    label: 'Changer le statut d’une idée (étudiée, adoptée, réalisée)',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
});

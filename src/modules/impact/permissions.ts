// Impact measurement in the authorization matrix (docs/authorization.md). Indicators are
// aggregates with small cells suppressed, but they are still the direction's and the network's
// tools: entrepreneurs do not see the dashboard. The SROI calculator computes on figures typed
// in; anyone on the team may use it.
import { definePermissions } from '../../core/authz.ts';

export const IMPACT = definePermissions('impact', {
  indicatorsRead: {
    label: 'Voir les indicateurs d’impact de sa coopérative (face à la médiane du réseau)',
    grants: { director: 'all', network_admin: 'all' },
  },
  networkRead: {
    label: 'Voir les indicateurs d’impact de toutes les coopératives du réseau',
    grants: { network_admin: 'all' },
  },
  surveyManage: {
    label: 'Construire des questionnaires, lancer des enquêtes anonymes et voir leurs résultats agrégés',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
  freeTextRead: {
    label: 'Lire les réponses libres (texte) des enquêtes, à partir de 5 réponses',
    grants: { network_admin: 'all' },
  },
  qvtRead: {
    label: 'Voir le baromètre de qualité de vie au travail (sa coopérative ; le réseau : toutes)',
    grants: { director: 'all', network_admin: 'all' },
  },
  reportsRead: {
    label: 'Produire les rapports aux financeurs (participants FSE) de sa coopérative ; le réseau : de tout le réseau',
    grants: { director: 'all', network_admin: 'all' },
  },
  reportsShare: {
    label:
      'Partager un rapport d’impact ou FSE avec un financeur (lien de lecture seule) ; le réseau : aussi ceux du réseau',
    grants: { director: 'all', network_admin: 'all' },
  },
  referentialManage: {
    label: 'Ajouter des indicateurs d’enquête au référentiel du réseau et en écrire de nouvelles versions',
    grants: { network_admin: 'all' },
  },
  sroiCompute: {
    label: 'Calculer un retour social sur investissement (SROI)',
    grants: { support: 'all', director: 'all', network_admin: 'all' },
  },
});

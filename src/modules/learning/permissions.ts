// The learning module's actions in the authorization matrix (docs/authorization.md). Authors and
// trainers act on the courses of their own cooperative; `own` for certificates means one's own.
import { definePermissions, EVERY_MEMBER, type Grants } from '../../core/authz.ts';

const EVERYONE = EVERY_MEMBER;
const TRAINERS: Grants = { support: 'all', director: 'all', network_admin: 'all' };

export const LEARNING = definePermissions('learning', {
  read: { label: 'Voir le catalogue des formations (sa coopérative, le réseau, les MOOC publics)', grants: EVERYONE },
  learn: { label: 'S’inscrire à une formation, suivre ses leçons et passer ses quiz', grants: EVERYONE },
  author: { label: 'Créer, modifier, ordonner et publier les formations de sa coopérative', grants: TRAINERS },
  shareNetwork: {
    label: 'Ouvrir une formation à tout le réseau ou au public (MOOC)',
    grants: { director: 'all', network_admin: 'all' },
  },
  results: { label: 'Voir les résultats des apprenant·es (par personne et par question)', grants: TRAINERS },
  certificates: {
    label: 'Télécharger des attestations de formation (les siennes ; toutes pour l’équipe)',
    grants: { entrepreneur: 'own', cape: 'own', accountant: 'own', ...TRAINERS },
  },
  revoke: { label: 'Révoquer une attestation de formation', grants: { director: 'all', network_admin: 'all' } },
  cohorts: { label: 'Inscrire un groupe (cohorte) à une formation et suivre sa progression', grants: TRAINERS },
  hours: { label: 'Exporter les heures de formation (ateliers et formations en ligne)', grants: TRAINERS },
  networkReports: {
    label:
      'Voir les heures de formation de toutes les coopératives du réseau (par coopérative, formation, financement)',
    grants: { network_admin: 'all' },
  },
});

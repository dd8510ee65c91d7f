// The interface speaks French; strings shared across modules live here, keyed, ready for more languages.
const fr = {
  'app.name': 'Radieuse',
  'nav.home': 'Accueil',
  'nav.settings': 'Coopérative',
  'nav.members': 'Membres',
  'nav.activities': 'Activités',
  'nav.audit': "Journal d'audit",
  'nav.profile': 'Mon profil',
  'nav.signout': 'Se déconnecter',
  'status.draft': 'Brouillon',
  'status.submitted': 'À valider',
  'status.validated': 'Validée',
  'status.sent': 'Envoyée',
  'status.partly_paid': 'Payée en partie',
  'status.paid': 'Payée',
  'status.overdue': 'En retard',
  'status.cancelled': 'Annulée',
  'error.csrf': 'Le formulaire a expiré. Rechargez la page et réessayez.',
  'error.generic':
    'Une erreur est survenue de notre côté. Réessayez dans un instant ; si cela continue, prévenez votre coopérative.',
} as const;
export type MessageKey = keyof typeof fr;
const catalogues: Record<string, Record<string, string>> = { fr };
export function t(key: MessageKey, lang = 'fr'): string {
  return catalogues[lang]?.[key] ?? fr[key] ?? key;
}

// What a token may reach, whatever its user's roles allow: one scope per resource and verb.
export const SCOPES = {
  'customers:read': 'Lire les clients',
  'customers:write': 'Créer des clients',
  'invoices:read': 'Lire les factures, leurs PDF et Factur-X',
  'invoices:write': 'Créer, soumettre et valider des factures',
  'payments:write': 'Enregistrer des paiements',
  'activities:read': 'Lire les activités (les siennes pour un·e entrepreneur·e)',
  'people:read': 'Lire les personnes accompagnées et leur parcours',
  'people:write': 'Faire avancer une personne dans son parcours',
  'indicators:read': 'Lire les indicateurs d’impact de la coopérative',
  'expenses:read': 'Lire les notes de frais (les siennes, ou toutes pour l’équipe)',
  'expenses:write': 'Ajouter des dépenses à sa note de frais et l’envoyer',
  'quotes:read': 'Lire les devis et leurs PDF',
  'quotes:write': 'Créer des devis brouillons, les envoyer, les marquer acceptés ou refusés',
  'credit-notes:write': 'Créer des avoirs sur des factures validées',
  'bank:read': 'Lire les lignes de relevés bancaires (rapprochées ou à justifier) et leurs suggestions',
  'bank:write':
    'Justifier une ligne bancaire : confirmer une suggestion, rapprocher à la main, sans pièce ou vers un compte',
} as const;
export type Scope = keyof typeof SCOPES;
export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];
export const isScope = (s: string): s is Scope => Object.hasOwn(SCOPES, s);

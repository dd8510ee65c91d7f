// The fixed French near-duplicate set of the similar-questions search: 15 questions, each with
// three probes (reworded, without accents, misspelt). Used by similar.test.ts (hit rate on 15
// questions) and bench/campus-similar.ts (hit rate and p95 on the demo data).
export const NEAR_DUPLICATES: { title: string; body: string; probes: string[] }[] = [
  {
    title: 'Comment signer électroniquement un devis avec mon client ?',
    body: 'Je cherche un outil de signature électronique valable juridiquement.',
    probes: ['signature electronique devis', 'signer un devis en ligne', 'signatrue électronique du devis'],
  },
  {
    title: 'Quelle assurance responsabilité civile professionnelle choisir ?',
    body: 'RC pro pour une activité de conseil.',
    probes: ['assurance rc pro', 'responsabilite civile professionelle', 'quelle assurance choisir pour mon activité'],
  },
  {
    title: 'Facturation électronique obligatoire en 2026 : que faut-il préparer ?',
    body: 'La réforme de la facture électronique arrive.',
    probes: ['réforme facturation electronique', 'facture électronique obligatoire', 'factruation electronique 2026'],
  },
  {
    title: 'Comment fixer le prix de mes prestations de formation ?',
    body: 'Je ne sais pas quel tarif journalier demander.',
    probes: [
      'fixer mes prix formation',
      'tarif des prestations de formation',
      'comment fixer le pris de mes prestations',
    ],
  },
  {
    title: 'Protéger les données personnelles de mes clients (RGPD)',
    body: 'Quelles obligations pour un fichier clients ?',
    probes: ['rgpd données clients', 'protection des donnees personnelles', 'proteger les donées de mes clients'],
  },
  {
    title: 'Sauvegarder mes fichiers professionnels en sécurité',
    body: 'Disque externe ou cloud ?',
    probes: ['sauvegarde des fichiers pro', 'securite de mes fichiers professionnels', 'sauvgarder mes fichiers'],
  },
  {
    title: 'Peut-on déduire les frais kilométriques de son véhicule personnel ?',
    body: 'J’utilise ma voiture pour voir mes clients.',
    probes: [
      'frais kilometriques voiture',
      'indemnités kilométriques véhicule personnel',
      'frais kilométrique vehicule',
    ],
  },
  {
    title: 'Comment relancer un client qui ne paie pas sa facture ?',
    body: 'Facture impayée depuis deux mois.',
    probes: ['relance facture impayée', 'client qui ne paye pas', 'relancer un clien qui ne paie pas'],
  },
  {
    title: 'Ouvrir une boutique en ligne pour vendre mes créations',
    body: 'Quelle plateforme de e-commerce ?',
    probes: ['vendre mes creations en ligne', 'boutique en ligne créations', 'ouvrir une boutiqe en ligne'],
  },
  {
    title: 'Répondre à un appel d’offres public en tant qu’entrepreneur salarié',
    body: 'Marchés publics et CAE.',
    probes: ['appel d offres public', 'répondre aux marchés publics', 'repondre a un appel doffre'],
  },
  {
    title: 'Quel logiciel pour tenir mon agenda et mes rendez-vous clients ?',
    body: 'Prise de rendez-vous en ligne.',
    probes: ['logiciel agenda rendez-vous', 'prise de rendez vous clients', 'logicel pour mon agenda'],
  },
  {
    title: 'TVA sur les ventes à des clients à l’étranger',
    body: 'Autoliquidation, clients européens.',
    probes: ['tva clients etrangers', 'vendre à l étranger tva', 'TVA ventes etranger'],
  },
  {
    title: 'Droit à l’image : photographier des personnes pour un reportage',
    body: 'Autorisation écrite nécessaire ?',
    probes: ['droit a l image photo', 'autorisation photographier des personnes', 'droit à limage reportage'],
  },
  {
    title: 'Comment obtenir la certification Qualiopi pour mes formations ?',
    body: 'La coopérative est-elle certifiée ?',
    probes: ['certification qualiopi', 'qualiopi pour les formations', 'obtenir la certifcation qualiopi'],
  },
  {
    title: 'Choisir un nom commercial et vérifier qu’il est disponible',
    body: 'Recherche INPI.',
    probes: ['nom commercial disponible', 'verifier la disponibilite d un nom', 'choisir un nom comercial'],
  },
];

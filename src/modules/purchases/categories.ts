// Expense categories: label, default VAT rate, plausible VAT rates and the charge account (PCG).
// Documented choices:
//   meals 6256 (Missions — repas en déplacement), lodging 6256, travel 6251 (Voyages et déplacements),
//   fuel 6061 (Fournitures non stockables — carburant), parking/tolls 6251, supplies 6064
//   (Fournitures administratives), software 6135 (Locations mobilières — abonnements logiciels),
//   telecom 626 (Frais postaux et télécommunications), documentation 6181, other 6288 (Autres services extérieurs divers).
// Mileage allowances go to 6251. Limits (cents per line) are defaults, overridden per cooperative in
// settings.expenseLimits ({ meals: 3000, … }).
export interface ExpenseCategory {
  code: string;
  label: string;
  account: string;
  accountLabel: string;
  defaultVatBp: number;
  plausibleVatBp: number[];
  defaultLimitCents: number | null;
}

export const EXPENSE_CATEGORIES: ExpenseCategory[] = [
  {
    code: 'meals',
    label: 'Repas',
    account: '6256',
    accountLabel: 'Missions',
    defaultVatBp: 1000,
    plausibleVatBp: [0, 550, 1000, 2000],
    defaultLimitCents: 4000,
  },
  {
    code: 'lodging',
    label: 'Hôtel',
    account: '6256',
    accountLabel: 'Missions',
    defaultVatBp: 1000,
    plausibleVatBp: [0, 1000],
    defaultLimitCents: 15000,
  },
  {
    code: 'travel',
    label: 'Train, avion, taxi',
    account: '6251',
    accountLabel: 'Voyages et déplacements',
    defaultVatBp: 1000,
    plausibleVatBp: [0, 1000],
    defaultLimitCents: 50000,
  },
  {
    code: 'fuel',
    label: 'Carburant',
    account: '6061',
    accountLabel: 'Fournitures non stockables (eau, énergie)',
    defaultVatBp: 2000,
    plausibleVatBp: [0, 2000],
    defaultLimitCents: 15000,
  },
  {
    code: 'parking',
    label: 'Parking et péage',
    account: '6251',
    accountLabel: 'Voyages et déplacements',
    defaultVatBp: 2000,
    plausibleVatBp: [0, 2000],
    defaultLimitCents: 10000,
  },
  {
    code: 'supplies',
    label: 'Petites fournitures',
    account: '6064',
    accountLabel: 'Fournitures administratives',
    defaultVatBp: 2000,
    plausibleVatBp: [2000, 550],
    defaultLimitCents: 50000,
  },
  {
    code: 'software',
    label: 'Logiciels et abonnements',
    account: '6135',
    accountLabel: 'Locations mobilières',
    defaultVatBp: 2000,
    plausibleVatBp: [0, 2000],
    defaultLimitCents: 50000,
  },
  {
    code: 'telecom',
    label: 'Téléphone et internet',
    account: '626',
    accountLabel: 'Frais postaux et de télécommunications',
    defaultVatBp: 2000,
    plausibleVatBp: [2000],
    defaultLimitCents: 20000,
  },
  {
    code: 'books',
    label: 'Livres et documentation',
    account: '6181',
    accountLabel: 'Documentation générale',
    defaultVatBp: 550,
    plausibleVatBp: [550, 2000, 210],
    defaultLimitCents: 20000,
  },
  {
    code: 'other',
    label: 'Autre dépense',
    account: '6288',
    accountLabel: 'Autres services extérieurs divers',
    defaultVatBp: 2000,
    plausibleVatBp: [0, 210, 550, 1000, 2000],
    defaultLimitCents: null,
  },
];
export const MILEAGE_ACCOUNT = '6251';
export const categoryOf = (code: string) => EXPENSE_CATEGORIES.find((c) => c.code === code);

/** Charge accounts offered for supplier invoices (the account must exist in the chart; the ledger creates them). */
export const PURCHASE_ACCOUNTS: [string, string][] = [
  ['604', 'Achats de prestations de services'],
  ['606', 'Achats non stockés (fournitures)'],
  ['6064', 'Fournitures administratives'],
  ['607', 'Achats de marchandises'],
  ['613', 'Locations'],
  ['6135', 'Locations mobilières (logiciels)'],
  ['615', 'Entretien et réparations'],
  ['616', "Primes d'assurances"],
  ['622', 'Honoraires'],
  ['623', 'Publicité'],
  ['6251', 'Voyages et déplacements'],
  ['626', 'Frais postaux et télécommunications'],
  ['6288', 'Autres services extérieurs divers'],
];

/** Every account the purchases postings may use, with its label, so the ledger can create them. */
export const PURCHASES_CHART: [string, string][] = [
  ...PURCHASE_ACCOUNTS,
  ...EXPENSE_CATEGORIES.map((c) => [c.account, c.accountLabel] as [string, string]),
  ['6061', 'Fournitures non stockables (eau, énergie)'],
  ['6181', 'Documentation générale'],
  ['6256', 'Missions'],
];

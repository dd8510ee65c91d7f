// enDI's exports as this import reads them: which file holds what (by its name, else by its
// columns), and which column holds each field (by its header: the French label of enDI's export,
// or the attribute name of its model, see docs/import-endi.md). Headers are compared without case or accents.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, extname, basename } from 'node:path';
import {
  normaliseHeader,
  readCsv,
  readXlsx,
  TableError,
  MAX_FILE_BYTES,
  type Table,
  type TableRow,
} from './tabular.ts';

export type EndiKind =
  | 'activities'
  | 'people'
  | 'customers'
  | 'suppliers'
  | 'quotes'
  | 'invoices'
  | 'credit_notes'
  | 'lines'
  | 'payments';

interface Field {
  aliases: string[];
  required?: boolean;
}
type Spec = Record<string, Field>;

/** File name (without extension, normalised) → kind. The first matching pattern wins. */
const FILE_PATTERNS: [RegExp, EndiKind][] = [
  [/^(enseignes?|companies|company|activites?)\b/, 'activities'],
  [/^(utilisateurs?|users?|entrepreneurs?|personnes?|comptes?)\b/, 'people'],
  [/^(clients?|customers?|third ?part(y|ies))\b/, 'customers'],
  [/^(fournisseurs?|suppliers?)\b/, 'suppliers'],
  [/^(lignes?|task ?lines?|lines?)\b/, 'lines'],
  [/^(devis|estimations?|quotes?)\b/, 'quotes'],
  [/^(avoirs?|cancel ?invoices?|credit ?notes?)\b/, 'credit_notes'],
  [/^(factures?|invoices?)\b/, 'invoices'],
  [/^(paiements?|encaissements?|payments?)\b/, 'payments'],
];

export const SPECS: Record<EndiKind, Spec> = {
  activities: {
    id: { aliases: ['identifiant', 'id', 'id enseigne', 'company id'], required: true },
    name: { aliases: ['nom', 'nom de l enseigne', 'enseigne', 'name'], required: true },
    code: { aliases: ['code analytique', 'code compta', 'code_compta', 'compte analytique', 'code'], required: true },
    description: { aliases: ['descriptif', 'description', 'activite', 'goal'] },
  },
  people: {
    id: { aliases: ['identifiant', 'id', 'id utilisateur', 'user id'], required: true },
    lastname: { aliases: ['nom', 'lastname'], required: true },
    firstname: { aliases: ['prenom', 'firstname'] },
    email: { aliases: ['adresse e mail', 'e mail', 'email', 'courriel', 'mail'], required: true },
    role: { aliases: ['role', 'roles', 'groupe', 'groupes', 'groups', 'profil'] },
    activities: { aliases: ['enseignes', 'enseigne', 'companies', 'id enseigne', 'id enseignes'] },
  },
  customers: {
    id: { aliases: ['identifiant', 'id', 'id client', 'customer id'], required: true },
    type: { aliases: ['type', 'type de client', 'type_'] },
    companyName: { aliases: ['nom de l entreprise', 'raison sociale', 'company name', 'company_name', 'entreprise'] },
    label: { aliases: ['libelle', 'label', 'nom du client'] },
    lastname: { aliases: ['nom', 'nom du contact', 'lastname'] },
    firstname: { aliases: ['prenom', 'prenom du contact', 'firstname'] },
    address: { aliases: ['adresse', 'address'] },
    postalCode: { aliases: ['code postal', 'cp', 'zip code', 'zip_code'] },
    city: { aliases: ['ville', 'city'] },
    country: { aliases: ['pays', 'country', 'code pays', 'country code'] },
    email: { aliases: ['adresse e mail', 'e mail', 'email', 'courriel'] },
    phone: { aliases: ['telephone', 'tel', 'phone', 'mobile'] },
    siret: { aliases: ['siret', 'numero siret', 'registration', 'immatriculation'] },
    vatNumber: { aliases: ['tva intracommunautaire', 'numero de tva', 'tva intracomm', 'tva_intracomm'] },
  },
  invoices: {
    id: { aliases: ['identifiant', 'id', 'id facture', 'task id'], required: true },
    number: {
      aliases: ['numero de facture', 'numero', 'official number', 'official_number', 'n facture'],
      required: true,
    },
    type: { aliases: ['type', 'type de document', 'type_'] },
    date: { aliases: ['date', 'date de la facture', 'date d emission'], required: true },
    activity: { aliases: ['enseigne', 'id enseigne', 'company id', 'company_id'], required: true },
    customer: { aliases: ['client', 'id client', 'customer id', 'customer_id'], required: true },
    name: { aliases: ['intitule', 'objet', 'name', 'nom'] },
    ht: { aliases: ['ht', 'montant ht', 'total ht'], required: true },
    tva: { aliases: ['tva', 'montant tva', 'total tva'] },
    ttc: { aliases: ['ttc', 'montant ttc', 'total ttc'], required: true },
    rate: { aliases: ['taux de tva', 'taux tva', 'tva %', 'taux'] },
    dueDate: { aliases: ['echeance', 'date d echeance', 'date limite de paiement'] },
    original: { aliases: ['facture d origine', 'facture annulee', 'invoice id', 'invoice_id', 'facture'] },
    pdf: { aliases: ['fichier pdf', 'pdf', 'fichier'] },
  },
  credit_notes: {},
  suppliers: {
    id: { aliases: ['identifiant', 'id', 'id fournisseur', 'supplier id'], required: true },
    companyName: {
      aliases: ['nom de l entreprise', 'raison sociale', 'company name', 'company_name', 'nom', 'libelle', 'label'],
      required: true,
    },
    address: { aliases: ['adresse', 'address'] },
    postalCode: { aliases: ['code postal', 'cp', 'zip code', 'zip_code'] },
    city: { aliases: ['ville', 'city'] },
    country: { aliases: ['pays', 'country', 'code pays', 'country code'] },
    email: { aliases: ['adresse e mail', 'e mail', 'email', 'courriel'] },
    siret: { aliases: ['siret', 'numero siret', 'registration', 'immatriculation'] },
    vatNumber: { aliases: ['tva intracommunautaire', 'numero de tva', 'tva intracomm', 'tva_intracomm'] },
    iban: { aliases: ['iban'] },
    bic: { aliases: ['bic'] },
  },
  quotes: {
    id: { aliases: ['identifiant', 'id', 'id devis', 'task id'], required: true },
    number: {
      aliases: ['numero de devis', 'numero', 'official number', 'official_number', 'internal number'],
      required: true,
    },
    date: { aliases: ['date', 'date du devis'], required: true },
    activity: { aliases: ['enseigne', 'id enseigne', 'company id', 'company_id'], required: true },
    customer: { aliases: ['client', 'id client', 'customer id', 'customer_id'], required: true },
    name: { aliases: ['intitule', 'objet', 'name', 'nom'] },
    ht: { aliases: ['ht', 'montant ht', 'total ht'], required: true },
    ttc: { aliases: ['ttc', 'montant ttc', 'total ttc'], required: true },
    rate: { aliases: ['taux de tva', 'taux tva', 'tva %', 'taux'] },
    status: { aliases: ['statut', 'etat', 'signed status', 'signed_status', 'status'] },
    validity: { aliases: ['date de validite', 'validite', 'fin de validite'] },
  },
  lines: {
    document: { aliases: ['document', 'id document', 'facture', 'task id', 'task_id'], required: true },
    description: { aliases: ['description', 'designation', 'libelle'], required: true },
    quantity: { aliases: ['quantite', 'quantity', 'qte'], required: true },
    unit: { aliases: ['unite', 'unity', 'unit'] },
    unitPrice: { aliases: ['prix unitaire ht', 'prix unitaire', 'cost', 'pu ht'], required: true },
    rate: { aliases: ['taux de tva', 'taux tva', 'tva'], required: true },
  },
  payments: {
    id: { aliases: ['identifiant', 'id', 'id paiement', 'payment id'], required: true },
    invoice: { aliases: ['facture', 'numero de facture', 'n facture', 'invoice', 'task id'], required: true },
    date: { aliases: ['date', 'date de paiement', 'date d encaissement'], required: true },
    amount: { aliases: ['montant', 'amount', 'montant ttc'], required: true },
    mode: { aliases: ['mode', 'mode de paiement', 'moyen de paiement'] },
    reference: { aliases: ['reference', 'ref', 'numero de remise', 'bank remittance id'] },
  },
};
SPECS.credit_notes = SPECS.invoices;

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Record_ {
  file: string;
  line: number;
  get(field: string): string;
}

export interface EndiBundle {
  dir: string;
  files: Partial<Record<EndiKind, { file: string; records: Record_[] }[]>>;
  problems: Problem[];
  /** Uploaded PDFs already stored (web page): file name → stored file id; else read from `dir`. */
  storedPdfs?: Map<string, string>;
}

/** The header of each field found among the file's headers by enDI's known names (aliases). */
export function guessColumns(kind: EndiKind, headers: string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [field, f] of Object.entries(SPECS[kind])) {
    const h = f.aliases.map(normaliseHeader).find((a) => headers.includes(a));
    if (h) found[field] = h;
  }
  return found;
}

/** The column of each field, or problems for missing required columns. */
function resolveColumns(
  kind: EndiKind,
  file: string,
  table: Table,
  problems: Problem[],
  chosen?: Record<string, string>,
): Map<string, string> | null {
  const spec = SPECS[kind];
  const found = new Map<string, string>();
  const columns = chosen ?? guessColumns(kind, table.headers);
  for (const [field, f] of Object.entries(spec)) {
    const h = columns[field];
    if (h && table.headers.includes(h)) found.set(field, h);
    else if (f.required)
      problems.push({
        file,
        line: 1,
        message: chosen
          ? `colonne non associée : « ${FIELD_LABELS[field] ?? field} » est obligatoire`
          : `colonne manquante : « ${f.aliases[0]} » (ou ${f.aliases
              .slice(1, 3)
              .map((a) => `« ${a} »`)
              .join(', ')})`,
      });
  }
  return [...Object.entries(spec)].some(([field, f]) => f.required && !found.has(field)) ? null : found;
}

/** The French name of each of our fields, on the column-mapping screen. */
export const FIELD_LABELS: Record<string, string> = {
  id: 'Identifiant enDI',
  name: 'Nom / intitulé',
  code: 'Code analytique',
  description: 'Description',
  lastname: 'Nom',
  firstname: 'Prénom',
  email: 'Adresse e-mail',
  role: 'Rôle',
  activities: 'Enseignes',
  type: 'Type',
  companyName: "Nom de l'entreprise",
  label: 'Libellé',
  address: 'Adresse',
  postalCode: 'Code postal',
  city: 'Ville',
  country: 'Pays',
  phone: 'Téléphone',
  siret: 'SIRET',
  vatNumber: 'N° de TVA intracommunautaire',
  number: 'Numéro',
  date: 'Date',
  activity: 'Enseigne (identifiant)',
  customer: 'Client (identifiant)',
  ht: 'Montant HT',
  tva: 'Montant TVA',
  ttc: 'Montant TTC',
  rate: 'Taux de TVA',
  dueDate: "Date d'échéance",
  original: "Facture d'origine (avoir)",
  pdf: 'Fichier PDF',
  iban: 'IBAN',
  bic: 'BIC',
  status: 'Statut',
  validity: 'Date de validité',
  document: 'Document (identifiant)',
  quantity: 'Quantité',
  unit: 'Unité',
  unitPrice: 'Prix unitaire HT',
  invoice: 'Facture (numéro ou identifiant)',
  amount: 'Montant',
  mode: 'Mode de paiement',
  reference: 'Référence',
};

/** What each kind of file is, in French (the mapping screen's headings). */
export const KIND_LABELS: Record<EndiKind, string> = {
  activities: 'Enseignes (activités)',
  people: 'Utilisateurs (personnes)',
  customers: 'Clients',
  suppliers: 'Fournisseurs',
  quotes: 'Devis',
  invoices: 'Factures',
  credit_notes: 'Avoirs',
  lines: 'Lignes des documents',
  payments: 'Paiements',
};

/** The kind of an export from its file name (enseignes.csv, factures_2025.xlsx…), or null. */
export function kindOfFileName(name: string): EndiKind | null {
  const stem = normaliseHeader(basename(name, extname(name)).replace(/[_-]+/g, ' '));
  return FILE_PATTERNS.find(([re]) => re.test(stem))?.[1] ?? null;
}

/**
 * The kind of an export from its columns, when its name says nothing (« export (3).csv »): the
 * kind whose required columns are all there and which recognises the most columns; null when
 * none fits or two kinds fit equally (a guess could import customers as suppliers). Invoices and
 * credit notes share their columns: such a file is read as invoices, and each row's « type »
 * column still makes a credit note of a cancellation.
 */
export function kindOfHeaders(headers: string[]): EndiKind | null {
  // Score: columns recognised, then required columns (the more demanding kind is the more
  // specific: a suppliers export also fits customers, whose only required column is the id).
  const fits = (Object.keys(SPECS) as EndiKind[])
    .filter((kind) => kind !== 'credit_notes')
    .flatMap((kind) => {
      const fields = Object.entries(SPECS[kind]);
      const found = guessColumns(kind, headers);
      if (fields.some(([field, f]) => f.required && !found[field])) return [];
      return [{ kind, score: [Object.keys(found).length, fields.filter(([, f]) => f.required).length] }];
    })
    .sort((a, b) => b.score[0] - a.score[0] || b.score[1] - a.score[1]);
  const [first, second] = fits;
  if (!first) return null;
  const tie = second && second.score[0] === first.score[0] && second.score[1] === first.score[1];
  return tie ? null : first.kind;
}

/** The kind of an export: by its name, else by its columns. */
export function kindOfExport(name: string, headers: string[]): EndiKind | null {
  return kindOfFileName(name) ?? kindOfHeaders(headers);
}

export const UNKNOWN_FILE_MESSAGE =
  'fichier non reconnu, ni par son nom ni par ses colonnes : nommez-le enseignes, utilisateurs, clients, fournisseurs, devis, factures, avoirs, lignes ou paiements (.csv ou .xlsx)';

/**
 * A bundle from tables already read (the web page's uploads), each with the column chosen for
 * each field; PDFs are found among the stored files by name.
 */
export function bundleFromTables(
  tables: { name: string; kind: EndiKind; table: Table; columns: Record<string, string> }[],
  storedPdfs: Map<string, string>,
  problems: Problem[] = [],
): EndiBundle {
  const bundle: EndiBundle = { dir: '', files: {}, problems: [...problems], storedPdfs };
  for (const t of tables) {
    const cols = resolveColumns(t.kind, t.name, t.table, bundle.problems, t.columns);
    if (!cols) continue;
    const list = bundle.files[t.kind] ?? [];
    bundle.files[t.kind] = list;
    list.push({ file: t.name, records: toRecords(t.name, t.table.rows, cols) });
  }
  if (!tables.length && !bundle.problems.length)
    bundle.problems.push({ file: '', line: 0, message: 'aucun export enDI (.csv ou .xlsx) déposé' });
  return bundle;
}

function toRecords(file: string, rows: TableRow[], cols: Map<string, string>): Record_[] {
  return rows.map((r) => ({
    file,
    line: r.line,
    get: (field: string) => {
      const h = cols.get(field);
      return h ? (r.cells.get(h) ?? '') : '';
    },
  }));
}

/** Reads every enDI export found in DIR (csv, xlsx); unknown files are reported, not guessed. */
export async function readEndiDir(dir: string): Promise<EndiBundle> {
  const bundle: EndiBundle = { dir, files: {}, problems: [] };
  const names = readdirSync(dir).sort();
  for (const name of names) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const ext = extname(name).toLowerCase();
    if (ext !== '.csv' && ext !== '.xlsx') continue;
    if (statSync(path).size > MAX_FILE_BYTES) {
      bundle.problems.push({
        file: name,
        line: 0,
        message: `fichier trop gros (plus de ${MAX_FILE_BYTES / 1024 / 1024} Mo)`,
      });
      continue;
    }
    let table: Table;
    try {
      const buf = readFileSync(path);
      table = ext === '.csv' ? readCsv(buf) : await readXlsx(buf);
    } catch (e) {
      if (!(e instanceof TableError)) throw e;
      bundle.problems.push({ file: name, line: 0, message: e.message });
      continue;
    }
    const kind = kindOfExport(name, table.headers);
    if (!kind) {
      bundle.problems.push({ file: name, line: 0, message: UNKNOWN_FILE_MESSAGE });
      continue;
    }
    const cols = resolveColumns(kind, name, table, bundle.problems);
    if (!cols) continue;
    const list = bundle.files[kind] ?? [];
    bundle.files[kind] = list;
    list.push({ file: name, records: toRecords(name, table.rows, cols) });
  }
  if (!Object.keys(bundle.files).length && !bundle.problems.length)
    bundle.problems.push({ file: dir, line: 0, message: 'aucun export enDI (.csv ou .xlsx) dans ce dossier' });
  return bundle;
}

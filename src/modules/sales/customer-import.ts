// Customers CSV import. Policy: all or nothing. Every line is checked first (format, the same
// rules as the form, duplicates against existing customers and inside the file); if any line
// is refused, nothing is written and every refusal is reported with its line number, so the
// file can be corrected and imported again as a whole.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { UserError } from '../../core/errors.ts';
import { authorize } from '../../core/authz.ts';
import { SALES } from './permissions.ts';
import { normaliseDigits } from '../../core/identifiers.ts';
import { createCustomer, normaliseName, type CustomerInput } from './customer.service.ts';
import { salesDb } from './db.ts';

export interface ImportRejection {
  line: number;
  reason: string;
}
export interface ImportResult {
  imported: number;
  rejected: ImportRejection[];
}

/** Columns recognised (French or English header names, any order, ; or , separated). */
const COLUMNS: Record<string, keyof CustomerInput> = {
  type: 'kind',
  kind: 'kind',
  nom: 'name',
  name: 'name',
  'raison sociale': 'name',
  siren: 'siren',
  siret: 'siret',
  tva: 'vatNumber',
  'numero de tva': 'vatNumber',
  vat: 'vatNumber',
  email: 'email',
  'e-mail': 'email',
  courriel: 'email',
  telephone: 'phone',
  phone: 'phone',
  adresse: 'addressLine1',
  address: 'addressLine1',
  complement: 'addressLine2',
  'code postal': 'postalCode',
  cp: 'postalCode',
  postal_code: 'postalCode',
  ville: 'city',
  city: 'city',
  pays: 'countryCode',
  country: 'countryCode',
  'delai de paiement': 'paymentTermsDays',
  delai: 'paymentTermsDays',
  notes: 'notes',
};
const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();

/** RFC 4180-ish parser: quotes, doubled quotes, separators and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] ?? '';
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export async function importCustomersCsv(trx: Tx, actor: Actor, text: string): Promise<ImportResult> {
  authorize(actor, SALES.customerWrite);
  const rows = parseCsv(text);
  if (rows.length < 2)
    throw new UserError("Le fichier est vide : il faut une ligne d'en-tête puis une ligne par client.", 'file');
  const header = rows[0].map((h) => COLUMNS[plain(h)]);
  if (!header.includes('name'))
    throw new UserError(
      'Colonne « nom » introuvable dans la première ligne (en-têtes : type;nom;siren;email;adresse;code postal;ville;pays).',
      'file',
    );
  if (rows.length > 5001) throw new UserError('5 000 clients au plus par import.', 'file');
  const rejected: ImportRejection[] = [];
  const seenSiren = new Map<string, number>();
  const seenName = new Map<string, number>();
  let imported = 0;
  for (let r = 1; r < rows.length; r++) {
    const line = r + 1;
    const cells = rows[r];
    if (cells.every((c) => !c.trim())) continue;
    const raw: Record<string, string> = {};
    header.forEach((k, i) => {
      if (k && cells[i] !== undefined && cells[i].trim() !== '') raw[k] = cells[i].trim();
    });
    const kindText = plain(raw.kind ?? 'entreprise');
    const kind = ['particulier', 'individual', 'p'].includes(kindText)
      ? 'individual'
      : ['entreprise', 'company', 'e', 'association', 'societe'].includes(kindText)
        ? 'company'
        : null;
    if (!kind) {
      rejected.push({ line, reason: `Type « ${raw.kind} » inconnu : indiquez entreprise ou particulier.` });
      continue;
    }
    const days = raw.paymentTermsDays ? Number(raw.paymentTermsDays) : 30;
    if (!Number.isInteger(days)) {
      rejected.push({ line, reason: `Délai de paiement « ${raw.paymentTermsDays} » : un nombre de jours.` });
      continue;
    }
    const input = { ...raw, kind, paymentTermsDays: days, countryCode: raw.countryCode || 'FR' } as CustomerInput;
    // Duplicates inside the file.
    const siren = raw.siren ? normaliseDigits(raw.siren) : null;
    const nn = normaliseName(raw.name ?? '');
    if (siren && seenSiren.has(siren)) {
      rejected.push({ line, reason: `Doublon : même SIREN que la ligne ${seenSiren.get(siren)}.` });
      continue;
    }
    if (nn && seenName.has(nn)) {
      rejected.push({ line, reason: `Doublon : même nom que la ligne ${seenName.get(nn)}.` });
      continue;
    }
    if (siren) seenSiren.set(siren, line);
    if (nn) seenName.set(nn, line);
    try {
      // A savepoint per line: a refused line leaves the transaction usable for the check of the next ones.
      await savepoint(trx, () => createCustomer(trx, actor, input));
      imported++;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const detail = Object.values(e.fields ?? {});
      rejected.push({ line, reason: detail.length ? detail.join(' ') : e.message });
    }
  }
  if (rejected.length) throw new ImportRefused(rejected);
  return { imported, rejected };
}

export class ImportRefused extends UserError {
  constructor(public rejections: ImportRejection[]) {
    super(
      `${rejections.length} ligne${rejections.length > 1 ? 's' : ''} refusée${rejections.length > 1 ? 's' : ''} : aucun client n'a été importé. Corrigez le fichier puis importez-le de nouveau.`,
      'file',
    );
  }
}

async function savepoint<T>(trx: Tx, fn: () => Promise<T>): Promise<T> {
  await sql`savepoint customer_import_line`.execute(salesDb(trx));
  try {
    const r = await fn();
    await sql`release savepoint customer_import_line`.execute(salesDb(trx));
    return r;
  } catch (e) {
    await sql`rollback to savepoint customer_import_line`.execute(salesDb(trx));
    throw e;
  }
}

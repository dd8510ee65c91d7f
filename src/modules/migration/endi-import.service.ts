// Import of a cooperative's history from enDI's exports (docs/import-endi.md). Everything is
// written through the owning modules' services (directory: people and activities; sales:
// customers, imported invoices and credit notes, payments), in the caller's transaction: the
// caller rolls back when problems are returned (all or nothing) and for a dry run. Each imported
// row is remembered in import_source_key (source 'endi', kind, enDI id → our id): running the
// same import again finds them and adds nothing.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { sql } from 'kysely';
import { withSystem, type Db, type Tx } from '../../core/db/tenant.ts';
import type { Actor, Role } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { storeFile } from '../../core/files.ts';
import { addImportedMember, createActivity, listActivities } from '../directory/index.ts';
import { importSupplier } from '../purchases/index.ts';
import {
  computeTotals,
  importCustomer,
  invoiceNumberTemplate,
  numberSeriesCounters,
  numberSeriesOf,
  recordImportedInvoice,
  recordImportedPayment,
  recordImportedQuote,
  type InvoiceLineInput,
} from '../sales/index.ts';
import { migrationDb } from './db.ts';
import type { EndiBundle, Problem, Record_ } from './endi-files.ts';
import { parseCents, parseDate, parseMilli, parseRateBp } from './tabular.ts';
import { MIGRATION } from './permissions.ts';

const SOURCE = 'endi';
export const KINDS = [
  'activities',
  'people',
  'customers',
  'suppliers',
  'quotes',
  'invoices',
  'credit_notes',
  'payments',
] as const;
export type CreatedCounts = Record<(typeof KINDS)[number], number>;
export interface ImportReport {
  created: CreatedCounts;
  problems: Problem[];
  /** Uploaded PDFs (stored file ids) that became an imported invoice's original. */
  usedFiles?: string[];
}
export interface ImportOptions {
  fileKey: Buffer;
  progress?: (step: string, done: number, total: number) => void;
}

const ROLE_MAP: [RegExp, Role][] = [
  [/^(entrepreneur|entrepreneuse|contractor|es|porteur|porteuse)/, 'entrepreneur'],
  [/^(cape)/, 'cape'],
  [/^(manager|equipe d appui|appui|accompagnat|support|charge)/, 'support'],
  [/^(comptable|accountant|expert)/, 'accountant'],
  [/^(admin|administrat|direction|directeur|directrice|gerant)/, 'director'],
];
const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const COUNTRIES: Record<string, string> = {
  france: 'FR',
  belgique: 'BE',
  suisse: 'CH',
  luxembourg: 'LU',
  allemagne: 'DE',
  espagne: 'ES',
  italie: 'IT',
  'royaume uni': 'GB',
};

const METHODS: [RegExp, string][] = [
  [/vir/, 'virement'],
  [/ch(e|è)q/, 'chèque'],
  [/esp|liquide|cash/, 'espèces'],
  [/carte|cb/, 'carte'],
  [/pr(e|é)l/, 'prélèvement'],
];

interface DocPlan {
  rec: Record_;
  id: string;
  typeCode: '380' | '381';
  number: string;
  issueDate: string;
  dueDate: string | null;
  activityId: string;
  analyticCode: string;
  customerId: string;
  originalRef: string;
  lines: InvoiceLineInput[];
  pdf: string;
  series: { seriesKey: string; seq: number } | null;
}

export async function importEndi(tx: Tx, actor: Actor, bundle: EndiBundle, opts: ImportOptions): Promise<ImportReport> {
  authorize(actor, MIGRATION.importHistory);
  const trx = migrationDb(tx);
  const problems: Problem[] = [...bundle.problems];
  const usedFiles: string[] = [];
  const created: CreatedCounts = {
    activities: 0,
    people: 0,
    customers: 0,
    suppliers: 0,
    quotes: 0,
    invoices: 0,
    credit_notes: 0,
    payments: 0,
  };
  const problem = (r: { file: string; line: number }, message: string) =>
    problems.push({ file: r.file, line: r.line, message });
  const records = (k: keyof EndiBundle['files']) => (bundle.files[k] ?? []).flatMap((f) => f.records);

  // What earlier runs already brought in.
  const keys = new Map<string, string>();
  for (const r of await trx
    .selectFrom('import_source_key')
    .select(['kind', 'source_id', 'target_id'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('source', '=', SOURCE)
    .execute())
    keys.set(`${r.kind}:${r.source_id}`, r.target_id);
  const failed = new Set<string>();
  const remember = async (kind: string, sourceId: string, targetId: string) => {
    keys.set(`${kind}:${sourceId}`, targetId);
    await trx
      .insertInto('import_source_key')
      .values({ cooperative_id: actor.cooperativeId, source: SOURCE, kind, source_id: sourceId, target_id: targetId })
      .execute();
  };
  /** Runs one service call; a French refusal becomes a problem at that row. */
  const attempt = async <T>(r: Record_, key: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      failed.add(key);
      const fields = e.fields ? Object.values(e.fields).filter((m) => m !== e.message) : [];
      problem(r, [e.message, ...fields].join(' '));
      return undefined;
    }
  };
  const seen = new Map<string, Record_>();
  const once = (kind: string, r: Record_, id: string) => {
    const k = `${kind}:${id}`;
    const first = seen.get(k);
    if (first) {
      problem(r, `identifiant ${id} en double (déjà ligne ${first.line} de ${first.file})`);
      return false;
    }
    seen.set(k, r);
    return true;
  };
  /** The rows of one export that carry an identifier not seen before (the others are reported),
   *  with the progress of that step when it has a label. */
  function* identified(kind: string, rows: Record_[], label?: string) {
    for (const [i, r] of rows.entries()) {
      if (label) opts.progress?.(label, i, rows.length);
      const id = r.get('id');
      if (!id) {
        problem(r, 'identifiant manquant');
        continue;
      }
      if (!once(kind, r, id)) continue;
      yield { r, id, key: `${kind}:${id}` };
    }
  }
  /** Resolves a reference to an earlier row; '' when it failed (already reported). */
  const ref = (r: Record_, kind: string, id: string, what: string): string | null => {
    const target = keys.get(`${kind}:${id}`);
    if (target) return target;
    if (failed.has(`${kind}:${id}`)) return '';
    problem(r, id ? `${what} ${id} introuvable dans l'export` : `${what} manquant(e)`);
    return null;
  };

  // --- people (before activities: enDI's companies list their entrepreneurs) -----------------
  const ownersOf = new Map<string, string[]>();
  const people = records('people');
  for (const { r, id, key } of identified('person', people, 'personnes')) {
    const roleText = plain(r.get('role') || 'entrepreneur');
    const role = ROLE_MAP.find(([re]) => re.test(roleText))?.[1];
    if (!role) {
      failed.add(key);
      problem(r, `rôle inconnu : « ${r.get('role')} » (entrepreneur, équipe d'appui, comptable, direction)`);
      continue;
    }
    let userId = keys.get(key);
    if (!userId) {
      const displayName = `${r.get('firstname')} ${r.get('lastname')}`.trim();
      const res = await attempt(r, key, () =>
        addImportedMember(tx, actor, { displayName, email: r.get('email'), role }),
      );
      if (!res) continue;
      userId = res.userId;
      await remember('person', id, userId);
      created.people++;
    }
    for (const a of r
      .get('activities')
      .split(/[,;|\s]+/)
      .filter(Boolean))
      ownersOf.set(a, [...(ownersOf.get(a) ?? []), userId]);
  }

  // --- activities (enDI companies, "enseignes") ---------------------------------------------
  const existing = new Map((await listActivities(tx, actor)).map((a) => [a.analyticCode, a]));
  const codeOf = new Map<string, string>(); // our activity id → analytic code
  for (const a of existing.values()) codeOf.set(a.id, a.analyticCode);
  const activities = records('activities');
  for (const { r, id, key } of identified('activity', activities, 'enseignes')) {
    if (keys.has(key)) continue;
    const code = r
      .get('code')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '');
    const same = existing.get(code);
    if (same) {
      // Created here before the import (same analytic code): the enDI company is that activity.
      await remember('activity', id, same.id);
      continue;
    }
    const act = await attempt(r, key, () =>
      createActivity(tx, actor, {
        name: r.get('name'),
        analyticCode: code,
        description: r.get('description') || null,
        ownerIds: ownersOf.get(id) ?? [],
      }),
    );
    if (!act) continue;
    codeOf.set(act.id, act.analyticCode);
    existing.set(act.analyticCode, act);
    await remember('activity', id, act.id);
    created.activities++;
  }

  // --- customers ----------------------------------------------------------------------------
  const customers = records('customers');
  const sameCustomer = new Map<string, string>(); // siren or plain name → enDI id of the first
  for (const { r, id, key } of identified('customer', customers, 'clients')) {
    if (keys.has(key)) continue;
    const type = plain(r.get('type'));
    const person = `${r.get('firstname')} ${r.get('lastname')}`.trim();
    const individual = /^(individual|particulier|personne)/.test(type) || (!type && !r.get('companyName') && !!person);
    const name = individual ? person || r.get('label') : r.get('companyName') || r.get('label');
    const siret = r.get('siret').replace(/\s/g, '');
    const siren = siret.length >= 9 ? siret.slice(0, 9) : null;
    const countryRaw = r.get('country').trim();
    const country = !countryRaw
      ? 'FR'
      : /^[A-Za-z]{2}$/.test(countryRaw)
        ? countryRaw.toUpperCase()
        : (COUNTRIES[plain(countryRaw)] ?? countryRaw);
    // enDI keeps one customer per company: the same customer of two activities is one here.
    const dupKey = siren ? `siren:${siren}` : `name:${plain(name)}`;
    const firstId = sameCustomer.get(dupKey);
    if (firstId) {
      const target = keys.get(`customer:${firstId}`);
      if (target) await remember('customer', id, target);
      else failed.add(key);
      continue;
    }
    sameCustomer.set(dupKey, id);
    const c = await attempt(r, key, () =>
      importCustomer(tx, actor, {
        kind: individual ? 'individual' : 'company',
        name,
        siren,
        siret: siret.length === 14 ? siret : null,
        vatNumber: r.get('vatNumber') || null,
        email: r.get('email') || null,
        phone: r.get('phone') || null,
        addressLine1: r.get('address').split(/\r?\n/)[0] ?? '',
        addressLine2: r.get('address').split(/\r?\n/).slice(1).join(', ') || null,
        postalCode: r.get('postalCode'),
        city: r.get('city'),
        countryCode: country,
      }),
    );
    if (!c) continue;
    await remember('customer', id, c.id);
    created.customers++;
  }

  // --- suppliers ----------------------------------------------------------------------------
  const suppliers = records('suppliers');
  const sameSupplier = new Map<string, string>();
  for (const { r, id, key } of identified('supplier', suppliers, 'fournisseurs')) {
    if (keys.has(key)) continue;
    const siret = r.get('siret').replace(/\s/g, '');
    const siren = siret.length >= 9 ? siret.slice(0, 9) : null;
    const name = r.get('companyName');
    const dupKey = siren ? `siren:${siren}` : `name:${plain(name)}`;
    const firstId = sameSupplier.get(dupKey);
    if (firstId) {
      const target = keys.get(`supplier:${firstId}`);
      if (target) await remember('supplier', id, target);
      else failed.add(key);
      continue;
    }
    sameSupplier.set(dupKey, id);
    const countryRaw = r.get('country').trim();
    const s = await attempt(r, key, () =>
      importSupplier(tx, actor, {
        name,
        siren,
        vatNumber: r.get('vatNumber') || null,
        iban: r.get('iban') || null,
        bic: r.get('bic') || null,
        addressLine1: r.get('address') || null,
        postalCode: r.get('postalCode') || null,
        city: r.get('city') || null,
        countryCode: !countryRaw
          ? 'FR'
          : /^[A-Za-z]{2}$/.test(countryRaw)
            ? countryRaw.toUpperCase()
            : (COUNTRIES[plain(countryRaw)] ?? countryRaw),
        email: r.get('email') || null,
      }),
    );
    if (!s) continue;
    await remember('supplier', id, s.id);
    created.suppliers++;
  }

  const linesOf = new Map<string, Record_[]>();
  for (const l of records('lines')) linesOf.set(l.get('document'), [...(linesOf.get(l.get('document')) ?? []), l]);
  /** The lines of a document: from the lines export, else one line carrying its HT; checks its TTC. */
  const documentLines = (r: Record_, id: string, ht: number, ttc: number, label: string): InvoiceLineInput[] | null => {
    const before = problems.length;
    let lines: InvoiceLineInput[] = [];
    const detail = linesOf.get(id) ?? [];
    for (const l of detail) {
      const q = parseMilli(l.get('quantity'));
      const pu = parseCents(l.get('unitPrice'));
      const rate = parseRateBp(l.get('rate'));
      if (q === null) problem(l, `quantité invalide : « ${l.get('quantity')} »`);
      if (pu === null) problem(l, `prix unitaire invalide : « ${l.get('unitPrice')} »`);
      if (rate === null) problem(l, `taux de TVA invalide : « ${l.get('rate')} »`);
      if (q === null || pu === null || rate === null) continue;
      lines.push({
        description: l.get('description') || 'Prestation',
        quantityMilli: q,
        unitPriceCents: Math.abs(pu),
        vatCategory: rate ? 'S' : 'E',
        vatRateBp: rate,
      });
    }
    if (!detail.length) {
      const rateRaw = r.get('rate');
      let rate = rateRaw ? parseRateBp(rateRaw) : null;
      if (rateRaw && rate === null) problem(r, `taux de TVA invalide : « ${rateRaw} »`);
      if (!rateRaw && ht !== 0)
        rate =
          [2000, 1000, 550, 210, 0].find(
            (bp) => Math.abs(Math.round((Math.abs(ht) * bp) / 10000) - (Math.abs(ttc) - Math.abs(ht))) <= 1,
          ) ?? null;
      if (!rateRaw && rate === null)
        problem(r, 'taux de TVA introuvable : ajoutez la colonne « Taux de TVA » ou le fichier des lignes');
      if (rate !== null)
        lines = [
          {
            description: label,
            quantityMilli: 1000,
            unitPriceCents: Math.abs(ht),
            vatCategory: rate ? 'S' : 'E',
            vatRateBp: rate,
          },
        ];
    }
    if (problems.length !== before) return null;
    const t = computeTotals({ lines });
    if (t.totalInclCents !== Math.abs(ttc)) {
      problem(
        r,
        `le TTC recalculé (${(t.totalInclCents / 100).toFixed(2).replace('.', ',')} €) diffère de celui de l'export (${(Math.abs(ttc) / 100).toFixed(2).replace('.', ',')} €)`,
      );
      return null;
    }
    return lines;
  };

  // --- quotes (numbered here: D{YYYY}-NNNN in date order, enDI's number kept in the title) ----
  const QUOTE_STATUS: [RegExp, 'draft' | 'sent' | 'accepted' | 'refused' | 'expired'][] = [
    [/^(signe|accepte|signed|valide)/, 'accepted'],
    [/^(sans suite|refuse|annule|aborted|invalid)/, 'refused'],
    [/^(expire)/, 'expired'],
    [/^(brouillon|draft)/, 'draft'],
    [/^(en attente|envoye|waiting|wait|sent|$)/, 'sent'],
  ];
  const quotePlans: { r: Record_; id: string; issueDate: string; run: () => Promise<void> }[] = [];
  for (const { r, id, key } of identified('quote', records('quotes'))) {
    if (keys.has(key)) continue;
    const before = problems.length;
    const issueDate = parseDate(r.get('date'));
    if (!issueDate) problem(r, `date invalide : « ${r.get('date')} » (attendu JJ/MM/AAAA)`);
    const validityRaw = r.get('validity');
    const validityDate = validityRaw ? parseDate(validityRaw) : null;
    if (validityRaw && !validityDate) problem(r, `date de validité invalide : « ${validityRaw} »`);
    const status = QUOTE_STATUS.find(([re]) => re.test(plain(r.get('status'))))?.[1];
    if (!status) problem(r, `statut de devis inconnu : « ${r.get('status')} »`);
    const activityId = ref(r, 'activity', r.get('activity'), 'enseigne');
    const customerId = ref(r, 'customer', r.get('customer'), 'client');
    const ht = parseCents(r.get('ht'));
    const ttc = parseCents(r.get('ttc'));
    if (ht === null) problem(r, `montant HT invalide : « ${r.get('ht')} »`);
    if (ttc === null) problem(r, `montant TTC invalide : « ${r.get('ttc')} »`);
    const lines =
      problems.length === before && ht !== null && ttc !== null
        ? documentLines(r, id, ht, ttc, r.get('name') || `Reprise enDI ${r.get('number')}`)
        : null;
    if (!lines || !activityId || !customerId || !issueDate || !status || problems.length !== before) {
      failed.add(key);
      continue;
    }
    quotePlans.push({
      r,
      id,
      issueDate,
      run: async () => {
        const q = await attempt(r, key, () =>
          recordImportedQuote(tx, actor, {
            activityId,
            customerId,
            issueDate: issueDate as never,
            validityDate: validityDate as never,
            title: r.get('name') || null,
            lines,
            status,
            originalNumber: r.get('number'),
          }),
        );
        if (!q) return;
        await remember('quote', id, q.id);
        created.quotes++;
      },
    });
  }
  quotePlans.sort((x, y) => x.issueDate.localeCompare(y.issueDate) || x.r.line - y.r.line);
  for (const [i, p] of quotePlans.entries()) {
    opts.progress?.('devis', i, quotePlans.length);
    await p.run();
  }

  // --- invoices and credit notes ------------------------------------------------------------
  const template = await invoiceNumberTemplate(tx, actor);
  const docs: DocPlan[] = [];
  const docRecords = [
    ...records('invoices').map((r) => ({ r, fileKind: '380' as const })),
    ...records('credit_notes').map((r) => ({ r, fileKind: '381' as const })),
  ];
  const numbers = new Map<string, Record_>();
  // Every number of the export, even on rows refused for another reason: a refused row is not a gap.
  const present = new Map<string, Map<number, Record_>>();
  for (const { r } of docRecords) {
    const n = r.get('number');
    const date = parseDate(r.get('date')) ?? (/(19|20)\d\d/.exec(n) ? `${/(19|20)\d\d/.exec(n)![0]}-01-01` : null);
    const act = keys.get(`activity:${r.get('activity')}`);
    if (!n || !date) continue;
    const sr = numberSeriesOf(template, n, { issueDate: date, analyticCode: (act && codeOf.get(act)) || '' });
    if (sr) present.set(sr.seriesKey, (present.get(sr.seriesKey) ?? new Map()).set(sr.seq, r));
  }
  for (const { r, fileKind } of docRecords) {
    const id = r.get('id');
    const type = plain(r.get('type'));
    const typeCode: '380' | '381' = /avoir|cancel|credit/.test(type) ? '381' : type ? '380' : fileKind;
    const kind = typeCode === '381' ? 'credit_note' : 'invoice';
    const key = `${kind}:${id}`;
    if (!id) {
      problem(r, 'identifiant manquant');
      continue;
    }
    if (!once('invoice', r, id)) continue;
    const number = r.get('number');
    if (number) {
      const prev = numbers.get(number);
      if (prev) {
        problem(r, `numéro ${number} en double (déjà ligne ${prev.line} de ${prev.file})`);
        continue;
      }
      numbers.set(number, r);
    }
    if (keys.has(key)) continue;
    const before = problems.length;
    if (!number) problem(r, 'numéro de facture manquant');
    const issueDate = parseDate(r.get('date'));
    if (!issueDate) problem(r, `date invalide : « ${r.get('date')} » (attendu JJ/MM/AAAA)`);
    const dueRaw = r.get('dueDate');
    const dueDate = dueRaw ? parseDate(dueRaw) : null;
    if (dueRaw && !dueDate) problem(r, `échéance invalide : « ${dueRaw} »`);
    const activityId = ref(r, 'activity', r.get('activity'), 'enseigne');
    const customerId = ref(r, 'customer', r.get('customer'), 'client');
    const ht = parseCents(r.get('ht'));
    const ttc = parseCents(r.get('ttc'));
    if (ht === null) problem(r, `montant HT invalide : « ${r.get('ht')} »`);
    if (ttc === null) problem(r, `montant TTC invalide : « ${r.get('ttc')} »`);
    const lines =
      problems.length === before && ht !== null && ttc !== null
        ? (documentLines(r, id, ht, ttc, r.get('name') || `Reprise enDI ${number}`) ?? [])
        : [];
    if (problems.length !== before || !activityId || !customerId || !issueDate) {
      failed.add(key);
      continue;
    }
    const analyticCode = codeOf.get(activityId) ?? '';
    docs.push({
      rec: r,
      id,
      typeCode,
      number,
      issueDate,
      dueDate,
      activityId,
      analyticCode,
      customerId,
      originalRef: r.get('original'),
      lines,
      pdf: r.get('pdf'),
      series: numberSeriesOf(template, number, { issueDate, analyticCode }),
    });
  }
  // Numbers that follow our template continue our series: they must leave no gap after the
  // counter, or `radieuse check` would find one (and our next number would not follow them).
  const counters = await numberSeriesCounters(tx, actor);
  const gappedNumbers = new Set<string>();
  for (const [series, recs] of present) {
    let expected = (counters.get(series) ?? 0) + 1;
    for (const seq of [...recs.keys()].sort((x, y) => x - y)) {
      if (seq > expected) {
        const r = recs.get(seq)!;
        problem(
          r,
          `numérotation discontinue : ${seq - expected} numéro(s) manquant(s) avant ${r.get('number')} dans la série ${series} (à partir du n° ${expected}) ; ajoutez les factures manquantes à l'export`,
        );
        gappedNumbers.add(r.get('number'));
      }
      expected = Math.max(expected, seq + 1);
    }
  }
  const gapped = new Set(docs.filter((d) => gappedNumbers.has(d.number)));
  docs.sort(
    (a, b) =>
      (a.typeCode === b.typeCode ? 0 : a.typeCode === '380' ? -1 : 1) ||
      a.issueDate.localeCompare(b.issueDate) ||
      (a.series?.seq ?? 0) - (b.series?.seq ?? 0) ||
      a.number.localeCompare(b.number),
  );
  const numberToId = new Map<string, string>();
  for (const [i, d] of docs.entries()) {
    opts.progress?.('factures et avoirs', i, docs.length);
    if (gapped.has(d)) continue;
    const kind = d.typeCode === '381' ? 'credit_note' : 'invoice';
    const key = `${kind}:${d.id}`;
    let precedingInvoiceId: string | null = null;
    if (d.typeCode === '381') {
      const o = d.originalRef;
      precedingInvoiceId = keys.get(`invoice:${o}`) ?? numberToId.get(o) ?? null;
      if (!precedingInvoiceId) {
        if (!failed.has(`invoice:${o}`) && !docs.some((x) => x.number === o && gapped.has(x)))
          problem(d.rec, o ? `facture d'origine ${o} introuvable` : "facture d'origine de l'avoir manquante");
        failed.add(key);
        continue;
      }
    }
    let originalFileId: string | null = null;
    if (d.pdf && bundle.storedPdfs) {
      // Uploaded through the page: stored (and typed as a PDF) when it was received.
      const stored = bundle.storedPdfs.get(d.pdf.split(/[\\/]/).pop()!);
      if (!stored) {
        problem(d.rec, `PDF introuvable parmi les fichiers déposés : ${d.pdf}`);
        failed.add(key);
        continue;
      }
      originalFileId = stored;
    } else if (d.pdf) {
      const path = resolve(bundle.dir, d.pdf);
      if (!path.startsWith(resolve(bundle.dir) + sep) || !existsSync(path) || !statSync(path).isFile()) {
        problem(d.rec, `PDF introuvable dans le dossier : ${d.pdf}`);
        failed.add(key);
        continue;
      }
      const stored = await attempt(d.rec, key, () =>
        storeFile(tx, opts.fileKey, {
          cooperativeId: actor.cooperativeId,
          name: d.pdf.split(/[\\/]/).pop()!,
          purpose: 'imported-document',
          content: readFileSync(path),
          createdBy: actor.userId,
        }),
      );
      if (!stored) continue;
      originalFileId = stored.id;
    }
    const inv = await attempt(d.rec, key, () =>
      recordImportedInvoice(tx, actor, {
        typeCode: d.typeCode,
        number: d.number,
        issueDate: d.issueDate as never,
        dueDate: d.dueDate as never,
        activityId: d.activityId,
        customerId: d.customerId,
        lines: d.lines,
        precedingInvoiceId,
        source: SOURCE,
        originalFileId,
        notes: d.rec.get('name') || null,
      }),
    );
    if (!inv) continue;
    if (originalFileId && bundle.storedPdfs) usedFiles.push(originalFileId);
    numberToId.set(d.number, inv.id);
    await remember(kind, d.id, inv.id);
    if (d.typeCode === '381') created.credit_notes++;
    else created.invoices++;
  }

  // --- payments -----------------------------------------------------------------------------
  const payments = records('payments');
  for (const { r, id, key } of identified('payment', payments, 'paiements')) {
    if (keys.has(key)) continue;
    const invRef = r.get('invoice');
    const invoiceId = keys.get(`invoice:${invRef}`) ?? numberToId.get(invRef) ?? null;
    const date = parseDate(r.get('date'));
    const amount = parseCents(r.get('amount'));
    const before = problems.length;
    if (!invoiceId) {
      const docFailed =
        failed.has(`invoice:${invRef}`) ||
        docs.some((d) => d.number === invRef && (gapped.has(d) || failed.has(`invoice:${d.id}`)));
      if (!docFailed) problem(r, invRef ? `facture ${invRef} introuvable` : 'facture du paiement manquante');
    }
    if (!date) problem(r, `date invalide : « ${r.get('date')} » (attendu JJ/MM/AAAA)`);
    if (amount === null || amount <= 0) problem(r, `montant invalide : « ${r.get('amount')} »`);
    if (!invoiceId || problems.length !== before) {
      failed.add(key);
      continue;
    }
    const mode = plain(r.get('mode'));
    const method = METHODS.find(([re]) => re.test(mode))?.[1] ?? (mode || 'virement');
    const paid = await attempt(r, key, () =>
      recordImportedPayment(tx, actor, invoiceId, {
        date: date as never,
        amountCents: amount!,
        method,
        reference: r.get('reference') || null,
      }),
    );
    if (!paid) continue;
    await remember('payment', id, invoiceId); // payments are found through their invoice
    created.payments++;
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { created, problems, usedFiles };
}

class Rollback extends Error {}

/**
 * The whole import in one transaction, committed only when there is no problem and it is not a
 * dry run. It runs as the system (like `radieuse user create`) because it creates the people's
 * accounts, which a cooperative's own transaction may not; the cooperative is still set for the
 * transaction and every service called filters by the actor's cooperative and checks its rights.
 */
export async function runEndiImport(
  db: Db,
  actor: Actor,
  bundle: EndiBundle,
  opts: ImportOptions & { dryRun?: boolean },
): Promise<ImportReport> {
  authorize(actor, MIGRATION.importHistory);
  let report: ImportReport | undefined;
  try {
    await withSystem(db, async (tx) => {
      await sql`select set_config('app.cooperative_id', ${actor.cooperativeId}, true)`.execute(tx);
      report = await importEndi(tx, actor, bundle, opts);
      if (opts.dryRun || report.problems.length) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  if (!report) throw new Error('import interrompu');
  return report;
}

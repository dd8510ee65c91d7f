// Purchases in the inbox: the entrepreneur is reminded to submit last month's expense sheet (due
// on the 5th) and to add the missing receipts; support and accountants see supplier invoices to
// approve and expense sheets to validate. Read-only: computed from the purchases tables.
import { sql } from 'kysely';
import { hasRole, type Actor } from '../../core/actor.ts';
import { can } from '../../core/authz.ts';
import { applyBasisPoints, formatEuros, formatRateBp } from '../../core/money.ts';
import {
  registerInboxProvider,
  registerCheck,
  registerValidationSource,
  median,
  findingsOf,
  batchedCheck,
  type InboxItem,
} from '../inbox/index.ts';
import {
  listMyReports,
  listSupplierInvoices,
  type getExpenseReport,
  getExpenseReports,
  getSupplierInvoices,
  reportsToValidate,
  validateExpenseReports,
  approveSupplierInvoice,
  vatIncluded,
  categoryOf,
  PURCHASES,
  reasonLabel,
  type ExpenseLine,
} from './index.ts';
// Inside the module: the cooperative's limits per category, read the same way the sheet shows them.
import { limitsOf } from './expense.service.ts';
import { purchasesDb } from './db.ts';

type TenantTx = Parameters<Parameters<typeof registerCheck>[0]['run']>[0];
/** The transaction purchases' services take. */
type Tx = Parameters<typeof getExpenseReport>[0];

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
const monthName = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;
/** Last month's expense sheet is expected by this day. */
export const EXPENSE_SUBMIT_DUE_DAY = 5;
const previousMonth = (today: string) => {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
const fmtDay = (d: string) => d.split('-').reverse().join('/');

registerInboxProvider({
  name: 'purchases',
  async items(trx, actor, today) {
    const items: InboxItem[] = [];
    if (hasRole(actor, 'entrepreneur', 'cape') && actor.userId) {
      // Their activities' supplier invoices refused (for a month) or in dispute (until settled):
      // the supplier will come back to them.
      const monthAgo = new Date(Date.now() - 30 * 86_400_000);
      for (const inv of await listSupplierInvoices(trx, actor, { statuses: ['refused', 'disputed'] }))
        if (inv.status === 'disputed' || (inv.decidedAt && inv.decidedAt >= monthAgo))
          items.push({
            key: `purchases.supplier_invoice.${inv.status}:${inv.id}`,
            kind: `purchases.supplier_invoice.${inv.status}`,
            urgency: inv.status === 'disputed' ? 'medium' : 'low',
            dueDate: null,
            title: `La facture ${inv.supplierNumber} de ${inv.supplierName} (${formatEuros(inv.totalInclCents)}) est ${inv.status === 'refused' ? 'refusée' : 'en litige'}`,
            why: `Motif : ${reasonLabel(inv.decisionReason) ?? 'non précisé'}. ${inv.status === 'refused' ? 'Elle ne sera pas payée ; le fournisseur doit en émettre une nouvelle.' : 'Elle ne sera payée qu’une fois le litige réglé avec le fournisseur.'}`,
            action: { label: 'Voir la facture', href: `/factures-fournisseurs/${inv.id}` },
            link: `/factures-fournisseurs/${inv.id}`,
          });
    }
    if (hasRole(actor, 'entrepreneur') && actor.userId) {
      const prev = previousMonth(today);
      const due = `${today.slice(0, 7)}-0${EXPENSE_SUBMIT_DUE_DAY}`;
      const sheet = (await listMyReports(trx, actor)).find(
        (r) => r.month === prev && r.status === 'draft' && r.totalCents > 0,
      );
      if (sheet) {
        items.push({
          key: `purchases.expense.submit:${sheet.id}`,
          kind: 'purchases.expense.submit',
          urgency: today > due ? 'high' : 'medium',
          dueDate: due,
          title: `Soumettez votre note de frais de ${monthName(prev)}`,
          why: `${formatEuros(sheet.totalCents)} de dépenses attendent : sans envoi, elles ne vous seront pas remboursées.`,
          action: { label: 'Envoyer ma note de frais', href: `/notes-de-frais?mois=${prev}` },
          link: `/notes-de-frais?mois=${prev}`,
        });
      }
      const missing = await purchasesDb(trx)
        .selectFrom('expense_line')
        .innerJoin('expense_report', (j) =>
          j
            .onRef('expense_report.cooperative_id', '=', 'expense_line.cooperative_id')
            .onRef('expense_report.id', '=', 'expense_line.report_id'),
        )
        .select([
          'expense_line.id',
          'expense_line.date',
          'expense_line.description',
          'expense_line.amount_incl_cents',
          'expense_report.month',
        ])
        .where('expense_line.cooperative_id', '=', actor.cooperativeId)
        .where('expense_report.user_id', '=', actor.userId)
        .where('expense_report.status', '=', 'draft')
        .where('expense_line.receipt_file_id', 'is', null)
        .orderBy('expense_line.date')
        .orderBy('expense_line.id')
        .limit(50)
        .execute();
      for (const l of missing) {
        items.push({
          key: `purchases.expense.receipt:${l.id}`,
          kind: 'purchases.expense.receipt',
          urgency: 'medium',
          dueDate: null,
          title: `Ajoutez le justificatif de « ${l.description} » (${formatEuros(Number(l.amount_incl_cents))}, ${fmtDay(l.date)})`,
          why: 'Sans justificatif, la dépense ne peut pas être remboursée ni déduite.',
          action: { label: 'Ajouter le justificatif', href: `/notes-de-frais?mois=${l.month}` },
          link: `/notes-de-frais?mois=${l.month}`,
        });
      }
    }
    if (hasRole(actor, 'support', 'accountant')) {
      for (const inv of await listSupplierInvoices(trx, actor, { status: 'to_approve' })) {
        items.push({
          key: `purchases.supplier_invoice.approve:${inv.id}`,
          kind: 'purchases.supplier_invoice.approve',
          urgency: 'medium',
          dueDate: inv.dueDate,
          title: `Approuvez la facture ${inv.supplierNumber} de ${inv.supplierName} (${formatEuros(inv.totalInclCents)})`,
          why: "Le fournisseur ne sera payé et la dépense comptabilisée qu'après votre approbation.",
          action: { label: 'Voir la facture', href: `/factures-fournisseurs/${inv.id}` },
          link: `/factures-fournisseurs/${inv.id}`,
        });
      }
      const n = await purchasesDb(trx)
        .selectFrom('expense_report')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      const count = Number(n.n);
      if (count > 0) {
        items.push({
          key: 'purchases.expense.validate',
          kind: 'purchases.expense.validate',
          urgency: 'medium',
          dueDate: null,
          title: count === 1 ? 'Validez 1 note de frais' : `Validez ${count} notes de frais`,
          why: 'Les entrepreneur·es attendent leur remboursement ; les notes sans anomalie se valident en un clic.',
          action: { label: 'Valider les notes de frais', href: '/notes-de-frais/a-valider' },
          link: '/notes-de-frais/a-valider',
        });
      }
    }
    return items;
  },
});

// ── Automatic checks ──────────────────────────────────────────────────────────────────────────
// Expense reports ('expense') and supplier invoices ('purchase') go through the same registry as
// invoices: the validation queue lists the clean ones for a batch and the others with these
// findings. Each finding says what is wrong and how to fix it.

/** Types a receipt or an invoice can be read from (what the OCR and the PDF reader open). */
const READABLE_TYPES = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'application/xml',
]);
/** Below this many bytes an image or a PDF holds no legible receipt (a blank or broken upload). */
export const MIN_READABLE_BYTES = 200;
const day = (d: string) => d.split('-').reverse().join('/');

/** The stored files among `ids` that cannot be read back: missing, empty, tiny or of another type. */
async function unreadableFiles(trx: TenantTx, actor: Actor, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await purchasesDb(trx)
    .selectFrom('stored_file')
    .select(['id', 'mime_type', 'size'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', 'in', ids)
    .execute();
  const ok = new Set(
    rows.filter((r) => READABLE_TYPES.has(r.mime_type) && Number(r.size) >= MIN_READABLE_BYTES).map((r) => r.id),
  );
  return new Set(ids.filter((id) => !ok.has(id)));
}

/** The expense reports among `ids` the actor may read, loaded together (a fixed number of queries). */
async function reportsOf(trx: TenantTx, actor: Actor, ids: string[]) {
  return [...(await getExpenseReports(trx as unknown as Tx, actor, ids)).values()];
}

registerCheck<{ missing: string[]; unreadable: string[] }>({
  id: 'expense.receipt',
  documentType: 'expense',
  severity: 'warning',
  label: 'Justificatif présent et lisible',
  ...batchedCheck(reportsOf, async (trx, actor, reports) => {
    const bad = await unreadableFiles(
      trx,
      actor,
      reports.flatMap((r) => r.lines.map((l) => l.receiptFileId).filter((f): f is string => !!f)),
    );
    const what = (l: ExpenseLine) => `« ${l.description} » (${formatEuros(l.amountInclCents)}, ${day(l.date)})`;
    return findingsOf(reports, (r) => {
      const missing = r.lines.filter((l) => !l.receiptFileId).map(what);
      const unreadable = r.lines.filter((l) => l.receiptFileId && bad.has(l.receiptFileId)).map(what);
      return missing.length || unreadable.length ? { missing, unreadable } : null;
    });
  }),
  explain: (d) =>
    [
      d.missing.length
        ? `Justificatif manquant pour ${d.missing.join(', ')} : sans lui la dépense ne peut être ni remboursée ni déduite. Renvoyez la note pour que la photo du ticket soit ajoutée.`
        : '',
      d.unreadable.length
        ? `Le justificatif de ${d.unreadable.join(', ')} ne peut pas être lu (fichier vide ou d'un type inattendu) : demandez une photo nette ou le PDF.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
});

function implausibleVat(r: Awaited<ReturnType<typeof reportsOf>>[number]) {
  const lines: string[] = [];
  for (const l of r.lines) {
    const cat = categoryOf(l.category);
    if (!cat || cat.plausibleVatBp.some((bp) => Math.abs(vatIncluded(l.amountInclCents, bp) - l.vatCents) <= 2))
      continue;
    lines.push(
      `« ${l.description} » : ${formatEuros(l.vatCents)} de TVA sur ${formatEuros(l.amountInclCents)} TTC, alors que pour « ${cat.label} » on attend ${cat.plausibleVatBp.map(formatRateBp).join(' ou ')}`,
    );
  }
  return lines.length ? { lines } : null;
}
registerCheck<{ lines: string[] }>({
  id: 'expense.vat',
  documentType: 'expense',
  severity: 'warning',
  label: 'TVA vraisemblable pour la catégorie',
  ...batchedCheck(reportsOf, async (_trx, _actor, reports) => findingsOf(reports, implausibleVat)),
  explain: (d) =>
    `TVA peu vraisemblable — ${d.lines.join(' ; ')}. Corrigez la TVA d'après le ticket ou choisissez la bonne catégorie.`,
});

registerCheck<{ lines: string[] }>({
  id: 'expense.duplicate',
  documentType: 'expense',
  severity: 'warning',
  label: 'Dépense en double',
  ...batchedCheck(reportsOf, async (trx, actor, reports) => {
    const all = reports.flatMap((r) => r.lines);
    if (!all.length) return new Map();
    // Same file anywhere in the cooperative, or the same person's same amount, date and
    // category (the merchant of an expense line is its description, typed freely: too loose):
    // the candidates of every line in one query, each line then keeps its own.
    const hashes = [...new Set(all.map((l) => l.receiptSha256).filter((h): h is string => !!h))];
    const candidates = await purchasesDb(trx)
      .selectFrom('expense_line as l')
      .innerJoin('expense_report as r', (j) =>
        j.onRef('r.cooperative_id', '=', 'l.cooperative_id').onRef('r.id', '=', 'l.report_id'),
      )
      .select(['l.id', 'l.date', 'l.amount_incl_cents', 'l.category', 'r.month', 'r.user_id', 'l.receipt_sha256'])
      .where('l.cooperative_id', '=', actor.cooperativeId)
      .where((eb) =>
        eb.or([
          ...(hashes.length ? [eb('l.receipt_sha256', 'in', hashes)] : []),
          eb.and([
            eb('r.user_id', 'in', [...new Set(reports.map((r) => r.userId))]),
            eb('l.date', 'in', [...new Set(all.map((l) => l.date))]),
            eb('l.amount_incl_cents', 'in', [...new Set(all.map((l) => l.amountInclCents))]),
          ]),
        ]),
      )
      .orderBy('l.date')
      .orderBy('l.id')
      .execute();
    return findingsOf(reports, (r) => {
      const lines: string[] = [];
      for (const l of r.lines) {
        const other = candidates.find(
          (o) =>
            o.id !== l.id &&
            ((!!l.receiptSha256 && o.receipt_sha256 === l.receiptSha256) ||
              (o.user_id === r.userId &&
                String(o.date) === String(l.date) &&
                Number(o.amount_incl_cents) === l.amountInclCents &&
                o.category === l.category)),
        );
        if (!other) continue;
        lines.push(
          other.receipt_sha256 && other.receipt_sha256 === l.receiptSha256
            ? `le justificatif de « ${l.description} » est le même fichier qu'une dépense du ${day(other.date)}`
            : `« ${l.description} » (${formatEuros(l.amountInclCents)}, ${day(l.date)}) figure déjà dans la note de ${other.month}`,
        );
      }
      return lines.length ? { lines } : null;
    });
  }),
  explain: (d) =>
    `Doublon probable : ${d.lines.join(' ; ')}. Une même dépense ne se rembourse qu'une fois : renvoyez la note pour retirer la ligne en trop.`,
});

registerCheck<{ lines: string[] }>({
  id: 'expense.limit',
  documentType: 'expense',
  severity: 'warning',
  label: 'Plafond par catégorie',
  ...batchedCheck(reportsOf, async (trx, actor, reports) => {
    if (!reports.length) return new Map();
    const limits = await limitsOf(trx as unknown as Tx, actor.cooperativeId);
    return findingsOf(reports, (r) => {
      const lines: string[] = [];
      for (const l of r.lines) {
        const cat = categoryOf(l.category);
        const limit = limits[l.category];
        if (cat && limit != null && l.amountInclCents > limit)
          lines.push(
            `« ${l.description} » (${formatEuros(l.amountInclCents)}) dépasse le plafond « ${cat.label} » de ${formatEuros(limit)}`,
          );
      }
      return lines.length ? { lines } : null;
    });
  }),
  explain: (d) =>
    `${d.lines.join(' ; ')}. Vérifiez qu'il s'agit d'une seule dépense justifiée ; sinon renvoyez la note pour la scinder ou la corriger.`,
});

/** The supplier invoices among `ids` the actor may read, loaded together (a fixed number of queries). */
async function supplierInvoicesOf(trx: TenantTx, actor: Actor, ids: string[]) {
  return [...(await getSupplierInvoices(trx as unknown as Tx, actor, ids)).values()];
}
type Purchase = Awaited<ReturnType<typeof supplierInvoicesOf>>[number];

registerCheck<{ reason: 'missing' | 'unreadable' }>({
  id: 'purchase.file',
  documentType: 'purchase',
  severity: 'warning',
  label: 'Document de la facture présent et lisible',
  ...batchedCheck(supplierInvoicesOf, async (trx, actor, invs) => {
    const bad = await unreadableFiles(
      trx,
      actor,
      invs.map((i) => i.fileId).filter((f): f is string => !!f),
    );
    return findingsOf(invs, (inv) =>
      !inv.fileId ? { reason: 'missing' as const } : bad.has(inv.fileId) ? { reason: 'unreadable' as const } : null,
    );
  }),
  explain: (d) =>
    d.reason === 'missing'
      ? "Aucun document joint : ajoutez le PDF ou la photo de la facture du fournisseur (il faut l'original pour payer et déduire la TVA)."
      : 'Le document joint ne peut pas être lu (fichier vide ou d’un type inattendu) : demandez le PDF au fournisseur et joignez-le.',
});

/** VAT rates in force in mainland France and Corsica/DOM (bp). */
const LEGAL_VAT_BP = [0, 210, 550, 850, 1000, 2000];
/** Accounts whose purchases carry no VAT in France (insurance premiums are exempt, CGI art. 261 C). */
const VAT_EXEMPT_ACCOUNTS: Record<string, string> = { '616': "Primes d'assurances" };

function vatProblems(inv: Purchase) {
  const problems: string[] = [];
  for (const l of inv.lines) {
    if (!LEGAL_VAT_BP.includes(l.vatRateBp))
      problems.push(`le taux ${formatRateBp(l.vatRateBp)} n'existe pas en France`);
    else if (Math.abs(applyBasisPoints(l.exclCents, l.vatRateBp) - l.vatCents) > 2)
      problems.push(
        `${formatEuros(l.vatCents)} de TVA sur ${formatEuros(l.exclCents)} HT ne correspond pas au taux ${formatRateBp(l.vatRateBp)}`,
      );
    if (VAT_EXEMPT_ACCOUNTS[inv.account] && l.vatCents > 0)
      problems.push(`des « ${VAT_EXEMPT_ACCOUNTS[inv.account]} » ne portent pas de TVA`);
  }
  return problems.length ? { problems: [...new Set(problems)] } : null;
}
registerCheck<{ problems: string[] }>({
  id: 'purchase.vat',
  documentType: 'purchase',
  severity: 'warning',
  label: 'TVA vraisemblable',
  ...batchedCheck(supplierInvoicesOf, async (_trx, _actor, invs) => findingsOf(invs, vatProblems)),
  explain: (d) =>
    `TVA à vérifier : ${d.problems.join(' ; ')}. Corrigez les montants d'après la facture du fournisseur.`,
});

registerCheck<{ number: string; date: string; sameFile: boolean }>({
  id: 'purchase.duplicate',
  documentType: 'purchase',
  severity: 'warning',
  label: 'Facture fournisseur en double',
  ...batchedCheck(supplierInvoicesOf, async (trx, actor, invs) => {
    if (!invs.length) return new Map();
    // Same supplier, amount and day: the candidates of every invoice in one query.
    const same = await purchasesDb(trx)
      .selectFrom('supplier_invoice')
      .select(['id', 'supplier_id', 'total_incl_cents', 'supplier_number', 'issue_date'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('supplier_id', 'in', [...new Set(invs.map((i) => i.supplierId))])
      .where('total_incl_cents', 'in', [...new Set(invs.map((i) => i.totalInclCents))])
      .where('issue_date', 'in', [...new Set(invs.map((i) => i.issueDate))])
      .orderBy('id')
      .execute();
    // The same file under another number: compare the content hashes of the stored files.
    const files = [...new Set(invs.map((i) => i.fileId).filter((f): f is string => !!f))];
    const sameFile = files.length
      ? (
          await sql<{ file_id: string; id: string; supplier_number: string; issue_date: string }>`
      select mine.id as file_id, i.id, i.supplier_number, i.issue_date::text as issue_date
      from supplier_invoice i
      join stored_file f on f.cooperative_id = i.cooperative_id and f.id = i.file_id
      join stored_file mine on mine.cooperative_id = i.cooperative_id and mine.id in (${sql.join(files)})
      where i.cooperative_id = ${actor.cooperativeId} and f.sha256 = mine.sha256
      order by i.id`.execute(purchasesDb(trx))
        ).rows
      : [];
    return findingsOf(invs, (inv) => {
      const s = same.find(
        (o) =>
          o.id !== inv.id &&
          o.supplier_id === inv.supplierId &&
          Number(o.total_incl_cents) === inv.totalInclCents &&
          String(o.issue_date) === String(inv.issueDate),
      );
      if (s) return { number: s.supplier_number, date: s.issue_date, sameFile: false };
      const o = inv.fileId ? sameFile.find((x) => x.file_id === inv.fileId && x.id !== inv.id) : undefined;
      return o ? { number: o.supplier_number, date: o.issue_date, sameFile: true } : null;
    });
  }),
  explain: (d) =>
    d.sameFile
      ? `Le même fichier est déjà joint à la facture ${d.number} du ${day(d.date)} : c'est sans doute la même facture, à ne payer qu'une fois. Supprimez le brouillon en trop.`
      : `Une facture de ce fournisseur du même jour et du même montant existe déjà (n° ${d.number}, ${day(d.date)}) : vérifiez qu'il ne s'agit pas de la même avant d'approuver.`,
});

// There is no purchase order in Radieuse yet: an invoice is matched against what this supplier
// usually bills (the median of its approved invoices). When purchase orders or supplier quotes
// exist, this check should compare with the order instead.
registerCheck<{ amount: number; usual: number; factor: number; count: number; supplier: string }>({
  id: 'purchase.expected-amount',
  documentType: 'purchase',
  severity: 'warning',
  label: 'Montant attendu pour ce fournisseur',
  ...batchedCheck(supplierInvoicesOf, async (trx, actor, invs, ctx) => {
    if (!invs.length) return new Map();
    const all = await purchasesDb(trx)
      .selectFrom('supplier_invoice')
      .select(['id', 'supplier_id', 'total_incl_cents'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('supplier_id', 'in', [...new Set(invs.map((i) => i.supplierId))])
      .where('status', 'in', ['approved', 'paid'])
      .execute();
    const t = ctx.thresholds;
    return findingsOf(invs, (inv) => {
      const past = all.filter((p) => p.supplier_id === inv.supplierId && p.id !== inv.id);
      if (past.length < t.outlierMinHistory) return null;
      const usual = median(past.map((p) => Number(p.total_incl_cents)));
      if (usual <= 0 || inv.totalInclCents <= usual * t.outlierFactor) return null;
      return {
        amount: inv.totalInclCents,
        usual,
        factor: t.outlierFactor,
        count: past.length,
        supplier: inv.supplierName,
      };
    });
  }),
  explain: (d) =>
    `${formatEuros(d.amount)}, c'est plus de ${d.factor} fois ce que ${d.supplier} facture d'habitude (${formatEuros(d.usual)}, médiane de ${d.count} factures). Vérifiez la commande ou le devis du fournisseur avant d'approuver.`,
});

// ── The validation queue: expense reports and supplier invoices validated by exception ──────────

registerValidationSource({
  documentType: 'expense',
  module: 'purchases',
  label: 'Notes de frais',
  noun: 'note de frais',
  canValidate: (actor) => can(actor, PURCHASES.expenseValidate),
  async pending(trx, actor) {
    return (await reportsToValidate(trx as unknown as Tx, actor)).map((r) => ({
      id: r.id,
      title: `Note de frais de ${r.personName}, ${monthName(r.month)}`,
      date: null,
      amountCents: r.totalCents,
      link: `/notes-de-frais/${r.id}`,
    }));
  },
  async validate(trx, actor, id) {
    await validateExpenseReports(trx as unknown as Tx, actor, [id]);
  },
});

registerValidationSource({
  documentType: 'purchase',
  module: 'purchases',
  label: 'Factures fournisseurs',
  noun: 'facture fournisseur',
  canValidate: (actor) => can(actor, PURCHASES.supplierInvoiceApprove),
  async pending(trx, actor) {
    return (await listSupplierInvoices(trx as unknown as Tx, actor, { status: 'to_approve' })).reverse().map((i) => ({
      id: i.id,
      title: `Facture ${i.supplierNumber} de ${i.supplierName}`,
      date: i.issueDate,
      amountCents: i.totalInclCents,
      link: `/factures-fournisseurs/${i.id}`,
    }));
  },
  async validate(trx, actor, id) {
    await approveSupplierInvoice(trx as unknown as Tx, actor, id);
  },
});

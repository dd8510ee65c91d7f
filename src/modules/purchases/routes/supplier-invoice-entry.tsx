import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../../web/request-guards.ts';
import { setFlash } from '../../../web/middleware.ts';
import type { Tx } from '../../../core/db/tenant.ts';
import type { Actor } from '../../../core/actor.ts';
import { todayParis } from '../../../core/dates.ts';
import { parseCents } from '../../../core/money.ts';
import { storeFile } from '../../../core/files.ts';
import { activitiesFor } from '../../directory/index.ts';
import { createSupplier, findSupplierBySiren } from '../supplier.service.ts';
import { createSupplierInvoice } from '../supplier-invoice.service.ts';
import { NeedsOcrError, readIncomingDocument, type ParsedInvoice } from '../incoming.ts';
import { queueSupplierInvoiceReading, RECEIPT_READING_QUEUE, supplierInvoiceReading } from '../receipt-reading.ts';
import { SupplierReadingProgress } from '../receipt-routes.tsx';
import { requestJob } from '../../../core/jobs.ts';
import { tenant, fileKey, multipart, badRequest } from './kit.ts';
import { VAT_RATES, ROWS, SPLITS, euros, SOURCE_LABEL } from '../views/kit.tsx';
import { supplierInput } from './suppliers.tsx';
import { invoiceFormPage } from './supplier-invoice-form.tsx';

export const supplierInvoiceEntryRoutes = new Hono<AppEnv>();

/** One VAT row from a total read in text: with the VAT found, or split at 20 % when it was not. */
function textRow(total: number, vat: number | null): { rate: number; excl: number; vat: number } {
  if (vat != null && vat >= 0 && vat < total)
    return { rate: total - vat > 0 ? Math.round((vat * 10000) / (total - vat)) : 0, excl: total - vat, vat };
  const excl = Math.round((total * 10000) / 12000);
  return { rate: 2000, excl, vat: total - excl };
}
/** Form values from what was read in the document. */
async function prefill(trx: Tx, actor: Actor, p: ParsedInvoice, activityId: string): Promise<Record<string, string>> {
  const v: Record<string, string> = {
    supplierNumber: p.number ?? '',
    issueDate: p.issueDate ?? '',
    dueDate: p.dueDate ?? '',
    account: '604',
    source: p.format,
    new_name: p.seller.name ?? '',
    new_siren: p.seller.siren ?? '',
    new_vatNumber: p.seller.vatNumber ?? '',
    new_iban: p.seller.iban ?? '',
    new_bic: p.seller.bic ?? '',
    new_addressLine1: p.seller.addressLine1 ?? '',
    new_postalCode: p.seller.postalCode ?? '',
    new_city: p.seller.city ?? '',
    new_countryCode: p.seller.countryCode ?? 'FR',
    expectedTotal: p.structured && p.totalInclCents != null ? String(p.totalInclCents) : '',
  };
  const known = p.seller.siren ? await findSupplierBySiren(trx, actor, p.seller.siren) : null;
  v.supplierId = known?.id ?? '';
  const rows = p.vat.length
    ? p.vat.map((x) => ({ rate: x.rateBp, excl: x.baseCents, vat: x.vatCents }))
    : p.totalInclCents != null
      ? [textRow(p.totalInclCents, p.vatCents)]
      : [];
  rows.slice(0, ROWS).forEach((r, i) => {
    const nearest = VAT_RATES.map(([k]) => Number(k)).reduce(
      (best, k) => (Math.abs(k - r.rate) < Math.abs(best - r.rate) ? k : best),
      2000,
    );
    v[`l${i}_rate`] = String(nearest);
    v[`l${i}_excl`] = euros(r.excl);
    v[`l${i}_vat`] = euros(r.vat);
    v[`l${i}_description`] = p.lines.find((l) => l.vatRateBp === r.rate)?.description ?? '';
  });
  const totalExcl = rows.reduce((s, r) => s + r.excl, 0);
  v.s0_activity = activityId;
  v.s0_amount = totalExcl ? euros(totalExcl) : '';
  return v;
}

supplierInvoiceEntryRoutes.get('/factures-fournisseurs/nouvelle', async (c) => {
  const lecture = c.req.query('lecture');
  if (lecture) {
    // A photo or a scan read in the background: progress until read, then the form filled from it.
    const r = await tenant(c, (trx, a) => supplierInvoiceReading(trx, a, lecture));
    if (!r.batch.finished) return invoiceFormPage(c, {}, null, undefined, <SupplierReadingProgress batch={r.batch} />);
    if (!r.parsed) return invoiceFormPage(c, {}, { file: r.batch.items[0]?.message ?? 'Document illisible.' });
    const parsed = r.parsed;
    const values = await tenant(c, async (trx, a) => {
      const acts = await activitiesFor(trx, a);
      return { ...(await prefill(trx, a, parsed, acts.length === 1 ? acts[0].id : '')), fileId: r.fileId };
    });
    return invoiceFormPage(
      c,
      values,
      null,
      "Champs suggérés à partir de la lecture du document (OCR) : vérifiez-les avant d'envoyer.",
    );
  }
  const acts = await tenant(c, (trx, a) => activitiesFor(trx, a));
  return invoiceFormPage(
    c,
    { account: '604', issueDate: todayParis(), s0_activity: acts.length === 1 ? acts[0].id : '' },
    null,
  );
});

supplierInvoiceEntryRoutes.post('/factures-fournisseurs/lire', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
  const { file } = await multipart(c, 'file');
  if (!file) return invoiceFormPage(c, {}, { file: 'Choisissez un fichier.' });
  let parsed: ParsedInvoice;
  try {
    // E-invoices and text layers are read at once; a photo or a scan goes to the background job.
    parsed = await readIncomingDocument(file.content, file.mimeType, { ocr: false });
  } catch (e) {
    if (e instanceof NeedsOcrError) {
      try {
        const q = await tenant(c, (trx, a) => queueSupplierInvoiceReading(trx, a, fileKey(c), file));
        await requestJob(RECEIPT_READING_QUEUE, { cooperativeId: actorOf(c).cooperativeId });
        return c.redirect(`/factures-fournisseurs/nouvelle?lecture=${q.batchId}`);
      } catch (e2) {
        return invoiceFormPage(c, {}, badRequest(e2));
      }
    }
    return invoiceFormPage(c, {}, badRequest(e));
  }
  try {
    const values = await tenant(c, async (trx, a) => {
      const stored = await storeFile(trx, fileKey(c), {
        cooperativeId: a.cooperativeId,
        name: file.name,
        purpose: 'supplier-invoice',
        content: file.content,
        createdBy: a.userId,
      });
      const acts = await activitiesFor(trx, a);
      return { ...(await prefill(trx, a, parsed, acts.length === 1 ? acts[0].id : '')), fileId: stored.id };
    });
    const info = parsed.structured
      ? `Facture électronique lue (${SOURCE_LABEL[parsed.format]}) : tous les champs viennent du fichier.`
      : "Champs suggérés à partir du texte du document : vérifiez-les avant d'envoyer.";
    return invoiceFormPage(c, values, null, info);
  } catch (e) {
    return invoiceFormPage(c, {}, badRequest(e));
  }
});

supplierInvoiceEntryRoutes.post('/factures-fournisseurs', async (c) => {
  const f = await formValues(c);
  const errors: Record<string, string> = {};
  const lines: { description: string; vatRateBp: number; exclCents: number; vatCents: number | null }[] = [];
  for (let i = 0; i < ROWS; i++) {
    const excl = f[`l${i}_excl`]?.trim();
    const vat = f[`l${i}_vat`]?.trim();
    if (!excl && !vat) continue;
    const ec = parseCents(excl ?? '');
    const vc = vat ? parseCents(vat) : null;
    if (ec === null) errors[`l${i}_excl`] = 'Montant invalide (ex. : 120,00).';
    if (vat && vc === null) errors[`l${i}_vat`] = 'Montant invalide (ex. : 24,00).';
    lines.push({
      description: f[`l${i}_description`] ?? '',
      vatRateBp: Number(f[`l${i}_rate`] ?? 2000),
      exclCents: ec ?? 0,
      vatCents: vc,
    });
  }
  const splits: { activityId: string; exclCents: number }[] = [];
  const emptyRows: number[] = [];
  for (let i = 0; i < SPLITS; i++) {
    const act = f[`s${i}_activity`];
    const amount = f[`s${i}_amount`]?.trim();
    if (!act && !amount) continue;
    const cents = amount ? parseCents(amount) : null;
    if (amount && cents === null) errors[`s${i}_amount`] = 'Montant invalide (ex. : 120,00).';
    if (!amount) emptyRows.push(i);
    splits.push({ activityId: act ?? '', exclCents: cents ?? 0 });
  }
  // One activity and no amount: the whole total goes to it; with several, each needs its share.
  if (splits.length === 1 && emptyRows.length === 1) splits[0].exclCents = lines.reduce((s, l) => s + l.exclCents, 0);
  else for (const i of emptyRows) errors[`s${i}_amount`] = 'Indiquez la part hors taxes de cette activité.';
  if (Object.keys(errors).length) return invoiceFormPage(c, f, errors);
  try {
    const id = await tenant(c, async (trx, a) => {
      const supplierId = f.supplierId || (await createSupplier(trx, a, supplierInput(f, 'new_'))).id;
      const inv = await createSupplierInvoice(trx, a, {
        supplierId,
        supplierNumber: f.supplierNumber ?? '',
        issueDate: f.issueDate ?? '',
        dueDate: f.dueDate || null,
        account: f.account ?? '',
        label: f.label || null,
        lines,
        splits,
        fileId: f.fileId || null,
        source: ['facturx', 'cii', 'ubl'].includes(f.source)
          ? f.source === 'facturx'
            ? 'facturx'
            : 'xml'
          : f.source === 'ocr'
            ? 'image'
            : f.source === 'pdf-text'
              ? 'pdf'
              : 'manual',
        submit: true,
        expectedTotalInclCents: f.expectedTotal ? Number(f.expectedTotal) : null,
      });
      return inv.id;
    });
    setFlash(c, { kind: 'success', text: 'Facture envoyée pour approbation.' });
    return c.redirect(`/factures-fournisseurs/${id}`);
  } catch (e) {
    const errs = badRequest(e);
    // Errors of the new supplier's fields are shown under their prefixed names.
    const mapped = Object.fromEntries(
      Object.entries(errs).map(([k, m]) => [
        ['name', 'siren', 'vatNumber', 'iban', 'bic', 'countryCode', 'addressLine1', 'postalCode', 'city'].includes(k)
          ? `new_${k}`
          : k,
        m,
      ]),
    );
    return invoiceFormPage(c, f, mapped);
  }
});

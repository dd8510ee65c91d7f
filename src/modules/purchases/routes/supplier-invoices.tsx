import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { fileResponse } from '../../../web/files.ts';
import { Field, Select, Csrf, PageHeader, Card, EmptyState, Badge, Figure } from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError, NotFoundError } from '../../../core/errors.ts';
import { formatDate, todayParis } from '../../../core/dates.ts';
import { formatEuros, formatRateBp } from '../../../core/money.ts';
import { isUuid } from '../../../core/ids.ts';
import { readFile } from '../../../core/files.ts';
import {
  getSupplierInvoice,
  listSupplierInvoices,
  approveSupplierInvoice,
  markSupplierInvoicePaid,
  SUPPLIER_INVOICE_STATUS,
  type SupplierInvoiceStatus,
} from '../supplier-invoice.service.ts';
import { PURCHASE_ACCOUNTS } from '../categories.ts';
import { tenant, fileKey, isValidator } from './kit.ts';
import { STATUS_TONE, SOURCE_LABEL, PostButton } from '../views/kit.tsx';
import { RefusalDecisionCard, RefusalForms, type RefusalFormState } from './supplier-invoice-refusal.tsx';
import { refuseSupplierInvoice } from '../supplier-invoice-refusal.ts';

export const supplierInvoiceRoutes = new Hono<AppEnv>();

// ── supplier invoices ──────────────────────────────────────────────────────────────────────

supplierInvoiceRoutes.get('/factures-fournisseurs', async (c) => {
  const actor = actorOf(c);
  const status = (
    Object.keys(SUPPLIER_INVOICE_STATUS).includes(c.req.query('statut') ?? '') ? c.req.query('statut') : undefined
  ) as SupplierInvoiceStatus | undefined;
  const rows = await tenant(c, (trx, a) => listSupplierInvoices(trx, a, { status }));
  return c.html(
    <Layout c={c} title="Factures fournisseurs" wide>
      <PageHeader
        title="Factures fournisseurs"
        help="Déposez la facture (PDF, Factur-X, XML ou photo) : les champs sont remplis pour vous. L'équipe d'accompagnement l'approuve, puis elle est payée."
        action={
          <a class="btn" href="/factures-fournisseurs/nouvelle">
            Déposer une facture
          </a>
        }
      />
      <form class="filters" method="get" action="/factures-fournisseurs">
        <Select
          label="Statut"
          name="statut"
          value={status ?? ''}
          options={[['', 'Tous'], ...Object.entries(SUPPLIER_INVOICE_STATUS)]}
        />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      {rows.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Fournisseur</th>
              <th>Numéro</th>
              <th>Date</th>
              <th>Échéance</th>
              <th class="num">TTC</th>
              <th>Origine</th>
              <th>Statut</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Fournisseur">
                  <a href={`/factures-fournisseurs/${r.id}`}>{r.supplierName}</a>
                </td>
                <td data-label="Numéro">{r.supplierNumber}</td>
                <td data-label="Date">{formatDate(r.issueDate)}</td>
                <td data-label="Échéance">{r.dueDate ? formatDate(r.dueDate) : '—'}</td>
                <td data-label="TTC" class="num">
                  {formatEuros(r.totalInclCents)}
                </td>
                <td data-label="Origine">{SOURCE_LABEL[r.source] ?? r.source}</td>
                <td data-label="Statut">
                  <Badge status={STATUS_TONE[r.status]} label={SUPPLIER_INVOICE_STATUS[r.status]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title="Aucune facture fournisseur."
          action={
            <a class="btn" href="/factures-fournisseurs/nouvelle">
              Déposer une facture
            </a>
          }
        />
      )}
      {isValidator(actor) ? (
        <p>
          <a href="/factures-fournisseurs?statut=to_approve">Voir les factures à approuver</a>
        </p>
      ) : null}
    </Layout>,
  );
});

supplierInvoiceRoutes.get('/factures-fournisseurs/:id', (c) => supplierInvoicePage(c, c.req.param('id')));

/** The invoice's page; `refusal` is the refusal form sent back with its error beside the field. */
export async function supplierInvoicePage(c: Ctx, id: string, refusal?: RefusalFormState) {
  if (!isUuid(id)) throw new NotFoundError('Facture fournisseur');
  const actor = actorOf(c);
  const inv = await tenant(c, (trx, a) => getSupplierInvoice(trx, a, id));
  if (!inv) throw new NotFoundError('Facture fournisseur');
  return c.html(
    <Layout c={c} title={`Facture ${inv.supplierNumber}`} wide>
      <PageHeader title={`${inv.supplierName} — facture ${inv.supplierNumber}`} />
      <p>
        <Badge status={STATUS_TONE[inv.status]} label={SUPPLIER_INVOICE_STATUS[inv.status]} /> · du{' '}
        {formatDate(inv.issueDate)}
        {inv.dueDate ? `, échéance ${formatDate(inv.dueDate)}` : ''}
        {inv.paidOn ? `, payée le ${formatDate(inv.paidOn)}` : ''}
        {inv.status === 'partly_paid'
          ? ` · payé ${formatEuros(inv.paidCents)}, reste à payer ${formatEuros(inv.totalInclCents - inv.paidCents)}`
          : ''}
        {inv.fileId ? (
          <>
            {' '}
            · <a href={`/factures-fournisseurs/${inv.id}/fichier`}>Voir le fichier</a>
          </>
        ) : null}
      </p>
      <RefusalDecisionCard inv={inv} />
      <div class="figures">
        <Figure label="Hors taxes" value={formatEuros(inv.totalExclCents)} />
        <Figure label="TVA" value={formatEuros(inv.vatCents)} />
        <Figure label="TTC" value={formatEuros(inv.totalInclCents)} />
      </div>
      <Card title="Montants">
        <table class="data">
          <thead>
            <tr>
              <th>Description</th>
              <th>TVA</th>
              <th class="num">HT</th>
              <th class="num">TVA</th>
            </tr>
          </thead>
          <tbody>
            {inv.lines.map((l) => (
              <tr>
                <td data-label="Description">{l.description}</td>
                <td data-label="Taux">{formatRateBp(l.vatRateBp)}</td>
                <td data-label="HT" class="num">
                  {formatEuros(l.exclCents)}
                </td>
                <td data-label="TVA" class="num">
                  {formatEuros(l.vatCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Répartition">
        <table class="data">
          <thead>
            <tr>
              <th>Activité</th>
              <th class="num">HT</th>
            </tr>
          </thead>
          <tbody>
            {inv.splits.map((s) => (
              <tr>
                <td data-label="Activité">
                  {s.analyticCode} — {s.activityName}
                </td>
                <td data-label="HT" class="num">
                  {formatEuros(s.exclCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted">
          Compte de charge : {PURCHASE_ACCOUNTS.find(([a]) => a === inv.account)?.[1] ?? inv.account} ({inv.account}).
        </p>
      </Card>
      {isValidator(actor) && (inv.status === 'draft' || inv.status === 'to_approve' || inv.status === 'disputed') ? (
        <div class="actions">
          <PostButton c={c} action={`/factures-fournisseurs/${inv.id}/approuver`} label="Approuver (comptabiliser)" />
        </div>
      ) : null}
      {isValidator(actor) ? <RefusalForms c={c} inv={inv} state={refusal} /> : null}
      {isValidator(actor) && inv.status === 'approved' ? (
        <form method="post" action={`/factures-fournisseurs/${inv.id}/payer`} novalidate>
          <Csrf token={c.get('csrf')} />
          <Field label="Date du paiement" name="date" type="date" value={todayParis()} required />
          <button type="submit">Enregistrer le paiement</button>
        </form>
      ) : null}
    </Layout>,
    refusal ? 422 : 200,
  );
}
supplierInvoiceRoutes.post('/factures-fournisseurs/:id/refuser', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  const decision = f.decision === 'refused' ? 'refused' : 'disputed';
  try {
    await tenant(c, (trx, a) =>
      refuseSupplierInvoice(trx, a, id, { decision, reasonCode: f.reasonCode ?? '', note: f.note ?? null }),
    );
  } catch (e) {
    if (!(e instanceof UserError) || !e.field) throw e;
    // The page again, the form open as it was sent, the message beside its field.
    return supplierInvoicePage(c, id, {
      values: { decision: f.decision, reasonCode: f.reasonCode, note: f.note },
      errors: { [e.field]: e.message },
    });
  }
  setFlash(c, {
    kind: 'success',
    text: decision === 'refused' ? 'Facture refusée ; le fournisseur en sera informé.' : 'Facture mise en litige.',
  });
  return c.redirect(`/factures-fournisseurs/${id}`);
});
supplierInvoiceRoutes.get('/factures-fournisseurs/:id/fichier', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Fichier');
  const f = await tenant(c, async (trx, a) => {
    const inv = await getSupplierInvoice(trx, a, id);
    if (!inv?.fileId) throw new NotFoundError('Fichier');
    return readFile(trx, fileKey(c), a.cooperativeId, inv.fileId);
  });
  return fileResponse(f);
});
supplierInvoiceRoutes.post('/factures-fournisseurs/:id/approuver', async (c) => {
  const id = c.req.param('id');
  try {
    await tenant(c, (trx, a) => approveSupplierInvoice(trx, a, id));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect(`/factures-fournisseurs/${id}`);
  }
  setFlash(c, { kind: 'success', text: 'Facture approuvée et comptabilisée.' });
  return c.redirect(`/factures-fournisseurs/${id}`);
});
supplierInvoiceRoutes.post('/factures-fournisseurs/:id/payer', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) => markSupplierInvoicePaid(trx, a, id, f.date ?? ''));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect(`/factures-fournisseurs/${id}`);
  }
  setFlash(c, { kind: 'success', text: 'Paiement enregistré.' });
  return c.redirect(`/factures-fournisseurs/${id}`);
});

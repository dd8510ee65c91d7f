// The invoice editor pages: /factures/nouvelle, /factures/:id/modifier, the live totals and the
// autosave of a draft. The form itself is the shared DocumentEditor (editor.tsx).
import type { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, TextArea, PageHeader, Card } from '../../web/components.tsx';
import { formValues } from '../../web/forms.ts';
import { setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError, NotFoundError, fieldErrors } from '../../core/errors.ts';
import { todayParis } from '../../core/dates.ts';
import { centsToDecimal } from '../../core/money.ts';
import { isUuid } from '../../core/ids.ts';
import { activitiesFor } from '../directory/index.ts';
import { createCustomer, listCustomers, getCustomer } from './customer.service.ts';
import {
  createDraft,
  updateDraft,
  submitInvoice,
  getInvoice,
  getLines,
  canValidate,
  type InvoiceDraftInput,
} from './invoice.service.ts';
import { listCatalogue } from './catalogue.service.ts';
import { sendInvoice } from './sending.ts';
import { heldMessage, selfValidateInvoice } from './inbox.ts';
import { LEGAL_TEXTS } from './legal.ts';
import {
  DocumentEditor,
  TotalsFragment,
  AutosaveStatus,
  EDITOR_SCRIPTS,
  applyLineOp,
  fillFromCatalogue,
  remapLineErrors,
  rowsFromLines,
  hasNewCustomer,
  newCustomerInput,
  newCustomerErrors,
  savedAt,
  type EditorData,
  readLinesAndDiscount,
} from './editor.tsx';

const db = (c: Ctx) => c.get('app').odb.db;
const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(db(c), actorOf(c).cooperativeId, fn);
type Trx = Parameters<Parameters<typeof withTenant>[2]>[0];

export async function editorData(c: Ctx): Promise<EditorData> {
  const actor = actorOf(c);
  return tenant(c, async (trx) => ({
    activities: (await activitiesFor(trx, actor)).map(
      (a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string],
    ),
    customers: (await listCustomers(trx, actor, { pageSize: 500 })).items.map(
      (x) => [x.id, x.name] as [string, string],
    ),
    catalogue: await listCatalogue(trx, actor),
  }));
}

/** Reads the editor form; unreadable numbers become field errors. `rows` maps lines to form rows. */
export function readInvoiceForm(f: Record<string, string>): { input: InvoiceDraftInput; rows: number[] } {
  const { read, discountCents } = readLinesAndDiscount(f);
  // An invoice stores billable lines only: a section title lives on the lines under it.
  const rows: number[] = [];
  const lines = read.lines.flatMap(({ kind, ...l }, k) => {
    if (kind === 'section') return [];
    rows.push(read.rows[k]);
    return [l];
  });
  return {
    rows,
    input: {
      activityId: f.activityId ?? '',
      customerId: f.customerId ?? '',
      issueDate: f.issueDate || undefined,
      dueDate: f.dueDate || undefined,
      deliveryDate: f.deliveryDate || null,
      discountCents,
      vatExemptionReason: f.vatExemptionReason || null,
      buyerReference: f.buyerReference || null,
      notes: f.notes || null,
      lines,
    },
  };
}

/** Creates the customer typed in the editor, in the caller's transaction: it rolls back with the draft. */
export async function customerOfForm(trx: Trx, c: Ctx, f: Record<string, string>, customerId: string) {
  if (!hasNewCustomer(f)) return customerId;
  try {
    return (await createCustomer(trx, actorOf(c), newCustomerInput(f))).id;
  } catch (e) {
    if (e instanceof UserError && !(e instanceof NotFoundError)) {
      const errs = newCustomerErrors(fieldErrors(e) ?? { nc_name: e.message });
      throw new UserError(`Nouveau client : ${e.message}`, undefined, errs);
    }
    throw e;
  }
}

function InvoiceFields(p: { v: Record<string, string>; e: Record<string, string> }) {
  return (
    <div class="form-grid">
      <Field
        label="Date d'émission"
        name="issueDate"
        type="date"
        value={p.v.issueDate}
        error={p.e.issueDate}
        required
      />
      <Field
        label="Échéance"
        name="dueDate"
        type="date"
        value={p.v.dueDate}
        error={p.e.dueDate}
        hint="Vide : selon le délai du client. 60 jours au plus."
      />
      <Field
        label="Date de livraison ou de fin de prestation"
        name="deliveryDate"
        type="date"
        value={p.v.deliveryDate}
        error={p.e.deliveryDate}
      />
    </div>
  );
}
function InvoiceFoot(p: { v: Record<string, string>; e: Record<string, string> }) {
  return (
    <>
      <div class="form-grid">
        <Field
          label="Motif d'exonération de TVA"
          name="vatExemptionReason"
          value={p.v.vatExemptionReason}
          error={p.e.vatExemptionReason}
          hint={`Ex. : ${LEGAL_TEXTS.vat.E.text}`}
        />
        <Field label="Référence du client (bon de commande)" name="buyerReference" value={p.v.buyerReference} />
      </div>
      <TextArea label="Note" name="notes" value={p.v.notes} rows={2} />
    </>
  );
}
function InvoiceButtons() {
  return (
    <>
      <button type="submit" name="action" value="save">
        Enregistrer le brouillon
      </button>
      <button type="submit" name="action" value="submit" class="btn-secondary">
        Enregistrer et soumettre
      </button>
      <button type="submit" name="action" value="send" class="btn-secondary">
        Valider et envoyer au client
      </button>
      <p class="hint">
        « Valider et envoyer » fait tout en une fois quand vous pouvez valider vous-même (sous le seuil de la
        coopérative) ; sinon la facture est soumise et partira dès sa validation.
      </p>
    </>
  );
}

function editorPage(
  c: Ctx,
  o: {
    title: string;
    help?: string;
    data: EditorData;
    values: Record<string, string>;
    action: string;
    autosaveUrl?: string;
    errors?: Record<string, string> | null;
    message?: string | null;
    status?: 200 | 400;
  },
) {
  const e: Record<string, string> = o.errors ?? {};
  return c.html(
    <Layout c={c} title={o.title} wide scripts={EDITOR_SCRIPTS}>
      <PageHeader title={o.title} help={o.help} />
      <Card>
        <DocumentEditor
          c={c}
          data={o.data}
          values={o.values}
          errors={o.errors}
          message={o.message}
          action={o.action}
          autosaveUrl={o.autosaveUrl}
          head={<InvoiceFields v={o.values} e={e} />}
          foot={<InvoiceFoot v={o.values} e={e} />}
          buttons={<InvoiceButtons />}
        />
      </Card>
    </Layout>,
    o.status ?? 200,
  );
}

function formFromInvoice(
  inv: NonNullable<Awaited<ReturnType<typeof getInvoice>>>,
  lines: Awaited<ReturnType<typeof getLines>>,
): Record<string, string> {
  return {
    activityId: inv.activityId,
    customerId: inv.customerId,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate ?? '',
    deliveryDate: inv.deliveryDate ?? '',
    discount: inv.discountCents ? centsToDecimal(inv.discountCents).replace('.', ',') : '',
    vatExemptionReason: inv.vatExemptionReason ?? '',
    buyerReference: inv.buyerReference ?? '',
    notes: inv.notes ?? '',
    deductions: inv.quoteKind === 'balance' ? '1' : '',
    ...rowsFromLines(lines),
  };
}

export function registerInvoiceEditorRoutes(r: Hono<AppEnv>) {
  r.get('/factures/nouvelle', async (c) => {
    const data = await editorData(c);
    // One activity (the usual case for an entrepreneur): chosen already. ?client=ID pre-selects the customer.
    return editorPage(c, {
      title: 'Nouvelle facture',
      help: 'Les totaux se calculent pendant la saisie. Le numéro est attribué à la validation.',
      data,
      action: '/factures/nouvelle',
      values: {
        issueDate: todayParis(),
        activityId: data.activities.length === 1 ? data.activities[0][0] : '',
        customerId: c.req.query('client') ?? '',
      },
    });
  });
  r.post('/factures/nouvelle', async (c) => {
    const actor = actorOf(c);
    const data = await editorData(c);
    let f = fillFromCatalogue(await formValues(c), data.catalogue);
    const page = (errors: Record<string, string> | null, message: string | null, status: 200 | 400) =>
      editorPage(c, {
        title: 'Nouvelle facture',
        data,
        values: f,
        action: '/factures/nouvelle',
        errors,
        message,
        status,
      });
    // A line button without JavaScript, or the former "pre-fill" button: the form again, nothing written.
    if (f.op || f.action === 'prefill') {
      if (f.op) f = applyLineOp(f, f.op);
      return page(null, null, 200);
    }
    let read: ReturnType<typeof readInvoiceForm>;
    try {
      read = readInvoiceForm(f);
    } catch (e) {
      if (e instanceof UserError) return page(fieldErrors(e) ?? {}, e.message, 400);
      throw e;
    }
    try {
      const { inv, message } = await tenant(c, async (trx) => {
        const input = { ...read.input, customerId: await customerOfForm(trx, c, f, read.input.customerId) };
        const d = await createDraft(trx, actor, input);
        if (f.action !== 'submit' && f.action !== 'send') return { inv: d, message: 'Brouillon enregistré.' };
        const submitted = await submitInvoice(trx, actor, d.id);
        if (f.action === 'submit' || !(await canValidate(trx, actor, submitted))) {
          return {
            inv: submitted,
            message:
              f.action === 'send'
                ? 'Facture soumise : elle sera envoyée au client dès sa validation par la coopérative.'
                : 'Facture soumise à validation.',
          };
        }
        // One step for the common case: validate (number given) and send with its Factur-X PDF,
        // unless an automatic check holds it for support (the same checks as support's queue).
        const { invoice: validated, held } = await selfValidateInvoice(trx, actor, d.id);
        if (held.length) return { inv: validated, message: heldMessage(held) };
        const customer = (await getCustomer(trx, actor, validated.customerId))!;
        if (!customer.email)
          return {
            inv: validated,
            message: `Facture ${validated.number} validée. Ajoutez l'e-mail du client pour la lui envoyer.`,
          };
        const sent = await sendInvoice(trx, actor, d.id);
        return { inv: sent, message: `Facture ${sent.number} validée et envoyée à ${customer.email}.` };
      });
      setFlash(c, { kind: 'success', text: message });
      return c.redirect(`/factures/${inv.id}`, 303);
    } catch (e) {
      // The whole transaction rolled back: a customer typed in the editor was not kept either.
      if (e instanceof UserError && !(e instanceof NotFoundError))
        return page(remapLineErrors(fieldErrors(e) ?? {}, read.rows), e.message, 400);
      throw e;
    }
  });

  // Live totals of the editor (htmx): computes, writes nothing.
  r.post('/factures/totaux', async (c) => c.html(<TotalsFragment f={await formValues(c)} />));

  // Editing a draft (or a submitted invoice, which goes back to draft).
  const loadDraft = async (c: Ctx, id: string) => {
    const actor = actorOf(c);
    const { inv, lines } = await tenant(c, async (trx) => ({
      inv: await getInvoice(trx, actor, id),
      lines: await getLines(trx, actor, id),
    }));
    if (!inv) throw new NotFoundError('Facture');
    if (inv.status !== 'draft' && inv.status !== 'submitted')
      throw new UserError('Une facture validée ne peut plus être modifiée : émettez un avoir.');
    return { inv, lines };
  };
  r.get('/factures/:id/modifier', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Facture');
    const { inv, lines } = await loadDraft(c, id);
    return editorPage(c, {
      title: 'Modifier le brouillon',
      help: 'Une facture soumise qui est modifiée repasse en brouillon.',
      data: await editorData(c),
      values: formFromInvoice(inv, lines),
      action: `/factures/${id}/modifier`,
      // A submitted invoice is not saved behind its author's back (saving sends it back to draft).
      autosaveUrl: inv.status === 'draft' ? `/factures/${id}/enregistrement-auto` : undefined,
    });
  });
  r.post('/factures/:id/modifier', async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Facture');
    const data = await editorData(c);
    let f = fillFromCatalogue(await formValues(c), data.catalogue);
    const page = (errors: Record<string, string> | null, message: string | null, status: 200 | 400) =>
      editorPage(c, {
        title: 'Modifier le brouillon',
        data,
        values: f,
        action: `/factures/${id}/modifier`,
        errors,
        message,
        status,
      });
    if (f.op || f.action === 'prefill') {
      await loadDraft(c, id); // someone else's invoice is a 404, even for a line button
      if (f.op) f = applyLineOp(f, f.op);
      return page(null, null, 200);
    }
    let rows: number[] = [];
    try {
      const read = readInvoiceForm(f);
      rows = read.rows;
      await tenant(c, async (trx) => {
        const customerId = await customerOfForm(trx, c, f, read.input.customerId);
        await updateDraft(trx, actor, id, { ...read.input, customerId });
        if (f.action === 'submit') await submitInvoice(trx, actor, id);
      });
    } catch (e) {
      if (e instanceof UserError && !(e instanceof NotFoundError))
        return page(remapLineErrors(fieldErrors(e) ?? {}, rows), e.message, 400);
      throw e;
    }
    setFlash(c, {
      kind: 'success',
      text: f.action === 'submit' ? 'Facture soumise à validation.' : 'Brouillon enregistré.',
    });
    return c.redirect(`/factures/${id}`, 303);
  });
  // Autosave (htmx, on change): saves a draft as it stands and answers with the status line. A
  // customer typed in the editor is created only by an explicit save.
  r.post('/factures/:id/enregistrement-auto', async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Facture');
    const data = await editorData(c);
    const f = fillFromCatalogue(await formValues(c), data.catalogue);
    // A customer typed in the editor is created only by an explicit save, with the draft.
    if (hasNewCustomer(f) && !f.customerId)
      return c.html(<AutosaveStatus text="Enregistrez pour créer le nouveau client avec le brouillon." />);
    try {
      const { input } = readInvoiceForm(f);
      await tenant(c, async (trx) => {
        const inv = await getInvoice(trx, actor, id);
        if (!inv) throw new NotFoundError('Facture');
        if (inv.status !== 'draft')
          throw new UserError("Cette facture n'est plus un brouillon : elle n'est pas modifiée.");
        await updateDraft(trx, actor, id, input);
      });
    } catch (e) {
      if (e instanceof UserError && !(e instanceof NotFoundError))
        return c.html(<AutosaveStatus error text={`Brouillon non enregistré : ${e.message}`} />);
      throw e;
    }
    return c.html(<AutosaveStatus text={savedAt()} />);
  });
}

// The expense page's background reading and in-place edits: the progress fragment polled by
// htmx while receipts are read (receipt-reading.ts), and the category of a line changed in place.
// Routes only call services; they never query the database.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { Csrf } from '../../web/components.tsx';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { actorOf } from '../../web/context.ts';
import { EXPENSE_CATEGORIES, categoryOf } from './categories.ts';
import { setExpenseLineCategory } from './expense.service.ts';
import { readingBatch, supplierInvoiceReading, type ReadingBatch } from './receipt-reading.ts';

const STATUS_TEXT: Record<ReadingBatch['items'][number]['status'], string> = {
  queued: 'en attente',
  reading: 'lecture en cours…',
  done: 'dépense ajoutée',
  failed: 'à saisir à la main',
};

/** Progress of a batch of receipts; polls itself every 2 s until every receipt is read. */
export function ReadingProgress(p: { batch: ReadingBatch }) {
  const b = p.batch;
  const added = b.items.filter((i) => i.status === 'done').length;
  return (
    <div
      class={`flash ${b.finished ? (added === b.total ? 'flash-success' : 'flash-info') : 'flash-info'}`}
      role="status"
      id={`lecture-${b.batchId}`}
      {...(b.finished
        ? {}
        : {
            'hx-get': `/notes-de-frais/lectures/${b.batchId}`,
            'hx-trigger': 'every 2s',
            'hx-swap': 'outerHTML',
          })}
    >
      <p>
        {b.finished
          ? `Lecture terminée : ${added} dépense${added > 1 ? 's' : ''} ajoutée${added > 1 ? 's' : ''} sur ${b.total} justificatif${b.total > 1 ? 's' : ''}. `
          : `Lecture des justificatifs : ${b.done} sur ${b.total}. Vous pouvez quitter la page, la lecture continue.`}
        {b.finished ? <a href="/notes-de-frais">Voir les dépenses</a> : null}
      </p>
      <progress max={b.total} value={b.done}>
        {b.done} / {b.total}
      </progress>
      <ul>
        {b.items.map((i) => (
          <li>
            <strong>{i.fileName}</strong> : {i.message ?? STATUS_TEXT[i.status]}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A supplier invoice being read: polls until read, then htmx goes to the filled form (a link without script). */
export function SupplierReadingProgress(p: { batch: ReadingBatch }) {
  const b = p.batch;
  const item = b.items[0];
  return (
    <div
      class="flash flash-info"
      role="status"
      id={`lecture-${b.batchId}`}
      {...(b.finished
        ? {}
        : {
            'hx-get': `/factures-fournisseurs/lectures/${b.batchId}`,
            'hx-trigger': 'every 2s',
            'hx-swap': 'outerHTML',
          })}
    >
      <p>
        {b.finished
          ? 'Document lu. '
          : `Lecture du document ${item?.fileName ?? ''} en cours (${item ? STATUS_TEXT[item.status] : ''}). `}
        <a href={`/factures-fournisseurs/nouvelle?lecture=${b.batchId}`}>
          {b.finished ? 'Remplir le formulaire' : 'Actualiser'}
        </a>
      </p>
    </div>
  );
}

/** The category of a draft line, changed in place (htmx swaps the form; without script, a button posts it). */
export function CategoryCell(p: { c: Ctx; lineId: string; category: string; editable: boolean; message?: string }) {
  if (!p.editable) return <>{categoryOf(p.category)?.label ?? p.category}</>;
  const id = `cat-${p.lineId}`;
  return (
    <form
      method="post"
      action={`/notes-de-frais/ligne/${p.lineId}/categorie`}
      class="inline-edit"
      hx-post={`/notes-de-frais/ligne/${p.lineId}/categorie`}
      hx-trigger="change"
      hx-swap="outerHTML"
    >
      <Csrf token={p.c.get('csrf')} />
      <label for={id} class="sr-only">
        Catégorie
      </label>
      <select id={id} name="category">
        {EXPENSE_CATEGORIES.map((x) => (
          <option value={x.code} selected={x.code === p.category}>
            {x.label}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" class="btn-secondary btn-small">
          Changer
        </button>
      </noscript>
      {p.message ? (
        <span class="muted" role="status">
          {p.message}
        </span>
      ) : null}
    </form>
  );
}

export const receiptRoutes = new Hono<AppEnv>();
receiptRoutes.use('/notes-de-frais/*', requireActor);

receiptRoutes.get('/notes-de-frais/lectures/:batchId', async (c) => {
  const a = actorOf(c);
  const batch = await withTenant(c.get('app').odb.db, a.cooperativeId, (trx) =>
    readingBatch(trx, a, c.req.param('batchId')),
  );
  if (!batch) throw new NotFoundError('Lecture');
  // Read: the polling page reloads itself so the new lines and the total show without a click,
  // and the summary follows as a message (without script, the box links to the sheet).
  if (batch.finished && c.req.header('HX-Request')) {
    const added = batch.items.filter((i) => i.status === 'done').length;
    setFlash(c, {
      kind: added === batch.total ? 'success' : 'info',
      text: `Lecture terminée : ${added} dépense${added > 1 ? 's' : ''} ajoutée${added > 1 ? 's' : ''} sur ${batch.total} justificatif${batch.total > 1 ? 's' : ''}.${added < batch.total ? ' Saisissez les autres à la main.' : ''}`,
    });
    c.header('HX-Refresh', 'true');
  }
  return c.html(<ReadingProgress batch={batch} />);
});

receiptRoutes.use('/factures-fournisseurs/lectures/*', requireActor);
receiptRoutes.get('/factures-fournisseurs/lectures/:batchId', async (c) => {
  const a = actorOf(c);
  const r = await withTenant(c.get('app').odb.db, a.cooperativeId, (trx) =>
    supplierInvoiceReading(trx, a, c.req.param('batchId')),
  );
  // Read: htmx leaves the polling page for the form filled from the reading.
  if (r.batch.finished) c.header('HX-Redirect', `/factures-fournisseurs/nouvelle?lecture=${r.batch.batchId}`);
  return c.html(<SupplierReadingProgress batch={r.batch} />);
});

receiptRoutes.post('/notes-de-frais/ligne/:id/categorie', async (c) => {
  const id = c.req.param('id');
  const body = await c.req.parseBody();
  const category = typeof body.category === 'string' ? body.category : '';
  const htmx = c.req.header('hx-request') === 'true';
  try {
    const a = actorOf(c);
    await withTenant(c.get('app').odb.db, a.cooperativeId, (trx) => setExpenseLineCategory(trx, a, id, category));
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    // 200 for htmx: it swaps only successful answers, and the message belongs beside the field.
    if (htmx) return c.html(<CategoryCell c={c} lineId={id} category={category} editable message={e.message} />);
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/notes-de-frais');
  }
  if (htmx)
    return c.html(<CategoryCell c={c} lineId={id} category={category} editable message="Catégorie enregistrée." />);
  setFlash(c, { kind: 'success', text: 'Catégorie enregistrée.' });
  return c.redirect('/notes-de-frais');
});

import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, EmptyState } from '../../../web/components.tsx';
import { formAll } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError, NotFoundError } from '../../../core/errors.ts';
import { formatDate } from '../../../core/dates.ts';
import { formatEuros } from '../../../core/money.ts';
import { validateInvoice, listInvoices } from '../invoice.service.ts';
import { tenant, isValidator } from './kit.ts';

export const invoiceQueueRoutes = new Hono<AppEnv>();

// --- support queue --------------------------------------------------------------------------
invoiceQueueRoutes.get('/factures/a-valider', async (c) => {
  const actor = actorOf(c);
  if (!isValidator(actor)) throw new NotFoundError('Page');
  const res = await tenant(c, (trx) => listInvoices(trx, actor, { status: 'to_validate', pageSize: 200 }));
  return c.html(
    <Layout c={c} title="Factures à valider" wide>
      <PageHeader
        title="Factures à valider"
        help="Vérifiez puis validez : chaque facture validée reçoit son numéro et part en comptabilité."
      />
      {res.items.length ? (
        <form method="post" action="/factures/a-valider">
          <Csrf token={c.get('csrf')} />
          <table class="data">
            <thead>
              <tr>
                <th>Choisir</th>
                <th>Date</th>
                <th>Client</th>
                <th class="num">TTC</th>
              </tr>
            </thead>
            <tbody>
              {res.items.map((i) => (
                <tr>
                  <td>
                    <input
                      type="checkbox"
                      name="ids"
                      value={i.id}
                      aria-label={`Choisir la facture de ${i.customerName}`}
                    />
                  </td>
                  <td data-label="Date">{formatDate(i.issueDate)}</td>
                  <td data-label="Client">
                    <a href={`/factures/${i.id}`}>{i.customerName}</a>
                  </td>
                  <td data-label="TTC" class="num">
                    {formatEuros(i.totalInclCents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="submit">Valider la sélection</button>
        </form>
      ) : (
        <EmptyState title="Aucune facture en attente de validation." />
      )}
    </Layout>,
  );
});
invoiceQueueRoutes.post('/factures/a-valider', async (c) => {
  const actor = actorOf(c);
  if (!isValidator(actor)) throw new NotFoundError('Page');
  const ids = await formAll(c, 'ids');
  let ok = 0;
  const failures: string[] = [];
  for (const id of ids) {
    // One transaction each: a refused invoice does not block the others.
    try {
      await tenant(c, (trx) => validateInvoice(trx, actor, id));
      ok++;
    } catch (e) {
      if (e instanceof UserError) failures.push(e.message);
      else throw e;
    }
  }
  setFlash(c, {
    kind: failures.length ? 'error' : 'success',
    text: `${ok} facture${ok > 1 ? 's' : ''} validée${ok > 1 ? 's' : ''}.${failures.length ? ` ${failures.length} refusée(s) : ${failures.join(' ')}` : ''}`,
  });
  return c.redirect('/factures/a-valider', 303);
});

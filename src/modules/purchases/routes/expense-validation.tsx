import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, EmptyState } from '../../../web/components.tsx';
import { formValues, formAll } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError, NotFoundError } from '../../../core/errors.ts';
import { formatDate } from '../../../core/dates.ts';
import { formatEuros } from '../../../core/money.ts';
import { isUuid } from '../../../core/ids.ts';
import {
  getExpenseReport,
  reportsToValidate,
  reportsToReimburse,
  validateExpenseReports,
  returnExpenseReport,
  markExpenseReportReimbursed,
} from '../expense.service.ts';
import { tenant, isValidator } from './kit.ts';
import { PostButton } from '../views/kit.tsx';
import { monthLabel, SheetTable } from '../views/expense-sheet-table.tsx';

export const expenseValidationRoutes = new Hono<AppEnv>();

// Support: submitted sheets with the checks' reasons, batch validation, reimbursements.
expenseValidationRoutes.get('/notes-de-frais/a-valider', async (c) => {
  const [waiting, toPay] = await tenant(
    c,
    async (trx, a) => [await reportsToValidate(trx, a), await reportsToReimburse(trx, a)] as const,
  );
  const clean = waiting.filter((r) => !r.issues);
  return c.html(
    <Layout c={c} title="Notes de frais à valider" wide>
      <PageHeader
        title="Notes de frais à valider"
        help="Les notes sans anomalie peuvent être validées en une fois. Les autres montrent les raisons des contrôles automatiques."
      />
      {waiting.length ? (
        <form method="post" action="/notes-de-frais/valider" novalidate>
          <Csrf token={c.get('csrf')} />
          <table class="data">
            <thead>
              <tr>
                <th>Choisir</th>
                <th>Personne</th>
                <th>Mois</th>
                <th class="num">Total</th>
                <th>Contrôles</th>
              </tr>
            </thead>
            <tbody>
              {waiting.map((r) => (
                <tr>
                  <td data-label="Choisir">
                    <input type="checkbox" name="ids" value={r.id} id={`r-${r.id}`} checked={!r.issues} />
                    <label for={`r-${r.id}`} class="sr-only">
                      Choisir la note de {r.personName}
                    </label>
                  </td>
                  <td data-label="Personne">
                    <a href={`/notes-de-frais/${r.id}`}>{r.personName}</a>
                  </td>
                  <td data-label="Mois">{monthLabel(r.month)}</td>
                  <td data-label="Total" class="num">
                    {formatEuros(r.totalCents)}
                  </td>
                  <td data-label="Contrôles">
                    {r.issues ? (
                      <ul>
                        {r.lines.flatMap((l) =>
                          l.issues.map((i) => (
                            <li>
                              {formatDate(l.date)} · {formatEuros(l.amountInclCents)} : {i}
                            </li>
                          )),
                        )}
                      </ul>
                    ) : (
                      <span class="badge badge-ok">Sans anomalie</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            <button type="submit" name="mode" value="clean">
              Valider les {clean.length} note(s) sans anomalie
            </button>
            <button type="submit" name="mode" value="selected" class="btn-secondary">
              Valider la sélection
            </button>
          </div>
        </form>
      ) : (
        <EmptyState title="Aucune note de frais en attente." />
      )}
      <Card title="À rembourser">
        {toPay.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Personne</th>
                <th>Mois</th>
                <th class="num">Montant</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {toPay.map((r) => (
                <tr>
                  <td data-label="Personne">{r.personName}</td>
                  <td data-label="Mois">{monthLabel(r.month)}</td>
                  <td data-label="Montant" class="num">
                    {formatEuros(r.totalCents)}
                  </td>
                  <td data-label="Action">
                    <PostButton
                      c={c}
                      action={`/notes-de-frais/${r.id}/rembourser`}
                      label="Marquer remboursée"
                      cls="btn-secondary btn-small"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">Rien à rembourser.</p>
        )}
      </Card>
    </Layout>,
  );
});
expenseValidationRoutes.post('/notes-de-frais/valider', async (c) => {
  const f = await formValues(c);
  const ids = (await formAll(c, 'ids')).filter(isUuid);
  try {
    const done = await tenant(c, async (trx, a) => {
      if (f.mode === 'clean')
        return validateExpenseReports(
          trx,
          a,
          (await reportsToValidate(trx, a)).map((r) => r.id),
          { onlyClean: true },
        );
      return validateExpenseReports(trx, a, ids);
    });
    setFlash(c, { kind: 'success', text: `${done.length} note(s) de frais validée(s) et comptabilisée(s).` });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/notes-de-frais/a-valider');
});
expenseValidationRoutes.get('/notes-de-frais/:id', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Note de frais');
  const actor = actorOf(c);
  const r = await tenant(c, (trx, a) => getExpenseReport(trx, a, id));
  if (!r) throw new NotFoundError('Note de frais');
  return c.html(
    <Layout c={c} title="Note de frais" wide>
      <PageHeader title={`Note de frais de ${r.personName} — ${monthLabel(r.month)}`} />
      <Card>
        <SheetTable c={c} r={r} editable={false} />
      </Card>
      {isValidator(actor) && r.status === 'submitted' ? (
        <div class="actions">
          <PostButton c={c} action="/notes-de-frais/valider" label="Valider">
            <input type="hidden" name="ids" value={r.id} />
            <input type="hidden" name="mode" value="selected" />
          </PostButton>
          <form method="post" action={`/notes-de-frais/${r.id}/renvoyer`} novalidate>
            <Csrf token={c.get('csrf')} />
            <Field label="Raison du renvoi" name="reason" required />
            <button type="submit" class="btn-secondary">
              Renvoyer pour correction
            </button>
          </form>
        </div>
      ) : null}
    </Layout>,
  );
});
expenseValidationRoutes.post('/notes-de-frais/:id/renvoyer', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) => returnExpenseReport(trx, a, id, f.reason ?? ''));
    setFlash(c, { kind: 'success', text: 'Note renvoyée pour correction.' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect(`/notes-de-frais/${id}`);
  }
  return c.redirect('/notes-de-frais/a-valider');
});
expenseValidationRoutes.post('/notes-de-frais/:id/rembourser', async (c) => {
  const id = c.req.param('id');
  try {
    await tenant(c, (trx, a) => markExpenseReportReimbursed(trx, a, id));
    setFlash(c, { kind: 'success', text: 'Remboursement enregistré.' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/notes-de-frais/a-valider');
});

// Matching a bank line by hand (/banque/lignes/:id/rapprocher): search the open documents, tick
// one or several, adjust the amounts (a partial or grouped payment), record. A wrong choice comes
// back with the message beside the list, what was ticked and typed kept.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, EmptyState } from '../../web/components.tsx';
import { formAll, formValues } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { formatDate } from '../../core/dates.ts';
import { centsToDecimal, formatEuros, parseCents } from '../../core/money.ts';
import { isUuid } from '../../core/ids.ts';
import { matchManually, TARGET_WORDS } from './bank.service.ts';
import { matchCandidates, type MatchCandidates } from './manual-match.service.ts';
import type { MatchTarget } from './schema.ts';

export const manualMatchRoutes = new Hono<AppEnv>();
manualMatchRoutes.use('/banque/lignes/:id/rapprocher', requireActor);

type Target = Parameters<typeof matchManually>[3][number];
const TARGET_TYPES: string[] = [
  'invoice',
  'supplier_invoice',
  'expense_report',
  'salary',
] satisfies Target['targetType'][];

interface Sent {
  chosen: Set<string>;
  amounts: Record<string, string>;
  error: string;
}

const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(c.get('app').odb.db, actorOf(c).cooperativeId, fn);
const docKey = (t: MatchTarget, id: string) => `${t}:${id}`;

async function manualMatchPage(c: Ctx, id: string, q: string, sent?: Sent) {
  let found: MatchCandidates;
  try {
    found = await tenant(c, (trx) => matchCandidates(trx, actorOf(c), id, { q }));
  } catch (e) {
    // A line of another cooperative, or none, is not found (404); only a justified one sends back.
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/banque', 303);
  }
  const { line, items, total } = found;
  const self = `/banque/lignes/${id}/rapprocher`;
  const errorId = 'targets-error';
  return c.html(
    <Layout c={c} title="Rapprocher à la main" wide>
      <PageHeader
        title="Rapprocher à la main"
        help="Choisissez le ou les documents que ce mouvement règle. La somme des montants doit être égale au montant de la ligne ; un montant plus petit que le reste dû enregistre un paiement partiel."
        action={
          <a class="btn btn-secondary" href="/banque">
            Retour à la banque
          </a>
        }
      />
      <Card title="Ligne bancaire">
        <dl class="facts">
          <dt>Date</dt>
          <dd>{formatDate(line.bookingDate)}</dd>
          <dt>Libellé</dt>
          <dd>
            {line.label}
            {line.counterpartyName ? <span class="muted"> — {line.counterpartyName}</span> : null}
          </dd>
          <dt>Montant</dt>
          <dd>{formatEuros(line.amountCents)}</dd>
        </dl>
      </Card>
      <Card title="Documents ouverts">
        {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the landmark older screen readers know; <search> is too recent */}
        <form method="get" action={self} role="search">
          <Field
            label="Rechercher un document"
            name="q"
            value={q}
            hint="Numéro, nom du client ou du fournisseur, ou montant exact (1 234,56)."
            inputmode="search"
          />
          <button type="submit" class="btn-secondary">
            Rechercher
          </button>
        </form>
        {items.length ? (
          <form method="post" action={self} novalidate>
            <Csrf token={c.get('csrf')} />
            <input type="hidden" name="q" value={q} />
            <fieldset
              class={`field${sent?.error ? ' has-error' : ''}`}
              aria-describedby={sent?.error ? errorId : undefined}
            >
              <legend>
                {total > items.length
                  ? `Les ${items.length} plus proches du montant, sur ${total} : précisez la recherche pour en voir d'autres.`
                  : `${total} document(s), les plus proches du montant d'abord.`}
              </legend>
              {sent?.error ? (
                <p class="error" id={errorId} role="alert">
                  {sent.error}
                </p>
              ) : null}
              <table class="data">
                <thead>
                  <tr>
                    <th>Choisir</th>
                    <th>Document</th>
                    <th>Échéance</th>
                    <th class="num">Reste dû</th>
                    <th class="num">Montant rapproché</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map(({ item, proposedCents }) => {
                    const key = docKey(item.targetType, item.id);
                    const html = `m-${item.targetType}-${item.id}`;
                    const name = `${TARGET_WORDS[item.targetType]} ${item.number ?? ''} — ${item.partyName}`;
                    return (
                      <tr>
                        <td data-label="Choisir">
                          <input
                            type="checkbox"
                            name="doc"
                            value={key}
                            id={`c-${html}`}
                            checked={sent?.chosen.has(key)}
                          />
                          <label for={`c-${html}`} class="sr-only">
                            Rapprocher {name}
                          </label>
                        </td>
                        <td data-label="Document">{name}</td>
                        <td data-label="Échéance">{item.dueDate ? formatDate(item.dueDate) : '—'}</td>
                        <td data-label="Reste dû" class="num">
                          {formatEuros(item.remainingCents)}
                        </td>
                        <td data-label="Montant rapproché" class="num">
                          <label for={`a-${html}`} class="sr-only">
                            Montant rapproché sur {name}
                          </label>
                          <input
                            id={`a-${html}`}
                            name={`montant:${key}`}
                            inputmode="decimal"
                            size={10}
                            value={sent?.amounts[key] ?? centsToDecimal(proposedCents, ',')}
                            readonly={item.allowPartial === false}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </fieldset>
            <button type="submit">Rapprocher</button>
          </form>
        ) : (
          <EmptyState
            title="Aucun document ouvert ne correspond"
            text={q ? 'Essayez un autre numéro, un autre nom ou le montant exact.' : 'Tous les documents sont soldés.'}
          />
        )}
      </Card>
    </Layout>,
    sent ? 422 : 200,
  );
}

manualMatchRoutes.get('/banque/lignes/:id/rapprocher', (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) return c.notFound();
  return manualMatchPage(c, id, (c.req.query('q') ?? '').slice(0, 200));
});

manualMatchRoutes.post('/banque/lignes/:id/rapprocher', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) return c.notFound();
  // The project's form readers: the last value of each field, and every ticked document.
  const f = await formValues(c);
  const docs = await formAll(c, 'doc');
  const amounts: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (k.startsWith('montant:')) amounts[k.slice('montant:'.length)] = v;
  const q = (f.q ?? '').slice(0, 200);
  const sent = (error: string) => ({ chosen: new Set(docs), amounts, error });
  const targets: Target[] = [];
  for (const d of docs) {
    const [type, docId] = d.split(':');
    if (!TARGET_TYPES.includes(type ?? '') || !isUuid(docId ?? ''))
      return manualMatchPage(c, id, q, sent('Document introuvable ou déjà soldé.'));
    const cents = parseCents(amounts[d] ?? '');
    if (cents === null || cents <= 0)
      return manualMatchPage(c, id, q, sent('Indiquez un montant positif pour chaque document coché.'));
    targets.push({ targetType: type as Target['targetType'], id: docId, amountCents: cents });
  }
  if (!targets.length) return manualMatchPage(c, id, q, sent('Cochez au moins un document.'));
  try {
    await tenant(c, (trx) => matchManually(trx, actorOf(c), id, targets));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return manualMatchPage(c, id, q, sent(e.message));
  }
  setFlash(c, {
    kind: 'success',
    text:
      targets.length > 1
        ? `Rapprochement enregistré : ${targets.length} paiements comptabilisés.`
        : 'Rapprochement enregistré : le paiement est comptabilisé.',
  });
  return c.redirect('/banque', 303);
});

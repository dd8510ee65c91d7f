// Bank pages: accounts, statement import, the "à justifier" list with suggestions and one-click
// confirmation, and the matched list. For accountants, directors and support staff.
import { ACCOUNT_KINDS, kindFits, type AccountKind } from './account-justification.ts';
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, EmptyState, Figure } from '../../web/components.tsx';
import { formValues } from '../../web/forms.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../web/request-guards.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../core/actor.ts';
import { UserError, fieldErrors } from '../../core/errors.ts';
import { formatDate, todayParis, formatDateTime } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { formatIban, isIban } from '../../core/identifiers.ts';
import { isUuid } from '../../core/ids.ts';
import {
  listAccounts,
  createAccount,
  importStatement,
  listToJustify,
  listMatched,
  confirmSuggestion,
  markIgnored,
  justifyToAccount,
  bankCounts,
  type ImportResult,
} from './bank.service.ts';
import { StatementParseError, type LineProblem, type CsvMapping } from './parsers.ts';
import { listSepaCandidates, createSepaBatch, listSepaBatches, getSepaBatchFile } from './sepa.service.ts';

export const bankRoutes = new Hono<AppEnv>();
for (const p of ['/banque', '/banque/*']) bankRoutes.use(p, requireActor);

const db = (c: Ctx) => c.get('app').odb.db;
const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(db(c), actorOf(c).cooperativeId, fn);
const canBank = (a: Actor) => hasRole(a, 'accountant', 'director', 'support');
const KIND_LABELS = { single: 'Paiement', grouped: 'Paiement groupé', partial: 'Paiement partiel' } as const;

interface PageState {
  importErrors?: Record<string, string> | null;
  importMessage?: string | null;
  problems?: LineProblem[];
  result?: ImportResult | null;
  accountErrors?: Record<string, string> | null;
  accountValues?: Record<string, string>;
}

async function bankPage(c: Ctx, st: PageState = {}, status: 200 | 400 = 200) {
  const actor = actorOf(c);
  if (!canBank(actor))
    return c.html(
      <Layout c={c} title="Banque">
        <PageHeader title="Banque" />
        <p>Cette page est réservée à l'équipe de la coopérative.</p>
      </Layout>,
      403,
    );
  const [accounts, todo, matched, counts] = await tenant(
    c,
    async (trx) =>
      [
        await listAccounts(trx, actor),
        await listToJustify(trx, actor, { limit: 30 }),
        await listMatched(trx, actor, { limit: 30 }),
        await bankCounts(trx, actor),
      ] as const,
  );
  const csrf = c.get('csrf');
  const ae = st.accountErrors ?? {};
  const av = st.accountValues ?? {};
  return c.html(
    <Layout c={c} title="Banque" wide>
      <PageHeader
        title="Banque"
        help="Importez les relevés de vos comptes : les paiements reconnus sont rapprochés des factures automatiquement ; les autres lignes attendent votre confirmation dans « À justifier »."
        action={
          hasRole(actor, 'accountant', 'director') ? (
            <a class="btn btn-secondary" href="/banque/virements">
              Préparer des virements
            </a>
          ) : undefined
        }
      />
      <div class="figures">
        <Figure label="À justifier" value={String(counts.toJustify)} tone={counts.toJustify ? 'warn' : 'ok'} />
        <Figure label="Rapprochées" value={String(counts.matched)} tone="ok" />
        <Figure label="Justifiées sans pièce" value={String(counts.ignored)} />
      </div>

      <Card title="Importer un relevé">
        {st.result ? (
          <div class="flash flash-success" role="status">
            <p>
              {st.result.lines} ligne(s) lue(s) : {st.result.imported} importée(s), {st.result.duplicates} déjà
              présente(s) ; {st.result.matched} rapprochée(s) automatiquement, {st.result.toJustify} à justifier.
            </p>
          </div>
        ) : null}
        {st.importMessage ? (
          <div class="flash flash-error" role="alert">
            <p>{st.importMessage}</p>
            {st.problems?.length ? (
              <table class="data">
                <thead>
                  <tr>
                    <th>Ligne</th>
                    <th>Raison</th>
                  </tr>
                </thead>
                <tbody>
                  {st.problems.map((p) => (
                    <tr>
                      <td data-label="Ligne">{p.line || '—'}</td>
                      <td data-label="Raison">{p.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        ) : null}
        {accounts.length ? (
          <form method="post" action="/banque/import" enctype="multipart/form-data" novalidate>
            <Csrf token={csrf} />
            <Select
              label="Compte"
              name="accountId"
              value={accounts[0].id}
              options={accounts.map((a) => [a.id, `${a.label} — ${formatIban(a.iban)}`] as [string, string])}
              error={st.importErrors?.accountId}
            />
            <div class={`field${st.importErrors?.file ? ' has-error' : ''}`}>
              <label for="f-file">Fichier du relevé</label>
              <p class="hint" id="f-file-hint">
                CAMT.053 (XML), OFX ou CSV exporté depuis votre banque. Réimporter un relevé déjà importé n'ajoute rien.
              </p>
              <input
                id="f-file"
                type="file"
                name="file"
                accept=".xml,.ofx,.qfx,.csv,.txt,text/xml,text/csv"
                required
                aria-describedby="f-file-hint"
              />
              {st.importErrors?.file ? (
                <p class="error" role="alert">
                  {st.importErrors.file}
                </p>
              ) : null}
            </div>
            <details class="more">
              <summary>Colonnes du fichier CSV (si votre banque n'est pas reconnue)</summary>
              <p class="hint">
                Numéros de colonnes à partir de 1. La correspondance est enregistrée pour votre banque.
              </p>
              <Field label="Colonne de la date" name="csvDate" inputmode="numeric" />
              <Field label="Colonne du libellé" name="csvLabel" inputmode="numeric" />
              <Field
                label="Colonne du montant (signé)"
                name="csvAmount"
                inputmode="numeric"
                hint="Ou bien les deux colonnes ci-dessous."
              />
              <Field label="Colonne du débit" name="csvDebit" inputmode="numeric" />
              <Field label="Colonne du crédit" name="csvCredit" inputmode="numeric" />
              <Select
                label="Séparateur"
                name="csvSeparator"
                value=";"
                options={[
                  [';', 'Point-virgule (;)'],
                  [',', 'Virgule (,)'],
                  ['\t', 'Tabulation'],
                ]}
              />
              <Select
                label="Encodage"
                name="csvEncoding"
                value=""
                options={[
                  ['', 'Détection automatique'],
                  ['latin1', 'Latin-1 (Windows)'],
                  ['utf8', 'UTF-8'],
                ]}
              />
            </details>
            <button type="submit">Importer</button>
          </form>
        ) : (
          <p>Ajoutez d'abord un compte bancaire ci-dessous.</p>
        )}
      </Card>

      <Card title={`À justifier (${todo.total})`}>
        {todo.items.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Date</th>
                <th>Libellé</th>
                <th class="num">Montant</th>
                <th>Suggestions</th>
              </tr>
            </thead>
            <tbody>
              {todo.items.map(({ tx, suggestions, accountKind }) => (
                <tr>
                  <td data-label="Date">{formatDate(tx.bookingDate)}</td>
                  <td data-label="Libellé">
                    {tx.label}
                    {tx.counterpartyName ? (
                      <>
                        <br />
                        <span class="muted">{tx.counterpartyName}</span>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Montant" class="num">
                    {formatEuros(tx.amountCents)}
                  </td>
                  <td data-label="Suggestions">
                    {suggestions.length ? (
                      <ul class="bank-suggestions">
                        {suggestions.slice(0, 3).map((s) => (
                          <li>
                            <form method="post" action={`/banque/lignes/${tx.id}/confirmer`} class="bank-inline">
                              <Csrf token={csrf} />
                              <input type="hidden" name="key" value={s.key} />
                              {KIND_LABELS[s.suggestion.kind]} :{' '}
                              {s.suggestion.targets
                                .map(
                                  (t) =>
                                    `${t.item.number ?? ''} ${t.item.partyName} (${formatEuros(t.amountCents)})${t.item.existingPaymentId ? ' — paiement déjà saisi' : ''}`,
                                )
                                .join(' + ')}{' '}
                              <span class="muted">{s.suggestion.reasons.join(', ')}</span>{' '}
                              <button type="submit" class="btn-secondary">
                                Confirmer
                              </button>
                            </form>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span class="muted">Aucune suggestion.</span>
                    )}{' '}
                    <a href={`/banque/lignes/${tx.id}/rapprocher`}>Choisir les documents à la main</a>
                    {accountKind ? (
                      <form method="post" action={`/banque/lignes/${tx.id}/compte`} class="bank-inline">
                        <Csrf token={csrf} />
                        <input type="hidden" name="kind" value={accountKind} />
                        <button type="submit">{ACCOUNT_KINDS[accountKind].button}</button>{' '}
                        <span class="muted">compte {ACCOUNT_KINDS[accountKind].account(tx.amountCents)}</span>
                      </form>
                    ) : null}
                    <form method="post" action={`/banque/lignes/${tx.id}/compte`} class="bank-inline">
                      <Csrf token={csrf} />
                      <label for={`kind-${tx.id}`}>Justifier sur un compte</label>{' '}
                      <select id={`kind-${tx.id}`} name="kind">
                        {(Object.keys(ACCOUNT_KINDS) as AccountKind[])
                          .filter((k) => kindFits(k, tx.amountCents))
                          .map((k) => (
                            <option value={k} selected={k === accountKind}>
                              {`${ACCOUNT_KINDS[k].label} (${ACCOUNT_KINDS[k].account(tx.amountCents)})`}
                            </option>
                          ))}
                      </select>{' '}
                      <button type="submit" class="btn-secondary">
                        Passer en comptabilité
                      </button>
                    </form>
                    <form method="post" action={`/banque/lignes/${tx.id}/sans-piece`} class="bank-inline">
                      <Csrf token={csrf} />
                      <button type="submit" class="btn-secondary">
                        Justifiée sans pièce
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Rien à justifier" text="Toutes les lignes importées sont rapprochées." />
        )}
      </Card>

      <Card title="Rapprochements récents">
        {matched.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Date</th>
                <th>Libellé bancaire</th>
                <th>Document</th>
                <th class="num">Montant</th>
                <th>Par</th>
              </tr>
            </thead>
            <tbody>
              {matched.map((m) => (
                <tr>
                  <td data-label="Date">{formatDate(m.booking_date)}</td>
                  <td data-label="Libellé bancaire">{m.label}</td>
                  <td data-label="Document">{m.href ? <a href={m.href}>{m.document}</a> : m.document}</td>
                  <td data-label="Montant" class="num">
                    {formatEuros(m.amount_cents)}
                  </td>
                  <td data-label="Par">{m.matched_by === 'auto' ? 'automatique' : 'confirmé'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucun rapprochement pour l'instant" />
        )}
      </Card>

      <Card title="Comptes bancaires">
        <table class="data">
          <thead>
            <tr>
              <th>Nom</th>
              <th>IBAN</th>
              <th>BIC</th>
              <th>Compte comptable</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr>
                <td data-label="Nom">{a.label}</td>
                <td data-label="IBAN">{formatIban(a.iban)}</td>
                <td data-label="BIC">{a.bic ?? '—'}</td>
                <td data-label="Compte comptable">{a.ledgerAccount}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/banque/comptes" novalidate>
          <Csrf token={csrf} />
          <Field label="Nom du compte" name="label" value={av.label} error={ae.label} required />
          <Field label="IBAN" name="iban" value={av.iban} error={ae.iban} required />
          <Field label="BIC" name="bic" value={av.bic} error={ae.bic} />
          <Field
            label="Compte comptable"
            name="ledgerAccount"
            value={av.ledgerAccount ?? '512'}
            error={ae.ledgerAccount}
            hint="Commence par 512."
          />
          <button type="submit" class="btn-secondary">
            Ajouter le compte
          </button>
        </form>
      </Card>
    </Layout>,
    status,
  );
}

bankRoutes.get('/banque', (c) => bankPage(c));

function csvMappingFrom(f: Record<string, string>): CsvMapping | null {
  const col = (k: string) => {
    const n = Number(f[k]);
    return f[k]?.trim() && Number.isInteger(n) && n >= 1 ? n - 1 : undefined;
  };
  const date = col('csvDate');
  const label = col('csvLabel');
  if (date == null && label == null) return null;
  if (date == null || label == null)
    throw new UserError('Indiquez au moins les colonnes de la date et du libellé.', 'file');
  const amount = col('csvAmount');
  const debit = col('csvDebit');
  const credit = col('csvCredit');
  if (amount == null && (debit == null || credit == null))
    throw new UserError('Indiquez la colonne du montant, ou celles du débit et du crédit.', 'file');
  const sep = f.csvSeparator === ',' ? ',' : f.csvSeparator === '\t' ? '\t' : ';';
  return {
    separator: sep,
    decimal: ',',
    dateFormat: 'dd/mm/yyyy',
    header: true,
    date,
    label,
    amount,
    debit,
    credit,
    encoding: f.csvEncoding === 'latin1' || f.csvEncoding === 'utf8' ? f.csvEncoding : undefined,
  };
}

bankRoutes.post('/banque/import', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
  const actor = actorOf(c);
  const body = await c.req.parseBody();
  const f: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') f[k] = v;
  const file = body.file;
  if (!(file instanceof File) || file.size === 0)
    return bankPage(
      c,
      { importErrors: { file: 'Choisissez le fichier du relevé.' }, importMessage: 'Choisissez le fichier du relevé.' },
      400,
    );
  if (file.size > 20 * 1024 * 1024)
    return bankPage(
      c,
      {
        importErrors: { file: 'Fichier trop volumineux (20 Mo au plus).' },
        importMessage: 'Fichier trop volumineux (20 Mo au plus).',
      },
      400,
    );
  if (!isUuid(f.accountId ?? ''))
    return bankPage(
      c,
      { importErrors: { accountId: 'Choisissez le compte.' }, importMessage: 'Choisissez le compte.' },
      400,
    );
  try {
    const csvMapping = csvMappingFrom(f);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const result = await tenant(c, (trx) =>
      importStatement(trx, actor, { accountId: f.accountId, bytes, fileName: file.name, csvMapping }),
    );
    return bankPage(c, { result });
  } catch (e) {
    if (e instanceof StatementParseError)
      return bankPage(
        c,
        {
          importMessage:
            "Fichier refusé : rien n'a été importé. Corrigez les lignes suivantes ou exportez à nouveau le relevé.",
          problems: e.problems,
          importErrors: { file: 'Fichier refusé.' },
        },
        400,
      );
    if (e instanceof UserError)
      return bankPage(c, { importMessage: e.message, importErrors: fieldErrors(e) ?? { file: e.message } }, 400);
    throw e;
  }
});

bankRoutes.post('/banque/comptes', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (trx) =>
      createAccount(trx, actorOf(c), {
        iban: f.iban ?? '',
        bic: f.bic,
        label: f.label ?? '',
        ledgerAccount: f.ledgerAccount,
      }),
    );
  } catch (e) {
    if (e instanceof UserError)
      return bankPage(c, { accountErrors: fieldErrors(e) ?? { iban: e.message }, accountValues: f }, 400);
    throw e;
  }
  setFlash(c, { kind: 'success', text: `Compte ${isIban(f.iban ?? '') ? formatIban(f.iban) : ''} ajouté.` });
  return c.redirect('/banque', 303);
});

bankRoutes.post('/banque/lignes/:id/confirmer', async (c) => {
  const id = c.req.param('id');
  const f = await formValues(c);
  if (!isUuid(id)) return c.notFound();
  try {
    await tenant(c, (trx) => confirmSuggestion(trx, actorOf(c), id, f.key ?? ''));
    setFlash(c, { kind: 'success', text: 'Rapprochement enregistré : le paiement est comptabilisé.' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/banque', 303);
});

bankRoutes.post('/banque/lignes/:id/compte', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) return c.notFound();
  const body = await c.req.parseBody();
  const kind = typeof body.kind === 'string' ? body.kind : '';
  try {
    const r = await tenant(c, (trx) => justifyToAccount(trx, actorOf(c), id, kind));
    setFlash(c, { kind: 'success', text: `Ligne passée en comptabilité au compte ${r.account}.` });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/banque', 303);
});

bankRoutes.post('/banque/lignes/:id/sans-piece', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) return c.notFound();
  try {
    await tenant(c, (trx) => markIgnored(trx, actorOf(c), id));
    setFlash(c, { kind: 'success', text: 'Ligne justifiée sans facture.' });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect('/banque', 303);
});

// --- SEPA credit transfers -----------------------------------------------------------------------

const canSepaPage = (a: Actor) => hasRole(a, 'accountant', 'director');
interface SepaState {
  errors?: Record<string, string> | null;
  chosen?: string[];
  executionDate?: string;
}

async function transfersPage(c: Ctx, st: SepaState = {}, status: 200 | 400 = 200) {
  const actor = actorOf(c);
  if (!canSepaPage(actor))
    return c.html(
      <Layout c={c} title="Virements">
        <PageHeader title="Virements" />
        <p>Cette page est réservée à la comptabilité et à la direction.</p>
      </Layout>,
      403,
    );
  const [items, batches] = await tenant(
    c,
    async (trx) => [await listSepaCandidates(trx, actor), await listSepaBatches(trx, actor)] as const,
  );
  const csrf = c.get('csrf');
  const e = st.errors ?? {};
  const chosen = new Set(st.chosen ?? []);
  const ready = items.filter((i) => !i.problem);
  return c.html(
    <Layout c={c} title="Virements" wide>
      <PageHeader
        title="Virements SEPA"
        help="Choisissez les factures fournisseurs et les notes de frais à payer : vous obtenez un fichier de virements (pain.001) à déposer sur le site de votre banque. Elles seront marquées payées quand le relevé bancaire sera rapproché."
        action={
          <a class="btn btn-secondary" href="/banque">
            Retour à la banque
          </a>
        }
      />
      <Card title="À payer par virement">
        {items.length ? (
          <form method="post" action="/banque/virements" novalidate>
            <Csrf token={csrf} />
            <div class={`field${e.items ? ' has-error' : ''}`}>
              <table class="data">
                <thead>
                  <tr>
                    <th>Choisir</th>
                    <th>Bénéficiaire</th>
                    <th>Pièce</th>
                    <th>IBAN</th>
                    <th>Échéance</th>
                    <th class="num">Montant</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((i) => {
                    const id = `v-${i.targetType}-${i.id}`;
                    return (
                      <tr>
                        <td data-label="Choisir">
                          {i.problem ? (
                            <span class="muted">—</span>
                          ) : (
                            <>
                              <input type="checkbox" name="items" value={i.key} id={id} checked={chosen.has(i.key)} />
                              <label for={id} class="sr-only">
                                Payer {i.creditorName} ({i.label})
                              </label>
                            </>
                          )}
                        </td>
                        <td data-label="Bénéficiaire">{i.creditorName}</td>
                        <td data-label="Pièce">
                          {i.targetType === 'supplier_invoice' ? (
                            <a href={`/factures-fournisseurs/${i.id}`}>{i.label}</a>
                          ) : (
                            i.label
                          )}
                        </td>
                        <td data-label="IBAN">
                          {i.problem ? <strong class="error">{i.problem}</strong> : formatIban(i.iban!)}
                        </td>
                        <td data-label="Échéance">{formatDate(i.dueDate)}</td>
                        <td data-label="Montant" class="num">
                          {formatEuros(i.amountCents)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {e.items ? (
                <p class="error" role="alert" id="f-items-error">
                  {e.items}
                </p>
              ) : null}
            </div>
            <Field
              label="Date d'exécution souhaitée"
              name="executionDate"
              type="date"
              value={st.executionDate ?? todayParis()}
              min={todayParis()}
              error={e.executionDate}
              required
              hint="Le jour où la banque doit exécuter les virements (aujourd'hui au plus tôt)."
            />
            {ready.length ? (
              <button type="submit">Télécharger le fichier de virements</button>
            ) : (
              <p class="muted">Aucune ligne ne peut être payée : complétez les IBAN manquants.</p>
            )}
          </form>
        ) : (
          <EmptyState
            title="Rien à payer par virement"
            text="Les factures fournisseurs approuvées et les notes de frais validées apparaîtront ici."
          />
        )}
      </Card>
      <Card title="Lots déjà préparés">
        {batches.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Préparé le</th>
                <th>Exécution</th>
                <th class="num">Virements</th>
                <th class="num">Total</th>
                <th>Fichier</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr>
                  <td data-label="Préparé le">{formatDateTime(b.createdAt)}</td>
                  <td data-label="Exécution">{formatDate(b.executionDate)}</td>
                  <td data-label="Virements" class="num">
                    {b.count}
                  </td>
                  <td data-label="Total" class="num">
                    {formatEuros(b.totalCents)}
                  </td>
                  <td data-label="Fichier">
                    <a href={`/banque/virements/${b.id}.xml`}>Télécharger</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">Aucun lot pour l'instant.</p>
        )}
      </Card>
    </Layout>,
    status,
  );
}

const xmlDownload = (c: Ctx, fileName: string, xml: string) =>
  c.body(xml, 200, {
    'content-type': 'application/xml; charset=utf-8',
    'content-disposition': `attachment; filename="${fileName}"`,
    'cache-control': 'no-store',
  });

bankRoutes.get('/banque/virements', (c) => transfersPage(c));

bankRoutes.post('/banque/virements', async (c) => {
  const actor = actorOf(c);
  if (!canSepaPage(actor)) return transfersPage(c);
  const body = await c.req.parseBody({ all: true });
  const all = (k: string) => {
    const v = body[k];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
  };
  const keys = all('items');
  const executionDate = all('executionDate').at(-1) ?? '';
  try {
    const r = await tenant(c, (trx) => createSepaBatch(trx, actor, { keys, executionDate }));
    return xmlDownload(c, r.fileName, r.xml);
  } catch (e) {
    if (e instanceof UserError)
      return transfersPage(c, { errors: fieldErrors(e) ?? { items: e.message }, chosen: keys, executionDate }, 400);
    throw e;
  }
});

bankRoutes.get('/banque/virements/:file', async (c) => {
  const actor = actorOf(c);
  if (!canSepaPage(actor)) return transfersPage(c);
  const id = c.req.param('file').replace(/\.xml$/, '');
  if (!isUuid(id)) return c.notFound();
  const f = await tenant(c, (trx) => getSepaBatchFile(trx, actor, id));
  return f ? xmlDownload(c, f.fileName, f.xml) : c.notFound();
});

// Sales pages: invoices (list, editor, page with actions, support queue) and customers.
import { LiveResults, liveSearch } from '../../web/live-search.tsx';
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import {
  Field,
  Select,
  Csrf,
  PageHeader,
  Card,
  Pagination,
  EmptyState,
  FormErrorSummary,
  Badge,
  Figure,
} from '../../web/components.tsx';
import { formValues, formAll, pageParam } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../core/actor.ts';
import { UserError, NotFoundError, fieldErrors } from '../../core/errors.ts';
import { formatDate, todayParis } from '../../core/dates.ts';
import { formatEuros, parseCents, centsToDecimal } from '../../core/money.ts';
import { activitiesFor } from '../directory/index.ts';
import { INVOICE_STATUSES, type InvoiceStatus } from './types.ts';
import { createCustomer, getCustomer, listCustomers, type CustomerInput } from './customer.service.ts';
import {
  createDraft,
  submitInvoice,
  validateInvoice,
  recordPayment,
  createCreditNote,
  getInvoice,
  getLines,
  listInvoices,
  loadInvoiceDocument,
  canValidate,
  STATUS_LABELS,
} from './invoice.service.ts';
import * as facturx from './facturx/index.ts';
import { isUuid } from '../../core/ids.ts';
import { formatDateTime, daysBetween } from '../../core/dates.ts';
import { sendInvoice } from './sending.ts';
import {
  reminderHistory,
  sendReminderNow,
  setRemindersPaused,
  noticeLetterPdf,
  reminderSchedule,
  parseReminderDays,
  setReminderSchedule,
  NOTICE_AFTER_DAYS,
} from './reminders.ts';
import { registerQuoteRoutes } from './quote.routes.tsx';
import { invoicePanels } from './invoice-panels.ts';
import { registerInvoiceEditorRoutes } from './invoice-editor.routes.tsx';
import { heldMessage, selfValidateInvoice } from './inbox.ts';
import { withSections } from './editor.tsx';
import { DocumentLineRow, SubtotalRow } from './document-lines.tsx';

export const salesRoutes = new Hono<AppEnv>();
for (const p of [
  '/factures',
  '/factures/*',
  '/clients',
  '/clients/*',
  '/devis',
  '/devis/*',
  '/catalogue',
  '/catalogue/*',
])
  salesRoutes.use(p, requireActor);

const db = (c: Ctx) => c.get('app').odb.db;
const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(db(c), actorOf(c).cooperativeId, fn);
const isValidator = (a: Actor) => hasRole(a, 'support', 'director', 'accountant');

// --- invoices list --------------------------------------------------------------------------
salesRoutes.get('/factures', async (c) => {
  const actor = actorOf(c);
  const q = c.req.query();
  const status = (
    q.status && ([...INVOICE_STATUSES, 'issued'] as string[]).includes(q.status) ? q.status : undefined
  ) as InvoiceStatus | 'issued' | undefined;
  const [res, acts, customers] = await tenant(
    c,
    async (trx) =>
      [
        await listInvoices(trx, actor, {
          status,
          customerId: q.client || undefined,
          activityId: q.activite || undefined,
          from: q.du || undefined,
          to: q.au || undefined,
          q: q.q || undefined,
          page: pageParam(c),
          minCents: q.min ? parseCents(q.min) : null,
          maxCents: q.max ? parseCents(q.max) : null,
        }),
        await activitiesFor(trx, actor),
        await listCustomers(trx, actor, { pageSize: 500 }),
      ] as const,
  );
  const params = {
    status: q.status,
    client: q.client,
    activite: q.activite,
    du: q.du,
    au: q.au,
    q: q.q,
    min: q.min,
    max: q.max,
  };
  return c.html(
    <Layout c={c} title="Factures" wide>
      <PageHeader
        title="Factures"
        help="Vos factures et avoirs. Une facture validée reçoit son numéro et ne peut plus être modifiée."
        action={
          <a class="btn" href="/factures/nouvelle">
            Nouvelle facture
          </a>
        }
      />
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the landmark older screen readers know; <search> is too recent */}
      <form class="filters" method="get" action="/factures" role="search" {...liveSearch('/factures')}>
        <Field label="Rechercher" name="q" value={q.q} placeholder="Numéro ou client" />
        <Select
          label="Statut"
          name="status"
          value={q.status ?? ''}
          options={[
            ['', 'Tous'],
            ['issued', 'Émises non soldées'],
            ...INVOICE_STATUSES.map((s) => [s, STATUS_LABELS[s]] as [string, string]),
          ]}
        />
        <Select
          label="Client"
          name="client"
          value={q.client ?? ''}
          options={[['', 'Tous'], ...customers.items.map((x) => [x.id, x.name] as [string, string])]}
        />
        <Select
          label="Activité"
          name="activite"
          value={q.activite ?? ''}
          options={[['', 'Toutes'], ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string])]}
        />
        <Field label="Du" name="du" type="date" value={q.du} />
        <Field label="Au" name="au" type="date" value={q.au} />
        <Field label="TTC minimum (€)" name="min" value={q.min} inputmode="decimal" />
        <Field label="TTC maximum (€)" name="max" value={q.max} inputmode="decimal" />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      <LiveResults>
        <div class="figures">
          <Figure label="Total HT" value={formatEuros(res.totalExclCents)} />
          <Figure label="Total TTC" value={formatEuros(res.totalInclCents)} />
        </div>
        {res.items.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Numéro</th>
                <th>Date</th>
                <th>Client</th>
                <th class="num">HT</th>
                <th class="num">TTC</th>
                <th>Statut</th>
              </tr>
            </thead>
            <tbody>
              {res.items.map((i) => (
                <tr>
                  <td data-label="Numéro">
                    <a href={`/factures/${i.id}`}>{i.number ?? 'Brouillon'}</a>
                    {i.typeCode === '381' ? ' (avoir)' : ''}
                  </td>
                  <td data-label="Date">{formatDate(i.issueDate)}</td>
                  <td data-label="Client">{i.customerName}</td>
                  <td data-label="HT" class="num">
                    {formatEuros(i.totalExclCents)}
                  </td>
                  <td data-label="TTC" class="num">
                    {formatEuros(i.totalInclCents)}
                  </td>
                  <td data-label="Statut">
                    <Badge status={i.displayStatus} label={STATUS_LABELS[i.displayStatus]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState
            title="Aucune facture ne correspond."
            action={
              <a class="btn" href="/factures/nouvelle">
                Créer une facture
              </a>
            }
          />
        )}
        <Pagination page={res.page} pageSize={res.pageSize} total={res.total} baseUrl="/factures" params={params} />
      </LiveResults>
    </Layout>,
  );
});

// --- editor (invoice-editor.routes.tsx; registered here so /factures/nouvelle comes before /factures/:id)
registerInvoiceEditorRoutes(salesRoutes);

// --- support queue --------------------------------------------------------------------------
salesRoutes.get('/factures/a-valider', async (c) => {
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
salesRoutes.post('/factures/a-valider', async (c) => {
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

// Reminder schedule of the cooperative: everyone reads it, the director edits it.
async function remindersPage(c: Ctx, opts: { value?: string; error?: string } = {}) {
  const actor = actorOf(c);
  const days = await tenant(c, (trx) => reminderSchedule(trx, actor.cooperativeId));
  const director = hasRole(actor, 'director');
  const describe = (d: number) =>
    d < 0
      ? `${-d} jour${d < -1 ? 's' : ''} avant l'échéance`
      : d === 0
        ? "le jour de l'échéance"
        : `${d} jour${d > 1 ? 's' : ''} après l'échéance`;
  return c.html(
    <Layout c={c} title="Relances">
      <PageHeader
        title="Relances automatiques"
        help={`Un message courtois part à chaque étape, tant que la facture n'est pas payée. Au-delà de ${NOTICE_AFTER_DAYS} jours de retard, une lettre de mise en demeure peut être imprimée depuis la facture.`}
      />
      <Card title="Calendrier actuel">
        <ul>
          {days.map((d) => (
            <li>{describe(d)}</li>
          ))}
        </ul>
      </Card>
      {director ? (
        <Card title="Modifier le calendrier">
          <form method="post" action="/factures/relances" novalidate>
            <Csrf token={c.get('csrf')} />
            <Field
              label="Jours par rapport à l'échéance"
              name="days"
              value={opts.value ?? days.join(', ')}
              error={opts.error}
              hint="Négatif = avant l'échéance. Exemple : -3, 7, 21, 45. Vide : aucune relance."
            />
            <button type="submit">Enregistrer</button>
          </form>
        </Card>
      ) : null}
    </Layout>,
    opts.error ? 400 : 200,
  );
}
salesRoutes.get('/factures/relances', (c) => remindersPage(c));
salesRoutes.post('/factures/relances', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  if (!hasRole(actor, 'director')) throw new NotFoundError('Page');
  try {
    const days = parseReminderDays(f.days ?? '');
    await tenant(c, (trx) => setReminderSchedule(trx, actor, days));
  } catch (e) {
    if (e instanceof UserError) return remindersPage(c, { value: f.days, error: e.message });
    throw e;
  }
  setFlash(c, { kind: 'success', text: 'Calendrier des relances enregistré.' });
  return c.redirect('/factures/relances', 303);
});

// --- invoice page and actions ---------------------------------------------------------------
salesRoutes.get('/factures/:id', async (c) => {
  const actor = actorOf(c);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  const data = await tenant(c, async (trx) => {
    const inv = await getInvoice(trx, actor, id);
    if (!inv) throw new NotFoundError('Facture');
    return {
      inv,
      lines: await getLines(trx, actor, id),
      mayValidate: await canValidate(trx, actor, inv),
      reminders: await reminderHistory(trx, actor, id),
      // Reminders and "sent by e-mail" depend on it: a customer without one gets neither.
      customerEmail: (await getCustomer(trx, actor, inv.customerId))?.email ?? null,
      panels: await invoicePanels(trx, actor, inv, c.get('csrf')),
    };
  });
  const { inv, lines } = data;
  const csrf = c.get('csrf');
  const post = (path: string, label: string, cls = '') => (
    <form method="post" action={`/factures/${inv.id}/${path}`} class="inline">
      <Csrf token={csrf} />
      <button type="submit" class={cls}>
        {label}
      </button>
    </form>
  );
  const title = inv.number
    ? `${inv.typeCode === '381' ? 'Avoir' : 'Facture'} ${inv.number}`
    : `${inv.typeCode === '381' ? 'Avoir' : 'Facture'} (brouillon)`;
  return c.html(
    <Layout c={c} title={title} wide>
      <PageHeader
        title={title}
        help={`${inv.customerName} · émise le ${formatDate(inv.issueDate)} · échéance ${formatDate(inv.dueDate)}`}
      />
      <p>
        <Badge status={inv.displayStatus} label={STATUS_LABELS[inv.displayStatus]} />
      </p>
      <div class="actions">
        {inv.status === 'draft' ? post('soumettre', 'Soumettre à validation') : null}
        {(inv.status === 'draft' || inv.status === 'submitted') && data.mayValidate
          ? post('valider', 'Valider la facture')
          : null}
        {inv.number ? (
          <a class="btn btn-secondary" href={`/factures/${inv.id}/pdf`}>
            Télécharger le PDF
          </a>
        ) : null}
        {inv.number && inv.status !== 'cancelled'
          ? post('envoyer', inv.sentAt ? 'Envoyer de nouveau par e-mail' : 'Envoyer par e-mail')
          : null}
        {inv.status === 'draft' || inv.status === 'submitted' ? (
          <a class="btn btn-secondary" href={`/factures/${inv.id}/modifier`}>
            Modifier
          </a>
        ) : null}
        {inv.typeCode === '380' && !inv.quoteId ? post('dupliquer', 'Dupliquer', 'btn-secondary') : null}
        {inv.number && inv.typeCode !== '381' && inv.status !== 'cancelled'
          ? post('avoir', 'Émettre un avoir', 'btn-secondary')
          : null}
        {inv.displayStatus === 'overdue' &&
        inv.dueDate &&
        daysBetween(inv.dueDate, todayParis()) > NOTICE_AFTER_DAYS ? (
          <a class="btn btn-secondary" href={`/factures/${inv.id}/mise-en-demeure`}>
            Mise en demeure (PDF)
          </a>
        ) : null}
      </div>
      {inv.sentAt ? (
        <p class="hint">
          {data.customerEmail ? 'Envoyée par e-mail' : 'Marquée comme envoyée'} le {formatDateTime(inv.sentAt)}.
        </p>
      ) : null}
      {inv.prepaidCents ? <p class="hint">Acomptes déduits : {formatEuros(inv.prepaidCents)}.</p> : null}
      {data.panels}
      {inv.quoteId ? (
        <p class="hint">
          <a href={`/devis/${inv.quoteId}`}>Voir le devis d'origine</a>
        </p>
      ) : null}
      <table class="data">
        <thead>
          <tr>
            <th>Désignation</th>
            <th class="num">Quantité</th>
            <th class="num">Prix unitaire HT</th>
            <th class="num">Remise</th>
            <th class="num">TVA</th>
            <th class="num">Montant HT</th>
          </tr>
        </thead>
        <tbody>
          {withSections(lines).map(({ l, title, subtotal }) => (
            <>
              {title ? (
                <tr class="doc-section-row">
                  <th colspan={6} scope="rowgroup">
                    {title}
                  </th>
                </tr>
              ) : null}
              <DocumentLineRow l={l} />
              {subtotal !== null ? <SubtotalRow title={l.section ?? ''} cents={subtotal} /> : null}
            </>
          ))}
        </tbody>
      </table>
      <div class="figures">
        {inv.discountCents ? (
          <Figure
            label="Remise globale HT"
            value={formatEuros(-inv.discountCents)}
            hint={inv.discountReason ?? undefined}
          />
        ) : null}
        <Figure label="Total HT" value={formatEuros(inv.totalExclCents)} />
        <Figure label="TVA" value={formatEuros(inv.vatCents)} />
        <Figure label="Total TTC" value={formatEuros(inv.totalInclCents)} />
        <Figure
          label="Reste à payer"
          value={formatEuros(inv.dueCents)}
          tone={inv.displayStatus === 'overdue' ? 'danger' : undefined}
        />
      </div>
      {['validated', 'sent', 'partly_paid'].includes(inv.status) &&
      inv.typeCode !== '381' &&
      hasRole(actor, 'accountant', 'support', 'director') ? (
        <Card title="Enregistrer un paiement">
          <form method="post" action={`/factures/${inv.id}/paiement`} novalidate>
            <Csrf token={csrf} />
            <div class="form-grid">
              <Field
                label="Montant (€)"
                name="amount"
                value={centsToDecimal(inv.dueCents).replace('.', ',')}
                inputmode="decimal"
                required
              />
              <Field label="Date" name="date" type="date" value={todayParis()} required />
              <Select
                label="Moyen"
                name="method"
                options={[
                  ['virement', 'Virement'],
                  ['cheque', 'Chèque'],
                  ['especes', 'Espèces'],
                  ['carte', 'Carte'],
                ]}
              />
              <Field label="Référence" name="reference" />
            </div>
            <button type="submit">Enregistrer le paiement</button>
          </form>
        </Card>
      ) : null}
      {inv.number && inv.typeCode !== '381' ? (
        <Card title="Relances">
          {data.reminders.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Étape</th>
                </tr>
              </thead>
              <tbody>
                {data.reminders.map((r) => (
                  <tr>
                    <td data-label="Date">{formatDate(r.sentOn)}</td>
                    <td data-label="Étape">
                      {r.kind === 'notice'
                        ? 'Mise en demeure imprimée'
                        : r.offsetDays < 0
                          ? `Rappel ${-r.offsetDays} jours avant l'échéance`
                          : `Relance ${r.offsetDays} jours après l'échéance`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>
              {data.customerEmail
                ? 'Aucune relance envoyée.'
                : "Aucune relance envoyée : votre client n'a pas d'adresse e-mail. Ajoutez-la sur sa fiche pour que les relances partent, ou relancez-le vous-même."}
            </p>
          )}
          <p>
            {inv.remindersPaused
              ? 'Les relances automatiques sont en pause pour cette facture.'
              : 'Les relances automatiques sont actives (voir le calendrier dans « Relances »).'}
          </p>
          {['validated', 'sent', 'partly_paid'].includes(inv.status)
            ? post(
                'relances',
                inv.remindersPaused ? 'Reprendre les relances' : 'Mettre les relances en pause',
                'btn-secondary',
              )
            : null}
        </Card>
      ) : null}
    </Layout>,
  );
});

const action = (
  path: string,
  run: (
    trx: Parameters<Parameters<typeof withTenant>[2]>[0],
    actor: Actor,
    id: string,
    f: Record<string, string>,
  ) => Promise<{ id: string }>,
  text: string,
) =>
  salesRoutes.post(`/factures/:id/${path}`, async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    const f = await formValues(c);
    if (!isUuid(id)) throw new NotFoundError('Facture');
    const r = await tenant(c, (trx) => run(trx, actor, id, f)); // UserError → flash + back (app.onError)
    setFlash(c, { kind: 'success', text });
    return c.redirect(`/factures/${r.id}`, 303);
  });
action('soumettre', (trx, a, id) => submitInvoice(trx, a, id), 'Facture soumise à validation.');
salesRoutes.post('/factures/:id/valider', async (c) => {
  const actor = actorOf(c);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  const r = await tenant(c, (trx) => selfValidateInvoice(trx, actor, id)); // UserError → flash + back
  setFlash(
    c,
    r.held.length
      ? { kind: 'info', text: heldMessage(r.held) }
      : { kind: 'success', text: 'Facture validée : son numéro est attribué.' },
  );
  return c.redirect(`/factures/${r.invoice.id}`, 303);
});
action('avoir', (trx, a, id) => createCreditNote(trx, a, id), 'Avoir créé en brouillon : vérifiez-le puis validez-le.');
action('envoyer', (trx, a, id) => sendInvoice(trx, a, id), 'Facture envoyée au client par e-mail.');
action(
  'relancer',
  async (trx, a, id) => {
    await sendReminderNow(trx, a, id);
    return { id };
  },
  'Relance envoyée à votre client par e-mail.',
);
action(
  'relances',
  async (trx, a, id) => {
    const inv = await getInvoice(trx, a, id);
    if (!inv) throw new NotFoundError('Facture');
    await setRemindersPaused(trx, a, id, !inv.remindersPaused);
    return inv;
  },
  'Relances mises à jour.',
);
action(
  'dupliquer',
  async (trx, a, id) => {
    const inv = await getInvoice(trx, a, id);
    if (!inv) throw new NotFoundError('Facture');
    const lines = await getLines(trx, a, id);
    return createDraft(trx, a, {
      activityId: inv.activityId,
      customerId: inv.customerId,
      discountCents: inv.discountCents,
      discountReason: inv.discountReason,
      vatExemptionReason: inv.vatExemptionReason,
      buyerReference: null,
      notes: inv.notes,
      lines: lines.map((l) => ({
        description: l.description,
        quantityMilli: l.quantityMilli,
        unitCode: l.unitCode,
        unitPriceCents: l.unitPriceCents,
        discountBp: l.discountBp,
        vatCategory: l.vatCategory,
        vatRateBp: l.vatRateBp,
        nature: l.nature,
        section: l.section,
      })),
    });
  },
  'Copie créée en brouillon, datée du jour : vérifiez-la puis soumettez-la.',
);
action(
  'paiement',
  async (trx, a, id, f) => {
    const amount = parseCents(f.amount ?? '');
    if (amount === null) throw new UserError('Montant invalide (ex. : 120,00).', 'amount');
    return recordPayment(trx, a, id, {
      amountCents: amount,
      date: f.date || undefined,
      method: f.method || 'virement',
      reference: f.reference || null,
    });
  },
  'Paiement enregistré.',
);

salesRoutes.get('/factures/:id/pdf', async (c) => {
  const actor = actorOf(c);
  const doc = await tenant(c, async (trx) => {
    const inv = isUuid(c.req.param('id')) ? await getInvoice(trx, actor, c.req.param('id')) : null;
    if (!inv?.number) throw new NotFoundError('Facture validée');
    return loadInvoiceDocument(trx, actor, inv.id);
  });
  const pdf = await facturx.renderInvoicePdf(doc);
  return c.body(new Uint8Array(pdf), 200, {
    'content-type': 'application/pdf',
    'content-disposition': `attachment; filename="${doc.number.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf"`,
  });
});

salesRoutes.get('/factures/:id/mise-en-demeure', async (c) => {
  const actor = actorOf(c);
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  const pdf = await tenant(c, (trx) => noticeLetterPdf(trx, actor, id));
  return c.body(new Uint8Array(pdf), 200, {
    'content-type': 'application/pdf',
    'content-disposition': 'attachment; filename="mise-en-demeure.pdf"',
  });
});

// --- customers ------------------------------------------------------------------------------
salesRoutes.get('/clients', async (c) => {
  const actor = actorOf(c);
  const q = c.req.query('q') || undefined;
  const res = await tenant(c, (trx) => listCustomers(trx, actor, { q, page: pageParam(c) }));
  return c.html(
    <Layout c={c} title="Clients">
      <PageHeader
        title="Clients"
        action={
          <a class="btn" href="/clients/nouveau">
            Nouveau client
          </a>
        }
      />
      <p>
        <a href="/clients/import">Importer des clients depuis un fichier CSV</a>
      </p>
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the landmark older screen readers know; <search> is too recent */}
      <form class="filters" method="get" action="/clients" role="search" {...liveSearch('/clients')}>
        <Field label="Rechercher" name="q" value={q} placeholder="Nom ou SIREN" />
        <button type="submit" class="btn-secondary">
          Rechercher
        </button>
      </form>
      <LiveResults>
        {res.items.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>SIREN</th>
                <th>Ville</th>
              </tr>
            </thead>
            <tbody>
              {res.items.map((x) => (
                <tr>
                  <td data-label="Nom">{x.name}</td>
                  <td data-label="SIREN">{x.siren ?? '—'}</td>
                  <td data-label="Ville">{x.address.city}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState
            title="Aucun client pour l'instant."
            action={
              <a class="btn" href="/clients/nouveau">
                Créer un client
              </a>
            }
          />
        )}
        <Pagination page={res.page} pageSize={res.pageSize} total={res.total} baseUrl="/clients" params={{ q }} />
      </LiveResults>
    </Layout>,
  );
});

function CustomerForm(p: {
  csrf: string;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
  message?: string | null;
}) {
  const v = p.values ?? { kind: 'company', countryCode: 'FR', paymentTermsDays: '30' };
  const e = p.errors ?? {};
  return (
    <form method="post" action="/clients/nouveau" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} message={p.message} />
      <div class="form-grid">
        <Select
          label="Type de client"
          name="kind"
          value={v.kind}
          error={e.kind}
          options={[
            ['company', 'Entreprise ou association'],
            ['individual', 'Particulier'],
          ]}
        />
        <Field label="Nom ou raison sociale" name="name" value={v.name} error={e.name} required />
        <Field
          label="SIREN"
          name="siren"
          value={v.siren}
          error={e.siren}
          inputmode="numeric"
          hint="Obligatoire pour une entreprise française."
        />
        <Field label="SIRET" name="siret" value={v.siret} error={e.siret} inputmode="numeric" />
        <Field
          label="Adresse de facturation électronique (annuaire)"
          name="electronicAddress"
          value={v.electronicAddress}
          error={e.electronicAddress}
          hint="SIREN, SIREN_SIRET ou SIREN_SIRET_code de routage, tel qu’inscrit à l’annuaire. Vide : le SIREN."
        />
        <Field label="N° de TVA intracommunautaire" name="vatNumber" value={v.vatNumber} error={e.vatNumber} />
        <Field label="E-mail de facturation" name="email" type="email" value={v.email} error={e.email} />
        <Field label="Adresse" name="addressLine1" value={v.addressLine1} error={e.addressLine1} required />
        <Field label="Complément d'adresse" name="addressLine2" value={v.addressLine2} error={e.addressLine2} />
        <Field label="Code postal" name="postalCode" value={v.postalCode} error={e.postalCode} required />
        <Field label="Ville" name="city" value={v.city} error={e.city} required />
        <Field label="Pays (code)" name="countryCode" value={v.countryCode} error={e.countryCode} hint="FR, BE, DE…" />
        <Field
          label="Délai de paiement (jours)"
          name="paymentTermsDays"
          value={v.paymentTermsDays}
          error={e.paymentTermsDays}
          inputmode="numeric"
        />
      </div>
      <button type="submit">Créer le client</button>
    </form>
  );
}
salesRoutes.get('/clients/nouveau', (c) =>
  c.html(
    <Layout c={c} title="Nouveau client">
      <PageHeader title="Nouveau client" />
      <Card>
        <CustomerForm csrf={c.get('csrf')} />
      </Card>
    </Layout>,
  ),
);
salesRoutes.post('/clients/nouveau', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    const days = f.paymentTermsDays?.trim() ? Number(f.paymentTermsDays) : 30;
    if (!Number.isInteger(days)) throw new UserError('Délai de paiement : un nombre de jours.', 'paymentTermsDays');
    const input: CustomerInput = {
      kind: f.kind === 'individual' ? 'individual' : 'company',
      name: f.name ?? '',
      siren: f.siren,
      siret: f.siret,
      vatNumber: f.vatNumber,
      electronicAddress: f.electronicAddress,
      email: f.email,
      addressLine1: f.addressLine1 ?? '',
      addressLine2: f.addressLine2,
      postalCode: f.postalCode ?? '',
      city: f.city ?? '',
      countryCode: f.countryCode || 'FR',
      paymentTermsDays: days,
    };
    await tenant(c, (trx) => createCustomer(trx, actor, input));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return c.html(
      <Layout c={c} title="Nouveau client">
        <PageHeader title="Nouveau client" />
        <Card>
          <CustomerForm
            csrf={c.get('csrf')}
            values={f}
            errors={fieldErrors(e) ?? { name: e.message }}
            message={e.message}
          />
        </Card>
      </Layout>,
      400,
    );
  }
  setFlash(c, { kind: 'success', text: 'Client créé.' });
  return c.redirect('/clients', 303);
});

registerQuoteRoutes(salesRoutes);

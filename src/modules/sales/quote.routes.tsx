// Pages of quotes (/devis), the catalogue (/catalogue), the customers CSV import and the public
// acceptance page of a quote (/public/devis/token/:token, CSRF-exempt prefix, no account).
import { LiveResults, liveSearch } from '../../web/live-search.tsx';
import type { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf, clientIp } from '../../web/context.ts';
import { Layout, PublicLayout } from '../../web/layout.tsx';
import {
  Field,
  Select,
  TextArea,
  Csrf,
  PageHeader,
  Card,
  EmptyState,
  FormErrorSummary,
  Badge,
  Figure,
  Checkbox,
} from '../../web/components.tsx';
import { formValues } from '../../web/forms.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../web/request-guards.ts';
import { setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { UserError, NotFoundError, fieldErrors } from '../../core/errors.ts';
import { formatDate, formatDateTime, todayParis } from '../../core/dates.ts';
import { formatEuros, parseCents, formatRateBp, centsToDecimal } from '../../core/money.ts';
import { isUuid } from '../../core/ids.ts';
import { activitiesFor } from '../directory/index.ts';
import { createCatalogueItem, archiveCatalogueItem, listCatalogue, UNIT_CODES } from './catalogue.service.ts';
import {
  createQuote,
  updateQuote,
  getQuote,
  getQuoteLines,
  listQuotes,
  quotePdf,
  sendQuote,
  markQuoteAccepted,
  refuseQuote,
  quoteBilling,
  invoiceFromQuote,
  previewFromQuote,
  type FromQuoteInput,
  findQuoteByToken,
  acceptQuoteByToken,
  refuseQuoteByToken,
  QUOTE_STATUS_LABELS,
  type QuoteLineInput,
  type QuoteInput,
  type QuoteStatus,
} from './quote.service.ts';
import { importCustomersCsv, ImportRefused } from './customer-import.ts';
import type { VatCategory } from './types.ts';
import {
  DocumentEditor,
  AutosaveStatus,
  EDITOR_SCRIPTS,
  VAT_OPTIONS,
  applyLineOp,
  fillFromCatalogue,
  remapLineErrors,
  rowsFromLines,
  savedAt,
  hasNewCustomer,
  type EditorData,
  readLinesAndDiscount,
} from './editor.tsx';
import { editorData, customerOfForm } from './invoice-editor.routes.tsx';
import { DocumentLineRow, SubtotalRow } from './document-lines.tsx';

const db = (c: Ctx) => c.get('app').odb.db;
const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(db(c), actorOf(c).cooperativeId, fn);
const pdfResponse = (c: Ctx, pdf: Buffer, name: string) =>
  c.body(new Uint8Array(pdf), 200, {
    'content-type': 'application/pdf',
    'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, '_')}"`,
  });

export function registerQuoteRoutes(r: Hono<AppEnv>) {
  // --- catalogue ------------------------------------------------------------------------------
  const cataloguePage = async (
    c: Ctx,
    v: Record<string, string> = {},
    errors: Record<string, string> | null = null,
    message: string | null = null,
  ) => {
    const actor = actorOf(c);
    const [items, acts] = await tenant(
      c,
      async (trx) => [await listCatalogue(trx, actor), await activitiesFor(trx, actor)] as const,
    );
    const actName = new Map<string, string>(acts.map((a) => [a.id as string, a.name]));
    const e = errors ?? {};
    return c.html(
      <Layout c={c} title="Catalogue" wide>
        <PageHeader
          title="Catalogue"
          help="Vos produits et prestations habituels : choisissez-les dans une facture ou un devis pour pré-remplir la ligne."
        />
        {items.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>Activité</th>
                <th>Unité</th>
                <th class="num">Prix HT</th>
                <th>TVA</th>
                <th>Nature</th>
                <th>Retirer</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => (
                <tr>
                  <td data-label="Nom">{x.name}</td>
                  <td data-label="Activité">{actName.get(x.activityId) ?? '—'}</td>
                  <td data-label="Unité">{UNIT_CODES.find(([u]) => u === x.unitCode)?.[1] ?? x.unitCode}</td>
                  <td data-label="Prix HT" class="num">
                    {formatEuros(x.unitPriceCents)}
                  </td>
                  <td data-label="TVA">{x.vatCategory === 'S' ? formatRateBp(x.vatRateBp) : x.vatCategory}</td>
                  <td data-label="Nature">{x.nature === 'goods' ? 'Marchandise' : 'Prestation'}</td>
                  <td data-label="Retirer">
                    <form method="post" action={`/catalogue/${x.id}/retirer`} class="inline">
                      <Csrf token={c.get('csrf')} />
                      <button type="submit" class="btn-secondary">
                        Retirer
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Votre catalogue est vide." text="Ajoutez ci-dessous ce que vous vendez le plus souvent." />
        )}
        <Card title="Ajouter un article">
          <form method="post" action="/catalogue" novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={errors} message={message} />
            <div class="form-grid">
              <Select
                label="Activité"
                name="activityId"
                value={v.activityId ?? acts[0]?.id}
                error={e.activityId}
                options={acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string])}
              />
              <Field label="Nom" name="name" value={v.name} error={e.name} required />
              <Select
                label="Unité"
                name="unitCode"
                value={v.unitCode ?? 'C62'}
                error={e.unitCode}
                options={UNIT_CODES}
              />
              <Field
                label="Prix unitaire HT (€)"
                name="price"
                value={v.price}
                error={e.unitPriceCents ?? e.price}
                inputmode="decimal"
                required
              />
              <Select
                label="TVA"
                name="vat"
                value={v.vat ?? 'S:2000'}
                error={e.vatRateBp ?? e.vatCategory}
                options={VAT_OPTIONS}
              />
              <Select
                label="Nature"
                name="nature"
                value={v.nature ?? 'services'}
                error={e.nature}
                options={[
                  ['services', 'Prestation'],
                  ['goods', 'Marchandise'],
                ]}
              />
            </div>
            <TextArea label="Description (facultatif)" name="description" value={v.description} rows={2} />
            <button type="submit">Ajouter au catalogue</button>
          </form>
        </Card>
      </Layout>,
      errors ? 400 : 200,
    );
  };
  r.get('/catalogue', (c) => cataloguePage(c));
  r.post('/catalogue', async (c) => {
    const actor = actorOf(c);
    const f = await formValues(c);
    const [cat, rate] = (f.vat || 'S:2000').split(':');
    try {
      const price = parseCents(f.price ?? '');
      if (price === null) throw new UserError('Prix invalide (ex. : 120,00).', 'price');
      await tenant(c, (trx) =>
        createCatalogueItem(trx, actor, {
          activityId: f.activityId ?? '',
          name: f.name ?? '',
          description: f.description || null,
          unitCode: f.unitCode || 'C62',
          unitPriceCents: price,
          vatCategory: cat as VatCategory,
          vatRateBp: Number(rate),
          nature: f.nature === 'goods' ? 'goods' : 'services',
        }),
      );
    } catch (e) {
      if (e instanceof UserError) return cataloguePage(c, f, fieldErrors(e) ?? { name: e.message }, e.message);
      throw e;
    }
    setFlash(c, { kind: 'success', text: 'Article ajouté au catalogue.' });
    return c.redirect('/catalogue', 303);
  });
  r.post('/catalogue/:id/retirer', async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Article');
    await tenant(c, (trx) => archiveCatalogueItem(trx, actor, id));
    setFlash(c, { kind: 'success', text: 'Article retiré du catalogue.' });
    return c.redirect('/catalogue', 303);
  });

  // --- customers import -------------------------------------------------------------------------
  const importPage = (c: Ctx, opts: { message?: string; rejections?: { line: number; reason: string }[] } = {}) =>
    c.html(
      <Layout c={c} title="Importer des clients">
        <PageHeader
          title="Importer des clients"
          help="Un fichier CSV (séparateur ; ou ,) avec une ligne d'en-tête : type;nom;siren;siret;tva;email;adresse;code postal;ville;pays;délai de paiement. Tout ou rien : si une ligne est refusée, aucun client n'est importé et chaque ligne refusée est indiquée avec sa raison."
        />
        {opts.message ? (
          <div class="flash flash-error" role="alert">
            <p>{opts.message}</p>
            {opts.rejections?.length ? (
              <table class="data">
                <thead>
                  <tr>
                    <th>Ligne</th>
                    <th>Raison</th>
                  </tr>
                </thead>
                <tbody>
                  {opts.rejections.map((x) => (
                    <tr>
                      <td data-label="Ligne">{x.line}</td>
                      <td data-label="Raison">{x.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        ) : null}
        <Card>
          <form method="post" action="/clients/import" enctype="multipart/form-data" novalidate>
            <Csrf token={c.get('csrf')} />
            <div class="field">
              <label for="f-file">Fichier CSV</label>
              <input id="f-file" type="file" name="file" accept=".csv,text/csv" required />
            </div>
            <button type="submit">Importer</button>
          </form>
        </Card>
      </Layout>,
      opts.message ? 400 : 200,
    );
  r.get('/clients/import', (c) => importPage(c));
  r.post('/clients/import', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
    const actor = actorOf(c);
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return importPage(c, { message: 'Choisissez un fichier CSV.' });
    if (file.size > 2 * 1024 * 1024) return importPage(c, { message: 'Fichier trop volumineux (2 Mo au plus).' });
    try {
      const text = Buffer.from(await file.arrayBuffer()).toString('utf8');
      const res = await tenant(c, (trx) => importCustomersCsv(trx, actor, text));
      setFlash(c, {
        kind: 'success',
        text: `${res.imported} client${res.imported > 1 ? 's' : ''} importé${res.imported > 1 ? 's' : ''}.`,
      });
      return c.redirect('/clients', 303);
    } catch (e) {
      if (e instanceof ImportRefused) return importPage(c, { message: e.message, rejections: e.rejections });
      if (e instanceof UserError) return importPage(c, { message: e.message });
      throw e;
    }
  });

  // --- quotes ---------------------------------------------------------------------------------
  r.get('/devis', async (c) => {
    const actor = actorOf(c);
    const st = c.req.query('status') as QuoteStatus | undefined;
    const text = c.req.query('q') || undefined;
    const items = await tenant(c, (trx) =>
      listQuotes(trx, actor, { status: st && st in QUOTE_STATUS_LABELS ? st : undefined, q: text }),
    );
    return c.html(
      <Layout c={c} title="Devis" wide>
        <PageHeader
          title="Devis"
          help="Envoyez un devis : votre client l'accepte en ligne, puis facturez acompte et solde en un clic."
          action={
            <a class="btn" href="/devis/nouveau">
              Nouveau devis
            </a>
          }
        />
        {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the landmark older screen readers know; <search> is too recent */}
        <form class="filters" method="get" action="/devis" role="search" {...liveSearch('/devis')}>
          <Field label="Rechercher" name="q" value={text} placeholder="Numéro, client ou objet" />
          <Select
            label="Statut"
            name="status"
            value={st ?? ''}
            options={[['', 'Tous'], ...(Object.entries(QUOTE_STATUS_LABELS) as [string, string][])]}
          />
          <button type="submit" class="btn-secondary">
            Filtrer
          </button>
        </form>
        <LiveResults>
          {items.length ? (
            <table class="data">
              <thead>
                <tr>
                  <th>Numéro</th>
                  <th>Date</th>
                  <th>Client</th>
                  <th class="num">TTC</th>
                  <th>Statut</th>
                </tr>
              </thead>
              <tbody>
                {items.map((q) => (
                  <tr>
                    <td data-label="Numéro">
                      <a href={`/devis/${q.id}`}>{q.number}</a>
                    </td>
                    <td data-label="Date">{formatDate(q.issueDate)}</td>
                    <td data-label="Client">{q.customerName}</td>
                    <td data-label="TTC" class="num">
                      {formatEuros(q.totalInclCents)}
                    </td>
                    <td data-label="Statut">
                      <Badge status={q.status} label={QUOTE_STATUS_LABELS[q.status]} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyState
              title={text || st ? 'Aucun devis ne correspond.' : "Aucun devis pour l'instant."}
              action={
                <a class="btn" href="/devis/nouveau">
                  Créer un devis
                </a>
              }
            />
          )}
        </LiveResults>
      </Layout>,
    );
  });

  const quoteFoot = (v: Record<string, string>) => (
    <TextArea label="Conditions (délais, acompte demandé…)" name="terms" value={v.terms} rows={3} />
  );
  const quoteHead = (v: Record<string, string>, e: Record<string, string>) => (
    <div class="form-grid">
      <Field label="Objet du devis" name="title" value={v.title} />
      <Field
        label="Date du devis"
        name="issueDate"
        type="date"
        value={v.issueDate ?? todayParis()}
        error={e.issueDate}
      />
      <Field
        label="Valable jusqu'au"
        name="validityDate"
        type="date"
        value={v.validityDate}
        error={e.validityDate}
        hint="Vide : 30 jours."
      />
    </div>
  );
  const quotePage = (
    c: Ctx,
    o: {
      title: string;
      data: EditorData;
      values: Record<string, string>;
      action: string;
      autosaveUrl?: string;
      errors?: Record<string, string> | null;
      message?: string | null;
      status?: 200 | 400;
    },
  ) =>
    c.html(
      <Layout c={c} title={o.title} wide scripts={EDITOR_SCRIPTS}>
        <PageHeader
          title={o.title}
          help="Une ligne « section » regroupe les lignes qui la suivent, avec un sous-total sur le devis."
        />
        <Card>
          <DocumentEditor
            c={c}
            data={o.data}
            values={o.values}
            errors={o.errors}
            message={o.message}
            action={o.action}
            autosaveUrl={o.autosaveUrl}
            head={quoteHead(o.values, o.errors ?? {})}
            foot={quoteFoot(o.values)}
            buttons={
              <>
                <button type="submit" name="action" value="save">
                  Enregistrer le devis
                </button>
                <button type="submit" name="action" value="send" class="btn-secondary">
                  Enregistrer et envoyer au client
                </button>
              </>
            }
          />
        </Card>
      </Layout>,
      o.status ?? 200,
    );
  const readQuoteForm = (f: Record<string, string>): { input: QuoteInput; rows: number[] } => {
    const { read, discountCents } = readLinesAndDiscount(f);
    // A quote stores its section titles as lines of their own (kind 'section').
    const lines: QuoteLineInput[] = read.lines.map(({ section: _s, ...l }) =>
      l.kind === 'section' ? { kind: 'section', description: l.description } : l,
    );
    return {
      rows: read.rows,
      input: {
        activityId: f.activityId ?? '',
        customerId: f.customerId ?? '',
        issueDate: f.issueDate || undefined,
        validityDate: f.validityDate || null,
        title: f.title || null,
        terms: f.terms || null,
        discountCents,
        lines,
      },
    };
  };
  r.get('/devis/nouveau', async (c) => {
    const data = await editorData(c);
    return quotePage(c, {
      title: 'Nouveau devis',
      data,
      action: '/devis/nouveau',
      values: {
        issueDate: todayParis(),
        activityId: data.activities.length === 1 ? data.activities[0][0] : '',
        customerId: c.req.query('client') ?? '',
      },
    });
  });
  // Creates (id = null) or updates a quote draft from the editor; a customer typed in the editor
  // is created in the same transaction, and rolls back with it.
  const saveQuote = async (c: Ctx, id: string | null) => {
    const actor = actorOf(c);
    const data = await editorData(c);
    let f = fillFromCatalogue(await formValues(c), data.catalogue);
    const title = id ? 'Modifier le devis' : 'Nouveau devis';
    const action = id ? `/devis/${id}/modifier` : '/devis/nouveau';
    const page = (errors: Record<string, string> | null, message: string | null, status: 200 | 400) =>
      quotePage(c, { title, data, values: f, action, errors, message, status });
    if (f.op) {
      if (id && !(await tenant(c, (trx) => getQuote(trx, actor, id)))) throw new NotFoundError('Devis');
      f = applyLineOp(f, f.op);
      return page(null, null, 200);
    }
    let rows: number[] = [];
    try {
      const read = readQuoteForm(f);
      rows = read.rows;
      const q = await tenant(c, async (trx) => {
        const input = { ...read.input, customerId: await customerOfForm(trx, c, f, read.input.customerId) };
        const saved = id ? await updateQuote(trx, actor, id, input) : await createQuote(trx, actor, input);
        if (f.action === 'send')
          return (await sendQuote(trx, actor, saved.id, { publicUrl: c.get('app').config.publicUrl })).quote;
        return saved;
      });
      setFlash(c, {
        kind: 'success',
        text:
          f.action === 'send'
            ? `Devis ${q.number} envoyé : votre client peut l'accepter en ligne.`
            : `Devis ${q.number} enregistré.`,
      });
      return c.redirect(`/devis/${q.id}`, 303);
    } catch (e) {
      if (e instanceof UserError && !(e instanceof NotFoundError))
        return page(remapLineErrors(fieldErrors(e) ?? {}, rows), e.message, 400);
      throw e;
    }
  };
  r.post('/devis/nouveau', (c) => saveQuote(c, null));
  // Quote drafts are edited in the same editor as invoices (a sent quote is not: make a new one).
  r.get('/devis/:id/modifier', async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Devis');
    const { q, lines } = await tenant(c, async (trx) => {
      const q = await getQuote(trx, actor, id);
      if (!q) throw new NotFoundError('Devis');
      return { q, lines: await getQuoteLines(trx, actor.cooperativeId, id) };
    });
    if (q.status !== 'draft') throw new UserError('Un devis envoyé ne peut plus être modifié : créez-en un nouveau.');
    return quotePage(c, {
      title: 'Modifier le devis',
      data: await editorData(c),
      action: `/devis/${id}/modifier`,
      autosaveUrl: `/devis/${id}/enregistrement-auto`,
      values: {
        activityId: q.activityId,
        customerId: q.customerId,
        title: q.title ?? '',
        issueDate: q.issueDate,
        validityDate: q.validityDate,
        terms: q.terms ?? '',
        discount: q.discountCents ? centsToDecimal(q.discountCents).replace('.', ',') : '',
        ...rowsFromLines(lines),
      },
    });
  });
  r.post('/devis/:id/modifier', (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Devis');
    return saveQuote(c, id);
  });
  r.post('/devis/:id/enregistrement-auto', async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Devis');
    const data = await editorData(c);
    const f = fillFromCatalogue(await formValues(c), data.catalogue);
    // A customer typed in the editor is created only by an explicit save, with the draft.
    if (hasNewCustomer(f) && !f.customerId)
      return c.html(<AutosaveStatus text="Enregistrez pour créer le nouveau client avec le brouillon." />);
    try {
      const { input } = readQuoteForm(f);
      await tenant(c, (trx) => updateQuote(trx, actor, id, input));
    } catch (e) {
      if (e instanceof UserError && !(e instanceof NotFoundError))
        return c.html(<AutosaveStatus error text={`Brouillon non enregistré : ${e.message}`} />);
      throw e;
    }
    return c.html(<AutosaveStatus text={savedAt()} />);
  });

  r.get('/devis/:id', async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Devis');
    const data = await tenant(c, async (trx) => {
      const q = await getQuote(trx, actor, id);
      if (!q) throw new NotFoundError('Devis');
      return {
        q,
        lines: await getQuoteLines(trx, actor.cooperativeId, id),
        billing: q.status === 'accepted' ? await quoteBilling(trx, actor, id) : null,
      };
    });
    const { q, lines, billing } = data;
    const csrf = c.get('csrf');
    const post = (path: string, label: string, cls = '') => (
      <form method="post" action={`/devis/${q.id}/${path}`} class="inline">
        <Csrf token={csrf} />
        <button type="submit" class={cls}>
          {label}
        </button>
      </form>
    );
    return c.html(
      <Layout c={c} title={`Devis ${q.number}`} wide>
        <PageHeader
          title={`Devis ${q.number}`}
          help={`${q.customerName} · du ${formatDate(q.issueDate)} · valable jusqu'au ${formatDate(q.validityDate)}`}
        />
        <p>
          <Badge status={q.status} label={QUOTE_STATUS_LABELS[q.status]} />
        </p>
        {q.acceptedAt ? (
          <p class="hint">
            Accepté le {formatDateTime(q.acceptedAt)}
            {q.acceptedByName
              ? ` par ${q.acceptedByName} (en ligne, adresse IP ${q.acceptedIp ?? 'inconnue'})`
              : ' (devis signé joint)'}
            .
          </p>
        ) : null}
        <div class="actions">
          <a class="btn btn-secondary" href={`/devis/${q.id}/pdf`}>
            Télécharger le PDF
          </a>
          {q.status === 'draft' || q.status === 'sent'
            ? post('envoyer', q.status === 'sent' ? 'Envoyer de nouveau' : 'Envoyer au client')
            : null}
          {q.status === 'draft' || q.status === 'sent' ? post('refuser', 'Marquer refusé', 'btn-secondary') : null}
          {q.status === 'draft' ? (
            <a class="btn btn-secondary" href={`/devis/${q.id}/modifier`}>
              Modifier
            </a>
          ) : null}
        </div>
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
            {quoteRows(lines).map(({ l, subtotal }) =>
              l.kind === 'section' ? (
                <tr>
                  <td data-label="Section" colspan={6}>
                    <strong>{l.description}</strong>
                  </td>
                </tr>
              ) : (
                <>
                  <DocumentLineRow l={l} />
                  {subtotal !== null ? <SubtotalRow title={subtotal.title} cents={subtotal.cents} /> : null}
                </>
              ),
            )}
          </tbody>
        </table>
        <div class="figures">
          <Figure label="Total HT" value={formatEuros(q.totalExclCents)} />
          <Figure label="TVA" value={formatEuros(q.vatCents)} />
          <Figure label="Total TTC" value={formatEuros(q.totalInclCents)} />
        </div>
        {q.status === 'draft' || q.status === 'sent' ? (
          <Card title="Le client a signé le devis papier ?">
            <form method="post" action={`/devis/${q.id}/accepter`} enctype="multipart/form-data" novalidate>
              <Csrf token={csrf} />
              <div class="field">
                <label for="f-signedFile">Devis signé (PDF ou photo)</label>
                <input id="f-signedFile" type="file" name="signedFile" accept="application/pdf,image/*" required />
              </div>
              <button type="submit">Marquer accepté</button>
            </form>
          </Card>
        ) : null}
        {billing ? (
          <Card title="Créer depuis le devis">
            <p>
              Déjà facturé : {formatEuros(billing.invoicedCents)} TTC · reste à facturer :{' '}
              {formatEuros(billing.remainingCents)} TTC.
            </p>
            {billing.invoices.length ? (
              <ul>
                {billing.invoices.map((i) => (
                  <li>
                    <a href={`/factures/${i.id}`}>{i.number ?? 'Brouillon'}</a> —{' '}
                    {i.kind === 'deposit' ? 'acompte' : i.kind === 'balance' ? 'solde' : 'intermédiaire'} —{' '}
                    {formatEuros(i.totalInclCents)}
                  </li>
                ))}
              </ul>
            ) : null}
            {!billing.hasBalance ? (
              <>
                <form method="post" action={`/devis/${q.id}/facturer`} novalidate>
                  <Csrf token={csrf} />
                  <div
                    class="form-grid"
                    hx-post={`/devis/${q.id}/apercu-facture`}
                    hx-trigger="input changed delay:300ms, change"
                    hx-target="#deposit-preview"
                    hx-swap="outerHTML"
                  >
                    <Select
                      label="Facture"
                      name="kind"
                      options={[
                        ['deposit', "Facture d'acompte"],
                        ['intermediate', 'Facture intermédiaire'],
                      ]}
                    />
                    <Field
                      label="Pourcentage du devis (%)"
                      name="percent"
                      inputmode="decimal"
                      hint="Ou un montant ci-contre."
                    />
                    <Field label="Ou montant TTC (€)" name="amount" inputmode="decimal" />
                  </div>
                  <DepositPreview />
                  <button type="submit" class="btn-secondary">
                    Créer la facture
                  </button>
                </form>
                {post('solde', 'Créer la facture de solde')}
              </>
            ) : (
              <p>Le devis est entièrement facturé.</p>
            )}
          </Card>
        ) : null}
      </Layout>,
    );
  });
  // As the entrepreneur types a percentage or an amount: what the invoice will ask, VAT rounded
  // per rate, before anything is created.
  r.post('/devis/:id/apercu-facture', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Devis');
    const f = await formValues(c);
    if (!f.percent?.trim() && !f.amount?.trim()) return c.html(<DepositPreview />);
    try {
      const p = await tenant(c, (trx) => previewFromQuote(trx, actorOf(c), id, fromQuoteForm(f)));
      return c.html(<DepositPreview preview={p} />);
    } catch (e) {
      if (e instanceof UserError) return c.html(<DepositPreview problem={e.message} />);
      throw e;
    }
  });
  r.get('/devis/:id/pdf', async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Devis');
    const { pdf, number } = await tenant(c, (trx) => quotePdf(trx, actor, id));
    return pdfResponse(c, pdf, `Devis-${number}.pdf`);
  });
  const act = (
    path: string,
    run: (
      c: Ctx,
      trx: Parameters<Parameters<typeof withTenant>[2]>[0],
      id: string,
      f: Record<string, string>,
    ) => Promise<{ id: string; to?: string }>,
    text: string,
  ) =>
    r.post(`/devis/:id/${path}`, async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id)) throw new NotFoundError('Devis');
      const f = await formValues(c);
      const res = await tenant(c, (trx) => run(c, trx, id, f));
      setFlash(c, { kind: 'success', text });
      return c.redirect(res.to ?? `/devis/${id}`, 303);
    });
  act(
    'envoyer',
    async (c, trx, id) => (await sendQuote(trx, actorOf(c), id, { publicUrl: c.get('app').config.publicUrl })).quote,
    "Devis envoyé : votre client peut l'accepter en ligne.",
  );
  act('refuser', (c, trx, id) => refuseQuote(trx, actorOf(c), id), 'Devis marqué refusé.');
  act(
    'facturer',
    async (c, trx, id, f) => {
      const inv = await invoiceFromQuote(trx, actorOf(c), id, fromQuoteForm(f));
      return { id, to: `/factures/${inv.id}` };
    },
    'Facture créée en brouillon : vérifiez-la puis soumettez-la.',
  );
  act(
    'solde',
    async (c, trx, id) => ({
      id,
      to: `/factures/${(await invoiceFromQuote(trx, actorOf(c), id, { kind: 'balance' })).id}`,
    }),
    'Facture de solde créée en brouillon : les acomptes sont déduits.',
  );
  r.post('/devis/:id/accepter', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
    const actor = actorOf(c);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('Devis');
    const body = await c.req.parseBody();
    const file = body.signedFile;
    const content =
      file instanceof File && file.size
        ? { name: file.name, mimeType: file.type || 'application/pdf', content: Buffer.from(await file.arrayBuffer()) }
        : null;
    await tenant(c, (trx) => markQuoteAccepted(trx, actor, c.get('app').config.fileKey, id, content));
    setFlash(c, { kind: 'success', text: 'Devis marqué accepté ; le devis signé est conservé.' });
    return c.redirect(`/devis/${id}`, 303);
  });

  // --- public acceptance page -------------------------------------------------------------------
  const publicPage = async (
    c: Ctx,
    token: string,
    opts: {
      v?: Record<string, string>;
      errors?: Record<string, string> | null;
      message?: string | null;
      done?: string;
    } = {},
  ) => {
    const found = await findQuoteByToken(db(c), token);
    if (!found) throw new NotFoundError('Devis');
    const { quote: q, lines, sellerName } = found;
    const e = opts.errors ?? {};
    return c.html(
      <PublicLayout c={c} title={`Devis ${q.number}`}>
        <h1>Devis {q.number}</h1>
        <p>
          De {sellerName} pour {q.customerName}
          {q.title ? ` — ${q.title}` : ''}. Valable jusqu'au {formatDate(q.validityDate)}.
        </p>
        <table class="data">
          <thead>
            <tr>
              <th>Désignation</th>
              <th class="num">Montant HT</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) =>
              l.kind === 'section' ? (
                <tr>
                  <td data-label="Section" colspan={2}>
                    <strong>{l.description}</strong>
                  </td>
                </tr>
              ) : (
                <tr>
                  <td data-label="Désignation">{l.description}</td>
                  <td data-label="Montant HT" class="num">
                    {formatEuros(l.netCents)}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        <div class="figures">
          <Figure label="Total HT" value={formatEuros(q.totalExclCents)} />
          <Figure label="Total TTC" value={formatEuros(q.totalInclCents)} />
        </div>
        {opts.done ? (
          <div class="flash flash-success" role="status">
            {opts.done}
          </div>
        ) : q.status === 'sent' ? (
          <Card title="Accepter le devis">
            <form method="post" action={`/public/devis/token/${token}`} novalidate>
              <Csrf token={c.get('csrf')} />
              <FormErrorSummary errors={opts.errors} message={opts.message} />
              <Field
                label="Vos nom et prénom"
                name="name"
                value={opts.v?.name}
                error={e.name}
                required
                autocomplete="name"
              />
              <Checkbox
                label={`Bon pour accord : j'accepte ce devis de ${formatEuros(q.totalInclCents)} TTC`}
                name="agreed"
                checked={opts.v?.agreed === 'on'}
              />
              {e.agreed ? (
                <p class="error" role="alert">
                  {e.agreed}
                </p>
              ) : null}
              <p class="hint">La date, l'heure et votre adresse IP sont enregistrées comme preuve de votre accord.</p>
              <button type="submit" name="decision" value="accept">
                Accepter le devis
              </button>{' '}
              <button type="submit" name="decision" value="refuse" class="btn-secondary">
                Refuser le devis
              </button>
            </form>
          </Card>
        ) : (
          <p>
            Ce devis est {QUOTE_STATUS_LABELS[q.status].toLowerCase()}
            {q.acceptedAt ? ` depuis le ${formatDateTime(q.acceptedAt)}` : ''}.
          </p>
        )}
      </PublicLayout>,
      opts.errors ? 400 : 200,
    );
  };
  r.get('/public/devis/token/:token', (c) => publicPage(c, c.req.param('token')));
  r.post('/public/devis/token/:token', async (c) => {
    const token = c.req.param('token');
    const f = await formValues(c);
    const ip = clientIp(c) ?? 'inconnue';
    try {
      if (f.decision === 'refuse') {
        await refuseQuoteByToken(db(c), token, { ip });
        return publicPage(c, token, { done: 'Votre refus a bien été transmis. Merci de votre réponse.' });
      }
      await acceptQuoteByToken(db(c), token, {
        name: f.name ?? '',
        agreed: f.agreed === 'on',
        ip,
        userAgent: c.req.header('user-agent') ?? null,
      });
      return publicPage(c, token, {
        done: 'Merci ! Votre accord est enregistré. Vous recevrez prochainement la facture.',
      });
    } catch (e) {
      if (e instanceof UserError && !(e instanceof NotFoundError))
        return publicPage(c, token, { v: f, errors: fieldErrors(e) ?? { name: e.message }, message: e.message });
      throw e;
    }
  });
}

/** Quote lines with the subtotal of their section after its last item. */
function quoteRows<T extends { kind: 'item' | 'section'; description: string; netCents: number }>(lines: T[]) {
  let title: string | null = null;
  let sum = 0;
  return lines.map((l, i) => {
    if (l.kind === 'section') {
      title = l.description;
      sum = 0;
      return { l, subtotal: null };
    }
    sum += l.netCents;
    const last = title !== null && (i === lines.length - 1 || lines[i + 1].kind === 'section');
    return { l, subtotal: last ? { title: title as string, cents: sum } : null };
  });
}

function fromQuoteForm(f: Record<string, string>): FromQuoteInput {
  const pct = f.percent?.trim() ? parseCents(f.percent) : null;
  const amount = f.amount?.trim() ? parseCents(f.amount) : null;
  if (f.percent?.trim() && pct === null) throw new UserError('Pourcentage invalide (ex. : 30).', 'percent');
  if (f.amount?.trim() && amount === null) throw new UserError('Montant invalide (ex. : 500,00).', 'amount');
  return {
    kind: f.kind === 'intermediate' ? 'intermediate' : 'deposit',
    percentBp: pct,
    amountCents: pct === null ? amount : null,
  };
}

function DepositPreview(p: {
  preview?: { totalExclCents: number; vatCents: number; totalInclCents: number };
  problem?: string;
}) {
  return (
    <p id="deposit-preview" class="hint" aria-live="polite">
      {p.preview
        ? `Cette facture demandera ${formatEuros(p.preview.totalInclCents)} TTC (${formatEuros(p.preview.totalExclCents)} HT + ${formatEuros(p.preview.vatCents)} de TVA, arrondie par taux).`
        : (p.problem ?? '')}
    </p>
  );
}

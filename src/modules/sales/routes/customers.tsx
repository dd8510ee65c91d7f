// Customers (/clients): the list with its search, and the form to add one.
import { LiveResults, liveSearch } from '../../../web/live-search.tsx';
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Field,
  Select,
  Csrf,
  PageHeader,
  Card,
  Pagination,
  EmptyState,
  FormErrorSummary,
} from '../../../web/components.tsx';
import { formValues, pageParam } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { createCustomer, listCustomers, type CustomerInput } from '../customer.service.ts';
import { tenant } from './kit.ts';

export const customerRoutes = new Hono<AppEnv>();

// --- customers ------------------------------------------------------------------------------
customerRoutes.get('/clients', async (c) => {
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
customerRoutes.get('/clients/nouveau', (c) =>
  c.html(
    <Layout c={c} title="Nouveau client">
      <PageHeader title="Nouveau client" />
      <Card>
        <CustomerForm csrf={c.get('csrf')} />
      </Card>
    </Layout>,
  ),
);
customerRoutes.post('/clients/nouveau', async (c) => {
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
      electronicAddress: f.electronicAddress,
      vatNumber: f.vatNumber,
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

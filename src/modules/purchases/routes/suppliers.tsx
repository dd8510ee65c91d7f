// Suppliers (/fournisseurs): the list with its search, and the form to add one.
import { LiveResults, liveSearch } from '../../../web/live-search.tsx';
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, EmptyState, FormErrorSummary } from '../../../web/components.tsx';
import { formValues } from '../../../web/forms.ts';
import { setFlash } from '../../../web/middleware.ts';
import { createSupplier, listSuppliers, type SupplierInput } from '../supplier.service.ts';
import { tenant, badRequest } from './kit.ts';

export const supplierRoutes = new Hono<AppEnv>();

// ── suppliers ──────────────────────────────────────────────────────────────────────────────

async function suppliersPage(
  c: Ctx,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const text = c.req.query('q') || undefined;
  const suppliers = await tenant(c, (trx, a) => listSuppliers(trx, a, { q: text }));
  const v = { countryCode: 'FR', ...values };
  const e = errors ?? {};
  return c.html(
    <Layout c={c} title="Fournisseurs" wide>
      <PageHeader
        title="Fournisseurs"
        help="Les entreprises qui vous facturent. Le SIREN, la TVA et l'IBAN sont vérifiés (clés de contrôle)."
        action={
          <a class="btn" href="/factures-fournisseurs/nouvelle">
            Déposer une facture
          </a>
        }
      />
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the landmark older screen readers know; <search> is too recent */}
      <form class="filters" method="get" action="/fournisseurs" role="search" {...liveSearch('/fournisseurs')}>
        <Field label="Rechercher" name="q" value={text} placeholder="Nom, SIREN ou e-mail" />
        <button type="submit" class="btn-secondary">
          Rechercher
        </button>
      </form>
      <LiveResults>
        {suppliers.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Nom</th>
                <th>SIREN</th>
                <th>N° TVA</th>
                <th>IBAN</th>
                <th>Ville</th>
              </tr>
            </thead>
            <tbody>
              {suppliers.map((s) => (
                <tr>
                  <td data-label="Nom">{s.name}</td>
                  <td data-label="SIREN">{s.siren ?? '—'}</td>
                  <td data-label="N° TVA">{s.vatNumber ?? '—'}</td>
                  <td data-label="IBAN">{s.iban ? `${s.iban.slice(0, 4)} … ${s.iban.slice(-4)}` : '—'}</td>
                  <td data-label="Ville">{s.city ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState
            title={text ? 'Aucun fournisseur ne correspond.' : "Aucun fournisseur pour l'instant."}
            text="Ils sont aussi créés automatiquement quand vous déposez une facture."
          />
        )}
      </LiveResults>
      <Card title="Nouveau fournisseur">
        <form method="post" action="/fournisseurs" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <SupplierFields v={v} e={e} prefix="" />
          <button type="submit">Enregistrer le fournisseur</button>
        </form>
      </Card>
    </Layout>,
    errors ? 400 : 200,
  );
}
export function SupplierFields(p: { v: Record<string, string>; e: Record<string, string>; prefix: string }) {
  const n = (k: string) => `${p.prefix}${k}`;
  return (
    <div class="form-grid">
      <Field
        label="Nom du fournisseur"
        name={n('name')}
        value={p.v[n('name')]}
        error={p.e[n('name')] ?? p.e.name}
        required
      />
      <Field
        label="SIREN (9 chiffres)"
        name={n('siren')}
        value={p.v[n('siren')]}
        error={p.e[n('siren')] ?? p.e.siren}
        inputmode="numeric"
      />
      <Field
        label="N° de TVA intracommunautaire"
        name={n('vatNumber')}
        value={p.v[n('vatNumber')]}
        error={p.e[n('vatNumber')] ?? p.e.vatNumber}
      />
      <Field label="IBAN" name={n('iban')} value={p.v[n('iban')]} error={p.e[n('iban')] ?? p.e.iban} />
      <Field label="BIC" name={n('bic')} value={p.v[n('bic')]} error={p.e[n('bic')] ?? p.e.bic} />
      <Field label="Adresse" name={n('addressLine1')} value={p.v[n('addressLine1')]} error={p.e[n('addressLine1')]} />
      <Field label="Code postal" name={n('postalCode')} value={p.v[n('postalCode')]} error={p.e[n('postalCode')]} />
      <Field label="Ville" name={n('city')} value={p.v[n('city')]} error={p.e[n('city')]} />
      <Field
        label="Pays (code sur 2 lettres)"
        name={n('countryCode')}
        value={p.v[n('countryCode')] ?? 'FR'}
        error={p.e[n('countryCode')] ?? p.e.countryCode}
      />
    </div>
  );
}
export const supplierInput = (f: Record<string, string>, prefix: string): SupplierInput => ({
  name: f[`${prefix}name`] ?? '',
  siren: f[`${prefix}siren`],
  vatNumber: f[`${prefix}vatNumber`],
  iban: f[`${prefix}iban`],
  bic: f[`${prefix}bic`],
  addressLine1: f[`${prefix}addressLine1`],
  postalCode: f[`${prefix}postalCode`],
  city: f[`${prefix}city`],
  countryCode: f[`${prefix}countryCode`] || 'FR',
});
supplierRoutes.get('/fournisseurs', (c) => suppliersPage(c));
supplierRoutes.post('/fournisseurs', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (trx, a) => createSupplier(trx, a, supplierInput(f, '')));
  } catch (e) {
    return suppliersPage(c, f, badRequest(e));
  }
  setFlash(c, { kind: 'success', text: 'Fournisseur enregistré.' });
  return c.redirect('/fournisseurs');
});

import { centsToDecimal } from '../../../core/money.ts';
import { ORGANISATION_TYPE_LABELS, ORGANISATION_TYPES } from '../../../core/actor.ts';
import { Card, Checkbox, Csrf, Field, FormErrorSummary, PageHeader, Select } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { Cooperative } from '../cooperatives.service.ts';

export function CoopForm(p: {
  coop: Cooperative;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
  csrf: string;
}) {
  const v = p.values ?? {
    name: p.coop.name,
    legalForm: p.coop.legalForm,
    capital: centsToDecimal(p.coop.capitalCents).replace('.', ','),
    siren: p.coop.siren,
    vatNumber: p.coop.vatNumber ?? '',
    rcsCity: p.coop.rcsCity,
    addressLine: p.coop.addressLine,
    postalCode: p.coop.postalCode,
    city: p.coop.city,
    iban: p.coop.iban ?? '',
    bic: p.coop.bic ?? '',
    email: p.coop.email ?? '',
    phone: p.coop.phone ?? '',
    fiscalYearStartMonth: String(p.coop.fiscalYearStartMonth),
  };
  const e = p.errors ?? {};
  return (
    <form method="post" action="/cooperative" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <div class="form-grid">
        <Field label="Raison sociale" name="name" value={v.name} error={e.name} required />
        <Field
          label="Forme juridique"
          name="legalForm"
          value={v.legalForm}
          error={e.legalForm}
          hint="Ex. : SCOP SARL à capital variable"
          required
        />
        <Field label="Capital social (€)" name="capital" value={v.capital} error={e.capitalCents} inputmode="decimal" />
        <Field label="SIREN" name="siren" value={v.siren} error={e.siren} inputmode="numeric" required />
        <Field label="N° de TVA intracommunautaire" name="vatNumber" value={v.vatNumber} error={e.vatNumber} />
        <Field label="Ville du RCS" name="rcsCity" value={v.rcsCity} error={e.rcsCity} required />
        <Field label="Adresse du siège" name="addressLine" value={v.addressLine} error={e.addressLine} required />
        <Field
          label="Code postal"
          name="postalCode"
          value={v.postalCode}
          error={e.postalCode}
          inputmode="numeric"
          required
        />
        <Field label="Ville" name="city" value={v.city} error={e.city} required />
        <Field label="IBAN du compte principal" name="iban" value={v.iban} error={e.iban} />
        <Field label="BIC" name="bic" value={v.bic} error={e.bic} />
        <Field label="E-mail de contact" name="email" type="email" value={v.email} error={e.email} />
        <Field label="Téléphone" name="phone" value={v.phone} error={e.phone} />
        <Select
          label="Début de l'exercice comptable"
          name="fiscalYearStartMonth"
          value={v.fiscalYearStartMonth}
          error={e.fiscalYearStartMonth}
          options={[
            'janvier',
            'février',
            'mars',
            'avril',
            'mai',
            'juin',
            'juillet',
            'août',
            'septembre',
            'octobre',
            'novembre',
            'décembre',
          ].map((m, i) => [String(i + 1), m])}
        />
      </div>
      <button type="submit">Enregistrer</button>
    </form>
  );
}

export function CoopPage(p: {
  c: Ctx;
  coop: Cooperative;
  hasLogo: boolean;
  canEdit: boolean;
  canChangeType: boolean;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
  logoError?: string;
  typeValues?: Record<string, string>;
  typeErrors?: Record<string, string> | null;
}) {
  const { c, coop } = p;
  const logo = p.hasLogo;
  const canEdit = p.canEdit;
  return (
    <Layout c={c} title="Coopérative">
      <PageHeader
        title="Informations de la coopérative"
        help="Ces mentions figurent sur chaque facture : elles doivent être exactes."
        action={logo ? <img class="coop-logo" src="/cooperative/logo" alt={`Logo de ${coop.name}`} /> : undefined}
      />
      <Card>
        <CoopForm coop={coop} values={p.values} errors={p.errors} csrf={c.get('csrf')} />
      </Card>
      {canEdit ? (
        <Card title="Logo">
          <p>Il apparaît sur vos factures, devis et documents. Image PNG ou JPEG, 2 Mo au plus.</p>
          <form method="post" action="/cooperative/logo" enctype="multipart/form-data" novalidate>
            <Csrf token={c.get('csrf')} />
            <div class={`field${p.logoError ? ' has-error' : ''}`}>
              <label for="f-logo">{logo ? 'Remplacer le logo' : 'Choisir le logo'}</label>
              <input
                id="f-logo"
                name="logo"
                type="file"
                accept="image/png,image/jpeg"
                aria-invalid={p.logoError ? 'true' : undefined}
                aria-describedby={p.logoError ? 'f-logo-error' : undefined}
              />
              {p.logoError ? (
                <p class="error" id="f-logo-error" role="alert">
                  {p.logoError}
                </p>
              ) : null}
            </div>
            <button type="submit" class="btn-secondary">
              Envoyer le logo
            </button>
          </form>
        </Card>
      ) : null}
      {p.canChangeType ? (
        <OrganisationTypeForm coop={coop} csrf={c.get('csrf')} values={p.typeValues} errors={p.typeErrors} />
      ) : null}
    </Layout>
  );
}

function OrganisationTypeForm(p: {
  coop: Cooperative;
  csrf: string;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const e = p.errors ?? {};
  return (
    <Card title="Type d’organisation">
      <p>
        Une CAE dispose de la gestion complète : ventes, achats, banque, comptabilité, facturation électronique et
        reprise de données. Un tiers-lieu ou un collectif garde l’annuaire, les parcours, le campus, les formations, la
        place de marché et l’impact, sans ces modules de gestion.
      </p>
      <p>
        Le changement vaut pour tous les membres dès leur prochaine page. Aucune donnée n’est supprimée : revenir à «
        {ORGANISATION_TYPE_LABELS.cae} » fait réapparaître les modules et leurs données.
      </p>
      <form method="post" action="/cooperative/type" novalidate>
        <Csrf token={p.csrf} />
        <FormErrorSummary errors={p.errors} />
        <Select
          label="Type d’organisation"
          name="organisationType"
          value={p.values?.organisationType ?? p.coop.organisationType}
          error={e.organisationType}
          options={ORGANISATION_TYPES.map((t) => [t, ORGANISATION_TYPE_LABELS[t]])}
        />
        <Checkbox
          label="Je confirme ce changement pour toute l’organisation"
          name="confirmed"
          checked={p.values?.confirmed === 'on'}
          error={e.confirmed}
        />
        <button type="submit" class="btn-secondary">
          Changer le type
        </button>
      </form>
    </Card>
  );
}

// First run: an empty database offers to load the demo network or to create one's own cooperative.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../web/context.ts';
import { PublicLayout } from '../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary, Select } from '../web/components.tsx';
import { ORGANISATION_TYPE_LABELS, ORGANISATION_TYPES, type OrganisationType } from '../core/actor.ts';
import { formValues } from '../web/forms.ts';
import { setFlash } from '../web/middleware.ts';
import { listCooperatives, createNetwork, createCooperative, addMembership } from '../modules/directory/index.ts';
import { createUser } from '../core/auth/users.ts';
import { passwordProblem } from '../core/auth/password.ts';
import { fieldErrors, UserError } from '../core/errors.ts';
import { withSystem } from '../core/db/tenant.ts';
import { loadDemo, demoLogins, DEMO_PASSWORD } from './demo.ts';

export const firstRunRoutes = new Hono<AppEnv>();

const empty = async (c: Ctx) => (await listCooperatives(c.get('app').odb.db)).length === 0;

// An empty database (first start): the home page leads to the choice between demo and own cooperative.
firstRunRoutes.get('/', async (c, next) => {
  if (!c.get('user')) {
    const coops = await listCooperatives(c.get('app').odb.db);
    if (!coops.length) return c.redirect('/bienvenue');
  }
  return next();
});

firstRunRoutes.post('/bienvenue/demo', async (c) => {
  if (!(await empty(c))) return c.redirect('/');
  await loadDemo(c.get('app').odb, { fileKey: c.get('app').config.fileKey });
  return c.html(
    <PublicLayout c={c} title="Démonstration chargée">
      <Card title="La démonstration est prête">
        <p>
          Connectez-vous avec l'un de ces comptes, mot de passe <code class="mono">{DEMO_PASSWORD}</code> :
        </p>
        <ul>
          {demoLogins().map((l) => (
            <li>
              <code class="mono">{l}</code>
            </li>
          ))}
        </ul>
        <a class="btn" href="/connexion">
          Se connecter
        </a>
      </Card>
    </PublicLayout>,
  );
});

function CreateForm(p: { c: Ctx; values: Record<string, string>; errors: Record<string, string> }) {
  const v = p.values;
  const e = p.errors;
  return (
    <PublicLayout c={p.c} title="Créer ma coopérative">
      <Card title="Créer ma coopérative">
        <form method="post" action="/bienvenue/creer" novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={e} />
          <Field label="Nom de la coopérative" name="name" value={v.name} error={e.name} required />
          <Select
            label="Type d'organisation"
            name="organisationType"
            value={v.organisationType ?? 'cae'}
            options={ORGANISATION_TYPES.map((t) => [t, ORGANISATION_TYPE_LABELS[t]])}
            error={e.organisationType}
            hint="Un tiers-lieu ou un collectif utilise Radieuse sans la gestion (ventes, achats, banque, comptabilité)."
          />
          <Field
            label="Forme juridique"
            name="legalForm"
            value={v.legalForm ?? 'SCOP SARL à capital variable'}
            error={e.legalForm}
            required
          />
          <Field label="SIREN" name="siren" value={v.siren} error={e.siren} inputmode="numeric" required />
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
          <Field label="Ville du RCS" name="rcsCity" value={v.rcsCity} error={e.rcsCity} required />
          <Field
            label="Votre nom"
            name="displayName"
            value={v.displayName}
            error={e.displayName}
            required
            autocomplete="name"
          />
          <Field
            label="Votre e-mail"
            name="email"
            type="email"
            value={v.email}
            error={e.email}
            required
            autocomplete="email"
          />
          <Field
            label="Mot de passe"
            name="password"
            type="password"
            error={e.password}
            required
            autocomplete="new-password"
            hint="Au moins 12 caractères."
          />
          <button type="submit">Créer</button>
        </form>
      </Card>
    </PublicLayout>
  );
}

firstRunRoutes.post('/bienvenue/creer', async (c) => {
  if (!(await empty(c))) return c.redirect('/');
  const f = await formValues(c);
  const { odb } = c.get('app');
  try {
    const problem = passwordProblem(f.password ?? '', f.email);
    if (problem) throw new UserError(problem, 'password');
    await withSystem(odb.db, async (trx) => {
      const net = await createNetwork(trx, { slug: 'reseau', name: 'Mon réseau' });
      const slug =
        (f.name ?? '')
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'coop';
      const coop = await createCooperative(trx, net.id, {
        slug,
        name: f.name ?? '',
        legalForm: f.legalForm ?? '',
        capitalCents: 0,
        siren: f.siren ?? '',
        rcsCity: f.rcsCity ?? '',
        addressLine: f.addressLine ?? '',
        postalCode: f.postalCode ?? '',
        city: f.city ?? '',
        organisationType: (f.organisationType || 'cae') as OrganisationType,
      });
      const user = await createUser(trx, {
        email: f.email ?? '',
        displayName: f.displayName ?? '',
        password: f.password,
      });
      await addMembership(trx, coop.id, user.id, 'director');
    });
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<CreateForm c={c} values={f} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Votre coopérative est créée. Connectez-vous pour la configurer.' });
  return c.redirect('/connexion');
});

firstRunRoutes.get('/bienvenue', async (c) => {
  const coops = await listCooperatives(c.get('app').odb.db);
  if (coops.length) return c.redirect('/');
  return c.html(
    <PublicLayout c={c} title="Bienvenue">
      <h1>Bienvenue sur Radieuse</h1>
      <p>La base est vide. Vous pouvez découvrir Radieuse avec une coopérative de démonstration, ou créer la vôtre.</p>
      <div class="choice">
        <Card title="Découvrir avec la démo">
          <p>Un réseau de trois coopératives, des entrepreneur·es à chaque étape et douze mois d'activité.</p>
          <form method="post" action="/bienvenue/demo">
            <Csrf token={c.get('csrf')} />
            <button type="submit">Charger la démonstration</button>
          </form>
        </Card>
        <Card title="Créer ma coopérative">
          <form method="post" action="/bienvenue/creer" novalidate>
            <Csrf token={c.get('csrf')} />
            <Field label="Nom de la coopérative" name="name" required />
            <Field label="SIREN" name="siren" inputmode="numeric" required />
            <Field label="Votre nom" name="displayName" required autocomplete="name" />
            <Field label="Votre e-mail" name="email" type="email" required autocomplete="email" />
            <Field
              label="Mot de passe"
              name="password"
              type="password"
              required
              autocomplete="new-password"
              hint="Au moins 12 caractères."
            />
            <button type="submit">Créer</button>
          </form>
        </Card>
      </div>
    </PublicLayout>,
  );
});

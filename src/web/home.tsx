// Home: the to-do inbox of the role and a few key figures; the first-run screen when the
// database holds no cooperative yet.
import { Hono } from 'hono';
import type { AppEnv } from './context.ts';
import { Layout, PublicLayout } from './layout.tsx';
import { PageHeader, Card, Csrf, Field, FormErrorSummary } from './components.tsx';
import { requireActor, setFlash } from './middleware.ts';
import { formValues } from './forms.ts';
import { listCooperatives } from '../modules/directory/index.ts';
import { ROLE_LABELS } from '../core/actor.ts';

export const homeRoutes = new Hono<AppEnv>();

homeRoutes.get('/', async (c, next) => {
  if (!c.get('user')) {
    const coops = await listCooperatives(c.get('app').odb.db);
    if (!coops.length) return c.redirect('/bienvenue');
  }
  return next();
}, requireActor, async (c) => {
  const actor = c.get('actor')!;
  return c.html(
    <Layout c={c} title="Accueil">
      <PageHeader title={`Bonjour ${c.get('user')!.displayName.split(' ')[0]}`} help="Voici ce qui vous attend. Rien d'autre ne demande votre attention." />
      <Card title="À faire">
        <p class="muted">Rien à faire pour l'instant : tout est à jour.</p>
      </Card>
      <p class="muted">Vous êtes connecté·e en tant que {actor.roles.map((r) => ROLE_LABELS[r]).join(', ')}.</p>
    </Layout>);
});

homeRoutes.get('/sans-cooperative', (c) => c.html(
  <PublicLayout c={c} title="Aucune coopérative">
    <Card title="Aucune coopérative"><p>Votre compte n'est rattaché à aucune coopérative active. Demandez une invitation à votre chargé·e d'accompagnement.</p>
      <form method="post" action="/deconnexion"><Csrf token={c.get('csrf')} /><button type="submit" class="btn-secondary">Se déconnecter</button></form></Card>
  </PublicLayout>));

homeRoutes.get('/bienvenue', async (c) => {
  const coops = await listCooperatives(c.get('app').odb.db);
  if (coops.length) return c.redirect('/');
  return c.html(
    <PublicLayout c={c} title="Bienvenue">
      <h1>Bienvenue sur Radieuse</h1>
      <p>La base est vide. Vous pouvez découvrir Radieuse avec une coopérative de démonstration, ou créer la vôtre.</p>
      <div class="choice">
        <Card title="Découvrir avec la démo">
          <p>Un réseau de trois coopératives, des entrepreneur·es à chaque étape et douze mois d'activité.</p>
          <form method="post" action="/bienvenue/demo"><Csrf token={c.get('csrf')} /><button type="submit">Charger la démonstration</button></form>
        </Card>
        <Card title="Créer ma coopérative">
          <form method="post" action="/bienvenue/creer" novalidate><Csrf token={c.get('csrf')} />
            <Field label="Nom de la coopérative" name="name" required />
            <Field label="SIREN" name="siren" inputmode="numeric" required />
            <Field label="Votre nom" name="displayName" required autocomplete="name" />
            <Field label="Votre e-mail" name="email" type="email" required autocomplete="email" />
            <Field label="Mot de passe" name="password" type="password" required autocomplete="new-password" hint="Au moins 12 caractères." />
            <button type="submit">Créer</button>
          </form>
        </Card>
      </div>
    </PublicLayout>);
});

// Home: the to-do inbox of the role, the first steps of a new entrepreneur and a few key
// figures; and the page of a person who belongs to no cooperative any more.
import { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { Card, Csrf } from '../../../web/components.tsx';
import { requireActor } from '../../../web/middleware.ts';
import { todayParis } from '../../../core/dates.ts';
import { computeInbox } from '../inbox.service.ts';
import { keyFigures } from '../figures.ts';
import { firstSteps } from '../first-steps.ts';
import { HomePage } from '../views/home-page.tsx';
import { tenant } from './kit.tsx';

export const homeRoutes = new Hono<AppEnv>();

homeRoutes.get('/', requireActor, async (c) => {
  const actor = actorOf(c);
  const user = c.get('user');
  const today = todayParis();
  const { items, figures, steps } = await tenant(c, async (tx) => ({
    items: await computeInbox(tx, actor, today),
    figures: await keyFigures(tx, actor, today),
    steps: await firstSteps(tx, actor),
  }));
  return c.html(
    <HomePage
      c={c}
      firstName={(user?.displayName ?? '').split(' ')[0]}
      roles={actor.roles}
      canInvoice={actor.roles.some((r) => r === 'entrepreneur' || r === 'cape')}
      items={items}
      figures={figures}
      steps={steps}
      beginner={user?.beginnerMode ?? true}
    />,
  );
});

homeRoutes.get('/sans-cooperative', (c) =>
  c.html(
    <PublicLayout c={c} title="Aucune coopérative">
      <Card title="Aucune coopérative">
        <p>
          Votre compte n'est rattaché à aucune coopérative active. Demandez une invitation à votre chargé·e
          d'accompagnement.
        </p>
        <form method="post" action="/deconnexion">
          <Csrf token={c.get('csrf')} />
          <button type="submit" class="btn-secondary">
            Se déconnecter
          </button>
        </form>
      </Card>
    </PublicLayout>,
  ),
);

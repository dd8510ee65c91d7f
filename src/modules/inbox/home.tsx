// Home: the to-do inbox of the role and a few key figures; the first-run screen when the
// database holds no cooperative yet.
import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { Layout, PublicLayout } from '../../web/layout.tsx';
import { Card, Csrf, Figure } from '../../web/components.tsx';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { formValues } from '../../web/forms.ts';
import { ROLE_LABELS } from '../../core/actor.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { todayParis, formatDate } from '../../core/dates.ts';
import { computeInbox } from './index.ts';
import { keyFigures } from './figures.ts';
import { firstSteps } from './first-steps.ts';

export const homeRoutes = new Hono<AppEnv>();

homeRoutes.get('/', requireActor, async (c) => {
  const actor = c.get('actor')!;
  const today = todayParis();
  const { items, figures, steps } = await withTenant(c.get('app').odb.db, actor.cooperativeId, async (trx) => ({
    items: await computeInbox(trx, actor, today),
    figures: await keyFigures(trx, actor, today),
    steps: await firstSteps(trx, actor),
  }));
  const beginner = c.get('user')!.beginnerMode;
  const csrf = c.get('csrf');
  return c.html(
    <Layout c={c} title="Accueil">
      <header class="page-header">
        <div>
          <h1>Bonjour {c.get('user')!.displayName.split(' ')[0]}</h1>
          <p class="help">Voici ce qui vous attend, le plus urgent d'abord. Rien d'autre ne demande votre attention.</p>
        </div>
        {actor.roles.some((r) => r === 'entrepreneur' || r === 'cape') ? (
          <div class="page-action">
            <a class="btn" href="/factures/nouvelle">
              Nouvelle facture
            </a>
          </div>
        ) : null}
      </header>
      {steps && steps.some((st) => !st.done) ? (
        <section class="card first-steps" aria-labelledby="steps-title">
          <h2 id="steps-title">
            Pour bien démarrer ({steps.filter((st) => st.done).length}/{steps.length})
          </h2>
          <ol class="steps">
            {steps.map((st) => (
              <li class={st.done ? 'step-done' : 'step-todo'} data-step={st.key}>
                {st.done ? (
                  <>
                    <span aria-hidden="true">✓ </span>
                    <span class="sr-only">Fait : </span>
                    <s>{st.label}</s>
                  </>
                ) : (
                  <>
                    <a href={st.href}>{st.label}</a>
                    <span class="muted"> — {st.help}</span>
                  </>
                )}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <section class="card" aria-labelledby="todo-title">
        <h2 id="todo-title">À faire{items.length ? ` (${items.length})` : ''}</h2>
        {items.length ? (
          <ul class="inbox">
            {items.map((i) => (
              <li class={`urgency-${i.urgency}`} data-key={i.key}>
                <p class="inbox-title">
                  <strong>{i.link ? <a href={i.link}>{i.title}</a> : i.title}</strong>
                  {i.dueDate ? <span class="muted"> · échéance {formatDate(i.dueDate)}</span> : null}
                  {i.urgency === 'high' ? <span class="sr-only"> (urgent)</span> : null}
                </p>
                <p class="why">{i.why}</p>
                <div class="actions">
                  {i.action.method === 'post' ? (
                    <form method="post" action={i.action.href} class="inline">
                      <Csrf token={csrf} />
                      <button type="submit" class="btn-small">
                        {i.action.label}
                      </button>
                    </form>
                  ) : (
                    <a class="btn btn-small" href={i.action.href}>
                      {i.action.label}
                    </a>
                  )}
                  <form method="post" action="/a-faire/reporter" class="inline">
                    <Csrf token={csrf} />
                    <input type="hidden" name="key" value={i.key} />
                    <input type="hidden" name="days" value="7" />
                    <button type="submit" class="link-button" aria-label={`Plus tard (dans une semaine) : ${i.title}`}>
                      Plus tard
                    </button>
                  </form>
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty-title">Rien à faire : tout est à jour.</p>
        )}
      </section>
      {figures.length ? (
        <div class="figures">
          {figures.map((f) => (
            <Figure label={f.label} value={f.value} hint={f.hint} tone={f.tone} />
          ))}
        </div>
      ) : null}
      <p class="muted">
        Vous êtes connecté·e en tant que {actor.roles.map((r) => ROLE_LABELS[r]).join(', ')}.{' '}
        <a href="/preferences-notifications">Choisir quand recevoir les nouvelles</a>
      </p>
      <form method="post" action="/mode-simplifie" class="inline beginner-toggle">
        <Csrf token={csrf} />
        <input type="hidden" name="beginnerMode" value={beginner ? 'off' : 'on'} />
        <span>
          Mode simplifié : <strong>{beginner ? 'activé' : 'désactivé'}</strong>{' '}
        </span>
        <button type="submit" class="link-button">
          {beginner ? 'Afficher toutes les options' : 'Réactiver le mode simplifié'}
        </button>
      </form>
    </Layout>,
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

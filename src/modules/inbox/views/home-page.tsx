// The home page of every role: the "À faire" list (the most urgent first, each item with its one
// action and "Plus tard"), the "Pour bien démarrer" steps of a new entrepreneur, a few key
// figures, and the beginner-mode switch.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, Figure } from '../../../web/components.tsx';
import { ROLE_LABELS, type Role } from '../../../core/actor.ts';
import { formatDate } from '../../../core/dates.ts';
import type { InboxItem } from '../inbox.service.ts';
import type { KeyFigure } from '../figures.ts';
import type { FirstStep } from '../first-steps.ts';

export function HomePage(p: {
  c: Ctx;
  firstName: string;
  roles: Role[];
  canInvoice: boolean;
  items: InboxItem[];
  figures: KeyFigure[];
  steps: FirstStep[] | null;
  beginner: boolean;
}) {
  const { c } = p;
  const todo = p.items.filter((i) => !i.nudge);
  const tips = p.items.filter((i) => i.nudge);
  return (
    <Layout c={c} title="Accueil">
      <header class="page-header">
        <div>
          <h1>Bonjour {p.firstName}</h1>
          <p class="help">Voici ce qui vous attend, le plus urgent d'abord. Rien d'autre ne demande votre attention.</p>
        </div>
        {p.canInvoice ? (
          <div class="page-action">
            <a class="btn" href="/factures/nouvelle">
              Nouvelle facture
            </a>
          </div>
        ) : null}
      </header>
      {p.steps?.some((st) => !st.done) ? (
        <section class="card first-steps" aria-labelledby="steps-title">
          <h2 id="steps-title">
            Pour bien démarrer ({p.steps.filter((st) => st.done).length}/{p.steps.length})
          </h2>
          <ol class="steps">
            {p.steps.map((st) => (
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
        <h2 id="todo-title">À faire{todo.length ? ` (${todo.length})` : ''}</h2>
        {todo.length ? (
          <ul class="inbox">
            {todo.map((i) => (
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
                      <Csrf token={c.get('csrf')} />
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
                    <Csrf token={c.get('csrf')} />
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
      {tips.map((i) => (
        <section class="card tip" aria-label="Conseil" data-key={i.key}>
          <p>
            <strong>Conseil :</strong> {i.title}. {i.why} <a href={i.action.href}>{i.action.label}</a>
          </p>
        </section>
      ))}
      {p.figures.length ? (
        <div class="figures">
          {p.figures.map((f) => (
            <Figure label={f.label} value={f.value} hint={f.hint} tone={f.tone} />
          ))}
        </div>
      ) : null}
      <p class="muted">
        Vous êtes connecté·e en tant que {p.roles.map((r) => ROLE_LABELS[r]).join(', ')}.{' '}
        <a href="/preferences-notifications">Choisir quand recevoir les nouvelles</a>
      </p>
      <form method="post" action="/mode-simplifie" class="inline beginner-toggle">
        <Csrf token={c.get('csrf')} />
        <input type="hidden" name="beginnerMode" value={p.beginner ? 'off' : 'on'} />
        <span>
          Mode simplifié : <strong>{p.beginner ? 'activé' : 'désactivé'}</strong>{' '}
        </span>
        <button type="submit" class="link-button">
          {p.beginner ? 'Afficher toutes les options' : 'Réactiver le mode simplifié'}
        </button>
      </form>
    </Layout>
  );
}

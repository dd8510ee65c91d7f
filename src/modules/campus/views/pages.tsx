// The campus pages: search with filters, a question with its answers, the form to ask (with the
// similar questions suggested while the title is typed), and the suggestions fragment.
import { raw } from 'hono/html';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, Card, EmptyState } from '../../../web/components.tsx';
import type { Answer, Question } from '../questions.service.ts';
import type { SearchFilters, SearchRow, Similar } from '../search.service.ts';
import { renderMarkdown } from '../markdown.ts';
import type { ArticleRow } from '../articles.service.ts';
import { AnswerToArticle, ArticleHits, CampusTabs } from './knowledge.tsx';
import { AnswerTools, CategoryFilter, CategorySelect, Comments, QuestionTools, type QaExtras } from './qa.tsx';

const date = (d: Date) => d.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
const Tags = (p: { tags: string[] }) => (
  <span class="tags">
    {p.tags.map((t) => (
      <a class="badge" href={`/campus?etiquette=${encodeURIComponent(t)}`}>
        {t}
      </a>
    ))}
  </span>
);

export function SuggestionsFragment(p: { rows: Similar[] }) {
  if (!p.rows.length) return <div id="campus-suggestions"></div>;
  return (
    <div id="campus-suggestions" class="suggestions">
      <p>Des questions semblables existent peut-être déjà :</p>
      <ul>
        {p.rows.map((r) => (
          <li>
            <a href={`/campus/${r.id}`}>{r.title}</a>
            {r.answered ? <span class="badge"> résolue</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SearchPage(p: { c: Ctx; f: SearchFilters; rows: SearchRow[]; more: boolean; articles?: ArticleRow[] }) {
  const { c, f } = p;
  const qs = (page: number) => {
    const u = new URLSearchParams();
    if (f.text) u.set('q', f.text);
    if (f.tag) u.set('etiquette', f.tag);
    if (f.status) u.set('statut', f.status === 'answered' ? 'resolues' : 'sans-reponse');
    if (f.category) u.set('categorie', f.category);
    u.set('page', String(page));
    return `/campus?${u}`;
  };
  return (
    <Layout c={c} title="Campus">
      <CampusTabs />
      <PageHeader
        title="Campus"
        help="Les questions des entrepreneur·es de la coopérative et du réseau, et leurs réponses."
        action={
          <a class="btn" href="/campus/nouvelle">
            Poser une question
          </a>
        }
      />
      <form method="get" action="/campus" class="filters">
        <label>
          Rechercher <input type="search" name="q" value={f.text ?? ''} />
        </label>
        <label>
          Étiquette <input type="text" name="etiquette" value={f.tag ?? ''} />
        </label>
        <label>
          Statut{' '}
          <select name="statut">
            <option value="">Toutes</option>
            <option value="resolues" selected={f.status === 'answered'}>
              Résolues
            </option>
            <option value="sans-reponse" selected={f.status === 'unanswered'}>
              Sans réponse acceptée
            </option>
          </select>
        </label>
        <CategoryFilter value={f.category} />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      <ArticleHits rows={p.articles ?? []} />
      {p.rows.length ? (
        <ul class="campus-list">
          {p.rows.map((r) => (
            <li>
              <a href={`/campus/${r.id}`}>{r.title}</a> {r.accepted ? <span class="badge">résolue</span> : null}{' '}
              <small>
                {r.answers} réponse(s) · {r.authorLabel} · {date(r.createdAt)} ·{' '}
                {r.visibility === 'network' ? 'réseau' : 'coopérative'}
              </small>{' '}
              <Tags tags={r.tags} />
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title="Aucune question ne correspond." />
      )}
      <nav class="pager">
        {f.page > 1 ? <a href={qs(f.page - 1)}>Page précédente</a> : null}{' '}
        {p.more ? <a href={qs(f.page + 1)}>Page suivante</a> : null}
      </nav>
    </Layout>
  );
}

export function AskPage(p: {
  c: Ctx;
  values: Record<string, string>;
  errors: Record<string, string> | null;
  defaultVisibility: string;
}) {
  const { c, values: v, errors: e } = p;
  const vis = v.visibility || p.defaultVisibility;
  return (
    <Layout c={c} title="Poser une question">
      <PageHeader title="Poser une question" />
      <Card>
        <form method="post" action="/campus">
          <Csrf token={c.get('csrf')} />
          <div class={`field${e?.title ? ' has-error' : ''}`}>
            <label for="f-title">Titre</label>
            <input
              id="f-title"
              name="title"
              value={v.title ?? ''}
              required
              maxlength={200}
              autocomplete="off"
              hx-get="/campus/suggestions"
              hx-trigger="input changed delay:300ms"
              hx-target="#campus-suggestions"
              hx-swap="outerHTML"
              hx-params="title"
            />
            {e?.title ? <p class="error">{e.title}</p> : null}
          </div>
          <div id="campus-suggestions"></div>
          <div class={`field${e?.body ? ' has-error' : ''}`}>
            <label for="f-body">Votre question (Markdown)</label>
            <textarea id="f-body" name="body" rows={8} required>
              {v.body ?? ''}
            </textarea>
            {e?.body ? <p class="error">{e.body}</p> : null}
          </div>
          <div class={`field${e?.tags ? ' has-error' : ''}`}>
            <label for="f-tags">Étiquettes (séparées par des virgules)</label>
            <input id="f-tags" name="tags" value={v.tags ?? ''} />
            {e?.tags ? <p class="error">{e.tags}</p> : null}
          </div>
          <CategorySelect value={v.category} error={e?.category} />
          <fieldset>
            <legend>Visible par</legend>
            <label>
              <input type="radio" name="visibility" value="cooperative" checked={vis === 'cooperative'} /> ma
              coopérative
            </label>
            <label>
              <input type="radio" name="visibility" value="network" checked={vis === 'network'} /> tout le réseau
            </label>
          </fieldset>
          <button type="submit">Publier la question</button>
        </form>
      </Card>
    </Layout>
  );
}

const Md = (p: { text: string }) => <div class="markdown">{raw(renderMarkdown(p.text))}</div>;

export function QuestionPage(p: {
  c: Ctx;
  q: Question;
  answers: Answer[];
  can: { accept: boolean; moderate: boolean; answer: boolean; vote: boolean };
  errors: Record<string, string> | null;
  x?: QaExtras;
}) {
  const { c, q } = p;
  const csrf = c.get('csrf');
  const post = (action: string, text: string, cls = 'btn-small btn-secondary') => (
    <form method="post" action={action} class="inline">
      <Csrf token={csrf} />
      <button type="submit" class={cls}>
        {text}
      </button>
    </form>
  );
  return (
    <Layout c={c} title={q.title}>
      <PageHeader title={q.title} />
      {q.hidden ? <p class="alert">Question masquée par la modération.</p> : null}
      <Card>
        <p>
          <small>
            {q.authorLabel} · {date(q.createdAt)} ·{' '}
            {q.visibility === 'network' ? 'visible par le réseau' : 'visible par la coopérative'} · {q.votes} vote(s)
          </small>{' '}
          <Tags tags={q.tags} />
        </p>
        <Md text={q.body} />
        {p.can.vote ? post(`/campus/${q.id}/voter/${q.id}`, 'Utile') : null}{' '}
        {p.can.moderate
          ? post(`/campus/${q.id}/${q.hidden ? 'retablir' : 'masquer'}`, q.hidden ? 'Rétablir' : 'Masquer')
          : null}
        {p.x ? <QuestionTools c={c} q={q} x={p.x} /> : null}
        {p.x ? <Comments c={c} q={q} targetId={q.id} x={p.x} moderate={p.can.moderate} /> : null}
      </Card>
      <h2>{p.answers.length} réponse(s)</h2>
      {p.answers.map((a) => (
        <Card>
          <div id={`reponse-${a.id}`} class={a.accepted ? 'answer accepted' : 'answer'}>
            {a.accepted ? <p class="badge">Réponse acceptée</p> : null}
            {a.accepted ? <AnswerToArticle c={c} questionId={q.id} /> : null}
            {a.hidden ? <p class="alert">Réponse masquée par la modération.</p> : null}
            <Md text={a.body} />
            <p>
              <small>
                {a.authorLabel} · {date(a.createdAt)} · {a.votes} vote(s)
              </small>
            </p>
            {p.can.vote ? post(`/campus/${q.id}/voter/${a.id}`, a.myVote ? 'Retirer mon vote' : 'Utile') : null}{' '}
            {p.can.accept && !a.hidden
              ? post(`/campus/${q.id}/accepter/${a.id}`, a.accepted ? 'Ne plus accepter' : 'Accepter cette réponse')
              : null}{' '}
            {p.can.moderate && a.cooperativeId === q.cooperativeId
              ? post(
                  `/campus/${q.id}/reponses/${a.id}/${a.hidden ? 'retablir' : 'masquer'}`,
                  a.hidden ? 'Rétablir' : 'Masquer',
                )
              : null}
            {p.x ? <AnswerTools c={c} q={q} a={a} x={p.x} /> : null}
            {p.x ? <Comments c={c} q={q} targetId={a.id} x={p.x} moderate={p.can.moderate} /> : null}
          </div>
        </Card>
      ))}
      {p.can.answer && !q.hidden ? (
        <Card title="Votre réponse">
          <form method="post" action={`/campus/${q.id}/reponses`}>
            <Csrf token={csrf} />
            <textarea name="body" rows={6} required aria-label="Votre réponse (Markdown)"></textarea>
            {p.errors?.body ? <p class="error">{p.errors.body}</p> : null}
            <button type="submit">Répondre</button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}

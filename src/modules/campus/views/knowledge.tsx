// The campus knowledge pages: « Qui peut m'aider sur… » and the profiles of resource persons, the
// knowledge base (list, article, form, versions), ideas (list, idea, adopted elsewhere).
import { raw } from 'hono/html';
import type { Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { can } from '../../../core/authz.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, Card, EmptyState, Field, Select, TextArea } from '../../../web/components.tsx';
import { formatDateTime } from '../../../core/dates.ts';
import { renderMarkdown } from '../markdown.ts';
import type { ExpertProfile, Helper } from '../experts.service.ts';
import {
  ARTICLE_KINDS,
  ARTICLE_STATUSES,
  type Article,
  type ArticleFilters,
  type ArticleRow,
  type ArticleVersion,
  type DiffLine,
} from '../articles.service.ts';
import { IDEA_STATUSES, type Idea, type IdeaComment } from '../ideas.service.ts';
import { CAMPUS_KB } from '../knowledge-permissions.ts';

type Errors = Record<string, string> | null;
const date = (d: Date) => d.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
const Md = (p: { text: string }) => <div class="markdown">{raw(renderMarkdown(p.text))}</div>;

/** The campus's sections, shown at the top of each knowledge page. */
export function CampusTabs() {
  return (
    <nav class="tabs" aria-label="Campus">
      <a href="/campus">Questions</a> · <a href="/campus/personnes">Qui peut m’aider ?</a> ·{' '}
      <a href="/campus/articles">Base de connaissances</a> · <a href="/campus/idees">Idées</a>
    </nav>
  );
}

const post = (csrf: string, action: string, text: string, fields: Record<string, string> = {}) => (
  <form method="post" action={action} class="inline">
    <Csrf token={csrf} />
    {Object.entries(fields).map(([k, v]) => (
      <input type="hidden" name={k} value={v} />
    ))}
    <button type="submit" class="btn-small btn-secondary">
      {text}
    </button>
  </form>
);

const BadgeOf = (p: { badge: 'cooperative' | 'network' | null }) =>
  p.badge ? (
    <span class="badge">{p.badge === 'network' ? 'Personne ressource du réseau' : 'Personne ressource'}</span>
  ) : null;

// --- resource persons -----------------------------------------------------------------------

export function HelpersPage(p: { c: Ctx; text: string; rows: Helper[] }) {
  return (
    <Layout c={p.c} title="Qui peut m’aider ?">
      <CampusTabs />
      <PageHeader
        title="Qui peut m’aider sur…"
        help="Les personnes de la coopérative et du réseau qui ont déclaré une compétence, recommandées par leurs pairs."
        action={
          <a class="btn" href="/campus/personnes/mon-profil">
            Mes compétences
          </a>
        }
      />
      <form method="get" action="/campus/personnes" class="filters">
        <label>
          Sujet <input type="search" name="sur" value={p.text} placeholder="signature électronique, assurance, prix…" />
        </label>
        <button type="submit" class="btn-secondary">
          Chercher
        </button>
      </form>
      {p.rows.length ? (
        <ul class="campus-list">
          {p.rows.map((h) => (
            <li>
              <a href={`/campus/personnes/${h.cooperativeId}/${h.userId}`}>{h.displayName}</a>{' '}
              <BadgeOf badge={h.badge} />{' '}
              <small>
                {h.cooperativeName} · {h.endorsements} recommandation(s) · {h.acceptedAnswers} réponse(s) acceptée(s)
              </small>{' '}
              <span class="tags">
                {h.tags.map((t) => (
                  <span class="badge">{t}</span>
                ))}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState
          title="Personne ne correspond encore."
          text="Posez votre question sur le campus : le réseau répond."
        />
      )}
    </Layout>
  );
}

export function ExpertPage(p: { c: Ctx; e: ExpertProfile; canDesignate: boolean; isNetworkStaff: boolean }) {
  const { c, e } = p;
  const csrf = c.get('csrf');
  const actor = actorOf(c);
  const base = `/campus/personnes/${e.cooperativeId}/${e.userId}`;
  return (
    <Layout c={c} title={e.displayName}>
      <CampusTabs />
      <PageHeader title={e.displayName} help={e.cooperativeName} />
      <Card>
        <p>
          <BadgeOf badge={e.badge} />
        </p>
        <h2>Compétences</h2>
        {e.tags.length ? (
          <ul>
            {e.tags.map((t) => (
              <li>
                <a href={`/campus/personnes?sur=${encodeURIComponent(t.tag)}`}>{t.tag}</a> — {t.endorsements}{' '}
                recommandation(s){' '}
                {!e.isMe && can(actor, CAMPUS_KB.endorse)
                  ? post(csrf, `${base}/recommander`, t.endorsedByMe ? 'Retirer ma recommandation' : 'Recommander', {
                      tag: t.tag,
                    })
                  : null}
              </li>
            ))}
          </ul>
        ) : (
          <p>Aucune compétence déclarée.</p>
        )}
        {e.endorsers.length ? <p>Recommandé·e par : {e.endorsers.join(', ')}</p> : null}
        {p.canDesignate ? (
          <p>
            {e.badge !== 'cooperative'
              ? post(csrf, `${base}/designer`, 'Désigner personne ressource', { scope: 'cooperative' })
              : null}{' '}
            {p.isNetworkStaff && e.badge !== 'network'
              ? post(csrf, `${base}/designer`, 'Désigner personne ressource du réseau', { scope: 'network' })
              : null}{' '}
            {e.badge ? post(csrf, `${base}/designer`, 'Retirer la désignation', { scope: '' }) : null}
          </p>
        ) : null}
      </Card>
      {e.slots ? (
        <Card title="Créneaux proposés">
          {e.slots.length ? (
            <ul>
              {e.slots.map((s) => (
                <li>
                  {formatDateTime(s.startsAt)} · {s.place ?? 'visioconférence'}{' '}
                  {!e.isMe ? (
                    <form method="post" action={`/creneaux/${s.id}/reserver`} class="inline">
                      <Csrf token={csrf} />
                      <input name="subject" aria-label="Objet du rendez-vous" placeholder="Objet" required />{' '}
                      <button type="submit" class="btn-small">
                        Réserver
                      </button>
                    </form>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p>Aucun créneau libre pour le moment.</p>
          )}
        </Card>
      ) : null}
      <h2>Réponses données</h2>
      {e.answers.length ? (
        <ul class="campus-list">
          {e.answers.map((a) => (
            <li>
              <a href={`/campus/${a.questionId}#reponse-${a.answerId}`}>{a.questionTitle}</a>{' '}
              {a.accepted ? <span class="badge">réponse acceptée</span> : null} <small>{date(a.createdAt)}</small>
            </li>
          ))}
        </ul>
      ) : (
        <p>Aucune réponse visible pour le moment.</p>
      )}
    </Layout>
  );
}

export function MyExpertisePage(p: {
  c: Ctx;
  tags: string;
  badge: 'cooperative' | 'network' | null;
  errors: Errors;
  slot: Record<string, string>;
}) {
  const { c, errors: e } = p;
  const csrf = c.get('csrf');
  return (
    <Layout c={c} title="Mes compétences">
      <CampusTabs />
      <PageHeader
        title="Mes compétences"
        help="Ce que vous savez bien faire : vos pairs vous trouveront par ces mots."
      />
      <Card>
        <form method="post" action="/campus/personnes/mon-profil">
          <Csrf token={csrf} />
          <Field
            label="Compétences (séparées par des virgules, 5 au plus)"
            name="tags"
            value={p.tags}
            error={e?.tags}
          />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
      {p.badge ? (
        <Card title="Proposer un créneau à vos pairs">
          <form method="post" action="/campus/personnes/creneaux">
            <Csrf token={csrf} />
            <Field label="Date" name="date" type="date" value={p.slot.date} error={e?.date} required />
            <Field label="Début" name="start" type="time" value={p.slot.start} error={e?.start} required />
            <Field label="Fin" name="end" type="time" value={p.slot.end} error={e?.end} required />
            <Field label="Lieu" name="place" value={p.slot.place} error={e?.place} />
            <Field label="Lien de visioconférence" name="videoUrl" value={p.slot.videoUrl} error={e?.videoUrl} />
            <button type="submit">Proposer ce créneau</button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}

// --- knowledge base -------------------------------------------------------------------------

const ArticleLine = (p: { a: ArticleRow }) => (
  <li>
    <a href={`/campus/articles/${p.a.id}`}>{p.a.title}</a> <span class="badge">{ARTICLE_KINDS[p.a.kind]}</span>{' '}
    {p.a.status !== 'published' ? <span class="badge">{ARTICLE_STATUSES[p.a.status]}</span> : null}{' '}
    {p.a.visibility === 'network' ? <span class="badge">réseau</span> : null}{' '}
    <small>
      {p.a.cooperativeName} · {p.a.authorLabel} · {date(p.a.updatedAt)}
    </small>
  </li>
);

/** The articles matching a search of the campus page. */
export function ArticleHits(p: { rows: ArticleRow[] }) {
  if (!p.rows.length) return null;
  return (
    <section class="article-hits">
      <h2>Articles de la base de connaissances</h2>
      <ul class="campus-list">
        {p.rows.map((a) => (
          <ArticleLine a={a} />
        ))}
      </ul>
    </section>
  );
}

export function ArticlesPage(p: { c: Ctx; f: ArticleFilters; rows: ArticleRow[]; canReview: boolean }) {
  const { f } = p;
  return (
    <Layout c={p.c} title="Base de connaissances">
      <CampusTabs />
      <PageHeader
        title="Base de connaissances"
        help="Modes d’emploi, modèles et notes juridiques de la coopérative, et ceux que l’équipe du réseau a partagés avec toutes les coopératives."
        action={
          <a class="btn" href="/campus/articles/nouveau">
            Écrire un article
          </a>
        }
      />
      <form method="get" action="/campus/articles" class="filters">
        <label>
          Rechercher <input type="search" name="q" value={f.text ?? ''} />
        </label>
        <label>
          Type{' '}
          <select name="type">
            <option value="">Tous</option>
            {Object.entries(ARTICLE_KINDS).map(([k, l]) => (
              <option value={k} selected={f.kind === k}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Afficher{' '}
          <select name="vue">
            <option value="">Publiés</option>
            <option value="reseau" selected={f.view === 'network'}>
              Partagés avec le réseau
            </option>
            <option value="mes-brouillons" selected={f.view === 'drafts'}>
              Mes brouillons
            </option>
            {p.canReview ? (
              <option value="relecture" selected={f.view === 'review'}>
                À relire
              </option>
            ) : null}
          </select>
        </label>
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      {p.rows.length ? (
        <ul class="campus-list">
          {p.rows.map((a) => (
            <ArticleLine a={a} />
          ))}
        </ul>
      ) : (
        <EmptyState title="Aucun article ne correspond." />
      )}
    </Layout>
  );
}

export function ArticlePage(p: {
  c: Ctx;
  a: Article;
  can: { edit: boolean; submit: boolean; review: boolean; promote: boolean };
  errors: Errors;
}) {
  const { c, a } = p;
  const csrf = c.get('csrf');
  const base = `/campus/articles/${a.id}`;
  return (
    <Layout c={c} title={a.title}>
      <CampusTabs />
      <PageHeader title={a.title} />
      <Card>
        <p>
          <span class="badge">{ARTICLE_KINDS[a.kind]}</span> <span class="badge">{ARTICLE_STATUSES[a.status]}</span>{' '}
          {a.visibility === 'network' ? <span class="badge">partagé avec le réseau</span> : null}
        </p>
        <p>
          <small>
            Écrit à {a.cooperativeName} par {a.authorLabel} · version {a.version} du {date(a.updatedAt)}
            {a.promotedAt ? ` · promu au réseau le ${date(a.promotedAt)}` : ''} ·{' '}
            <a href={`${base}/versions`}>historique des versions</a>
            {a.sourceQuestionId ? (
              <>
                {' '}
                · <a href={`/campus/${a.sourceQuestionId}`}>question d’origine</a>
              </>
            ) : null}
          </small>
        </p>
        {a.reviewNote && a.status === 'draft' ? <p class="alert">Relecture : {a.reviewNote}</p> : null}
        <Md text={a.body} />
        <p>
          {p.can.edit ? (
            <a class="btn-small btn-secondary" href={`${base}/modifier`}>
              Modifier
            </a>
          ) : null}{' '}
          {p.can.submit && a.status === 'draft' ? post(csrf, `${base}/soumettre`, 'Soumettre à la relecture') : null}{' '}
          {p.can.review && a.status === 'review' ? post(csrf, `${base}/publier`, 'Publier dans la coopérative') : null}{' '}
          {p.can.promote && a.status === 'published'
            ? a.visibility === 'network'
              ? post(csrf, `${base}/retirer-du-reseau`, 'Retirer du réseau')
              : post(csrf, `${base}/promouvoir`, 'Promouvoir à tout le réseau')
            : null}
        </p>
        {p.can.review && a.status === 'review' ? (
          <form method="post" action={`${base}/renvoyer`}>
            <Csrf token={csrf} />
            <TextArea label="Renvoyer à l’auteur avec une note" name="note" rows={2} error={p.errors?.note} />
            <button type="submit" class="btn-secondary">
              Renvoyer
            </button>
          </form>
        ) : null}
      </Card>
    </Layout>
  );
}

export function ArticleFormPage(p: { c: Ctx; id: string | null; values: Record<string, string>; errors: Errors }) {
  const { c, values: v, errors: e } = p;
  const title = p.id ? 'Modifier l’article' : 'Écrire un article';
  return (
    <Layout c={c} title={title}>
      <CampusTabs />
      <PageHeader title={title} help="Chaque modification est gardée comme une version." />
      <Card>
        <form method="post" action={p.id ? `/campus/articles/${p.id}` : '/campus/articles'}>
          <Csrf token={c.get('csrf')} />
          <Select
            label="Type"
            name="kind"
            value={v.kind ?? 'howto'}
            options={Object.entries(ARTICLE_KINDS)}
            error={e?.kind}
          />
          <Field label="Titre" name="title" value={v.title} error={e?.title} required />
          <TextArea label="Contenu (Markdown)" name="body" value={v.body} rows={16} error={e?.body} />
          <Field label="Étiquettes (séparées par des virgules)" name="tags" value={v.tags} error={e?.tags} />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </Layout>
  );
}

export function VersionsPage(p: {
  c: Ctx;
  a: Article;
  versions: ArticleVersion[];
  shown: number;
  diff: DiffLine[] | null;
}) {
  const { a } = p;
  return (
    <Layout c={p.c} title={`Versions — ${a.title}`}>
      <CampusTabs />
      <PageHeader title={`Versions de « ${a.title} »`} />
      <Card>
        <ol reversed>
          {p.versions.map((v) => (
            <li>
              <a href={`/campus/articles/${a.id}/versions?v=${v.version}`}>Version {v.version}</a> — {v.editorLabel},{' '}
              {formatDateTime(v.createdAt)}
              {v.version === p.shown ? ' (affichée)' : ''}
            </li>
          ))}
        </ol>
      </Card>
      {p.diff ? (
        <Card title={`Changements de la version ${p.shown} par rapport à la précédente`}>
          <pre class="diff">
            {p.diff.map((d) => (
              <span class={d.op === '+' ? 'diff-add' : d.op === '-' ? 'diff-del' : 'diff-same'}>
                {d.op === '=' ? '  ' : `${d.op} `}
                {d.text}
                {'\n'}
              </span>
            ))}
          </pre>
        </Card>
      ) : null}
    </Layout>
  );
}

// --- ideas ----------------------------------------------------------------------------------

const IdeaLine = (p: { i: Idea }) => (
  <li>
    <a href={`/campus/idees/${p.i.id}`}>{p.i.title}</a> <span class="badge">{IDEA_STATUSES[p.i.status]}</span>{' '}
    <small>
      {p.i.cooperativeName} · {p.i.votes} vote(s) · {p.i.comments} commentaire(s)
    </small>
  </li>
);

export function IdeasPage(p: {
  c: Ctx;
  rows: Idea[];
  status: string | undefined;
  elsewhere: boolean;
  values: Record<string, string>;
  errors: Errors;
}) {
  const { c, values: v, errors: e } = p;
  return (
    <Layout c={c} title={p.elsewhere ? 'Idées adoptées ailleurs' : 'Idées'}>
      <CampusTabs />
      <PageHeader
        title={p.elsewhere ? 'Idées adoptées ailleurs' : 'Idées'}
        help={
          p.elsewhere
            ? 'Ce que les autres coopératives du réseau ont adopté ou déjà réalisé : de quoi s’inspirer.'
            : 'Proposez une amélioration, votez pour celles qui vous parlent ; l’équipe les étudie.'
        }
        action={
          p.elsewhere ? (
            <a class="btn-secondary" href="/campus/idees">
              Toutes les idées
            </a>
          ) : (
            <a class="btn-secondary" href="/campus/idees/ailleurs">
              Idées adoptées ailleurs
            </a>
          )
        }
      />
      {p.elsewhere ? null : (
        <form method="get" action="/campus/idees" class="filters">
          <label>
            Statut{' '}
            <select name="statut">
              <option value="">Tous</option>
              {Object.entries(IDEA_STATUSES).map(([k, l]) => (
                <option value={k} selected={p.status === k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn-secondary">
            Filtrer
          </button>
        </form>
      )}
      {p.rows.length ? (
        <ul class="campus-list">
          {p.rows.map((i) => (
            <IdeaLine i={i} />
          ))}
        </ul>
      ) : (
        <EmptyState title="Aucune idée pour le moment." />
      )}
      {p.elsewhere ? null : (
        <Card title="Proposer une idée">
          <form method="post" action="/campus/idees">
            <Csrf token={c.get('csrf')} />
            <Field label="Titre" name="title" value={v.title} error={e?.title} required />
            <TextArea label="Description" name="body" value={v.body} rows={4} error={e?.body} />
            <Select
              label="Visible par"
              name="visibility"
              value={v.visibility ?? ''}
              options={[
                ['', 'Le choix de la coopérative'],
                ['cooperative', 'Ma coopérative'],
                ['network', 'Tout le réseau'],
              ]}
              error={e?.visibility}
            />
            <button type="submit">Proposer</button>
          </form>
        </Card>
      )}
    </Layout>
  );
}

export function IdeaPage(p: {
  c: Ctx;
  i: Idea;
  comments: IdeaComment[];
  can: { vote: boolean; comment: boolean; status: boolean };
  errors: Errors;
}) {
  const { c, i } = p;
  const csrf = c.get('csrf');
  const base = `/campus/idees/${i.id}`;
  return (
    <Layout c={c} title={i.title}>
      <CampusTabs />
      <PageHeader title={i.title} />
      <Card>
        <p>
          <span class="badge">{IDEA_STATUSES[i.status]}</span>{' '}
          <small>
            {i.authorLabel} · {i.cooperativeName} · {date(i.createdAt)} · {i.votes} vote(s) ·{' '}
            {i.visibility === 'network' ? 'visible par le réseau' : 'visible par la coopérative'}
          </small>
        </p>
        <Md text={i.body} />
        {p.can.vote ? post(csrf, `${base}/voter`, i.myVote ? 'Retirer mon vote' : 'Je soutiens') : null}
        {p.can.status ? (
          <form method="post" action={`${base}/statut`} class="inline">
            <Csrf token={csrf} />
            <select name="status" aria-label="Statut">
              {Object.entries(IDEA_STATUSES).map(([k, l]) => (
                <option value={k} selected={i.status === k}>
                  {l}
                </option>
              ))}
            </select>{' '}
            <button type="submit" class="btn-small btn-secondary">
              Changer le statut
            </button>
          </form>
        ) : null}
      </Card>
      <h2>{p.comments.length} commentaire(s)</h2>
      {p.comments.map((m) => (
        <Card>
          <p>{m.body}</p>
          <p>
            <small>
              {m.authorLabel} · {formatDateTime(m.createdAt)}
            </small>
          </p>
        </Card>
      ))}
      {p.can.comment ? (
        <Card title="Commenter">
          <form method="post" action={`${base}/commentaires`}>
            <Csrf token={csrf} />
            <TextArea label="Votre commentaire" name="body" rows={3} error={p.errors?.body} />
            <button type="submit">Commenter</button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}

/** On a question with an accepted answer: turn it into an article draft in one action. */
export function AnswerToArticle(p: { c: Ctx; questionId: string }) {
  if (!can(actorOf(p.c), CAMPUS_KB.articleWrite)) return null;
  return post(p.c.get('csrf'), `/campus/${p.questionId}/en-article`, 'Transformer en article');
}

// The conversation around a question: comments, files, follow, reports, edit forms and history,
// and the moderators' review page. Rendering only; the routes pass what the services returned.
import { raw } from 'hono/html';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, Card, EmptyState } from '../../../web/components.tsx';
import { renderMarkdown } from '../markdown.ts';
import { CATEGORIES } from '../categories.ts';
import type { Comment } from '../comments.service.ts';
import type { Attachment } from '../attachments.service.ts';
import type { Revision } from '../qa.service.ts';
import type { ReviewItem } from '../moderation.service.ts';
import type { Answer, Question } from '../questions.service.ts';

const date = (d: Date) =>
  d.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
const Md = (p: { text: string }) => <div class="markdown">{raw(renderMarkdown(p.text))}</div>;

export function CategorySelect(p: { value?: string | null; error?: string; label?: string }) {
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for="f-category">{p.label ?? 'Catégorie'}</label>
      <select id="f-category" name="category">
        <option value="">Sans catégorie</option>
        {Object.entries(CATEGORIES).map(([k, v]) => (
          <option value={k} selected={p.value === k}>
            {v}
          </option>
        ))}
      </select>
      {p.error ? <p class="error">{p.error}</p> : null}
    </div>
  );
}

export function CategoryFilter(p: { value?: string }) {
  return (
    <label>
      Catégorie{' '}
      <select name="categorie">
        <option value="">Toutes</option>
        {Object.entries(CATEGORIES).map(([k, v]) => (
          <option value={k} selected={p.value === k}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

export interface QaExtras {
  category: string | null;
  comments: Comment[];
  attachments: Attachment[];
  following: boolean;
  userId: string | null;
  cooperativeId: string;
  can: { comment: boolean; report: boolean; edit: boolean; editAny: boolean; attach: boolean; follow: boolean };
  errors: Record<string, string> | null;
}

const post = (csrf: string, action: string, text: string, cls = 'btn-small btn-secondary') => (
  <form method="post" action={action} class="inline">
    <Csrf token={csrf} />
    <button type="submit" class={cls}>
      {text}
    </button>
  </form>
);

function ReportForm(p: { csrf: string; action: string }) {
  return (
    <details class="inline">
      <summary>Signaler</summary>
      <form method="post" action={p.action}>
        <Csrf token={p.csrf} />
        <label>
          Ce qui ne va pas <input name="reason" required minlength={3} maxlength={500} />
        </label>
        <button type="submit" class="btn-small btn-secondary">
          Envoyer le signalement
        </button>
      </form>
    </details>
  );
}

/** Under the question: category, follow, files, history, edit, report. */
export function QuestionTools(p: { c: Ctx; q: Question; x: QaExtras }) {
  const { q, x } = p;
  const csrf = p.c.get('csrf');
  const mine =
    q.cooperativeId === x.cooperativeId && (x.can.editAny || (x.userId !== null && q.authorUserId === x.userId));
  return (
    <div class="campus-tools">
      {x.category ? (
        <p>
          Catégorie :{' '}
          <a href={`/campus?categorie=${x.category}`}>
            {CATEGORIES[x.category as keyof typeof CATEGORIES] ?? x.category}
          </a>
        </p>
      ) : null}
      {x.attachments.length ? (
        <ul class="attachments" aria-label="Fichiers joints">
          {x.attachments.map((a) => (
            <li>
              <a href={`/campus/${q.id}/fichiers/${a.id}`}>{a.name}</a> <small>({Math.ceil(a.size / 1024)} Ko)</small>
            </li>
          ))}
        </ul>
      ) : null}
      {x.can.follow
        ? post(
            csrf,
            `/campus/${q.id}/${x.following ? 'ne-plus-suivre' : 'suivre'}`,
            x.following ? 'Ne plus suivre' : 'Suivre',
          )
        : null}{' '}
      {x.can.edit && mine ? <a href={`/campus/${q.id}/modifier`}>Modifier</a> : null}{' '}
      <a href={`/campus/${q.id}/historique`}>Historique</a>{' '}
      {x.can.report && q.authorUserId !== x.userId ? (
        <ReportForm csrf={csrf} action={`/campus/${q.id}/signaler`} />
      ) : null}
      {x.can.attach && mine ? (
        <form method="post" action={`/campus/${q.id}/fichiers`} enctype="multipart/form-data" class="inline">
          <Csrf token={csrf} />
          <label>
            Joindre un fichier (PDF ou image, 5 Mo au plus){' '}
            <input type="file" name="file" accept="application/pdf,image/*" required />
          </label>
          {x.errors?.file ? <p class="error">{x.errors.file}</p> : null}
          <button type="submit" class="btn-small btn-secondary">
            Joindre
          </button>
        </form>
      ) : null}
    </div>
  );
}

/** Under an answer: edit, history, report. */
export function AnswerTools(p: { c: Ctx; q: Question; a: Answer; x: QaExtras }) {
  const { q, a, x } = p;
  const csrf = p.c.get('csrf');
  const mine =
    a.cooperativeId === x.cooperativeId && (x.can.editAny || (x.userId !== null && a.authorUserId === x.userId));
  return (
    <div class="campus-tools">
      {x.can.edit && mine ? <a href={`/campus/${q.id}/reponses/${a.id}/modifier`}>Modifier</a> : null}{' '}
      <a href={`/campus/${q.id}/historique/${a.id}`}>Historique</a>{' '}
      {x.can.report && a.authorUserId !== x.userId ? (
        <ReportForm csrf={csrf} action={`/campus/${q.id}/reponses/${a.id}/signaler`} />
      ) : null}
    </div>
  );
}

/** The comments of one post (question or answer) and the form to add one. */
export function Comments(p: { c: Ctx; q: Question; targetId: string; x: QaExtras; moderate: boolean }) {
  const { q, x } = p;
  const csrf = p.c.get('csrf');
  const list = x.comments.filter((c) => c.targetId === p.targetId);
  return (
    <div class="comments">
      {list.length ? (
        <ul>
          {list.map((cm) => (
            <li id={`commentaire-${cm.id}`}>
              {cm.hidden ? <p class="alert">Commentaire masqué par la modération.</p> : null}
              <Md text={cm.body} />
              <small>
                {cm.authorLabel} · {date(cm.createdAt)}
              </small>{' '}
              {x.can.report && cm.authorUserId !== x.userId && !cm.hidden ? (
                <ReportForm csrf={csrf} action={`/campus/${q.id}/commentaires/${cm.id}/signaler`} />
              ) : null}
              {p.moderate && cm.cooperativeId === x.cooperativeId
                ? post(
                    csrf,
                    `/campus/${q.id}/commentaires/${cm.id}/${cm.hidden ? 'retablir' : 'masquer'}`,
                    cm.hidden ? 'Rétablir' : 'Masquer',
                  )
                : null}
            </li>
          ))}
        </ul>
      ) : null}
      {x.can.comment && !q.hidden ? (
        <details>
          <summary>Commenter</summary>
          <form method="post" action={`/campus/${q.id}/commentaires/${p.targetId}`}>
            <Csrf token={csrf} />
            <textarea name="comment" rows={2} maxlength={2000} required aria-label="Votre commentaire"></textarea>
            <small>Pour prévenir quelqu’un : @prenom.nom</small>
            <button type="submit" class="btn-small">
              Publier le commentaire
            </button>
          </form>
        </details>
      ) : null}
    </div>
  );
}

export function EditQuestionPage(p: {
  c: Ctx;
  id: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { c, values: v, errors: e } = p;
  return (
    <Layout c={c} title="Modifier la question">
      <PageHeader title="Modifier la question" help="La version précédente reste lisible dans l’historique." />
      <Card>
        <form method="post" action={`/campus/${p.id}/modifier`}>
          <Csrf token={c.get('csrf')} />
          <div class={`field${e?.title ? ' has-error' : ''}`}>
            <label for="f-title">Titre</label>
            <input id="f-title" name="title" value={v.title ?? ''} required maxlength={200} />
            {e?.title ? <p class="error">{e.title}</p> : null}
          </div>
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
          <button type="submit">Enregistrer</button> <a href={`/campus/${p.id}`}>Annuler</a>
        </form>
      </Card>
    </Layout>
  );
}

export function EditAnswerPage(p: {
  c: Ctx;
  questionId: string;
  answerId: string;
  body: string;
  errors: Record<string, string> | null;
}) {
  const { c, errors: e } = p;
  return (
    <Layout c={c} title="Modifier la réponse">
      <PageHeader title="Modifier la réponse" help="La version précédente reste lisible dans l’historique." />
      <Card>
        <form method="post" action={`/campus/${p.questionId}/reponses/${p.answerId}/modifier`}>
          <Csrf token={c.get('csrf')} />
          <div class={`field${e?.body ? ' has-error' : ''}`}>
            <label for="f-body">Votre réponse (Markdown)</label>
            <textarea id="f-body" name="body" rows={8} required>
              {p.body}
            </textarea>
            {e?.body ? <p class="error">{e.body}</p> : null}
          </div>
          <button type="submit">Enregistrer</button>{' '}
          <a href={`/campus/${p.questionId}#reponse-${p.answerId}`}>Annuler</a>
        </form>
      </Card>
    </Layout>
  );
}

export function HistoryPage(p: { c: Ctx; q: Question; current: string; revisions: Revision[] }) {
  return (
    <Layout c={p.c} title="Historique">
      <PageHeader title={`Historique : ${p.q.title}`} />
      <p>
        <a href={`/campus/${p.q.id}`}>Revenir à la question</a>
      </p>
      <Card title="Version actuelle">
        <Md text={p.current} />
      </Card>
      {p.revisions.length ? (
        p.revisions.map((r) => (
          <Card title={`Version remplacée le ${date(r.createdAt)}`}>
            {r.title ? <h3>{r.title}</h3> : null}
            <Md text={r.body} />
          </Card>
        ))
      ) : (
        <EmptyState title="Jamais modifié." />
      )}
    </Layout>
  );
}

const KIND_LABEL = { question: 'Question', answer: 'Réponse', comment: 'Commentaire' } as const;
const KIND_PATH = { question: '', answer: 'reponses', comment: 'commentaires' } as const;

export function ModerationPage(p: { c: Ctx; items: ReviewItem[] }) {
  const csrf = p.c.get('csrf');
  return (
    <Layout c={p.c} title="Modération du campus">
      <PageHeader
        title="Modération du campus"
        help="Les messages signalés ou masqués. Après 3 signalements, un message est masqué en attendant votre décision."
      />
      {p.items.length ? (
        <ul class="campus-list">
          {p.items.map((i) => {
            const base =
              i.kind === 'question' ? `/campus/${i.id}` : `/campus/${i.questionId}/${KIND_PATH[i.kind]}/${i.id}`;
            return (
              <li>
                <strong>{KIND_LABEL[i.kind]}</strong> de {i.authorLabel}{' '}
                {i.hidden ? <span class="badge">masqué</span> : null}
                <blockquote>{i.excerpt}</blockquote>
                {i.reports.length ? (
                  <ul>
                    {i.reports.map((r) => (
                      <li>
                        {date(r.at)} : {r.reason}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <a href={`/campus/${i.questionId}`}>Voir la question</a>{' '}
                {i.hidden
                  ? post(csrf, `${base}/retablir`, 'Rétablir')
                  : [
                      post(csrf, `${base}/masquer`, 'Masquer'),
                      ' ',
                      post(csrf, `${base}/retablir`, 'Garder (signalements vus)'),
                    ]}
              </li>
            );
          })}
        </ul>
      ) : (
        <EmptyState title="Rien à examiner." />
      )}
    </Layout>
  );
}

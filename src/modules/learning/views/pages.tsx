// The learning pages: catalogue, course (outline, progress, resume), lesson, quiz and its result
// with feedback, my certificates, the author's page (edit, reorder, publish, quizzes and
// questions), results per learner and per question, and the public verification page.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout, PublicLayout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, Card, EmptyState, Field, Select, TextArea, Badge } from '../../../web/components.tsx';
import { renderMarkdown } from '../../campus/index.ts';
import { KIND_LABELS, VISIBILITY_LABELS, type Course, type Lesson, type Outline } from '../courses.service.ts';
import type { Attempt, Progress } from '../progress.service.ts';
import type { AttemptScore } from '../quiz-engine.ts';
import { durationFr, type Certificate, type Verification } from '../certificates.service.ts';
import type { LearnerResult, QuestionStat } from '../results.service.ts';
import type { HoursRow } from '../hours.service.ts';
import {
  quarterKey,
  quarterLabel,
  quarterOf,
  type Candidate,
  type CohortMember,
  type CohortSummary,
  type Quarter,
} from '../cohorts.service.ts';
import { todayParis } from '../../../core/dates.ts';
import type { LessonFile } from '../materials.service.ts';
import type { WorkshopSession } from '../../journeys/index.ts';
import type { Cell, TrainingReport } from '../reports.service.ts';
import { videoEmbed } from '../../../web/video.ts';
import { LessonPager } from './lesson-pager.tsx';

const date = (d: Date | null) => (d ? new Date(d).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }) : '');
type Errors = Record<string, string> | null;
const dateTime = (d: Date) =>
  new Date(d).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

function PostButton(p: { c: Ctx; action: string; label: string; fields?: Record<string, string>; cls?: string }) {
  return (
    <form method="post" action={p.action} class="inline">
      <Csrf token={p.c.get('csrf')} />
      {Object.entries(p.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={p.cls ?? 'btn btn-secondary'}>
        {p.label}
      </button>
    </form>
  );
}

const ProgressBar = (p: { percent: number }) => (
  <span class="progress-text">
    <progress max="100" value={String(p.percent)} aria-label="Progression">
      {p.percent} %
    </progress>{' '}
    {p.percent} %
  </span>
);

export function CataloguePage(p: {
  c: Ctx;
  courses: Course[];
  progress: Map<string, { percent: number; completedAt: Date | null }>;
  mayAuthor: boolean;
  /** Network staff: a link to the network's training report. */
  mayNetwork?: boolean;
}) {
  const mine = p.courses.filter((c) => p.progress.has(c.id));
  const others = p.courses.filter((c) => !p.progress.has(c.id));
  const row = (c: Course) => {
    const pr = p.progress.get(c.id);
    return (
      <tr>
        <td>
          <a href={`/formations/${c.id}`}>{c.title}</a>
          {c.publishedAt ? null : <Badge status="draft" label="Brouillon" />}
        </td>
        <td>{c.cooperativeName}</td>
        <td>{VISIBILITY_LABELS[c.visibility]}</td>
        <td>{durationFr(c.durationMinutes)}</td>
        <td>
          {pr ? pr.completedAt ? <Badge status="paid" label="Terminée" /> : <ProgressBar percent={pr.percent} /> : ''}
        </td>
      </tr>
    );
  };
  const table = (rows: Course[]) => (
    <table class="data">
      <thead>
        <tr>
          <th>Formation</th>
          <th>Proposée par</th>
          <th>Ouverte à</th>
          <th>Durée</th>
          <th>Ma progression</th>
        </tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
  return (
    <Layout c={p.c} title="Formations">
      <PageHeader
        title="Formations"
        help="Les formations en ligne de la coopérative, du réseau et les MOOC publics. Les classes virtuelles sont dans les ateliers."
        action={
          <span>
            <a class="btn btn-secondary" href="/formations/certificats">
              Mes attestations
            </a>{' '}
            {p.mayAuthor ? (
              <>
                <a class="btn btn-secondary" href="/formations/groupes">
                  Groupes
                </a>{' '}
                <a class="btn btn-secondary" href="/formations/heures">
                  Heures de formation
                </a>{' '}
              </>
            ) : null}
            {p.mayNetwork ? (
              <>
                <a class="btn btn-secondary" href="/formations/reseau">
                  Formation dans le réseau
                </a>{' '}
              </>
            ) : null}
            {p.mayAuthor ? (
              <a class="btn" href="/formations/nouvelle">
                Nouvelle formation
              </a>
            ) : null}
          </span>
        }
      />
      {mine.length ? <Card title="Mes formations">{table(mine)}</Card> : null}
      <Card title="Catalogue">
        {others.length ? table(others) : <EmptyState title="Aucune autre formation pour le moment." />}
      </Card>
    </Layout>
  );
}

export function CourseForm(p: {
  c: Ctx;
  action: string;
  values: Record<string, string>;
  errors: Errors;
  mayShare: boolean;
  submit: string;
}) {
  const e = p.errors ?? {};
  return (
    <form method="post" action={p.action}>
      <Csrf token={p.c.get('csrf')} />
      <Field label="Titre" name="title" value={p.values.title} error={e.title} required />
      <TextArea label="Présentation" name="summary" value={p.values.summary} error={e.summary} />
      <Field
        label="Durée (minutes)"
        name="durationMinutes"
        value={p.values.durationMinutes}
        error={e.durationMinutes}
        inputmode="numeric"
        hint="Comptée en heures de formation à l’achèvement."
        required
      />
      <Field
        label="Financement"
        name="fundingSource"
        value={p.values.fundingSource}
        error={e.fundingSource}
        hint="Par exemple : OPCO, Région, France Travail, fonds propres. Sert au bilan des heures par financement."
      />
      <Select
        label="Ouverte à"
        name="visibility"
        value={p.values.visibility ?? 'cooperative'}
        error={e.visibility}
        options={
          Object.entries(VISIBILITY_LABELS).filter(
            ([k]) => p.mayShare || k === 'cooperative' || k === p.values.visibility,
          ) as [string, string][]
        }
      />
      <button type="submit" class="btn">
        {p.submit}
      </button>
    </form>
  );
}

export function NewCoursePage(p: { c: Ctx; values: Record<string, string>; errors: Errors; mayShare: boolean }) {
  return (
    <Layout c={p.c} title="Nouvelle formation">
      <PageHeader title="Nouvelle formation" />
      <Card>
        <CourseForm
          c={p.c}
          action="/formations"
          values={p.values}
          errors={p.errors}
          mayShare={p.mayShare}
          submit="Créer la formation"
        />
      </Card>
    </Layout>
  );
}

function SatisfactionForm(p: { c: Ctx; courseId: string; mine: { score: number } | null; errors: Errors }) {
  const e = p.errors ?? {};
  return (
    <form method="post" action={`/formations/${p.courseId}/satisfaction`}>
      <Csrf token={p.c.get('csrf')} />
      <fieldset class={`field${e.score ? ' has-error' : ''}`}>
        <legend>
          {p.mine ? `Votre avis (${p.mine.score} sur 5) — le modifier :` : 'Votre avis sur cette formation (1 à 5) :'}
        </legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <span class="checkbox">
            <input type="radio" id={`f-score-${n}`} name="score" value={String(n)} checked={p.mine?.score === n} />
            <label for={`f-score-${n}`}>{n}</label>{' '}
          </span>
        ))}
        {e.score ? (
          <p class="error" role="alert">
            {e.score}
          </p>
        ) : null}
      </fieldset>
      <TextArea label="Commentaire (facultatif, anonyme dans le bilan)" name="comment" rows={3} error={e.comment} />
      <button type="submit" class="btn btn-secondary">
        Envoyer mon avis
      </button>
    </form>
  );
}

export function CoursePage(p: {
  c: Ctx;
  course: Course;
  outline: Outline;
  progress: Progress;
  mayEdit: boolean;
  attemptsLeft: Map<string, number | null>;
  sessions: WorkshopSession[];
  satisfaction: { score: number } | null;
  satisfactionErrors?: Errors;
}) {
  const { course, outline: o, progress: pr, c } = p;
  return (
    <Layout c={c} title={course.title}>
      <PageHeader
        title={course.title}
        help={`${course.cooperativeName} · ${VISIBILITY_LABELS[course.visibility]} · ${durationFr(course.durationMinutes)}${course.version ? ` · version ${course.version}` : ''}`}
        action={
          p.mayEdit ? (
            <span>
              <a class="btn btn-secondary" href={`/formations/${course.id}/resultats`}>
                Résultats
              </a>{' '}
              <a class="btn" href={`/formations/${course.id}/modifier`}>
                Modifier
              </a>
            </span>
          ) : undefined
        }
      />
      {course.summary ? <Card>{raw(renderMarkdown(course.summary))}</Card> : null}
      <Card title="Ma progression">
        {pr.enrolled ? (
          <div>
            <p>
              <ProgressBar percent={pr.percent} /> — {pr.lessonsViewed} leçon(s) sur {pr.lessonsTotal},{' '}
              {pr.quizzesPassed} quiz réussi(s) sur {pr.quizzesTotal}
              {pr.sessionRequired ? (pr.sessionAttended ? ', présence à une séance notée' : ', séance à suivre') : ''}.
            </p>
            {pr.completedAt ? (
              <div>
                <p>
                  Formation terminée le {date(pr.completedAt)}.{' '}
                  <a href="/formations/certificats">Voir mon attestation</a>
                </p>
                <SatisfactionForm
                  c={c}
                  courseId={course.id}
                  mine={p.satisfaction}
                  errors={p.satisfactionErrors ?? null}
                />
              </div>
            ) : pr.percent === 100 ? (
              <form method="post" action={`/formations/${course.id}/terminer`}>
                <Csrf token={c.get('csrf')} />
                <button type="submit">Toutes les étapes sont faites : obtenir mon attestation</button>
              </form>
            ) : pr.resumeLessonId ? (
              <a class="btn" href={`/formations/${course.id}/lecons/${pr.resumeLessonId}`}>
                {pr.lessonsViewed ? 'Reprendre où je m’étais arrêté·e' : 'Commencer'}
              </a>
            ) : null}
          </div>
        ) : course.publishedAt ? (
          <PostButton
            c={c}
            action={`/formations/${course.id}/inscription`}
            label="M’inscrire à cette formation"
            cls="btn"
          />
        ) : (
          <p>Brouillon : non publiée. Les leçons restent consultables en aperçu par l’équipe.</p>
        )}
        <p class="hint">
          Pour l’achever : lire toutes les leçons et réussir chaque quiz
          {course.requireSession
            ? ', et participer à l’une des séances ci-dessous (présence notée par la formatrice ou le formateur)'
            : ''}
          .
        </p>
      </Card>
      {p.sessions.length ? (
        <Card title="Séances (ateliers et classes virtuelles)">
          <ul>
            {p.sessions.map((s) => (
              <li>
                <a href={`/ateliers/${s.id}`}>
                  {s.themeName} — {dateTime(s.startsAt)}
                </a>{' '}
                <span class="hint">{s.place}</span>
                {s.myStatus === 'registered' ? <span class="badge badge-ok"> inscrit·e</span> : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <Card title="Programme">
        {o.sections.map((s) => (
          <section>
            <h3>{s.title}</h3>
            <ol>
              {s.lessons.map((l) => (
                <li>
                  <a href={`/formations/${course.id}/lecons/${l.id}`}>{l.title}</a>
                  {pr.viewed.has(l.id) ? <span class="badge badge-ok"> lue</span> : null}
                </li>
              ))}
            </ol>
          </section>
        ))}
        {o.quizzes.length ? (
          <section>
            <h3>Quiz</h3>
            <ul>
              {o.quizzes.map((q) => {
                const left = p.attemptsLeft.get(q.id);
                return (
                  <li>
                    <a href={`/formations/${course.id}/quiz/${q.id}`}>{q.title}</a> — réussite à {q.passPercent} %
                    {pr.bestPercent.has(q.id) ? ` · mon meilleur score : ${pr.bestPercent.get(q.id)} %` : ''}
                    {pr.passed.has(q.id) ? <span class="badge badge-ok"> réussi</span> : null}
                    {left !== undefined && left !== null ? ` · ${left} tentative(s) restante(s)` : ''}
                  </li>
                );
              })}
            </ul>
          </section>
        ) : null}
      </Card>
    </Layout>
  );
}

const sizeFr = (n: number) =>
  n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} Ko` : `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} Mo`;
const fileUrl = (courseId: string, lessonId: string, f: LessonFile) =>
  `/formations/${courseId}/lecons/${lessonId}/fichiers/${f.id}`;

/** An allowed provider's player in a frame; any other link as a card that opens it in a new tab. */
function Video(p: { url: string; title: string }) {
  const embed = videoEmbed(p.url);
  if (embed)
    return (
      <div class="video">
        <iframe
          src={embed}
          title={`Vidéo : ${p.title}`}
          width="640"
          height="360"
          loading="lazy"
          referrerpolicy="strict-origin-when-cross-origin"
          sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"
          allow="fullscreen; picture-in-picture"
          allowfullscreen
        />
      </div>
    );
  return (
    <p class="video-link">
      <a class="btn btn-secondary" href={p.url} target="_blank" rel="nofollow noopener noreferrer">
        Voir la vidéo
      </a>{' '}
      <span class="hint">{new URL(p.url).hostname} (s’ouvre dans un nouvel onglet)</span>
    </p>
  );
}

export function LessonPage(p: {
  c: Ctx;
  course: Course;
  lesson: Lesson;
  outline: Outline;
  preview: boolean;
  read: boolean;
  files: LessonFile[];
}) {
  const i = p.outline.lessons.findIndex((l) => l.id === p.lesson.id);
  return (
    <Layout c={p.c} title={p.lesson.title}>
      <PageHeader title={p.lesson.title} help={`${p.course.title} · leçon ${i + 1} sur ${p.outline.lessons.length}`} />
      {p.preview ? <p class="flash flash-info">Aperçu : cette lecture n’est pas comptée.</p> : null}
      <Card>
        <article class="lesson">{raw(renderMarkdown(p.lesson.body))}</article>
        {p.lesson.videoUrl ? <Video url={p.lesson.videoUrl} title={p.lesson.title} /> : null}
      </Card>
      {p.files.length ? (
        <Card title="Fichiers à télécharger">
          <ul class="files">
            {p.files.map((f) => (
              <li>
                <a href={fileUrl(p.course.id, p.lesson.id, f)} download>
                  {f.name}
                </a>{' '}
                <span class="hint">{sizeFr(f.size)}</span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <LessonPager
        c={p.c}
        base={`/formations/${p.course.id}`}
        outline={p.outline}
        lessonId={p.lesson.id}
        read={p.preview ? null : p.read}
      />
    </Layout>
  );
}

/** The members' pages (`/formations/:id`) or the public MOOC ones (`/mooc/:id`) of a course. */
const courseBase = (course: Course, mooc?: boolean) => `${mooc ? '/mooc' : '/formations'}/${course.id}`;
function Frame(p: { c: Ctx; title: string; mooc?: boolean; children?: Child }) {
  return p.mooc ? (
    <PublicLayout c={p.c} title={p.title}>
      {p.children}
    </PublicLayout>
  ) : (
    <Layout c={p.c} title={p.title}>
      {p.children}
    </Layout>
  );
}

/** A quiz before its attempt: what it asks, the attempts left and « Commencer le quiz » (a POST
 *  that draws the questions; the page itself writes nothing). */
export function QuizStartPage(p: {
  c: Ctx;
  course: Course;
  quiz: Outline['quizzes'][number];
  progress: Progress;
  left: number | null;
  mooc?: boolean;
}) {
  const { quiz: q, progress: pr } = p;
  const base = courseBase(p.course, p.mooc);
  return (
    <Frame c={p.c} title={q.title} mooc={p.mooc}>
      <PageHeader title={q.title} help={p.course.title} />
      <Card>
        <p>
          Réussite à {q.passPercent} %
          {q.drawCount ? ` · ${q.drawCount} question(s) tirée(s) au sort` : ` · ${q.questions} question(s)`}
          {p.left !== null ? ` · ${p.left} tentative(s) restante(s)` : ' · tentatives illimitées'}.
        </p>
        {pr.bestPercent.has(q.id) ? <p>Mon meilleur score : {pr.bestPercent.get(q.id)} %.</p> : null}
        {p.left === 0 ? (
          <p class="flash flash-info">Vous avez utilisé toutes vos tentatives pour ce quiz.</p>
        ) : (
          <PostButton c={p.c} action={`${base}/quiz/${q.id}/commencer`} label="Commencer le quiz" cls="btn" />
        )}
      </Card>
      <p>
        <a href={base}>Revenir à la formation</a>
      </p>
    </Frame>
  );
}

export function QuizPage(p: { c: Ctx; course: Course; attempt: Attempt; mooc?: boolean }) {
  const a = p.attempt;
  return (
    <Frame c={p.c} title={a.title} mooc={p.mooc}>
      <PageHeader
        title={a.title}
        help={`${p.course.title} · tentative ${a.number}${a.maxAttempts ? ` sur ${a.maxAttempts}` : ''} · réussite à ${a.passPercent} %`}
      />
      <form method="post" action={`${courseBase(p.course, p.mooc)}/tentatives/${a.id}`}>
        <Csrf token={p.c.get('csrf')} />
        {a.questions.map((q, n) => (
          <fieldset class="card question">
            <legend>
              Question {n + 1} · {q.points} point{q.points > 1 ? 's' : ''}
            </legend>
            <div>{raw(renderMarkdown(q.prompt))}</div>
            {q.kind === 'single' || q.kind === 'true_false' || q.kind === 'multiple' ? (
              q.choices.map((ch, i) => (
                <div class="field checkbox">
                  <input
                    type={q.kind === 'multiple' ? 'checkbox' : 'radio'}
                    id={`q-${q.id}-${i}`}
                    name={`q_${q.id}`}
                    value={String(i)}
                  />
                  <label for={`q-${q.id}-${i}`}>{ch.text}</label>
                </div>
              ))
            ) : (
              <div class="field">
                <label for={`q-${q.id}`}>{q.kind === 'numeric' ? 'Votre réponse (un nombre)' : 'Votre réponse'}</label>
                <input
                  id={`q-${q.id}`}
                  name={`q_${q.id}`}
                  type="text"
                  inputmode={q.kind === 'numeric' ? 'decimal' : 'text'}
                  autocomplete="off"
                />
              </div>
            )}
            {q.kind === 'multiple' ? <p class="hint">Plusieurs réponses possibles.</p> : null}
          </fieldset>
        ))}
        <button type="submit" class="btn">
          Envoyer mes réponses
        </button>
      </form>
    </Frame>
  );
}

export function AttemptResultPage(p: {
  c: Ctx;
  course: Course;
  attempt: Attempt;
  score: AttemptScore;
  completed: boolean;
  mooc?: boolean;
}) {
  const { attempt: a, score: s } = p;
  const given = (id: string) => {
    const q = a.questions.find((x) => x.id === id)!;
    const ans = a.answers?.[id] ?? [];
    if (q.kind === 'short' || q.kind === 'numeric') return ans[0] || '—';
    return (
      ans
        .map((i) => q.choices[Number(i)]?.text)
        .filter(Boolean)
        .join(' ; ') || '—'
    );
  };
  return (
    <Frame c={p.c} title={`Résultat — ${a.title}`} mooc={p.mooc}>
      <PageHeader title={`Résultat : ${a.title}`} help={p.course.title} />
      <Card>
        <p class={s.passed ? 'flash flash-success' : 'flash flash-error'} role="status">
          {s.passed ? 'Quiz réussi' : 'Quiz non réussi'} : {String(s.score / 100).replace('.', ',')} point(s) sur{' '}
          {String(s.max / 100).replace('.', ',')}, soit {s.percent} % (réussite à {a.passPercent} %).
        </p>
        {p.completed ? (
          <p>
            Bravo, la formation est terminée.{' '}
            <a href={p.mooc ? `/mooc/${p.course.id}/attestation.pdf` : '/formations/certificats'}>
              Télécharger mon attestation
            </a>
          </p>
        ) : null}
      </Card>
      {s.results.map((r, n) => {
        const q = a.questions.find((x) => x.id === r.questionId)!;
        return (
          <Card title={`Question ${n + 1}`}>
            <div>{raw(renderMarkdown(q.prompt))}</div>
            <p>
              Votre réponse : <strong>{given(q.id)}</strong>{' '}
              {r.correct ? (
                <span class="badge badge-ok">juste</span>
              ) : r.earned ? (
                <span class="badge badge-warn">en partie juste</span>
              ) : (
                <span class="badge badge-danger">fausse</span>
              )}
            </p>
            {r.correct ? null : <p>Réponse attendue : {r.expected}</p>}
            {r.feedback.map((f) => (
              <p class="hint">{f}</p>
            ))}
          </Card>
        );
      })}
      <p>
        <a class="btn" href={courseBase(p.course, p.mooc)}>
          Revenir à la formation
        </a>
      </p>
    </Frame>
  );
}

export function CertificatesPage(p: {
  c: Ctx;
  mine: Certificate[];
  team: Certificate[] | null;
  elsewhere: Certificate[] | null;
  mayRevoke: boolean;
}) {
  const table = (rows: Certificate[], team: boolean, pdf = true) => (
    <table class="data">
      <thead>
        <tr>
          {team ? <th>Personne</th> : null}
          <th>Formation</th>
          <th>Date</th>
          <th>Durée</th>
          <th>Code</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {rows.map((x) => (
          <tr>
            {team ? <td>{x.learnerName}</td> : null}
            <td>{x.courseTitle}</td>
            <td>{date(x.issuedAt)}</td>
            <td>{durationFr(x.durationMinutes)}</td>
            <td>
              <code>{x.code}</code>
              {x.revokedAt ? <Badge status="cancelled" label="Révoquée" /> : null}
            </td>
            <td>
              {pdf ? <a href={`/formations/certificats/${x.id}/pdf`}>Télécharger (PDF)</a> : null}
              {team && p.mayRevoke && !x.revokedAt ? (
                <form method="post" action={`/formations/certificats/${x.id}/revoquer`} class="inline">
                  <Csrf token={p.c.get('csrf')} />
                  <label for={`reason-${x.id}`}>Motif</label> <input id={`reason-${x.id}`} name="reason" required />{' '}
                  <button type="submit" class="btn btn-secondary">
                    Révoquer
                  </button>
                </form>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Layout c={p.c} title="Mes attestations">
      <PageHeader
        title="Mes attestations"
        help="Chaque attestation porte un code que l’on peut vérifier sur la page publique /certificats/verifier."
      />
      <Card>
        {p.mine.length ? (
          table(p.mine, false)
        ) : (
          <EmptyState title="Pas encore d’attestation." text="Achevez une formation pour en obtenir une." />
        )}
      </Card>
      {p.team ? (
        <Card title="Attestations de la coopérative">
          {p.team.length ? table(p.team, true) : <EmptyState title="Aucune attestation." />}
        </Card>
      ) : null}
      {p.elsewhere?.length ? (
        <Card title="Attestations de nos formations dans d’autres coopératives">{table(p.elsewhere, true, false)}</Card>
      ) : null}
    </Layout>
  );
}

function ErrorsFor(p: { errors: Errors }) {
  const all = Object.values(p.errors ?? {});
  return all.length ? (
    <p class="error" role="alert">
      {all.join(' ')}
    </p>
  ) : null;
}

export function EditCoursePage(p: {
  c: Ctx;
  course: Course;
  outline: Outline;
  mayShare: boolean;
  form?: string;
  values: Record<string, string>;
  errors: Errors;
  quizQuestions: Map<string, { prompt: string; kind: string; points: number }[]>;
  sessions: WorkshopSession[];
  linkable: WorkshopSession[];
}) {
  const { c, course, outline: o } = p;
  const base = `/formations/${course.id}`;
  const errs = (f: string) => (p.form === f ? (p.errors ?? {}) : {});
  const vals = (f: string) => (p.form === f ? p.values : {});
  const mover = (kind: string, id: string): Child => (
    <span class="movers">
      <PostButton c={c} action={`${base}/deplacer`} label="↑" fields={{ kind, id, direction: 'up' }} />
      <PostButton c={c} action={`${base}/deplacer`} label="↓" fields={{ kind, id, direction: 'down' }} />
    </span>
  );
  return (
    <Layout c={c} title={`Modifier — ${course.title}`}>
      <PageHeader
        title={`Modifier : ${course.title}`}
        help={
          course.publishedAt
            ? `Publiée (version ${course.version}).`
            : `Brouillon${course.version ? ` (dernière version publiée : ${course.version})` : ''}.`
        }
        action={
          <span>
            <a class="btn btn-secondary" href={base}>
              Aperçu
            </a>{' '}
            <PostButton
              c={c}
              action={`${base}/publier`}
              label={course.publishedAt ? 'Dépublier' : 'Publier'}
              fields={{ published: course.publishedAt ? '0' : '1' }}
              cls="btn"
            />
          </span>
        }
      />
      <Card title="La formation">
        <CourseForm
          c={c}
          action={`${base}/modifier`}
          values={
            p.form === 'course'
              ? p.values
              : {
                  title: course.title,
                  summary: course.summary,
                  durationMinutes: String(course.durationMinutes),
                  visibility: course.visibility,
                  fundingSource: course.fundingSource,
                }
          }
          errors={errs('course')}
          mayShare={p.mayShare}
          submit="Enregistrer"
        />
      </Card>
      <Card title="Séances liées (ateliers et classes virtuelles)">
        {p.sessions.length ? (
          <ul>
            {p.sessions.map((s) => (
              <li>
                <a href={`/ateliers/${s.id}`}>
                  {s.themeName} — {dateTime(s.startsAt)}
                </a>{' '}
                <PostButton
                  c={c}
                  action={`${base}/seances/${s.id}/retirer`}
                  label={`Retirer la séance du ${dateTime(s.startsAt)}`}
                />
              </li>
            ))}
          </ul>
        ) : (
          <p class="hint">Aucune séance liée. Les séances se créent dans « Ateliers ».</p>
        )}
        {p.linkable.length || errs('session').sessionId ? (
          <form method="post" action={`${base}/seances`}>
            <Csrf token={c.get('csrf')} />
            <Select
              label="Lier une séance"
              name="sessionId"
              value={vals('session').sessionId}
              error={errs('session').sessionId}
              options={[
                ['', '—'],
                ...p.linkable.map((s): [string, string] => [s.id, `${s.themeName} — ${dateTime(s.startsAt)}`]),
              ]}
            />
            <button type="submit" class="btn btn-secondary">
              Lier
            </button>
          </form>
        ) : null}
        <form method="post" action={`${base}/regle-seance`}>
          <Csrf token={c.get('csrf')} />
          <input type="hidden" name="required" value={course.requireSession ? '0' : '1'} />
          <p>
            {course.requireSession
              ? 'Règle d’achèvement : la présence à une séance liée est exigée.'
              : 'Règle d’achèvement : leçons lues et quiz réussis (aucune séance exigée).'}
          </p>
          {errs('rule').requireSession ? (
            <p class="error" role="alert">
              {errs('rule').requireSession}
            </p>
          ) : null}
          <button type="submit" class="btn btn-secondary">
            {course.requireSession ? 'Ne plus exiger de séance' : 'Exiger la présence à une séance'}
          </button>
        </form>
      </Card>
      <Card title="Parties et leçons">
        {o.sections.map((s) => (
          <section>
            <h3>
              {s.title} {mover('section', s.id)}
            </h3>
            <ol>
              {s.lessons.map((l) => (
                <li>
                  <a href={`${base}/lecons/${l.id}/modifier`}>{l.title}</a> {mover('lesson', l.id)}
                </li>
              ))}
            </ol>
          </section>
        ))}
        <form method="post" action={`${base}/parties`}>
          <Csrf token={c.get('csrf')} />
          <Field
            label="Nouvelle partie"
            name="sectionTitle"
            value={vals('section').sectionTitle}
            error={errs('section').sectionTitle}
          />
          <button type="submit" class="btn btn-secondary">
            Ajouter la partie
          </button>
        </form>
        {o.sections.length ? (
          <form method="post" action={`${base}/lecons`}>
            <Csrf token={c.get('csrf')} />
            <h3>Nouvelle leçon</h3>
            <Select
              label="Partie"
              name="sectionId"
              value={vals('lesson').sectionId}
              error={errs('lesson').sectionId}
              options={o.sections.map((s) => [s.id, s.title])}
            />
            <Field label="Titre de la leçon" name="title" value={vals('lesson').title} error={errs('lesson').title} />
            <TextArea
              label="Contenu (Markdown)"
              name="body"
              rows={8}
              value={vals('lesson').body}
              error={errs('lesson').body}
            />
            <Field
              label="Lien vidéo (https://… ; YouTube, Vimeo et Framatube s’affichent dans la leçon)"
              name="videoUrl"
              value={vals('lesson').videoUrl}
              error={errs('lesson').videoUrl}
            />
            <button type="submit" class="btn btn-secondary">
              Ajouter la leçon
            </button>
          </form>
        ) : null}
      </Card>
      <Card title="Quiz">
        {o.quizzes.map((q) => (
          <section>
            <h3>
              {q.title} {mover('quiz', q.id)}
            </h3>
            <p class="hint">
              Réussite à {q.passPercent} % · {q.maxAttempts ? `${q.maxAttempts} tentative(s)` : 'tentatives illimitées'}{' '}
              ·{' '}
              {q.drawCount
                ? `${q.drawCount} question(s) tirée(s) au hasard parmi ${q.questions}`
                : `${q.questions} question(s)`}
            </p>
            <ol>
              {(p.quizQuestions.get(q.id) ?? []).map((x) => (
                <li>
                  {x.prompt}{' '}
                  <span class="hint">
                    ({KIND_LABELS[x.kind as keyof typeof KIND_LABELS]}, {x.points} pt)
                  </span>
                </li>
              ))}
            </ol>
            <details open={p.form === `question-${q.id}`}>
              <summary>Ajouter une question</summary>
              <form method="post" action={`${base}/quiz/${q.id}/questions`}>
                <Csrf token={c.get('csrf')} />
                <ErrorsFor errors={p.form === `question-${q.id}` ? p.errors : null} />
                <Select
                  label="Type"
                  name="kind"
                  value={vals(`question-${q.id}`).kind}
                  options={Object.entries(KIND_LABELS)}
                />
                <TextArea
                  label="Énoncé"
                  name="prompt"
                  value={vals(`question-${q.id}`).prompt}
                  error={errs(`question-${q.id}`).prompt}
                />
                <TextArea
                  label="Choix (un par ligne, * devant les bonnes réponses, « | » puis l’explication du choix)"
                  name="choices"
                  value={vals(`question-${q.id}`).choices}
                  error={errs(`question-${q.id}`).choices}
                />
                <Select
                  label="Vrai ou faux : l’affirmation est"
                  name="truth"
                  value={vals(`question-${q.id}`).truth}
                  options={[
                    ['', '—'],
                    ['true', 'vraie'],
                    ['false', 'fausse'],
                  ]}
                />
                <TextArea
                  label="Réponses courtes acceptées (une par ligne)"
                  name="accepted"
                  value={vals(`question-${q.id}`).accepted}
                  error={errs(`question-${q.id}`).accepted}
                />
                <Field
                  label="Valeur numérique attendue"
                  name="numericValue"
                  value={vals(`question-${q.id}`).numericValue}
                  error={errs(`question-${q.id}`).numericValue}
                  inputmode="decimal"
                />
                <Field
                  label="Tolérance"
                  name="numericTolerance"
                  value={vals(`question-${q.id}`).numericTolerance}
                  error={errs(`question-${q.id}`).numericTolerance}
                  inputmode="decimal"
                />
                <TextArea
                  label="Explication montrée après la réponse"
                  name="feedback"
                  value={vals(`question-${q.id}`).feedback}
                  error={errs(`question-${q.id}`).feedback}
                />
                <Field
                  label="Points"
                  name="points"
                  value={vals(`question-${q.id}`).points ?? '1'}
                  error={errs(`question-${q.id}`).points}
                  inputmode="numeric"
                />
                <button type="submit" class="btn btn-secondary">
                  Ajouter la question
                </button>
              </form>
            </details>
          </section>
        ))}
        <form method="post" action={`${base}/quiz`}>
          <Csrf token={c.get('csrf')} />
          <h3>Nouveau quiz</h3>
          <Field label="Titre du quiz" name="quizTitle" value={vals('quiz').quizTitle} error={errs('quiz').quizTitle} />
          <Field
            label="Seuil de réussite (%)"
            name="passPercent"
            value={vals('quiz').passPercent ?? '70'}
            error={errs('quiz').passPercent}
            inputmode="numeric"
          />
          <Field
            label="Nombre de tentatives (vide : illimité)"
            name="maxAttempts"
            value={vals('quiz').maxAttempts}
            error={errs('quiz').maxAttempts}
            inputmode="numeric"
          />
          <Field
            label="Questions tirées au hasard (vide : toutes)"
            name="drawCount"
            value={vals('quiz').drawCount}
            error={errs('quiz').drawCount}
            inputmode="numeric"
          />
          <button type="submit" class="btn btn-secondary">
            Ajouter le quiz
          </button>
        </form>
      </Card>
    </Layout>
  );
}

export function EditLessonPage(p: {
  c: Ctx;
  course: Course;
  lesson: Lesson;
  values: Record<string, string>;
  errors: Errors;
  files: LessonFile[];
}) {
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title={`Modifier la leçon — ${p.lesson.title}`}>
      <PageHeader title={`Modifier la leçon : ${p.lesson.title}`} help={p.course.title} />
      <Card>
        <form method="post" action={`/formations/${p.course.id}/lecons/${p.lesson.id}/modifier`}>
          <Csrf token={p.c.get('csrf')} />
          <Field label="Titre de la leçon" name="title" value={p.values.title} error={e.title} required />
          <TextArea label="Contenu (Markdown)" name="body" rows={14} value={p.values.body} error={e.body} />
          <Field
            label="Lien vidéo (https://… ; YouTube, Vimeo et Framatube s’affichent dans la leçon)"
            name="videoUrl"
            value={p.values.videoUrl}
            error={e.videoUrl}
          />
          <button type="submit" class="btn">
            Enregistrer
          </button>{' '}
          <a href={`/formations/${p.course.id}/modifier`}>Annuler</a>
        </form>
      </Card>
      <Card title="Fichiers à télécharger">
        {p.files.length ? (
          <ul class="files">
            {p.files.map((f) => (
              <li>
                <a href={fileUrl(p.course.id, p.lesson.id, f)}>{f.name}</a> <span class="hint">{sizeFr(f.size)}</span>{' '}
                <PostButton
                  c={p.c}
                  action={`/formations/${p.course.id}/fichiers/${f.id}/supprimer`}
                  label={`Retirer ${f.name}`}
                />
              </li>
            ))}
          </ul>
        ) : (
          <p class="hint">Aucun fichier pour cette leçon.</p>
        )}
        <form
          method="post"
          action={`/formations/${p.course.id}/lecons/${p.lesson.id}/fichiers`}
          enctype="multipart/form-data"
          novalidate
        >
          <Csrf token={p.c.get('csrf')} />
          <div class={`field${e.file ? ' has-error' : ''}`}>
            <label for="f-file">Ajouter un fichier (PDF, image, ODT, ODS, ODP, DOCX, XLSX, PPTX ; 15 Mo au plus)</label>
            <input
              id="f-file"
              name="file"
              type="file"
              aria-invalid={e.file ? 'true' : undefined}
              aria-describedby={e.file ? 'f-file-error' : undefined}
            />
            {e.file ? (
              <p class="error" id="f-file-error" role="alert">
                {e.file}
              </p>
            ) : null}
          </div>
          <button type="submit" class="btn btn-secondary">
            Ajouter le fichier
          </button>
        </form>
      </Card>
    </Layout>
  );
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)} %`);
export function ResultsPage(p: {
  c: Ctx;
  course: Course;
  quizzes: { id: string; title: string }[];
  rows: LearnerResult[];
  stats: Map<string, QuestionStat[]>;
}) {
  return (
    <Layout c={p.c} title={`Résultats — ${p.course.title}`} wide>
      <PageHeader title={`Résultats : ${p.course.title}`} help={`${p.rows.length} inscrit·e(s)`} />
      <Card title="Par personne">
        {p.rows.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Personne</th>
                <th>Inscription</th>
                <th>Leçons lues</th>
                {p.quizzes.map((q) => (
                  <th>{q.title}</th>
                ))}
                <th>Tentatives</th>
                <th>Terminée</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>
                    {r.name}
                    <br />
                    <span class="hint">{r.email}</span>
                  </td>
                  <td>{date(r.enrolledAt)}</td>
                  <td>
                    {r.lessonsViewed} / {r.lessonsTotal}
                  </td>
                  {p.quizzes.map((q) => (
                    <td>{r.best[q.id] === null ? '—' : `${r.best[q.id]} %`}</td>
                  ))}
                  <td>{r.attempts}</td>
                  <td>{r.completedAt ? date(r.completedAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Personne n’est encore inscrit." />
        )}
      </Card>
      {p.quizzes.map((q) => (
        <Card title={`Par question : ${q.title}`}>
          <p class="hint">
            Réussite : part moyenne des points obtenus. Discrimination : corrélation entre la question et le reste du
            quiz (proche de 0 ou négative : la question ne distingue pas celles et ceux qui maîtrisent).
          </p>
          <table class="data">
            <thead>
              <tr>
                <th>Question</th>
                <th>Posée</th>
                <th>Réussite</th>
                <th>Discrimination</th>
              </tr>
            </thead>
            <tbody>
              {(p.stats.get(q.id) ?? []).map((s) => (
                <tr>
                  <td>{s.prompt}</td>
                  <td>{s.drawn}</td>
                  <td>{pct(s.difficulty)}</td>
                  <td>{s.discrimination === null ? '—' : String(s.discrimination).replace('.', ',')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ))}
    </Layout>
  );
}

const cellFr = (x: Cell) => (x === null ? '< 5' : String(x));
function Counts(p: { caption: string; rows: { label: string; count: Cell }[] }) {
  return (
    <table class="data">
      <caption>{p.caption}</caption>
      <tbody>
        {p.rows.map((r) => (
          <tr>
            <th scope="row">{r.label}</th>
            <td>{cellFr(r.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HoursPage(p: { c: Ctx; year: number; rows: HoursRow[]; report: TrainingReport }) {
  const r = p.report;
  const h = (x: number) => String(x.toFixed(2)).replace('.', ',');
  return (
    <Layout c={p.c} title="Heures de formation">
      <PageHeader
        title={`Heures de formation ${p.year}`}
        help="Ateliers et classes virtuelles suivis, plus la durée des formations en ligne achevées dans l’année."
        action={
          <span>
            <a class="btn btn-secondary" href={`/formations/heures.csv?annee=${p.year}`}>
              Exporter (CSV)
            </a>{' '}
            <a class="btn btn-secondary" href={`/formations/heures.xlsx?annee=${p.year}`}>
              Exporter (XLSX)
            </a>
          </span>
        }
      />
      <form method="get" action="/formations/heures" class="filters">
        <Field label="Année" name="annee" value={String(p.year)} inputmode="numeric" />
        <button type="submit" class="btn btn-secondary">
          Afficher
        </button>
      </form>
      <Card>
        <table class="data">
          <thead>
            <tr>
              <th>Personne</th>
              <th>Ateliers (h)</th>
              <th>Formations (h)</th>
              <th>Total (h)</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((x) => (
              <tr>
                <td>{x.person}</td>
                <td>{h(x.workshopHours)}</td>
                <td>{h(x.courseHours)}</td>
                <td>{h(x.totalHours)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Par formation en ligne">
        <p>
          <a href={`/formations/heures-formations.csv?annee=${p.year}`}>Exporter par formation et financement (CSV)</a>
        </p>
        {r.perCourse.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Formation</th>
                <th>Financement</th>
                <th>Personnes</th>
                <th>Heures</th>
              </tr>
            </thead>
            <tbody>
              {r.perCourse.map((x) => (
                <tr>
                  <td>{x.title}</td>
                  <td>{x.fundingSource}</td>
                  <td>{x.learners}</td>
                  <td>{h(x.hours)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="hint">Aucune formation achevée cette année.</p>
        )}
      </Card>
      <Card title="Par financement">
        <table class="data">
          <tbody>
            {r.perFunding.map((x) => (
              <tr>
                <th scope="row">{x.fundingSource}</th>
                <td>{h(x.hours)} h</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={`Personnes formées : ${r.learners}`}>
        {r.profilesShown ? (
          <div>
            <Counts caption="Par sexe" rows={r.bySex} />
            <Counts caption="Par âge (dans l’année)" rows={r.byAge} />
            <p class="hint">
              D’après les profils statistiques facultatifs de l’annuaire. « &lt; 5 » : effectif masqué (moins de 5
              personnes, ou masqué pour qu’on ne puisse pas le retrouver par différence).
            </p>
          </div>
        ) : (
          <p class="hint">La répartition par sexe et par âge est réservée à la direction et à l’équipe.</p>
        )}
      </Card>
      <Card title="Satisfaction (formations de la coopérative)">
        {r.satisfaction.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Formation</th>
                <th>Réponses</th>
                <th>Moyenne sur 5</th>
                <th>Commentaires</th>
              </tr>
            </thead>
            <tbody>
              {r.satisfaction.map((x) => (
                <tr>
                  <td>{x.title}</td>
                  <td>{x.answers}</td>
                  <td>{x.average === null ? 'moins de 5 réponses' : String(x.average).replace('.', ',')}</td>
                  <td>
                    {x.comments.map((t) => (
                      <p>« {t} »</p>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="hint">Aucune réponse cette année.</p>
        )}
      </Card>
    </Layout>
  );
}

export function VerifyPage(p: { c: Ctx; code: string; result: Verification | null | undefined; limited?: boolean }) {
  const r = p.result;
  return (
    <PublicLayout c={p.c} title="Vérifier une attestation de formation">
      <Card title="Vérifier une attestation de formation">
        <form method="get" action="/certificats/verifier">
          <Field label="Code de vérification" name="code" value={p.code} placeholder="XXXX-XXXX-XXXX" required />
          <button type="submit" class="btn">
            Vérifier
          </button>
        </form>
      </Card>
      {p.limited ? (
        <Card title="Trop de vérifications">
          <p role="alert">Trop de vérifications depuis votre connexion : réessayez dans quelques minutes.</p>
        </Card>
      ) : null}
      {r === undefined ? null : r === null ? (
        <Card title="Aucune attestation">
          <p role="status">Aucune attestation ne porte ce code. Vérifiez la saisie.</p>
        </Card>
      ) : (
        <Card title={r.status === 'valid' ? 'Attestation valide' : 'Attestation révoquée'}>
          <p role="status">
            <strong>{r.status === 'valid' ? 'Attestation valide' : 'Attestation révoquée'}</strong>
            {r.revokedAt ? ` le ${date(r.revokedAt)}` : ''}.
          </p>
          <p>
            {r.learnerName} a achevé la formation « {r.courseTitle} » ({durationFr(r.durationMinutes)}) le{' '}
            {date(r.issuedAt)}.
          </p>
        </Card>
      )}
    </PublicLayout>
  );
}

export function CohortsPage(p: {
  c: Ctx;
  cohorts: CohortSummary[];
  courses: Course[];
  candidates: Candidate[];
  quarter: Quarter;
  values: Record<string, string>;
  picked: Set<string>;
  errors: Errors;
}) {
  const e = p.errors ?? {};
  // The quarter of the pre-selection: this one and the three before.
  const quarters: Quarter[] = [];
  for (
    let x = quarterOf(todayParis()), i = 0;
    i < 4;
    i++, x = x.q === 1 ? { year: x.year - 1, q: 4 } : { ...x, q: x.q - 1 }
  )
    quarters.push(x);
  if (!quarters.some((x) => quarterKey(x) === quarterKey(p.quarter))) quarters.push(p.quarter);
  return (
    <Layout c={p.c} title="Groupes en formation">
      <PageHeader
        title="Groupes en formation"
        help="Inscrire un groupe à une formation avec une échéance, et suivre sa progression."
      />
      <Card title="Groupes">
        {p.cohorts.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Groupe</th>
                <th>Formation</th>
                <th>Échéance</th>
                <th>Terminée</th>
              </tr>
            </thead>
            <tbody>
              {p.cohorts.map((x) => (
                <tr>
                  <td>
                    <a href={`/formations/groupes/${x.id}`}>{x.name}</a>
                  </td>
                  <td>{x.courseTitle}</td>
                  <td>{x.dueOn ? date(new Date(`${x.dueOn}T12:00:00Z`)) : '—'}</td>
                  <td>
                    {x.completed} / {x.people}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucun groupe pour le moment." />
        )}
      </Card>
      <Card title="Nouveau groupe">
        <form method="get" action="/formations/groupes" class="inline">
          <Select
            label="Pré-sélectionner les nouveaux CAPE du trimestre"
            name="trimestre"
            value={quarterKey(p.quarter)}
            options={quarters.map((x) => [quarterKey(x), quarterLabel(x)] as [string, string])}
          />
          <button type="submit" class="btn btn-secondary">
            Pré-sélectionner
          </button>
        </form>
        <form method="post" action="/formations/groupes">
          <Csrf token={p.c.get('csrf')} />
          <input type="hidden" name="trimestre" value={quarterKey(p.quarter)} />
          <Select
            label="Formation"
            name="courseId"
            value={p.values.courseId}
            error={e.courseId}
            options={[
              ['', '—'],
              ...p.courses.filter((c) => c.publishedAt).map((c) => [c.id, c.title] as [string, string]),
            ]}
          />
          <Field
            label="Nom du groupe"
            name="name"
            value={p.values.name}
            error={e.name}
            placeholder="CAPE du trimestre"
          />
          <Field label="Échéance" name="dueOn" type="date" value={p.values.dueOn} error={e.dueOn} />
          <fieldset class={e.userIds ? 'has-error' : undefined}>
            <legend>Personnes</legend>
            {e.userIds ? (
              <p class="error" role="alert">
                {e.userIds}
              </p>
            ) : null}
            {p.candidates.map((m) => (
              <div class="field checkbox">
                <input
                  type="checkbox"
                  id={`u-${m.userId}`}
                  name="userIds"
                  value={m.userId}
                  checked={p.picked.has(m.userId)}
                />
                <label for={`u-${m.userId}`}>
                  {m.name}
                  {m.newCape ? <span class="badge badge-info"> nouveau CAPE du {quarterLabel(p.quarter)}</span> : null}
                </label>
              </div>
            ))}
          </fieldset>
          <button type="submit" class="btn">
            Inscrire le groupe
          </button>
        </form>
      </Card>
    </Layout>
  );
}

export function CohortPage(p: { c: Ctx; cohort: CohortSummary; members: CohortMember[] }) {
  return (
    <Layout c={p.c} title={p.cohort.name}>
      <PageHeader
        title={p.cohort.name}
        help={`${p.cohort.courseTitle}${p.cohort.dueOn ? ` · échéance le ${date(new Date(`${p.cohort.dueOn}T12:00:00Z`))}` : ''}`}
      />
      <Card>
        <table class="data">
          <thead>
            <tr>
              <th>Personne</th>
              <th>Leçons lues</th>
              <th>Terminée</th>
            </tr>
          </thead>
          <tbody>
            {p.members.map((m) => (
              <tr>
                <td>{m.name}</td>
                <td>
                  {m.lessonsViewed} / {m.lessonsTotal}
                </td>
                <td>
                  {m.completedAt ? date(m.completedAt) : m.late ? <Badge status="overdue" label="En retard" /> : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </Layout>
  );
}

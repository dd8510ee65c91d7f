// The public MOOC pages: the course's presentation with the sign-up form, the confirmation (choose
// a password), and, for an enrolled learner without a cooperative, the programme and the lessons.
import { raw } from 'hono/html';
import type { Ctx } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary } from '../../../web/components.tsx';
import { renderMarkdown } from '../../campus/index.ts';
import type { Course, Lesson, Outline } from '../courses.service.ts';
import type { Progress } from '../progress.service.ts';
import type { PendingSignUp } from '../mooc.service.ts';
import { durationFr } from '../certificates.service.ts';
import { LessonPager } from './lesson-pager.tsx';

type Errors = Record<string, string> | null;

function Programme(p: { course: Course; outline: Outline; progress: Progress | null }) {
  return (
    <Card title="Programme">
      {p.outline.sections.map((s) => (
        <section>
          <h3>{s.title}</h3>
          <ul>
            {s.lessons.map((l) => (
              <li>
                {p.progress ? <a href={`/mooc/${p.course.id}/lecons/${l.id}`}>{l.title}</a> : l.title}
                {p.progress?.viewed.has(l.id) ? ' ✓ lue' : ''}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {p.outline.quizzes.length ? (
        <section>
          <h3>Quiz</h3>
          <ul>
            {p.outline.quizzes.map((q) => (
              <li>
                {p.progress ? <a href={`/mooc/${p.course.id}/quiz/${q.id}`}>{q.title}</a> : q.title} — réussite à{' '}
                {q.passPercent} %
                {p.progress?.bestPercent.has(q.id)
                  ? ` · mon meilleur score : ${p.progress.bestPercent.get(q.id)} %`
                  : ''}
                {p.progress?.passed.has(q.id) ? ' ✓ réussi' : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Card>
  );
}

export function MoocPage(p: {
  c: Ctx;
  course: Course;
  outline: Outline;
  progress: Progress | null;
  fillToken: string;
  values: Record<string, string | undefined>;
  errors: Errors;
}) {
  const e = p.errors ?? {};
  const pr = p.progress;
  return (
    <PublicLayout c={p.c} title={p.course.title}>
      <h1>{p.course.title}</h1>
      <p class="hint">
        Formation en ligne ouverte à toutes et tous · {durationFr(p.course.durationMinutes)} · proposée par{' '}
        {p.course.cooperativeName}
      </p>
      {p.course.summary ? <article class="lesson">{raw(renderMarkdown(p.course.summary))}</article> : null}
      {pr ? (
        <Card title="Votre progression">
          <p role="status">
            {pr.completedAt
              ? 'Formation terminée. Bravo !'
              : `${pr.percent} % · ${pr.lessonsViewed} leçon(s) lue(s) sur ${pr.lessonsTotal}${pr.quizzesTotal ? ` · ${pr.quizzesPassed} quiz réussi(s) sur ${pr.quizzesTotal}` : ''}`}
          </p>
          {pr.completedAt ? (
            <a class="btn" href={`/mooc/${p.course.id}/attestation.pdf`} download>
              Télécharger mon attestation (PDF)
            </a>
          ) : null}
          {pr.resumeLessonId && !pr.completedAt ? (
            <a class="btn" href={`/mooc/${p.course.id}/lecons/${pr.resumeLessonId}`}>
              Reprendre
            </a>
          ) : null}
        </Card>
      ) : (
        <Card title="S’inscrire gratuitement">
          <p>Aucun compte de coopérative n’est nécessaire : vous recevrez un lien pour confirmer votre adresse.</p>
          <form method="post" action={`/mooc/${p.course.id}/inscription`} novalidate>
            <Csrf token={p.c.get('csrf')} />
            <FormErrorSummary errors={p.errors} />
            {e._ ? <p class="error">{e._}</p> : null}
            <Field
              label="Nom"
              name="displayName"
              value={p.values.displayName}
              error={e.displayName}
              autocomplete="name"
              required
            />
            <Field
              label="Adresse e-mail"
              name="email"
              type="email"
              value={p.values.email}
              error={e.email}
              autocomplete="email"
              required
            />
            <div class="hp" hidden aria-hidden="true">
              <label for="f-website">Ne pas remplir</label>
              <input id="f-website" name="website" tabindex={-1} autocomplete="off" />
            </div>
            <input type="hidden" name="t" value={p.fillToken} />
            <button type="submit">Je m’inscris</button>
          </form>
        </Card>
      )}
      <Programme course={p.course} outline={p.outline} progress={pr} />
    </PublicLayout>
  );
}

export function MoocSentPage(p: { c: Ctx; course: Course }) {
  return (
    <PublicLayout c={p.c} title="Vérifiez votre boîte e-mail">
      <Card title="Vérifiez votre boîte e-mail">
        <p role="status">
          Si l’adresse est correcte, un message vient de partir avec un lien pour confirmer votre inscription à «
          {p.course.title} ». Le lien est valable 48 heures.
        </p>
      </Card>
    </PublicLayout>
  );
}

export function MoocConfirmPage(p: { c: Ctx; token: string; signUp: PendingSignUp; course: Course; errors: Errors }) {
  const e = p.errors ?? {};
  return (
    <PublicLayout c={p.c} title="Confirmer votre inscription">
      <Card title={`Confirmer votre inscription à « ${p.course.title} »`}>
        <form method="post" action={`/mooc/confirmer/${p.token}`} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          {p.signUp.existingAccount ? (
            <p>
              Un compte existe déjà pour {p.signUp.email} : confirmez, puis connectez-vous avec votre mot de passe
              habituel.
            </p>
          ) : (
            <>
              <p>Choisissez le mot de passe de votre compte ({p.signUp.email}).</p>
              <Field
                label="Mot de passe"
                name="password"
                type="password"
                error={e.password}
                autocomplete="new-password"
                hint="12 caractères au moins."
                required
              />
            </>
          )}
          <button type="submit">Confirmer mon inscription</button>
        </form>
      </Card>
    </PublicLayout>
  );
}

export function MoocLessonPage(p: { c: Ctx; course: Course; lesson: Lesson; outline: Outline; read: boolean }) {
  const i = p.outline.lessons.findIndex((l) => l.id === p.lesson.id);
  return (
    <PublicLayout c={p.c} title={p.lesson.title}>
      <h1>{p.lesson.title}</h1>
      <p class="hint">
        {p.course.title} · leçon {i + 1} sur {p.outline.lessons.length}
      </p>
      <Card>
        <article class="lesson">{raw(renderMarkdown(p.lesson.body))}</article>
        {p.lesson.videoUrl ? (
          <p>
            <a href={p.lesson.videoUrl} rel="noopener noreferrer">
              Voir la vidéo
            </a>
          </p>
        ) : null}
      </Card>
      <LessonPager c={p.c} base={`/mooc/${p.course.id}`} outline={p.outline} lessonId={p.lesson.id} read={p.read} />
    </PublicLayout>
  );
}

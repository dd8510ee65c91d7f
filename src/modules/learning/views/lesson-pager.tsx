// The foot of a lesson, shared by the members' pages (`/formations/:id`) and the public MOOC pages
// (`/mooc/:id`): the previous lesson, the programme, and the form that counts the lesson read
// (a POST to `…/lecons/:lessonId/lue`; reading the page itself writes nothing). An author's preview
// gets plain links: nothing is counted.
import type { Ctx } from '../../../web/context.ts';
import { Csrf } from '../../../web/components.tsx';
import type { Outline } from '../courses.service.ts';

export function LessonPager(p: {
  c: Ctx;
  /** `/formations/:id` or `/mooc/:id`: lessons at `${base}/lecons/:lessonId`, the programme at `base`. */
  base: string;
  outline: Outline;
  lessonId: string;
  /** Already read (the button then only moves on); null for an author's preview. */
  read: boolean | null;
}) {
  const i = p.outline.lessons.findIndex((l) => l.id === p.lessonId);
  const prev = p.outline.lessons[i - 1];
  const next = p.outline.lessons[i + 1];
  const lesson = (id: string) => `${p.base}/lecons/${id}`;
  return (
    <nav class="pager">
      {prev ? <a href={lesson(prev.id)}>← {prev.title}</a> : null} <a href={p.base}>Programme</a>{' '}
      {p.read === null ? (
        next ? (
          <a class="btn" href={lesson(next.id)}>
            Leçon suivante : {next.title} →
          </a>
        ) : null
      ) : (
        <form method="post" action={`${lesson(p.lessonId)}/lue`} class="inline">
          <Csrf token={p.c.get('csrf')} />
          <button type="submit">
            {!p.read ? 'J’ai lu cette leçon →' : next ? `Leçon suivante : ${next.title} →` : 'Revenir au programme'}
          </button>
        </form>
      )}
    </nav>
  );
}

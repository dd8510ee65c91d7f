// The campus pages. Ids in the address go through idParam (garbage → 404), filters through the
// web kit (garbage → 400); services authorize and scope every read.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formValues, idParam, pageParam, textQuery, enumQuery } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import { can, authorize } from '../../../core/authz.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { CAMPUS } from '../permissions.ts';
import { acceptAnswer, toggleVote, getQuestion, listAnswers, defaultVisibility } from '../questions.service.ts';
import { similarQuestions, searchQuestions } from '../search.service.ts';
import { searchArticles } from '../articles.service.ts';
import { SearchPage, AskPage, QuestionPage, SuggestionsFragment } from '../views/pages.tsx';
import { CATEGORIES, isCategory } from '../categories.ts';
import { postQuestion, postAnswer, questionCategory } from '../qa.service.ts';
import { listComments } from '../comments.service.ts';
import { listAttachments } from '../attachments.service.ts';
import { isFollowing, markSeen } from '../follow.service.ts';
import { moderatePost } from '../moderation.service.ts';

export const campusRoutes = new Hono<AppEnv>();
campusRoutes.use('/campus', requireActor);
campusRoutes.use('/campus/*', requireActor);

function tenant<T>(c: Ctx, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(c.get('app').odb.db, actor.cooperativeId, (tx) => fn(tx, actor));
}

campusRoutes.get('/campus', async (c) => {
  const statusRaw = enumQuery(c, 'statut', ['resolues', 'sans-reponse'] as const);
  const f = {
    text: textQuery(c, 'q'),
    tag: textQuery(c, 'etiquette', 40),
    status: statusRaw === 'resolues' ? ('answered' as const) : statusRaw ? ('unanswered' as const) : undefined,
    category: enumQuery(c, 'categorie', Object.keys(CATEGORIES).filter(isCategory)),
    page: pageParam(c),
  };
  const r = await tenant(c, (tx, actor) => searchQuestions(tx, actor, f));
  const articles = f.text ? await tenant(c, (tx, actor) => searchArticles(tx, actor, f.text ?? '')) : [];
  return c.html(<SearchPage c={c} f={f} rows={r.rows} more={r.more} articles={articles} />);
});

campusRoutes.get('/campus/suggestions', async (c) => {
  const title = textQuery(c, 'title') ?? '';
  const rows = await tenant(c, (tx, actor) => similarQuestions(tx, actor, title, { limit: 5 }));
  return c.html(<SuggestionsFragment rows={rows} />);
});

async function askPage(c: Ctx, values: Record<string, string>, errors: Record<string, string> | null) {
  const dv = await tenant(c, (tx, actor) => {
    authorize(actor, CAMPUS.ask);
    return defaultVisibility(tx, actor.cooperativeId);
  });
  return c.html(<AskPage c={c} values={values} errors={errors} defaultVisibility={dv} />, errors ? 400 : 200);
}

campusRoutes.get('/campus/nouvelle', (c) => askPage(c, {}, null));

campusRoutes.post('/campus', async (c) => {
  const f = await formValues(c);
  try {
    const { id } = await tenant(c, (tx, actor) =>
      postQuestion(tx, actor, {
        title: f.title ?? '',
        body: f.body ?? '',
        tags: f.tags ?? '',
        visibility: f.visibility || undefined,
        category: f.category,
      }),
    );
    setFlash(c, { kind: 'success', text: 'Question publiée.' });
    return c.redirect(`/campus/${id}`);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return askPage(c, f, errors);
  }
});

async function questionPage(c: Ctx, id: string, errors: Record<string, string> | null) {
  const data = await tenant(c, async (tx, actor) => {
    const q = await getQuestion(tx, actor, id);
    const answers = await listAnswers(tx, actor, q);
    await markSeen(tx, actor, q);
    const x = {
      category: await questionCategory(tx, actor, q.id),
      comments: await listComments(tx, actor, q),
      attachments: await listAttachments(tx, actor, q.id),
      following: await isFollowing(tx, actor, q.id),
      userId: actor.userId,
      cooperativeId: actor.cooperativeId,
      can: {
        comment: can(actor, CAMPUS.comment),
        report: can(actor, CAMPUS.report) && actor.userId !== null,
        edit: can(actor, CAMPUS.edit),
        editAny: can(actor, CAMPUS.edit) && authorize(actor, CAMPUS.edit) === 'all',
        attach: can(actor, CAMPUS.attach),
        follow: can(actor, CAMPUS.follow) && actor.userId !== null,
      },
      errors,
    };
    return {
      q,
      answers,
      x,
      can: {
        accept: can(actor, CAMPUS.accept) && q.authorUserId !== null && q.authorUserId === actor.userId,
        moderate: can(actor, CAMPUS.moderate) && q.cooperativeId === actor.cooperativeId,
        answer: can(actor, CAMPUS.answer),
        vote: can(actor, CAMPUS.vote) && actor.userId !== null,
      },
    };
  });
  return c.html(<QuestionPage c={c} {...data} errors={errors} />, errors ? 400 : 200);
}

campusRoutes.get('/campus/:id', (c) => questionPage(c, idParam(c, 'id', 'Question'), null));

campusRoutes.post('/campus/:id/reponses', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const f = await formValues(c);
  try {
    const r = await tenant(c, (tx, actor) => postAnswer(tx, actor, id, f.body ?? ''));
    setFlash(c, { kind: 'success', text: 'Réponse publiée.' });
    return c.redirect(`/campus/${id}#reponse-${r.id}`);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return questionPage(c, id, errors);
  }
});

campusRoutes.post('/campus/:id/accepter/:answer', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const answer = idParam(c, 'answer', 'Réponse');
  await tenant(c, (tx, actor) => acceptAnswer(tx, actor, id, answer));
  return c.redirect(`/campus/${id}#reponse-${answer}`);
});

campusRoutes.post('/campus/:id/voter/:target', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const target = idParam(c, 'target', 'Message');
  await tenant(c, (tx, actor) => toggleVote(tx, actor, id, target));
  return c.redirect(`/campus/${id}`);
});

for (const [path, hidden] of [
  ['masquer', true],
  ['retablir', false],
] as const) {
  campusRoutes.post(`/campus/:id/${path}`, async (c) => {
    const id = idParam(c, 'id', 'Question');
    await moderatePost(c.get('app').odb.db, actorOf(c), 'question', id, hidden);
    setFlash(c, { kind: 'success', text: hidden ? 'Question masquée.' : 'Question rétablie.' });
    return c.redirect(hidden ? '/campus' : `/campus/${id}`);
  });
  campusRoutes.post(`/campus/:id/reponses/:answer/${path}`, async (c) => {
    const id = idParam(c, 'id', 'Question');
    const answer = idParam(c, 'answer', 'Réponse');
    await moderatePost(c.get('app').odb.db, actorOf(c), 'answer', answer, hidden);
    return c.redirect(`/campus/${id}`);
  });
}

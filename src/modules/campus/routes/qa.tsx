// The conversation routes of the campus: comments, follow, reports, files, edits and history,
// and the moderators' review page. Mounted before routes/index.tsx (so /campus/moderation is not
// taken for a question id). Ids go through idParam (garbage → 404); services authorize.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { fileResponse } from '../../../web/files.ts';
import { FILE_UPLOAD_LIMIT, uploadBodyLimit } from '../../../web/request-guards.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import { fieldErrors, NotFoundError, UserError } from '../../../core/errors.ts';
import { attachFile, openAttachment } from '../attachments.service.ts';
import { addComment } from '../comments.service.ts';
import { setFollowing } from '../follow.service.ts';
import { moderatePost, reportPost, reviewQueue } from '../moderation.service.ts';
import type { PostKind } from '../qa-schema.ts';
import { editAnswer, postRevisions, questionCategory, updateQuestion } from '../qa.service.ts';
import { getQuestion, listAnswers } from '../questions.service.ts';
import { EditAnswerPage, EditQuestionPage, HistoryPage, ModerationPage } from '../views/qa.tsx';

export const campusQaRoutes = new Hono<AppEnv>();
campusQaRoutes.use('/campus/*', requireActor);

const db = (c: Ctx) => c.get('app').odb.db;
const fileKey = (c: Ctx) => c.get('app').config.fileKey;
function tenant<T>(c: Ctx, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(db(c), actor.cooperativeId, (tx) => fn(tx, actor));
}

/** A refusal the person can fix (too long, limit reached…) comes back as a message on the page. */
async function orFlash(c: Ctx, back: string, ok: string, fn: () => Promise<unknown>) {
  try {
    await fn();
    setFlash(c, { kind: 'success', text: ok });
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect(back);
}

campusQaRoutes.get('/campus/moderation', async (c) => {
  const items = await tenant(c, (tx, actor) => reviewQueue(tx, actor));
  return c.html(<ModerationPage c={c} items={items} />);
});

for (const [path, following] of [
  ['suivre', true],
  ['ne-plus-suivre', false],
] as const)
  campusQaRoutes.post(`/campus/:id/${path}`, async (c) => {
    const id = idParam(c, 'id', 'Question');
    await tenant(c, (tx, actor) => setFollowing(tx, actor, id, following));
    setFlash(c, {
      kind: 'success',
      text: following ? 'Vous suivez cette question.' : 'Vous ne suivez plus cette question.',
    });
    return c.redirect(`/campus/${id}`);
  });

campusQaRoutes.post('/campus/:id/commentaires/:target', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const target = idParam(c, 'target', 'Message');
  const f = await formValues(c);
  let anchor = '';
  return orFlash(c, `/campus/${id}`, 'Commentaire publié.', async () => {
    const r = await tenant(c, (tx, actor) => addComment(tx, actor, id, target, f.comment ?? ''));
    anchor = r.id;
  }).then((res) => (anchor ? c.redirect(`/campus/${id}#commentaire-${anchor}`) : res));
});

// Reports: on the question, an answer, a comment.
const reportTargets: [string, PostKind, string][] = [
  ['/campus/:id/signaler', 'question', 'id'],
  ['/campus/:id/reponses/:post/signaler', 'answer', 'post'],
  ['/campus/:id/commentaires/:post/signaler', 'comment', 'post'],
];
for (const [route, kind, param] of reportTargets)
  campusQaRoutes.post(route, async (c) => {
    const id = idParam(c, 'id', 'Question');
    const post = idParam(c, param, 'Message');
    const f = await formValues(c);
    return orFlash(c, `/campus/${id}`, 'Merci : la modération de la coopérative va examiner ce message.', () =>
      reportPost(db(c), actorOf(c), kind, post, f.reason ?? ''),
    );
  });

// Moderation of comments (questions and answers: routes/index.tsx).
for (const [path, hidden] of [
  ['masquer', true],
  ['retablir', false],
] as const)
  campusQaRoutes.post(`/campus/:id/commentaires/:comment/${path}`, async (c) => {
    const id = idParam(c, 'id', 'Question');
    const comment = idParam(c, 'comment', 'Commentaire');
    await moderatePost(db(c), actorOf(c), 'comment', comment, hidden);
    setFlash(c, { kind: 'success', text: hidden ? 'Commentaire masqué.' : 'Commentaire rétabli.' });
    return c.redirect(`/campus/${id}`);
  });

// Edits, with history.
campusQaRoutes.get('/campus/:id/modifier', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const values = await tenant(c, async (tx, actor) => {
    const q = await getQuestion(tx, actor, id);
    return {
      title: q.title,
      body: q.body,
      tags: q.tags.join(', '),
      category: (await questionCategory(tx, actor, id)) ?? '',
    };
  });
  return c.html(<EditQuestionPage c={c} id={id} values={values} errors={null} />);
});

campusQaRoutes.post('/campus/:id/modifier', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) =>
      updateQuestion(tx, actor, id, {
        title: f.title ?? '',
        body: f.body ?? '',
        tags: f.tags ?? '',
        category: f.category,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<EditQuestionPage c={c} id={id} values={f} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Question modifiée.' });
  return c.redirect(`/campus/${id}`);
});

campusQaRoutes.get('/campus/:id/reponses/:answer/modifier', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const answer = idParam(c, 'answer', 'Réponse');
  const body = await tenant(c, async (tx, actor) => {
    const q = await getQuestion(tx, actor, id);
    const a = (await listAnswers(tx, actor, q)).find((x) => x.id === answer);
    if (!a) throw new NotFoundError('Réponse');
    return a.body;
  });
  return c.html(<EditAnswerPage c={c} questionId={id} answerId={answer} body={body} errors={null} />);
});

campusQaRoutes.post('/campus/:id/reponses/:answer/modifier', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const answer = idParam(c, 'answer', 'Réponse');
  const f = await formValues(c);
  try {
    await tenant(c, (tx, actor) => editAnswer(tx, actor, id, answer, f.body ?? ''));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<EditAnswerPage c={c} questionId={id} answerId={answer} body={f.body ?? ''} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Réponse modifiée.' });
  return c.redirect(`/campus/${id}#reponse-${answer}`);
});

async function history(c: Ctx, id: string, target: string) {
  const data = await tenant(c, async (tx, actor) => {
    const q = await getQuestion(tx, actor, id);
    const revisions = await postRevisions(tx, actor, id, target);
    const current =
      target === q.id ? q.body : ((await listAnswers(tx, actor, q)).find((a) => a.id === target)?.body ?? '');
    return { q, revisions, current };
  });
  return c.html(<HistoryPage c={c} {...data} />);
}
campusQaRoutes.get('/campus/:id/historique', (c) => {
  const id = idParam(c, 'id', 'Question');
  return history(c, id, id);
});
campusQaRoutes.get('/campus/:id/historique/:answer', (c) =>
  history(c, idParam(c, 'id', 'Question'), idParam(c, 'answer', 'Réponse')),
);

// Files joined to a question.
campusQaRoutes.post('/campus/:id/fichiers', uploadBodyLimit(FILE_UPLOAD_LIMIT), async (c) => {
  const id = idParam(c, 'id', 'Question');
  await tenant(c, (tx, actor) => getQuestion(tx, actor, id)); // another cooperative's id: 404 first
  const body = await c.req.parseBody();
  const file = body.file;
  return orFlash(c, `/campus/${id}`, 'Fichier joint.', async () => {
    if (!(file instanceof File) || file.size === 0) throw new UserError('Choisissez un fichier.', 'file');
    const content = Buffer.from(await file.arrayBuffer());
    await tenant(c, (tx, actor) => attachFile(tx, actor, fileKey(c), id, { name: file.name, content }));
  });
});

campusQaRoutes.get('/campus/:id/fichiers/:file', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const fileId = idParam(c, 'file', 'Fichier');
  const f = await openAttachment(db(c), actorOf(c), fileKey(c), id, fileId);
  return fileResponse(f, { inline: false });
});

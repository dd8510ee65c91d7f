// The campus knowledge pages: resource persons (/campus/personnes), the knowledge base
// (/campus/articles) and ideas (/campus/idees). Ids in the address go through idParam (garbage →
// 404), filters through the web kit (garbage → 400); services authorize and scope every read.
// Mounted before the questions' routes so that these fixed paths win over /campus/:id.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formValues, idParam, textQuery, enumQuery } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import type { Tx } from '../../../core/db/handles.ts';
import { ForbiddenError, hasRole, type Actor } from '../../../core/actor.ts';
import { authorize, can } from '../../../core/authz.ts';
import { fieldErrors, UserError } from '../../../core/errors.ts';
import { CAMPUS_KB } from '../knowledge-permissions.ts';
import {
  designateResourcePerson,
  findHelpers,
  getExpertProfile,
  myExpertise,
  offerResourceSlot,
  setExpertise,
  toggleEndorsement,
} from '../experts.service.ts';
import {
  articleFromAnswer,
  articleVersions,
  createArticle,
  diffLines,
  editArticle,
  getArticle,
  listArticles,
  promoteArticle,
  reviewArticle,
  submitArticle,
  type ArticleFilters,
} from '../articles.service.ts';
import {
  commentIdea,
  getIdea,
  ideaComments,
  IDEA_STATUSES,
  listIdeas,
  proposeIdea,
  setIdeaStatus,
  toggleIdeaVote,
} from '../ideas.service.ts';
import type { ArticleKind, IdeaStatus } from '../knowledge-schema.ts';
import {
  ArticleFormPage,
  ArticlePage,
  ArticlesPage,
  ExpertPage,
  HelpersPage,
  IdeaPage,
  IdeasPage,
  MyExpertisePage,
  VersionsPage,
} from '../views/knowledge.tsx';

export const knowledgeRoutes = new Hono<AppEnv>();
for (const p of ['/campus/personnes', '/campus/personnes/*', '/campus/articles', '/campus/articles/*'])
  knowledgeRoutes.use(p, requireActor);
for (const p of ['/campus/idees', '/campus/idees/*', '/campus/:id/en-article']) knowledgeRoutes.use(p, requireActor);

function tenant<T>(c: Ctx, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(c);
  return withTenant(c.get('app').odb.db, actor.cooperativeId, (tx) => fn(tx, actor));
}

/** Runs a form action; on field errors, shows the form again with them (400). */
async function withForm(action: () => Promise<Response>, again: (errors: Record<string, string>) => Promise<Response>) {
  try {
    return await action();
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return again(errors);
  }
}

// --- resource persons -----------------------------------------------------------------------

knowledgeRoutes.get('/campus/personnes', async (c) => {
  const text = textQuery(c, 'sur', 100) ?? '';
  const rows = await tenant(c, (tx, actor) => findHelpers(tx, actor, text));
  return c.html(<HelpersPage c={c} text={text} rows={rows} />);
});

async function myPage(c: Ctx, values: Record<string, string>, errors: Record<string, string> | null) {
  const mine = await tenant(c, (tx, actor) => myExpertise(tx, actor));
  return c.html(
    <MyExpertisePage
      c={c}
      tags={values.tags ?? mine.tags.join(', ')}
      badge={mine.badge}
      errors={errors}
      slot={values}
    />,
    errors ? 400 : 200,
  );
}

knowledgeRoutes.get('/campus/personnes/mon-profil', (c) => myPage(c, {}, null));

knowledgeRoutes.post('/campus/personnes/mon-profil', async (c) => {
  const f = await formValues(c);
  return withForm(
    async () => {
      await tenant(c, (tx, actor) => setExpertise(tx, actor, f.tags ?? ''));
      setFlash(c, { kind: 'success', text: 'Compétences enregistrées.' });
      const actor = actorOf(c);
      return c.redirect(`/campus/personnes/${actor.cooperativeId}/${actor.userId}`);
    },
    (errors) => myPage(c, f, errors),
  );
});

knowledgeRoutes.post('/campus/personnes/creneaux', async (c) => {
  const f = await formValues(c);
  return withForm(
    async () => {
      await tenant(c, (tx, actor) =>
        offerResourceSlot(tx, actor, {
          date: f.date ?? '',
          start: f.start ?? '',
          end: f.end ?? '',
          place: f.place || null,
          videoUrl: f.videoUrl || null,
        }),
      );
      setFlash(c, { kind: 'success', text: 'Créneau proposé à vos pairs.' });
      const actor = actorOf(c);
      return c.redirect(`/campus/personnes/${actor.cooperativeId}/${actor.userId}`);
    },
    (errors) => myPage(c, f, errors),
  );
});

knowledgeRoutes.get('/campus/personnes/:coop/:user', async (c) => {
  const coop = idParam(c, 'coop', 'Personne');
  const user = idParam(c, 'user', 'Personne');
  const data = await tenant(c, async (tx, actor) => ({
    e: await getExpertProfile(tx, actor, coop, user),
    canDesignate: can(actor, CAMPUS_KB.designate) && actor.cooperativeId === coop,
    isNetworkStaff: hasRole(actor, 'network_admin'),
  }));
  return c.html(<ExpertPage c={c} {...data} />);
});

knowledgeRoutes.post('/campus/personnes/:coop/:user/recommander', async (c) => {
  const coop = idParam(c, 'coop', 'Personne');
  const user = idParam(c, 'user', 'Personne');
  const f = await formValues(c);
  const on = await tenant(c, (tx, actor) => toggleEndorsement(tx, actor, coop, user, f.tag ?? ''));
  setFlash(c, { kind: 'success', text: on ? 'Recommandation ajoutée.' : 'Recommandation retirée.' });
  return c.redirect(`/campus/personnes/${coop}/${user}`);
});

knowledgeRoutes.post('/campus/personnes/:coop/:user/designer', async (c) => {
  const coop = idParam(c, 'coop', 'Personne');
  const user = idParam(c, 'user', 'Personne');
  const f = await formValues(c);
  const scope = f.scope === 'cooperative' || f.scope === 'network' ? f.scope : null;
  if (f.scope && !scope) throw new UserError('Désignation inconnue.');
  await tenant(c, (tx, actor) => {
    // Designation is always of a member of the actor's own cooperative.
    if (coop !== actor.cooperativeId) throw new ForbiddenError();
    return designateResourcePerson(tx, actor, user, scope);
  });
  setFlash(c, { kind: 'success', text: scope ? 'Personne ressource désignée.' : 'Désignation retirée.' });
  return c.redirect(`/campus/personnes/${coop}/${user}`);
});

// --- knowledge base -------------------------------------------------------------------------

const VIEWS = { reseau: 'network', relecture: 'review', 'mes-brouillons': 'drafts' } as const;

knowledgeRoutes.get('/campus/articles', async (c) => {
  const view = enumQuery(c, 'vue', ['reseau', 'relecture', 'mes-brouillons'] as const);
  const f: ArticleFilters = {
    kind: enumQuery(c, 'type', ['howto', 'template', 'legal'] as const) as ArticleKind | undefined,
    view: view ? VIEWS[view] : undefined,
    text: textQuery(c, 'q'),
  };
  const data = await tenant(c, async (tx, actor) => ({
    rows: await listArticles(tx, actor, f),
    canReview: can(actor, CAMPUS_KB.articleReview),
  }));
  return c.html(<ArticlesPage c={c} f={f} {...data} />);
});

knowledgeRoutes.get('/campus/articles/nouveau', (c) => {
  authorize(actorOf(c), CAMPUS_KB.articleWrite);
  return c.html(<ArticleFormPage c={c} id={null} values={{}} errors={null} />);
});

knowledgeRoutes.post('/campus/articles', async (c) => {
  const f = await formValues(c);
  return withForm(
    async () => {
      const { id } = await tenant(c, (tx, actor) =>
        createArticle(tx, actor, { kind: f.kind ?? '', title: f.title ?? '', body: f.body ?? '', tags: f.tags ?? '' }),
      );
      setFlash(c, { kind: 'success', text: 'Brouillon enregistré. Soumettez-le à la relecture quand il est prêt.' });
      return c.redirect(`/campus/articles/${id}`);
    },
    async (errors) => c.html(<ArticleFormPage c={c} id={null} values={f} errors={errors} />, 400),
  );
});

async function articlePage(c: Ctx, id: string, errors: Record<string, string> | null) {
  const data = await tenant(c, async (tx, actor) => {
    const a = await getArticle(tx, actor, id);
    const own = a.cooperativeId === actor.cooperativeId;
    const mine = own && actor.userId !== null && a.authorUserId === actor.userId;
    return {
      a,
      can: {
        edit: own && (mine || can(actor, CAMPUS_KB.articleReview)),
        submit: mine,
        review: own && can(actor, CAMPUS_KB.articleReview),
        promote: own && can(actor, CAMPUS_KB.articlePromote),
      },
    };
  });
  return c.html(<ArticlePage c={c} {...data} errors={errors} />, errors ? 400 : 200);
}

knowledgeRoutes.get('/campus/articles/:id', (c) => articlePage(c, idParam(c, 'id', 'Article'), null));

knowledgeRoutes.get('/campus/articles/:id/modifier', async (c) => {
  const id = idParam(c, 'id', 'Article');
  const a = await tenant(c, (tx, actor) => getArticle(tx, actor, id));
  const values = { kind: a.kind, title: a.title, body: a.body, tags: a.tags.join(', ') };
  return c.html(<ArticleFormPage c={c} id={a.id} values={values} errors={null} />);
});

knowledgeRoutes.post('/campus/articles/:id', async (c) => {
  const id = idParam(c, 'id', 'Article');
  const f = await formValues(c);
  return withForm(
    async () => {
      const v = await tenant(c, (tx, actor) =>
        editArticle(tx, actor, id, {
          kind: f.kind ?? '',
          title: f.title ?? '',
          body: f.body ?? '',
          tags: f.tags ?? '',
        }),
      );
      setFlash(c, { kind: 'success', text: `Version ${v} enregistrée.` });
      return c.redirect(`/campus/articles/${id}`);
    },
    async (errors) => c.html(<ArticleFormPage c={c} id={id} values={f} errors={errors} />, 400),
  );
});

const ARTICLE_ACTIONS: [
  string,
  string,
  (tx: Tx, actor: Actor, id: string, f: Record<string, string>) => Promise<void>,
][] = [
  ['soumettre', 'Article soumis à la relecture.', (tx, a, id) => submitArticle(tx, a, id)],
  ['publier', 'Article publié dans la coopérative.', (tx, a, id) => reviewArticle(tx, a, id, 'publish')],
  ['renvoyer', 'Article renvoyé à son auteur.', (tx, a, id, f) => reviewArticle(tx, a, id, 'reject', f.note ?? '')],
  ['promouvoir', 'Article partagé avec tout le réseau.', (tx, a, id) => promoteArticle(tx, a, id, true)],
  ['retirer-du-reseau', 'Article retiré du réseau.', (tx, a, id) => promoteArticle(tx, a, id, false)],
];
for (const [path, done, run] of ARTICLE_ACTIONS)
  knowledgeRoutes.post(`/campus/articles/:id/${path}`, async (c) => {
    const id = idParam(c, 'id', 'Article');
    const f = await formValues(c);
    return withForm(
      async () => {
        await tenant(c, (tx, actor) => run(tx, actor, id, f));
        setFlash(c, { kind: 'success', text: done });
        return c.redirect(`/campus/articles/${id}`);
      },
      (errors) => articlePage(c, id, errors),
    );
  });

knowledgeRoutes.get('/campus/articles/:id/versions', async (c) => {
  const id = idParam(c, 'id', 'Article');
  const raw = c.req.query('v');
  const wanted = raw === undefined ? null : Number(raw);
  if (wanted !== null && !(Number.isInteger(wanted) && wanted >= 1 && wanted <= 1_000_000))
    throw new UserError('Version invalide.');
  const data = await tenant(c, async (tx, actor) => ({
    a: await getArticle(tx, actor, id),
    versions: await articleVersions(tx, actor, id),
  }));
  const shown = wanted ?? data.versions[0]?.version ?? 1;
  const cur = data.versions.find((v) => v.version === shown);
  const prev = data.versions.find((v) => v.version === shown - 1);
  const diff = cur ? diffLines(prev ? `# ${prev.title}\n\n${prev.body}` : '', `# ${cur.title}\n\n${cur.body}`) : null;
  return c.html(<VersionsPage c={c} a={data.a} versions={data.versions} shown={shown} diff={diff} />);
});

knowledgeRoutes.post('/campus/:id/en-article', async (c) => {
  const id = idParam(c, 'id', 'Question');
  const r = await tenant(c, (tx, actor) => articleFromAnswer(tx, actor, id));
  setFlash(c, { kind: 'success', text: 'Brouillon d’article créé à partir de la réponse acceptée.' });
  return c.redirect(`/campus/articles/${r.id}/modifier`);
});

// --- ideas ----------------------------------------------------------------------------------

const STATUS_KEYS = Object.keys(IDEA_STATUSES) as IdeaStatus[];

async function ideasPage(c: Ctx, values: Record<string, string>, errors: Record<string, string> | null) {
  const status = enumQuery(c, 'statut', STATUS_KEYS);
  const rows = await tenant(c, (tx, actor) => listIdeas(tx, actor, { status }));
  return c.html(
    <IdeasPage c={c} rows={rows} status={status} elsewhere={false} values={values} errors={errors} />,
    errors ? 400 : 200,
  );
}

knowledgeRoutes.get('/campus/idees', (c) => ideasPage(c, {}, null));

knowledgeRoutes.get('/campus/idees/ailleurs', async (c) => {
  const rows = await tenant(c, (tx, actor) => listIdeas(tx, actor, { elsewhere: true }));
  return c.html(<IdeasPage c={c} rows={rows} status={undefined} elsewhere={true} values={{}} errors={null} />);
});

knowledgeRoutes.post('/campus/idees', async (c) => {
  const f = await formValues(c);
  return withForm(
    async () => {
      const { id } = await tenant(c, (tx, actor) =>
        proposeIdea(tx, actor, { title: f.title ?? '', body: f.body ?? '', visibility: f.visibility || undefined }),
      );
      setFlash(c, { kind: 'success', text: 'Idée proposée.' });
      return c.redirect(`/campus/idees/${id}`);
    },
    (errors) => ideasPage(c, f, errors),
  );
});

async function ideaPage(c: Ctx, id: string, errors: Record<string, string> | null) {
  const data = await tenant(c, async (tx, actor) => {
    const i = await getIdea(tx, actor, id);
    return {
      i,
      comments: await ideaComments(tx, actor, i),
      can: {
        vote: can(actor, CAMPUS_KB.ideaPropose) && actor.userId !== null && i.authorUserId !== actor.userId,
        comment: can(actor, CAMPUS_KB.ideaPropose),
        status: can(actor, CAMPUS_KB.ideaStatus) && i.cooperativeId === actor.cooperativeId,
      },
    };
  });
  return c.html(<IdeaPage c={c} {...data} errors={errors} />, errors ? 400 : 200);
}

knowledgeRoutes.get('/campus/idees/:id', (c) => ideaPage(c, idParam(c, 'id', 'Idée'), null));

knowledgeRoutes.post('/campus/idees/:id/voter', async (c) => {
  const id = idParam(c, 'id', 'Idée');
  await tenant(c, (tx, actor) => toggleIdeaVote(tx, actor, id));
  return c.redirect(`/campus/idees/${id}`);
});

knowledgeRoutes.post('/campus/idees/:id/commentaires', async (c) => {
  const id = idParam(c, 'id', 'Idée');
  const f = await formValues(c);
  return withForm(
    async () => {
      await tenant(c, (tx, actor) => commentIdea(tx, actor, id, f.body ?? ''));
      return c.redirect(`/campus/idees/${id}`);
    },
    (errors) => ideaPage(c, id, errors),
  );
});

knowledgeRoutes.post('/campus/idees/:id/statut', async (c) => {
  const id = idParam(c, 'id', 'Idée');
  const f = await formValues(c);
  await tenant(c, (tx, actor) => setIdeaStatus(tx, actor, id, f.status ?? ''));
  setFlash(c, { kind: 'success', text: 'Statut de l’idée mis à jour.' });
  return c.redirect(`/campus/idees/${id}`);
});

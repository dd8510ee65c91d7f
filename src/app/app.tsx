// The Hono application: middleware pipeline, static files, health, then each module's routes.
import { Hono, type MiddlewareHandler } from 'hono';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { AppContext, AppEnv, AppServices, Ctx } from '../web/context.ts';
import { membershipsOfUser } from '../modules/directory/index.ts';
import { securityHeaders, loadIdentity, csrfProtection, setFlash } from '../web/middleware.ts';
import { firstRunRoutes } from './first-run.tsx';
import { jobQueues, modules, navItems } from './modules.ts';
import { serveQueuesLocally } from '../core/jobs.ts';
import { PublicLayout } from '../web/layout.tsx';
import { Card } from '../web/components.tsx';
import { ForbiddenError } from '../core/actor.ts';
import { ERP_MODULES, moduleAvailable } from '../core/authz.ts';
import { UserError, NotFoundError } from '../core/errors.ts';
import { t } from '../core/i18n.ts';
import { ping } from '../core/db/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const STATIC: Record<string, { path: string; type: string }> = {
  'app.css': { path: join(here, '../web/static/app.css'), type: 'text/css; charset=utf-8' },
  'app.js': { path: join(here, '../web/static/app.js'), type: 'text/javascript; charset=utf-8' },
  'favicon.svg': { path: join(here, '../web/static/favicon.svg'), type: 'image/svg+xml' },
  'htmx.min.js': {
    path: join(dirname(require.resolve('htmx.org')), 'htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  // The package's exports hide its browser bundle: reach it from the package folder.
  'webauthn.js': {
    path: join(dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'passkeys.js': { path: join(here, '../web/static/passkeys.js'), type: 'text/javascript; charset=utf-8' },
  'survey.js': { path: join(here, '../web/static/survey.js'), type: 'text/javascript; charset=utf-8' },
  'document-editor.js': {
    path: join(here, '../web/static/document-editor.js'),
    type: 'text/javascript; charset=utf-8',
  },
};
const staticCache = new Map<string, Buffer>();

/** The ERP modules' pages answer 404 to a member of an organisation without the ERP (a
 *  tiers-lieu, a collective; core/authz.ts `moduleAvailable`), the same list that hides their
 *  navigation and refuses their permissions in the services. A wall goes in front of each
 *  handler (their middleware, registered for every method, is left as it is: it only runs
 *  before a handler); public links (`/public/…`, e.g. a customer's quote) stay open to anyone. */
function withoutErpWall(module: string, routes: Hono<AppEnv>): Hono<AppEnv> {
  if (!ERP_MODULES.has(module)) return routes;
  const walled = new Hono<AppEnv>();
  const wall: MiddlewareHandler<AppEnv> = async (c, next) => {
    const actor = c.get('actor');
    if (actor && !moduleAvailable(actor, module)) return c.notFound();
    await next();
  };
  for (const r of routes.routes) {
    // The wall goes in front of each handler, which is kept itself: the front door reads a
    // route's upload limit from its handlers (uploadBodyLimit), by identity.
    if (r.method !== 'ALL' && !r.path.startsWith('/public/')) walled.on(r.method, r.path, wall);
    walled.on(r.method, r.path, r.handler);
  }
  return walled;
}

export function createApp(services: AppServices): Hono<AppEnv> {
  const ctx: AppContext = { ...services, nav: navItems, membershipsOfUser };
  // Without pg-boss (RADIEUSE_JOBS=off), queued work runs in this process, after the request.
  serveQueuesLocally(jobQueues(services.odb, services.config));
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('app', ctx);
    await next();
  });
  app.use('*', securityHeaders);

  app.get('/health', async (c) => {
    // A real round trip to the database, cheap enough for a load balancer's probe.
    const up = await ping(ctx.odb.db).catch(() => false);
    if (!up) return c.json({ status: 'error', db: ctx.odb.kind }, 503);
    return c.json({ status: 'ok', db: ctx.odb.kind });
  });
  app.get('/static/:file', async (c) => {
    const s = STATIC[c.req.param('file')];
    if (!s) return c.notFound();
    let body = staticCache.get(s.path);
    if (!body) {
      body = await readFile(s.path);
      staticCache.set(s.path, body);
    }
    return c.body(new Uint8Array(body), 200, { 'Content-Type': s.type, 'Cache-Control': 'public, max-age=3600' });
  });

  app.use('*', loadIdentity);
  app.use('*', csrfProtection);
  app.route('/', firstRunRoutes);
  for (const m of modules) for (const r of m.routes ?? []) app.route('/', withoutErpWall(m.name, r));

  app.notFound((c) =>
    c.html(
      <PublicLayout c={c as Ctx} title="Page introuvable">
        <Card title="Page introuvable">
          <p>Cette page n'existe pas ou plus. Vérifiez l'adresse, ou repartez de l'accueil.</p>
          <a class="btn" href="/">
            Retour à l'accueil
          </a>
        </Card>
      </PublicLayout>,
      404,
    ),
  );
  app.onError((err, c) => {
    if (err instanceof ForbiddenError) {
      return c.html(
        <PublicLayout c={c as Ctx} title="Accès refusé">
          <Card title="Accès refusé">
            <p>{err.message}</p>
            <a class="btn" href="/">
              Retour à l'accueil
            </a>
          </Card>
        </PublicLayout>,
        403,
      );
    }
    if (err instanceof NotFoundError) {
      return c.html(
        <PublicLayout c={c as Ctx} title="Introuvable">
          <Card title="Introuvable">
            <p>{err.message}</p>
            <a class="btn" href="/">
              Retour à l'accueil
            </a>
          </Card>
        </PublicLayout>,
        404,
      );
    }
    if (err instanceof UserError && c.req.method !== 'GET') {
      setFlash(c as Ctx, { kind: 'error', text: err.message });
      return c.redirect(
        c.req.header('referer') && new URL(c.req.header('referer')!).origin === new URL(c.req.url).origin
          ? c.req.header('referer')!
          : '/',
        303,
      );
    }
    if (err instanceof UserError)
      return c.html(
        <PublicLayout c={c as Ctx} title="Erreur">
          <Card title="Impossible d'afficher cette page">
            <p>{err.message}</p>
          </Card>
        </PublicLayout>,
        400,
      );
    console.error(err);
    return c.html(
      <PublicLayout c={c as Ctx} title="Erreur">
        <Card title="Oups">
          <p>{t('error.generic')}</p>
          <a class="btn" href="/">
            Retour à l'accueil
          </a>
        </Card>
      </PublicLayout>,
      500,
    );
  });
  return app;
}

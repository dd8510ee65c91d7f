import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Ctx } from './context.ts';
import { ROLE_LABELS } from '../core/actor.ts';
import { Csrf } from './components.tsx';
import { currentHref } from './nav.ts';
import { moduleAvailable } from '../core/authz.ts';

const MAIN_NAV_SIZE = 7;

/** What public pages tell search engines: a description, the canonical address, structured data
 *  (schema.org JSON-LD, escaped so that no `</script>` can end it early). */
export interface PageMeta {
  description?: string;
  canonical?: string;
  jsonLd?: unknown;
  /** A page that must not be indexed (forms, confirmations). */
  noindex?: boolean;
}
const jsonLdText = (v: unknown) =>
  JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** The document head shared by both layouts. */
function Head(p: { title: string; csrf: string; scripts?: string[]; meta?: PageMeta }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="csrf-token" content={p.csrf} />
      {/* htmx must not inject its indicator <style>: the CSP forbids inline styles. */}
      <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
      <title>{`${p.title} · Radieuse`}</title>
      {p.meta?.description ? <meta name="description" content={p.meta.description} /> : null}
      {p.meta?.canonical ? <link rel="canonical" href={p.meta.canonical} /> : null}
      {p.meta?.noindex ? <meta name="robots" content="noindex" /> : null}
      {p.meta?.jsonLd ? <script type="application/ld+json">{raw(jsonLdText(p.meta.jsonLd))}</script> : null}
      <link rel="stylesheet" href="/static/app.css" />
      <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      <script src="/static/htmx.min.js" defer></script>
      <script src="/static/app.js" defer></script>
      {(p.scripts ?? []).map((src) => (
        <script src={src} defer></script>
      ))}
    </head>
  );
}

export function Layout(p: { c: Ctx; title: string; children?: Child; wide?: boolean; scripts?: string[] }) {
  const { c } = p;
  const user = c.get('user');
  const actor = c.get('actor');
  const memberships = c.get('memberships') ?? [];
  const flash = c.get('flash');
  const csrf = c.get('csrf');
  const path = new URL(c.req.url).pathname;
  const items = actor
    ? c
        .get('app')
        .nav.filter(
          (n) =>
            (n.roles === 'all' || n.roles.some((r) => actor.roles.includes(r))) &&
            (!n.module || moduleAvailable(actor, n.module)),
        )
    : [];
  const here = currentHref(items, path);
  // A short main bar: the first entries by order, everything else under "Plus".
  const primary = items.filter((n) => !n.more).slice(0, MAIN_NAV_SIZE);
  const secondary = items.filter((n) => !primary.includes(n));
  const current = memberships.find((m) => m.cooperativeId === actor?.cooperativeId);
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="fr">
        <Head title={p.title} csrf={csrf} scripts={p.scripts} />
        <body>
          <a class="skip" href="#main">
            Aller au contenu
          </a>
          <header class="topbar">
            <a class="brand" href="/">
              <span class="logo" aria-hidden="true">
                ☀
              </span>{' '}
              Radieuse
            </a>
            {user ? (
              <div class="topbar-right">
                {memberships.length > 1 ? (
                  <form method="post" action="/cooperative/changer" class="switcher">
                    <Csrf token={csrf} />
                    <label for="switch-coop" class="sr-only">
                      Coopérative
                    </label>
                    <select id="switch-coop" name="cooperativeId" data-autosubmit="1">
                      {memberships.map((m) => (
                        <option value={m.cooperativeId} selected={m.cooperativeId === actor?.cooperativeId}>
                          {m.name}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="btn-small js-hide">
                      Changer
                    </button>
                  </form>
                ) : current ? (
                  <span class="coop-name">{current.name}</span>
                ) : null}
                <a href="/profil" class="user-link">
                  {user.displayName}
                </a>
                <form method="post" action="/deconnexion">
                  <Csrf token={csrf} />
                  <button type="submit" class="link-button">
                    Se déconnecter
                  </button>
                </form>
              </div>
            ) : null}
          </header>
          {items.length ? (
            <nav class="mainnav" aria-label="Navigation principale">
              <ul>
                {primary.map((n) => (
                  <li>
                    <a href={n.href} aria-current={n.href === here ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
              {secondary.length ? (
                // Closed on every page (open, it would cover the content); the summary names the
                // current page when it lives under "Plus", so the person still sees where they are.
                <details class="nav-more">
                  <summary aria-current={secondary.some((n) => n.href === here) ? 'page' : undefined}>
                    {secondary.find((n) => n.href === here)?.label ?? 'Plus'}
                  </summary>
                  <ul>
                    {secondary.map((n) => (
                      <li>
                        <a href={n.href} aria-current={n.href === here ? 'page' : undefined}>
                          {n.label}
                        </a>
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
              {actor ? <p class="role-line">{actor.roles.map((r) => ROLE_LABELS[r]).join(' · ')}</p> : null}
            </nav>
          ) : null}
          <main id="main" class={p.wide ? 'wide' : ''}>
            {flash ? (
              <div class={`flash flash-${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
                {flash.text}
              </div>
            ) : null}
            {p.children}
          </main>
          <footer class="footer">
            <p>Radieuse — logiciel libre pour les coopératives d'activité et d'emploi.</p>
          </footer>
        </body>
      </html>
    </>
  );
}

/** A page without navigation (sign-in, public pages). */
export function PublicLayout(p: { c: Ctx; title: string; children?: Child; scripts?: string[]; meta?: PageMeta }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="fr">
        <Head title={p.title} csrf={p.c.get('csrf')} scripts={p.scripts} meta={p.meta} />
        <body class="public">
          <a class="skip" href="#main">
            Aller au contenu
          </a>
          <main id="main" class="narrow">
            <p class="brand-big">
              <span class="logo" aria-hidden="true">
                ☀
              </span>{' '}
              Radieuse
            </p>
            {p.c.get('flash') ? (
              <div class={`flash flash-${p.c.get('flash')!.kind}`} role="status">
                {p.c.get('flash')!.text}
              </div>
            ) : null}
            {p.children}
          </main>
        </body>
      </html>
    </>
  );
}

// Garbage in a request (a NUL byte in the address or a form field) turned into a French 400
// before it can reach the database. One copy for every module's pages. An id that is no UUID is
// a 404 through `idParam` (web/forms.ts).
import type { MiddlewareHandler } from 'hono';
import { Card } from './components.tsx';
import type { AppEnv, Ctx } from './context.ts';
import { PublicLayout } from './layout.tsx';

/** A request the page cannot make sense of: 400 with a French explanation. */
export function badRequest(c: Ctx, message: string) {
  return c.html(
    <PublicLayout c={c} title="Demande invalide">
      <Card title="Demande invalide">
        <p>{message}</p>
        <a class="btn" href="/">
          Retour à l'accueil
        </a>
      </Card>
    </PublicLayout>,
    400,
  );
}

const hasNul = (s: string) => s.includes('\u0000');

/** Refuses a NUL byte anywhere in the address or in a form field: PostgreSQL cannot store it,
 *  and no person types one. */
export const refuseNulBytes: MiddlewareHandler<AppEnv> = async (c, next) => {
  let url = c.req.url;
  try {
    url = decodeURIComponent(url);
  } catch {
    return badRequest(c, "L'adresse de la page est mal formée.");
  }
  if (hasNul(url)) return badRequest(c, "L'adresse contient un caractère interdit.");
  const type = c.req.header('content-type') ?? '';
  if (c.req.method === 'POST' && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    const body = await c.req.parseBody({ all: true });
    for (const [k, v] of Object.entries(body))
      for (const x of Array.isArray(v) ? v : [v])
        if (hasNul(k) || (typeof x === 'string' && hasNul(x)))
          return badRequest(c, 'Le formulaire contient un caractère interdit : retapez le texte sans le coller.');
  }
  await next();
};

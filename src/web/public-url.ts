// The address to show people for a public page: the configured PUBLIC_URL when there is one,
// otherwise the address this request came in on. `config.publicUrl` falls back to
// localhost:PORT, which is wrong as soon as the server listens elsewhere (`serve --port`, a
// preview, a tunnel). Only for links shown on a page: e-mails keep config.publicUrl, since a
// request's Host header is the client's to choose.
import type { Ctx } from './context.ts';

export function shownPublicUrl(c: Ctx): string {
  const configured = c.get('app').config.PUBLIC_URL;
  return (configured ?? new URL(c.req.url).origin).replace(/\/$/, '');
}

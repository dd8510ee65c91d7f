// Serving a user's file: it must never run as a page of the application's origin. Only PDFs
// and images are shown in the browser, with the type read from their content when stored;
// everything else is downloaded. nosniff forbids the browser to guess, and the sandbox policy
// takes scripts, forms and the origin away from whatever the file holds.
const SHOWN_INLINE = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/webp']);

export interface ServedFile {
  name: string;
  mimeType: string;
  content: Buffer;
}

/** `filename` in ASCII for old clients, `filename*` (RFC 6266 / 5987) for the real name. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii =
    name
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\;]/g, '_') || 'fichier';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A file anyone may see (a published photo): caches may keep it `maxAgeSeconds`, and revalidate
 *  it by its `etag` (the content never changes under one etag). Everything else is `no-store`. */
export interface PublicCache {
  maxAgeSeconds: number;
  etag: string;
}

/** The response for a stored file; `inline` is honoured only for PDFs and images. */
export function fileResponse(file: ServedFile, opts: { inline?: boolean; publicCache?: PublicCache } = {}): Response {
  const inline = !!opts.inline && SHOWN_INLINE.has(file.mimeType);
  const pdf = file.mimeType === 'application/pdf';
  return new Response(new Uint8Array(file.content), {
    status: 200,
    headers: {
      'Content-Type': SHOWN_INLINE.has(file.mimeType) ? file.mimeType : 'application/octet-stream',
      'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', file.name),
      'Content-Length': String(file.content.length),
      'X-Content-Type-Options': 'nosniff',
      // Chromium's PDF viewer does not open in a sandboxed document: PDFs get a policy without
      // scripts or connections instead (a PDF's own scripts never run with this origin).
      'Content-Security-Policy': pdf
        ? "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
        : "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'",
      'Cross-Origin-Resource-Policy': 'same-origin',
      ...(opts.publicCache
        ? { 'Cache-Control': `public, max-age=${opts.publicCache.maxAgeSeconds}`, ETag: opts.publicCache.etag }
        : { 'Cache-Control': 'private, no-store' }),
    },
  });
}

/** The answer to a conditional request for a public file the client already holds. */
export function notModified(cache: PublicCache): Response {
  return new Response(null, {
    status: 304,
    headers: { 'Cache-Control': `public, max-age=${cache.maxAgeSeconds}`, ETag: cache.etag },
  });
}

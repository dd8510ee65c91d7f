// Where to go back after signing in or confirming one's identity: only a path of this site.
// Anything a browser could read as another origin is refused: `//host`, `/\host` (browsers
// treat `\` as `/`), schemes, control characters and tabs (stripped by browsers, so `/\t/host`
// becomes `//host`), and their percent-encoded forms.

const MAX_LENGTH = 2000;

/** `value` when it is a plain relative path of this site (a single leading `/`), else `fallback`. */
export function safeReturnPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value || value.length > MAX_LENGTH) return fallback;
  if (!isPlainPath(value)) return fallback;
  // The decoded form must be as harmless: `/%2F%2Fhost` or `/%5Chost` may be decoded on the way.
  let decoded = value;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    decoded = next;
    if (!isPlainPath(decoded, true)) return fallback;
  }
  return value;
}

/** `decoded`: an encoded space (`%20`) is fine in a query; a literal one never is. */
function isPlainPath(v: string, decoded = false): boolean {
  if (v[0] !== '/') return false;
  if (v[1] === '/' || v[1] === '\\') return false;
  if (v.includes('\\')) return false;
  // C0 controls (tab, CR, LF, NUL…), DEL and C1 controls; also no space, which a browser may trim.
  for (let i = 0; i < v.length; i++) {
    const code = v.charCodeAt(i);
    if (code < 0x20 || (code === 0x20 && !decoded) || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

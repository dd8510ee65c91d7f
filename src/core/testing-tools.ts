// Tests that need an external tool (Chromium, Saxon, poppler, hledger) call this: the suite is
// skipped loudly when the tool is missing, or fails when skipping is forbidden (CI).
import { existsSync } from 'node:fs';
export function toolSkip(path: string, pkg: string): string | false {
  if (existsSync(path)) return false;
  const msg = `IGNORÉ : ${pkg} absent (${path}) ; installez-le avec apt-get install ${pkg}`;
  if (process.env.RADIEUSE_NO_SKIP === '1') throw new Error(`${msg} — interdit en CI (RADIEUSE_NO_SKIP=1)`);
  console.log(`# ${msg}`);
  return msg;
}

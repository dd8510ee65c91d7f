// PGlite does not lock its data folder and two processes opening it corrupt it: we take a lock
// file with our pid and refuse a second opener with a clear message.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'radieuse.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          rmSync(file, { force: true });
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new DataLockedError(
          `La base intégrée (${dir}) est déjà ouverte par le processus ${pid}. ` +
            'Arrêtez-le (ou utilisez DATABASE_URL avec PostgreSQL) avant de relancer cette commande.',
        );
      }
      rmSync(file, { force: true }); // stale lock left by a crashed process
    }
  }
  throw new DataLockedError(`Impossible de verrouiller ${file}.`);
}

// A response body produced while a database transaction stays open (an export read from one
// consistent snapshot), sent as it is produced: a million FEC lines never sit in memory. The
// producer waits while the client is slow (back-pressure), stops when the client goes away, and
// a failure midway errors the stream, so the connection is cut instead of ending a truncated file
// as if it were whole.

/** Thrown into the producer when the client has gone: its transaction rolls back. */
export class DownloadCancelled extends Error {
  constructor() {
    super('téléchargement interrompu');
  }
}

export function streamedBody(
  produce: (push: (chunk: string) => Promise<void>) => Promise<void>,
  queuedChunks = 4,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let wake: (() => void) | null = null;
  let cancelled = false;
  const resume = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const push = async (chunk: string) => {
          if (cancelled) throw new DownloadCancelled();
          controller.enqueue(encoder.encode(chunk));
          while ((controller.desiredSize ?? 1) <= 0 && !cancelled) await new Promise<void>((r) => (wake = r));
          if (cancelled) throw new DownloadCancelled();
        };
        // Not awaited: start() must return for the stream to be read (and pull() to be called).
        produce(push).then(
          () => controller.close(),
          (e) => {
            if (!cancelled) controller.error(e);
          },
        );
      },
      pull: resume,
      cancel() {
        cancelled = true;
        resume();
      },
    },
    { highWaterMark: queuedChunks },
  );
}

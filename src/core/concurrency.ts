// Work on a list with a bounded number of tasks in flight: enough to keep several database
// connections busy (PostgreSQL then uses both cores for independent cooperatives), never so many
// that one report takes the whole pool from the web requests.

/**
 * `fn` applied to every item, at most `limit` at a time; the results in the items' order. The
 * first failure rejects the whole (tasks already started run to their end, none is started after).
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

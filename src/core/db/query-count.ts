// Counts the SQL queries run on behalf of one piece of work (a request in the query-budget test),
// through the async context, so that concurrent work is never counted in. A page whose count
// grows with the data (one query per row: "N+1") shows up as a budget exceeded.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogEvent } from 'kysely';

const counter = new AsyncLocalStorage<{ n: number; texts: string[] }>();

/** Kysely's log hook: one more query for the work in progress, if anyone counts. */
export function countQuery(event: LogEvent): void {
  const c = counter.getStore();
  if (!c) return;
  c.n++;
  c.texts.push(event.query.sql);
}

/** Runs `fn` and returns its result with the number of queries it ran and their SQL text. */
export async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number; texts: string[] }> {
  const c = { n: 0, texts: [] as string[] };
  const result = await counter.run(c, fn);
  return { result, queries: c.n, texts: c.texts };
}

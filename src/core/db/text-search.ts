// The one "search box" condition of every list (customers, invoices, quotes, suppliers, people):
// a row matches the words typed when
//   - French full text (the `fr` configuration: accents ignored, stems) finds every word, the
//     last one as a prefix while it is still being typed (to_tsquery … :*);
//   - or the accent-free text contains what was typed, literally: `%` and `_` typed by a person
//     are characters, not LIKE wildcards (escaped here, once for every list);
//   - or a name is close enough to what was typed (trigrams: "Boulangrie" finds "Boulangerie").
// Columns are passed as SQL expressions of the caller's query, so each module keeps naming only
// its own tables. The indexes behind it (GIN trigram on search_key(column), GIN tsvector) are
// each module's migrations.
import { type RawBuilder, sql } from 'kysely';

/** Below these, a name is not close enough to what was typed. */
const WORD_SIMILARITY = 0.5;
const SIMILARITY = 0.3;

/** What a search box accepts: longer input is cut, not rejected. */
export const MAX_SEARCH_LENGTH = 100;

/** Escapes LIKE's wildcards and its escape character so the text matches literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The words of a search, as to_tsquery prefix terms ('boul:*'); null when none is left. */
export function prefixTsQuery(text: string): string | null {
  // Only letters and digits reach to_tsquery: its operators (&, |, !, :, parentheses, quotes)
  // typed in a search box would otherwise be a syntax error.
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/** Cleans what was typed: trimmed, bounded; '' means "no search". */
export function searchText(q: string | null | undefined): string {
  return (q ?? '').trim().slice(0, MAX_SEARCH_LENGTH);
}

export interface TextSearchColumns {
  /** Names and titles: full text, literal substring and trigram similarity (typos). */
  names: RawBuilder<unknown>[];
  /** Codes and numbers (invoice number, e-mail, SIREN): literal substring only. */
  codes?: RawBuilder<unknown>[];
}

/** The condition "matches what was typed"; `text` must be non-empty (see searchText). */
export function textMatches(cols: TextSearchColumns, text: string): RawBuilder<boolean> {
  const pattern = `%${escapeLike(text)}%`;
  const ts = prefixTsQuery(text);
  const parts: RawBuilder<boolean>[] = [];
  for (const c of cols.names) {
    parts.push(sql<boolean>`search_key(${c}) like search_key(${pattern}) escape '\\'`);
    // Word similarity of what was typed to the closest part of the name, similarity of the
    // whole. Functions, not the `<%` / `%` operators: on PGlite those operators, planned as a
    // filter, return wrong results or never end (seen 2026-12-07); a cooperative's list is
    // small enough for the scan.
    parts.push(sql<boolean>`word_similarity(search_key(${text}), search_key(${c})) >= ${WORD_SIMILARITY}`);
    parts.push(sql<boolean>`similarity(search_key(${c}), search_key(${text})) >= ${SIMILARITY}`);
    if (ts) parts.push(sql<boolean>`to_tsvector('fr', ${c}) @@ to_tsquery('fr', ${ts})`);
  }
  for (const c of cols.codes ?? []) parts.push(sql<boolean>`lower(${c}) like lower(${pattern}) escape '\\'`);
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

/** How well a row matches (higher first): for ordering the results of a search. */
export function textScore(cols: TextSearchColumns, text: string): RawBuilder<number> {
  const pattern = `${escapeLike(text)}%`;
  const scores: RawBuilder<unknown>[] = [];
  for (const c of cols.names)
    scores.push(
      sql`greatest(similarity(search_key(${c}), search_key(${text})), word_similarity(search_key(${text}), search_key(${c})))`,
    );
  // A code that starts with what was typed (an invoice number) comes first.
  for (const c of cols.codes ?? [])
    scores.push(sql`case when lower(${c}) like lower(${pattern}) escape '\\' then 2 else 0 end`);
  return sql<number>`greatest(${sql.join(scores, sql`, `)}, 0)`;
}

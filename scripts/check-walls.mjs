#!/usr/bin/env node
// The walls that neither the type checker nor dependency-cruiser can see, checked on the text:
//  1. pages never query: no .tsx file imports Kysely or writes a query (selectFrom, sql`…`);
//  2. a module's raw SQL never names another module's tables (typed queries cannot: each module
//     sees the database through its own view, core/db/handles.ts);
//  3. no escape from the module views (src, bench and e2e): no `LegacyTx`/`LegacyDb`/`legacy()`,
//     no `declare module` that adds tables to the core's Database or augments Kysely.
// Prints every violation with file:line and exits 1 when there is a new one. Violations of 1 and
// 2 that were accepted are listed in scripts/walls-baseline.txt (file and kind, no line number):
// reported but tolerated, and the list may only shrink (`--update-baseline` rewrites it; a
// baseline entry that no longer occurs fails too, so the file stays true). An escape (3) is never
// tolerated: it cannot enter the baseline, and `--update-baseline` refuses to run while one
// exists. `--report` prints the figures of the codebase habits as well.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');
const WIDTH = 120;

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const files = walk(SRC);
// Rule 3 also reads the benchmarks and the browser tests: they query the database too.
const outside = ['bench', 'e2e'].map((d) => join(ROOT, d)).filter((d) => existsSync(d));
const escapeFiles = [...files, ...outside.flatMap((d) => walk(d))];
const rel = (p) => relative(ROOT, p);
const moduleOf = (p) => /src\/modules\/([^/]+)\//.exec(p)?.[1] ?? null;
const isTest = (p) => /\.(test|bench)\.tsx?$/.test(p) || /\/testing[^/]*\.ts$/.test(p);

// Which module owns which table: read from each module's migrations (`create table name`).
const owner = new Map();
for (const f of files) {
  const m = moduleOf(f);
  if (!m || !/\/schema\.ts$/.test(f)) continue;
  for (const t of readFileSync(f, 'utf8').matchAll(/create table (?:if not exists )?([a-z_][a-z0-9_]*)/g))
    owner.set(t[1], m);
}

const problems = [];
/** Escapes from the module views: never tolerated, whatever the baseline says. */
const escapes = [];
const lineOf = (text, index) => text.slice(0, index).split('\n').length;

for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const mod = moduleOf(f);

  // 1. Pages never query.
  if (f.endsWith('.tsx')) {
    for (const m of text.matchAll(
      /from 'kysely'|\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`|\bsql\.raw\(/g,
    ))
      problems.push(
        `${rel(f)}:${lineOf(text, m.index)}: a page queries the database (${m[0]}): call a service instead`,
      );
  }

  // 2. Raw SQL of a module names only its own (or the core's) tables.
  if (mod && !/\/schema\.ts$/.test(f) && !isTest(f)) {
    for (const m of text.matchAll(/\bsql(?:<[^`]*?>)?`([^`]*)`|\bsql\.raw\(\s*(['`])([^'`]*)\2/g)) {
      const body = m[1] ?? m[3] ?? '';
      for (const w of body.matchAll(/\b(?:from|join|into|update|table)\s+([a-z_][a-z0-9_]*)/gi)) {
        const o = owner.get(w[1]);
        if (o && o !== mod)
          problems.push(`${rel(f)}:${lineOf(text, m.index)}: module ${mod} names table ${w[1]} of module ${o} in SQL`);
      }
    }
  }
}

// 3. No escape from the module views, anywhere (the core's own db files included).
for (const f of escapeFiles) {
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(
    /\bLegacy(Tx|Db)\b|\blegacy\(|declare\s+module\s+['"](?:[^'"]*\/db\/database(?:\.ts)?|kysely)['"]/g,
  ))
    escapes.push(
      `${rel(f)}:${lineOf(text, m.index)}: escape from the module views "${m[0]}": query through the module's db.ts view`,
    );
}

if (process.argv.includes('--report')) {
  let any = 0;
  let over = 0;
  let longest = { file: '', lines: 0 };
  let widest = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const lines = text.split('\n');
    any += [...text.matchAll(/:\s*any\b|\bas any\b|<any>|any\[\]/g)].length;
    for (const l of lines) {
      if (l.length > WIDTH) over++;
      widest = Math.max(widest, l.length);
    }
    if (lines.length > longest.lines) longest = { file: rel(f), lines: lines.length };
  }
  console.log(
    JSON.stringify(
      {
        files: files.length,
        any,
        lines_over_width: over,
        widest_line: widest,
        longest_file: longest,
        problems: problems.length + escapes.length,
      },
      null,
      2,
    ),
  );
}

const BASELINE = join(ROOT, 'scripts', 'walls-baseline.txt');
const keyOf = (p) => p.replace(/:\d+: /, ': ');
if (process.argv.includes('--update-baseline')) {
  if (escapes.length) {
    for (const p of escapes) console.error(p);
    console.error(`check-walls: ${escapes.length} escape(s): never tolerated, the baseline was not rewritten`);
    process.exit(1);
  }
  const keys = problems.map(keyOf).sort();
  writeFileSync(BASELINE, `${keys.join('\n')}${keys.length ? '\n' : ''}`);
  console.log(`check-walls: baseline rewritten (${keys.length} tolerated violation(s))`);
  process.exit(0);
}
const tolerated = new Map();
for (const k of existsSync(BASELINE) ? readFileSync(BASELINE, 'utf8').split('\n').filter(Boolean) : [])
  tolerated.set(k, (tolerated.get(k) ?? 0) + 1);
const fresh = [];
let old = 0;
for (const p of problems) {
  const k = keyOf(p);
  if (tolerated.get(k)) {
    tolerated.set(k, tolerated.get(k) - 1);
    old++;
  } else fresh.push(p);
}
const gone = [...tolerated].filter(([, n]) => n > 0).map(([k]) => k);
for (const p of [...escapes, ...fresh]) console.error(p);
for (const k of gone) console.error(`${k} (in the baseline, no longer found: run with --update-baseline)`);
if (old) console.log(`check-walls: ${old} violation(s) of the baseline still to convert (scripts/walls-baseline.txt)`);
if (escapes.length || fresh.length || gone.length) {
  console.error(
    `check-walls: ${escapes.length} escape(s), ${fresh.length} new violation(s), ${gone.length} stale baseline entr(ies)`,
  );
  process.exit(1);
}
console.log('check-walls: no new violation');

// A tiny command framework over node:util parseArgs: every command has --help, clear errors
// (exit 2 for bad usage, 1 for failures), and receives an opened database when it needs one.
import { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from './config.ts';
import type { OpenDb } from './db/index.ts';
import { type CsvCell, csvRecord } from './csv.ts';

export class UsageError extends Error {}

/** Parsed options: strings and flags, as node:util parseArgs gives them. */
export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string; // e.g. 'invoice list'
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  allowPositionals?: boolean;
  needsDb?: boolean; // open + migrate before running
  run(args: {
    values: CliValues;
    positionals: string[];
    config: Config;
    odb?: OpenDb;
  }): Promise<number | undefined> | Promise<void>;
}

// Where commands write: the process's stdout and stderr, or a test's buffers (`captureCliOutput`).
// A test must never replace process.stdout.write instead: node's test runner sends its reports
// through it, and a report sent meanwhile is lost — the test that just ended, passed or failed,
// would never be counted.
let capture: { out: string[]; err: string[] } | null = null;
/** Writes raw text to the command's output (CSV bodies…). */
export const write = (s: string) => (capture ? capture.out.push(s) > 0 : process.stdout.write(s));
export const err = (m: string) => (capture ? capture.err.push(`${m}\n`) > 0 : process.stderr.write(`${m}\n`));
export const out = (m: string) => write(`${m}\n`);

/** The command's output as a stream (streamed CSV exports): stdout, or the test's buffer. */
export function outputStream(): Writable {
  const c = capture;
  if (!c) return process.stdout;
  return new Writable({
    write(chunk, _encoding, done) {
      c.out.push(String(chunk));
      done();
    },
  });
}

/** Runs `fn` (a command) with its output kept in strings, for tests. One capture at a time. */
export async function captureCliOutput<T>(fn: () => Promise<T>): Promise<{ result: T; out: string; err: string }> {
  if (capture) throw new Error('captureCliOutput: already capturing');
  const c = { out: [] as string[], err: [] as string[] };
  capture = c;
  try {
    const result = await fn();
    return { result, out: c.out.join(''), err: c.err.join('') };
  } finally {
    capture = null;
  }
}

export function requireOpt(values: CliValues, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`option --${name} manquante`);
  return v;
}

/** An optional string option (declared `type: 'string'`), or its default. */
export function optString(values: CliValues, name: string, fallback: string): string;
export function optString(values: CliValues, name: string): string | undefined;
export function optString(values: CliValues, name: string, fallback?: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : fallback;
}

/** One comma-separated record for `--format csv` outputs (formulas neutralised: core/csv.ts). */
export function csvLine(cells: CsvCell[]): string {
  return csvRecord(cells);
}

export function progress(label: string, done: number, total: number) {
  if (capture || !process.stderr.isTTY) return;
  const pct = total ? Math.floor((done / total) * 100) : 100;
  process.stderr.write(`\r${label} ${pct}% (${done}/${total})${done >= total ? '\n' : ''}`);
}

export async function runCli(
  commands: Command[],
  argv: string[],
  openDb: (c: Config) => Promise<OpenDb>,
): Promise<number> {
  const help = () => {
    out("radieuse — la plateforme des coopératives d'activité et d'emploi\n\nCommandes :");
    for (const c of commands) out(`  ${c.name.padEnd(26)} ${c.summary}`);
    out('\nChaque commande accepte --help. Base : DATABASE_URL (PostgreSQL) sinon PGlite dans RADIEUSE_DATA (./data).');
  };
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    help();
    return 0;
  }
  // Longest name match: 'invoice list' before 'invoice'.
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  const cmd = sorted.find((c) => c.name.split(' ').every((w, i) => argv[i] === w));
  if (!cmd) {
    const group = commands.filter((c) => c.name.split(' ')[0] === argv[0]);
    if (group.length) {
      if (argv.includes('--help') || argv.length === 1) {
        out(`Sous-commandes de ${argv[0]} :`);
        for (const c of group) out(`  ${c.name.padEnd(26)} ${c.summary}`);
        return argv.includes('--help') ? 0 : 2;
      }
      err(`radieuse: sous-commande inconnue : ${argv.slice(0, 2).join(' ')} (essayez radieuse ${argv[0]} --help)`);
      return 2;
    }
    err(`radieuse: commande inconnue : ${argv[0]} (essayez radieuse --help)`);
    return 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    out(`${cmd.summary}\n\nUsage : radieuse ${cmd.usage}`);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: cmd.options ?? {},
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
  } catch (e) {
    err(`radieuse ${cmd.name}: ${(e as Error).message}\nUsage : radieuse ${cmd.usage}`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    err((e as Error).message);
    return 2;
  }
  let odb: OpenDb | undefined;
  try {
    if (cmd.needsDb) odb = await openDb(config);
    const code = await cmd.run({
      values: parsed.values as CliValues,
      positionals: parsed.positionals,
      config,
      odb,
    });
    return code ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`radieuse ${cmd.name}: ${e.message}\nUsage : radieuse ${cmd.usage}`);
      return 2;
    }
    err(`radieuse ${cmd.name}: ${(e as Error).message}`);
    if (process.env.RADIEUSE_DEBUG) console.error(e);
    return 1;
  } finally {
    if (odb) await odb.close();
  }
}

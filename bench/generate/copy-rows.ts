// Copies a cooperative's rows inside the database (INSERT … SELECT, no row crosses the process):
// the way the network data set reaches a million invoices in minutes rather than replaying
// every service call. Columns are read from the catalogue, so a new migration needs no change
// here; what a copy must rewrite is said by a CopyPlan:
// - every uuid found in the identifier map becomes its image (foreign keys stay consistent,
//   because the same map serves every table of one copy);
// - dates and times move by whole years, integer year columns (`fiscal_year`, `year`) with them,
//   and four-digit years inside text (invoice numbers « 2025-00012 », series keys, labels) too,
//   so numbering stays gapless per series and year.
import { type RawBuilder, sql } from 'kysely';
import { coreDb, type Tx } from '../../src/core/db/handles.ts';

export interface Column {
  name: string;
  type: string;
  /** Part of a unique index or key: a copy into the same cooperative must change it. */
  unique: boolean;
}

/** The writable columns of every table of the public schema (generated columns left out). */
export async function readCatalogue(tx: Tx): Promise<Map<string, Column[]>> {
  const rows = await sql<{ t: string; c: string; type: string }>`
    select c.table_name as t, c.column_name as c, c.data_type as type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.is_generated = 'NEVER'
      and c.identity_generation is null
    order by c.table_name, c.ordinal_position`.execute(coreDb(tx));
  const unique = await sql<{ t: string; c: string }>`
    select distinct t.relname as t, a.attname as c from pg_index i
    join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
    join pg_attribute a on a.attrelid = t.oid and a.attnum = any(i.indkey)
    where n.nspname = 'public' and i.indisunique`.execute(coreDb(tx));
  const isUnique = new Set(unique.rows.map((r) => `${r.t}.${r.c}`));
  const out = new Map<string, Column[]>();
  for (const r of rows.rows)
    out.set(r.t, [...(out.get(r.t) ?? []), { name: r.c, type: r.type, unique: isUnique.has(`${r.t}.${r.c}`) }]);
  return out;
}

/** Functions of this session's temporary schema, and the identifier map they read. */
export async function prepareCopySession(tx: Tx): Promise<void> {
  const db = coreDb(tx);
  // Foreign keys and the ledger's immutability triggers are the table owner's concern here:
  // rows are copied from rows that already passed them, in whatever order the tables come.
  await sql`set local session_replication_role = replica`.execute(db);
  await sql`create temporary table if not exists gen_idmap (old uuid primary key, new uuid not null) on commit drop`.execute(
    db,
  );
  // Analytic codes of activities copied as new activities (the ledger names them by code).
  await sql`create temporary table if not exists gen_codemap (old text primary key, new text not null) on commit drop`.execute(
    db,
  );
  await sql`create or replace function pg_temp.gen_shift_text(t text, n int) returns text language plpgsql immutable as $$
    declare y int;
    begin
      if t is null or n = 0 or t !~ '20[0-9][0-9]' then return t; end if;
      -- Ascending when going back in time (descending forward), so a year already moved is
      -- never moved twice.
      for i in 0..39 loop
        y := case when n < 0 then 2000 + i else 2039 - i end;
        t := regexp_replace(t, '(^|[^0-9])' || y || '(?![0-9])', '\\1' || (y + n), 'g');
      end loop;
      return t;
    end $$`.execute(db);
  await sql`create or replace function pg_temp.gen_map_ref(t text, n int) returns text language plpgsql stable as $$
    declare r text; u uuid;
    begin
      r := pg_temp.gen_shift_text(t, n);
      if r ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' then
        select m.new into u from gen_idmap m where m.old = substr(r, 1, 36)::uuid;
        if found then r := u::text || substr(r, 37); end if;
      end if;
      return r;
    end $$`.execute(db);
}

/** Snapshots a cooperative's rows of a table (temporary, dropped at commit); returns its name. */
export async function snapshot(
  tx: Tx,
  table: string,
  cooperativeId: string,
  where: RawBuilder<unknown> = sql`true`,
): Promise<string> {
  const name = `gen_src_${table}`;
  await sql`drop table if exists ${sql.table(name)}`.execute(coreDb(tx));
  await sql`create temporary table ${sql.table(name)} on commit drop as
    select * from ${sql.table(table)} s where s.cooperative_id = ${cooperativeId} and ${where}`.execute(coreDb(tx));
  return name;
}

/** Fills the identifier map: each `id` of the given tables' rows of a cooperative, salted. */
export async function mapIdentifiers(
  tx: Tx,
  catalogue: Map<string, Column[]>,
  tables: string[],
  cooperativeId: string,
  salt: string,
  sourceOf: (table: string) => string = (t) => t,
): Promise<void> {
  const db = coreDb(tx);
  await sql`truncate gen_idmap`.execute(db);
  for (const t of tables) {
    const cols = catalogue.get(t);
    if (!cols?.some((c) => c.name === 'id' && c.type === 'uuid')) continue;
    await sql`insert into gen_idmap (old, new)
      select id, md5(id::text || ${salt})::uuid from ${sql.table(sourceOf(t))} where cooperative_id = ${cooperativeId}
      on conflict do nothing`.execute(db);
  }
}

export interface CopyPlan {
  /** The cooperative read (a copy in time reads and writes the same one). */
  fromCooperative: string;
  toCooperative: string;
  /** Whole years added to every date (negative: back in time). */
  shiftYears: number;
  /** Where the rows are read, when not the table itself (a snapshot taken before copying). */
  source?: string;
  /** Put before every document number and numbering series (a copy beside the original). */
  numberPrefix?: string;
  /** The rank of a copy beside the original (1, 2…). */
  copy?: number;
  /** Mixed into new secrets, so that two copies differ. */
  salt?: string;
  /** Column values written as given (e.g. a new slug), by column name. */
  overrides?: Record<string, unknown>;
  /** Column values computed from the source row `s` (e.g. a prefixed e-mail), by column name. */
  expressions?: Record<string, RawBuilder<unknown>>;
  /** Which source rows, when not « the rows of `fromCooperative` » (tables without the column). */
  where?: RawBuilder<unknown>;
}

/** Copies one table's rows of a cooperative according to the plan; returns the rows written. */
export async function copyTable(tx: Tx, table: string, columns: Column[], plan: CopyPlan): Promise<number> {
  const n = plan.shiftYears;
  const sameCooperative = plan.fromCooperative === plan.toCooperative;
  const exprs = columns.map((c) => {
    const text = c.type === 'text' || c.type === 'character' || c.type === 'character varying';
    const col = sql.ref(`s.${c.name}`);
    if (c.name === 'cooperative_id') return sql`${plan.toCooperative}::uuid`;
    if (plan.overrides && c.name in plan.overrides) return sql`${plan.overrides[c.name]}`;
    if (plan.expressions?.[c.name]) return plan.expressions[c.name]!;
    if (c.type === 'uuid') return sql`coalesce((select m.new from gen_idmap m where m.old = ${col}), ${col})`;
    if (plan.numberPrefix && text && c.unique && (c.name.endsWith('number') || c.name === 'series_key'))
      return sql`${plan.numberPrefix} || ${col}`;
    // Entry numbers of a copy beside the original: out of the way, renumbered afterwards.
    if (plan.numberPrefix && c.name === 'entry_number') return sql`${col} + ${(plan.copy ?? 1) * 1_000_000}`;
    // References kept as text (an entry's source « <uuid>:2026-01 », a match's target) follow
    // the map and the years.
    if (text && c.name.endsWith('_id')) return sql`pg_temp.gen_map_ref(${col}::text, ${n})`;
    // Secrets and deduplication keys of a copy in the same cooperative: new ones.
    if (sameCooperative && c.unique && text && /(token|hash|dedupe)/.test(c.name))
      return sql`md5(${col} || ${plan.salt ?? ''})`;
    if (n !== 0 && (c.type === 'date' || c.type.startsWith('timestamp')))
      return sql`(${col} + make_interval(years => ${n}))::${sql.raw(c.type === 'date' ? 'date' : 'timestamptz')}`;
    if (n !== 0 && (c.name === 'fiscal_year' || c.name === 'year') && c.type === 'integer') return sql`${col} + ${n}`;
    // A unique reference without a year (« F-113 ») is told apart by a suffix.
    if (n !== 0 && text && c.unique && sameCooperative && c.name.endsWith('number'))
      return sql`case when ${col} ~ '(^|[^0-9])20[0-9]{2}([^0-9]|$)' then pg_temp.gen_shift_text(${col}::text, ${n})
        else ${col} || ${`-T${-n}`} end`;
    if (n !== 0 && text) return sql`pg_temp.gen_shift_text(${col}::text, ${n})`;
    return col;
  });
  const r = await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select ${sql.join(exprs)} from ${sql.table(plan.source ?? table)} s
    where ${plan.where ?? sql`s.cooperative_id = ${plan.fromCooperative}`}`.execute(coreDb(tx));
  return Number(r.numAffectedRows ?? 0);
}

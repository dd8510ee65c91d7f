// Full logical backup (gzipped JSON lines, one table after another) that restores on either
// backend: a PGlite demo can move to PostgreSQL and back. PostgreSQL itself converts each row
// back with json_populate_recordset, so every type round-trips.
//
// Consistency: the whole backup reads ONE repeatable-read, read-only snapshot, so a server
// validating invoices meanwhile cannot leave a gap in a numbering series, an entry without its
// lines or an invoice without its audit entry in the file; rows are read in primary-key order
// (keyset pages), never in the heap's order. The restore reloads with triggers and foreign keys
// off (append-only tables, any table order), then checks every foreign key itself before
// committing: a damaged file is refused whole. Production databases are better served by
// pg_dump or continuous archiving (docs/operator-guide.md); this format is for moving between
// backends and for the embedded database.
import { once } from 'node:events';
import { createReadStream, createWriteStream, openSync, renameSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { type RawBuilder, sql } from 'kysely';
import { allMigrations } from '../app/modules.ts';
import { coreDb, type Db, type Tx } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import { withSystem } from '../core/db/tenant.ts';

const FORMAT = 'radieuse-backup/1';
const PAGE = 2000;

async function tables(db: Db): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(coreDb(db));
  return r.rows.map((x) => x.table_name);
}

async function primaryKey(tx: Tx, table: string): Promise<{ name: string; type: string }[]> {
  const r = await sql<{ name: string; type: string }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${`public.${table}`}::regclass and i.indisprimary
    order by array_position(i.indkey::int2[], a.attnum)`.execute(coreDb(tx));
  return r.rows;
}

/** The rows of a table in primary-key order, page by page (keyset: each page starts after the last key). */
async function* tableRows(tx: Tx, table: string): AsyncGenerator<unknown> {
  const pk = await primaryKey(tx, table);
  const t = sql.table(table);
  if (!pk.length) {
    // No primary key (none today): the whole row's text orders it, deterministic within the snapshot.
    for (let offset = 0; ; offset += PAGE) {
      const r = await sql<{
        j: unknown;
      }>`select row_to_json(x) as j from ${t} x order by x::text limit ${PAGE} offset ${offset}`.execute(coreDb(tx));
      for (const row of r.rows) yield row.j;
      if (r.rows.length < PAGE) return;
    }
  }
  const cols = sql.join(pk.map((c) => sql.ref(`x.${c.name}`)));
  let last: unknown[] | null = null;
  for (;;) {
    // Typed parameters so the comparison uses the primary key's index: (a, b) > ($1::uuid, $2::uuid).
    const from: RawBuilder<unknown> = last
      ? sql`where (${cols}) > (${sql.join(last.map((v, i) => sql`cast(${v} as ${sql.raw(pk[i].type)})`))})`
      : sql``;
    const r: { rows: { j: unknown; k: unknown[] }[] } = await sql<{ j: unknown; k: unknown[] }>`
      select row_to_json(x) as j, json_build_array(${cols}) as k from ${t} x ${from}
      order by ${cols} limit ${PAGE}`.execute(coreDb(tx));
    for (const row of r.rows) yield row.j;
    if (r.rows.length < PAGE) return;
    last = r.rows[r.rows.length - 1].k as unknown[];
  }
}

export async function backup(
  odb: OpenDb,
  file: string,
  log: (m: string) => void,
): Promise<{ tables: number; rows: number }> {
  // Written under a temporary name and renamed once complete: a cut backup never looks whole.
  const partial = `${file}.partial`;
  const gz = createGzip();
  const outStream = createWriteStream(partial, { fd: openSync(partial, 'w') }); // exists from the start
  gz.pipe(outStream);
  const write = async (obj: unknown) => {
    if (!gz.write(`${JSON.stringify(obj)}\n`)) await once(gz, 'drain');
  };
  let rows = 0;
  let count = 0;
  await withSystem(
    odb.db,
    async (trx) => {
      const list = await tables(trx);
      count = list.length;
      await write({
        format: FORMAT,
        createdAt: new Date().toISOString(),
        migrations: allMigrations.map((m) => m.name),
      });
      for (const t of list) {
        await write({ table: t });
        for await (const r of tableRows(trx, t)) {
          await write({ r });
          rows++;
        }
        log(`sauvegarde : ${t}`);
      }
    },
    { isolation: 'repeatable read', readOnly: true },
  );
  gz.end();
  await once(outStream, 'finish');
  renameSync(partial, file);
  return { tables: count, rows };
}

/** Foreign keys broken by the reloaded rows (they were not checked while loading). */
async function brokenForeignKeys(tx: Tx): Promise<string[]> {
  const fks = await sql<{ name: string; child: string; parent: string; ccols: string[]; pcols: string[] }>`
    select c.conname as name, cl.relname as child, pl.relname as parent,
      array(select attname from unnest(c.conkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.o)::text[] as ccols,
      array(select attname from unnest(c.confkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.o)::text[] as pcols
    from pg_constraint c join pg_class cl on cl.oid = c.conrelid join pg_class pl on pl.oid = c.confrelid
    join pg_namespace ns on ns.oid = cl.relnamespace
    where c.contype = 'f' and ns.nspname = 'public'
    order by cl.relname, c.conname`.execute(coreDb(tx));
  const broken: string[] = [];
  for (const fk of fks.rows) {
    const notNull = sql.join(
      fk.ccols.map((c) => sql`c.${sql.ref(c)} is not null`),
      sql` and `,
    );
    const match = sql.join(
      fk.ccols.map((c, i) => sql`p.${sql.ref(fk.pcols[i])} = c.${sql.ref(c)}`),
      sql` and `,
    );
    const r = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(fk.child)} c
      where ${notNull} and not exists (select 1 from ${sql.table(fk.parent)} p where ${match})`.execute(coreDb(tx));
    if (r.rows[0].n > 0) broken.push(`${fk.child} → ${fk.parent} (${fk.name}) : ${r.rows[0].n} ligne(s) orpheline(s)`);
  }
  return broken;
}

export async function restore(
  odb: OpenDb,
  file: string,
  opts: { force: boolean },
  log: (m: string) => void,
): Promise<{ rows: number }> {
  const existing = await tables(odb.db);
  const nonEmpty = [] as string[];
  for (const t of existing) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(coreDb(odb.db));
    if (r.rows[0].n > 0) nonEmpty.push(t);
  }
  if (nonEmpty.length && !opts.force)
    throw new Error(
      `la base n'est pas vide (${nonEmpty.slice(0, 3).join(', ')}…) : utilisez --force pour la remplacer`,
    );
  let rows = 0;
  await withSystem(odb.db, async (tx) => {
    const trx = coreDb(tx);
    // Replica mode skips triggers (append-only audit) and foreign-key checks while reloading.
    await sql`set local session_replication_role = replica`.execute(trx);
    if (nonEmpty.length) await sql.raw(`truncate ${existing.map((t) => `"${t}"`).join(', ')} cascade`).execute(trx);
    let table: string | null = null;
    let batch: unknown[] = [];
    let header = false;
    const flush = async () => {
      if (!table || !batch.length) return;
      await sql`insert into ${sql.table(table)} select * from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(batch)}::json)`.execute(
        trx,
      );
      rows += batch.length;
      batch = [];
    };
    // Opened right before reading: readline drops lines emitted before iteration starts.
    const rl = createInterface({
      input: createReadStream(file).pipe(createGunzip()),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of rl) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      if (!header) {
        if (o.format !== FORMAT) throw new Error("ce fichier n'est pas une sauvegarde Radieuse");
        header = true;
        continue;
      }
      if (o.table) {
        await flush();
        table = o.table as string;
        if (!existing.includes(table)) throw new Error(`table inconnue dans la sauvegarde : ${table}`);
        log(`restauration : ${table}`);
        continue;
      }
      batch.push(o.r);
      if (batch.length >= 500) await flush();
    }
    await flush();
    if (!header) throw new Error('sauvegarde vide ou illisible');
    await sql`set local session_replication_role = origin`.execute(trx);
    log('restauration : vérification des clés étrangères');
    const broken = await brokenForeignKeys(tx);
    if (broken.length)
      throw new Error(`sauvegarde incohérente, rien n'est restauré :\n  ${broken.slice(0, 20).join('\n  ')}`);
    // Serial columns continue after the restored rows.
    const serials = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_default like 'nextval%'`.execute(trx);
    for (const s of serials.rows) {
      await sql`select setval(pg_get_serial_sequence(${s.table_name}, ${s.column_name}), coalesce((select max(${sql.ref(s.column_name)}) from ${sql.table(s.table_name)}), 0) + 1, false)`.execute(
        trx,
      );
    }
  });
  return { rows };
}

// Full logical backup (gzipped JSON lines, one table after another) that restores on either
// backend: a PGlite demo can move to PostgreSQL and back. PostgreSQL itself converts each row
// back with json_populate_recordset, so every type round-trips.
import { createGzip, createGunzip } from 'node:zlib';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { sql } from 'kysely';
import type { OpenDb } from '../core/db/index.ts';
import { allMigrations } from '../app/modules.ts';

const FORMAT = 'radieuse-backup/1';

async function tables(odb: OpenDb): Promise<string[]> {
  const r = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by table_name`.execute(
    odb.db,
  );
  return r.rows.map((x) => x.table_name);
}

export async function backup(
  odb: OpenDb,
  file: string,
  log: (m: string) => void,
): Promise<{ tables: number; rows: number }> {
  const gz = createGzip();
  const outStream = createWriteStream(file);
  gz.pipe(outStream);
  const write = async (obj: unknown) => {
    if (!gz.write(JSON.stringify(obj) + '\n')) await once(gz, 'drain');
  };
  await write({ format: FORMAT, createdAt: new Date().toISOString(), migrations: allMigrations.map((m) => m.name) });
  let rows = 0;
  const list = await tables(odb);
  for (const t of list) {
    await write({ table: t });
    // Pages by ctid-free OFFSET-less keyset is table-specific; OFFSET pages keep it generic and short.
    for (let offset = 0; ; offset += 2000) {
      const r = await sql<{
        j: unknown;
      }>`select row_to_json(x) as j from ${sql.table(t)} x limit 2000 offset ${offset}`.execute(odb.db);
      for (const row of r.rows) await write({ r: row.j });
      rows += r.rows.length;
      if (r.rows.length < 2000) break;
    }
    log(`sauvegarde : ${t}`);
  }
  gz.end();
  await once(outStream, 'finish');
  return { tables: list.length, rows };
}

export async function restore(
  odb: OpenDb,
  file: string,
  opts: { force: boolean },
  log: (m: string) => void,
): Promise<{ rows: number }> {
  const existing = await tables(odb);
  const nonEmpty = [] as string[];
  for (const t of existing) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(odb.db);
    if (r.rows[0].n > 0) nonEmpty.push(t);
  }
  if (nonEmpty.length && !opts.force)
    throw new Error(
      `la base n'est pas vide (${nonEmpty.slice(0, 3).join(', ')}…) : utilisez --force pour la remplacer`,
    );
  let rows = 0;
  await odb.db.transaction().execute(async (trx) => {
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
    const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
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
        table = o.table;
        if (!existing.includes(table!)) throw new Error(`table inconnue dans la sauvegarde : ${table}`);
        log(`restauration : ${table}`);
        continue;
      }
      batch.push(o.r);
      if (batch.length >= 500) await flush();
    }
    await flush();
    if (!header) throw new Error('sauvegarde vide ou illisible');
    // Serial columns continue after the restored rows.
    const serials = await sql<{
      table_name: string;
      column_name: string;
    }>`select table_name, column_name from information_schema.columns where table_schema = 'public' and column_default like 'nextval%'`.execute(
      trx,
    );
    for (const s of serials.rows) {
      await sql`select setval(pg_get_serial_sequence(${s.table_name}, ${s.column_name}), coalesce((select max(${sql.ref(s.column_name)}) from ${sql.table(s.table_name)}), 0) + 1, false)`.execute(
        trx,
      );
    }
  });
  return { rows };
}

// The network data set of `radieuse bench --scale network`: the demo network (three
// cooperatives, two years, made by the real services, so every rule holds) is stretched in time
// (ten years by default: the two-year history copied four times further back) and then copied
// to 75 cooperatives. Copies happen inside the database (copy-rows.ts), so the set loads in
// minutes; each copy keeps what the integrity checks (`radieuse check`) verify: gapless
// numbering per series, balanced entries, activity accounts equal to sales.
import { type RawBuilder, sql } from 'kysely';
import { coreDb, type Tx } from '../../src/core/db/handles.ts';
import type { OpenDb } from '../../src/core/db/index.ts';
import { rewrapDataKeyFor } from '../../src/core/file-keys.ts';
import { withSystem } from '../../src/core/db/tenant.ts';
import { type Column, copyTable, mapIdentifiers, prepareCopySession, readCatalogue, snapshot } from './copy-rows.ts';

const INTERNAL_INVOICE_SOURCE = 'ledger.internal_invoice';

/** The history of a cooperative: what a copy back in time repeats (reference data is kept). */
const HISTORY_TABLES = [
  'invoice',
  'invoice_line',
  'payment',
  'invoice_number_sequence',
  'quote',
  'quote_line',
  'sales_reminder',
  'journal_entry',
  'entry_line',
  'ledger_sequence',
  'salary_request',
  'payroll_absence',
  'bank_statement_import',
  'bank_transaction',
  'bank_match',
  'supplier_invoice',
  'supplier_invoice_line',
  'supplier_invoice_split',
  'expense_report',
  'expense_line',
  'mileage_trip',
];

/** Only numbered invoices are repeated: a draft of eight years ago, still waiting, is not what a
 *  cooperative holds (and would flood the to-do lists the benchmarks measure). Every numbered
 *  document is, or its series would have a gap (quotes are numbered from their draft). */
const FINISHED: Record<string, RawBuilder<unknown>> = {
  invoice: sql`s.number is not null`,
  invoice_line: sql`s.invoice_id in (select i.id from invoice i where i.cooperative_id = s.cooperative_id
    and i.number is not null)`,
  // An internal invoice's entry has the marketplace's invoice as its source, which is not history
  // copied here: the copy would repeat the same (source type, source id), which is unique.
  journal_entry: sql`s.source_type <> ${INTERNAL_INVOICE_SOURCE}`,
  entry_line: sql`s.entry_id in (select e.id from journal_entry e where e.cooperative_id = s.cooperative_id
    and e.source_type <> ${INTERNAL_INVOICE_SOURCE})`,
};

/** What a copy beside the original repeats: the sales and their postings (more customers'
 *  invoices for the same activities), nothing that is one per person and month. */
const SALES_TABLES: [string, RawBuilder<unknown>][] = [
  ['invoice', FINISHED.invoice!],
  ['invoice_line', FINISHED.invoice_line!],
  ['payment', sql`true`],
  ['invoice_number_sequence', sql`true`],
  ['quote', sql`true`],
  ['quote_line', sql`true`],
  ['sales_reminder', sql`true`],
  ['journal_entry', sql`s.source_type in ('sales.invoice', 'sales.payment')`],
  [
    'entry_line',
    sql`s.entry_id in (select e.id from journal_entry e where e.cooperative_id = s.cooperative_id
      and e.source_type in ('sales.invoice', 'sales.payment'))`,
  ],
];

/** Rows a copy to another cooperative leaves out: chained to their cooperative (each entry's
 *  hash covers its cooperative and ids: a copy would be a forgery), or transient. */
const NOT_COPIED = new Set([
  'audit_log',
  'archive_chain',
  'archive_document',
  'archive_access',
  'domain_event',
  'mail_outbox',
  'auth_token',
  'oidc_provider',
]);

export interface NetworkOptions {
  /** Cooperatives in all (the three of the demo included). */
  cooperatives: number;
  /** Years of history, a multiple of the demo's two. */
  years: number;
  /** How many times each cooperative's sales are there (1: the demo's density). */
  salesDensity?: number;
  /** How many times each cooperative's entrepreneurs are there (1: the demo's twenty): copies of
   *  the sales go to copies of the activities, each with its own person. At most `salesDensity`. */
  people?: number;
  /** The master key: a copied cooperative's data keys are sealed again for it. */
  fileKey: Buffer;
  progress?: (done: number, total: number, what: string) => void;
}

export interface NetworkCounts {
  cooperatives: number;
  entrepreneurs: number;
  invoices: number;
  entryLines: number;
  seconds: number;
}

interface Coop {
  id: string;
  slug: string;
  name: string;
}

/** Stretches and copies the demo network already loaded in `odb` (see `loadDemo`). */
export async function generateNetwork(odb: OpenDb, opts: NetworkOptions): Promise<NetworkCounts> {
  const started = performance.now();
  const demo = (
    await sql<Coop>`select id, slug, name from cooperative order by created_at, slug`.execute(coreDb(odb.db))
  ).rows;
  if (demo.length === 0) throw new Error('chargez d’abord le réseau de démonstration');
  if (opts.years < 2 || opts.years % 2 !== 0) throw new Error('le nombre d’années doit être pair (au moins 2)');
  const catalogue = await withSystem(odb.db, (tx) => readCatalogue(tx as unknown as Tx));
  const blocks = opts.years / 2;
  const clones = Math.max(0, opts.cooperatives - demo.length);
  const density = opts.salesDensity ?? 1;
  const people = Math.min(opts.people ?? 1, density);
  const total = (blocks > 1 ? demo.length : 0) + clones + (density > 1 ? demo.length : 0);
  let done = 0;
  const step = (what: string) => opts.progress?.(++done, total, what);

  if (density > 1)
    for (const coop of demo) {
      await withSystem(odb.db, (t) => densify(t as unknown as Tx, catalogue, coop.id, density, people));
      step(`${coop.slug} : ventes × ${density}${people > 1 ? `, entrepreneurs × ${people}` : ''}`);
    }

  if (blocks > 1)
    for (const coop of demo) {
      await withSystem(odb.db, (t) => copyBackInTime(t as unknown as Tx, catalogue, coop.id, blocks));
      step(`${coop.slug} : ${opts.years} ans d’historique`);
    }

  const tenantTables = [...catalogue]
    .filter(([t, cols]) => !NOT_COPIED.has(t) && cols.some((c) => c.name === 'cooperative_id'))
    .map(([t]) => t);
  for (let k = 0; k < clones; k++) {
    const template = demo[k % demo.length]!;
    const n = Math.floor(k / demo.length) + 2;
    await withSystem(odb.db, (t) =>
      copyCooperative(t as unknown as Tx, catalogue, tenantTables, template, {
        salt: `c${k}`,
        slug: `${template.slug}-${n}`,
        name: `${template.name} ${n}`,
        emailPrefix: `${template.slug}${n}.`,
        fileKey: opts.fileKey,
      }),
    );
    step(`${template.slug}-${n}`);
  }
  await sql`analyze`.execute(coreDb(odb.db));
  const counts = (
    await sql<{ c: string; e: string; i: string; l: string }>`select
      (select count(*) from cooperative) as c,
      (select count(distinct (cooperative_id, user_id)) from membership where role = 'entrepreneur') as e,
      (select count(*) from invoice) as i, (select count(*) from entry_line) as l`.execute(coreDb(odb.db))
  ).rows[0]!;
  return {
    cooperatives: Number(counts.c),
    entrepreneurs: Number(counts.e),
    invoices: Number(counts.i),
    entryLines: Number(counts.l),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/** Puts each sale of a cooperative `density` times (copies numbered in their own series
 *  « P1-2025-00012 »), then renumbers the journals in date order, gapless per year. With
 *  `people` > 1, copy k goes to the activities' copy number k mod `people` (made first by
 *  `copyEntrepreneurs`), so the cooperative has `people` times its entrepreneurs. */
async function densify(tx: Tx, catalogue: Map<string, Column[]>, coopId: string, density: number, people: number) {
  const db = coreDb(tx);
  await prepareCopySession(tx);
  const activities = people > 1 ? await copyEntrepreneurs(tx, catalogue, coopId, people) : [];
  const tables = SALES_TABLES.filter(([t]) => catalogue.has(t));
  const sources = new Map<string, string>();
  for (const [t, where] of tables) sources.set(t, await snapshot(tx, t, coopId, where));
  for (let k = 1; k < density; k++) {
    await mapIdentifiers(
      tx,
      catalogue,
      tables.map(([t]) => t),
      coopId,
      `p${k}`,
      (t) => sources.get(t)!,
    );
    const generation = k % people;
    await sql`truncate gen_codemap`.execute(db);
    if (generation > 0) {
      const salt = `a${generation}`;
      for (const a of activities) {
        await sql`insert into gen_idmap (old, new) values (${a.id}, md5(${a.id}::text || ${salt})::uuid)`.execute(db);
        await sql`insert into gen_codemap (old, new) values (${a.code}, ${`${a.code}-${generation + 1}`})`.execute(db);
      }
    }
    for (const [t] of tables)
      await copyTable(tx, t, catalogue.get(t)!, {
        fromCooperative: coopId,
        toCooperative: coopId,
        shiftYears: 0,
        source: sources.get(t),
        numberPrefix: `P${k}-`,
        copy: k,
        salt: `p${k}`,
        expressions: {
          analytic_code: sql`coalesce((select c.new from gen_codemap c where c.old = s.analytic_code), s.analytic_code)`,
        },
      });
  }
  await renumberEntries(tx, coopId, 'date');
}

/** Numbers a cooperative's entries 1, 2, 3… per journal and year again and sets the sequences
 *  to match: copies beside the original would otherwise hold numbers twice (renumbered in date
 *  order), and history copies, which leave out the internal invoices' entries, gaps (closed in
 *  the order the numbers already give, i.e. the order of validation). */
async function renumberEntries(tx: Tx, coopId: string, order: 'date' | 'number') {
  const db = coreDb(tx);
  const by = order === 'date' ? sql`entry_date, validated_at, id` : sql`entry_number`;
  // Out of the way first: the key (journal, year, number) holds at every row of the update.
  await sql`update journal_entry set entry_number = entry_number + 100000000 where cooperative_id = ${coopId}`.execute(
    db,
  );
  await sql`update journal_entry e set entry_number = r.n from (
      select id, row_number() over (partition by journal_code, fiscal_year order by ${by}) as n
      from journal_entry where cooperative_id = ${coopId}) r
    where e.cooperative_id = ${coopId} and e.id = r.id`.execute(db);
  await sql`update ledger_sequence q set last_number = m.n from (
      select journal_code, fiscal_year, max(entry_number) as n from journal_entry
      where cooperative_id = ${coopId} group by journal_code, fiscal_year) m
    where q.cooperative_id = ${coopId} and q.journal_code = m.journal_code and q.fiscal_year = m.fiscal_year`.execute(
    db,
  );
}

/** The activities of a cooperative's entrepreneurs (and CAPE holders) copied `people` - 1 times,
 *  each copy with its own person (« a2.lea@… »): account, memberships, profile, ownership. */
async function copyEntrepreneurs(
  tx: Tx,
  catalogue: Map<string, Column[]>,
  coopId: string,
  people: number,
): Promise<{ id: string; code: string }[]> {
  const db = coreDb(tx);
  const activities = (
    await sql<{ id: string; code: string }>`select a.id, a.analytic_code as code from activity a
      where a.cooperative_id = ${coopId} and exists (select 1 from activity_owner o join membership m
        on m.cooperative_id = o.cooperative_id and m.user_id = o.user_id and m.role in ('entrepreneur', 'cape')
        where o.cooperative_id = a.cooperative_id and o.activity_id = a.id)`.execute(db)
  ).rows;
  if (!activities.length) return [];
  const ids = sql`(${sql.join(activities.map((a) => sql`${a.id}::uuid`))})`;
  const owners = sql`(select o.user_id from activity_owner o where o.cooperative_id = ${coopId} and o.activity_id in ${ids})`;
  const perPerson: [string, RawBuilder<unknown>][] = [
    ['activity', sql`s.id in ${ids}`],
    ['activity_owner', sql`s.activity_id in ${ids}`],
    ['membership', sql`s.user_id in ${owners} and s.role in ('entrepreneur', 'cape')`],
    ['member_profile', sql`s.user_id in ${owners}`],
  ];
  for (let generation = 1; generation < people; generation++) {
    const salt = `a${generation}`;
    await sql`truncate gen_idmap`.execute(db);
    await sql`insert into gen_idmap (old, new)
      select id, md5(id::text || ${salt})::uuid from activity where cooperative_id = ${coopId} and id in ${ids}
      union select distinct user_id, md5(user_id::text || ${salt})::uuid from activity_owner
        where user_id in ${owners}`.execute(db);
    await copyTable(tx, 'user_account', catalogue.get('user_account')!, {
      fromCooperative: coopId,
      toCooperative: coopId,
      shiftYears: 0,
      where: sql`s.id in ${owners}`,
      expressions: { email: sql`${`a${generation + 1}.`} || s.email` },
    });
    for (const [t, where] of perPerson)
      if (catalogue.has(t))
        await copyTable(tx, t, catalogue.get(t)!, {
          fromCooperative: coopId,
          toCooperative: coopId,
          shiftYears: 0,
          where: sql`s.cooperative_id = ${coopId} and ${where}`,
          expressions:
            t === 'activity'
              ? {
                  analytic_code: sql`s.analytic_code || ${`-${generation + 1}`}`,
                  name: sql`s.name || ${` (${generation + 1})`}`,
                }
              : undefined,
        });
  }
  return activities;
}

/** Repeats a cooperative's history 2, 4, 6… years earlier, in one transaction: the copies are
 *  all made from one snapshot of the original, never from each other. */
async function copyBackInTime(tx: Tx, catalogue: Map<string, Column[]>, coopId: string, blocks: number) {
  await prepareCopySession(tx);
  const tables = HISTORY_TABLES.filter((t) => catalogue.has(t));
  const sources = new Map<string, string>();
  for (const t of tables) sources.set(t, await snapshot(tx, t, coopId, FINISHED[t]));
  for (let block = 1; block < blocks; block++) {
    await mapIdentifiers(tx, catalogue, tables, coopId, `t${block}`, (t) => sources.get(t)!);
    for (const t of tables)
      await copyTable(tx, t, catalogue.get(t)!, {
        fromCooperative: coopId,
        toCooperative: coopId,
        shiftYears: -2 * block,
        source: sources.get(t),
        salt: `t${block}`,
      });
  }
  await renumberEntries(tx, coopId, 'number');
}

/** Copies a whole cooperative (its people included, with their own e-mail addresses). */
async function copyCooperative(
  tx: Tx,
  catalogue: Map<string, Column[]>,
  tables: string[],
  template: Coop,
  to: { salt: string; slug: string; name: string; emailPrefix: string; fileKey: Buffer },
) {
  const db = coreDb(tx);
  await prepareCopySession(tx);
  await mapIdentifiers(tx, catalogue, tables, template.id, to.salt);
  const newId = (await sql<{ id: string }>`select md5(${template.id}::text || ${to.salt})::uuid as id`.execute(db))
    .rows[0]!.id;
  await sql`insert into gen_idmap (old, new) values (${template.id}, ${newId})`.execute(db);
  // The people of the cooperative become new people (a person belongs to their cooperatives).
  await sql`insert into gen_idmap (old, new)
    select distinct user_id, md5(user_id::text || ${to.salt})::uuid from membership where cooperative_id = ${template.id}
    on conflict do nothing`.execute(db);
  const base = { fromCooperative: template.id, toCooperative: newId, shiftYears: 0 };
  await copyTable(tx, 'user_account', catalogue.get('user_account')!, {
    ...base,
    where: sql`s.id in (select user_id from membership where cooperative_id = ${template.id})`,
    expressions: { email: sql`${to.emailPrefix} || s.email` },
  });
  await copyTable(tx, 'cooperative', catalogue.get('cooperative')!, {
    ...base,
    where: sql`s.id = ${template.id}`,
    overrides: { slug: to.slug, name: to.name },
  });
  for (const t of tables)
    await copyTable(tx, t, catalogue.get(t)!, { fromCooperative: template.id, toCooperative: newId, shiftYears: 0 });
  if (catalogue.has('cooperative_data_key')) await resealDataKeys(tx, template.id, newId, to.fileKey);
}

/** The copied data keys, sealed again for their new cooperative and ids (the files' contents
 *  stay as they are: the same data key opens them). */
async function resealDataKeys(tx: Tx, fromCoop: string, toCoop: string, fileKey: Buffer) {
  const db = coreDb(tx);
  const rows = (
    await sql<{
      id: string;
      new_id: string;
      wrapped_key: string;
      iv: string;
      auth_tag: string;
      master_fingerprint: string;
    }>`select k.id, m.new as new_id, k.wrapped_key, k.iv, k.auth_tag, k.master_fingerprint
      from cooperative_data_key k join gen_idmap m on m.old = k.id where k.cooperative_id = ${fromCoop}`.execute(db)
  ).rows;
  for (const r of rows) {
    const w = rewrapDataKeyFor(fileKey, { ...r, cooperative_id: fromCoop }, { cooperativeId: toCoop, keyId: r.new_id });
    await sql`update cooperative_data_key set wrapped_key = ${w.wrapped_key}, iv = ${w.iv}, auth_tag = ${w.auth_tag},
      master_fingerprint = ${w.master_fingerprint} where cooperative_id = ${toCoop} and id = ${r.new_id}`.execute(db);
  }
}

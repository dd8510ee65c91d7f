// The network generator at a size a test can afford (5 cooperatives, 6 years): every copy passes
// every integrity check of `radieuse check` (gapless numbering per series and year, balanced
// entries, activity accounts equal to sales, files that decrypt), a copied cooperative's books
// equal its template's, a copy back in time doubles the history without touching the present,
// and the copied people sign in with their own addresses and reach only their cooperative.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../../src/app/demo.ts';
import { runIntegrity } from '../../src/app/integrity.ts';
import { createDemoTestDb, testConfig } from '../../src/app/testing.ts';
import { createTestApp, TestClient } from '../../src/app/testing-web.ts';
import { coreDb } from '../../src/core/db/handles.ts';
import type { OpenDb } from '../../src/core/db/index.ts';
import { generateNetwork, type NetworkCounts } from './network.ts';

let odb: OpenDb;
let before_: Awaited<ReturnType<typeof perCoop>>;
let counts: NetworkCounts;
let entrepreneursBefore: Map<string, { all: number; owners: number }>;
const steps: string[] = [];

/** Entrepreneurs per cooperative, and those of them who own an activity (the ones copied). */
const entrepreneursPerCoop = async () =>
  new Map(
    (
      await sql<{ slug: string; n: string; owners: string }>`select c.slug, count(distinct m.user_id) as n,
        count(distinct m.user_id) filter (where exists (select 1 from activity_owner o
          where o.cooperative_id = c.id and o.user_id = m.user_id)) as owners
        from cooperative c join membership m on m.cooperative_id = c.id and m.role = 'entrepreneur'
        group by c.slug`.execute(coreDb(odb.db))
    ).rows.map((r) => [r.slug, { all: Number(r.n), owners: Number(r.owners) }]),
  );

const perCoop = async () =>
  (
    await sql<{
      slug: string;
      invoices: string;
      lines: string;
      sales: string;
      internal: string;
      debit: string;
    }>`select c.slug,
      (select count(*) from invoice i where i.cooperative_id = c.id and i.number is not null) as invoices,
      (select count(*) from entry_line l where l.cooperative_id = c.id) as lines,
      (select count(*) from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
        where l.cooperative_id = c.id and e.source_type in ('sales.invoice', 'sales.payment')) as sales,
      (select count(*) from entry_line l join journal_entry e on e.cooperative_id = l.cooperative_id and e.id = l.entry_id
        where l.cooperative_id = c.id and e.source_type = 'ledger.internal_invoice') as internal,
      (select coalesce(sum(debit_cents), 0) from entry_line l where l.cooperative_id = c.id) as debit
      from cooperative c order by c.slug`.execute(coreDb(odb.db))
  ).rows.map((r) => ({
    slug: r.slug,
    invoices: Number(r.invoices),
    lines: Number(r.lines),
    sales: Number(r.sales),
    internal: Number(r.internal),
    debit: Number(r.debit),
  }));

before(async () => {
  odb = await createDemoTestDb();
  before_ = await perCoop();
  entrepreneursBefore = await entrepreneursPerCoop();
  counts = await generateNetwork(odb, {
    cooperatives: 5,
    years: 6,
    salesDensity: 2,
    people: 2,
    fileKey: testConfig().fileKey,
    progress: (done, total, what) => steps.push(`${done}/${total} ${what}`),
  });
});
after(() => odb?.close());

test('the network has the asked size, with progress reported step by step', async () => {
  assert.equal(counts.cooperatives, 5);
  assert.equal(steps.length, 3 + 3 + 2, steps.join(' | '));
  assert.match(steps.at(-1)!, /^8\/8 /);
  const now = await perCoop();
  for (const b of before_) {
    const a = now.find((x) => x.slug === b.slug)!;
    // Each sale twice (density 2), then the two years copied twice further back: three times
    // (the marketplace's internal invoices are not history copied back: their entries stay once).
    assert.equal(a.invoices, 3 * 2 * b.invoices, b.slug);
    assert.equal(a.sales, 3 * 2 * b.sales, b.slug);
    assert.equal(a.internal, b.internal, b.slug);
    assert.equal(a.lines, 3 * (b.lines + b.sales) - 2 * b.internal, b.slug);
  }
  const copies = now.filter((x) => !before_.some((b) => b.slug === x.slug));
  assert.equal(copies.length, 2);
  for (const c of copies) {
    const template = now.find((x) => x.slug === c.slug.replace(/-\d+$/, ''))!;
    assert.deepEqual({ ...c, slug: template.slug }, template, `${c.slug} copies ${template.slug}`);
  }
  // Drafts are not repeated: only the numbered invoices multiply.
  const drafts = Number(
    (await sql<{ n: string }>`select count(*) as n from invoice where number is null`.execute(coreDb(odb.db))).rows[0]!
      .n,
  );
  assert.ok(drafts > 0);
  assert.equal(counts.invoices, now.reduce((s, x) => s + x.invoices, 0) + drafts);
});

test('copies of the sales go to copies of the activities: each entrepreneur with an activity twice', async () => {
  const now = await entrepreneursPerCoop();
  for (const [slug, n] of entrepreneursBefore) assert.equal(now.get(slug)?.all, n.all + n.owners, slug);
  assert.equal(
    counts.entrepreneurs,
    [...now.values()].reduce((s, n) => s + n.all, 0),
  );
  // Each copied activity holds exactly the numbered invoices of its original (one copy of each
  // sale, density 2), with postings under its own analytic code.
  const r = await sql<{
    code: string;
    copies: string;
    originals: string;
    lines: string;
  }>`select c.analytic_code as code,
      (select count(*) from invoice i where i.cooperative_id = c.cooperative_id and i.activity_id = c.id) as copies,
      (select count(*) from invoice i where i.cooperative_id = o.cooperative_id and i.activity_id = o.id
        and i.number is not null) as originals,
      (select count(*) from entry_line l where l.cooperative_id = c.cooperative_id and l.analytic_code = c.analytic_code)
        as lines
      from activity c join activity o on o.cooperative_id = c.cooperative_id and c.analytic_code = o.analytic_code || '-2'`.execute(
    coreDb(odb.db),
  );
  assert.ok(r.rows.length > 0);
  for (const x of r.rows) {
    assert.equal(Number(x.copies), Number(x.originals), x.code);
    if (Number(x.copies) > 0) assert.ok(Number(x.lines) > 0, `${x.code}: invoices without postings`);
  }
  assert.ok(r.rows.some((x) => Number(x.copies) > 0));
});

test('every cooperative of the generated network passes every integrity check', async () => {
  const problems = await runIntegrity(odb, { fileKey: testConfig().fileKey });
  assert.deepEqual(problems, []);
});

test('journal entries stay numbered 1, 2, 3… per journal and year after the copies', async () => {
  const r = await sql<{ bad: string }>`select count(*) as bad from (
      select cooperative_id, journal_code, fiscal_year, count(*) as n, max(entry_number) as hi, min(entry_number) as lo
      from journal_entry group by 1, 2, 3) g where g.n <> g.hi or g.lo <> 1`.execute(coreDb(odb.db));
  assert.equal(Number(r.rows[0]!.bad), 0);
  const s = await sql<{ bad: string }>`select count(*) as bad from ledger_sequence q where q.last_number <> (
      select max(entry_number) from journal_entry e where e.cooperative_id = q.cooperative_id
        and e.journal_code = q.journal_code and e.fiscal_year = q.fiscal_year)`.execute(coreDb(odb.db));
  assert.equal(Number(s.rows[0]!.bad), 0);
});

test('the years moved back keep their invoice numbers in their own year', async () => {
  const r = await sql<{ bad: string }>`select count(*) as bad from invoice
    where number is not null and number ~ '20[0-9]{2}' and number !~ extract(year from issue_date)::text`.execute(
    coreDb(odb.db),
  );
  assert.equal(Number(r.rows[0]!.bad), 0);
});

test('a copied person signs in with their own address and sees only their cooperative', async () => {
  const { app } = await createTestApp({ odb });
  const [copy] = (
    await sql<{ slug: string }>`select slug from cooperative where slug ~ '-[0-9]+$' order by slug`.execute(
      coreDb(odb.db),
    )
  ).rows;
  const template = copy!.slug.replace(/-\d+$/, '');
  const n = copy!.slug.match(/(\d+)$/)![1];
  const c = new TestClient(app);
  const r = await c.signIn(`${template}${n}.entrepreneur@${template}.demo`, DEMO_PASSWORD);
  assert.equal(r.res.status, 302);
  const home = await c.get('/factures');
  assert.equal(home.res.status, 200);
  // A copied entrepreneur (another person, same activity's copy) signs in too.
  const p = new TestClient(app);
  assert.equal((await p.signIn(`a2.entrepreneur@${template}.demo`, DEMO_PASSWORD)).res.status, 302);
  assert.equal((await p.get('/compte-activite')).res.status, 200);
  // The original person still signs in to the original cooperative, not to the copy.
  const o = new TestClient(app);
  assert.equal((await o.signIn(`entrepreneur@${template}.demo`, DEMO_PASSWORD)).res.status, 302);
});

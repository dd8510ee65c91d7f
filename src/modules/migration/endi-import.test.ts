// Import from enDI, on a realistic export with errors (fixtures/endi): the dry run lists every
// problem with its file and line and writes nothing; once fixed, everything comes in; running it
// again adds nothing; imported numbers and our next number are gapless; `radieuse check` passes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createTestDb, seedTestCooperatives, testConfig, type TestCoop } from '../../app/testing.ts';
import { runIntegrity } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { readFile } from '../../core/files.ts';
import { listActivities, listMembers } from '../directory/index.ts';
import {
  createDraft,
  findInvoiceByNumber,
  listInvoices,
  validateInvoice,
  getLines,
  invoiceNumberingCheck,
  listQuotes,
} from '../sales/index.ts';
import { readEndiDir } from './endi-files.ts';
import { importEndi, runEndiImport, type ImportReport } from './endi-import.service.ts';
import { parseCents, parseDate, parseRateBp } from './tabular.ts';
import { FIXES, FIXTURE } from './testing-endi.ts';

const config = testConfig();
let odb: OpenDb;
let a: TestCoop;
let b: TestCoop; // untouched by the other tests

/** What the CLI does: one transaction, rolled back on problems or for a dry run. */
async function run(dir: string, opts: { dryRun?: boolean; coop?: TestCoop } = {}): Promise<ImportReport> {
  const coop = opts.coop ?? a;
  return runEndiImport(odb.db, systemActor(coop.coop.id, 'Import enDI (test)'), await readEndiDir(dir), {
    fileKey: config.fileKey,
    dryRun: opts.dryRun,
  });
}

/** A copy of the fixture with the given replacements applied to its files. */
function fixedCopy(fixes: [file: string, from: string, to: string][], encoding: Record<string, BufferEncoding> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'endi-'));
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [file, from, to] of fixes) {
    const enc = encoding[file] ?? 'utf8';
    const text = readFileSync(join(dir, file), enc);
    assert.ok(text.includes(from), `${file} contient ${from}`);
    writeFileSync(join(dir, file), text.replace(from, to), enc);
  }
  return dir;
}

before(async () => {
  odb = await createTestDb();
  [a, b] = await seedTestCooperatives(odb);
});
after(() => odb.close());

test('French values: amounts to exact cents, rates, dates', () => {
  assert.equal(parseCents('1 234,56'), 123456);
  assert.equal(parseCents('-120,00'), -12000);
  assert.equal(parseCents('0,125'), 13);
  assert.equal(parseCents('12 €'), 1200);
  assert.equal(parseCents('abc'), null);
  assert.equal(parseRateBp('20,00 %'), 2000);
  assert.equal(parseRateBp('5,5'), 550);
  assert.equal(parseDate('31/02/2025'), null);
  assert.equal(parseDate('28/02/2025'), '2025-02-28');
  assert.equal(parseDate('2025-01-10'), '2025-01-10');
});

test('the dry run of the export with errors lists each problem with its file and line, and writes nothing', async () => {
  const r = await run(FIXTURE, { dryRun: true });
  const got = r.problems.map((p) => `${p.file}:${p.line}`);
  assert.deepEqual(got, [
    'clients.csv:4',
    'enseignes.csv:4',
    'factures.csv:5',
    'factures.csv:6',
    'factures.csv:6',
    'paiements.csv:4',
    'utilisateurs.csv:3',
  ]);
  const msg = (f: string) =>
    r.problems
      .filter((p) => `${p.file}:${p.line}` === f)
      .map((p) => p.message)
      .join(' | ');
  assert.match(msg('clients.csv:4'), /SIRE[NT] invalide/);
  assert.match(msg('enseignes.csv:4'), /Code analytique/);
  assert.match(msg('factures.csv:5'), /date invalide : « 31\/02\/2025 »/);
  assert.match(msg('factures.csv:6'), /TTC recalculé \(440,00 €\) diffère.*450,00 €/);
  assert.match(msg('factures.csv:6'), /numérotation discontinue : 1 numéro\(s\) manquant\(s\) avant 2025-00005/);
  assert.match(msg('paiements.csv:4'), /facture 2025-00099 introuvable/);
  assert.match(msg('utilisateurs.csv:3'), /e-mail invalide/);
  // Nothing was written.
  const invoices = await withTenant(odb.db, a.coop.id, (tx) => listInvoices(tx, a.actor('director')));
  assert.equal(invoices.total, 0);
});

test('a gap in the imported numbering is a problem (our series must stay continuous)', async () => {
  const dir = fixedCopy(FIXES.filter((f) => !f[2].startsWith('1007')));
  const r = await run(dir, { dryRun: true });
  assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
  assert.deepEqual([r.problems[0].file, r.problems[0].line], ['factures.csv', 6]);
  assert.match(r.problems[0].message, /numérotation discontinue : 1 numéro\(s\) manquant\(s\) avant 2025-00005/);
});

test('once fixed, everything is imported; re-running adds nothing; numbers continue gapless; check passes', async () => {
  const dir = fixedCopy(FIXES);
  const dry = await run(dir, { dryRun: true });
  assert.deepEqual(dry.problems, []);
  const r = await run(dir);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.created, {
    activities: 3,
    people: 4,
    customers: 4,
    suppliers: 2,
    quotes: 4,
    invoices: 6,
    credit_notes: 1,
    payments: 3,
  });
  assert.deepEqual(dry.created, r.created, 'the dry run announced exactly what the import did');

  const director = a.actor('director');
  await withTenant(odb.db, a.coop.id, async (tx) => {
    const acts = await listActivities(tx, director);
    const bois = acts.find((x) => x.analyticCode === 'BOIS')!;
    assert.equal(bois.name, 'Atelier Bois Flotté');
    assert.equal(bois.ownerIds.length, 1, 'Camille owns her activity');
    const members = await listMembers(tx, director, {});
    assert.ok(JSON.stringify(members).includes('camille.durand@exemple.fr'));
    // Original numbers kept, marked imported, lines from the XLSX export, original PDF stored.
    const first = (await findInvoiceByNumber(tx, director, '2025-00001'))!;
    assert.equal(first.totalInclCents, 102000);
    assert.equal(first.status, 'partly_paid');
    assert.equal(first.creditedCents, 12000);
    assert.deepEqual(
      (await getLines(tx, director, first.id)).map((l) => [l.description, l.quantityMilli, l.unitPriceCents]),
      [
        ['Étagère chêne massif 120 cm', 2000, 30000],
        ['Pose et fixation', 1000, 25000],
      ],
    );
    const old = (await findInvoiceByNumber(tx, director, 'FA-2024-017'))!;
    assert.equal(old.status, 'paid');
    assert.equal(old.issueDate, '2024-11-15');
    // Quotes take our own gapless numbers in date order, enDI's number kept in the title.
    const quotes = await listQuotes(tx, director);
    const byTitle = new Map(quotes.map((q) => [q.title?.split(' — ')[0], q]));
    assert.equal(byTitle.get('DE-2024-031')!.number, 'D2024-0001');
    assert.equal(byTitle.get('DE-2024-031')!.status, 'accepted');
    assert.equal(byTitle.get('DE-2025-009')!.number, 'D2025-0003');
    assert.equal(byTitle.get('DE-2025-009')!.status, 'refused');
    assert.equal(byTitle.get('DE-2025-007')!.totalInclCents, 264000);
    const credit = (await findInvoiceByNumber(tx, director, '2025-00006'))!;
    assert.equal(credit.typeCode, '381');
    assert.equal(credit.precedingInvoiceId, first.id);
  });
  const pdf = await withTenant(odb.db, a.coop.id, async (tx) => {
    const first = (await findInvoiceByNumber(tx, director, '2025-00001'))!;
    assert.equal(first.importedFrom, 'endi');
    return readFile(tx, config.fileKey, a.coop.id, first.originalFileId!);
  });
  const tmp = join(mkdtempSync(join(tmpdir(), 'endi-pdf-')), 'o.pdf');
  writeFileSync(tmp, pdf!.content);
  assert.match(execFileSync('pdftotext', [tmp, '-'], { encoding: 'utf8' }), /Facture 2025-00001/);

  // Again: nothing more.
  const again = await run(dir);
  assert.deepEqual(again.problems, []);
  assert.deepEqual(again.created, {
    activities: 0,
    people: 0,
    customers: 0,
    suppliers: 0,
    quotes: 0,
    invoices: 0,
    credit_notes: 0,
    payments: 0,
  });

  // Our next invoice of 2025 takes the number right after the imported ones.
  const next = await withTenant(odb.db, a.coop.id, async (tx) => {
    const support = a.actor('support');
    const bois = (await listActivities(tx, support)).find((x) => x.analyticCode === 'BOIS')!;
    const customer = (await findInvoiceByNumber(tx, support, '2025-00001'))!.customerId;
    const d = await createDraft(tx, support, {
      activityId: bois.id,
      customerId: customer,
      issueDate: '2025-12-01',
      dueDate: '2025-12-31',
      lines: [{ description: 'Banc', quantityMilli: 1000, unitPriceCents: 40000, vatCategory: 'S', vatRateBp: 2000 }],
    });
    return validateInvoice(tx, support, d.id, { today: '2025-12-01' });
  });
  assert.equal(next.number, '2025-00007');

  // radieuse check: numbering continuity, balanced entries, activity accounts = ledger, files.
  const problems = await runIntegrity(odb, { fileKey: config.fileKey, cooperative: a.coop });
  assert.deepEqual(problems, []);
  const numbering = await withTenant(odb.db, a.coop.id, (tx) => invoiceNumberingCheck.run(tx, a.coop.id));
  assert.deepEqual(numbering, []);
});

test('only the direction and the accountant may import a history', async () => {
  const bundle = await readEndiDir(FIXTURE);
  for (const role of ['entrepreneur', 'support'] as const)
    await assert.rejects(
      withTenant(odb.db, a.coop.id, (tx) => importEndi(tx, a.actor(role), bundle, { fileKey: config.fileKey })),
      ForbiddenError,
    );
});

test('the command prints the JSON contract and exits 1 when there are problems', async () => {
  const { migrationCommands } = await import('./commands.ts');
  const cmd = migrationCommands.find((c) => c.name === 'import endi')!;
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // Only the command's own lines (text); the test runner's binary reports go through.
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{"created"')) {
      printed.push(chunk);
      return true;
    }
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  let status: number | undefined;
  try {
    status = (await cmd.run({
      values: { cooperative: b.coop.slug, 'dry-run': true, format: 'json' },
      positionals: [FIXTURE],
      config,
      odb,
    })) as number | undefined;
  } finally {
    process.stdout.write = write;
  }
  assert.equal(status, 1);
  const out = JSON.parse(printed.join(''));
  assert.deepEqual(Object.keys(out), ['created', 'problems']);
  assert.deepEqual(Object.keys(out.problems[0]), ['file', 'line', 'message']);
  assert.equal(out.problems.length, 7);
});

// Import of entries from an accounting package (FEC, CSV): the dry run lists every problem with
// its line, a clean file shows in the trial balance and the activity account, a second run adds
// nothing, and our own FEC of the imported year carries the input's amounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, seedTestCooperatives, testConfig, type TestCoop } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { ForbiddenError } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { importEntries, parseCodeMapping } from './entries-import.service.ts';
import { readEntriesFile, ENTRIES_IMPORT_MAX_BYTES } from './entries-import-read.ts';
import { FEC_COLUMNS, writeFec } from './fec.ts';
import { activityAccount, trialBalance } from './reports.ts';
import { closePeriod } from './posting.service.ts';
import { ledgerDb } from './db.ts';

let odb: OpenDb;
let A: TestCoop;
let B: TestCoop;
let dir: string;

before(async () => {
  odb = await createTestDb();
  [A, B] = await seedTestCooperatives(odb, { withPasswords: false });
  dir = mkdtempSync(join(tmpdir(), 'radieuse-import-entries-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await odb.close();
});

/** ISO-8859-15 (€ at 0xA4) or Windows-1252 (€ at 0x80), as accounting packages write them. */
function encode(text: string, encoding: 'iso-8859-15' | 'windows-1252'): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '€') out.push(encoding === 'iso-8859-15' ? 0xa4 : 0x80);
    else if (ch === 'œ') out.push(encoding === 'iso-8859-15' ? 0xbd : 0x9c);
    else if (cp < 256) out.push(cp);
    else throw new Error(`not encodable: ${ch}`);
  }
  return Buffer.from(out);
}

const HEAD = [...FEC_COLUMNS, 'CodeAnalytique'];
type Row = [string, string, string, string, string, string, string, string, string, string, string, string];
/** journal, num, date, account, label of account, aux, aux label, piece, label, debit, credit, analytic */
function fec(rows: Row[], sep = '\t'): string {
  const lines = [HEAD.join(sep)];
  for (const [j, num, date, acc, accLib, aux, auxLib, piece, lib, d, c, ana] of rows)
    lines.push(
      [j, `Journal ${j}`, num, date, acc, accLib, aux, auxLib, piece, date, lib, d, c, '', '', date, '', '', ana].join(
        sep,
      ),
    );
  return `${lines.join('\r\n')}\r\n`;
}

const clean = (ana: string): Row[] => [
  ['VE', '1', '20250115', '41100000', 'Clients', 'CLI001', 'Acme', 'F2025-1', 'Facture Acme', '1200,00', '0,00', ana],
  ['VE', '1', '20250115', '70600000', 'Prestations', '', '', 'F2025-1', 'Facture Acme', '0,00', '1000,00', ana],
  ['VE', '1', '20250115', '44571000', 'TVA collectée', '', '', 'F2025-1', 'Facture Acme', '0,00', '200,00', ''],
  ['BQ', '7', '20250210', '51200000', 'Banque', '', '', 'VIR-1', 'Règlement Acme', '1200,00', '0,00', ''],
  ['BQ', '7', '20250210', '41100000', 'Clients', 'CLI001', 'Acme', 'VIR-1', 'Règlement Acme', '0,00', '1200,00', ana],
  ['AC', '3', '20250220', '60600000', 'Fournitures', '', '', 'FA-9', 'Papeterie', '100,00', '0,00', ana],
  ['AC', '3', '20250220', '44566000', 'TVA déductible', '', '', 'FA-9', 'Papeterie', '20,00', '0,00', ''],
  [
    'AC',
    '3',
    '20250220',
    '40100000',
    'Fournisseurs',
    'FOU1',
    'Bureau & Cie',
    'FA-9',
    'Papeterie',
    '0,00',
    '120,00',
    '',
  ],
  ['OD', '12', '20250305', '62260000', 'Honoraires expert', '', '', 'H-1', 'Honoraires été 50 €', '50,00', '0,00', ana],
  ['OD', '12', '20250305', '46700000', 'Divers', '', '', 'H-1', 'Honoraires été 50 €', '0,00', '50,00', ''],
];

test('reading: FEC with pipes in ISO-8859-15, tabs in Windows-1252, Montant/Sens, bounded size', () => {
  const iso = readEntriesFile(encode(fec(clean('X'), '|'), 'iso-8859-15'), 'a.txt');
  assert.equal(iso.format, 'fec');
  assert.equal(iso.encoding, 'iso-8859-15');
  assert.equal(iso.entries.length, 4);
  assert.deepEqual(iso.problems, []);
  assert.equal(iso.entries[3].label, 'Honoraires été 50 €');
  const win = readEntriesFile(encode(fec(clean('X')), 'windows-1252'), 'b.txt');
  assert.equal(win.encoding, 'windows-1252');
  assert.equal(win.entries[3].lines[0].label, 'Honoraires été 50 €');
  const utf = readEntriesFile(Buffer.from(`\uFEFF${fec(clean('X'))}`), 'c.txt');
  assert.equal(utf.encoding, 'utf-8');
  assert.equal(utf.entries[0].lines[0].debitCents, 120000);
  // Montant + Sens instead of Debit + Credit.
  const ms = [
    'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tMontant\tSens\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise',
    'OD\tOD\t1\t20250101\t512\tBanque\t\t\tP\t20250101\tX\t10,50\tD\t\t\t20250101\t\t',
    'OD\tOD\t1\t20250101\t467\tDivers\t\t\tP\t20250101\tX\t10,50\tC\t\t\t20250101\t\t',
  ].join('\n');
  const r = readEntriesFile(Buffer.from(ms), 'ms.txt');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.entries[0].lines.map((l) => [l.debitCents, l.creditCents]),
    [
      [1050, 0],
      [0, 1050],
    ],
  );
  assert.throws(() => readEntriesFile(Buffer.alloc(ENTRIES_IMPORT_MAX_BYTES + 1, 0x41), 'big.txt'), /trop gros/);
  assert.throws(() => readEntriesFile(Buffer.from('a;b\n1;2\n'), 'x.csv'), /Ni un FEC/);
  assert.deepEqual(parseCodeMapping('ve=VT, BQ1 → BQ\nX=Y'), { VE: 'VT', BQ1: 'BQ', X: 'Y' });
});

test('a FEC with errors: the dry run lists each problem with its file and line, and writes nothing', async () => {
  const rows = clean('ZZZ');
  rows[1] = [...rows[1]];
  rows[2] = [
    'VE',
    '1',
    '20250115',
    '44571000',
    'TVA collectée',
    '',
    '',
    'F2025-1',
    'Facture Acme',
    '0,00',
    '190,00',
    '',
  ];
  rows[5] = ['AC', '3', '20250231', '60600000', 'Fournitures', '', '', 'FA-9', 'Papeterie', '100,00', '0,00', ''];
  rows[8] = ['OD', '12', '20250305', '6226', 'Honoraires', '', '', 'H-1', 'Honoraires', '5O,00', '0,00', ''];
  rows.push(['OD', '13', '20250306', 'CAISSE', 'Caisse', '', '', 'C-1', 'Caisse', '10,00', '0,00', '']);
  rows.push(['OD', '13', '20250306', '467', 'Divers', '', '', 'C-1', 'Caisse', '0,00', '10,00', '']);
  const buf = Buffer.from(fec(rows));
  const r = await importEntries(odb.db, A.actor('accountant'), buf, 'ERRFEC20251231.txt', { dryRun: true });
  const lines = r.problems.map((p) => [p.file, p.line, p.message]);
  const find = (line: number, re: RegExp) =>
    assert.ok(
      lines.some(([f, l, m]) => f === 'ERRFEC20251231.txt' && l === line && re.test(m as string)),
      `line ${line} ${re}: ${JSON.stringify(lines)}`,
    );
  find(2, /L'écriture VE 1 n'est pas équilibrée : débit 1\s200,00\s€, crédit 1\s190,00\s€ \(lignes 2, 3, 4\)/);
  find(2, /Code analytique « ZZZ » inconnu/);
  find(7, /Date d'écriture « 20250231 » invalide/);
  find(10, /Débit « 5O,00 » illisible/);
  find(12, /Numéro de compte « CAISSE » invalide/);
  // The AC entry lost its bad line: what remains is unbalanced, and said so.
  find(8, /L'écriture AC 3 n'est pas équilibrée/);
  find(11, /L'écriture OD 12 n'est pas équilibrée/);
  assert.equal(r.problems.length, 7);
  assert.equal(r.imported, 0);
  const count = await withTenant(odb.db, A.coop.id, (trx) =>
    ledgerDb(trx)
      .selectFrom('journal_entry')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source_type', '=', 'import')
      .executeTakeFirstOrThrow(),
  );
  assert.equal(Number(count.n), 0);
  // Without --dry-run the same problems, still nothing written.
  const again = await importEntries(odb.db, A.actor('accountant'), buf, 'ERRFEC20251231.txt');
  assert.equal(again.problems.length, r.problems.length);
  assert.equal(again.imported, 0);
});

test('a clean FEC shows in the trial balance and the activity account; a second run adds nothing; our FEC round-trips', async () => {
  const code = A.analyticCode;
  const buf = encode(fec(clean(code.toLowerCase()), '|'), 'iso-8859-15');
  const dry = await importEntries(odb.db, A.actor('accountant'), buf, 'FEC.txt', {
    dryRun: true,
    journals: { VE: 'VT' },
  });
  assert.deepEqual(dry.problems, []);
  assert.equal(dry.imported, 4);
  const r = await importEntries(odb.db, A.actor('director'), buf, 'FEC.txt', { journals: { VE: 'VT' } });
  assert.deepEqual(r.problems, []);
  assert.equal(r.imported, 4);
  assert.equal(r.debitCents, 120000 + 120000 + 12000 + 5000);
  assert.deepEqual(r.accountsCreated, ['62260000']);
  assert.deepEqual(r.journalsCreated, []);
  assert.deepEqual(r.accountsMapped.map((m) => `${m.from}→${m.to}`).sort(), [
    '40100000→401',
    '41100000→411',
    '44566000→44566',
    '44571000→44571',
    '46700000→467',
    '51200000→512',
    '60600000→606',
    '70600000→706',
  ]);
  assert.deepEqual(r.activities, [{ code, entries: 4 }]);

  const { tb, acc } = await withTenant(odb.db, A.coop.id, async (trx) => ({
    tb: await trialBalance(trx, A.actor('accountant'), '2025-01-01', '2025-12-31'),
    acc: await activityAccount(trx, A.actor('accountant'), code, 2025),
  }));
  const bal = Object.fromEntries(tb.map((t) => [t.account, t.balanceCents]));
  assert.deepEqual(bal, {
    '401': -12000,
    '411': 0,
    '44566': 2000,
    '44571': -20000,
    '467': -5000,
    '512': 120000,
    '606': 10000,
    '62260000': 5000,
    '706': -100000,
  });
  assert.equal(acc.total.invoicedExclCents, 100000);
  assert.equal(acc.total.collectedInclCents, 120000);
  assert.equal(acc.total.costsCents, 15000);
  assert.equal(acc.total.outstandingCents, 0);

  // The entries are marked imported, with the package's numbering kept as their source.
  const entries = await withTenant(odb.db, A.coop.id, (trx) =>
    ledgerDb(trx)
      .selectFrom('journal_entry')
      .select(['journal_code', 'source_type', 'source_id', 'piece_ref'])
      .where('source_type', '=', 'import')
      .orderBy('journal_code')
      .execute(),
  );
  assert.deepEqual(
    entries.map((e) => [e.journal_code, e.source_id, e.piece_ref]),
    [
      ['AC', 'fec:AC:3:2025', 'FA-9'],
      ['BQ', 'fec:BQ:7:2025', 'VIR-1'],
      ['OD', 'fec:OD:12:2025', 'H-1'],
      ['VT', 'fec:VE:1:2025', 'F2025-1'],
    ],
  );

  const second = await importEntries(odb.db, A.actor('accountant'), buf, 'FEC.txt', { journals: { VE: 'VT' } });
  assert.deepEqual(second.problems, []);
  assert.equal(second.imported, 0);
  assert.equal(second.alreadyImported, 4);
  const tb2 = await withTenant(odb.db, A.coop.id, (trx) =>
    trialBalance(trx, A.actor('accountant'), '2025-01-01', '2025-12-31'),
  );
  assert.deepEqual(tb2, tb);

  // Our FEC of 2025 carries exactly the input's amounts, entry by entry.
  const out = await withTenant(odb.db, A.coop.id, (trx) => writeFec(trx, A.actor('accountant'), 2025, dir));
  const exported = readFileSync(out.path, 'utf8')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split('\t'));
  const input = clean(code);
  const amounts = (rows: string[][], piece: number, d: number, c: number) =>
    rows.map((x) => `${x[piece]} ${x[d]} ${x[c]}`).sort();
  assert.deepEqual(amounts(exported, 8, 11, 12), amounts(input, 7, 9, 10));
  const sum = (rows: string[][], i: number) => rows.reduce((s, x) => s + Number(x[i].replace(',', '.')) * 100, 0);
  assert.equal(sum(exported, 11), sum(input, 9));
  assert.equal(sum(exported, 12), sum(input, 10));
  // ... and imported into another cooperative it gives the same trial balance.
  const back = await importEntries(odb.db, B.actor('accountant'), readFileSync(out.path), out.fileName, {
    analytic: { [code]: B.analyticCode },
  });
  assert.deepEqual(back.problems, []);
  assert.equal(back.imported, 4);
  const tbB = await withTenant(odb.db, B.coop.id, (trx) =>
    trialBalance(trx, B.actor('accountant'), '2025-01-01', '2025-12-31'),
  );
  assert.deepEqual(
    tbB.map((t) => [t.account, t.debitCents, t.creditCents]),
    tb.map((t) => [t.account, t.debitCents, t.creditCents]),
  );
});

test('a simple CSV: entries found by balance, a closed period refused, the command prints JSON and exits 1 on problems', async () => {
  const csv = [
    'Date;Journal;Compte;Libellé;Débit;Crédit;Code analytique',
    `02/04/2025;BQ;627;Frais bancaires;12,50;;${B.analyticCode}`,
    '02/04/2025;BQ;512;Frais bancaires;;12,50;',
    `02/04/2025;BQ;627;Frais bancaires;12,50;;${B.analyticCode}`,
    '02/04/2025;BQ;512;Frais bancaires;;12,50;',
    `15/04/2025;VTE;411;Facture 12;600,00;;`,
    `15/04/2025;VTE;706;Facture 12;;500,00;${B.analyticCode}`,
    '15/04/2025;VTE;44571;Facture 12;;100,00;',
  ].join('\n');
  const path = join(dir, 'ecritures.csv');
  writeFileSync(path, csv);
  const r = await importEntries(odb.db, B.actor('accountant'), Buffer.from(csv), 'ecritures.csv');
  assert.deepEqual(r.problems, []);
  assert.equal(r.format, 'csv');
  assert.equal(r.imported, 3, 'two identical bank fees are two entries');
  assert.deepEqual(r.journalsCreated, ['VTE']);
  const again = await importEntries(odb.db, B.actor('accountant'), Buffer.from(csv), 'ecritures.csv');
  assert.equal(again.imported, 0);
  assert.equal(again.alreadyImported, 3);

  // A closed month refuses the file as a whole.
  await withTenant(odb.db, B.coop.id, (trx) => closePeriod(trx, B.actor('accountant'), '2025-05'));
  const may = `${csv.split('\n')[0]}\n02/05/2025;BQ;627;Frais;1,00;;\n02/05/2025;BQ;512;Frais;;1,00;\n`;
  const mayPath = join(dir, 'mai.csv');
  writeFileSync(mayPath, may);
  const { ledgerCommands } = await import('./commands.ts');
  const cmd = ledgerCommands.find((c) => c.name === 'import entries')!;
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{"format"')) {
      printed.push(chunk);
      return true;
    }
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  let status: number | undefined;
  try {
    status = (await cmd.run({
      values: { cooperative: B.coop.slug, format: 'json' },
      positionals: [mayPath],
      config: testConfig(),
      odb,
    })) as number | undefined;
  } finally {
    process.stdout.write = write;
  }
  assert.equal(status, 1);
  const out = JSON.parse(printed.join(''));
  assert.equal(out.imported, 0);
  assert.deepEqual(out.problems, [
    {
      file: 'mai.csv',
      line: 2,
      message: 'La période de mai 2025 est clôturée : cette écriture ne peut pas y être importée.',
    },
  ]);
});

test('only the accountant and the direction may import entries', async () => {
  const buf = Buffer.from(fec(clean('')));
  for (const role of ['entrepreneur', 'support'] as const)
    await assert.rejects(importEntries(odb.db, A.actor(role), buf, 'x.txt', { dryRun: true }), ForbiddenError);
});

// Reading real-looking receipts in the background. (1) OCR quality: receipts drawn as pixels and
// degraded like real captures (a phone photo askew with uneven light, a washed-out scan, a faded
// thermal ticket, a scanned PDF without text layer); total, VAT, date and supplier compared with
// what was printed, and the hit rate (fields read right / fields) printed and bounded from below.
// (2) The job really runs through pg-boss: receipts queued by the service, the queue processed
// by a started pg-boss, the expense lines added for their sender, the job completed in pg-boss.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { requestJob, startJobs } from '../../core/jobs.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { readIncomingDocument } from './incoming.ts';
import { queueReceipts, readingBatch, receiptReadingQueue, RECEIPT_READING_QUEUE } from './receipt-reading.ts';
import {
  drawReceipt,
  lowContrast,
  receiptLines,
  rotate,
  shade,
  thermal,
  toPng,
  toScannedPdf,
  type ReceiptTruth,
} from './testdata/receipt-images.ts';
import { purchasesDb } from './db.ts';

const KEY = Buffer.alloc(32, 5);
let odb: OpenDb;
let A: TestCoop;
before(async () => {
  odb = await createTestDb();
  [A] = await seedTestCooperatives(odb, { withPasswords: false });
});
after(async () => {
  await odb?.close();
});

const d = (n: number) => addDays(todayParis(), -n);
/** The receipts of the bench: what each says, and how it was captured. */
async function bench(): Promise<{ name: string; truth: ReceiptTruth; file: Buffer; mime: string }[]> {
  const r1 = receiptLines({ supplier: 'BOULANGERIE DU PARC', date: d(3), totalCents: 2860, vatCents: 260 }, [
    ['Pain de campagne', 460],
    ['Sandwichs x4', 2400],
  ]);
  const r2 = receiptLines({ supplier: 'CAFE DES ARTS', date: d(9), totalCents: 4730, vatCents: 430 }, [
    ['Menu du jour x2', 3800],
    ['Cafe x3', 930],
  ]);
  const r3 = receiptLines({ supplier: 'TAXI LUMIERE', date: d(15), totalCents: 3245, vatCents: 295 }, [
    ['Course Gare Part-Dieu', 3245],
  ]);
  const r4 = receiptLines({ supplier: 'RESTAURANT LE MARCHE', date: d(21), totalCents: 11990, vatCents: 1090 }, [
    ['Repas client x3', 10500],
    ['Vin', 1490],
  ]);
  const r5 = receiptLines({ supplier: 'PARKING BELLECOUR', date: d(2), totalCents: 1540, vatCents: 140 }, [
    ['Stationnement 3h', 1540],
  ]);
  const png = (t: ReceiptTruth) => drawReceipt(t.lines);
  const scanned = lowContrast(rotate(png(r4), -2, 255), 70, 230, 12, 11);
  return [
    {
      name: 'photo de travers, éclairage inégal',
      truth: r1,
      file: toPng(shade(rotate(png(r1), 5), 0.4)),
      mime: 'image/png',
    },
    {
      name: 'scan délavé (faible contraste)',
      truth: r2,
      file: toPng(lowContrast(png(r2), 120, 200, 20, 7)),
      mime: 'image/png',
    },
    { name: 'ticket thermique pâli', truth: r3, file: toPng(thermal(png(r3), 3)), mime: 'image/png' },
    {
      name: 'PDF scanné sans texte',
      truth: r4,
      file: await toScannedPdf(toPng(scanned), scanned),
      mime: 'application/pdf',
    },
    {
      name: 'photo retournée de 3°, thermique',
      truth: r5,
      file: toPng(thermal(rotate(png(r5), -3, 235), 9)),
      mime: 'image/png',
    },
  ];
}

const norm = (s: string | null) => (s ?? '').toUpperCase().replace(/[^A-Z]/g, '');

test('OCR of photographed and scanned receipts: total, VAT, date and supplier, with the hit rate', async () => {
  const receipts = await bench();
  let hits = 0;
  let fields = 0;
  const report: string[] = [];
  for (const r of receipts) {
    const p = await readIncomingDocument(r.file, r.mime);
    assert.equal(p.format, 'ocr', `${r.name}: read by OCR (a scan has no text layer)`);
    const got = {
      total: p.totalInclCents === r.truth.totalCents,
      vat: p.vatCents === r.truth.vatCents,
      date: p.issueDate === r.truth.date,
      supplier: norm(p.seller.name) === norm(r.truth.supplier),
    };
    const n = Object.values(got).filter(Boolean).length;
    hits += n;
    fields += 4;
    report.push(
      `${r.name}: ${n}/4 (total ${p.totalInclCents}, TVA ${p.vatCents}, date ${p.issueDate}, fournisseur ${p.seller.name})`,
    );
  }
  const rate = hits / fields;
  console.log(`OCR hit rate: ${hits}/${fields} = ${(rate * 100).toFixed(0)} %\n  ${report.join('\n  ')}`);
  // Measured 19/20 when written (the washed-out scan's date is misread); below 85 % the reading has regressed.
  assert.ok(rate >= 0.85, `hit rate ${(rate * 100).toFixed(0)} %:\n${report.join('\n')}`);
});

test('a PDF without text layer is not OCRed inside a request (ocr: false): it must be queued', async () => {
  const img = drawReceipt(['SCAN', 'TOTAL TTC 10,00']);
  const pdf = await toScannedPdf(toPng(img), img);
  await assert.rejects(readIncomingDocument(pdf, 'application/pdf', { ocr: false }), /OCR needed/);
  await assert.rejects(readIncomingDocument(toPng(img), 'image/png', { ocr: false }), /OCR needed/);
});

test('receipts are queued by the service and read by the pg-boss job: lines added for their sender', async () => {
  const [r1, , , , r5] = await bench();
  const ent = A.actor('entrepreneur');
  const { batchId } = await withTenant(odb.db, A.coop.id, (trx) =>
    queueReceipts(
      trx,
      ent,
      KEY,
      [
        { name: 'boulangerie.png', mimeType: 'image/png', content: r1.file },
        { name: 'parking.png', mimeType: 'image/png', content: r5.file },
        { name: 'vide.png', mimeType: 'image/png', content: toPng(drawReceipt(['Merci de votre visite'])) },
      ],
      { activityId: A.activityId },
    ),
  );
  const before = await withTenant(odb.db, A.coop.id, (trx) => readingBatch(trx, ent, batchId));
  assert.deepEqual(
    { total: before?.total, done: before?.done, finished: before?.finished },
    { total: 3, done: 0, finished: false },
  );
  // Someone else of the cooperative does not see the batch.
  const other = A.actor('cape');
  assert.equal(await withTenant(odb.db, A.coop.id, (trx) => readingBatch(trx, other, batchId)), null);

  const boss = await startJobs(odb, [], () => {}, [receiptReadingQueue(odb.db, KEY)]);
  try {
    await requestJob(RECEIPT_READING_QUEUE, { cooperativeId: A.coop.id, batchId });
    let batch = before;
    const deadline = Date.now() + 120_000;
    while (!batch?.finished && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      batch = await withTenant(odb.db, A.coop.id, (trx) => readingBatch(trx, ent, batchId));
    }
    assert.ok(batch?.finished, 'the job read every receipt');
    assert.deepEqual(
      batch.items.map((i) => [i.fileName, i.status]),
      [
        ['boulangerie.png', 'done'],
        ['parking.png', 'done'],
        ['vide.png', 'failed'],
      ],
    );
    assert.match(batch.items[2].message ?? '', /montant n'a pas pu être lu/);
    const lines = await purchasesDb(odb.db)
      .selectFrom('expense_line')
      .innerJoin('expense_report', 'expense_report.id', 'expense_line.report_id')
      .select([
        'expense_line.amount_incl_cents',
        'expense_line.vat_cents',
        'expense_line.date',
        'expense_line.category',
        'expense_report.user_id',
      ])
      .where('expense_line.cooperative_id', '=', A.coop.id)
      .orderBy('expense_line.amount_incl_cents')
      .execute();
    assert.deepEqual(
      lines.map((l) => [Number(l.amount_incl_cents), Number(l.vat_cents), l.date, l.category, l.user_id]),
      [
        [1540, 140, r5.truth.date, 'meals', ent.userId],
        [2860, 260, r1.truth.date, 'meals', ent.userId],
      ],
    );
    // The job went through pg-boss's own table, and completed there.
    let jobs = await odb.raw(`select state from pgboss.job where name = $1`, [RECEIPT_READING_QUEUE]);
    for (let i = 0; i < 40 && jobs.rows[0]?.state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      jobs = await odb.raw(`select state from pgboss.job where name = $1`, [RECEIPT_READING_QUEUE]);
    }
    assert.deepEqual(
      jobs.rows.map((j) => j.state),
      ['completed'],
    );
    // The unreadable receipt's file is not kept.
    const files = await odb.db
      .selectFrom('stored_file')
      .select('name')
      .where('cooperative_id', '=', A.coop.id)
      .where('name', '=', 'vide.png')
      .execute();
    assert.equal(files.length, 0);
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
});

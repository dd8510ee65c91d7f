import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvLine } from './cli.ts';
import { csvRecord, neutralizeFormula } from './csv.ts';
import { trialBalanceCsv } from '../modules/ledger/reports.ts';
import { openTable } from '../modules/ledger/tabular.ts';
import { PassThrough } from 'node:stream';

test('cells a spreadsheet would run as formulas get a leading apostrophe', () => {
  for (const s of ['=HYPERLINK("http://x")', '+33 6 12', '-2+3', '@SUM(A1)', '\tx', '\rx'])
    assert.equal(neutralizeFormula(s), `'${s}`);
  for (const s of ['Dupont', '-12.50', '-3,20', '12', '', 'a=b']) assert.equal(neutralizeFormula(s), s);
  assert.equal(neutralizeFormula(-5), '-5');
  assert.equal(neutralizeFormula(null), '');
});

test('records are quoted by csv-stringify after neutralising', () => {
  assert.equal(csvRecord(['a,b', '=1+1', 'x"y', null, 3]), `"a,b",'=1+1,"x""y",,3`);
  assert.equal(csvRecord(['a;b', '@x'], ';'), `"a;b";'@x`);
  // the CLI's `--format csv` (invoice list) goes through the same helper
  assert.equal(csvLine(['F-1', '=cmd|"/c calc"!A1', '-10.00']), `F-1,"'=cmd|""/c calc""!A1",-10.00`);
});

test('accounting exports neutralise formulas (trial balance, tabular CSV)', async () => {
  const tb = trialBalanceCsv([{ account: '411', label: '=1+2', debitCents: 100, creditCents: 0, balanceCents: -100 }]);
  assert.match(tb, /^411,'=1\+2,1\.00,0\.00,-1\.00$/m);
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c) => chunks.push(Buffer.from(c)));
  const t = openTable(sink, 'csv', [{ key: 'label', header: 'Libellé', kind: 'text' }, { key: 'amount', header: 'Montant', kind: 'money' }], 'x');
  await t.write({ label: '+SUM(A1)', amount: -250 });
  await t.close();
  const text = Buffer.concat(chunks).toString('utf8');
  assert.match(text, /'\+SUM\(A1\);-2,50\r\n/);
});

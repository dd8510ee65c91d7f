import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvLine } from './cli.ts';
import { csvRecord, neutralizeFormula } from './csv.ts';

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

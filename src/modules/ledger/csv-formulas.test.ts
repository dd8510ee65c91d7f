// Accounting exports open in spreadsheets: a label that looks like a formula stays text.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { trialBalanceCsv } from './reports.ts';
import { openTable } from './tabular.ts';

test('accounting exports neutralise formulas (trial balance, tabular CSV)', async () => {
  const tb = trialBalanceCsv([{ account: '411', label: '=1+2', debitCents: 100, creditCents: 0, balanceCents: -100 }]);
  assert.match(tb, /^411,'=1\+2,1\.00,0\.00,-1\.00$/m);
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c) => chunks.push(Buffer.from(c)));
  const t = openTable(
    sink,
    'csv',
    [
      { key: 'label', header: 'Libellé', kind: 'text' },
      { key: 'amount', header: 'Montant', kind: 'money' },
    ],
    'x',
  );
  await t.write({ label: '+SUM(A1)', amount: -250 });
  await t.close();
  const text = Buffer.concat(chunks).toString('utf8');
  assert.match(text, /'\+SUM\(A1\);-2,50\r\n/);
});

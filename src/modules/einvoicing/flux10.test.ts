// The structured e-reporting file (flux 10): exact decimal amounts from cents, the sections the
// specification names, escaping, and a well-formed document checked by xmllint (libxml2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decimalOf, flux10Xml, percentOf, type Flux10Data } from './flux10.ts';

const XMLLINT = '/usr/bin/xmllint';

const data: Flux10Data = {
  id: '0190f000-0000-7000-8000-000000000001',
  issuedAt: new Date('2026-12-07T14:05:09Z'),
  issuer: { siren: '123456782', name: 'Les Ruches & Cie <SCOP>' },
  periodStart: '2026-11-01',
  periodEnd: '2026-11-30',
  international: [
    {
      number: 'F2026-0007',
      issueDate: '2026-11-03',
      typeCode: '380',
      buyerName: 'GmbH "Berlin"',
      lines: [{ category: 'TNT1', vatRateBp: 0, baseCents: 300_000, vatCents: 0 }],
    },
  ],
  b2cDays: [
    { date: '2026-11-04', category: 'TPS1', vatRateBp: 2000, baseCents: 10_001, vatCents: 2_000, count: 2 },
    { date: '2026-11-04', category: 'TLB1', vatRateBp: 550, baseCents: -5, vatCents: 0, count: 1 },
  ],
  internationalPayments: [
    {
      invoiceNumber: 'F2026-0007',
      issueDate: '2026-11-03',
      date: '2026-11-20',
      amounts: [{ vatRateBp: 0, inclCents: 150_000 }],
    },
  ],
  b2cPayments: [
    { date: '2026-11-05', vatRateBp: 2000, inclCents: 12_001 },
    { date: '2026-11-05', vatRateBp: 1000, inclCents: 110 },
  ],
};

test('amounts: exact cents as decimal strings, never through a float', () => {
  assert.deepEqual([0, 5, -5, 100, 10_001, -123_456, 9_007_199_254_740_991].map(decimalOf), [
    '0.00',
    '0.05',
    '-0.05',
    '1.00',
    '100.01',
    '-1234.56',
    '90071992547409.91',
  ]);
  assert.deepEqual([2000, 550, 0].map(percentOf), ['20.00', '5.50', '0.00']);
  assert.throws(() => decimalOf(0.5));
});

test('flux 10: header, 10.1 invoices, 10.3 days, 10.2 and 10.4 payments, escaped', () => {
  const xml = flux10Xml(data);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Report>/);
  assert.match(xml, /<DateTimeString format="204">20261207140509<\/DateTimeString>/);
  assert.match(xml, /<Id schemeId="0002">123456782<\/Id>\s*<Name>Les Ruches &amp; Cie &lt;SCOP&gt;<\/Name>/);
  assert.match(
    xml,
    /<TransactionsReport>\s*<ReportPeriod>\s*<StartDate>20261101<\/StartDate>\s*<EndDate>20261130<\/EndDate>/,
  );
  // 10.1: the invoice abroad, its buyer escaped, its line with category and rate.
  assert.match(
    xml,
    /<Invoice>\s*<ID>F2026-0007<\/ID>\s*<IssueDate>20261103<\/IssueDate>\s*<TypeCode>380<\/TypeCode>[\s\S]*<Name>GmbH &quot;Berlin&quot;<\/Name>[\s\S]*<TaxExclusiveAmount>3000.00<\/TaxExclusiveAmount>[\s\S]*<CategoryCode>TNT1<\/CategoryCode>/,
  );
  // 10.3: one block per day, category and rate; a day of credit notes may be negative.
  assert.match(
    xml,
    /<Transactions>\s*<Date>20261104<\/Date>\s*<CurrencyCode>EUR<\/CurrencyCode>\s*<CategoryCode>TPS1<\/CategoryCode>\s*<TaxExclusiveAmount>100.01<\/TaxExclusiveAmount>\s*<TaxTotal>20.00<\/TaxTotal>\s*<TransactionsCount>2<\/TransactionsCount>/,
  );
  assert.match(xml, /<CategoryCode>TLB1<\/CategoryCode>\s*<TaxExclusiveAmount>-0.05<\/TaxExclusiveAmount>/);
  // 10.2 per invoice, 10.4 one day with its two rates.
  assert.match(
    xml,
    /<PaymentsReport>[\s\S]*<InvoiceID>F2026-0007<\/InvoiceID>[\s\S]*<Date>20261120<\/Date>[\s\S]*<Amount>1500.00<\/Amount>/,
  );
  assert.match(
    xml,
    /<Payment>\s*<Date>20261105<\/Date>\s*<SubTotals>\s*<TaxPercent>20.00<\/TaxPercent>\s*<CurrencyCode>EUR<\/CurrencyCode>\s*<Amount>120.01<\/Amount>\s*<\/SubTotals>\s*<SubTotals>\s*<TaxPercent>10.00<\/TaxPercent>/,
  );
  assert.equal(xml.match(/<Transactions>/g)!.length, 3);
  // Nothing paid: no payments section.
  assert.doesNotMatch(flux10Xml({ ...data, internationalPayments: [], b2cPayments: [] }), /PaymentsReport/);
});

test('flux 10: the file is well-formed XML for libxml2 (xmllint)', (t) => {
  if (!existsSync(XMLLINT)) {
    console.warn(`SKIPPED: ${XMLLINT} is absent, the flux 10 file was not checked by xmllint`);
    t.skip(`${XMLLINT} absent`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'flux10-'));
  const good = join(dir, 'flux10.xml');
  writeFileSync(good, flux10Xml({ ...data, issuer: { ...data.issuer, name: 'Coop\u0001 <&> « été »' } }));
  const out = execFileSync(XMLLINT, ['--noout', '--nonet', good], { encoding: 'utf8', stdio: 'pipe' });
  assert.equal(out, '');
  // The check can fail: a broken document is refused.
  const bad = join(dir, 'bad.xml');
  writeFileSync(bad, flux10Xml(data).replace('</ReportDocument>', ''));
  assert.throws(() => execFileSync(XMLLINT, ['--noout', '--nonet', bad], { stdio: 'pipe' }));
});

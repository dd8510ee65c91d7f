import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  parseStatement,
  parseCsv,
  StatementParseError,
  detectFormat,
  decodeText,
  FRENCH_CSV_MAPPING,
  guessCsvMapping,
  detectDecimalSeparator,
  type LineProblem,
} from './parsers.ts';

const sample = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
function problemsOf(fn: () => unknown): LineProblem[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatementParseError, `StatementParseError attendue, reçu ${(e as Error).message}`);
    return e.problems;
  }
  assert.fail('le fichier aurait dû être refusé');
}

test('CAMT.053: entries, signs, dates, parties, remittance, entities, references', () => {
  const s = parseStatement(sample('camt053-ok.xml'));
  assert.equal(s.format, 'camt053');
  assert.equal(s.accountIban, 'FR7630006000011234567890189');
  assert.equal(s.lines.length, 4);
  const [a, b, fee, cent] = s.lines;
  assert.deepEqual(
    { ...a, dedupeKey: undefined },
    {
      bookingDate: '2026-11-03',
      valueDate: '2026-11-03',
      amountCents: 120000,
      currency: 'EUR',
      label: 'VIR FACTURE 2026-00012',
      counterpartyName: 'Boulangerie Lumière',
      counterpartyIban: 'FR1420041010050500013M02606',
      reference: 'E2E-0001',
      bankRef: 'BQ0001',
      bankCode: 'PMNT-RCDT-ESCT',
      dedupeKey: undefined,
    },
  );
  assert.equal(a.dedupeKey, 'ref:BQ0001');
  assert.equal(b.amountCents, 35050);
  assert.equal(b.valueDate, '2026-11-06');
  assert.equal(b.label, 'Règlement F 2026-00013 & 2026-00014');
  assert.equal(b.counterpartyName, 'Atelier des Pentes & Cie');
  assert.equal(b.reference, null, 'NOTPROVIDED is no reference');
  assert.equal(fee.amountCents, -1290);
  assert.equal(fee.counterpartyName, 'Banque Populaire');
  assert.equal(cent.amountCents, 1);
});

test('CAMT.053 malformed: every bad entry rejected with its line and reason', () => {
  const p = problemsOf(() => parseStatement(sample('camt053-malformed.xml')));
  const text = readFileSync(new URL('./testdata/camt053-malformed.xml', import.meta.url), 'utf8').split('\n');
  const ntryLines = text.map((l, i) => (/^\s*<Ntry>/.test(l) ? i + 1 : 0)).filter(Boolean);
  assert.equal(ntryLines.length, 5);
  assert.deepEqual(
    p.map((x) => x.line),
    [ntryLines[1], ntryLines[2], ntryLines[3], ntryLines[4]],
  );
  assert.match(p[0].reason, /montant invalide « 12,50 »/);
  assert.match(p[1].reason, /sens .*CRED/);
  assert.match(p[2].reason, /date de comptabilisation .*2026-13-01/);
  assert.match(p[3].reason, /devise USD/);
  const broken = problemsOf(() => parseStatement(sample('camt053-not-xml.xml')));
  assert.equal(broken.length, 1);
  assert.match(broken[0].reason, /XML mal formé/);
  assert.ok(broken[0].line > 1);
});

test('OFX 1.x SGML (Latin-1, decimal comma, time zone suffix) and OFX 2.x XML', () => {
  const s = parseStatement(sample('ofx1-sgml-latin1.ofx'));
  assert.equal(s.format, 'ofx');
  assert.equal(s.lines.length, 2);
  assert.equal(s.lines[0].amountCents, 120000);
  assert.equal(s.lines[0].label, 'VIR BOULANGERIE LUMIÈRE FACTURE 2026-00012');
  assert.equal(s.lines[0].dedupeKey, 'ref:OFX0001');
  assert.equal(s.lines[1].bookingDate, '2026-11-10');
  assert.equal(s.lines[1].amountCents, -1290);
  const x = parseStatement(sample('ofx2-xml.ofx'));
  assert.equal(x.accountIban, 'FR7630004000310000001234567');
  assert.deepEqual(
    x.lines.map((l) => [l.bookingDate, l.amountCents, l.counterpartyName, l.bankRef]),
    [
      ['2026-11-05', 35050, 'Atelier des Pentes & Cie', 'X-0001'],
      ['2026-11-10', -4500, 'Papeterie Dupont', 'X-0002'],
    ],
  );
});

test('OFX malformed: bad date and bad amount, each with its line', () => {
  const p = problemsOf(() => parseStatement(sample('ofx1-malformed.ofx')));
  assert.equal(p.length, 2);
  assert.match(p[0].reason, /date \(DTPOSTED\) invalide « 2026-11-03 »/);
  assert.match(p[1].reason, /montant invalide « -12.90 EUR »/);
  const lines = readFileSync(new URL('./testdata/ofx1-malformed.ofx', import.meta.url), 'latin1').split('\n');
  assert.equal(lines[p[0].line - 1], '<DTPOSTED>2026-11-03');
  assert.equal(lines[p[1].line - 1], '<TRNAMT>-12.90 EUR');
});

test('CSV: French debit/credit columns in Latin-1, quoted separator, identical lines kept apart', () => {
  const buf = sample('csv-debit-credit-latin1.csv');
  assert.equal(detectFormat(decodeText(buf)), 'csv');
  const s = parseStatement(buf); // mapping guessed from the header
  assert.deepEqual(
    s.lines.map((l) => [l.bookingDate, l.amountCents, l.label]),
    [
      ['2026-11-03', 120000, 'VIR SEPA BOULANGERIE LUMIÈRE FACTURE 2026-00012'],
      ['2026-11-05', 35050, 'VIR ATELIER DES PENTES; REGLT 2026-00013'],
      ['2026-11-10', -1290, 'FRAIS TENUE DE COMPTE'],
      ['2026-11-10', -1290, 'FRAIS TENUE DE COMPTE'],
    ],
  );
  assert.notEqual(s.lines[2].dedupeKey, s.lines[3].dedupeKey, 'two identical fees the same day are two lines');
  assert.deepEqual(
    parseStatement(buf).lines.map((l) => l.dedupeKey),
    s.lines.map((l) => l.dedupeKey),
    'keys are stable',
  );
  // Explicit mapping with the encoding forced.
  const m = parseStatement(buf, { csvMapping: { ...FRENCH_CSV_MAPPING, encoding: 'latin1' } });
  assert.equal(m.lines[0].label, s.lines[0].label);
});

test('CSV: one signed column, ISO dates, mapping by column index', () => {
  const text = readFileSync(new URL('./testdata/csv-signed-utf8.csv', import.meta.url), 'utf8');
  const s = parseCsv(text, {
    separator: ';',
    decimal: '.',
    dateFormat: 'yyyy-mm-dd',
    date: 0,
    valueDate: 1,
    label: 2,
    amount: 3,
    reference: 4,
  });
  assert.deepEqual(
    s.lines.map((l) => [l.bookingDate, l.valueDate, l.amountCents, l.reference]),
    [
      ['2026-11-03', '2026-11-04', 120000, 'E2E-0001'],
      ['2026-11-10', '2026-11-10', -4500, null],
    ],
  );
});

test('CSV malformed: every bad line with its number and reason', () => {
  const p = problemsOf(() => parseStatement(sample('csv-malformed.csv')));
  assert.deepEqual(
    p.map((x) => x.line),
    [3, 4, 5, 6, 7],
  );
  assert.match(p[0].reason, /date invalide « 31\/02\/2026 »/);
  assert.match(p[1].reason, /crédit invalide « 12.345,678 »/);
  assert.match(p[2].reason, /débit et crédit remplis/);
  assert.match(p[3].reason, /libellé vide/);
  assert.match(p[4].reason, /guillemet non refermé/);
  const e = (() => {
    try {
      parseStatement(sample('csv-malformed.csv'));
    } catch (x) {
      return x as Error;
    }
  })()!;
  assert.match(e.message, /rien n'a été importé/);
  assert.match(e.message, /ligne 3 : date invalide/);
});

test('unknown CSV columns are refused with a hint', () => {
  const p = problemsOf(() => parseStatement(Buffer.from('a;b;c\n1;2;3\n')));
  assert.match(p[0].reason, /format non reconnu/);
});

test('CSV decimal separator read from the data: decimal point and decimal comma give the same cents', () => {
  const dot = [
    'Date;Libellé;Montant',
    '03/11/2026;VIR FACTURE 2026-00012;1234.56',
    '04/11/2026;FRAIS;-12.5',
    '05/11/2026;CB PAPETERIE;-45.90',
    '06/11/2026;REMISE;1,250.00',
    '07/11/2026;VIR ROND;300',
  ].join('\n');
  const comma = [
    'Date;Libellé;Montant',
    '03/11/2026;VIR FACTURE 2026-00012;1 234,56',
    '04/11/2026;FRAIS;-12,5',
    '05/11/2026;CB PAPETERIE;-45,90',
    '06/11/2026;REMISE;1.250,00',
    '07/11/2026;VIR ROND;300',
  ].join('\n');
  const expected = [123456, -1250, -4590, 125000, 30000];
  assert.equal(guessCsvMapping(dot)?.decimal, '.');
  assert.equal(guessCsvMapping(comma)?.decimal, ',');
  for (const text of [dot, comma]) {
    const s = parseStatement(Buffer.from(text, 'utf8'));
    assert.deepEqual(
      s.lines.map((l) => l.amountCents),
      expected,
    );
  }
  // Debit/credit columns with a decimal point.
  const dc = parseStatement(
    Buffer.from('Date;Libellé;Débit;Crédit\n03/11/2026;FRAIS;12.50;\n04/11/2026;VIR CLIENT;;1234.56\n', 'utf8'),
  );
  assert.deepEqual(
    dc.lines.map((l) => l.amountCents),
    [-1250, 123456],
  );
  // A mapping without a separator reads it from the data too; a wrong explicit one is refused, not multiplied.
  const { decimal: _d, ...noDecimal } = guessCsvMapping(dot)!;
  assert.deepEqual(
    parseCsv(dot, noDecimal).lines.map((l) => l.amountCents),
    expected,
  );
  assert.ok(problemsOf(() => parseCsv(dot, { ...noDecimal, decimal: ',' })).some((p) => /1234\.56/.test(p.reason)));
  assert.equal(detectDecimalSeparator(['1234.56', '-12.5']), '.');
  assert.equal(detectDecimalSeparator(['1 234,56', '1.234,56']), ',');
  assert.equal(detectDecimalSeparator(['1.234', '12']), ',');
  assert.equal(detectDecimalSeparator(['1,234,567.10']), '.');
});

test('CAMT.053 whose account IBAN has a bad checksum: refused whole, with the line of the IBAN', () => {
  const text = sample('camt053-ok.xml').toString('utf8');
  const bad = text.replace('FR7630006000011234567890189', 'FR7630006000011234567890188');
  assert.notEqual(bad, text);
  const problems = problemsOf(() => parseStatement(Buffer.from(bad, 'utf8')));
  assert.equal(problems.length, 1);
  assert.match(problems[0].reason, /IBAN du compte du relevé invalide « FR7630006000011234567890188 »/);
  assert.equal(problems[0].line, 12);
});

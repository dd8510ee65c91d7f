// Recognising an enDI export by its columns when its name says nothing (« export (3).csv »): each
// fixture export is recognised by its headers alone as the kind its name gives, and a table that
// fits no kind, or two equally, is refused rather than guessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { kindOfExport, kindOfFileName, kindOfHeaders } from './endi-files.ts';
import { normaliseHeader, readCsv, readXlsx } from './tabular.ts';

const DIR = new URL('./fixtures/endi/', import.meta.url).pathname;
const headers = (...labels: string[]) => labels.map(normaliseHeader);

test('every fixture export is recognised by its columns as the kind of its name', async () => {
  const files = readdirSync(DIR).filter((f) => ['.csv', '.xlsx'].includes(extname(f)));
  assert.ok(files.length >= 8, 'the fixture set has all kinds of export');
  for (const f of files) {
    const buf = readFileSync(DIR + f);
    const table = extname(f) === '.csv' ? readCsv(buf) : await readXlsx(buf);
    assert.equal(kindOfHeaders(table.headers), kindOfFileName(f), f);
    assert.equal(kindOfExport(`export (3)${extname(f)}`, table.headers), kindOfFileName(f), f);
  }
});

test('the name wins over the columns; credit notes by columns are read as invoices', () => {
  const invoiceColumns = headers('Identifiant', 'Type', 'Numéro de facture', 'Date', 'Enseigne', 'Client', 'HT', 'TTC');
  assert.equal(kindOfExport('avoirs.csv', invoiceColumns), 'credit_notes');
  assert.equal(kindOfExport('export.csv', invoiceColumns), 'invoices');
});

test('a table that fits no kind, or two equally, is not guessed', () => {
  assert.equal(kindOfHeaders(headers('Date', 'Libellé', 'Débit', 'Crédit')), null, 'a bank statement');
  assert.equal(kindOfHeaders([]), null);
  // « Numéro » without « de facture » or « de devis »: invoices and quotes fit equally.
  const either = headers('Identifiant', 'Numéro', 'Date', 'Enseigne', 'Client', 'HT', 'TTC');
  assert.equal(kindOfHeaders(either), null);
  assert.equal(kindOfHeaders([...either, 'statut']), 'quotes', 'a status column makes it quotes');
  // Only an id and an e-mail: customers alone fit (their only required column is the id).
  assert.equal(kindOfHeaders(headers('Identifiant', 'Adresse e-mail')), 'customers');
  // A supplier-like export (company name, no customer-only column) is read as suppliers.
  assert.equal(kindOfHeaders(headers('Identifiant', "Nom de l'entreprise", 'SIRET')), 'suppliers');
});

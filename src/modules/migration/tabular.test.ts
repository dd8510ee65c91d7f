// Reading enDI's spreadsheets: a real Windows-1252 export (as Excel and older enDI versions save
// it) keeps its €, œ, typographic quotes and dashes; UTF-8 with a BOM is read as UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeText, readCsv } from './tabular.ts';

const CP1252 = new URL('./fixtures/cp1252/enseignes.csv', import.meta.url).pathname;

test('a Windows-1252 CSV keeps € (0x80), œ (0x9C), typographic quotes and dashes', () => {
  const buf = readFileSync(CP1252);
  // The fixture really is Windows-1252: € and œ as single bytes, no UTF-8.
  assert.ok(buf.includes(0x80) && buf.includes(0x9c));
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(buf));
  const t = readCsv(buf);
  assert.deepEqual(t.headers, ['identifiant', 'nom', 'code analytique', 'descriptif']);
  assert.equal(t.rows.length, 1);
  assert.equal(t.rows[0].line, 2);
  assert.equal(t.rows[0].cells.get('nom'), "Cœur d'ouvrage");
  assert.equal(t.rows[0].cells.get('descriptif'), 'Rénovation à 1 500 € le m², « clés en main » – œuvres');
  // No C1 control character left anywhere (what Latin-1 decoding produced).
  assert.doesNotMatch(decodeText(buf), /[\u0080-\u009f]/);
});

test('every byte of the 0x80–0x9F block maps to its Windows-1252 character', () => {
  const text = decodeText(Uint8Array.from([0x80, 0x8c, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9c, 0x9f, 0xe9]));
  assert.equal(text, '€Œ’“”–—™œŸé');
});

test('UTF-8 with a BOM is read as UTF-8, the BOM dropped', () => {
  const t = readCsv(Buffer.from('\uFEFFNom;Montant\nCœur;1 500 €\n', 'utf8'));
  assert.deepEqual(t.headers, ['nom', 'montant']);
  assert.equal(t.rows[0].cells.get('nom'), 'Cœur');
  assert.equal(t.rows[0].cells.get('montant'), '1 500 €');
});

// The enDI fixture for the tests of this module: a realistic export with errors (fixtures/endi)
// and the replacements that fix them, shared by the service's tests and the page's.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE = new URL('./fixtures/endi/', import.meta.url).pathname;

/** What fixes each error of the fixture: [file, from, to]. */
export const FIXES: [string, string, string][] = [
  ['enseignes.csv', ';X;', ';JARDIN;'],
  ['utilisateurs.csv', 'paul.martin@exemple;', 'paul.martin@exemple.fr;'],
  ['clients.csv', '63456789500021', '63456789500020'],
  ['factures.csv', '31/02/2025', '28/02/2025'],
  ['factures.csv', '400,00;40,00;450,00', '400,00;40,00;440,00'],
  [
    'factures.csv',
    '1006;Avoir',
    '1007;Facture;2025-00004;03/03/2025;15;502;Article de blog;250,00;50,00;300,00;20,00 %;02/04/2025;;\n1006;Avoir',
  ],
  ['paiements.csv', '2025-00099', '2025-00002'],
];

/** The fixture's files (exports and PDFs) as uploaded, with replacements applied byte for byte. */
export function fixtureFiles(
  fixes: [file: string, from: string, to: string][] = [],
): { name: string; content: Buffer }[] {
  const out: { name: string; content: Buffer }[] = [];
  for (const name of readdirSync(FIXTURE).sort()) {
    if (name === 'pdf') {
      for (const p of readdirSync(join(FIXTURE, 'pdf')))
        out.push({ name: p, content: readFileSync(join(FIXTURE, 'pdf', p)) });
      continue;
    }
    // Latin-1 maps each byte to one character and back: the Windows-1252 file keeps its bytes.
    let text = readFileSync(join(FIXTURE, name)).toString('latin1');
    for (const [file, from, to] of fixes)
      if (file === name) {
        assert.ok(text.includes(from), `${file} contient ${from}`);
        text = text.replace(from, to);
      }
    out.push({ name, content: Buffer.from(text, 'latin1') });
  }
  return out;
}

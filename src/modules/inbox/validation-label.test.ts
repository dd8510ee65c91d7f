// The validation queue names what it validates: invoices, credit notes, or both.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateLabel } from './views/validation-page.tsx';

test('the button of the validation queue calls a credit note an avoir', () => {
  assert.equal(validateLabel(['380']), 'Valider la facture cochée');
  assert.equal(validateLabel(['380', '386']), 'Valider les 2 factures cochées');
  assert.equal(validateLabel(['381']), "Valider l'avoir coché");
  assert.equal(validateLabel(['381', '381']), 'Valider les 2 avoirs cochés');
  assert.equal(validateLabel(['380', '381', '380']), 'Valider les 3 documents cochés');
});

// The accompaniment's e-mails are written with the e-mail kit: what a person typed is escaped,
// the one action is a button, and the text version says the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { letter } from './emails.ts';

test('a letter escapes what people typed, shows its one action as a button, and says the same in text', () => {
  const m = letter('Bonjour <Zoé>,', ['Votre rendez-vous « <b>Devis</b> & co » est confirmé.\nLieu : Lyon'], {
    href: 'https://radieuse.example/rendez-vous/1?a=1&b=2',
    label: 'Voir le rendez-vous',
  });
  assert.match(m.html, /^<!doctype html><html lang="fr">/);
  assert.ok(m.html.includes('Bonjour &lt;Zoé&gt;,'), m.html);
  assert.ok(m.html.includes('« &lt;b&gt;Devis&lt;/b&gt; &amp; co »'), m.html);
  assert.ok(!m.html.includes('<b>Devis'), 'no markup from the text');
  assert.match(
    m.html,
    /<a href="https:\/\/radieuse\.example\/rendez-vous\/1\?a=1&amp;b=2" style="display:inline-block/,
  );
  assert.match(m.text, /^Bonjour <Zoé>,\n\nVotre rendez-vous « <b>Devis<\/b> & co » est confirmé\.\nLieu : Lyon\n\n/);
  assert.match(m.text, /Voir le rendez-vous : https:\/\/radieuse\.example\/rendez-vous\/1\?a=1&b=2/);
  assert.match(m.text, /Belle journée,\nVotre coopérative$/);
});

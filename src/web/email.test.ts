import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderEmail } from './email.tsx';

test('an email escapes what it is given and says the same thing in HTML and in text', () => {
  const m = renderEmail({
    paragraphs: ['Bonjour <b>Zoé</b> & co,', 'Ligne 1\nLigne 2'],
    action: { label: 'Ouvrir', href: 'https://radieuse.example/a?b=1&c=2' },
    footer: ['Vous recevez ce message parce que…'],
  });
  assert.match(m.html, /^<!doctype html><html lang="fr">/);
  assert.ok(m.html.includes('Bonjour &lt;b&gt;Zoé&lt;/b&gt; &amp; co,'), m.html);
  assert.ok(m.html.includes('Ligne 1<br/>Ligne 2') || m.html.includes('Ligne 1<br>Ligne 2'), m.html);
  assert.ok(m.html.includes('href="https://radieuse.example/a?b=1&amp;c=2"'), m.html);
  assert.ok(!m.html.includes('<b>'));
  assert.equal(
    m.text,
    'Bonjour <b>Zoé</b> & co,\n\nLigne 1\nLigne 2\n\nOuvrir : https://radieuse.example/a?b=1&c=2\n\n—\n\nVous recevez ce message parce que…',
  );
});

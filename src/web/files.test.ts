// User files must never run as pages of the application's origin (issue 11, finding 1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileResponse } from './files.ts';

const pdf = Buffer.from('%PDF-1.7\n%%EOF\n');

test('a stored file is served as an attachment unless a PDF or an image, never sniffed, sandboxed', async () => {
  const html = fileResponse(
    { name: 'a"b.xml', mimeType: 'application/xml', content: Buffer.from('<x/>') },
    { inline: true },
  );
  assert.equal(html.headers.get('content-type'), 'application/octet-stream');
  assert.match(
    html.headers.get('content-disposition') ?? '',
    /^attachment; filename="a_b.xml"; filename\*=UTF-8''a%22b.xml$/,
  );
  assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
  assert.match(html.headers.get('content-security-policy') ?? '', /sandbox/);
  const img = fileResponse({ name: 'reçu.png', mimeType: 'image/png', content: Buffer.from('x') }, { inline: true });
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.match(
    img.headers.get('content-disposition') ?? '',
    /^inline; filename="recu.png"; filename\*=UTF-8''re%C3%A7u.png$/,
  );
  const pdfDoc = fileResponse({ name: 'f.pdf', mimeType: 'application/pdf', content: pdf });
  assert.match(pdfDoc.headers.get('content-disposition') ?? '', /^attachment/);
  assert.equal(pdfDoc.headers.get('content-type'), 'application/pdf');
});

// The PDF pool renders on worker threads exactly what renderInvoicePdf renders in the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPdfPool } from './pdf-pool.ts';
import { renderInvoicePdf } from './pdf.ts';
import { fixtures } from './samples.ts';
import type { InvoiceDocument } from '../types.ts';

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

test('the pool renders the same bytes as the process, errors come back, closing refuses more', async () => {
  const pool = createPdfPool(2);
  try {
    // A logo crosses threads too (a Buffer arrives as a plain Uint8Array).
    const withLogo = { ...fixtures.standard, seller: { ...fixtures.standard.seller, logoPng: PNG_1PX } };
    const docs = [...Object.values(fixtures), withLogo];
    const pooled = await Promise.all(docs.map((d) => pool.render(d)));
    for (const [i, d] of docs.entries())
      assert.ok(pooled[i].equals(await renderInvoicePdf(d)), `document ${d.number} (${i}) differs`);
    assert.ok(!pooled.at(-1)!.equals(pooled[0]), 'the logo is drawn');

    const broken = { ...fixtures.standard, lines: null } as unknown as InvoiceDocument;
    await assert.rejects(pool.render(broken), /rendu du PDF Factur-X/);
    assert.ok((await pool.render(fixtures.mixed)).equals(pooled[1]), 'the pool still renders after an error');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.render(fixtures.standard), /fermé/);
});

// Factur-X / e-invoicing output of the sales module: CII (Factur-X EN 16931), UBL 2.1 and the PDF/A-3 invoice.
export { buildCii } from './cii.ts';
export { buildUbl } from './ubl.ts';
export { renderInvoicePdf, DOCUMENT_TITLES } from './pdf.ts';
export { createPdfPool, type PdfPool } from './pdf-pool.ts';

// The Factur-X writers live in ./facturx/ (another workstream). Loaded lazily through a variable
// path so this module type-checks before they exist; replace by a static import once they land.
import type { InvoiceDocument } from './types.ts';

export interface FacturxModule {
  renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer>;
  buildCii(doc: InvoiceDocument): string;
  buildUbl(doc: InvoiceDocument): string;
}
const PATH = './facturx/index.ts';
export async function loadFacturx(): Promise<FacturxModule> {
  try { return (await import(PATH)) as FacturxModule; }
  catch (e) { throw new Error(`Le module Factur-X n'est pas disponible (${(e as Error).message}).`); }
}

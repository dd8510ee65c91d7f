// The one HTML escaper of the tree, for the rare text that is not rendered through JSX (which
// escapes by itself): an e-mail body built as a string, an attribute assembled by hand. XML
// documents (Factur-X, SEPA, CAMT) are written with an XML builder, not with this.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an HTML element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

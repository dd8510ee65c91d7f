// fontkit (pdfkit's font parser, the copy pdfkit itself loads) ships no types; only what pdf.ts
// uses is declared here.
declare module 'fontkit' {
  /** A parsed font, which pdfkit lays out and subsets (a `layout` method is what pdfkit checks). */
  interface Font {
    layout(text: string): unknown;
    /** fontkit's cache of glyph objects, by glyph id (internal: see documentFonts in pdf.ts). */
    _glyphs: Record<number, unknown>;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}

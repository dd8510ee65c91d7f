// Small helpers shared by the CII and UBL writers.
import { centsToDecimal } from '../../../core/money.ts';
import type { InvoiceDocument } from '../types.ts';

/** Escapes text for XML element content and attribute values; drops characters XML 1.0 forbids. */
export function esc(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the control characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** Amount with exactly 2 decimals ("1234.50"). */
export const amt = (cents: number): string => centsToDecimal(cents);

/** Rate in basis points → percent with 2 decimals (2000 → "20.00", 550 → "5.50"). */
export function pct(bp: number): string {
  const neg = bp < 0;
  const a = Math.abs(bp);
  return `${neg ? '-' : ''}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' → 'YYYYMMDD' (format 102). */
export const d102 = (iso: string): string => iso.replace(/-/g, '');

/** Indented element builder: el('ram:ID', 'x', { schemeID: '0002' }). Null/undefined text → ''. */
export function el(
  name: string,
  text: string | null | undefined,
  attrs: Record<string, string | null | undefined> = {},
): string {
  if (text === null || text === undefined) return '';
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  return `<${name}${a}>${esc(text)}</${name}>`;
}

/** Wraps children; omitted entirely when every child is empty. */
export function wrap(name: string, children: Array<string | false | null | undefined>, attrs = ''): string {
  const inner = children.filter((c): c is string => typeof c === 'string' && c.length > 0);
  if (inner.length === 0) return '';
  return `<${name}${attrs}>${inner.join('')}</${name}>`;
}

/** Pretty-prints our own compact XML (no mixed content) with two-space indentation. */
export function indent(xml: string): string {
  const tokens = xml.match(/<[^>]+>[^<]*/g) ?? [];
  let depth = 0;
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.startsWith('<?')) {
      out.push(t.trim());
      i++;
      continue;
    }
    if (t.startsWith('</')) {
      depth--;
      out.push('  '.repeat(depth) + t.trim());
      i++;
      continue;
    }
    const tag = t.slice(0, t.indexOf('>') + 1);
    const text = t.slice(tag.length);
    const next = tokens[i + 1];
    if (text.length > 0 && next && next.startsWith('</')) {
      out.push('  '.repeat(depth) + t + next.trim());
      i += 2;
      continue;
    }
    if (tag.endsWith('/>')) {
      out.push('  '.repeat(depth) + tag);
      i++;
      continue;
    }
    out.push('  '.repeat(depth) + tag);
    depth++;
    i++;
  }
  return `${out.join('\n')}\n`;
}

/** Default EN 16931 electronic address for a buyer without a SIREN-based one: EAS scheme of its VAT number. */
const VAT_EAS: Record<string, string> = {
  AT: '9914',
  BE: '9925',
  BG: '9926',
  CH: '9927',
  CY: '9928',
  CZ: '9929',
  DE: '9930',
  EE: '9931',
  GB: '9932',
  GR: '9933',
  EL: '9933',
  HR: '9934',
  IE: '9935',
  LU: '9938',
  LV: '9939',
  MT: '9943',
  NL: '9944',
  PL: '9945',
  PT: '9946',
  RO: '9947',
  SI: '9949',
  SK: '9950',
  SM: '9951',
  TR: '9952',
  VA: '9953',
  IT: '0211',
  ES: '9920',
  HU: '9910',
  FR: '9957',
};

export interface Endpoint {
  id: string;
  scheme: string;
}
export function buyerEndpoint(b: {
  electronicAddress: string | null;
  siren: string | null;
  vatNumber: string | null;
  email: string | null;
}): Endpoint | null {
  if (b.electronicAddress) return { id: b.electronicAddress, scheme: '0225' };
  if (b.siren) return { id: b.siren, scheme: '0225' };
  if (b.vatNumber) {
    const v = b.vatNumber.replace(/\s/g, '').toUpperCase();
    const scheme = VAT_EAS[v.slice(0, 2)];
    if (scheme) return { id: v, scheme };
  }
  if (b.email) return { id: b.email, scheme: 'EM' };
  return null;
}

/** Default exemption reason code per VAT category when the document gives none. */
export function defaultExemptionCode(cat: string): string | null {
  switch (cat) {
    case 'AE':
      return 'VATEX-EU-AE';
    case 'K':
      return 'VATEX-EU-IC';
    case 'G':
      return 'VATEX-EU-G';
    case 'O':
      return 'VATEX-EU-O';
    default:
      return null;
  }
}
export function defaultExemptionText(cat: string): string | null {
  switch (cat) {
    case 'AE':
      return 'Autoliquidation';
    case 'K':
      return 'Exonération de TVA, livraison ou prestation intracommunautaire';
    case 'G':
      return 'Exonération de TVA, exportation hors UE';
    case 'O':
      return "Hors champ d'application de la TVA";
    case 'E':
      return 'Exonération de TVA';
    default:
      return null;
  }
}

/**
 * The document notes (BG-1) with their subject codes, in order: PMT (recovery indemnity), PMD
 * (late penalties), AAB (early payment), TXD (VAT mentions), then free notes. CII and UBL only
 * differ in how they write them.
 */
export function documentNotes(doc: InvoiceDocument): { text: string; code?: string }[] {
  const out: { text: string; code?: string }[] = [];
  const add = (text: string | null | undefined, code?: string) => {
    if (text?.trim()) out.push({ text: text.trim(), code });
  };
  add(doc.recoveryIndemnityText, 'PMT');
  add(doc.latePenaltyText, 'PMD');
  add(doc.earlyPaymentText, 'AAB');
  const vatTexts = [...doc.vatMentions];
  if (doc.vatOnDebits && !vatTexts.some((t) => /débits/i.test(t)))
    vatTexts.push("Option pour le paiement de la taxe d'après les débits");
  if (vatTexts.length) add(vatTexts.join(' '), 'TXD');
  for (const n of doc.notes) add(n);
  return out;
}

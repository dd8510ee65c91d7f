// French display of indicator figures.
import type { IndicatorRow } from '../indicators.ts';

const fr1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const fr2 = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const SUPPRESSED_TEXT = 'moins de 5 personnes';
/** An ERP-computed indicator of an organisation without the ERP (a tiers-lieu, a collective). */
export const NOT_APPLICABLE_TEXT = 'non applicable';

/** "1 234,50 €" from a decimal string with a dot (display only). */
export function euroText(s: string): string {
  const [i, d = '00'] = s.split('.');
  const int = Number(i).toLocaleString('fr-FR');
  return `${int},${d.padEnd(2, '0').slice(0, 2)} €`;
}

export function valueText(r: Pick<IndicatorRow, 'value' | 'unit' | 'suppressed' | 'notApplicable'>): string {
  if (r.notApplicable) return NOT_APPLICABLE_TEXT;
  if (r.suppressed || r.value === null) return SUPPRESSED_TEXT;
  if (r.unit === '€') return euroText(String(r.value));
  if (r.unit === '%') return `${fr1.format(Number(r.value))} %`;
  return `${fr1.format(Number(r.value))} ${r.unit}`;
}

export function numberText(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === '€') return euroText((Math.round(v * 100) / 100).toFixed(2));
  if (unit === '%') return `${fr1.format(v)} %`;
  return `${fr1.format(v)} ${unit}`;
}

export const ratioText = (s: string) => `${fr2.format(Number(s))} : 1`;

// Checks for French and European identifiers, used by forms and imports.

/** SIREN (9 digits) and SIRET (14 digits) carry a Luhn check digit. */
export function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
export const isSiren = (s: string) => /^\d{9}$/.test(s) && luhnOk(s);
// La Poste's SIRETs (SIREN 356000000) use a different rule; accept them by their own check.
export const isSiret = (s: string) =>
  /^\d{14}$/.test(s) &&
  (luhnOk(s) || (s.startsWith('356000000') && [...s].reduce((a, c) => a + Number(c), 0) % 5 === 0));
export const normaliseDigits = (s: string) => s.replace(/[\s.-]/g, '');

/** French intra-community VAT number from a SIREN: FR + key + SIREN. */
export function frenchVatFromSiren(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}
export function isVatNumber(v: string): boolean {
  const s = v.replace(/\s/g, '').toUpperCase();
  if (/^FR/.test(s))
    return /^FR[0-9A-Z]{2}\d{9}$/.test(s) && (/^FR\d{2}/.test(s) ? frenchVatFromSiren(s.slice(4)) === s : true);
  return /^[A-Z]{2}[0-9A-Z+*.]{2,13}$/.test(s);
}

/** IBAN mod-97 check (ISO 13616). */
export function isIban(v: string): boolean {
  const s = v.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  if (s.startsWith('FR') && s.length !== 27) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of r) {
    const v2 = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v2) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}
export const formatIban = (v: string) =>
  v
    .replace(/\s/g, '')
    .toUpperCase()
    .replace(/(.{4})/g, '$1 ')
    .trim();
export const isBic = (v: string) =>
  /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(v.replace(/\s/g, '').toUpperCase());

/** Builds a valid IBAN from a country code and BBAN (demo data, tests). */
export function makeIban(country: string, bban: string): string {
  const r = `${bban + country}00`;
  let rem = 0;
  for (const ch of r) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return `${country}${String(98 - rem).padStart(2, '0')}${bban}`;
}
/** Completes 8 digits with a Luhn key into a valid SIREN (demo data, tests). */
export function makeSiren(eight: string): string {
  for (let k = 0; k <= 9; k++) if (luhnOk(eight + k)) return eight + k;
  throw new Error('unreachable');
}

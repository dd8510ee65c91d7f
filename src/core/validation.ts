// Parses input at the edge with zod and turns issues into French field messages.
import { z } from 'zod';
import { UserError } from './errors.ts';

// Plain French for every schema that gives no message of its own: a field-level message is read
// by people who fear paperwork, so "Au moins 3 caractères." rather than zod's "Too small: >=3".
// Set once for the process; a schema's own message always wins over this map.
z.config(z.locales.fr());
z.config({ customError: plainFrench });

export function parseInput<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const i of r.error.issues) {
    const k = i.path.join('.') || '_';
    if (!fields[k]) fields[k] = i.message;
  }
  const first = Object.values(fields)[0];
  throw new UserError(Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : first, undefined, fields);
}

type RawIssue = z.core.$ZodRawIssue;

/** Our wording for the issues forms meet; undefined leaves zod's French locale to answer. */
export function plainFrench(i: RawIssue): string | undefined {
  if (i.code === 'invalid_type') return invalidType(i);
  if (i.code === 'too_small') return tooSmall(i as RawIssue & z.core.$ZodIssueTooSmall);
  if (i.code === 'too_big') return tooBig(i as RawIssue & z.core.$ZodIssueTooBig);
  if (i.code === 'invalid_format' && (i as { format?: string }).format === 'email') return 'Adresse e-mail invalide.';
  if (i.code === 'invalid_value') return 'Choisissez une des valeurs proposées.';
  return undefined;
}

function invalidType(i: RawIssue): string {
  const input = i.input;
  if (input === undefined || input === null || input === '') return 'Ce champ est obligatoire.';
  const expected = (i as { expected?: string }).expected;
  if (expected === 'number' || expected === 'int' || expected === 'bigint') return 'Indiquez un nombre.';
  if (expected === 'date') return 'Indiquez une date valide.';
  return 'Valeur invalide.';
}

function tooSmall(i: z.core.$ZodIssueTooSmall): string {
  const min = Number(i.minimum);
  if (i.origin === 'string') return min <= 1 ? 'Ce champ est obligatoire.' : `Au moins ${min} caractères.`;
  if (i.origin === 'array' || i.origin === 'set')
    return min <= 1 ? 'Choisissez au moins un élément.' : `Choisissez au moins ${min} éléments.`;
  if (i.origin === 'date') return 'Date trop ancienne.';
  return i.inclusive === false
    ? `La valeur doit être supérieure à ${frenchNumber(min)}.`
    : `La valeur doit être au moins ${frenchNumber(min)}.`;
}

function tooBig(i: z.core.$ZodIssueTooBig): string {
  const max = Number(i.maximum);
  if (i.origin === 'string') return `${max} caractères au plus.`;
  if (i.origin === 'array' || i.origin === 'set') return `${max} éléments au plus.`;
  if (i.origin === 'date') return 'Date trop lointaine.';
  return i.inclusive === false
    ? `La valeur doit être inférieure à ${frenchNumber(max)}.`
    : `La valeur doit être au plus ${frenchNumber(max)}.`;
}

const frenchNumber = (n: number): string => new Intl.NumberFormat('fr-FR').format(n);

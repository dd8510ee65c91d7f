// Parses input at the edge with zod and turns issues into French field messages.
import type { z } from 'zod';
import { UserError } from './errors.ts';

export function parseInput<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const i of r.error.issues) {
    const k = i.path.join('.') || '_';
    if (!fields[k]) fields[k] = frenchMessage(i);
  }
  const first = Object.values(fields)[0];
  throw new UserError(Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : first, undefined, fields);
}

function frenchMessage(i: z.core.$ZodIssue): string {
  // Custom messages are already French; translate zod's defaults we rely on.
  if (i.code === 'invalid_type') return 'Ce champ est obligatoire.';
  if (i.code === 'too_small' && !/[àéèç]|Indiquez|doit/.test(i.message)) return 'Valeur trop petite.';
  return i.message;
}

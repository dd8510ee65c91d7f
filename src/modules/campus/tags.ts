// Tags: lowercase words without accents, hyphen-joined, at most 5 per question.
import { UserError } from '../../core/errors.ts';

export function normaliseTags(input: string | string[]): string[] {
  const raw = Array.isArray(input) ? input : input.split(/[,;\s]+/);
  const tags = raw
    .map((t) =>
      t
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter((t) => t.length > 0);
  const unique = [...new Set(tags)];
  if (unique.some((t) => t.length > 40)) throw new UserError('Une étiquette fait au plus 40 caractères.', 'tags');
  if (unique.length > 5) throw new UserError('Cinq étiquettes au plus.', 'tags');
  return unique;
}

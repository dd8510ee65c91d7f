// Categories of questions: one small fixed list, the same in every cooperative of a network, so
// a question shared with the network lands in a category everyone knows. Tags stay free.
import { UserError } from '../../core/errors.ts';

export const CATEGORIES = {
  juridique: 'Juridique et contrats',
  facturation: 'Facturation et fiscalité',
  assurance: 'Assurances',
  numerique: 'Outils numériques et données',
  commercial: 'Prix et commercial',
  cooperative: 'Vie coopérative',
  autre: 'Autre',
} as const;
export type Category = keyof typeof CATEGORIES;

export const isCategory = (s: string): s is Category => Object.hasOwn(CATEGORIES, s);

/** An empty choice is no category; anything else must be on the list. */
export function parseCategory(s: string | undefined | null): Category | null {
  const v = (s ?? '').trim();
  if (!v) return null;
  if (!isCategory(v)) throw new UserError('Choisissez une catégorie de la liste.', 'category');
  return v;
}

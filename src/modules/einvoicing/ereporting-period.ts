// The e-reporting period asked on the page, checked the same way for the summary and the flux 10
// file (a French message next to the date fields).
import { UserError } from '../../core/errors.ts';
import { isIsoDate } from '../../core/dates.ts';

export function checkPeriod(from: string, to: string): void {
  if (!isIsoDate(from)) throw new UserError('Date de début invalide.', 'du');
  if (!isIsoDate(to)) throw new UserError('Date de fin invalide.', 'au');
  if (to < from) throw new UserError('La fin de la période précède son début.', 'au');
  if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) > 1)
    throw new UserError('Période trop longue (un an au plus).', 'au');
}

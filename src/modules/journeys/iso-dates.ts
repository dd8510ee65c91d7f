// Business dates as 'YYYY-MM-DD' strings sort as they read: the earlier and the later of two.
import type { IsoDate } from '../../core/dates.ts';

export const earlier = (a: IsoDate, b: IsoDate): IsoDate => (a.localeCompare(b) <= 0 ? a : b);
export const later = (a: IsoDate, b: IsoDate): IsoDate => (a.localeCompare(b) >= 0 ? a : b);

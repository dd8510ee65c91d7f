// What the forms of appointments, slots, workshops and meetings share: a date and two times
// typed in Paris time, a place or a video link. Checked once here, with French messages.
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';
import { parisInstant, TIME_OF_DAY } from './paris-time.ts';

export const TimeRangeFields = {
  date: z.string().refine(isIsoDate, 'Date invalide (AAAA-MM-JJ).'),
  start: z.string().regex(TIME_OF_DAY, 'Heure invalide (HH:MM).'),
  end: z.string().regex(TIME_OF_DAY, 'Heure invalide (HH:MM).'),
};
export const PlaceFields = {
  place: z.string().trim().max(300, 'Lieu trop long (300 caractères au plus).').optional().nullable(),
  videoUrl: z
    .string()
    .trim()
    .max(500, 'Lien trop long.')
    .url('Lien de visioconférence invalide (https://…).')
    .refine((u) => /^https:\/\//.test(u), 'Le lien doit commencer par https://')
    .optional()
    .nullable()
    .or(z.literal('').transform(() => null)),
};
export const capacityField = z
  .number({ message: 'Indiquez le nombre de places.' })
  .int('Nombre entier.')
  .min(1, 'Au moins 1 place.')
  .max(500, 'Au plus 500 places.');

/** The instants of a date and two Paris times; the end must come after the start. */
export function instantsOf(v: { date: string; start: string; end: string }): { startsAt: Date; endsAt: Date } {
  const startsAt = parisInstant(v.date, v.start);
  const endsAt = parisInstant(v.date, v.end);
  if (endsAt <= startsAt) throw new UserError("L'heure de fin doit être après l'heure de début.", 'end');
  return { startsAt, endsAt };
}

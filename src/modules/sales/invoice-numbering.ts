// Gapless invoice numbers. A cooperative chooses a template (settings.invoiceNumberTemplate,
// default '{YYYY}-{SEQ:5}'); tokens: {YYYY} {YY} {MM} of the issue date, {ANA} the activity's
// analytic code, {SEQ} or {SEQ:n} (zero-padded) the counter. The series is the template with
// everything but the counter substituted, so '{YYYY}-{SEQ:5}' restarts every year and
// '{ANA}-{YYYY}-{SEQ:4}' gives one series per activity and year.
//
// The counter row is incremented by one upsert INSIDE the validation transaction: the row lock
// serialises concurrent validations of the same series, and a rollback (crash, failed check
// after allocation) rolls the increment back with everything else, so no number is ever lost.
import { sql } from 'kysely';
import type { Tx } from '../../core/db/tenant.ts';
import type { IsoDate } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';
import { salesDb } from './db.ts';

export const DEFAULT_NUMBER_TEMPLATE = '{YYYY}-{SEQ:5}';
export const NUMBER_MAX_LENGTH = 35;
const NUMBER_CHARS = /^[A-Za-z0-9+_/-]+$/;
const SEQ_TOKEN = /\{SEQ(?::(\d{1,2}))?\}/g;

export interface NumberContext {
  issueDate: IsoDate;
  analyticCode: string;
}
export interface RenderedTemplate {
  seriesKey: string;
  format(seq: number): string;
}

/** Substitutes every token but the counter; throws a French UserError on a bad template. */
export function renderTemplate(template: string, ctx: NumberContext): RenderedTemplate {
  const seqs = template.match(SEQ_TOKEN) ?? [];
  if (seqs.length !== 1)
    throw new UserError(
      'Le modèle de numérotation doit contenir le compteur {SEQ} une seule fois.',
      'invoiceNumberTemplate',
    );
  const [y, m] = ctx.issueDate.split('-');
  const substituted = template
    .replace(/\{YYYY\}/g, y)
    .replace(/\{YY\}/g, y.slice(2))
    .replace(/\{MM\}/g, m)
    .replace(/\{ANA\}/g, ctx.analyticCode.toUpperCase());
  const rest = substituted.replace(SEQ_TOKEN, '');
  if (/[{}]/.test(rest))
    throw new UserError(`Jeton inconnu dans le modèle de numérotation : ${template}`, 'invoiceNumberTemplate');
  const width = Number(/\{SEQ:(\d{1,2})\}/.exec(substituted)?.[1] ?? 0);
  const seriesKey = substituted.replace(SEQ_TOKEN, '{SEQ}');
  return {
    seriesKey,
    format(seq: number) {
      const n = substituted.replace(SEQ_TOKEN, String(seq).padStart(width, '0'));
      if (n.length > NUMBER_MAX_LENGTH)
        throw new UserError(
          `Le numéro ${n} dépasse ${NUMBER_MAX_LENGTH} caractères : raccourcissez le modèle de numérotation.`,
          'invoiceNumberTemplate',
        );
      if (!NUMBER_CHARS.test(n))
        throw new UserError(
          `Le numéro ${n} contient des caractères interdits (autorisés : lettres, chiffres, + - _ /).`,
          'invoiceNumberTemplate',
        );
      return n;
    },
  };
}

export function checkTemplate(template: string): void {
  renderTemplate(template, { issueDate: '2026-12-31', analyticCode: 'ABCDEFGHIJKL' }).format(1);
}

/** Takes the next number of the series in the caller's transaction (never call outside one). */
export async function allocateInvoiceNumber(
  trx: Tx,
  cooperativeId: string,
  template: string,
  ctx: NumberContext,
): Promise<string> {
  const t = renderTemplate(template || DEFAULT_NUMBER_TEMPLATE, ctx);
  const r = await sql<{ last_value: number | string }>`
    insert into invoice_number_sequence (cooperative_id, series_key, last_value) values (${cooperativeId}, ${t.seriesKey}, 1)
    on conflict (cooperative_id, series_key) do update set last_value = invoice_number_sequence.last_value + 1, updated_at = now()
    returning last_value`.execute(salesDb(trx));
  return t.format(Number(r.rows[0].last_value));
}

import type { Child } from 'hono/jsx';
import type { Ctx } from '../../../web/context.ts';
import { Csrf } from '../../../web/components.tsx';
import { centsToDecimal } from '../../../core/money.ts';

export const VAT_RATES: [string, string][] = [
  ['2000', '20 %'],
  ['1000', '10 %'],
  ['550', '5,5 %'],
  ['210', '2,1 %'],
  ['0', '0 % (exonéré, autoliquidation)'],
];
export const ROWS = 4;
export const SPLITS = 3;
export const euros = (c: number | null | undefined) => (c == null ? '' : centsToDecimal(c, ','));
export const STATUS_TONE: Record<string, string> = {
  draft: 'draft',
  to_approve: 'pending',
  approved: 'approved',
  partly_paid: 'pending',
  paid: 'paid',
  refused: 'refused',
  disputed: 'pending',
  submitted: 'pending',
  validated: 'approved',
};
export const SOURCE_LABEL: Record<string, string> = {
  manual: 'Saisie',
  facturx: 'Factur-X',
  cii: 'XML CII',
  ubl: 'XML UBL',
  xml: 'XML',
  pdf: 'PDF',
  'pdf-text': 'PDF',
  image: 'Photo',
  ocr: 'Photo',
};

/** A file input with its label and error (Field has no accept/capture). */
export function FileField(p: {
  label: string;
  name: string;
  accept: string;
  error?: string;
  hint?: string;
  capture?: boolean;
  required?: boolean;
}) {
  const id = `f-${p.name}`;
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={id}>
        {p.label}
        {p.required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={p.name}
        type="file"
        accept={p.accept}
        capture={p.capture ? 'environment' : undefined}
        required={p.required}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={p.error ? `${id}-error` : p.hint ? `${id}-hint` : undefined}
      />
      {p.error ? (
        <p class="error" id={`${id}-error`} role="alert">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}
export const ErrorText = (p: { error?: string }) =>
  p.error ? (
    <p class="error" role="alert">
      {p.error}
    </p>
  ) : null;
export const PostButton = (p: { c: Ctx; action: string; label: string; cls?: string; children?: Child }) => (
  <form method="post" action={p.action} class="inline">
    <Csrf token={p.c.get('csrf')} />
    {p.children}
    <button type="submit" class={p.cls}>
      {p.label}
    </button>
  </form>
);

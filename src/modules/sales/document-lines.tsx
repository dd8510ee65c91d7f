// One line of an invoice or a quote as its page shows it, and the subtotal row closing a section:
// the two documents print their lines the same way.
import { formatEuros, formatRateBp, milliToDecimal } from '../../core/money.ts';

export interface ShownLine {
  description: string;
  quantityMilli: number;
  unitPriceCents: number;
  discountBp: number;
  vatCategory: string;
  vatRateBp: number;
  netCents: number;
}

export function DocumentLineRow(p: { l: ShownLine }) {
  const { l } = p;
  return (
    <tr>
      <td data-label="Désignation">{l.description}</td>
      <td class="num" data-label="Quantité">
        {milliToDecimal(l.quantityMilli).replace('.', ',')}
      </td>
      <td class="num" data-label="Prix">
        {formatEuros(l.unitPriceCents)}
      </td>
      <td class="num" data-label="Remise">
        {l.discountBp ? formatRateBp(l.discountBp) : '—'}
      </td>
      <td class="num" data-label="TVA">
        {l.vatCategory === 'S' ? formatRateBp(l.vatRateBp) : l.vatCategory}
      </td>
      <td class="num" data-label="Montant">
        {formatEuros(l.netCents)}
      </td>
    </tr>
  );
}

export function SubtotalRow(p: { title: string; cents: number }) {
  return (
    <tr class="doc-subtotal-row">
      <td colspan={5}>Sous-total « {p.title} »</td>
      <td class="num" data-label="Sous-total HT">
        {formatEuros(p.cents)}
      </td>
    </tr>
  );
}

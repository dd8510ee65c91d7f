// Matching by hand: the open documents a bank line could settle, searched by number, name or
// amount, for the lines the automatic ranking could not pair (a customer paying three invoices
// with a reference of its own, a transfer from a third party). Choosing and recording goes
// through `matchManually`, which checks everything again under the line's lock.
import type { Actor } from '../../core/actor.ts';
import { requireModuleRole } from '../../core/authz.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { UserError } from '../../core/errors.ts';
import { parseCents } from '../../core/money.ts';
import { getTransaction, type BankTransaction } from './bank.service.ts';
import { loadOpenItems, normalise, type OpenItem } from './matching.ts';

export interface MatchCandidate {
  item: OpenItem;
  /** What the form proposes to settle: the remaining amount, at most the line's amount. */
  proposedCents: number;
}

export interface MatchCandidates {
  line: BankTransaction;
  total: number;
  items: MatchCandidate[];
}

/** Search words are matched against the document's number and party; an amount against the remaining. */
function matcher(q: string): (i: OpenItem) => boolean {
  const words = normalise(q).split(' ').filter(Boolean);
  const cents = parseCents(q.trim());
  if (!words.length) return () => true;
  return (i) => {
    if (cents !== null && cents > 0 && i.remainingCents === cents) return true;
    const hay = normalise(`${i.number ?? ''} ${i.partyName}`);
    return words.every((w) => hay.includes(w));
  };
}

/**
 * The open documents of the line's direction (customer invoices for money received, purchases
 * and salaries for money paid), payments already recorded by hand excluded (the ranking offers
 * those), filtered by `q`, those of the line's exact amount first, then the closest amounts.
 */
export async function matchCandidates(
  trx: Tx,
  actor: Actor,
  transactionId: string,
  opts: { q?: string; limit?: number } = {},
): Promise<MatchCandidates> {
  requireModuleRole(actor, 'bank', 'accountant', 'director', 'support');
  const line = await getTransaction(trx, actor, transactionId);
  if (line.status !== 'to_justify') throw new UserError('Cette ligne est déjà justifiée.');
  const direction = line.amountCents > 0 ? 'in' : 'out';
  const wanted = Math.abs(line.amountCents);
  const keep = matcher((opts.q ?? '').slice(0, 200));
  const found = (await loadOpenItems(trx, actor)).filter(
    (i) => !i.existingPaymentId && i.direction === direction && keep(i),
  );
  const distance = (i: OpenItem) => Math.abs(i.remainingCents - wanted);
  found.sort(
    (a, b) =>
      distance(a) - distance(b) ||
      (a.dueDate ?? a.issueDate).localeCompare(b.dueDate ?? b.issueDate) ||
      a.id.localeCompare(b.id),
  );
  const limit = Math.max(1, Math.min(100, opts.limit ?? 30));
  return {
    line,
    total: found.length,
    items: found.slice(0, limit).map((item) => ({
      item,
      proposedCents: item.allowPartial === false ? item.remainingCents : Math.min(item.remainingCents, wanted),
    })),
  };
}

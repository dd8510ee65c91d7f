// Debit lines paying a net salary: salary requests marked paid in the ledger (accrued D 641 /
// C 421 there) are open items until a bank line settles them; settling posts D 421 (the person's
// auxiliary account) / C 512 through the ledger's index.ts. A salary is paid in full, in one
// transfer; whether it is settled is the bank's own knowledge (a bank_match on it).
import { UserError } from '../../core/errors.ts';
import { hasRole } from '../../core/actor.ts';
import { endOfMonth } from '../../core/dates.ts';
import { getSalaryRequest, listSalaryRequests, postBankLine } from '../ledger/index.ts';
import { registerMatchSource, type MatchSource } from './matching.ts';
import { bankDb } from './db.ts';

const salaries: MatchSource = {
  targetType: 'salary',
  async listOpen(trx, actor) {
    if (!hasRole(actor, 'accountant', 'director', 'support')) return [];
    const paid = await listSalaryRequests(trx, actor, { status: 'paid' });
    if (!paid.length) return [];
    const settled = new Set(
      (
        await bankDb(trx)
          .selectFrom('bank_match')
          .select('target_id')
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('target_type', '=', 'salary')
          .execute()
      ).map((r) => r.target_id),
    );
    return paid
      .filter((r) => !settled.has(r.id) && r.netCents > 0)
      .map((r) => ({
        targetType: 'salary' as const,
        id: r.id,
        number: null,
        partyName: r.userName,
        partyKey: `person:${r.userName}`,
        direction: 'out' as const,
        remainingCents: r.netCents,
        issueDate: endOfMonth(`${r.month}-01`),
        dueDate: null,
        allowPartial: false,
      }));
  },
  async settle(trx, actor, item, amountCents, line) {
    if (amountCents !== item.remainingCents)
      throw new UserError('Un salaire se rapproche en une fois, pour son montant net : rapprochez le montant exact.');
    const r = await getSalaryRequest(trx, actor, item.id);
    const account = line.accountId
      ? await bankDb(trx)
          .selectFrom('bank_account')
          .select('ledger_account')
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('id', '=', line.accountId)
          .executeTakeFirst()
      : null;
    await postBankLine(trx, actor, {
      bankAccount: account?.ledger_account ?? '512',
      account: '421',
      amountCents: -amountCents,
      date: line.bookingDate,
      label: `Salaire ${r.month} versé — ${r.userName}`,
      pieceRef: `SAL-${r.month}-${r.analyticCode}`,
      sourceId: r.id,
      aux: { account: r.userId, label: r.userName },
    });
    return null; // not a sales payment: the match itself records the settlement
  },
};

registerMatchSource(salaries);

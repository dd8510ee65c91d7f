// Every ledger action tried by every role through the real services (core/testing-authz.ts):
// refused exactly to the roles the matrix leaves out. None is scoped to one's own activities.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { closePeriod, createManualEntry } from './posting.service.ts';
import { LEDGER } from './permissions.ts';

let odb: OpenDb | null = null;
after(async () => {
  await odb?.close();
});

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  return { odb, cooperativeId: a.coop.id, actor: (role) => a.actor(role), stranger: (role) => a.actor(role) };
}

const lastMonth = () => addDays(`${todayParis().slice(0, 7)}-01`, -1).slice(0, 7);

authzSuite('ledger', world, (): AuthzCase[] => [
  { permission: LEDGER.periodClose, run: (trx, actor) => closePeriod(trx, actor, lastMonth()) },
  {
    permission: LEDGER.manualEntry,
    run: (trx, actor) =>
      createManualEntry(trx, actor, {
        date: todayParis(),
        label: 'Reclassement',
        pieceRef: 'OD-1',
        lines: [
          { account: '471000', debit: '10,00', credit: '' },
          { account: '512000', debit: '', credit: '10,00' },
        ],
      } as never),
  },
]);

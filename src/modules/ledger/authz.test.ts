// Every ledger action tried by every role through the real services (core/testing-authz.ts):
// refused exactly to the roles the matrix leaves out. Only the activity account is scoped to
// one's own activities: another entrepreneur of the cooperative gets "not found".
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives } from '../../app/testing.ts';
import type { Actor, Role } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { uuidv7, type UserId } from '../../core/ids.ts';
import { addDays, todayParis } from '../../core/dates.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { ensureChart } from './chart.ts';
import { trialBalance, activityAccount } from './reports.ts';
import { closePeriod, createManualEntry, reverseEntry } from './posting.service.ts';
import { approveSalaryRequest, markSalaryPaid, requestSalary } from './salary/salary-request.service.ts';
import { payrollVariables } from './salary/payroll-variables.ts';
import { listAbsences, recordAbsence } from './salary/absence.service.ts';
import { payrollSettings } from './salary/payroll-settings.service.ts';
import { closeFiscalYear } from './year-end.service.ts';
import { listChart, simulateContributionRate, tiersWithOpenLines } from './screens.service.ts';
import { LEDGER } from './permissions.ts';
import { importEntriesIn } from './entries-import.service.ts';

let odb: OpenDb | null = null;
let entryId = '';
let analyticCode = '';
let activityId = '';
after(async () => {
  await odb?.close();
});

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  analyticCode = a.analyticCode;
  activityId = a.activityId;
  entryId = (
    await withTenant(odb.db, a.coop.id, async (trx) => {
      await ensureChart(trx, a.coop.id);
      return createManualEntry(trx, a.actor('accountant'), manual() as never);
    })
  ).id;
  const as = (role: Role): Actor => ({ ...a.actor(role), userId: uuidv7() as UserId, roles: [role] });
  return { odb, cooperativeId: a.coop.id, actor: (role) => a.actor(role), stranger: as };
}

const lastMonth = () => addDays(`${todayParis().slice(0, 7)}-01`, -1).slice(0, 7);
const manual = () => ({
  date: todayParis(),
  label: 'Reclassement',
  pieceRef: 'OD-1',
  lines: [
    { account: '471', debit: '10,00', credit: '' },
    { account: '512', debit: '', credit: '10,00' },
  ],
});
const year = () => Number(todayParis().slice(0, 4));

authzSuite('ledger', world, (): AuthzCase[] => [
  { permission: LEDGER.periodClose, run: (trx, actor) => closePeriod(trx, actor, lastMonth()) },
  // The allowed roles close a past, empty year (rolled back after each try).
  { permission: LEDGER.yearClose, run: (trx, actor) => closeFiscalYear(trx, actor, year() - 3) },
  {
    permission: LEDGER.entriesImport,
    run: (trx, actor) =>
      importEntriesIn(
        trx,
        actor,
        Buffer.from(
          'Date;Journal;Compte;Libellé;Débit;Crédit\n02/01/2025;OD;627;Frais;1,00;\n02/01/2025;OD;512;Frais;;1,00\n',
        ),
        'x.csv',
      ),
  },
  { permission: LEDGER.manualEntry, run: (trx, actor) => createManualEntry(trx, actor, manual() as never) },
  { permission: LEDGER.entryReverse, run: (trx, actor) => reverseEntry(trx, actor, entryId, { date: todayParis() }) },
  { permission: LEDGER.reportsRead, run: (trx, actor) => trialBalance(trx, actor, `${year()}-01-01`, todayParis()) },
  { permission: LEDGER.activityAccountRead, run: (trx, actor) => activityAccount(trx, actor, analyticCode, year()) },
  { permission: LEDGER.lettering, run: (trx, actor) => tiersWithOpenLines(trx, actor, '411') },
  { permission: LEDGER.chartManage, run: (trx, actor) => listChart(trx, actor) },
  { permission: LEDGER.contributionManage, run: (trx, actor) => simulateContributionRate(trx, actor, year(), 1000) },
  {
    // The owner is refused for lack of envelope (a French message), a stranger does not find the activity.
    permission: LEDGER.salaryRequest,
    run: (trx, actor) =>
      requestSalary(trx, actor, {
        activityId,
        month: todayParis().slice(0, 7),
        basis: 'net',
        amountCents: 100_000,
      }),
  },
  // No request exists: allowed roles get "not found", the others are refused before looking.
  { permission: LEDGER.salaryDecide, run: (trx, actor) => approveSalaryRequest(trx, actor, uuidv7()) },
  { permission: LEDGER.salaryPay, run: (trx, actor) => markSalaryPaid(trx, actor, uuidv7()) },
  { permission: LEDGER.payrollVariables, run: (trx, actor) => payrollVariables(trx, actor, todayParis().slice(0, 7)) },
  { permission: LEDGER.payrollSettings, run: (trx, actor) => payrollSettings(trx, actor) },
  { permission: LEDGER.absenceRecord, run: (trx, actor) => listAbsences(trx, actor, todayParis().slice(0, 7)) },
  {
    permission: LEDGER.absenceRecord,
    // A person who is not a member: refused after the authorization, with a message.
    run: (trx, actor) =>
      recordAbsence(trx, actor, { userId: uuidv7(), startDate: todayParis(), endDate: todayParis(), kind: 'autre' }),
  },
]);

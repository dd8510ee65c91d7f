// Every action of the impact module tried by every role, through the real services.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { authzSuite, type AuthzCase, type AuthzWorld } from '../../core/testing-authz.ts';
import { cooperativeIndicators, readableNetwork, sroiFor } from './indicators.service.ts';
import { IMPACT } from './permissions.ts';
import { esfCooperativeReport } from './esf-report.service.ts';
import { freeTextAccess, surveySummaries } from './surveys.service.ts';
import { listQuestionnaires } from './questionnaires.service.ts';
import { ownQvtPoints } from './qvt.service.ts';
import { listFunders, shareReport } from './funder.service.ts';
import { bindableQuestions } from './referential.service.ts';
import { sendListCounts } from './reminders.service.ts';
import { listScenarios } from './sroi-scenarios.ts';

let odb: OpenDb | null = null;
after(async () => {
  await odb?.close();
});

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  const [a] = await seedTestCooperatives(odb, { withPasswords: false });
  return { odb, cooperativeId: a.coop.id, actor: (r) => a.actor(r), stranger: (r) => a.actor(r) };
}

const SCENARIO = { investment: 100, outcomes: [{ name: 'x', quantity: 1, proxy: 100, duration_years: 1 }] };

authzSuite('impact', world, (): AuthzCase[] => [
  { permission: IMPACT.indicatorsRead, run: (trx, actor) => cooperativeIndicators(trx as never, actor, 2025) },
  { permission: IMPACT.networkRead, run: (trx, actor) => readableNetwork(trx as never, actor) },
  { permission: IMPACT.surveyManage, run: (trx, actor) => surveySummaries(trx as never, actor) },
  { permission: IMPACT.surveyManage, run: (trx, actor) => listQuestionnaires(trx as never, actor) },
  {
    permission: IMPACT.freeTextRead,
    run: (trx, actor) => freeTextAccess(trx as never, actor, '00000000-0000-4000-8000-000000000000'),
  },
  { permission: IMPACT.qvtRead, run: (trx, actor) => ownQvtPoints(trx as never, actor) },
  { permission: IMPACT.reportsRead, run: (trx, actor) => esfCooperativeReport(trx as never, actor, 2025) },
  {
    permission: IMPACT.reportsShare,
    run: async (trx, actor) => {
      await listFunders(trx as never, actor);
      return shareReport(trx as never, actor, {
        name: 'Région',
        email: 'region@example.org',
        scope: 'cooperative',
        year: 2025,
        kind: 'impact',
      });
    },
  },
  { permission: IMPACT.sroiCompute, run: async (_trx, actor) => sroiFor(actor, SCENARIO) },
  { permission: IMPACT.sroiCompute, run: (trx, actor) => listScenarios(trx as never, actor) },
  { permission: IMPACT.surveyManage, run: (trx, actor) => sendListCounts(trx as never, actor) },
  {
    permission: IMPACT.referentialManage,
    run: (trx, actor) => bindableQuestions(trx as never, actor, [{ key: 'who5', title: 'WHO-5' }]),
  },
]);

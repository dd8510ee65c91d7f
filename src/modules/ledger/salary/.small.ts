import * as eng from './salary-engine.ts';
for (const c of [1, 100, 1000, 5000, 20000, 50000, 10_000_000]) {
  for (const f of ['cost', 'net'] as const) {
    try { const s = f === 'cost' ? eng.simulateFromEmployerCost(c) : eng.simulateFromNet(c); console.log(f, c, s.grossCents, s.employerCostCents, s.netBeforeTaxCents, eng.lastSimulationEvaluations()); }
    catch (e) { console.log(f, c, (e as Error).constructor.name, (e as Error).message); }
  }
}

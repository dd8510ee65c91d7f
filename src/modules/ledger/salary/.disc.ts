import * as eng from './salary-engine.ts';
const a = eng.simulateFromEmployerCost(242089);
console.log(a.grossCents, a.employerCostCents, a.netBeforeTaxCents, eng.lastSimulationEvaluations());
for (const g of [a.grossCents - 1, a.grossCents, a.grossCents + 1, a.grossCents + 2]) { const s = eng.simulateFromGross(g); console.log(g, s.employerCostCents, s.netBeforeTaxCents, s.lines.find(l => l.key === 'employerReliefs')?.amountCents); }

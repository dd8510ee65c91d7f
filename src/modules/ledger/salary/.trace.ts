import * as eng from './salary-engine.ts';
for (const c of [167311, 300000, 409665, 242089, 5000, 1000, 100]) { try { const s = eng.simulateFromEmployerCost(c); console.log('cost', c, s.grossCents, s.employerCostCents, eng.lastSimulationEvaluations()); } catch (e) { console.log('cost', c, String(e)); } }
for (const c of [111113, 160000, 5000, 1000]) { try { const s = eng.simulateFromNet(c); console.log('net', c, s.grossCents, s.netBeforeTaxCents, eng.lastSimulationEvaluations()); } catch (e) { console.log('net', c, String(e)); } }

import * as eng from './salary-engine.ts';
let worst = 0, worstN = 0; const bad: string[] = [];
for (let i = 0; i < 40; i++) {
  const c = 60_000 + Math.floor(Math.random() * 1_400_000);
  const h = i % 3 === 0 ? 80 + (i % 7) * 10 : undefined;
  const a = eng.simulateFromEmployerCost(c, { hoursPerMonth: h });
  const b = eng.simulateFromGross(a.grossCents, { hoursPerMonth: h });
  const up = eng.simulateFromGross(a.grossCents + 1, { hoursPerMonth: h }).employerCostCents; const d = c - b.employerCostCents; worst = Math.max(worst, d); const back = eng.simulateFromNet(a.netBeforeTaxCents, { hoursPerMonth: h }); if (d < 0 || up <= c || b.employerCostCents !== a.employerCostCents || back.employerCostCents > c) bad.push(`cost ${c} h=${h} → ${b.employerCostCents}`);
  const n = 50_000 + Math.floor(Math.random() * 900_000);
  const x = eng.simulateFromNet(n, { hoursPerMonth: h });
  const y = eng.simulateFromGross(x.grossCents, { hoursPerMonth: h });
  const dn = Math.abs(y.netBeforeTaxCents - n) + Math.abs(eng.simulateFromEmployerCost(x.employerCostCents, { hoursPerMonth: h }).netBeforeTaxCents - n); worstN = Math.max(worstN, dn); if (dn > 1) bad.push(`net ${n} h=${h} → ${y.netBeforeTaxCents}`);
}
console.log({ worst, worstN, bad });

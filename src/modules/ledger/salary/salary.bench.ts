// Bench of the salary engine: node --import tsx src/modules/ledger/salary/salary.bench.ts
// Run in a fresh process so the build time is the real one.
const t0 = performance.now();
const eng = await import('./salary-engine.ts');
const importMs = performance.now() - t0; // includes JSON.parse of the rules (~640 kB)

const buildMs = eng.warmUp();

const time = (f: () => unknown) => { const t = performance.now(); f(); return performance.now() - t; };
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const firstCold = time(() => eng.simulateFromEmployerCost(300_000));
const coldCost: number[] = []; const coldGross: number[] = []; const coldNet: number[] = []; const coldPart: number[] = [];
for (let i = 1; i <= 15; i++) {
  coldCost.push(time(() => eng.simulateFromEmployerCost(150_000 + i * 17_311)));
  coldGross.push(time(() => eng.simulateFromGross(120_000 + i * 13_537)));
  coldNet.push(time(() => eng.simulateFromNet(100_000 + i * 11_113)));
  coldPart.push(time(() => eng.simulateFromEmployerCost(150_000 + i * 17_311, { hoursPerMonth: 100 })));
}
const cached: number[] = [];
for (let i = 0; i < 1000; i++) cached.push(time(() => eng.simulateFromEmployerCost(300_000)));
const f = (n: number) => `${n.toFixed(n < 1 ? 4 : 0)} ms`;
console.log(JSON.stringify({
  import: f(importMs), engineBuild: f(buildMs), firstEvaluation: f(firstCold),
  coldMedian: { fromEmployerCost: f(median(coldCost)), fromGross: f(median(coldGross)), fromNet: f(median(coldNet)), fromCostPartTime: f(median(coldPart)) },
  coldMax: f(Math.max(...coldCost, ...coldGross, ...coldNet, ...coldPart)),
  cachedMedian: f(median(cached)), cachedMax: f(Math.max(...cached)), cache: eng.salaryCacheStats(),
}, null, 1));

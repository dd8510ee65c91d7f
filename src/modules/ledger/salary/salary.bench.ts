// Bench of the salary engine: node --import tsx src/modules/ledger/salary/salary.bench.ts
// Run in a fresh process so the build time is the real one.
const t0 = performance.now();
const eng = await import('./salary-engine.ts');
const importMs = performance.now() - t0; // includes JSON.parse of the rules (~640 kB)

const buildMs = eng.warmUp();

const time = (f: () => unknown) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const firstCold = time(() => eng.simulateFromEmployerCost(300_000));
const evals: Record<string, number[]> = { cost: [], gross: [], net: [], part: [] };
const coldCost: number[] = [];
const coldGross: number[] = [];
const coldNet: number[] = [];
const coldPart: number[] = [];
for (let i = 1; i <= 15; i++) {
  coldCost.push(time(() => eng.simulateFromEmployerCost(150_000 + i * 17_311)));
  evals.cost.push(eng.lastSimulationEvaluations());
  coldGross.push(time(() => eng.simulateFromGross(120_000 + i * 13_537)));
  evals.gross.push(eng.lastSimulationEvaluations());
  coldNet.push(time(() => eng.simulateFromNet(100_000 + i * 11_113)));
  evals.net.push(eng.lastSimulationEvaluations());
  coldPart.push(time(() => eng.simulateFromEmployerCost(150_000 + i * 17_311, { hoursPerMonth: 100 })));
  evals.part.push(eng.lastSimulationEvaluations());
}
const cached: number[] = [];
for (let i = 0; i < 1000; i++) cached.push(time(() => eng.simulateFromEmployerCost(300_000)));
// For comparison: the rules' own numeric inversion (cost set as input, gross evaluated), same amounts.
const { default: Engine } = await import('publicodes');
const { default: rules } = await import('modele-social');
const other = new Engine(rules, { logger: { log() {}, warn() {}, error() {} } });
const inversion: number[] = [];
for (let i = 1; i <= 15; i++)
  inversion.push(
    time(() => {
      other.setSituation({
        'salarié . contrat': "'CDI'",
        dirigeant: 'non',
        'salarié . coût total employeur': `${(150_000 + i * 17_311) / 100} €/mois`,
      } as Parameters<typeof other.setSituation>[0]);
      for (const r of [
        'salarié . contrat . salaire brut',
        'salarié . rémunération . net . à payer avant impôt',
        'salarié . cotisations . exonérations . employeur',
        'salarié . cotisations . CSG-CRDS',
      ])
        other.evaluate(r);
    }),
  );
const avg = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
const f = (n: number) => `${n.toFixed(n < 1 ? 4 : 0)} ms`;
console.log(
  JSON.stringify(
    {
      import: f(importMs),
      engineBuild: f(buildMs),
      firstEvaluation: f(firstCold),
      coldMedian: {
        fromEmployerCost: f(median(coldCost)),
        fromGross: f(median(coldGross)),
        fromNet: f(median(coldNet)),
        fromCostPartTime: f(median(coldPart)),
      },
      coldMax: f(Math.max(...coldCost, ...coldGross, ...coldNet, ...coldPart)),
      forwardEvaluationsPerSimulation: {
        fromEmployerCost: avg(evals.cost),
        fromGross: avg(evals.gross),
        fromNet: avg(evals.net),
        fromCostPartTime: avg(evals.part),
      },
      publicodesInversionFromCostMedian: f(median(inversion)),
      cachedMedian: f(median(cached)),
      cachedMax: f(Math.max(...cached)),
      cache: eng.salaryCacheStats(),
    },
    null,
    1,
  ),
);

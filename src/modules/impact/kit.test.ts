// The computation kit against figures computed by hand or published: the SROI worked example of
// the rules (domain/impact.md) and its sensitivity table, Wilson intervals (Newcombe 1998),
// WHO-5 scoring, Kaplan–Meier on the Freireich 6-MP leukaemia data (Kleinbaum & Klein), and
// small-cell suppression attacked by a reader who knows every margin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as D from './kit/decimal.ts';
import { computeSroi, SroiInputError } from './kit/sroi.ts';
import { kaplanMeier, median, quantile, survivalAt, who5, wilson } from './kit/stats.ts';
import { derivableCells, suppressTable } from './kit/suppression.ts';

const WORKED = {
  investment: 150000,
  outcomes: [
    {
      name: 'emploi',
      quantity: 40,
      proxy: 12000,
      deadweight: 0.25,
      displacement: 0,
      attribution: 0.2,
      drop_off: 0.1,
      duration_years: 3,
    },
  ],
};

test('decimal: exact parsing, arithmetic and half-up rounding', () => {
  assert.deepEqual(D.parseDecimal('0.035'), D.rat(7n, 200n));
  assert.deepEqual(D.parseDecimal(0.1), D.rat(1n, 10n));
  assert.deepEqual(D.parseDecimal('1e-3'), D.rat(1n, 1000n));
  assert.equal(D.toFixed(D.add(D.parseDecimal('0.1'), D.parseDecimal('0.2')), 20), '0.30000000000000000000');
  assert.equal(D.toFixed(D.parseDecimal('2.675'), 2), '2.68'); // a float would give 2.67
  assert.equal(D.toFixed(D.parseDecimal('-2.675'), 2), '-2.68');
  assert.equal(D.toFixed(D.parseDecimal('0.004'), 2), '0.00');
  assert.throws(() => D.parseDecimal('12,5'));
  assert.throws(() => D.parseDecimal(Number.NaN));
});

test('SROI: the worked example of the rules, exactly', () => {
  const r = computeSroi(WORKED);
  assert.equal(r.present_value, '730632.04');
  assert.equal(r.ratio, '4.87');
  // Default discount rate is 3.5 %: stating it changes nothing.
  assert.deepEqual(computeSroi({ ...WORKED, discount_rate: 0.035 }), r);
  // Same figures from decimal strings.
  assert.equal(computeSroi({ ...WORKED, investment: '150000.00' }).present_value, '730632.04');
  // Year by year, by hand: 288,000 / 1.035 + 259,200 / 1.035² + 233,280 / 1.035³.
  const hand = 288000 / 1.035 + 259200 / 1.035 ** 2 + 233280 / 1.035 ** 3;
  assert.equal(hand.toFixed(2), '730632.04');
  // Summing the rounded yearly figures would give 730632.03: rounding happens once, at the end.
  assert.equal((27826087 + 24196597 + 21040519) / 100, 730632.03);
});

test('SROI: sensitivity varies each assumption, pessimistic side low, optimistic side high', () => {
  const r = computeSroi(WORKED);
  const by = Object.fromEntries(r.sensitivity.map((s) => [s.assumption, s]));
  assert.deepEqual(Object.keys(by), [
    'deadweight',
    'displacement',
    'attribution',
    'drop_off',
    'proxy',
    'duration',
    'discount_rate',
  ]);
  const PV = 288000 / 1.035 + 259200 / 1.035 ** 2 + 233280 / 1.035 ** 3;
  // Deadweight 35 % / 15 %: scales every year by 0.65/0.75 and 0.85/0.75.
  assert.deepEqual(by.deadweight, {
    assumption: 'deadweight',
    low: '633214.43',
    high: '828049.64',
    ratio_low: '4.22',
    ratio_high: '5.52',
  });
  assert.equal(((PV * 0.65) / 0.75).toFixed(2), '633214.43');
  // Displacement 10 % / 0 % (cannot go below zero).
  assert.equal(by.displacement.low, (PV * 0.9).toFixed(2));
  assert.equal(by.displacement.high, '730632.04');
  // Attribution 30 % / 10 %.
  assert.equal(by.attribution.low, ((PV * 0.7) / 0.8).toFixed(2));
  assert.equal(by.attribution.high, ((PV * 0.9) / 0.8).toFixed(2));
  // Drop-off 20 % / 0 %.
  const Y1 = 288000;
  const pvDrop = (d: number) => Y1 / 1.035 + (Y1 * (1 - d)) / 1.035 ** 2 + (Y1 * (1 - d) ** 2) / 1.035 ** 3;
  assert.equal(by.drop_off.low, pvDrop(0.2).toFixed(2));
  assert.equal(by.drop_off.high, pvDrop(0).toFixed(2));
  // Proxy −20 % / +20 %.
  assert.equal(by.proxy.low, '584505.63');
  assert.equal(by.proxy.high, '876758.44');
  assert.equal(by.proxy.ratio_low, '3.90');
  // Duration 2 / 4 years.
  assert.equal(by.duration.low, '520226.84');
  assert.equal(by.duration.high, (PV + (Y1 * 0.9 ** 3) / 1.035 ** 4).toFixed(2));
  // Discount rate 5 % / 2 %.
  const pvRate = (r: number) => [1, 2, 3].reduce((a, y) => a + (Y1 * 0.9 ** (y - 1)) / (1 + r) ** y, 0);
  assert.equal(by.discount_rate.low, pvRate(0.05).toFixed(2));
  assert.equal(by.discount_rate.high, pvRate(0.02).toFixed(2));
  for (const s of r.sensitivity) {
    assert.ok(Number(s.ratio_low) <= 4.87 && Number(s.ratio_high) >= 4.87, s.assumption);
    assert.match(s.low, /^\d+\.\d\d$/);
    assert.match(s.ratio_high, /^\d+\.\d\d$/);
  }
});

test('SROI: several outcomes add up; bad scenarios are refused with a clear message', () => {
  const two = computeSroi({
    investment: 1000,
    discount_rate: 0,
    outcomes: [
      { name: 'a', quantity: 1, proxy: 500, duration_years: 2 },
      { name: 'b', quantity: 2, proxy: 100.5, deadweight: 0.5, duration_years: 1 },
    ],
  });
  assert.equal(two.present_value, '1100.50');
  assert.equal(two.ratio, '1.10');
  assert.throws(() => computeSroi({}), SroiInputError);
  assert.throws(() => computeSroi({ investment: 0, outcomes: WORKED.outcomes }), /investment/);
  assert.throws(() => computeSroi({ ...WORKED, outcomes: [{ ...WORKED.outcomes[0], deadweight: 1.5 }] }), /deadweight/);
  assert.throws(
    () => computeSroi({ ...WORKED, outcomes: [{ ...WORKED.outcomes[0], duration_years: 0 }] }),
    /duration_years/,
  );
  assert.throws(() => computeSroi({ ...WORKED, outcomes: [{ ...WORKED.outcomes[0], proxy: 'beaucoup' }] }), /proxy/);
  assert.throws(() => computeSroi({ ...WORKED, discount_rate: -0.1 }), /discount_rate/);
});

test('Wilson 95 % intervals: the published values of Newcombe (1998, method 3)', () => {
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [x, n, lo, hi] of cases) {
    const w = wilson(x, n);
    assert.equal(r4(w.low), lo, `${x}/${n} low`);
    assert.equal(r4(w.high), hi, `${x}/${n} high`);
  }
  const all = wilson(20, 20);
  assert.equal(all.high, 1);
  assert.equal(r4(all.low), 0.8389);
  assert.throws(() => wilson(3, 2));
  assert.throws(() => wilson(0, 0));
});

test('median and quartiles interpolate between ranks', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.equal(median([]), null);
});

test('WHO-5: five items 0–5, ×4 → 0–100, poor at 50 or less', () => {
  assert.deepEqual(who5([5, 5, 5, 5, 5]), { raw: 25, percent: 100, poor: false });
  assert.deepEqual(who5([0, 0, 0, 0, 0]), { raw: 0, percent: 0, poor: true });
  assert.deepEqual(who5([3, 2, 3, 2, 3]), { raw: 13, percent: 52, poor: false });
  assert.deepEqual(who5([3, 2, 3, 2, 2]), { raw: 12, percent: 48, poor: true });
  assert.throws(() => who5([1, 2, 3, 4]), /cinq/);
  assert.throws(() => who5([1, 2, 3, 4, 6]), /0 à 5/);
  assert.throws(() => who5([1, 2, 3, 4, 2.5]));
});

test('Kaplan–Meier: the Freireich 6-MP remission data (Kleinbaum & Klein, table 2.x)', () => {
  // Weeks in remission of the 21 patients on 6-MP; + censored.
  const data = '6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+'.split(' ');
  const obs = data.map((s) => ({ time: Number.parseInt(s, 10), event: !s.endsWith('+') }));
  const steps = kaplanMeier(obs).filter((s) => s.events > 0);
  // By hand: S(6) = 18/21; S(7) = S(6)·16/17; S(10) = ·14/15; S(13) = ·11/12; S(16) = ·10/11;
  // S(22) = ·6/7; S(23) = ·5/6 — the published 0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448.
  const expected: [number, number, number, number][] = [
    [6, 21, 3, 0.857],
    [7, 17, 1, 0.807],
    [10, 15, 1, 0.753],
    [13, 12, 1, 0.69],
    [16, 11, 1, 0.627],
    [22, 7, 1, 0.538],
    [23, 6, 1, 0.448],
  ];
  assert.equal(steps.length, expected.length);
  expected.forEach(([t, atRisk, events, s], i) => {
    assert.equal(steps[i]!.time, t);
    assert.equal(steps[i]!.atRisk, atRisk);
    assert.equal(steps[i]!.events, events);
    assert.equal(Math.round(steps[i]!.survival * 1000) / 1000, s);
  });
  const all = kaplanMeier(obs);
  assert.equal(survivalAt(all, 5), 1);
  assert.equal(Math.round(survivalAt(all, 12)! * 1000), 753);
  assert.equal(survivalAt(all, 40), null); // past the last (censored) observation
  // Without censoring, KM is the plain share still alive.
  const plain = kaplanMeier([1, 2, 3, 4].map((t) => ({ time: t, event: true })));
  assert.deepEqual(
    plain.map((s) => s.survival),
    [0.75, 0.5, 0.25, 0],
  );
});

/** An attacker: solves every line with a single unknown, repeatedly, then tries linear algebra. */
function reconstruct(t: ReturnType<typeof suppressTable>): Map<string, number> {
  const R = t.cells.length;
  const C = t.cells[0]!.length;
  const g: (number | null)[][] = [...t.cells.map((row, r) => [...row, t.rowTotals[r]!]), [...t.colTotals, t.total]];
  const found = new Map<string, number>();
  let progress = true;
  while (progress) {
    progress = false;
    const lines: [number, number][][] = [];
    for (let r = 0; r <= R; r++) lines.push(Array.from({ length: C + 1 }, (_, c) => [r, c] as [number, number]));
    for (let c = 0; c <= C; c++) lines.push(Array.from({ length: R + 1 }, (_, r) => [r, c] as [number, number]));
    for (const line of lines) {
      const unknown = line.filter(([r, c]) => g[r]![c] === null);
      if (unknown.length !== 1) continue;
      const [ur, uc] = unknown[0]!;
      const isTotalPos = (r: number, c: number) => (line[0]![0] === line[1]![0] ? c === C : r === R);
      const totalCell = line.find(([r, c]) => isTotalPos(r, c))!;
      const parts = line.filter(([r, c]) => !isTotalPos(r, c));
      const sumParts = parts.reduce((a, [r, c]) => a + (g[r]![c] ?? 0), 0);
      const v = isTotalPos(ur, uc) ? sumParts : g[totalCell[0]]![totalCell[1]]! - sumParts;
      g[ur]![uc] = v;
      found.set(`${ur},${uc}`, v);
      progress = true;
    }
  }
  return found;
}

test('suppression: no published cell under 5, and no hidden cell recomputable from the margins', () => {
  const tables: number[][][] = [
    [
      [12, 3, 20],
      [8, 15, 9],
      [30, 25, 11],
    ],
    [
      [2, 40],
      [30, 50],
    ],
    [
      [1, 1, 1],
      [9, 9, 9],
    ],
    [
      [12, 7, 4, 30],
      [6, 0, 18, 22],
      [10, 11, 13, 2],
      [40, 9, 31, 8],
    ],
    [[3, 9, 12]],
    [[4], [20], [33]],
  ];
  for (const cells of tables) {
    const t = suppressTable(cells);
    const published = [...t.cells.flat(), ...t.rowTotals, ...t.colTotals, t.total].filter(
      (v) => v !== null,
    ) as number[];
    for (const v of published) assert.ok(v === 0 || v >= 5, `published ${v} in ${JSON.stringify(cells)}`);
    // Every small cell is hidden.
    cells.forEach((row, r) => {
      row.forEach((v, c) => {
        if (v > 0 && v < 5) assert.equal(t.cells[r]![c], null);
      });
    });
    // A reader subtracting along rows and columns recovers nothing...
    assert.deepEqual([...reconstruct(t).keys()], [], JSON.stringify(cells));
    // ...nor does any linear combination of the margins.
    const hidden = new Set<string>();
    const R = cells.length;
    const C = cells[0]!.length;
    t.cells.forEach((row, r) => {
      row.forEach((v, c) => {
        if (v === null) hidden.add(`${r},${c}`);
      });
    });
    t.rowTotals.forEach((v, r) => {
      if (v === null) hidden.add(`${r},${C}`);
    });
    t.colTotals.forEach((v, c) => {
      if (v === null) hidden.add(`${R},${c}`);
    });
    if (t.total === null) hidden.add(`${R},${C}`);
    assert.deepEqual(derivableCells(R, C, hidden), []);
  }
  // Nothing small: nothing hidden.
  const clean = suppressTable([
    [10, 20],
    [30, 40],
  ]);
  assert.deepEqual(clean.cells, [
    [10, 20],
    [30, 40],
  ]);
  assert.equal(clean.total, 100);
});

test('suppression: the naive single-cell suppression would leak, the attacker proves it', () => {
  // Hiding only the 3 lets anyone recompute it from its row total.
  const naive = {
    cells: [[12, null, 20]],
    rowTotals: [35],
    colTotals: [12, 3, 20],
    total: 35,
    primary: [[false, true, false]],
  };
  assert.equal(reconstruct(naive as never).get('0,1'), 3);
});

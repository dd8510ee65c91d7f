// Statistical disclosure control: no figure on fewer than 5 people is published (primary
// suppression), and enough other cells are hidden (secondary suppression) that no hidden cell
// can be recomputed from the published cells, row and column totals and the grand total — by
// subtraction or by any linear combination (checked by linear algebra, not by a rule of thumb).
export const MIN_PEOPLE = 5;

export interface SuppressedTable {
  /** Interior cells; null where hidden. */
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  total: number | null;
  /** Cells hidden because they count fewer than MIN_PEOPLE (others were hidden to protect them). */
  primary: boolean[][];
}

export const isSmall = (count: number, threshold = MIN_PEOPLE) => count > 0 && count < threshold;

/** The augmented (R+1)×(C+1) grid: interior, row totals in the last column, column totals and grand total in the last row. */
function augmented(cells: number[][]): number[][] {
  const C = cells[0]?.length ?? 0;
  const rows = cells.map((r) => [...r, r.reduce((a, b) => a + b, 0)]);
  const last = Array.from({ length: C + 1 }, (_, c) => rows.reduce((a, r) => a + r[c]!, 0));
  return [...rows, last];
}

/** Linear constraints of the grid, each a list of [row, col, coefficient] summing to 0. */
function constraints(R: number, C: number): [number, number, number][][] {
  const out: [number, number, number][][] = [];
  for (let r = 0; r <= R; r++) {
    const line: [number, number, number][] = [];
    for (let c = 0; c < C; c++) line.push([r, c, 1]);
    line.push([r, C, -1]);
    out.push(line);
  }
  for (let c = 0; c <= C; c++) {
    const line: [number, number, number][] = [];
    for (let r = 0; r < R; r++) line.push([r, c, 1]);
    line.push([R, c, -1]);
    out.push(line);
  }
  return out;
}

function rank(m: number[][]): number {
  const a = m.map((r) => [...r]);
  let rk = 0;
  const cols = a[0]?.length ?? 0;
  for (let c = 0; c < cols && rk < a.length; c++) {
    let p = rk;
    for (let r = rk + 1; r < a.length; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-9) continue;
    [a[rk], a[p]] = [a[p]!, a[rk]!];
    for (let r = 0; r < a.length; r++) {
      if (r === rk) continue;
      const f = a[r]![c]! / a[rk]![c]!;
      if (f) for (let k = c; k < cols; k++) a[r]![k]! -= f * a[rk]![k]!;
    }
    rk++;
  }
  return rk;
}

/**
 * The hidden cells (row-major keys "r,c" of the augmented grid) that a reader could still
 * compute exactly from what is published: x is determined iff its unit vector lies in the row
 * space of the constraints restricted to the hidden cells.
 */
export function derivableCells(R: number, C: number, hidden: ReadonlySet<string>): string[] {
  const vars = [...hidden];
  const index = new Map(vars.map((k, i) => [k, i]));
  const rows = constraints(R, C)
    .map((line) => {
      const row = new Array(vars.length).fill(0);
      for (const [r, c, k] of line) {
        const i = index.get(`${r},${c}`);
        if (i !== undefined) row[i] += k;
      }
      return row;
    })
    .filter((row) => row.some((x) => x !== 0));
  const base = rank(rows);
  return vars.filter((_, i) => {
    const unit = new Array(vars.length).fill(0);
    unit[i] = 1;
    return rank([...rows, unit]) === base;
  });
}

/** Suppresses a table of counts (people), with its margins. */
export function suppressTable(cells: number[][], threshold = MIN_PEOPLE): SuppressedTable {
  const R = cells.length;
  const C = cells[0]?.length ?? 0;
  const grid = augmented(cells);
  const hidden = new Set<string>();
  const primary = cells.map((row) => row.map((v) => isSmall(v, threshold)));
  for (let r = 0; r <= R; r++)
    for (let c = 0; c <= C; c++) if (isSmall(grid[r]![c]!, threshold)) hidden.add(`${r},${c}`);
  // Secondary suppression: while a hidden cell can be derived, hide the smallest visible
  // non-zero cell sharing a line with it (interior cells first, totals last).
  for (let guard = 0; guard < 4 * (R + 1) * (C + 1); guard++) {
    const exposed = derivableCells(R, C, hidden);
    if (!exposed.length) break;
    const [er, ec] = exposed[0]!.split(',').map(Number) as [number, number];
    const candidates: [number, number][] = [];
    for (let c = 0; c <= C; c++) candidates.push([er, c]);
    for (let r = 0; r <= R; r++) candidates.push([r, ec]);
    const visible = candidates.filter(([r, c]) => !hidden.has(`${r},${c}`));
    const cost = ([r, c]: [number, number]) =>
      (r === R || c === C ? 1e12 : 0) + (grid[r]![c] === 0 ? 1e9 : 0) + grid[r]![c]!;
    visible.sort((a, b) => cost(a) - cost(b));
    const pick = visible[0];
    if (!pick) {
      // Nothing left on those lines: hide the cheapest visible cell anywhere.
      let best: [number, number] | null = null;
      for (let r = 0; r <= R; r++)
        for (let c = 0; c <= C; c++)
          if (!hidden.has(`${r},${c}`) && (!best || cost([r, c]) < cost(best))) best = [r, c];
      if (!best) break;
      hidden.add(`${best[0]},${best[1]}`);
    } else hidden.add(`${pick[0]},${pick[1]}`);
  }
  const show = (r: number, c: number) => (hidden.has(`${r},${c}`) ? null : grid[r]![c]!);
  return {
    cells: cells.map((row, r) => row.map((_, c) => show(r, c))),
    rowTotals: cells.map((_, r) => show(r, C)),
    colTotals: Array.from({ length: C }, (_, c) => show(R, c)),
    total: show(R, C),
    primary,
  };
}

/**
 * A list of groups published next to their total (the cooperatives of a network): groups under
 * the threshold are hidden, and when exactly one would be hidden, the next smallest too, so that
 * the total minus the others never gives it away. Returns which groups to hide.
 */
export function suppressWithTotal(counts: readonly number[], threshold = MIN_PEOPLE): boolean[] {
  const hidden = counts.map((n) => n < threshold);
  if (hidden.filter(Boolean).length === 1 && counts.length > 1) {
    let best = -1;
    counts.forEach((n, i) => {
      if (!hidden[i] && (best < 0 || n < counts[best]!)) best = i;
    });
    if (best >= 0) hidden[best] = true;
  }
  return hidden;
}

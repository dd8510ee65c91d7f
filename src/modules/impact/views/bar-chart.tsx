// A server-rendered, accessible SVG bar chart: the cooperative's figure against the network
// median for each percentage indicator (role="img" with a text alternative, values written on
// the bars, no colour-only meaning).
import type { IndicatorRow } from '../indicators.ts';

export function PercentBars(p: { rows: IndicatorRow[]; medians: Map<string, number | null> }) {
  const rows = p.rows.filter((r) => r.unit === '%');
  const barH = 14;
  const gap = 12;
  const left = 240;
  const width = 360;
  const height = rows.length * (2 * barH + gap) + 20;
  const alt = rows
    .map((r) => {
      const m = p.medians.get(r.code);
      return `${r.label} : ${r.notApplicable ? 'non applicable' : r.suppressed ? 'moins de 5 personnes' : `${r.value} %`}${m === null || m === undefined ? '' : `, médiane du réseau ${m} %`}`;
    })
    .join(' ; ');
  return (
    <svg
      role="img"
      aria-label={`Indicateurs en pourcentage : ${alt}`}
      viewBox={`0 0 ${left + width + 60} ${height}`}
      width="100%"
      xmlns="http://www.w3.org/2000/svg"
      class="chart"
    >
      {rows.map((r, i) => {
        const y = 10 + i * (2 * barH + gap);
        const v = r.suppressed ? null : Number(r.value);
        const m = p.medians.get(r.code) ?? null;
        return (
          <g>
            <text x={left - 8} y={y + barH} text-anchor="end">
              {r.code} {r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label}
            </text>
            {v === null ? (
              <text x={left} y={y + barH - 3} fill="#555">
                moins de 5 personnes
              </text>
            ) : (
              <>
                <rect x={left} y={y} width={(width * v) / 100} height={barH - 2} fill="#1d4ed8" />
                <text x={left + (width * v) / 100 + 4} y={y + barH - 3}>
                  {`${v} %`}
                </text>
              </>
            )}
            {m !== null && (
              <>
                <rect x={left} y={y + barH} width={(width * m) / 100} height={barH - 2} fill="#9ca3af" />
                <text x={left + (width * m) / 100 + 4} y={y + 2 * barH - 3} fill="#374151">
                  {`médiane ${Math.round(m * 10) / 10} %`}
                </text>
              </>
            )}
          </g>
        );
      })}
    </svg>
  );
}

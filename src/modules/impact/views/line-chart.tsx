// A server-rendered, accessible SVG line chart of one indicator over the years: the cooperative
// (solid line, round markers), the network median (dashed, square markers) and, for network
// staff, the pooled network (dotted). role="img" with a text alternative listing every value;
// each point carries its value in words, so no meaning rests on colour alone.
import type { TrendSeries } from '../dashboard.service.ts';
import { numberText } from './format.ts';

const W = 420;
const H = 160;
const PAD = { left: 48, right: 16, top: 14, bottom: 28 };

export function trendAlt(s: TrendSeries): string {
  const v = (x: number | null) => (x === null ? 'non publié' : numberText(x, s.unit));
  return `${s.code} ${s.label}, évolution : ${s.points
    .map(
      (p) =>
        `${p.year} : coopérative ${v(p.own)}, médiane du réseau ${v(p.median)}${p.network === null ? '' : `, réseau ${v(p.network)}`}`,
    )
    .join(' ; ')}`;
}

export function TrendChart(p: { s: TrendSeries; withNetwork: boolean }) {
  const { s } = p;
  const values = s.points.flatMap((x) => [x.own, x.median, x.network]).filter((v): v is number => v !== null);
  const max = s.unit === '%' ? 100 : Math.max(1, ...values) * 1.15;
  const years = s.points.map((x) => x.year);
  const xOf = (i: number) =>
    PAD.left +
    (years.length <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (years.length - 1));
  const yOf = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const line = (key: 'own' | 'median' | 'network') =>
    s.points
      .map((pt, i) => (pt[key] === null ? null : `${xOf(i).toFixed(1)},${yOf(pt[key]!).toFixed(1)}`))
      .filter((x) => x !== null)
      .join(' ');
  const series = [
    { key: 'own' as const, stroke: '#1d4ed8', dash: undefined, name: 'Coopérative' },
    { key: 'median' as const, stroke: '#6b7280', dash: '6 4', name: 'Médiane du réseau' },
    ...(p.withNetwork ? [{ key: 'network' as const, stroke: '#047857', dash: '2 3', name: 'Réseau' }] : []),
  ];
  return (
    <svg
      role="img"
      aria-label={trendAlt(s)}
      viewBox={`0 0 ${W} ${H + 18}`}
      width="100%"
      xmlns="http://www.w3.org/2000/svg"
      class="chart"
      font-family="DejaVu Sans, sans-serif"
      font-size="10"
    >
      <title>{trendAlt(s)}</title>
      <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} stroke="#374151" />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} stroke="#374151" />
      <text x={PAD.left - 4} y={PAD.top + 4} text-anchor="end">
        {numberText(Math.round(max), s.unit)}
      </text>
      <text x={PAD.left - 4} y={H - PAD.bottom} text-anchor="end">
        0
      </text>
      {years.map((y, i) => (
        <text x={xOf(i)} y={H - PAD.bottom + 14} text-anchor="middle">
          {String(y)}
        </text>
      ))}
      {series.map((x) => (
        <g>
          <polyline points={line(x.key)} fill="none" stroke={x.stroke} stroke-width="2" stroke-dasharray={x.dash} />
          {s.points.map((pt, i) =>
            pt[x.key] === null ? null : x.key === 'own' ? (
              <circle cx={xOf(i)} cy={yOf(pt[x.key]!)} r="3.5" fill={x.stroke}>
                <title>{`${x.name} ${pt.year} : ${numberText(pt[x.key], s.unit)}`}</title>
              </circle>
            ) : (
              <rect x={xOf(i) - 3} y={yOf(pt[x.key]!) - 3} width="6" height="6" fill={x.stroke}>
                <title>{`${x.name} ${pt.year} : ${numberText(pt[x.key], s.unit)}`}</title>
              </rect>
            ),
          )}
        </g>
      ))}
      {series.map((x, k) => (
        <g>
          <line
            x1={PAD.left + k * 130}
            y1={H + 8}
            x2={PAD.left + k * 130 + 22}
            y2={H + 8}
            stroke={x.stroke}
            stroke-width="2"
            stroke-dasharray={x.dash}
          />
          <text x={PAD.left + k * 130 + 26} y={H + 11}>
            {x.name}
          </text>
        </g>
      ))}
    </svg>
  );
}

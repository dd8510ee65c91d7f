// The dashboard's charts as SVG files (« Télécharger en SVG »): GET /impact/graphiques/barres.svg
// and /impact/graphiques/evolution-<code>.svg, ?annee=YYYY. Same service, same permission as the
// dashboard. POST /impact/recalcul?annee=YYYY (network staff) asks the background job for the year.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { todayParis } from '../../../core/dates.ts';
import { impactDashboard } from '../dashboard.service.ts';
import { requestIndicatorsComputation } from '../indicator-history.service.ts';
import { PercentBars } from '../views/bar-chart.tsx';
import { TrendChart } from '../views/line-chart.tsx';

export const impactChartRoutes = new Hono<AppEnv>();

function yearOf(c: Ctx): number | null {
  const current = Number(todayParis().slice(0, 4));
  const q = c.req.query('annee') ?? '';
  const y = q === '' ? current : /^\d{4}$/.test(q) ? Number(q) : Number.NaN;
  return y >= 2000 && y <= current + 1 ? y : null;
}

const svgFile = async (c: Ctx, node: unknown, name: string) =>
  c.body(
    `<?xml version="1.0" encoding="UTF-8"?>\n${await (node as { toString(): string | Promise<string> }).toString()}`,
    200,
    {
      'Content-Type': 'image/svg+xml; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}.svg"`,
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
  );

impactChartRoutes.get('/impact/graphiques/:file', async (c) => {
  const m = /^(barres|evolution-([A-Za-z0-9]{1,8}))\.svg$/.exec(c.req.param('file'));
  const year = yearOf(c);
  if (!m) return c.text('Graphique introuvable.', 404);
  if (year === null) return c.text('Année invalide.', 400);
  const d = await impactDashboard(c.get('app').odb.db, actorOf(c), year);
  if (m[1] === 'barres') return svgFile(c, <PercentBars rows={d.own} medians={d.medians} />, `impact-${year}`);
  const s = d.trends.find((t) => t.code === m[2]);
  if (!s) return c.text('Graphique introuvable.', 404);
  return svgFile(c, <TrendChart s={s} withNetwork={d.network !== null} />, `impact-${s.code}-${year}`);
});

// Network staff: compute the year again for every cooperative of the network, in the background.
impactChartRoutes.post('/impact/recalcul', async (c) => {
  const year = yearOf(c);
  if (year === null) return c.text('Année invalide.', 400);
  await requestIndicatorsComputation(c.get('app').odb.db, actorOf(c), year);
  return c.redirect(`/impact?annee=${year}&recalcul=1`, 303);
});

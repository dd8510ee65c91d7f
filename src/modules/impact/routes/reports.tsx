// Funder reports: the ESF participants report on screen (GET /impact/rapports/fse), as CSV and as
// XLSX. `?portee=reseau` pools the network (network staff only: the service checks).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { can } from '../../../core/authz.ts';
import { csvRecord } from '../../../core/csv.ts';
import { todayParis } from '../../../core/dates.ts';
import { esfCsv, esfWorkbook } from '../esf-report.ts';
import { esfReportFor } from '../esf-report.service.ts';
import { IMPACT } from '../permissions.ts';
import { EsfReportPage } from '../views/esf-report-page.tsx';

export const impactReportRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;

function params(c: Ctx): { year: number; scope: 'cooperative' | 'network' } | null {
  const current = Number(todayParis().slice(0, 4));
  const q = c.req.query('annee') ?? '';
  const year = q === '' ? current : /^\d{4}$/.test(q) ? Number(q) : Number.NaN;
  if (!(year >= 2000 && year <= current + 1)) return null;
  return { year, scope: c.req.query('portee') === 'reseau' ? 'network' : 'cooperative' };
}

const fileName = (year: number, scope: string, ext: string) =>
  `rapport-fse-participants-${scope === 'network' ? 'reseau-' : ''}${year}.${ext}`;

impactReportRoutes.get('/impact/rapports/fse', async (c) => {
  const p = params(c);
  if (!p) return c.text('Année invalide.', 400);
  const actor = actorOf(c);
  const r = await esfReportFor(dbOf(c), actor, p.year, p.scope);
  return c.html(<EsfReportPage c={c} r={r} canNetwork={can(actor, IMPACT.networkRead)} />);
});

impactReportRoutes.get('/impact/rapports/fse.csv', async (c) => {
  const p = params(c);
  if (!p) return c.text('Année invalide.', 400);
  const r = await esfReportFor(dbOf(c), actorOf(c), p.year, p.scope);
  return c.body(
    esfCsv(r, (cells) => csvRecord(cells)),
    200,
    {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName(p.year, p.scope, 'csv')}"`,
    },
  );
});

impactReportRoutes.get('/impact/rapports/fse.xlsx', async (c) => {
  const p = params(c);
  if (!p) return c.text('Année invalide.', 400);
  const r = await esfReportFor(dbOf(c), actorOf(c), p.year, p.scope);
  const body = await esfWorkbook(r, r.scope === 'network' ? 'réseau' : r.scopeName);
  return c.body(new Uint8Array(body), 200, {
    'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'Content-Disposition': `attachment; filename="${fileName(p.year, p.scope, 'xlsx')}"`,
  });
});

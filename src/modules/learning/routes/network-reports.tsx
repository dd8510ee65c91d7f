// The network's training report (network staff): the page and its downloads (attachments). The
// service authorizes and reads every cooperative of the network itself; the page only shows.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor } from '../../../web/middleware.ts';
import { pageParam, textQuery } from '../../../web/forms.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { networkTrainingReport, type NetworkReportFilter } from '../network-reports.service.ts';
import { networkReportCsv, networkReportWorkbook } from '../network-reports-export.ts';
import { NetworkReportPage, type NetworkReportQuery } from '../views/network-reports.tsx';

export const networkReportRoutes = new Hono<AppEnv>();
for (const path of ['/formations/reseau', '/formations/reseau.csv', '/formations/reseau.xlsx'])
  networkReportRoutes.use(path, requireActor);

function query(c: Ctx): NetworkReportQuery {
  return {
    du: textQuery(c, 'du', 10),
    au: textQuery(c, 'au', 10),
    cooperative: textQuery(c, 'cooperative', 40),
    formation: textQuery(c, 'formation', 40),
    financement: textQuery(c, 'financement', 100),
  };
}
const filterOf = (q: NetworkReportQuery): NetworkReportFilter => ({
  from: q.du,
  to: q.au,
  cooperativeId: q.cooperative,
  course: q.formation,
  fundingSource: q.financement,
});
const report = (c: Ctx, q: NetworkReportQuery) => networkTrainingReport(c.get('app').odb.db, actorOf(c), filterOf(q));
const fileName = (q: NetworkReportQuery, ext: string) =>
  `formation-reseau${q.du ? `-${q.du}` : ''}${q.au ? `-${q.au}` : ''}.${ext}`.replace(/[^\w.-]/g, '');

networkReportRoutes.get('/formations/reseau', async (c) => {
  const q = query(c);
  const page = pageParam(c);
  try {
    return c.html(<NetworkReportPage c={c} query={q} report={await report(c, q)} errors={null} page={page} />);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<NetworkReportPage c={c} query={q} report={null} errors={errors} page={1} />, 400);
  }
});
networkReportRoutes.get('/formations/reseau.csv', async (c) => {
  const q = query(c);
  return new Response(networkReportCsv(await report(c, q)), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName(q, 'csv')}"`,
    },
  });
});
networkReportRoutes.get('/formations/reseau.xlsx', async (c) => {
  const q = query(c);
  return new Response(new Uint8Array(await networkReportWorkbook(await report(c, q))), {
    headers: {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="${fileName(q, 'xlsx')}"`,
    },
  });
});

// The yearly impact report and funders' access:
// - GET /impact/rapports: the reports the member can produce, the funders and the share form;
// - GET /impact/rapports/impact.(pdf|xlsx|csv)?annee=YYYY[&portee=reseau];
// - POST /impact/rapports/partages, POST /impact/financeurs/:id/retirer (directors, network staff);
// - GET /financeur/:token and /financeur/:token/<kind>-<scope>-<year>.<ext>: a funder's link, no
//   account; anything not shared with them answers 404.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { can } from '../../../core/authz.ts';
import { csvRecord } from '../../../core/csv.ts';
import { todayParis } from '../../../core/dates.ts';
import type { Tx } from '../../../core/db/handles.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { getCooperative } from '../../directory/index.ts';
import { esfCsv, esfWorkbook } from '../esf-report.ts';
import { funderAccess, funderShare, listFunders, revokeFunder, shareReport } from '../funder.service.ts';
import { IMPACT } from '../permissions.ts';
import { reportCsv, reportWorkbook, type ImpactReport, type ReportScope } from '../report.ts';
import { reportPdf } from '../report-pdf.ts';
import { availableReports, buildEsfReport, buildImpactReport, impactReportFor } from '../report.service.ts';
import { FunderPage } from '../views/report-funder-page.tsx';
import { parseRefSlug, refSlug, ReportListPage, type ShareForm } from '../views/report-list-page.tsx';

export const impactReportFileRoutes = new Hono<AppEnv>();
const dbOf = (c: Ctx) => c.get('app').odb.db;

function params(c: Ctx): { year: number; scope: ReportScope } | null {
  const current = Number(todayParis().slice(0, 4));
  const q = c.req.query('annee') ?? '';
  const year = q === '' ? current : /^\d{4}$/.test(q) ? Number(q) : Number.NaN;
  if (!(year >= 2000 && year <= current + 1)) return null;
  return { year, scope: c.req.query('portee') === 'reseau' ? 'network' : 'cooperative' };
}

const TYPES = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

async function impactFile(c: Ctx, r: ImpactReport, ext: keyof typeof TYPES, name: string) {
  const body =
    ext === 'pdf'
      ? await reportPdf(r, new Date().toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }))
      : ext === 'xlsx'
        ? await reportWorkbook(r)
        : Buffer.from(reportCsv(r, (cells) => csvRecord(cells)));
  return c.body(new Uint8Array(body), 200, {
    'Content-Type': TYPES[ext],
    'Content-Disposition': `attachment; filename="${name}.${ext}"`,
    'Cache-Control': 'no-store',
  });
}

async function listPage(
  c: Ctx,
  form: ShareForm,
  errors: Record<string, string> | null,
  created: { name: string; link: string } | null,
) {
  const actor = actorOf(c);
  const reports = await availableReports(dbOf(c), actor);
  const funders = can(actor, IMPACT.reportsShare)
    ? await withTenant(dbOf(c), actor.cooperativeId, (tx) => listFunders(tx as unknown as Tx, actor))
    : null;
  const coop = await getCooperative(dbOf(c), actor.cooperativeId);
  return c.html(
    <ReportListPage
      c={c}
      cooperativeName={coop?.name ?? ''}
      reports={reports}
      funders={funders}
      form={form}
      errors={errors}
      created={created}
    />,
    errors ? 400 : 200,
  );
}

impactReportFileRoutes.get('/impact/rapports', (c) => listPage(c, { name: '', email: '', report: '' }, null, null));

for (const ext of ['pdf', 'xlsx', 'csv'] as const)
  impactReportFileRoutes.get(`/impact/rapports/impact.${ext}`, async (c) => {
    const p = params(c);
    if (!p) return c.text('Année invalide.', 400);
    const r = await impactReportFor(dbOf(c), actorOf(c), p.scope, p.year);
    return impactFile(c, r, ext, `rapport-impact-${refSlug({ kind: 'impact', ...p }).slice(7)}`);
  });

impactReportFileRoutes.post('/impact/rapports/partages', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  const form: ShareForm = {
    name: (f.name ?? '').slice(0, 300),
    email: (f.email ?? '').slice(0, 300),
    report: (f.report ?? '').slice(0, 60),
  };
  const ref = parseRefSlug(`${form.report}.csv`);
  try {
    const r = await withTenant(dbOf(c), actor.cooperativeId, (tx) =>
      shareReport(tx as unknown as Tx, actor, {
        name: form.name,
        email: form.email,
        scope: ref?.scope ?? ('?' as ReportScope),
        kind: ref?.kind ?? ('?' as 'impact'),
        year: ref?.year ?? 0,
      }),
    );
    const base = c.get('app').config.publicUrl.replace(/\/$/, '');
    const created = r.token ? { name: form.name.trim(), link: `${base}/financeur/${r.token}` } : null;
    return listPage(c, { name: '', email: '', report: '' }, null, created);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return listPage(c, form, errors, null);
  }
});

impactReportFileRoutes.post('/impact/financeurs/:id/retirer', async (c) => {
  const actor = actorOf(c);
  await withTenant(dbOf(c), actor.cooperativeId, (tx) => revokeFunder(tx as unknown as Tx, actor, c.req.param('id')));
  return c.redirect('/impact/rapports', 303);
});

impactReportFileRoutes.get('/financeur/:token', async (c) => {
  const token = c.req.param('token');
  const a = await funderAccess(dbOf(c), token);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.html(<FunderPage c={c} a={a} token={token} />);
});

impactReportFileRoutes.get('/financeur/:token/:file', async (c) => {
  const token = c.req.param('token');
  const ref = parseRefSlug(c.req.param('file'));
  if (!ref) return c.text('Rapport introuvable.', 404);
  const a = await funderShare(dbOf(c), token, ref);
  const name = `rapport-${refSlug(ref)}`;
  if (ref.kind === 'impact')
    return impactFile(
      c,
      await buildImpactReport(dbOf(c), a.cooperativeId, ref.scope, ref.year),
      ref.ext as 'pdf',
      name,
    );
  const r = await buildEsfReport(dbOf(c), a.cooperativeId, ref.scope, ref.year);
  const body = ref.ext === 'xlsx' ? await esfWorkbook(r, r.scopeName) : Buffer.from(esfCsv(r, (x) => csvRecord(x)));
  return c.body(new Uint8Array(body), 200, {
    'Content-Type': TYPES[ref.ext as 'csv'],
    'Content-Disposition': `attachment; filename="${name}.${ref.ext}"`,
    'Cache-Control': 'no-store',
  });
});

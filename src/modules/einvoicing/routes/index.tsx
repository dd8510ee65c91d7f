// The e-invoicing pages. The services authorize (EINVOICING.*); the routes parse and render.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { actorOf } from '../../../web/context.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { formValues, idParam } from '../../../web/forms.ts';
import { type Tx, withTenant } from '../../../core/db/tenant.ts';
import type { Actor } from '../../../core/actor.ts';
import { can } from '../../../core/authz.ts';
import { fieldErrors, NotFoundError, UserError } from '../../../core/errors.ts';
import { isIsoDate, todayParis } from '../../../core/dates.ts';
import { activitiesFor } from '../../directory/index.ts';
import { EINVOICING } from '../permissions.ts';
import { getPlatform, platformEnvOf, savePlatform, type PlatformEnv } from '../platform.service.ts';
import { listTransmissions, retryTransmission } from '../transmission.service.ts';
import { assignIncoming, listIncoming } from '../incoming.service.ts';
import { buyerStatusesOf } from '../buyer-status.service.ts';
import { eReportingCsv, eReportingSummary, sendEReport, sentEReports } from '../ereporting.service.ts';
import { eReportingFlux10 } from '../ereporting-flux10.service.ts';
import { EReportingPage, OverviewPage, PlatformPage } from '../views/pages.tsx';

export const einvoicingRoutes = new Hono<AppEnv>();
einvoicingRoutes.use('/facturation-electronique', requireActor);
einvoicingRoutes.use('/facturation-electronique/*', requireActor);

const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(c.get('app').odb.db, actorOf(c).cooperativeId, fn);
export const platformEnv = (c: Ctx): PlatformEnv => platformEnvOf(c.get('app').config);

/** Received invoices (for those who process them) with the buyer statuses sent back for each. */
async function incomingWithStatuses(tx: Tx, actor: Actor) {
  if (!can(actor, EINVOICING.operate)) return { incoming: null, buyerStatuses: new Map() };
  const incoming = await listIncoming(tx, actor);
  return {
    incoming,
    buyerStatuses: await buyerStatusesOf(
      tx,
      actor,
      incoming.map((i) => i.id),
    ),
  };
}

einvoicingRoutes.get('/facturation-electronique', async (c) => {
  const actor = actorOf(c);
  const data = await tenant(c, async (tx) => ({
    platform: await getPlatform(tx, actor),
    transmissions: await listTransmissions(tx, actor),
    ...(await incomingWithStatuses(tx, actor)),
    activities: can(actor, EINVOICING.operate)
      ? (await activitiesFor(tx, actor))
          .filter((a) => !a.closedAt)
          .map((a) => [a.id, `${a.name} (${a.analyticCode})`] as [string, string])
      : [],
  }));
  return c.html(
    <OverviewPage
      c={c}
      {...data}
      mayConfigure={can(actor, EINVOICING.configure)}
      mayReport={can(actor, EINVOICING.report)}
    />,
  );
});

einvoicingRoutes.get('/facturation-electronique/plateforme', async (c) => {
  const actor = actorOf(c);
  if (!can(actor, EINVOICING.configure)) return c.notFound();
  const platform = await tenant(c, (tx) => getPlatform(tx, actor));
  return c.html(<PlatformPage c={c} platform={platform} />);
});
einvoicingRoutes.post('/facturation-electronique/plateforme', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    await tenant(c, (tx) =>
      savePlatform(tx, actor, platformEnv(c), {
        adapter: f.adapter === 'folder' ? 'folder' : 'http',
        format: (['facturx', 'cii', 'ubl'] as const).find((x) => x === f.format) ?? ('' as 'facturx'),
        name: f.name ?? '',
        folder: f.folder || null,
        baseUrl: f.baseUrl || null,
        token: f.token || null,
        eReporting: f.eReporting === 'on',
        enabled: f.enabled === 'on',
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const platform = await tenant(c, (tx) => getPlatform(tx, actor));
    const { token: _t, ...values } = f;
    return c.html(<PlatformPage c={c} platform={platform} values={values} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Plateforme enregistrée.' });
  return c.redirect('/facturation-electronique', 303);
});

einvoicingRoutes.post('/facturation-electronique/transmissions/:id/relancer', async (c) => {
  const id = idParam(c, 'id', 'Transmission');
  await tenant(c, (tx) => retryTransmission(tx, actorOf(c), id));
  setFlash(c, { kind: 'success', text: 'La transmission sera retentée dans la minute.' });
  return c.redirect(`/factures/${id}`, 303);
});

einvoicingRoutes.post('/facturation-electronique/recues/:id/affecter', async (c) => {
  const id = idParam(c, 'id', 'Facture reçue');
  const f = await formValues(c);
  try {
    const invoiceId = await tenant(c, (tx) =>
      assignIncoming(tx, actorOf(c), c.get('app').config.fileKey, id, f.activityId ?? ''),
    );
    setFlash(c, { kind: 'success', text: 'Facture fournisseur enregistrée, à approuver.' });
    return c.redirect(`/factures-fournisseurs/${invoiceId}`, 303);
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    setFlash(c, { kind: 'error', text: e.message });
    return c.redirect('/facturation-electronique#recues', 303);
  }
});

/** The period asked for (default: last month). */
function period(c: Ctx): { from: string; to: string } {
  const today = todayParis();
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const first = m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
  const last = new Date(Date.UTC(Number(first.slice(0, 4)), Number(first.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const du = c.req.query('du') ?? '';
  const au = c.req.query('au') ?? '';
  return { from: du ? du.slice(0, 10) : first, to: au ? au.slice(0, 10) : last };
}

einvoicingRoutes.get('/facturation-electronique/e-reporting', async (c) => {
  const actor = actorOf(c);
  const { from, to } = period(c);
  try {
    const r = await tenant(c, async (tx) => ({
      summary: await eReportingSummary(tx, actor, from, to),
      sent: await sentEReports(tx, actor),
    }));
    return c.html(<EReportingPage c={c} from={from} to={to} {...r} mayOperate={can(actor, EINVOICING.operate)} />);
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(
      <EReportingPage
        c={c}
        from={isIsoDate(from) ? from : ''}
        to={isIsoDate(to) ? to : ''}
        summary={null}
        sent={[]}
        errors={errors}
        mayOperate={false}
      />,
      400,
    );
  }
});
einvoicingRoutes.get('/facturation-electronique/e-reporting.csv', async (c) => {
  const { from, to } = period(c);
  const s = await tenant(c, (tx) => eReportingSummary(tx, actorOf(c), from, to));
  return c.body(eReportingCsv(s), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="e-reporting-${from}-${to}.csv"`,
  });
});
einvoicingRoutes.get('/facturation-electronique/e-reporting.xml', async (c) => {
  const { from, to } = period(c);
  const xml = await tenant(c, (tx) => eReportingFlux10(tx, actorOf(c), from, to));
  return c.body(xml, 200, {
    'content-type': 'application/xml; charset=utf-8',
    'content-disposition': `attachment; filename="e-reporting-flux10-${from}-${to}.xml"`,
  });
});
einvoicingRoutes.post('/facturation-electronique/e-reporting/envoyer', async (c) => {
  const { from, to } = period(c);
  try {
    const r = await tenant(c, (tx) => sendEReport(tx, actorOf(c), platformEnv(c), from, to));
    setFlash(c, { kind: 'success', text: `E-reporting envoyé à la plateforme (référence ${r.platformRef}).` });
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof NotFoundError) throw e;
    setFlash(c, { kind: 'error', text: e.message });
  }
  return c.redirect(`/facturation-electronique/e-reporting?du=${from}&au=${to}`, 303);
});

// The audit log (/audit), for the direction.
import { Hono } from 'hono';
import { withTenant } from '../../../core/db/tenant.ts';
import { type AppEnv, actorOf } from '../../../web/context.ts';
import { pageParam } from '../../../web/forms.ts';
import { requireActor } from '../../../web/middleware.ts';
import { auditLogPage } from '../audit-log.service.ts';
import { AuditPage } from '../views/audit-page.tsx';

export const auditRoutes = new Hono<AppEnv>();
auditRoutes.use('/audit', requireActor);

auditRoutes.get('/audit', async (c) => {
  const actor = actorOf(c);
  const page = pageParam(c);
  const r = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => auditLogPage(trx, actor, page));
  return c.html(<AuditPage c={c} rows={r.rows} total={r.total} page={r.page} pageSize={r.pageSize} check={r.chain} />);
});

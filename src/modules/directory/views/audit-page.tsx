// The audit log: who did what, when, from where, and whether the chain is intact.
import type { AuditEntry, AuditVerification } from '../../../core/audit.ts';
import { formatDateTime } from '../../../core/dates.ts';
import { PageHeader, Pagination } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';

export function AuditPage(p: {
  c: Ctx;
  rows: AuditEntry[];
  total: number;
  page: number;
  pageSize: number;
  check: AuditVerification;
}) {
  const { c, rows, total, page, pageSize, check } = p;
  return (
    <Layout c={c} title="Journal d'audit" wide>
      <PageHeader
        title="Journal d'audit"
        help="Chaque action importante : qui, quoi, quand, d'où. Le journal est chaîné : toute modification après coup est détectée."
      />
      <div class={`flash ${check.ok ? 'flash-success' : 'flash-error'}`} role="status">
        {check.ok
          ? `Intégrité vérifiée : ${check.count} entrées, chaîne intacte.`
          : `Alerte d'intégrité : ${check.reason}.`}
      </div>
      <table class="data">
        <thead>
          <tr>
            <th>N°</th>
            <th>Date</th>
            <th>Qui</th>
            <th>Action</th>
            <th>Objet</th>
            <th>Adresse</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td data-label="N°">{r.seq}</td>
              <td data-label="Date">{formatDateTime(r.at)}</td>
              <td data-label="Qui">{r.actor_label}</td>
              <td data-label="Action">
                <code>{r.action}</code>
              </td>
              <td data-label="Objet">{r.target_type ? `${r.target_type} ${r.target_id ?? ''}` : '—'}</td>
              <td data-label="Adresse">{r.ip ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pagination page={page} pageSize={pageSize} total={total} baseUrl="/audit" />
    </Layout>
  );
}

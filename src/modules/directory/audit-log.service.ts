// The cooperative's audit log as the direction reads it: one page of entries and the state of
// the chain (core/audit.ts keeps and verifies it).
import type { Actor } from '../../core/actor.ts';
import { type AuditEntry, type AuditVerification, verifyAuditChain, listAuditEntries } from '../../core/audit.ts';
import { authorize } from '../../core/authz.ts';
import type { Tx } from '../../core/db/tenant.ts';
import { DIRECTORY } from './permissions.ts';

export const AUDIT_PAGE_SIZE = 50;

export async function auditLogPage(
  tx: Tx,
  actor: Actor,
  page: number,
): Promise<{ rows: AuditEntry[]; total: number; page: number; pageSize: number; chain: AuditVerification }> {
  authorize(actor, DIRECTORY.auditView);
  const { rows, total } = await listAuditEntries(tx, actor.cooperativeId, { page, pageSize: AUDIT_PAGE_SIZE });
  const chain = await verifyAuditChain(tx, actor.cooperativeId);
  return { rows, total, page, pageSize: AUDIT_PAGE_SIZE, chain };
}

// Small pieces shared by the module's views.
import { Badge } from '../../../web/components.tsx';
import { LIFECYCLE, SEND_STATE_LABELS, type LifecycleStatus } from '../statuses.ts';
import type { SendState } from '../schema.ts';

const TONE: Record<string, string> = {
  refused: 'refused',
  disputed: 'overdue',
  approved: 'paid',
  partly_approved: 'partly_paid',
  collected: 'paid',
  payment_sent: 'paid',
};

export function LifecycleBadge(p: { status: LifecycleStatus | null; state: SendState | null }) {
  if (p.status) return <Badge status={TONE[p.status] ?? 'sent'} label={LIFECYCLE[p.status].label} />;
  if (p.state)
    return <Badge status={p.state === 'failed' ? 'overdue' : 'pending'} label={SEND_STATE_LABELS[p.state]} />;
  return <Badge status="draft" label="—" />;
}

export const when = (d: Date | null) =>
  d ? d.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }) : '—';

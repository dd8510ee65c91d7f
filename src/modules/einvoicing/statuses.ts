// The life-cycle statuses of the French e-invoicing reform (codes of the external specifications
// of the reform, XP Z12-012), with their French labels. Pure: no database.
export const LIFECYCLE = {
  deposited: { code: '200', label: 'Déposée' },
  issued: { code: '201', label: 'Émise par la plateforme' },
  received: { code: '202', label: 'Reçue par la plateforme' },
  made_available: { code: '203', label: 'Mise à disposition' },
  taken_in_charge: { code: '204', label: 'Prise en charge' },
  approved: { code: '205', label: 'Approuvée' },
  partly_approved: { code: '206', label: 'Approuvée partiellement' },
  disputed: { code: '207', label: 'En litige' },
  refused: { code: '210', label: 'Refusée' },
  payment_sent: { code: '211', label: 'Paiement transmis' },
  collected: { code: '212', label: 'Encaissée' },
} as const;
export type LifecycleStatus = keyof typeof LIFECYCLE;
export const LIFECYCLE_STATUSES = Object.keys(LIFECYCLE) as LifecycleStatus[];

/** A status as a platform writes it: our key ('refused') or the reform's code ('210'). */
export function parseStatus(v: unknown): LifecycleStatus | null {
  if (typeof v !== 'string') return null;
  if (Object.hasOwn(LIFECYCLE, v)) return v as LifecycleStatus;
  return LIFECYCLE_STATUSES.find((s) => LIFECYCLE[s].code === v) ?? null;
}

/** Statuses that ask the entrepreneur to act (the inbox shows them with the platform's reason). */
export const NEEDS_ACTION: LifecycleStatus[] = ['refused', 'disputed'];

export const SEND_STATE_LABELS = {
  to_send: 'À transmettre à la plateforme',
  sent: 'Transmise à la plateforme',
  failed: 'Échec de transmission',
} as const;

export const CHANNEL_LABELS = {
  platform: 'Facture électronique (B2B France)',
  b2c: 'E-reporting : vente aux particuliers (B2C)',
  international: 'E-reporting : vente internationale',
} as const;

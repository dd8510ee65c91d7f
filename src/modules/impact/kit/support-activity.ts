// The support team's validation work, from audit entries: documents validated per day worked,
// time from submission to validation, share done after hours. Pure: the service reads the audit
// log (core API) and the team (directory) and hands the entries here. Never per person: every
// figure is a distribution over the team, hidden under 5 team members who validated.
import { quantile, wilson } from './stats.ts';
import { MIN_PEOPLE } from './suppression.ts';

/** Validation action → the submission action of the same target that it answers. */
export const VALIDATION_ACTIONS: Readonly<Record<string, string>> = {
  'invoice.validated': 'invoice.submitted',
  'credit_note.validated': 'invoice.submitted',
  'purchases.expense_report_validated': 'purchases.expense_report_submitted',
  'purchases.supplier_invoice_approved': 'purchases.supplier_invoice_submitted',
  'salary.approved': 'salary.requested',
  'identity.verified': 'identity.document_submitted',
};
export const SUBMISSION_ACTIONS = [...new Set(Object.values(VALIDATION_ACTIONS))];
/** Working hours, Paris time: Monday–Friday, 8:00 to 19:00. */
export const WORK_START_HOUR = 8;
export const WORK_END_HOUR = 19;

export interface ActivityEntry {
  action: string;
  targetType: string | null;
  targetId: string | null;
  actorUserId: string | null;
  at: Date;
}
export interface Spread {
  median: number;
  q1: number;
  q3: number;
}
export interface SupportActivity {
  /** Team members who validated at least one document in the period. */
  validators: number;
  /** Documents validated by the team in the period. */
  documents: number;
  suppressed: boolean;
  /** Per team member: documents validated ÷ days on which they validated (one decimal). */
  perDay: Spread | null;
  /** Hours from the (latest) submission to the validation, over documents (one decimal). */
  hoursToValidate: (Spread & { n: number }) | null;
  /** Share (%) of validations outside working hours, with its 95 % Wilson interval. */
  afterHours: { percent: number; low: number; high: number } | null;
}

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});
function paris(d: Date): { day: string; hour: number; weekend: boolean } {
  const p = Object.fromEntries(parisParts.formatToParts(d).map((x) => [x.type, x.value]));
  return {
    day: `${p.year}-${p.month}-${p.day}`,
    hour: Number(p.hour),
    weekend: p.weekday === 'Sat' || p.weekday === 'Sun',
  };
}
/** Outside Monday–Friday 8:00–19:00, Paris time. */
export function afterHours(d: Date): boolean {
  const p = paris(d);
  return p.weekend || p.hour < WORK_START_HOUR || p.hour >= WORK_END_HOUR;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
function spread(xs: number[]): Spread {
  return { median: r1(quantile(xs, 0.5)!), q1: r1(quantile(xs, 0.25)!), q3: r1(quantile(xs, 0.75)!) };
}

/** Entries oldest first (submissions and validations mixed); `team`: the support team's user ids. */
export function supportActivity(entries: readonly ActivityEntry[], team: readonly string[]): SupportActivity {
  const members = new Set(team);
  const lastSubmitted = new Map<string, Date>();
  const perMember = new Map<string, { docs: number; days: Set<string> }>();
  const hours: number[] = [];
  let late = 0;
  const sorted = [...entries].sort((x, y) => x.at.getTime() - y.at.getTime());
  for (const e of sorted) {
    const key = `${e.targetType}:${e.targetId}`;
    const answers = VALIDATION_ACTIONS[e.action];
    if (!answers) {
      lastSubmitted.set(`${e.action}|${key}`, e.at);
      continue;
    }
    if (!e.actorUserId || !members.has(e.actorUserId)) continue;
    const m = perMember.get(e.actorUserId) ?? { docs: 0, days: new Set<string>() };
    m.docs++;
    m.days.add(paris(e.at).day);
    perMember.set(e.actorUserId, m);
    if (afterHours(e.at)) late++;
    const sub = lastSubmitted.get(`${answers}|${key}`);
    if (sub) {
      hours.push((e.at.getTime() - sub.getTime()) / 3_600_000);
      lastSubmitted.delete(`${answers}|${key}`);
    }
  }
  const validators = perMember.size;
  const documents = [...perMember.values()].reduce((s, m) => s + m.docs, 0);
  const suppressed = validators < MIN_PEOPLE;
  if (suppressed) return { validators, documents, suppressed, perDay: null, hoursToValidate: null, afterHours: null };
  const w = wilson(late, documents);
  return {
    validators,
    documents,
    suppressed,
    perDay: spread([...perMember.values()].map((m) => m.docs / m.days.size)),
    hoursToValidate: hours.length >= MIN_PEOPLE ? { ...spread(hours), n: hours.length } : null,
    afterHours: { percent: r1((late / documents) * 100), low: r1(w.low * 100), high: r1(w.high * 100) },
  };
}

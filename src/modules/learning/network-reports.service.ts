// Training across the whole network, for network staff (the yearly « bilan pédagogique et
// financier » of a network): per cooperative × course (workshops in their own line) with the
// funding source, learners, enrolments, completions, certificates, workshop attendances and hours,
// plus the bilan's totals (trainees and trainee-hours by type of trainee and by funding).
// Each cooperative is read under its own tenant (row-level policies), in one read-only snapshot.
// Privacy as the impact module's network views: network staff are outside these cooperatives, so
// a line on 1 to 4 people shows none of its figures (hours of two people are theirs), and when a
// single line would be hidden the next smallest is hidden too, so the total minus the others never
// gives it away (`suppressWithTotal`'s rule, written here on the learners of each line).
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { withEachTenant } from '../../core/db/tenant.ts';
import { isIsoDate, todayParis, daysBetween } from '../../core/dates.ts';
import { UserError } from '../../core/errors.ts';
import { getCooperative, listCooperatives, listMembers } from '../directory/index.ts';
import { trainingHours as workshopHours } from '../journeys/index.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import { MIN_CELL, type Cell } from './report-types.ts';
import { suppress, UNSAID_FUNDING, WORKSHOPS_FUNDING } from './reports.service.ts';

/** The key of the workshops' line in the course filter (sessions are not courses). */
export const WORKSHOPS_KEY = 'ateliers';
const WORKSHOPS_TITLE = 'Ateliers et classes virtuelles';
/** Longest period read at once (a few years: one snapshot over every cooperative). */
const MAX_DAYS = 3 * 366;

export interface NetworkReportFilter {
  /** Inclusive dates, Paris time (the current calendar year by default). */
  from?: string;
  to?: string;
  cooperativeId?: string;
  /** A course id, or WORKSHOPS_KEY. */
  course?: string;
  fundingSource?: string;
}
export interface NetworkReportLine {
  cooperativeId: string;
  cooperative: string;
  courseKey: string;
  course: string;
  fundingSource: string;
  /** Distinct people of the line; null when hidden (as every figure of the line). */
  learners: Cell;
  enrolments: Cell;
  completions: Cell;
  certificates: Cell;
  /** Workshop and virtual-class attendances (sessions attended). */
  attendances: Cell;
  hours: number | null;
}
export interface TraineeBreakdown {
  label: string;
  people: Cell;
  hours: number | null;
}
export interface NetworkTrainingReport {
  from: string;
  to: string;
  filter: NetworkReportFilter;
  options: {
    cooperatives: { id: string; name: string }[];
    courses: { key: string; title: string }[];
    fundings: string[];
  };
  lines: NetworkLineList;
  /** Null when the period's trainees are fewer than MIN_CELL (every figure would be theirs). */
  totals: {
    trainees: number;
    traineeHours: number;
    enrolments: number;
    completions: number;
    certificates: number;
    attendances: number;
  } | null;
  byType: TraineeBreakdown[];
  byFunding: TraineeBreakdown[];
}
export type NetworkLineList = NetworkReportLine[];

/** The types of trainee of the bilan, from the person's roles in their cooperative. */
export const TRAINEE_TYPES = [
  'Entrepreneur·es en CAPE',
  'Entrepreneur·es salarié·es',
  'Équipe permanente',
  'Sans rôle dans la coopérative (MOOC public)',
] as const;
function traineeType(roles: readonly string[]): (typeof TRAINEE_TYPES)[number] {
  if (roles.includes('cape')) return TRAINEE_TYPES[0];
  if (roles.includes('entrepreneur')) return TRAINEE_TYPES[1];
  if (roles.length) return TRAINEE_TYPES[2];
  return TRAINEE_TYPES[3];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

interface RawLine {
  cooperativeId: string;
  cooperative: string;
  courseKey: string;
  course: string;
  fundingSource: string;
  people: Set<string>;
  enrolments: number;
  completions: number;
  certificates: number;
  attendances: number;
  /** Hours per person of this line (for the bilan's per-type and per-funding sums). */
  hoursBy: Map<string, number>;
}

function period(filter: NetworkReportFilter): { from: string; to: string } {
  const year = todayParis().slice(0, 4);
  const from = filter.from?.trim() || `${year}-01-01`;
  const to = filter.to?.trim() || `${year}-12-31`;
  if (!isIsoDate(from)) throw new UserError('Date invalide (AAAA-MM-JJ).', 'from');
  if (!isIsoDate(to)) throw new UserError('Date invalide (AAAA-MM-JJ).', 'to');
  if (to < from) throw new UserError('La fin doit être après le début.', 'to');
  if (daysBetween(from, to) > MAX_DAYS) throw new UserError('Trois ans au plus.', 'to');
  return { from, to };
}

/** One cooperative's lines, read in its tenant, as the network staff member acting there. */
async function cooperativeLines(
  tx: Tx,
  actor: Actor,
  coop: { id: string; name: string },
  from: string,
  to: string,
): Promise<{ lines: RawLine[]; types: Map<string, string> }> {
  const here = { ...actor, cooperativeId: coop.id } as Actor;
  const db = learningDb(tx);
  // A coarse bound in SQL (a day each side), then the exact Paris dates in code.
  const lo = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000);
  const hi = new Date(Date.parse(`${to}T00:00:00Z`) + 2 * 86_400_000);
  const inPeriod = (d: Date | string | null) => {
    if (!d) return false;
    const day = todayParis(new Date(d));
    return day >= from && day <= to;
  };
  const enrolments = (
    await db
      .selectFrom('learning_enrolment as e')
      .leftJoin('learning_course as c', (j) =>
        j.onRef('c.cooperative_id', '=', 'e.course_cooperative_id').onRef('c.id', '=', 'e.course_id'),
      )
      .select([
        'e.user_id',
        'e.course_id',
        'e.completed_minutes',
        'c.title',
        'c.funding_source',
        'e.enrolled_at',
        'e.completed_at',
      ])
      .where('e.cooperative_id', '=', coop.id)
      .where((w) =>
        w.or([
          w.and([w('e.enrolled_at', '>=', lo), w('e.enrolled_at', '<', hi)]),
          w.and([w('e.completed_at', '>=', lo), w('e.completed_at', '<', hi)]),
        ]),
      )
      .execute()
  )
    .map((e) => ({ ...e, enrolled_in: inPeriod(e.enrolled_at), completed_in: inPeriod(e.completed_at) }))
    .filter((e) => e.enrolled_in || e.completed_in);
  const certificates = (
    await db
      .selectFrom('learning_certificate')
      .select(['course_id', 'user_id', 'course_title', 'issued_at'])
      .where('cooperative_id', '=', coop.id)
      .where('revoked_at', 'is', null)
      .where('issued_at', '>=', lo)
      .where('issued_at', '<', hi)
      .execute()
  ).filter((c) => inPeriod(c.issued_at));
  const lines = new Map<string, RawLine>();
  const line = (courseKey: string, course: string, fundingSource: string) => {
    const cur = lines.get(courseKey) ?? {
      cooperativeId: coop.id,
      cooperative: coop.name,
      courseKey,
      course,
      fundingSource,
      people: new Set<string>(),
      enrolments: 0,
      completions: 0,
      certificates: 0,
      attendances: 0,
      hoursBy: new Map<string, number>(),
    };
    lines.set(courseKey, cur);
    return cur;
  };
  for (const e of enrolments) {
    const l = line(e.course_id, e.title ?? 'Formation retirée', e.funding_source || UNSAID_FUNDING);
    l.people.add(e.user_id);
    if (e.enrolled_in) l.enrolments++;
    if (e.completed_in) {
      l.completions++;
      l.hoursBy.set(e.user_id, (l.hoursBy.get(e.user_id) ?? 0) + Number(e.completed_minutes ?? 0) / 60);
    }
  }
  for (const c of certificates) {
    const l = lines.get(c.course_id) ?? line(c.course_id, c.course_title, UNSAID_FUNDING);
    l.people.add(c.user_id);
    l.certificates++;
  }
  for (const w of await workshopHours(tx, here, { from, to })) {
    const l = line(WORKSHOPS_KEY, WORKSHOPS_TITLE, WORKSHOPS_FUNDING);
    l.people.add(w.userId);
    l.attendances += w.sessions;
    l.hoursBy.set(w.userId, w.hours);
  }
  const types = new Map<string, string>();
  if (lines.size) {
    const members = await listMembers(tx, here, { pageSize: 1_000_000 });
    for (const m of members.items) types.set(m.userId, traineeType(m.roles));
  }
  return { lines: [...lines.values()], types };
}

/** Hides a line's figures, as the bilan's breakdowns hide a count (with the secondary rule). */
function hiddenLines(counts: number[]): boolean[] {
  const hidden = counts.map((n) => n > 0 && n < MIN_CELL);
  if (hidden.filter(Boolean).length === 1 && counts.length > 1) {
    let k = -1;
    counts.forEach((n, i) => {
      if (!hidden[i] && (k < 0 || n < counts[k]!)) k = i;
    });
    if (k >= 0) hidden[k] = true;
  }
  return hidden;
}

/** The network's training report over a period (network staff only). */
export async function networkTrainingReport(
  db: Db,
  actor: Actor,
  filter: NetworkReportFilter = {},
): Promise<NetworkTrainingReport> {
  authorize(actor, LEARNING.networkReports);
  const { from, to } = period(filter);
  const networkId = (await getCooperative(db, actor.cooperativeId))?.networkId;
  const coops = (await listCooperatives(db))
    .filter((c) => networkId && c.networkId === networkId)
    .map((c) => ({ id: c.id, name: c.name }));
  const collator = new Intl.Collator('fr');
  coops.sort((a, b) => collator.compare(a.name, b.name));
  if (filter.cooperativeId && !coops.some((c) => c.id === filter.cooperativeId))
    throw new UserError('Choisissez une coopérative du réseau.', 'cooperative');
  const perCoop = await withEachTenant(
    db,
    coops.map((c) => c.id),
    (trx, id) => cooperativeLines(trx as unknown as Tx, actor, coops.find((c) => c.id === id)!, from, to),
    { readOnly: true, isolation: 'repeatable read' },
  );
  const all = perCoop.flatMap((p) => p.lines);
  const typeOf = new Map<string, string>();
  for (const p of perCoop) for (const [u, t] of p.types) if (!typeOf.has(u)) typeOf.set(u, t);

  const courses = new Map<string, string>();
  for (const l of all) courses.set(l.courseKey, l.course);
  const options = {
    cooperatives: coops,
    courses: [...courses.entries()]
      .map(([key, title]) => ({ key, title }))
      .sort((a, b) => collator.compare(a.title, b.title)),
    fundings: [...new Set(all.map((l) => l.fundingSource))].sort(collator.compare),
  };
  const chosen = all
    .filter((l) => !filter.cooperativeId || l.cooperativeId === filter.cooperativeId)
    .filter((l) => !filter.course || l.courseKey === filter.course)
    .filter((l) => !filter.fundingSource || l.fundingSource === filter.fundingSource)
    .sort(
      (a, b) =>
        collator.compare(a.cooperative, b.cooperative) ||
        collator.compare(a.course, b.course) ||
        a.courseKey.localeCompare(b.courseKey),
    );
  const hide = hiddenLines(chosen.map((l) => l.people.size));
  const lines = chosen.map((l, i): NetworkReportLine => {
    const shown = !hide[i];
    const sumHours = round2([...l.hoursBy.values()].reduce((s, h) => s + h, 0));
    return {
      cooperativeId: l.cooperativeId,
      cooperative: l.cooperative,
      courseKey: l.courseKey,
      course: l.course,
      fundingSource: l.fundingSource,
      learners: shown ? l.people.size : null,
      enrolments: shown ? l.enrolments : null,
      completions: shown ? l.completions : null,
      certificates: shown ? l.certificates : null,
      attendances: shown ? l.attendances : null,
      hours: shown ? sumHours : null,
    };
  });

  // The bilan: trainees (distinct people of the network) and their hours, by type and by funding.
  const trainees = new Set(chosen.flatMap((l) => [...l.people]));
  const hoursOf = (ls: RawLine[], keep: (u: string) => boolean) =>
    round2(ls.reduce((s, l) => s + [...l.hoursBy].reduce((x, [u, h]) => x + (keep(u) ? h : 0), 0), 0));
  const breakdown = (groups: [string, Set<string>, number][]): TraineeBreakdown[] => {
    const cells = suppress(groups.map(([, people]) => people.size));
    return groups.map(([label, , hours], i) => ({
      label,
      people: cells[i] ?? null,
      hours: cells[i] === null ? null : hours,
    }));
  };
  const byType = breakdown(
    TRAINEE_TYPES.map((t) => {
      const people = new Set([...trainees].filter((u) => (typeOf.get(u) ?? TRAINEE_TYPES[3]) === t));
      return [t, people, hoursOf(chosen, (u) => people.has(u))];
    }),
  );
  const byFunding = breakdown(
    [...new Set(chosen.map((l) => l.fundingSource))].sort(collator.compare).map((f) => {
      const ls = chosen.filter((l) => l.fundingSource === f);
      return [f, new Set(ls.flatMap((l) => [...l.people])), hoursOf(ls, () => true)];
    }),
  );
  const sum = (k: 'enrolments' | 'completions' | 'certificates' | 'attendances') =>
    chosen.reduce((s, l) => s + l[k], 0);
  const totals =
    trainees.size >= MIN_CELL
      ? {
          trainees: trainees.size,
          traineeHours: hoursOf(chosen, () => true),
          enrolments: sum('enrolments'),
          completions: sum('completions'),
          certificates: sum('certificates'),
          attendances: sum('attendances'),
        }
      : null;
  return { from, to, filter, options, lines, totals, byType, byFunding };
}

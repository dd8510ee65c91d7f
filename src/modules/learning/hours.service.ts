// Training hours per person over a calendar year, for the training report (bilan pédagogique et
// financier) and the CLI: hours of workshops and virtual classes attended (the journeys module's
// sessions, counted by journeys) plus the durations of the courses completed that year.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { trainingHours as workshopHours } from '../journeys/index.ts';
import { learningDb } from './db.ts';
import { LEARNING } from './permissions.ts';
import type { TrainingReport } from './report-types.ts';

export interface HoursRow {
  userId: string;
  person: string;
  email: string;
  workshopHours: number;
  courseHours: number;
  totalHours: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** 1 January, midnight in Paris (UTC+1 in winter). */
const yearStart = (y: number) => new Date(`${y}-01-01T00:00:00+01:00`);

export async function trainingHoursReport(tx: Tx, actor: Actor, year: number): Promise<HoursRow[]> {
  authorize(actor, LEARNING.hours);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UserError('Année invalide (AAAA).', 'year');
  const by = new Map<string, HoursRow>();
  const row = (userId: string, person: string, email: string) => {
    const r = by.get(userId) ?? { userId, person, email, workshopHours: 0, courseHours: 0, totalHours: 0 };
    by.set(userId, r);
    return r;
  };
  for (const w of await workshopHours(tx, actor, { from: `${year}-01-01`, to: `${year}-12-31` }))
    row(w.userId, w.name, w.email).workshopHours = round2(w.hours);
  const courses = await learningDb(tx)
    .selectFrom('learning_enrolment as e')
    .innerJoin('user_account as u', 'u.id', 'e.user_id')
    .select(['e.user_id', 'u.display_name', 'u.email', 'e.completed_minutes'])
    .where('e.cooperative_id', '=', actor.cooperativeId)
    .where('e.completed_at', '>=', yearStart(year))
    .where('e.completed_at', '<', yearStart(year + 1))
    .execute();
  const minutes = new Map<string, number>();
  for (const c of courses) {
    row(c.user_id, c.display_name, c.email);
    minutes.set(c.user_id, (minutes.get(c.user_id) ?? 0) + Number(c.completed_minutes ?? 0));
  }
  for (const [u, m] of minutes) by.get(u)!.courseHours = round2(m / 60);
  for (const r of by.values()) r.totalHours = round2(r.workshopHours + r.courseHours);
  const collator = new Intl.Collator('fr');
  return [...by.values()].sort((a, b) => collator.compare(a.person, b.person) || a.email.localeCompare(b.email));
}

/** Hours as the CLI prints them: a dot, two decimals. */
export const hoursText = (h: number) => h.toFixed(2);

/** The same report as a workbook: hours are numbers (format 0.00), one row a person, a total row. */
export async function hoursWorkbook(rows: HoursRow[], year: number, report?: TrainingReport): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(`Heures ${year}`);
  ws.columns = [
    { header: 'Personne', key: 'person', width: 32 },
    { header: 'E-mail', key: 'email', width: 32 },
    { header: 'Ateliers (h)', key: 'workshop', width: 14, style: { numFmt: '0.00' } },
    { header: 'Formations (h)', key: 'course', width: 14, style: { numFmt: '0.00' } },
    { header: 'Total (h)', key: 'total', width: 12, style: { numFmt: '0.00' } },
  ];
  ws.getRow(1).font = { bold: true };
  for (const r of rows)
    ws.addRow({
      person: r.person,
      email: r.email,
      workshop: r.workshopHours,
      course: r.courseHours,
      total: r.totalHours,
    });
  const sum = (k: 'workshopHours' | 'courseHours' | 'totalHours') => round2(rows.reduce((s, r) => s + r[k], 0));
  const total = ws.addRow({
    person: 'Total',
    email: '',
    workshop: sum('workshopHours'),
    course: sum('courseHours'),
    total: sum('totalHours'),
  });
  total.font = { bold: true };
  if (report) {
    const hours = { width: 12, style: { numFmt: '0.00' } };
    const pc = wb.addWorksheet('Par formation');
    pc.columns = [
      { header: 'Formation', key: 'title', width: 40 },
      { header: 'Financement', key: 'funding', width: 28 },
      { header: 'Personnes', key: 'learners', width: 12 },
      { header: 'Heures', key: 'hours', ...hours },
    ];
    for (const x of report.perCourse)
      pc.addRow({ title: x.title, funding: x.fundingSource, learners: x.learners, hours: x.hours });
    const pf = wb.addWorksheet('Par financement');
    pf.columns = [
      { header: 'Financement', key: 'funding', width: 40 },
      { header: 'Heures', key: 'hours', ...hours },
    ];
    for (const x of report.perFunding) pf.addRow({ funding: x.fundingSource, hours: x.hours });
    if (report.profilesShown) {
      const pl = wb.addWorksheet('Personnes formées');
      pl.columns = [
        { header: 'Répartition', key: 'label', width: 30 },
        { header: 'Personnes', key: 'count', width: 12 },
      ];
      for (const x of [...report.bySex, ...report.byAge]) pl.addRow({ label: x.label, count: x.count ?? '< 5' });
    }
    const ps = wb.addWorksheet('Satisfaction');
    ps.columns = [
      { header: 'Formation', key: 'title', width: 40 },
      { header: 'Réponses', key: 'answers', width: 12 },
      { header: 'Moyenne sur 5', key: 'average', width: 14, style: { numFmt: '0.0' } },
    ];
    for (const x of report.satisfaction)
      ps.addRow({ title: x.title, answers: x.answers, average: x.average ?? 'moins de 5 réponses' });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

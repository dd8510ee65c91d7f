// The network's training report as files: CSV (core/csv.ts quoting and formula guard; English
// column names like the other training exports) and XLSX (exceljs: hours are numbers in 0.00).
// A hidden figure is written « masqué » in both, never 0 or blank, so nobody reads it as nothing.
import { csvRecord } from '../../core/csv.ts';
import { hoursText } from './hours.service.ts';
import type { NetworkTrainingReport, TraineeBreakdown } from './network-reports.service.ts';

export const HIDDEN = 'masqué';
const cell = (v: number | null) => (v === null ? HIDDEN : v);
const hoursCell = (v: number | null) => (v === null ? HIDDEN : hoursText(v));

export function networkReportCsv(r: NetworkTrainingReport): string {
  const lines = [
    'cooperative,course,funding_source,learners,enrolments,completions,certificates,attendances,hours',
    ...r.lines.map((l) =>
      csvRecord([
        l.cooperative,
        l.course,
        l.fundingSource,
        cell(l.learners),
        cell(l.enrolments),
        cell(l.completions),
        cell(l.certificates),
        cell(l.attendances),
        hoursCell(l.hours),
      ]),
    ),
    '',
    'trainee_type,trainees,trainee_hours',
    ...r.byType.map((b) => csvRecord([b.label, cell(b.people), hoursCell(b.hours)])),
    '',
    'funding_source,trainees,trainee_hours',
    ...r.byFunding.map((b) => csvRecord([b.label, cell(b.people), hoursCell(b.hours)])),
  ];
  if (r.totals)
    lines.push('', 'trainees,trainee_hours', csvRecord([r.totals.trainees, hoursText(r.totals.traineeHours)]));
  return `${lines.join('\r\n')}\r\n`;
}

export async function networkReportWorkbook(r: NetworkTrainingReport): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const hours = { width: 12, style: { numFmt: '0.00' } };
  const ws = wb.addWorksheet('Par coopérative');
  ws.columns = [
    { header: 'Coopérative', key: 'coop', width: 30 },
    { header: 'Formation', key: 'course', width: 36 },
    { header: 'Financement', key: 'funding', width: 28 },
    { header: 'Personnes', key: 'learners', width: 11 },
    { header: 'Inscriptions', key: 'enrolments', width: 12 },
    { header: 'Achevées', key: 'completions', width: 11 },
    { header: 'Attestations', key: 'certificates', width: 12 },
    { header: 'Présences', key: 'attendances', width: 11 },
    { header: 'Heures', key: 'hours', ...hours },
  ];
  ws.getRow(1).font = { bold: true };
  for (const l of r.lines)
    ws.addRow({
      coop: l.cooperative,
      course: l.course,
      funding: l.fundingSource,
      learners: cell(l.learners),
      enrolments: cell(l.enrolments),
      completions: cell(l.completions),
      certificates: cell(l.certificates),
      attendances: cell(l.attendances),
      hours: cell(l.hours),
    });
  const bilan = wb.addWorksheet('Bilan');
  bilan.columns = [
    { header: 'Répartition', key: 'label', width: 44 },
    { header: 'Stagiaires', key: 'people', width: 12 },
    { header: 'Heures-stagiaires', key: 'hours', width: 18, style: { numFmt: '0.00' } },
  ];
  bilan.getRow(1).font = { bold: true };
  bilan.addRow({
    label: `Total du ${r.from} au ${r.to}`,
    people: r.totals ? r.totals.trainees : HIDDEN,
    hours: r.totals ? r.totals.traineeHours : HIDDEN,
  }).font = { bold: true };
  const add = (title: string, rows: TraineeBreakdown[]) => {
    bilan.addRow({ label: title }).font = { bold: true };
    for (const b of rows) bilan.addRow({ label: b.label, people: cell(b.people), hours: cell(b.hours) });
  };
  add('Par type de stagiaire', r.byType);
  add('Par financement', r.byFunding);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// `radieuse training hours` (docs: ../shared/design/CLI.md).
import { type Command, out, requireOpt, UsageError, csvLine } from '../../core/cli.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { cooperativeOrFail } from '../directory/index.ts';
import { trainingHoursReport, hoursText } from './hours.service.ts';

export const learningCommands: Command[] = [
  {
    name: 'training hours',
    summary: 'heures de formation par personne (ateliers, classes virtuelles, formations en ligne) sur une année',
    usage: 'training hours --cooperative SLUG --year YYYY [--format csv|json]',
    options: { cooperative: { type: 'string' }, year: { type: 'string' }, format: { type: 'string' } },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const yearText = requireOpt(values, 'year');
      if (!/^\d{4}$/.test(yearText)) throw new UsageError('--year : une année sur quatre chiffres (AAAA)');
      const format = (values.format as string | undefined) ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw new UsageError('--format doit valoir csv ou json');
      const coop = await cooperativeOrFail(odb!, slug);
      const actor = systemActor(coop.id, 'Heures de formation (CLI)');
      const rows = await withTenant(odb!.db, coop.id, (tx) => trainingHoursReport(tx, actor, Number(yearText)), {
        readOnly: true,
      });
      if (format === 'json')
        out(
          JSON.stringify(
            rows.map((r) => ({
              person: r.person,
              email: r.email,
              workshop_hours: r.workshopHours,
              course_hours: r.courseHours,
              total_hours: r.totalHours,
            })),
          ),
        );
      else {
        out('person,email,workshop_hours,course_hours,total_hours');
        for (const r of rows)
          out(
            csvLine([r.person, r.email, hoursText(r.workshopHours), hoursText(r.courseHours), hoursText(r.totalHours)]),
          );
      }
    },
  },
];

// `radieuse impact sroi` and `radieuse impact indicators` (contract: ../shared/design/CLI.md).
import { readFileSync } from 'node:fs';
import { csvLine, out, requireOpt, UsageError, type Command } from '../../core/cli.ts';
import { systemActor } from '../../core/actor.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Tx } from '../../core/db/handles.ts';
import { cooperativeOrFail } from '../directory/index.ts';
import { computeSroi, SroiInputError } from './kit/sroi.ts';
import { checkYear, cooperativeIndicators, networkIndicatorsSystem } from './indicators.service.ts';
import type { IndicatorRow } from './indicators.ts';

export const INDICATOR_COLUMNS = [
  'code',
  'label',
  'value',
  'unit',
  'n',
  'low',
  'high',
  'suppressed',
  'source',
  'computed_at',
] as const;

export function indicatorsCsv(rows: IndicatorRow[]): string {
  return [
    INDICATOR_COLUMNS.join(','),
    ...rows.map((r) => csvLine(INDICATOR_COLUMNS.map((k) => String(r[k] ?? '')))),
  ].join('\n');
}

function formatOf(values: Record<string, unknown>, allowed: string[], fallback: string): string {
  const f = (values.format as string | undefined) ?? fallback;
  if (!allowed.includes(f)) throw new UsageError(`--format doit valoir ${allowed.join(' ou ')}`);
  return f;
}

export const impactCommands: Command[] = [
  {
    name: 'impact sroi',
    summary: 'calcule un scénario SROI (valeur actuelle, ratio, sensibilité)',
    usage:
      'impact sroi FILE [--format json]\n\nFILE : JSON {"investment", "discount_rate" (0.035 par défaut), "outcomes": [{"name","quantity","proxy","deadweight","displacement","attribution","drop_off","duration_years"}]}, taux en fractions.\nSensibilité : low/high = valeur actuelle avec l’hypothèse au côté pessimiste/optimiste (±10 points pour aubaine, déplacement, attribution et érosion ; ±20 % sur la valeur monétaire ; ±1 an de durée ; ±1,5 point de taux).',
    options: { format: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals }) {
      formatOf(values, ['json'], 'json');
      if (positionals.length !== 1) throw new UsageError('indiquez un fichier de scénario');
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(positionals[0]!, 'utf8'));
      } catch (e) {
        throw new UsageError(`fichier illisible ou JSON invalide : ${(e as Error).message}`);
      }
      try {
        out(JSON.stringify(computeSroi(input), null, 2));
      } catch (e) {
        if (e instanceof SroiInputError) throw new UsageError(e.message);
        throw e;
      }
    },
  },
  {
    name: 'impact indicators',
    summary: 'indicateurs d’impact calculés (une coopérative ou le réseau)',
    usage: 'impact indicators (--cooperative SLUG|--network) --year YYYY [--format csv|json]',
    options: {
      cooperative: { type: 'string' },
      network: { type: 'boolean' },
      year: { type: 'string' },
      format: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb }) {
      const format = formatOf(values, ['csv', 'json'], 'json');
      const yearText = requireOpt(values, 'year');
      if (!/^\d{4}$/.test(yearText)) throw new UsageError('--year attend une année sur quatre chiffres');
      let year: number;
      try {
        year = checkYear(Number(yearText));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (!!values.network === !!values.cooperative) throw new UsageError('indiquez --cooperative SLUG ou --network');
      let rows: IndicatorRow[];
      if (values.network) rows = (await networkIndicatorsSystem(odb!.db, null, year)).network;
      else {
        const coop = await cooperativeOrFail(odb!, values.cooperative as string);
        rows = await withTenant(odb!.db, coop.id, (tx) =>
          cooperativeIndicators(tx as unknown as Tx, { ...systemActor(coop.id), roles: ['director'] }, year),
        );
      }
      out(format === 'json' ? JSON.stringify(rows, null, 2) : indicatorsCsv(rows));
    },
  },
];

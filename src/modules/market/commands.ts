// `radieuse market search` (docs: ../shared/design/CLI.md): the public search's ranking.
import { type Command, out, UsageError } from '../../core/cli.ts';
import { listCooperatives } from '../directory/index.ts';
import { UserError } from '../../core/errors.ts';
import { withPublic } from './public-tx.ts';
import { type SearchHit, searchOffers } from './search.service.ts';

export const marketCommands: Command[] = [
  {
    name: 'market search',
    summary: 'offres publiées de la place de marché, les plus pertinentes d’abord',
    usage: 'market search TEXT [--postcode NNNNN] [--radius-km N] [--format json]',
    options: { postcode: { type: 'string' }, 'radius-km': { type: 'string' }, format: { type: 'string' } },
    allowPositionals: true,
    needsDb: true,
    async run({ values, positionals, odb }) {
      const text = positionals.join(' ').trim();
      if (!text) throw new UsageError('indiquez les mots cherchés');
      const postcode = values.postcode as string | undefined;
      if (postcode !== undefined && !/^\d{5}$/.test(postcode)) throw new UsageError('--postcode : 5 chiffres');
      const radiusRaw = values['radius-km'] as string | undefined;
      const radiusKm = radiusRaw === undefined ? undefined : Number(radiusRaw);
      if (radiusKm !== undefined && (!Number.isFinite(radiusKm) || radiusKm < 0 || radiusKm > 2000))
        throw new UsageError('--radius-km : un nombre de 0 à 2000');
      if (radiusKm !== undefined && !postcode) throw new UsageError('--radius-km va avec --postcode');
      const format = (values.format as string | undefined) ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError('--format doit valoir json (ou être omis)');
      let hits: SearchHit[];
      try {
        ({ hits } = await withPublic(odb!.db, (tx) => searchOffers(tx, { text, postcode, radiusKm, pageSize: 100 })));
      } catch (e) {
        if (e instanceof UserError) throw new UsageError(e.message);
        throw e;
      }
      const coops = new Map((await listCooperatives(odb!.db)).map((c) => [c.id as string, c.slug]));
      const rows = hits.map((h) => ({
        activity: h.activity,
        cooperative: coops.get(h.cooperativeId) ?? h.cooperativeId,
        title: h.title,
        score: h.score,
        distance_km: h.distanceKm,
      }));
      if (format === 'json') out(JSON.stringify(rows));
      else if (!rows.length) out('Aucune offre trouvée.');
      else
        for (const r of rows)
          out(
            `${r.score.toFixed(3)}  ${r.title} — ${r.activity} (${r.cooperative})${r.distance_km === null ? '' : `  ${r.distance_km} km`}`,
          );
    },
  },
];

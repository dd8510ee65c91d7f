// CLI: `digest send` builds and enqueues the digests due now (what the 7:00 job does).
import { type Command, out } from '../../core/cli.ts';
import { sendDigests } from './digest-run.ts';

export const inboxCommands: Command[] = [
  {
    name: 'digest send',
    summary: 'prépare les résumés de notifications dus maintenant (idempotent)',
    usage: 'digest send [--any-day]',
    options: { 'any-day': { type: 'boolean' } },
    needsDb: true,
    async run({ values, config, odb }) {
      const r = await sendDigests(odb!.db, new Date(), { publicUrl: config.publicUrl, anyDay: !!values['any-day'] });
      out(`${r.sent} résumé(s) mis en file d'envoi, ${r.skipped} personne(s) sans résumé dû.`);
    },
  },
];

// The folder adapter: a platform's file gateway (or a test) as directories.
//   <root>/outbox/<number>.<ext> + <number>.json     documents we hand over (with their metadata)
//   <root>/outbox/statuses/<id>.json                  statuses we produce (« encaissée »)
//   <root>/outbox/e-reporting/<period>.json|.csv      e-reporting summaries
//   <root>/inbox/statuses/*.json                      statuses from the platform:
//        { "platformRef": "...", "status": "210" | "refused", "occurredAt": ISO, "reason": "..." }
//        (one object or an array); moved to inbox/statuses/done/ once stored
//   <root>/inbox/invoices/*.pdf|*.xml (+ optional same-name .json { "routingAddress": "..." })
//        supplier invoices for the cooperative; moved to inbox/invoices/done/ once stored
// The platform reference of a document we send is its file name without extension.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  EReport,
  IncomingDocument,
  OutgoingDocument,
  OutgoingStatus,
  PlatformAdapter,
  StatusReport,
} from './adapter.ts';
import { PlatformError } from './adapter.ts';
import { parseStatus } from './statuses.ts';

const EXT = { facturx: 'pdf', cii: 'xml', ubl: 'xml' } as const;
/** A file name made of safe characters only (no path, no dot-dot). */
export const safeName = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120) || 'document';

export function folderAdapter(root: string): PlatformAdapter {
  const dir = (...p: string[]) => join(root, ...p);
  return {
    kind: 'folder',
    async send(doc: OutgoingDocument) {
      await mkdir(dir('outbox'), { recursive: true });
      const ref = `${safeName(doc.number)}-${doc.invoiceId.slice(-12)}`;
      await writeFile(dir('outbox', `${ref}.${EXT[doc.format]}`), doc.content);
      const meta = {
        invoiceId: doc.invoiceId,
        number: doc.number,
        typeCode: doc.typeCode,
        issueDate: doc.issueDate,
        routingAddress: doc.routingAddress,
        format: doc.format,
        totalInclCents: doc.totalInclCents,
      };
      await writeFile(dir('outbox', `${ref}.json`), JSON.stringify(meta, null, 2));
      return { platformRef: ref };
    },
    async pullStatuses() {
      const base = dir('inbox', 'statuses');
      const files = (await readdir(base).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
      const items: StatusReport[] = [];
      for (const f of files) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readFile(join(base, f), 'utf8'));
        } catch {
          throw new PlatformError(`Statut illisible : ${f}`);
        }
        for (const raw of Array.isArray(parsed) ? parsed : [parsed]) items.push(statusFrom(raw, f));
      }
      return {
        items,
        cursor: null,
        async ack() {
          if (!files.length) return;
          await mkdir(join(base, 'done'), { recursive: true });
          for (const f of files) await rename(join(base, f), join(base, 'done', f));
        },
      };
    },
    async pullIncoming() {
      const base = dir('inbox', 'invoices');
      const files = (await readdir(base, { withFileTypes: true }).catch(() => []))
        .filter((e) => e.isFile() && /\.(pdf|xml)$/i.test(e.name))
        .map((e) => e.name)
        .sort();
      const items: IncomingDocument[] = [];
      for (const f of files) {
        const metaName = f.replace(/\.(pdf|xml)$/i, '.json');
        const meta = await readFile(join(base, metaName), 'utf8')
          .then((t) => JSON.parse(t) as { routingAddress?: string })
          .catch(() => ({}) as { routingAddress?: string });
        items.push({
          platformRef: `folder:${f}`,
          fileName: f,
          routingAddress: typeof meta.routingAddress === 'string' ? meta.routingAddress : null,
          content: await readFile(join(base, f)),
        });
      }
      return {
        items,
        async ack(platformRef: string) {
          const f = platformRef.replace(/^folder:/, '');
          if (!files.includes(f)) return;
          await mkdir(join(base, 'done'), { recursive: true });
          await rename(join(base, f), join(base, 'done', f));
          const metaName = f.replace(/\.(pdf|xml)$/i, '.json');
          await rename(join(base, metaName), join(base, 'done', metaName)).catch(() => undefined);
        },
      };
    },
    async sendStatus(s: OutgoingStatus) {
      await mkdir(dir('outbox', 'statuses'), { recursive: true });
      const name = `${safeName(s.platformRef)}-${s.status}-${s.occurredOn}-${Date.now()}.json`;
      await writeFile(dir('outbox', 'statuses', name), JSON.stringify(s, null, 2));
    },
    async sendEReport(r: EReport) {
      await mkdir(dir('outbox', 'e-reporting'), { recursive: true });
      const ref = `e-reporting-${r.periodStart}-${r.periodEnd}`;
      await writeFile(dir('outbox', 'e-reporting', `${ref}.json`), JSON.stringify(r.summary, null, 2));
      await writeFile(dir('outbox', 'e-reporting', `${ref}.csv`), r.csv);
      await writeFile(dir('outbox', 'e-reporting', `${ref}.xml`), r.xml);
      return { platformRef: ref };
    },
  };
}

/** A status object from a platform, checked field by field. */
export function statusFrom(raw: unknown, where: string): StatusReport {
  const o = (raw ?? {}) as Record<string, unknown>;
  const status = parseStatus(o.status);
  const at = typeof o.occurredAt === 'string' ? new Date(o.occurredAt) : null;
  if (typeof o.platformRef !== 'string' || !o.platformRef || !status || !at || Number.isNaN(at.getTime()))
    throw new PlatformError(`Statut incomplet ou inconnu (${where}).`);
  return {
    platformRef: o.platformRef,
    status,
    occurredAt: at,
    reason: typeof o.reason === 'string' && o.reason.trim() ? o.reason.trim().slice(0, 1000) : null,
  };
}

// Supplier invoices received from the approved platform. Each document is read at once (the
// purchases reader: Factur-X, CII, UBL) and recorded as a supplier invoice « à approuver » for
// the activity its routing address names (the last part of SIREN_SIRET_CODE or SIREN_CODE is an
// activity's analytic code); otherwise it waits, file kept, for an accountant to choose the
// activity. A document is stored once per platform id, so a re-delivery adds nothing.
import type { Db, Tx } from '../../core/db/tenant.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { systemActor, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { readFile, storeFile } from '../../core/files.ts';
import { audit } from '../../core/audit.ts';
import { activitiesFor } from '../directory/index.ts';
import { readIncomingDocument, recordReceivedEInvoice, type ParsedInvoice } from '../purchases/index.ts';
import { einvoicingDb } from './db.ts';
import { EINVOICING } from './permissions.ts';
import type { IncomingDocument } from './adapter.ts';
import { adapterOf, platformCooperatives, type PlatformEnv } from './platform.service.ts';

const system = (cooperativeId: string) => systemActor(cooperativeId, 'Plateforme de facturation électronique');

export interface Incoming {
  id: string;
  platformRef: string;
  fileName: string;
  routingAddress: string | null;
  state: 'recorded' | 'to_assign' | 'unreadable';
  problem: string | null;
  supplierName: string | null;
  supplierNumber: string | null;
  totalInclCents: number | null;
  supplierInvoiceId: string | null;
  receivedAt: Date;
}

async function read(content: Buffer, fileName: string): Promise<ParsedInvoice | null> {
  try {
    const p = await readIncomingDocument(content, /\.xml$/i.test(fileName) ? 'application/xml' : 'application/pdf', {
      ocr: false,
    });
    return p.structured ? p : null;
  } catch {
    return null;
  }
}

/** Stores one received document (inside the cooperative's transaction). */
export async function receiveIncoming(
  tx: Tx,
  cooperativeId: string,
  fileKey: Buffer,
  doc: IncomingDocument,
): Promise<Incoming['state'] | 'duplicate'> {
  const trx = einvoicingDb(tx);
  const known = await trx
    .selectFrom('einvoice_incoming')
    .select('id')
    .where('cooperative_id', '=', cooperativeId)
    .where('platform_ref', '=', doc.platformRef)
    .executeTakeFirst();
  if (known) return 'duplicate';
  const actor = system(cooperativeId);
  const parsed = await read(doc.content, doc.fileName);
  const code = doc.routingAddress?.split('_').slice(1).pop()?.toUpperCase() ?? null;
  const activity = code
    ? (await activitiesFor(tx, actor)).find((a) => !a.closedAt && a.analyticCode === code)
    : undefined;
  const id = uuidv7();
  const base = {
    cooperative_id: cooperativeId,
    id,
    platform_ref: doc.platformRef,
    file_name: doc.fileName.slice(0, 200),
    routing_address: doc.routingAddress,
    supplier_name: parsed?.seller.name ?? null,
    supplier_number: parsed?.number ?? null,
    total_incl_cents: parsed?.totalInclCents ?? null,
  };
  if (parsed && activity) {
    try {
      const inv = await recordReceivedEInvoice(tx, actor, fileKey, {
        content: doc.content,
        fileName: doc.fileName,
        parsed,
        activityId: activity.id,
        platformRef: doc.platformRef,
      });
      await trx
        .insertInto('einvoice_incoming')
        .values({ ...base, file_id: inv.fileId, state: 'recorded', problem: null, supplier_invoice_id: inv.id })
        .execute();
      return 'recorded';
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      // A duplicate or an inconsistent document: kept for an accountant, with the reason.
      const file = await storeFile(tx, fileKey, {
        cooperativeId,
        name: doc.fileName,
        purpose: 'supplier-invoice',
        content: doc.content,
        createdBy: null,
      }).catch(() => null);
      await trx
        .insertInto('einvoice_incoming')
        .values({
          ...base,
          file_id: file?.id ?? null,
          state: 'unreadable',
          problem: e.message,
          supplier_invoice_id: null,
        })
        .execute();
      return 'unreadable';
    }
  }
  const file = await storeFile(tx, fileKey, {
    cooperativeId,
    name: doc.fileName,
    purpose: 'supplier-invoice',
    content: doc.content,
    createdBy: null,
  }).catch(() => null);
  const state = parsed && file ? 'to_assign' : 'unreadable';
  await trx
    .insertInto('einvoice_incoming')
    .values({
      ...base,
      file_id: file?.id ?? null,
      state,
      problem: !parsed
        ? 'Document illisible : ce n’est pas une facture électronique structurée (Factur-X, CII ou UBL).'
        : !file
          ? 'Type de fichier refusé.'
          : 'Aucune activité ne correspond à l’adresse de réception : choisissez-la.',
      supplier_invoice_id: null,
    })
    .execute();
  return state;
}

/** The job: documents waiting on every cooperative's platform. */
export async function pullIncoming(
  odb: { db: Db },
  env: PlatformEnv,
): Promise<{ recorded: number; toAssign: number; unreadable: number; errors: string[] }> {
  const res = { recorded: 0, toAssign: 0, unreadable: 0, errors: [] as string[] };
  const coops = await withSystem(odb.db, (tx) => platformCooperatives(tx));
  for (const coop of coops) {
    try {
      const platform = await withTenant(odb.db, coop, (tx) => adapterOf(tx, coop, env));
      if (!platform) continue;
      const pulled = await platform.adapter.pullIncoming();
      for (const doc of pulled.items) {
        const state = await withTenant(odb.db, coop, (tx) => receiveIncoming(tx, coop, env.fileKey, doc));
        if (state === 'recorded') res.recorded++;
        else if (state === 'to_assign') res.toAssign++;
        else if (state === 'unreadable') res.unreadable++;
        await pulled.ack(doc.platformRef);
      }
    } catch (e) {
      res.errors.push((e as Error).message);
    }
  }
  return res;
}

export async function listIncoming(tx: Tx, actor: Actor, f: { pending?: boolean } = {}): Promise<Incoming[]> {
  authorize(actor, EINVOICING.operate);
  let q = einvoicingDb(tx)
    .selectFrom('einvoice_incoming')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId);
  if (f.pending) q = q.where('state', '<>', 'recorded');
  const rows = await q.orderBy('received_at', 'desc').limit(200).execute();
  return rows.map((r) => ({
    id: r.id,
    platformRef: r.platform_ref,
    fileName: r.file_name,
    routingAddress: r.routing_address,
    state: r.state,
    problem: r.problem,
    supplierName: r.supplier_name,
    supplierNumber: r.supplier_number,
    totalInclCents: r.total_incl_cents === null ? null : Number(r.total_incl_cents),
    supplierInvoiceId: r.supplier_invoice_id,
    receivedAt: r.received_at,
  }));
}

/** An accountant chooses the activity of a received invoice: it is recorded in purchases. */
export async function assignIncoming(
  tx: Tx,
  actor: Actor,
  fileKey: Buffer,
  id: string,
  activityId: string,
): Promise<string> {
  authorize(actor, EINVOICING.operate);
  const trx = einvoicingDb(tx);
  const r = await trx
    .selectFrom('einvoice_incoming')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('state', '=', 'to_assign')
    .executeTakeFirst();
  if (!r?.file_id) throw new NotFoundError('Facture reçue à affecter');
  if (!(await activitiesFor(tx, actor)).some((a) => a.id === activityId && !a.closedAt))
    throw new UserError('Choisissez une activité de la liste.', 'activityId');
  const file = await readFile(tx, fileKey, actor.cooperativeId, r.file_id);
  const parsed = await read(file.content, r.file_name);
  if (!parsed) throw new UserError('Le document n’a pas pu être relu.');
  const inv = await recordReceivedEInvoice(tx, actor, fileKey, {
    content: file.content,
    fileName: r.file_name,
    parsed,
    activityId,
    platformRef: r.platform_ref,
  });
  await trx
    .updateTable('einvoice_incoming')
    .set({ state: 'recorded', problem: null, supplier_invoice_id: inv.id, file_id: inv.fileId })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .execute();
  await audit(tx, actor, {
    action: 'einvoicing.incoming_assigned',
    targetType: 'supplier_invoice',
    targetId: inv.id,
    data: { platformRef: r.platform_ref, activityId },
  });
  return inv.id;
}

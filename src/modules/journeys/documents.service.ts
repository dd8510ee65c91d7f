// The documents of a journey (ID, contracts, insurance…): stored encrypted, with an expiry date,
// visible to the person or to the team only; the checklist says what each stage still needs.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { isUuid, uuidv7 } from '../../core/ids.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { isIsoDate, toIsoDate, addDays, type IsoDate } from '../../core/dates.ts';
import { storeFile, readFile, type StoredFile } from '../../core/files.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { journeyInScope, type Journey, type TransitionEntry } from './journeys.service.ts';
import type { StageConfig } from './stage-config.service.ts';
import { STAGES, type Stage } from './stages.ts';

/** What a journey document may be: a scan or a photo. */
const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/heic'];

export interface JourneyDocument {
  id: string;
  stage: Stage;
  kind: string;
  fileName: string;
  expiresOn: IsoDate | null;
  visibility: 'person' | 'staff';
  createdAt: Date;
}

export async function addDocument(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  journeyId: string,
  input: {
    stage: string;
    kind: string;
    expiresOn?: string | null;
    visibility?: string;
    fileName: string;
    mimeType: string;
    content: Buffer;
  },
): Promise<JourneyDocument> {
  const scope = authorize(actor, JOURNEYS.documentAdd);
  await journeyInScope(journeysDb(tx), actor, scope, journeyId);
  const errors: Record<string, string> = {};
  const kind = input.kind.trim();
  if (!STAGES.includes(input.stage as Stage)) errors.stage = 'Choisissez une étape.';
  if (kind.length < 2) errors.kind = 'Indiquez le type de document.';
  if (kind.length > 200) errors.kind = 'Type de document trop long.';
  if (input.expiresOn && !isIsoDate(input.expiresOn)) errors.expiresOn = "Date d'expiration invalide (AAAA-MM-JJ).";
  if (input.visibility && !['person', 'staff'].includes(input.visibility)) errors.visibility = 'Visibilité inconnue.';
  if (Object.keys(errors).length) throw new UserError('Certains champs sont à corriger.', undefined, errors);
  // Only the team may keep a document from the person it is about.
  const visibility = scope === 'all' && input.visibility === 'staff' ? 'staff' : 'person';
  const file: StoredFile = await storeFile(tx, key, {
    cooperativeId: actor.cooperativeId,
    name: input.fileName,
    purpose: 'person-document',
    content: input.content,
    createdBy: actor.userId,
  });
  // Checked on the type read from the content; the transaction (and the stored file) is undone.
  if (!DOCUMENT_TYPES.includes(file.mimeType))
    throw new UserError('Déposez un PDF ou une photo (JPEG, PNG, WebP, HEIC).', 'file');
  const id = uuidv7();
  await journeysDb(tx)
    .insertInto('journey_document')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      journey_id: journeyId,
      stage: input.stage,
      kind,
      file_id: file.id,
      file_name: file.name,
      expires_on: input.expiresOn || null,
      visibility,
      uploaded_by: actor.userId,
    })
    .execute();
  await audit(tx, actor, {
    action: 'journey.document_added',
    targetType: 'journey',
    targetId: journeyId,
    data: { documentId: id, kind, visibility },
  });
  return {
    id,
    stage: input.stage as Stage,
    kind,
    fileName: file.name,
    expiresOn: input.expiresOn || null,
    visibility,
    createdAt: new Date(),
  };
}

/** The documents of a journey; the person sees only those the team shares with them. */
export async function listDocuments(tx: Tx, actor: Actor, journeyId: string): Promise<JourneyDocument[]> {
  const scope = authorize(actor, JOURNEYS.documentRead);
  await journeyInScope(journeysDb(tx), actor, scope, journeyId);
  let q = journeysDb(tx)
    .selectFrom('journey_document')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('journey_id', '=', journeyId);
  if (scope === 'own') q = q.where('visibility', '=', 'person');
  return (await q.orderBy('created_at').execute()).map((r) => ({
    id: r.id,
    stage: r.stage as Stage,
    kind: r.kind,
    fileName: r.file_name,
    expiresOn: r.expires_on ? toIsoDate(r.expires_on) : null,
    visibility: r.visibility,
    createdAt: r.created_at,
  }));
}

export async function readDocument(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  documentId: string,
): Promise<StoredFile & { content: Buffer }> {
  const scope = authorize(actor, JOURNEYS.documentRead);
  if (!isUuid(documentId)) throw new NotFoundError('Document');
  const d = await journeysDb(tx)
    .selectFrom('journey_document')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (!d || (scope === 'own' && d.visibility === 'staff')) throw new NotFoundError('Document');
  await journeyInScope(journeysDb(tx), actor, scope, d.journey_id);
  return readFile(tx, key, actor.cooperativeId, d.file_id);
}

export interface ChecklistItem {
  stage: Stage;
  kind: string;
  document: JourneyDocument | null;
  state: 'missing' | 'ok' | 'expiring' | 'expired';
}
/** Required documents of every stage reached so far, with the latest upload of each kind. */
export function checklist(
  journey: Journey,
  history: TransitionEntry[],
  config: Record<Stage, StageConfig>,
  docs: JourneyDocument[],
  today: IsoDate,
): ChecklistItem[] {
  const reached = new Set<Stage>(history.map((h) => h.to));
  reached.add(journey.stage);
  const items: ChecklistItem[] = [];
  for (const s of STAGES) {
    if (!reached.has(s)) continue;
    for (const kind of config[s].requiredDocuments) {
      const doc = [...docs].reverse().find((d) => d.kind.toLowerCase() === kind.toLowerCase()) ?? null;
      const state = !doc
        ? 'missing'
        : doc.expiresOn && doc.expiresOn < today
          ? 'expired'
          : doc.expiresOn && doc.expiresOn <= addDays(today, 30)
            ? 'expiring'
            : 'ok';
      items.push({ stage: s, kind, document: doc, state });
    }
  }
  return items;
}

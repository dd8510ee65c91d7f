// Each cooperative's words for the stages and the documents it asks at each one (defaults in
// stages.ts). Read by everyone who reads a journey; changed by the direction.
import type { Tx } from '../../core/db/handles.ts';
import type { Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { journeysDb } from './db.ts';
import { JOURNEYS } from './permissions.ts';
import { STAGES, DEFAULT_STAGE_LABELS, DEFAULT_REQUIRED_DOCUMENTS, type Stage } from './stages.ts';

export interface StageConfig {
  stage: Stage;
  label: string;
  requiredDocuments: string[];
}

export async function stageConfig(tx: Tx, actor: Actor): Promise<Record<Stage, StageConfig>> {
  authorize(actor, JOURNEYS.journeyRead);
  const rows = await journeysDb(tx)
    .selectFrom('journey_stage_config')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  const out = {} as Record<Stage, StageConfig>;
  for (const s of STAGES) {
    const r = rows.find((x) => x.stage === s);
    out[s] = {
      stage: s,
      label: r?.label || DEFAULT_STAGE_LABELS[s],
      requiredDocuments: r ? r.required_documents : DEFAULT_REQUIRED_DOCUMENTS[s],
    };
  }
  return out;
}

/** The configuration as the direction edits it. */
export async function editableStageConfig(tx: Tx, actor: Actor): Promise<Record<Stage, StageConfig>> {
  authorize(actor, JOURNEYS.stageSettings);
  return stageConfig(tx, actor);
}

export async function saveStageConfig(
  tx: Tx,
  actor: Actor,
  stage: Stage,
  input: { label: string; requiredDocuments: string[] },
): Promise<void> {
  authorize(actor, JOURNEYS.stageSettings);
  if (!STAGES.includes(stage)) throw new UserError('Étape inconnue.', 'stage');
  const label = input.label.trim();
  if (label.length < 2) throw new UserError("Indiquez le libellé de l'étape.", `label_${stage}`);
  if (label.length > 100) throw new UserError('Libellé trop long (100 caractères au plus).', `label_${stage}`);
  const docs = [...new Set(input.requiredDocuments.map((d) => d.trim()).filter(Boolean))];
  if (docs.some((d) => d.length > 200)) throw new UserError('Nom de document trop long.', `docs_${stage}`);
  await journeysDb(tx)
    .insertInto('journey_stage_config')
    .values({ cooperative_id: actor.cooperativeId, stage, label, required_documents: docs })
    .onConflict((oc) => oc.columns(['cooperative_id', 'stage']).doUpdateSet({ label, required_documents: docs }))
    .execute();
  await audit(tx, actor, { action: 'journey.stage_config_updated', data: { stage, label, requiredDocuments: docs } });
}

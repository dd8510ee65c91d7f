// The team's cards on a person page: move the journey to another stage, and correct it (another
// support member, or the last stage undone).
import type { Ctx } from '../../../web/context.ts';
import { Field, Select, TextArea, Csrf, Card, FormErrorSummary } from '../../../web/components.tsx';
import type { Journey } from '../journeys.service.ts';
import type { StageConfig } from '../stage-config.service.ts';
import { TRANSITIONS, EXIT_REASONS, EXIT_REASON_LABELS, type Stage } from '../stages.ts';

export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

export function TransitionCard(p: { c: Ctx; journey: Journey; config: Record<Stage, StageConfig>; form: FormState }) {
  const { c, journey: j, config } = p;
  const next = TRANSITIONS[j.stage];
  const v = p.form.values;
  const e = p.form.errors;
  return (
    <Card title="Faire avancer le parcours">
      <form method="post" action={`/accompagnement/${j.id}/etape`} novalidate>
        <Csrf token={c.get('csrf')} />
        <FormErrorSummary errors={Object.keys(e).length ? e : null} />
        <Select
          label="Nouvelle étape"
          name="to"
          value={v.to ?? next[0]}
          error={e.to}
          options={next.map((s) => [s, s === 'cape' && j.stage === 'cape' ? 'Renouveler le CAPE' : config[s].label])}
        />
        <Field label="Date" name="effectiveOn" type="date" value={v.effectiveOn} error={e.effectiveOn} required />
        {next.includes('cape') ? (
          <>
            <Field
              label="Début du CAPE (si nouveau CAPE)"
              name="capeStart"
              type="date"
              value={v.capeStart}
              error={e.capeStart}
            />
            <Field
              label="Fin du CAPE"
              name="capeEnd"
              type="date"
              value={v.capeEnd}
              error={e.capeEnd}
              hint="Obligatoire pour un CAPE ou un renouvellement"
            />
          </>
        ) : null}
        {next.includes('exit') ? (
          <Select
            label="Motif de sortie (si sortie)"
            name="exitReason"
            value={v.exitReason ?? ''}
            error={e.exitReason}
            options={[['', '—'], ...EXIT_REASONS.map((r) => [r, EXIT_REASON_LABELS[r]] as [string, string])]}
          />
        ) : null}
        <TextArea label="Commentaire" name="comment" value={v.comment} error={e.comment} rows={2} />
        <button type="submit">Enregistrer l'étape</button>
      </form>
    </Card>
  );
}

export function CorrectionCard(p: {
  c: Ctx;
  journey: Journey;
  supports: [string, string][];
  canUndo: boolean;
  form: FormState;
}) {
  const { c, journey: j } = p;
  const e = p.form.errors;
  return (
    <Card title="Corriger le suivi">
      <form method="post" action={`/accompagnement/${j.id}/suivi`} novalidate>
        <Csrf token={c.get('csrf')} />
        <Select
          label="Chargé·e d'accompagnement"
          name="supportUserId"
          value={j.supportUserId ?? ''}
          error={e.supportUserId}
          options={[['', '— personne —'], ...p.supports]}
        />
        <button type="submit" class="btn-secondary">
          Changer
        </button>
      </form>
      {p.canUndo ? (
        <form method="post" action={`/accompagnement/${j.id}/annuler-etape`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={e.reverseComment ? { reverseComment: e.reverseComment } : null} />
          <TextArea
            label="Annuler la dernière étape : pourquoi ?"
            name="reverseComment"
            value={p.form.values.reverseComment}
            error={e.reverseComment}
            rows={2}
            hint="L'étape n'est pas effacée : une correction est ajoutée à l'historique."
          />
          <button type="submit" class="btn-secondary">
            Annuler la dernière étape
          </button>
        </form>
      ) : null}
    </Card>
  );
}

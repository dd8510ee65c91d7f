// The documents card of a person page: the checklist of what each stage asks, the documents
// already given, and the upload form (the team may keep a document to itself).
import type { Ctx } from '../../../web/context.ts';
import { Field, Select, Csrf, Card, FormErrorSummary } from '../../../web/components.tsx';
import { formatDate } from '../../../core/dates.ts';
import type { ChecklistItem, JourneyDocument } from '../documents.service.ts';
import type { StageConfig } from '../stage-config.service.ts';
import { STAGES, type Stage } from '../stages.ts';
import type { FormState } from './person-cards.tsx';

export function DocumentsCard(p: {
  c: Ctx;
  journeyId: string;
  stage: Stage;
  config: Record<Stage, StageConfig>;
  checklist: ChecklistItem[];
  documents: JourneyDocument[];
  team: boolean;
  form: FormState;
}) {
  const { c, config, checklist: list, documents: docs, team } = p;
  const v: Record<string, string> = { stage: p.stage, visibility: 'person', ...p.form.values };
  const e = p.form.errors;
  return (
    <Card title="Documents">
      {list.length ? (
        <ul class="checklist">
          {list.map((i) => (
            <li>
              {i.state === 'ok' ? '✓' : i.state === 'missing' ? '○' : '⚠'} {i.kind}{' '}
              <span class="muted">({config[i.stage].label})</span>{' '}
              {i.state === 'missing' ? (
                <span class="badge badge-warn">à fournir</span>
              ) : i.state === 'expired' ? (
                <span class="badge badge-danger">expiré le {formatDate(i.document?.expiresOn)}</span>
              ) : i.state === 'expiring' ? (
                <span class="badge badge-warn">expire le {formatDate(i.document?.expiresOn)}</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Aucun document demandé à ce stade.</p>
      )}
      {docs.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Document</th>
              <th>Fichier</th>
              <th>Expire le</th>
              {team ? <th>Visible par</th> : null}
            </tr>
          </thead>
          <tbody>
            {docs.map((d) => (
              <tr>
                <td data-label="Document">{d.kind}</td>
                <td data-label="Fichier">
                  <a href={`/documents-parcours/${d.id}`}>{d.fileName}</a>
                </td>
                <td data-label="Expire le">{formatDate(d.expiresOn)}</td>
                {team ? (
                  <td data-label="Visible par">
                    {d.visibility === 'staff' ? "L'équipe seulement" : "La personne et l'équipe"}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form method="post" action={`/accompagnement/${p.journeyId}/documents`} enctype="multipart/form-data" novalidate>
        <Csrf token={c.get('csrf')} />
        <FormErrorSummary errors={Object.keys(e).length ? e : null} />
        <Field
          label="Type de document"
          name="kind"
          value={v.kind}
          error={e.kind}
          hint={
            list
              .filter((i) => i.state !== 'ok')
              .map((i) => i.kind)
              .join(', ') || undefined
          }
          required
        />
        <Select
          label="Étape"
          name="stage"
          value={v.stage}
          error={e.stage}
          options={STAGES.map((s) => [s, config[s].label])}
        />
        <Field label="Date d'expiration" name="expiresOn" type="date" value={v.expiresOn} error={e.expiresOn} />
        {team ? (
          <Select
            label="Qui peut le voir"
            name="visibility"
            value={v.visibility}
            error={e.visibility}
            options={[
              ['person', "La personne et l'équipe"],
              ['staff', "L'équipe seulement"],
            ]}
          />
        ) : null}
        <div class={`field${e.file ? ' has-error' : ''}`}>
          <label for="f-file">Fichier (PDF ou image, 15 Mo au plus)</label>
          <input id="f-file" type="file" name="file" accept="application/pdf,image/*" />
          {e.file ? (
            <p class="error" role="alert">
              {e.file}
            </p>
          ) : null}
        </div>
        <button type="submit" class="btn-secondary">
          Déposer
        </button>
      </form>
    </Card>
  );
}

// One appointment: when and where, its notes (internal ones only for the team) and action items,
// the invitation for one's calendar, and cancelling.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, TextArea, Checkbox, Csrf, PageHeader, Card } from '../../../web/components.tsx';
import { formatDate, formatDateTime } from '../../../core/dates.ts';
import type { Appointment } from '../appointments.queries.ts';
import type { ActionItem, Note } from '../appointment-notes.service.ts';
import { parisTime } from '../paris-time.ts';
import { dateTime } from './format.ts';

export function AppointmentPage(p: {
  c: Ctx;
  appointment: Appointment;
  notes: Note[];
  actions: ActionItem[];
  can: { writeNotes: boolean; addActions: boolean; seeJourney: boolean };
}) {
  const { c, appointment: a, notes, actions } = p;
  const csrf = c.get('csrf');
  return (
    <Layout c={c} title="Rendez-vous">
      <PageHeader
        title={a.subject}
        help={`${dateTime(a.startsAt)}–${parisTime(a.endsAt)} · ${a.personName} avec ${a.supportName}`}
        action={
          <a class="btn btn-secondary" href={`/rendez-vous/${a.id}/invitation.ics`}>
            Ajouter à mon agenda
          </a>
        }
      />
      <p>
        {a.place ? `Lieu : ${a.place}` : null}
        {a.videoUrl ? (
          <>
            {' '}
            Visioconférence :{' '}
            <a href={a.videoUrl} rel="noopener noreferrer">
              {a.videoUrl}
            </a>
          </>
        ) : null}
        {a.status === 'cancelled' ? ' · Annulé' : ''}
      </p>
      {p.can.seeJourney ? (
        <p>
          <a href={`/accompagnement/${a.journeyId}`}>Voir le parcours de {a.personName}</a>
        </p>
      ) : null}
      <Card title="Notes">
        {notes.length ? (
          notes.map((n) => (
            <article class="note">
              <p>
                {n.internal ? <span class="badge badge-warn">Interne</span> : null} <strong>{n.authorLabel}</strong> ·{' '}
                {formatDateTime(n.createdAt)}
              </p>
              <p class="note-body">{n.body}</p>
            </article>
          ))
        ) : (
          <p class="muted">Aucune note.</p>
        )}
        {p.can.writeNotes ? (
          <form method="post" action={`/rendez-vous/${a.id}/notes`} novalidate>
            <Csrf token={csrf} />
            <TextArea label="Nouvelle note" name="body" rows={3} />
            <Checkbox label="Note interne : réservée à l'équipe d'accompagnement" name="internal" />
            <button type="submit" class="btn-secondary">
              Ajouter la note
            </button>
          </form>
        ) : null}
      </Card>
      <Card title="Actions à mener">
        {actions.length ? (
          <ul>
            {actions.map((x) => (
              <li>
                {x.doneAt ? '✓ ' : ''}
                {x.label} · {x.owner === 'person' ? a.personName : a.supportName}
                {x.dueOn ? ` · avant le ${formatDate(x.dueOn)}` : ''}
                {!x.doneAt ? (
                  <form method="post" action={`/rendez-vous/actions/${x.id}/fait`} class="inline">
                    <Csrf token={csrf} />
                    <button type="submit" class="btn-small">
                      Fait
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucune action.</p>
        )}
        {p.can.addActions ? (
          <form method="post" action={`/rendez-vous/${a.id}/actions`} novalidate>
            <Csrf token={csrf} />
            <div class="form-grid">
              <Field label="Action" name="label" />
              <Select
                label="Qui"
                name="owner"
                options={[
                  ['person', a.personName],
                  ['support', a.supportName],
                ]}
              />
              <Field label="Échéance" name="dueOn" type="date" />
            </div>
            <button type="submit" class="btn-secondary">
              Ajouter l'action
            </button>
          </form>
        ) : null}
      </Card>
      {a.status === 'planned' ? (
        <form method="post" action={`/rendez-vous/${a.id}/annuler`}>
          <Csrf token={csrf} />
          <button type="submit" class="btn-secondary" data-confirm="Annuler ce rendez-vous ?">
            Annuler le rendez-vous
          </button>
        </form>
      ) : null}
    </Layout>
  );
}

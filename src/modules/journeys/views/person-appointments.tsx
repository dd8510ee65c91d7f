// The appointments card of a person page: past and planned appointments, and for the team the
// one form that records an appointment with its first note.
import type { Ctx } from '../../../web/context.ts';
import { Field, Select, TextArea, Checkbox, Csrf, Card, FormErrorSummary } from '../../../web/components.tsx';
import type { Appointment } from '../appointments.queries.ts';
import { dateTime } from './format.ts';
import type { FormState } from './person-cards.tsx';

export function AppointmentsCard(p: {
  c: Ctx;
  journeyId: string;
  appointments: Appointment[];
  team: boolean;
  defaults: Record<string, string>;
  form: FormState;
}) {
  const { c } = p;
  const v: Record<string, string> = { ...p.defaults, ...p.form.values };
  const e = p.form.errors;
  return (
    <Card title="Rendez-vous">
      <div id="rdv"></div>
      {p.appointments.length ? (
        <ul>
          {p.appointments.map((a) => (
            <li>
              <a href={`/rendez-vous/${a.id}`}>
                {dateTime(a.startsAt)} — {a.subject}
              </a>{' '}
              avec {a.supportName}
              {a.status === 'cancelled' ? ' (annulé)' : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Aucun rendez-vous.</p>
      )}
      {p.team ? (
        <form method="post" action="/rendez-vous" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={Object.keys(e).length ? e : null} />
          <input type="hidden" name="journeyId" value={p.journeyId} />
          <h3>Enregistrer un rendez-vous</h3>
          <div class="form-grid">
            <Field label="Objet" name="subject" value={v.subject} error={e.subject} required />
            <Field label="Date" name="date" type="date" value={v.date} error={e.date} required />
            <Field label="Début" name="start" type="time" value={v.start} error={e.start} required />
            <Field label="Fin" name="end" type="time" value={v.end} error={e.end} required />
            <Field label="Lieu" name="place" value={v.place} error={e.place} />
            <Field
              label="Lien de visioconférence"
              name="videoUrl"
              value={v.videoUrl}
              error={e.videoUrl}
              placeholder="https://…"
            />
            <Select
              label="Statut"
              name="status"
              value={v.status}
              options={[
                ['done', 'Déjà eu lieu'],
                ['planned', 'À venir'],
              ]}
            />
          </div>
          <TextArea label="Note (partagée avec la personne)" name="note" value={v.note} error={e.note} rows={3} />
          <Checkbox
            label="Note interne : réservée à l'équipe d'accompagnement"
            name="noteInternal"
            checked={v.noteInternal === 'on'}
          />
          <button type="submit">Enregistrer le rendez-vous</button>
        </form>
      ) : (
        <p>
          <a href="/rendez-vous">Réserver un créneau</a>
        </p>
      )}
    </Card>
  );
}

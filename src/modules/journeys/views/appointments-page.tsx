// The appointments page: one's appointments, the free slots (to book, or to offer for support).
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import type { FormState } from './person-cards.tsx';
import type { Appointment } from '../appointments.queries.ts';
import type { Slot } from '../slots.service.ts';
import { parisTime } from '../paris-time.ts';
import { dateTime } from './format.ts';

export function AppointmentsPage(p: {
  c: Ctx;
  appointments: Appointment[];
  slots: Slot[];
  /** The team sees the person's name; the person sees their support's. */
  team: boolean;
  canBook: boolean;
  canOffer: boolean;
  defaults: { date: string; start: string; end: string };
  /** The slot form that failed: values kept, errors beside the fields. */
  slotForm?: FormState | null;
}) {
  const { c, team } = p;
  const sv: Record<string, string> = {
    ...p.defaults,
    place: 'Locaux de la coopérative',
    ...(p.slotForm?.values ?? {}),
  };
  const se = p.slotForm?.errors ?? {};
  return (
    <Layout c={c} title="Rendez-vous">
      <PageHeader
        title="Rendez-vous"
        help={
          team
            ? 'Vos rendez-vous et vos créneaux libres, que les entrepreneur·es peuvent réserver eux-mêmes.'
            : "Vos rendez-vous avec votre chargé·e d'accompagnement, et les créneaux libres à réserver."
        }
        action={
          <a class="btn-secondary btn" href="/calendrier">
            Mon agenda (ICS)
          </a>
        }
      />
      <Card title="Rendez-vous">
        {p.appointments.length ? (
          <ul>
            {p.appointments.map((a) => (
              <li>
                <a href={`/rendez-vous/${a.id}`}>
                  {dateTime(a.startsAt)} — {a.subject}
                </a>{' '}
                · {team ? a.personName : a.supportName}
                {a.status === 'cancelled' ? ' (annulé)' : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucun rendez-vous.</p>
        )}
      </Card>
      <Card title="Créneaux libres">
        {p.slots.length ? (
          <ul>
            {p.slots.map((s) => (
              <li>
                {dateTime(s.startsAt)}–{parisTime(s.endsAt)} · {s.supportName} · {s.place ?? 'Visioconférence'}
                {p.canBook ? (
                  <form method="post" action={`/creneaux/${s.id}/reserver`} class="inline">
                    <Csrf token={c.get('csrf')} />
                    <label class="sr-only" for={`subj-${s.id}`}>
                      Objet
                    </label>
                    <input id={`subj-${s.id}`} name="subject" value="Point d'étape" />
                    <button type="submit" class="btn-small">
                      Réserver
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">Aucun créneau libre pour l'instant.</p>
        )}
        {p.canOffer ? (
          <form method="post" action="/creneaux" novalidate>
            <Csrf token={c.get('csrf')} />
            <h3>Proposer un créneau</h3>
            <FormErrorSummary errors={p.slotForm?.errors} />
            <div class="form-grid">
              <Field label="Date" name="date" type="date" value={sv.date} error={se.date} required />
              <Field label="Début" name="start" type="time" value={sv.start} error={se.start} required />
              <Field label="Fin" name="end" type="time" value={sv.end} error={se.end} required />
              <Field label="Lieu" name="place" value={sv.place} error={se.place} />
              <Field
                label="Lien de visioconférence"
                name="videoUrl"
                value={sv.videoUrl}
                error={se.videoUrl}
                placeholder="https://…"
              />
            </div>
            <button type="submit" class="btn-secondary">
              Ajouter le créneau
            </button>
          </form>
        ) : null}
      </Card>
    </Layout>
  );
}

// Information meetings for the team: the list with registrations, the form that schedules one,
// and one meeting with its attendance and the contact files to create.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, EmptyState, FormErrorSummary } from '../../../web/components.tsx';
import type { Meeting, MeetingRegistration } from '../info-meetings.service.ts';
import { dateTime } from './format.ts';

export function MeetingsPage(p: {
  c: Ctx;
  meetings: Meeting[];
  publicLink: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
  now: Date;
}) {
  const { c, values: v } = p;
  const e = p.errors ?? {};
  return (
    <Layout c={c} title="Réunions d'information">
      <PageHeader
        title="Réunions d'information"
        help={`Les prospects s'inscrivent sans compte sur la page publique : ${p.publicLink}`}
      />
      {p.meetings.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Lieu</th>
              <th>Inscrit·es</th>
              <th>Présent·es</th>
            </tr>
          </thead>
          <tbody>
            {p.meetings.map((m) => (
              <tr>
                <td data-label="Date">
                  <a href={`/reunions/${m.id}`}>{dateTime(m.startsAt)}</a>
                  {m.startsAt > p.now ? (
                    <>
                      {' '}
                      <span class="badge">à venir</span>
                    </>
                  ) : null}
                </td>
                <td data-label="Lieu">{m.place}</td>
                <td data-label="Inscrit·es">
                  {m.registered}/{m.capacity}
                </td>
                <td data-label="Présent·es">
                  {m.startsAt > p.now ? '—' : <a href={`/reunions/${m.id}`}>Saisir ou voir</a>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucune réunion programmée." />
      )}
      <Card title="Programmer une réunion">
        <form method="post" action="/reunions" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <div class="form-grid">
            <Field label="Date" name="date" type="date" value={v.date} error={e.date} required />
            <Field label="Début" name="start" type="time" value={v.start} error={e.start} required />
            <Field label="Fin" name="end" type="time" value={v.end} error={e.end} required />
            <Field label="Lieu" name="place" value={v.place} error={e.place} required />
            <Field label="Places" name="capacity" value={v.capacity} error={e.capacity} inputmode="numeric" required />
          </div>
          <button type="submit">Programmer</button>
        </form>
      </Card>
    </Layout>
  );
}

export function MeetingPage(p: { c: Ctx; meeting: Meeting; registrations: MeetingRegistration[] }) {
  const { c, meeting, registrations } = p;
  const csrf = c.get('csrf');
  return (
    <Layout c={c} title="Réunion d'information">
      <PageHeader
        title={`Réunion du ${dateTime(meeting.startsAt)}`}
        help={`${meeting.place} · ${registrations.length}/${meeting.capacity} inscrit·es`}
      />
      {registrations.length ? (
        <Card title="Présences">
          <form method="post" action={`/reunions/${meeting.id}/presences`}>
            <Csrf token={csrf} />
            {registrations.map((r) => (
              <div class="field checkbox">
                <input type="checkbox" id={`r-${r.id}`} name="present" value={r.id} checked={r.attended !== false} />
                <label for={`r-${r.id}`}>
                  {r.displayName} · {r.email}
                  {r.phone ? ` · ${r.phone}` : ''}
                </label>
              </div>
            ))}
            <button type="submit">Enregistrer les présences</button>
          </form>
        </Card>
      ) : (
        <EmptyState title="Aucune inscription pour l'instant." />
      )}
      {registrations.length ? (
        <Card title="Fiches contact">
          <ul>
            {registrations.map((r) => (
              <li>
                {r.displayName} —{' '}
                {r.journeyId ? (
                  <a href={`/accompagnement/${r.journeyId}`}>voir le parcours</a>
                ) : (
                  <form method="post" action={`/reunions/inscriptions/${r.id}/convertir`} class="inline">
                    <Csrf token={csrf} />
                    <button type="submit" class="btn-small">
                      Créer la fiche contact
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </Layout>
  );
}

// The workshops page: sessions to come (register in one click, waiting list when full); for the
// team, recent sessions, the form that schedules one, new themes and the hours export.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, EmptyState, FormErrorSummary } from '../../../web/components.tsx';
import type { Session } from '../workshops.service.ts';
import { parisTime } from '../paris-time.ts';
import { dateTime } from './format.ts';

function RegisterButton(p: { c: Ctx; s: Session }) {
  const { c, s } = p;
  if (s.myStatus === 'registered' || s.myStatus === 'waiting')
    return (
      <form method="post" action={`/ateliers/${s.id}/desinscription`}>
        <Csrf token={c.get('csrf')} />
        <span>{s.myStatus === 'registered' ? 'Inscrit·e' : "En liste d'attente"}</span>{' '}
        <button type="submit" class="btn-small btn-secondary">
          Se désinscrire
        </button>
      </form>
    );
  return (
    <form method="post" action={`/ateliers/${s.id}/inscription`}>
      <Csrf token={c.get('csrf')} />
      <button type="submit" class="btn-small">
        {s.registered >= s.capacity ? "Liste d'attente" : "S'inscrire"}
      </button>
    </form>
  );
}

export function WorkshopsPage(p: {
  c: Ctx;
  sessions: Session[];
  themes: { id: string; name: string }[];
  can: { register: boolean; manage: boolean };
  values: Record<string, string>;
  errors: Record<string, string> | null;
  now: Date;
}) {
  const { c, sessions, values: sv } = p;
  const se = p.errors ?? {};
  return (
    <Layout c={c} title="Ateliers" wide>
      <PageHeader
        title="Ateliers"
        help="Les ateliers collectifs de la coopérative. Inscrivez-vous en un clic ; si c'est complet, vous passez en liste d'attente et êtes inscrit·e automatiquement si une place se libère."
      />
      {sessions.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Atelier</th>
              <th>Lieu</th>
              <th>Places</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td data-label="Date">
                  {dateTime(s.startsAt)}–{parisTime(s.endsAt)}
                </td>
                <td data-label="Atelier">
                  <a href={`/ateliers/${s.id}`}>{s.themeName}</a>
                </td>
                <td data-label="Lieu">{s.place}</td>
                <td data-label="Places">
                  {s.registered}/{s.capacity}
                  {s.waiting ? ` · ${s.waiting} en attente` : ''}
                </td>
                <td>
                  {s.startsAt > p.now ? (
                    p.can.register ? (
                      <RegisterButton c={c} s={s} />
                    ) : null
                  ) : p.can.manage ? (
                    <a href={`/ateliers/${s.id}`}>
                      {s.attendanceRecordedAt ? 'Présences saisies' : 'Saisir les présences'}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucun atelier programmé." />
      )}
      {p.can.manage ? (
        <Card title="Programmer une séance">
          <form method="post" action="/ateliers/seances" novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={p.errors} />
            <div class="form-grid">
              <Select
                label="Thème"
                name="themeId"
                value={sv.themeId}
                error={se.themeId}
                options={p.themes.map((t) => [t.id, t.name])}
              />
              <Field label="Date" name="date" type="date" value={sv.date} error={se.date} required />
              <Field label="Début" name="start" type="time" value={sv.start} error={se.start} required />
              <Field label="Fin" name="end" type="time" value={sv.end} error={se.end} required />
              <Field label="Lieu" name="place" value={sv.place} error={se.place} required />
              <Field
                label="Places"
                name="capacity"
                inputmode="numeric"
                value={sv.capacity}
                error={se.capacity}
                required
              />
            </div>
            <button type="submit">Programmer</button>
          </form>
          <p>
            <a href="/ateliers/heures.csv">Exporter les heures de formation de l'année (CSV)</a>
          </p>
          <form method="post" action="/ateliers/themes" novalidate>
            <Csrf token={c.get('csrf')} />
            <Field label="Nouveau thème" name="name" error={se.name} />
            <button type="submit" class="btn-secondary">
              Ajouter le thème
            </button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}

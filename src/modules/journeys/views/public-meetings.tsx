// The public pages of the information meetings (no account): the cooperatives and their next
// meetings, one cooperative's registration form (with its honeypot), and the thanks.
import type { Ctx } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { Field, Csrf, FormErrorSummary } from '../../../web/components.tsx';
import { formatDate } from '../../../core/dates.ts';
import type { Meeting } from '../info-meetings.service.ts';
import { parisDate, parisTime } from '../paris-time.ts';

export function PublicMeetingsList(p: {
  c: Ctx;
  coops: { slug: string; name: string; city: string; next: Meeting[] }[];
}) {
  return (
    <PublicLayout c={p.c} title="Réunions d'information">
      <h1>Réunions d'information</h1>
      <p>
        Vous avez un projet d'activité ? Venez découvrir la coopérative lors d'une réunion d'information gratuite.
        Choisissez votre coopérative :
      </p>
      <ul>
        {p.coops.map((k) => (
          <li>
            <a href={`/reunions-information/${k.slug}`}>
              {k.name} ({k.city})
            </a>
            {k.next.length ? (
              <ul>
                {k.next.map((m) => (
                  <li>
                    {formatDate(parisDate(m.startsAt))}, {parisTime(m.startsAt)} · {m.place}
                    {m.registered >= m.capacity ? ' (complet)' : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">Pas de réunion programmée pour l'instant.</p>
            )}
          </li>
        ))}
      </ul>
    </PublicLayout>
  );
}

export function PublicMeetingForm(p: {
  c: Ctx;
  coop: { slug: string; name: string; email: string | null };
  meetings: Meeting[];
  fillToken: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { c, coop, meetings, values } = p;
  const e = p.errors ?? {};
  return (
    <PublicLayout c={c} title={`Réunions d'information — ${coop.name}`}>
      <h1>Réunions d'information — {coop.name}</h1>
      <p>
        Une réunion gratuite et sans engagement pour découvrir comment la coopérative vous accompagne. Inscrivez-vous :
        vous recevez une confirmation par e-mail.
      </p>
      {meetings.length ? (
        <form method="post" action={`/reunions-information/${coop.slug}`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <fieldset class={`field${e.meetingId ? ' has-error' : ''}`}>
            <legend>Date de la réunion</legend>
            {meetings.map((m, i) => {
              const full = m.registered >= m.capacity;
              return (
                <div class="field checkbox">
                  <input
                    type="radio"
                    id={`m-${m.id}`}
                    name="meetingId"
                    value={m.id}
                    disabled={full}
                    checked={values.meetingId ? values.meetingId === m.id : i === 0 && !full}
                  />
                  <label for={`m-${m.id}`}>
                    {formatDate(parisDate(m.startsAt))}, {parisTime(m.startsAt)}–{parisTime(m.endsAt)} · {m.place}
                    {full ? ' (complet)' : ''}
                  </label>
                </div>
              );
            })}
            {e.meetingId ? (
              <p class="error" role="alert">
                {e.meetingId}
              </p>
            ) : null}
          </fieldset>
          <Field
            label="Nom et prénom"
            name="displayName"
            value={values.displayName}
            error={e.displayName}
            autocomplete="name"
            required
          />
          <Field
            label="Adresse e-mail"
            name="email"
            type="email"
            value={values.email}
            error={e.email}
            autocomplete="email"
            required
          />
          <Field label="Téléphone (facultatif)" name="phone" value={values.phone} error={e.phone} autocomplete="tel" />
          <div class="hp" hidden aria-hidden="true">
            <label for="f-website">Ne pas remplir</label>
            <input id="f-website" name="website" tabindex={-1} autocomplete="off" />
          </div>
          <input type="hidden" name="t" value={p.fillToken} />
          <button type="submit">Je m'inscris</button>
        </form>
      ) : (
        <p>
          Aucune réunion n'est programmée pour l'instant. Revenez bientôt ou écrivez à {coop.email ?? 'la coopérative'}.
        </p>
      )}
    </PublicLayout>
  );
}

export function PublicMeetingThanks(p: { c: Ctx }) {
  return (
    <PublicLayout c={p.c} title="Inscription enregistrée">
      <h1>Merci !</h1>
      <p>
        Votre inscription est enregistrée. Vous allez recevoir une confirmation par e-mail avec la date et le lieu de la
        réunion.
      </p>
    </PublicLayout>
  );
}

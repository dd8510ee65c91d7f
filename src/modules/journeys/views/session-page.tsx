// One workshop session: for the team, the attendance form (everyone registered ticked, walk-ins
// added), the waiting list and the feedback summary; for the others, their status and, once
// the session is over, the anonymous feedback form.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Select, TextArea, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import { formatDateTime } from '../../../core/dates.ts';
import type { Session } from '../workshops.service.ts';
import type { Participant } from '../attendance.service.ts';
import { sessionHours } from '../attendance.service.ts';
import { FEEDBACK_MIN_ANSWERS, type FeedbackState, type FeedbackSummary } from '../feedback.service.ts';
import { parisTime } from '../paris-time.ts';
import { dateTime, decimalFr, hoursFr } from './format.ts';
import type { FormState } from './person-cards.tsx';

const SCORES: [string, string][] = [
  ['', '—'],
  ['5', '5 — très bien'],
  ['4', '4 — bien'],
  ['3', '3 — moyen'],
  ['2', '2 — pas vraiment'],
  ['1', '1 — pas du tout'],
];

function FeedbackForm(p: { c: Ctx; sessionId: string; form: FormState | null }) {
  const v = p.form?.values ?? {};
  const e = p.form?.errors ?? {};
  return (
    <Card title="Votre avis sur l'atelier">
      <form method="post" action={`/ateliers/${p.sessionId}/avis`} novalidate>
        <Csrf token={p.c.get('csrf')} />
        <FormErrorSummary errors={p.form?.errors} />
        <p class="hint">
          Votre avis est anonyme : l'équipe ne voit que la synthèse, à partir de {FEEDBACK_MIN_ANSWERS} réponses.
        </p>
        <Select
          label="Êtes-vous satisfait·e de l'atelier ?"
          name="satisfaction"
          value={v.satisfaction ?? ''}
          error={e.satisfaction}
          options={SCORES}
        />
        <Select
          label="L'atelier vous sera-t-il utile ?"
          name="usefulness"
          value={v.usefulness ?? ''}
          error={e.usefulness}
          options={SCORES}
        />
        <TextArea label="Un commentaire (facultatif)" name="comment" value={v.comment} error={e.comment} rows={3} />
        <button type="submit">Envoyer mon avis</button>
      </form>
    </Card>
  );
}

function AttendanceCard(p: { c: Ctx; s: Session; people: Participant[]; walkIns: [string, string][] }) {
  const { c, s } = p;
  const registered = p.people.filter((x) => x.status === 'registered');
  const waiting = p.people.filter((x) => x.status === 'waiting');
  const started = s.startsAt <= new Date();
  return (
    <Card title={started ? 'Présences' : 'Inscrit·es'}>
      <form method="post" action={`/ateliers/${s.id}/presences`} novalidate>
        <Csrf token={c.get('csrf')} />
        <p class="hint">
          Les personnes inscrites sont cochées : décochez les absent·es puis enregistrez, en une fois pour tout le
          groupe.
        </p>
        <fieldset>
          <legend>Inscrit·es ({registered.length})</legend>
          {registered.map((x) => (
            <div class="field checkbox">
              <input
                type="checkbox"
                id={`p-${x.userId}`}
                name="present"
                value={x.userId}
                checked={x.attended !== false}
              />
              <label for={`p-${x.userId}`}>{x.name}</label>
            </div>
          ))}
        </fieldset>
        <Select label="Venu·e sans inscription (facultatif)" name="walkIn" options={[['', '—'], ...p.walkIns]} />
        {started ? (
          <button type="submit">Enregistrer les présences</button>
        ) : (
          <p class="muted">Les présences se saisissent à partir du début de la séance.</p>
        )}
      </form>
      {waiting.length ? (
        <>
          <h3>Liste d'attente</h3>
          <ol>
            {waiting.map((x) => (
              <li>{x.name}</li>
            ))}
          </ol>
        </>
      ) : null}
      {s.attendanceRecordedAt ? (
        <p class="muted">Présences enregistrées le {formatDateTime(s.attendanceRecordedAt)}.</p>
      ) : null}
    </Card>
  );
}

export function SessionPage(p: {
  c: Ctx;
  session: Session;
  team: { people: Participant[]; walkIns: [string, string][]; summary: FeedbackSummary } | null;
  feedback: FeedbackState;
  form: FormState | null;
}) {
  const { c, session: s, team } = p;
  return (
    <Layout c={c} title={s.themeName}>
      <PageHeader
        title={s.themeName}
        help={`${dateTime(s.startsAt)}–${parisTime(s.endsAt)} · ${s.place} · ${hoursFr(sessionHours(s.startsAt, s.endsAt))} · ${s.registered}/${s.capacity} inscrit·es${s.walkIns ? ` · ${s.walkIns} venu·e${s.walkIns > 1 ? 's' : ''} sans inscription` : ''}`}
        action={
          team ? (
            <a class="btn btn-secondary" href={`/ateliers/${s.id}/emargement.pdf`}>
              Feuille d'émargement (PDF)
            </a>
          ) : undefined
        }
      />
      {team ? (
        <AttendanceCard c={c} s={s} people={team.people} walkIns={team.walkIns} />
      ) : (
        <p>
          {s.myStatus === 'registered' ? (
            'Vous êtes inscrit·e.'
          ) : s.myStatus === 'waiting' ? (
            "Vous êtes en liste d'attente."
          ) : (
            <a href="/ateliers">Retour aux ateliers</a>
          )}
        </p>
      )}
      {team ? (
        <Card title="Avis des participant·es">
          {team.summary.shown ? (
            <>
              <p>
                {team.summary.answers} réponses · satisfaction {decimalFr(team.summary.satisfaction)}/5 · utilité{' '}
                {decimalFr(team.summary.usefulness)}/5
              </p>
              {team.summary.comments.length ? (
                <ul>
                  {team.summary.comments.map((x) => (
                    <li>{x}</li>
                  ))}
                </ul>
              ) : null}
            </>
          ) : (
            <p class="muted">
              {team.summary.answers} réponse(s) : la synthèse s'affiche à partir de {FEEDBACK_MIN_ANSWERS} réponses,
              pour que les avis restent anonymes.
            </p>
          )}
        </Card>
      ) : null}
      {p.feedback === 'open' ? (
        <FeedbackForm c={c} sessionId={s.id} form={p.form} />
      ) : p.feedback === 'given' ? (
        <p class="muted">Merci pour votre avis sur cet atelier.</p>
      ) : null}
    </Layout>
  );
}

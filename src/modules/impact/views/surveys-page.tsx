// The team's survey page (open a wave of a questionnaire, read the aggregates) and the public
// answer page.
import type { Ctx } from '../../../web/context.ts';
import { Layout, PublicLayout } from '../../../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary, PageHeader, Select, TextArea } from '../../../web/components.tsx';
import { type SurveySummary, WAVE_KIND_LABELS } from '../surveys.service.ts';
import { AUDIENCE_LABELS, type MyInvitation, REMIND_EVERY_DAYS, type SendListCounts } from '../reminders.service.ts';
import type { QuestionnaireListItem } from '../questionnaires.service.ts';
import type { PublicSurvey } from '../surveys.service.ts';
import { SUPPRESSED_TEXT } from './format.ts';
import { type FormState, QuestionnaireFields } from './questionnaire-form.tsx';

const fr = (v: number | null, unit = ' %') => (v === null ? '—' : `${v.toLocaleString('fr-FR')}${unit}`);

export function SurveysPage(p: {
  c: Ctx;
  surveys: SurveySummary[];
  created: { title: string; links: string[] } | null;
  errors: Record<string, string> | null;
  questionnaires: QuestionnaireListItem[];
  form?: Record<string, string>;
  sendLists?: Map<string, SendListCounts>;
}) {
  const { c, surveys, created, errors } = p;
  const f = p.form ?? {};
  return (
    <Layout c={c} title="Enquêtes">
      <PageHeader
        title="Enquêtes anonymes"
        help="Chaque lien s’utilise une fois, sans compte. Les réponses ne sont reliées à personne ; les résultats s’affichent à partir de 5 réponses."
        action={
          <a class="btn secondary" href="/impact/questionnaires">
            Questionnaires
          </a>
        }
      />
      {created && (
        <Card title={`Liens de « ${created.title} »`}>
          <p>Copiez ces liens maintenant : ils ne seront plus affichés. Envoyez-en un à chaque personne.</p>
          <textarea readonly rows={8} cols={80} aria-label="Liens de l’enquête">
            {created.links.join('\n')}
          </textarea>
        </Card>
      )}
      <Card title="Nouvelle vague">
        <form method="post" action="/impact/enquetes" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <Select
            label="Questionnaire"
            name="questionnaire"
            value={f.questionnaire ?? 'who5'}
            options={p.questionnaires
              .filter((q) => q.questions > 0)
              .map((q) => [q.key, q.builtin ? q.title : `${q.title} (version ${q.version})`])}
            error={errors?.questionnaire}
          />
          <Field label="Titre" name="title" value={f.title ?? 'Bien-être 2026'} error={errors?.title} required />
          <Select
            label="Moment"
            name="kind"
            value={f.kind ?? 'ad_hoc'}
            options={Object.entries(WAVE_KIND_LABELS)}
            error={errors?.kind}
          />
          <Field
            label="Ouverture (facultatif)"
            name="opens_on"
            type="date"
            value={f.opens_on}
            error={errors?.opens_on}
          />
          <Field
            label="Clôture (facultatif)"
            name="closes_on"
            type="date"
            value={f.closes_on}
            error={errors?.closes_on}
          />
          <Select
            label="Envoyer à"
            name="audience"
            value={f.audience ?? 'none'}
            options={Object.entries(AUDIENCE_LABELS)}
            error={errors?.audience}
            hint="Chaque membre reçoit son lien personnel dans « Mes enquêtes », annoncé dans son récapitulatif. Personne ne saura qui a répondu quoi."
          />
          <TextArea
            label="Adresses e-mail (facultatif, une par ligne)"
            name="emails"
            value={f.emails}
            error={errors?.emails}
            hint="Pour les personnes sans compte : chacune reçoit par e-mail un lien personnel anonyme."
          />
          <Field
            label="Relances au plus"
            name="max_reminders"
            value={f.max_reminders ?? '2'}
            inputmode="numeric"
            error={errors?.max_reminders}
            hint={`Une relance tous les ${REMIND_EVERY_DAYS} jours à qui n’a pas répondu, jamais à qui a répondu ou a demandé à ne plus être relancé.`}
          />
          <Field
            label="Liens à distribuer vous-même"
            name="links"
            value={f.links ?? '30'}
            inputmode="numeric"
            error={errors?.links}
            required
          />
          <button class="btn" type="submit">
            Créer les liens
          </button>
        </form>
      </Card>
      <Card title="Vagues">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Enquête</th>
              <th scope="col">Questionnaire</th>
              <th scope="col">Réponses</th>
              <th scope="col">Taux de réponse</th>
              <th scope="col">Envois et relances</th>
              <th scope="col">WHO-5 moyen (0–100)</th>
              <th scope="col">Bien-être faible (≤ 50)</th>
            </tr>
          </thead>
          <tbody>
            {surveys.map((s) => (
              <tr>
                <td>
                  <a href={`/impact/enquetes/${s.id}`}>{s.title}</a>
                  <br />
                  <small>
                    {WAVE_KIND_LABELS[s.kind]}
                    {s.opensOn || s.closesOn ? ` · du ${s.opensOn ?? '…'} au ${s.closesOn ?? '…'}` : ''}
                  </small>
                </td>
                <td>
                  {s.questionnaireTitle} <small>(v{s.version})</small>
                </td>
                <td class="num">
                  {s.answers} / {s.links}
                </td>
                <td class="num">{fr(s.rate)}</td>
                <td>
                  <SendListText n={p.sendLists?.get(s.id)} />
                </td>
                <td class="num">{!s.scoresWho5 ? '—' : s.suppressed ? SUPPRESSED_TEXT : fr(s.who5Mean, '')}</td>
                <td class="num">
                  {!s.scoresWho5
                    ? '—'
                    : s.suppressed
                      ? SUPPRESSED_TEXT
                      : `${fr(s.poorShare)} (${fr(s.poorLow)} – ${fr(s.poorHigh)})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </Layout>
  );
}

export function AnswerPage(p: {
  c: Ctx;
  survey: PublicSurvey;
  token: string;
  state: FormState;
  errors: Record<string, string> | null;
}) {
  const { c, survey, token, errors } = p;
  return (
    <PublicLayout c={c} title={survey.title} scripts={['/static/survey.js']}>
      <Card title={survey.title}>
        <p>
          Cette enquête est anonyme : votre réponse n’est reliée ni à votre nom ni à ce lien, et n’est jamais montrée
          seule. {survey.def.intro}
        </p>
        <p class="hint">Les questions marquées * sont obligatoires.</p>
        <form method="post" action={`/enquete/${token}`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary
            message={errors ? 'Certaines réponses sont à compléter : voyez les messages en rouge.' : null}
          />
          <QuestionnaireFields def={survey.def} state={p.state} errors={errors} />
          <button class="btn" type="submit">
            Envoyer
          </button>
        </form>
      </Card>
    </PublicLayout>
  );
}

export function ClosedPage(p: { c: Ctx; survey: PublicSurvey }) {
  const { survey } = p;
  const text =
    survey.state === 'not_yet'
      ? `Cette enquête ouvrira le ${survey.opensOn}. Votre lien restera valable : revenez à partir de cette date.`
      : `Cette enquête est close depuis le ${survey.closesOn}. Merci de votre intérêt.`;
  return (
    <PublicLayout c={p.c} title={survey.title}>
      <Card title={survey.title}>
        <p>{text}</p>
      </Card>
    </PublicLayout>
  );
}

export function ThanksPage(p: { c: Ctx }) {
  return (
    <PublicLayout c={p.c} title="Merci">
      <Card title="Merci">
        <p>Votre réponse est enregistrée, sans votre nom. Vous pouvez fermer cette page.</p>
      </Card>
    </PublicLayout>
  );
}

/** Counts only: never who answered. */
function SendListText(p: { n: SendListCounts | undefined }) {
  const { n } = p;
  if (!n) return <>—</>;
  return (
    <small>
      {n.recipients} personne{n.recipients > 1 ? 's' : ''} invitée{n.recipients > 1 ? 's' : ''} ({n.members} par
      Radieuse, {n.emails} par e-mail) · {n.reminders} relance{n.reminders > 1 ? 's' : ''} · {n.optedOut} sans relance
    </small>
  );
}

export function MyInvitationsPage(p: { c: Ctx; invitations: MyInvitation[]; notice?: string }) {
  const { c } = p;
  return (
    <Layout c={c} title="Mes enquêtes">
      <PageHeader
        title="Mes enquêtes"
        help="Les enquêtes auxquelles votre coopérative vous invite. Elles sont anonymes : votre réponse n’est reliée ni à votre nom ni à votre lien, et n’est jamais montrée seule."
      />
      {p.notice ? <p class="flash flash-ok">{p.notice}</p> : null}
      {p.invitations.length ? (
        <ul class="list">
          {p.invitations.map((i) => (
            <li>
              <strong>{i.title}</strong>
              {i.closesOn ? ` — jusqu’au ${i.closesOn}` : ''}
              <form method="post" action={`/impact/mes-enquetes/${i.id}/repondre`} class="inline">
                <Csrf token={c.get('csrf')} />
                <button class="btn" type="submit">
                  Répondre
                </button>
              </form>
              <form method="post" action={`/impact/mes-enquetes/${i.id}/sans-relance`} class="inline">
                <Csrf token={c.get('csrf')} />
                <button class="btn secondary" type="submit">
                  Ne plus me relancer
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p>Aucune enquête ne vous attend.</p>
      )}
    </Layout>
  );
}

export function OptOutPage(p: { c: Ctx; token: string; done: boolean }) {
  const { c } = p;
  return (
    <PublicLayout c={c} title="Relances de l’enquête">
      <Card title="Relances de l’enquête">
        {p.done ? (
          <p>C’est noté : vous ne recevrez plus de relance pour cette enquête.</p>
        ) : (
          <form method="post" action={`/enquete/${p.token}/sans-relance`}>
            <Csrf token={c.get('csrf')} />
            <p>
              Vous ne recevrez plus de relance pour cette enquête. Votre lien reste valable si vous voulez répondre.
            </p>
            <button class="btn" type="submit">
              Ne plus me relancer
            </button>
          </form>
        )}
      </Card>
    </PublicLayout>
  );
}

// The team's survey page (open a WHO-5 wave, read the aggregates) and the public answer page.
import type { Ctx } from '../../../web/context.ts';
import { Layout, PublicLayout } from '../../../web/layout.tsx';
import { Card, Csrf, Field, FormErrorSummary, PageHeader } from '../../../web/components.tsx';
import type { SurveySummary } from '../surveys.service.ts';
import { WHO5_ITEMS, WHO5_SCALE } from '../kit/stats.ts';
import { SUPPRESSED_TEXT } from './format.ts';

const fr = (v: number | null, unit = ' %') => (v === null ? '—' : `${v.toLocaleString('fr-FR')}${unit}`);

export function SurveysPage(p: {
  c: Ctx;
  surveys: SurveySummary[];
  created: { title: string; links: string[] } | null;
  errors: Record<string, string> | null;
}) {
  const { c, surveys, created, errors } = p;
  return (
    <Layout c={c} title="Enquêtes">
      <PageHeader
        title="Enquêtes anonymes (bien-être WHO-5)"
        help="Chaque lien s’utilise une fois, sans compte. Les réponses ne sont reliées à personne ; les résultats s’affichent à partir de 5 réponses."
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
          <Field label="Titre" name="title" value="Bien-être 2026" error={errors?.title} required />
          <Field label="Nombre de liens" name="links" value="30" inputmode="numeric" error={errors?.links} required />
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
              <th scope="col">Réponses</th>
              <th scope="col">Taux de réponse</th>
              <th scope="col">WHO-5 moyen (0–100)</th>
              <th scope="col">Bien-être faible (≤ 50)</th>
            </tr>
          </thead>
          <tbody>
            {surveys.map((s) => (
              <tr>
                <td>{s.title}</td>
                <td class="num">
                  {s.answers} / {s.links}
                </td>
                <td class="num">{fr(s.rate)}</td>
                <td class="num">{s.suppressed ? SUPPRESSED_TEXT : fr(s.who5Mean, '')}</td>
                <td class="num">
                  {s.suppressed ? SUPPRESSED_TEXT : `${fr(s.poorShare)} (${fr(s.poorLow)} – ${fr(s.poorHigh)})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </Layout>
  );
}

export function AnswerPage(p: { c: Ctx; title: string; token: string; error: string | null }) {
  const { c, title, token, error } = p;
  return (
    <PublicLayout c={c} title={title}>
      <Card title={title}>
        <p>
          Cette enquête est anonyme : votre réponse n’est reliée ni à votre nom ni à ce lien, et n’est jamais montrée
          seule. Pour chacune des cinq affirmations, indiquez ce qui se rapproche le plus de ce que vous avez ressenti
          au cours des deux dernières semaines.
        </p>
        <form method="post" action={`/enquete/${token}`} novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary message={error} />
          {WHO5_ITEMS.map((q, i) => (
            <fieldset>
              <legend>{q}</legend>
              {WHO5_SCALE.map((label, k) => (
                <label class="choice">
                  <input type="radio" name={`q${i}`} value={String(5 - k)} required /> {label}
                </label>
              ))}
            </fieldset>
          ))}
          <button class="btn" type="submit">
            Envoyer
          </button>
        </form>
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

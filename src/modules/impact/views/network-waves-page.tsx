// Network-wide survey waves (network staff): launch one wave in every cooperative or a
// selection, list them, and read each one's response rate per cooperative (hidden under 5).
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Card, Csrf, EmptyState, Field, FormErrorSummary, PageHeader, Select } from '../../../web/components.tsx';
import type { NetworkWaveSummary, NetworkWaveView } from '../network-waves.service.ts';
import { AUDIENCE_LABELS } from '../reminders.service.ts';
import { SUPPRESSED_TEXT } from './format.ts';

const QUESTIONNAIRE_LABELS: Record<string, string> = {
  who5: 'WHO-5 (bien-être)',
  qvt_entrepreneurs: 'Baromètre QVT des entrepreneur·es',
  qvt_support: 'Baromètre QVT de l’équipe d’appui',
};
const rateText = (v: number | null) => (v === null ? SUPPRESSED_TEXT : `${v.toLocaleString('fr-FR')} %`);

export function NetworkWavesPage(p: {
  c: Ctx;
  waves: NetworkWaveSummary[];
  cooperatives: { id: string; name: string }[];
  launched: { title: string; cooperatives: { name: string; links: string[] }[] } | null;
  errors: Record<string, string> | null;
  form?: Record<string, string | string[]>;
}) {
  const { c, errors } = p;
  const f = (p.form ?? {}) as Record<string, string | undefined>;
  const chosen = new Set(([] as string[]).concat((p.form?.cooperatives as string[] | string | undefined) ?? []));
  return (
    <Layout c={c} title="Enquêtes du réseau">
      <PageHeader
        title="Enquêtes du réseau"
        help="Une vague lancée ici crée la même enquête dans chaque coopérative choisie ; les réponses restent dans chaque coopérative, le réseau lit les taux de réponse."
      />
      {p.launched ? (
        <Card title={`Vague « ${p.launched.title} » lancée`}>
          <p>Les liens à distribuer ne s’affichent qu’une fois : copiez-les maintenant.</p>
          {p.launched.cooperatives.map((co) => (
            <details>
              <summary>
                {co.name} — {co.links.length} lien{co.links.length > 1 ? 's' : ''}
              </summary>
              <ul class="links">
                {co.links.map((l) => (
                  <li>
                    <code>{l}</code>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </Card>
      ) : null}
      <Card title="Lancer une vague dans le réseau">
        <form method="post" action="/impact/enquetes-reseau" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} />
          <Field label="Titre" name="title" value={f.title ?? ''} error={errors?.title} required />
          <Select
            label="Questionnaire"
            name="questionnaire"
            value={f.questionnaire ?? 'who5'}
            options={Object.entries(QUESTIONNAIRE_LABELS)}
            error={errors?.questionnaire}
          />
          <Select
            label="Envoyer à, dans chaque coopérative"
            name="audience"
            value={f.audience ?? 'entrepreneurs'}
            options={Object.entries(AUDIENCE_LABELS)}
            error={errors?.audience}
          />
          <Field
            label="Liens à distribuer vous-même, par coopérative"
            name="links"
            value={f.links ?? '0'}
            inputmode="numeric"
            error={errors?.links}
          />
          <Field
            label="Fermeture (facultatif)"
            name="closes_on"
            type="date"
            value={f.closes_on}
            error={errors?.closes_on}
          />
          <fieldset class={`field${errors?.cooperatives ? ' has-error' : ''}`}>
            <legend>Coopératives (aucune cochée : tout le réseau)</legend>
            {errors?.cooperatives ? <p class="error">{errors.cooperatives}</p> : null}
            {p.cooperatives.map((co, i) => (
              <div class="checkbox">
                <input
                  type="checkbox"
                  id={`f-coop-${i}`}
                  name="cooperatives"
                  value={co.id}
                  checked={chosen.has(co.id)}
                />
                <label for={`f-coop-${i}`}>{co.name}</label>
              </div>
            ))}
          </fieldset>
          <button class="btn" type="submit">
            Lancer la vague
          </button>
        </form>
      </Card>
      <Card title="Vagues du réseau">
        {p.waves.length ? (
          <table>
            <thead>
              <tr>
                <th>Vague</th>
                <th>Questionnaire</th>
                <th>Lancée le</th>
                <th class="num">Coopératives</th>
              </tr>
            </thead>
            <tbody>
              {p.waves.map((w) => (
                <tr>
                  <td>
                    <a href={`/impact/enquetes-reseau/${w.id}`}>{w.title}</a>
                  </td>
                  <td>{QUESTIONNAIRE_LABELS[w.questionnaire] ?? w.questionnaire}</td>
                  <td>{w.createdAt.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}</td>
                  <td class="num">{w.cooperatives}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="Aucune vague du réseau pour l’instant." />
        )}
      </Card>
    </Layout>
  );
}

export function NetworkWavePage(p: { c: Ctx; v: NetworkWaveView }) {
  const { v } = p;
  return (
    <Layout c={p.c} title={`Enquête du réseau — ${v.title}`}>
      <PageHeader
        title={`Enquête du réseau — ${v.title}`}
        help="Taux de réponse par coopérative : un nombre de réponses inférieur à 5 est masqué, et un autre avec lui pour que le total ne le révèle pas."
      />
      <Card>
        <table>
          <thead>
            <tr>
              <th>Coopérative</th>
              <th class="num">Liens</th>
              <th class="num">Réponses</th>
              <th class="num">Taux de réponse</th>
            </tr>
          </thead>
          <tbody>
            {v.cooperatives.map((r) => (
              <tr>
                <td>{r.name}</td>
                <td class="num">{r.links}</td>
                <td class="num">{r.answers === null ? SUPPRESSED_TEXT : r.answers}</td>
                <td class="num">{rateText(r.rate)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>Réseau</th>
              <td class="num">{v.total.links}</td>
              <td class="num">{v.total.answers === null ? SUPPRESSED_TEXT : v.total.answers}</td>
              <td class="num">{rateText(v.total.rate)}</td>
            </tr>
          </tfoot>
        </table>
        <p>
          <a href="/impact/enquetes-reseau">Toutes les vagues du réseau</a>
        </p>
      </Card>
    </Layout>
  );
}

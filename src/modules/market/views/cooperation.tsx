// Working together: the joint-offer form (one quote, a part per activity) and the internal
// market (needs for subcontracting, answers, internal invoices).
import type { Ctx } from '../../../web/context.ts';
import { Layout, PublicLayout } from '../../../web/layout.tsx';
import {
  Checkbox,
  Field,
  Csrf,
  FormErrorSummary,
  Select,
  TextArea,
  PageHeader,
  EmptyState,
} from '../../../web/components.tsx';
import { formatEuros } from '../../../core/money.ts';
import type { Need, NeedAnswer } from '../internal.service.ts';
import type { Charter, External } from '../external.service.ts';
import { EXTERNAL_LABEL } from '../categories.ts';
import { JointList } from './joint-page.tsx';

export const JOINT_ROWS = 4;

export function JointForm(p: {
  c: Ctx;
  options: { lead: [string, string][]; partners: [string, string][]; customers: [string, string][] };
  offers: { id: string; title: string }[];
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const e = p.errors ?? {};
  const v = p.values;
  const none: [string, string][] = [['', '—']];
  return (
    <Layout c={p.c} title="Offre conjointe">
      <PageHeader
        title="Offre conjointe"
        help="Vous répondez à plusieurs activités de la coopérative : un seul devis, une partie par activité. À la facturation, chaque activité reçoit sa part du chiffre d’affaires sur son compte d’activité ; les achats du chantier se partagent de même."
      />
      <JointList offers={p.offers} />
      <h2>Nouvelle offre conjointe</h2>
      <form method="post" action="/ma-vitrine/cotraitance" novalidate>
        <Csrf token={p.c.get('csrf')} />
        <FormErrorSummary errors={p.errors} />
        <Select
          label="Client"
          name="customerId"
          value={v.customerId}
          options={[...none, ...p.options.customers]}
          error={e.customerId}
          required
        />
        <Field label="Titre du devis" name="title" value={v.title} error={e.title} required />
        {Array.from({ length: JOINT_ROWS }, (_, i) => (
          <fieldset>
            <legend>{i === 0 ? 'Votre part (activité qui coordonne et facture)' : `Partenaire ${i}`}</legend>
            <Select
              label="Activité"
              name={`parts.${i}.activityId`}
              value={v[`parts.${i}.activityId`]}
              options={i === 0 ? p.options.lead : [...none, ...p.options.partners]}
              error={e[`parts.${i}.activityId`]}
            />
            <Field
              label="Ce que fait cette activité"
              name={`parts.${i}.description`}
              value={v[`parts.${i}.description`]}
              error={e[`parts.${i}.description`]}
            />
            <Field
              label="Montant HT (€)"
              name={`parts.${i}.amount`}
              value={v[`parts.${i}.amount`]}
              error={e[`parts.${i}.amount`]}
              inputmode="decimal"
            />
          </fieldset>
        ))}
        <button type="submit">Créer le devis brouillon</button>
      </form>
    </Layout>
  );
}

const NEED_STATUS: Record<Need['status'], string> = {
  open: 'Ouvert',
  assigned: 'Attribué',
  invoiced: 'Facturé en interne',
  closed: 'Retiré',
};
const ANSWER_STATUS: Record<NeedAnswer['status'], string> = {
  proposed: 'Proposée',
  accepted: 'Acceptée',
  declined: 'Non retenue',
};

export function NeedsPage(p: {
  c: Ctx;
  needs: Need[];
  activities: [string, string][];
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title="Marché interne">
      <PageHeader
        title="Marché interne"
        help="Les besoins de sous-traitance des entrepreneur·es de la coopérative. Le travail accepté devient une facture interne : une charge pour l’activité qui achète, un chiffre d’affaires pour celle qui réalise."
      />
      {p.needs.length ? (
        <table>
          <thead>
            <tr>
              <th>Besoin</th>
              <th>Activité</th>
              <th>Budget</th>
              <th>Statut</th>
            </tr>
          </thead>
          <tbody>
            {p.needs.map((n) => (
              <tr>
                <td>
                  <a href={`/marche-interne/${n.id}`}>{n.title}</a>
                </td>
                <td>{n.activityName}</td>
                <td>{n.budgetCents == null ? 'à discuter' : formatEuros(n.budgetCents)}</td>
                <td>{NEED_STATUS[n.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucun besoin publié pour l’instant" />
      )}
      {p.activities.length ? (
        <>
          <h2>Publier un besoin</h2>
          <form method="post" action="/marche-interne" novalidate>
            <Csrf token={p.c.get('csrf')} />
            <FormErrorSummary errors={p.errors} />
            <Select
              label="Pour l’activité"
              name="activityId"
              value={p.values.activityId}
              options={p.activities}
              error={e.activityId}
            />
            <Field label="Titre" name="title" value={p.values.title} error={e.title} required />
            <TextArea label="Description" name="description" value={p.values.description} error={e.description} />
            <Field
              label="Budget HT (€, facultatif)"
              name="budget"
              value={p.values.budget}
              error={e.budget}
              inputmode="decimal"
            />
            <button type="submit">Publier le besoin</button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

export function NeedPage(p: {
  c: Ctx;
  need: Need;
  answers: NeedAnswer[];
  activities: [string, string][];
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { need } = p;
  const e = p.errors ?? {};
  const csrf = <Csrf token={p.c.get('csrf')} />;
  const mayAnswer = need.status === 'open' && !need.mine && p.activities.length > 0;
  return (
    <Layout c={p.c} title={need.title}>
      <PageHeader title={need.title} />
      <p>
        {need.activityName} — {NEED_STATUS[need.status]} — budget{' '}
        {need.budgetCents == null ? 'à discuter' : formatEuros(need.budgetCents)}
      </p>
      <p>{need.description}</p>
      <h2>Réponses</h2>
      {p.answers.length ? (
        <ul>
          {p.answers.map((a) => (
            <li>
              <strong>{a.activityName}</strong> — {formatEuros(a.amountCents)} HT — {ANSWER_STATUS[a.status]}
              <p>{a.message}</p>
              {need.mine && need.status === 'open' ? (
                <form method="post" action={`/marche-interne/${need.id}/reponses/${a.id}/accepter`}>
                  {csrf}
                  <button type="submit" class="btn-small">
                    Retenir cette réponse
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Pas encore de réponse.</p>
      )}
      {need.mine && need.status === 'assigned' ? (
        <form method="post" action={`/marche-interne/${need.id}/travail-accepte`}>
          {csrf}
          <button type="submit">Travail reçu : établir la facture interne</button>
        </form>
      ) : null}
      {need.mine && need.status === 'open' ? (
        <form method="post" action={`/marche-interne/${need.id}/retirer`}>
          {csrf}
          <button type="submit" class="btn-secondary">
            Retirer le besoin
          </button>
        </form>
      ) : null}
      {mayAnswer ? (
        <>
          <h2>Proposer mon aide</h2>
          <form method="post" action={`/marche-interne/${need.id}/reponses`} novalidate>
            {csrf}
            <FormErrorSummary errors={p.errors} />
            <Select
              label="Mon activité"
              name="activityId"
              value={p.values.activityId}
              options={p.activities}
              error={e.activityId}
            />
            <TextArea label="Ma proposition" name="message" value={p.values.message} error={e.message} />
            <Field
              label="Prix HT (€)"
              name="amount"
              value={p.values.amount}
              error={e.amount}
              inputmode="decimal"
              required
            />
            <button type="submit">Répondre</button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

export function ExternalsPage(p: {
  c: Ctx;
  charter: Charter | null;
  externals: External[];
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const e = p.errors ?? {};
  const csrf = <Csrf token={p.c.get('csrf')} />;
  return (
    <Layout c={p.c} title="Indépendant·es partenaires">
      <PageHeader
        title="Indépendant·es partenaires"
        help="Des indépendant·es hors coopérative peuvent figurer sur la place de marché après avoir accepté votre charte : un profil seulement, sans accès au logiciel. Leurs pages portent la mention « Indépendant·e partenaire »."
      />
      <h2>Charte{p.charter ? ` (version ${p.charter.version})` : ''}</h2>
      <form method="post" action="/ma-vitrine/independants/charte" novalidate>
        {csrf}
        <TextArea
          label="Texte de la charte"
          name="body"
          value={p.values.body ?? p.charter?.body ?? ''}
          error={e.body}
          rows={10}
          hint="Chaque modification crée une nouvelle version ; les acceptations déjà données gardent leur version."
        />
        <button type="submit">Enregistrer la charte</button>
      </form>
      <h2>Personnes invitées</h2>
      {p.externals.length ? (
        <table>
          <thead>
            <tr>
              <th>Nom</th>
              <th>Charte</th>
              <th>Profil</th>
            </tr>
          </thead>
          <tbody>
            {p.externals.map((x) => (
              <tr>
                <td>{x.name}</td>
                <td>
                  {x.acceptedAt
                    ? `version ${x.charterVersion} acceptée le ${x.acceptedAt.toISOString().slice(0, 10)}`
                    : 'invitation envoyée, pas encore acceptée'}
                </td>
                <td>{x.acceptedAt ? <a href={`/ma-vitrine/${x.id}`}>Rédiger le profil</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Personne n’a encore été invité·e" />
      )}
      <h2>Inviter une personne</h2>
      <form method="post" action="/ma-vitrine/independants" novalidate>
        {csrf}
        <FormErrorSummary errors={p.errors} />
        <Field label="Nom" name="name" value={p.values.name} error={e.name} required />
        <Field label="E-mail" name="email" type="email" value={p.values.email} error={e.email} required />
        <button type="submit">Envoyer la charte à accepter</button>
      </form>
    </Layout>
  );
}

export function CharterPage(p: {
  c: Ctx;
  token: string;
  inv: { name: string; cooperative: string; charter: Charter; acceptedVersion: number | null };
  errors: Record<string, string> | null;
}) {
  const { inv } = p;
  return (
    <PublicLayout c={p.c} title={`Charte de ${inv.cooperative}`} meta={{ noindex: true }}>
      <h1>Charte de {inv.cooperative}</h1>
      <p>
        Bonjour {inv.name}, voici la charte (version {inv.charter.version}) à accepter pour figurer sur la place de
        marché comme {EXTERNAL_LABEL.toLowerCase()}.
      </p>
      <div class="charter">
        {inv.charter.body.split(/\n{2,}/).map((para) => (
          <p>{para}</p>
        ))}
      </div>
      {inv.acceptedVersion === inv.charter.version ? (
        <p>
          <strong>Vous avez accepté cette version.</strong>
        </p>
      ) : (
        <form method="post" action={`/marche/charte/${p.token}`} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <input type="hidden" name="version" value={String(inv.charter.version)} />
          <Checkbox label="J’ai lu la charte et je l’accepte" name="agreed" />
          {p.errors?.agreed ? (
            <p class="field-error" role="alert">
              {p.errors.agreed}
            </p>
          ) : null}
          <button type="submit">Accepter la charte</button>
        </form>
      )}
    </PublicLayout>
  );
}

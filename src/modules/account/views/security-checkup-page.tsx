// "Ma sécurité en un coup d'œil": the score, the one next step, then every item in plain words.
import type { SecurityCheckup } from '../../../core/auth/checkup.ts';
import { formatDateTime } from '../../../core/dates.ts';
import { Card, PageHeader } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';

const level = (score: number) => (score >= 85 ? 'Très bien protégé' : score >= 60 ? 'Bien protégé' : 'À renforcer');

export function SecurityCheckupPage(p: { c: Ctx; checkup: SecurityCheckup }) {
  const { checkup: k } = p;
  return (
    <Layout c={p.c} title="Ma sécurité">
      <PageHeader
        title="Ma sécurité en un coup d'œil"
        help="Ce qui protège votre compte aujourd'hui, et la prochaine étape pour le protéger mieux."
      />
      <Card title={`${level(k.score)} : ${k.score} / 100`}>
        <meter min={0} max={100} low={60} high={85} optimum={100} value={k.score} aria-label="Score de sécurité">
          {k.score} / 100
        </meter>
        {k.next ? (
          <p>
            <strong>Prochaine étape :</strong> {k.next.detail}{' '}
            <a class="btn" href={k.next.href}>
              {k.next.title}
            </a>
          </p>
        ) : (
          <p>Tout est en ordre. Pensez à revenir ici de temps en temps.</p>
        )}
      </Card>
      <Card title="Le détail">
        <ul class="checklist">
          {k.items.map((i) => (
            <li data-ok={String(i.ok)}>
              <span aria-hidden="true">{i.ok ? '✓' : '!'}</span> <strong>{i.title}</strong>
              <span class="sr-only">{i.ok ? ' (en ordre)' : ' (à faire)'}</span> : {i.detail}{' '}
              {i.ok ? null : <a href={i.href}>Corriger</a>}
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Connexions récentes">
        {k.recentSignIns.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>Date</th>
                <th>Résultat</th>
                <th>Adresse</th>
              </tr>
            </thead>
            <tbody>
              {k.recentSignIns.map((s) => (
                <tr>
                  <td>{formatDateTime(s.at)}</td>
                  <td>{s.ok ? 'Réussie' : 'Mot de passe erroné'}</td>
                  <td>{s.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>Aucune connexion ces 30 derniers jours.</p>
        )}
        <p>
          <a href="/profil">Voir et déconnecter mes appareils</a>
        </p>
      </Card>
    </Layout>
  );
}

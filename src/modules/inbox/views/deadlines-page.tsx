// The administrative calendar: one's deadlines of the next three months, and the secret address
// of the same calendar for one's calendar application.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, Card, EmptyState } from '../../../web/components.tsx';
import { formatDateLong } from '../../../core/dates.ts';
import type { Deadline } from '../calendar.ts';

export function DeadlinesPage(p: { c: Ctx; items: Deadline[]; hasFeed: boolean; feedUrl?: string }) {
  const { c } = p;
  return (
    <Layout c={c} title="Mes échéances">
      <PageHeader
        title="Mes échéances"
        help="Toutes vos dates administratives des trois prochains mois, au même endroit."
      />
      {p.items.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Quoi</th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((d) => (
              <tr>
                <td data-label="Date">{formatDateLong(d.date)}</td>
                <td data-label="Quoi">{d.href ? <a href={d.href}>{d.title}</a> : d.title}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucune échéance dans les trois prochains mois." />
      )}
      <Card title="Dans votre agenda">
        <p>
          Abonnez votre agenda (téléphone, Thunderbird, Outlook…) à ces échéances : elles s'y mettront à jour toutes
          seules.
        </p>
        {p.feedUrl ? (
          <p>
            Votre adresse secrète, à copier dans votre agenda : <code class="feed-url">{p.feedUrl}</code>
          </p>
        ) : p.hasFeed ? (
          <p class="muted">Une adresse existe déjà. En créer une nouvelle désactive l'ancienne.</p>
        ) : null}
        <form method="post" action="/calendrier-admin/lien">
          <Csrf token={c.get('csrf')} />
          <button type="submit" class="btn-secondary">
            {p.hasFeed || p.feedUrl ? 'Créer une nouvelle adresse' : "Obtenir l'adresse de l'agenda"}
          </button>
        </form>
      </Card>
    </Layout>
  );
}

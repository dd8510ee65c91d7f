// The personal calendar feed: how to get the secret link, and the link shown once.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Csrf, PageHeader, Card } from '../../../web/components.tsx';

export function CalendarPage(p: { c: Ctx; exists: boolean }) {
  return (
    <Layout c={p.c} title="Mon agenda">
      <PageHeader
        title="Mon agenda dans votre calendrier"
        help="Un lien secret à ajouter dans votre calendrier (Agenda Google, Outlook, Thunderbird…) : vos rendez-vous et ateliers y apparaissent automatiquement. Ne le partagez pas."
      />
      <Card>
        <p>
          {p.exists
            ? "Un lien existe déjà. Pour des raisons de sécurité il n'est affiché qu'à sa création : créez-en un nouveau si vous l'avez perdu (l'ancien cessera de fonctionner)."
            : "Vous n'avez pas encore de lien."}
        </p>
        <form method="post" action="/calendrier/lien">
          <Csrf token={p.c.get('csrf')} />
          <button type="submit">{p.exists ? 'Créer un nouveau lien' : 'Créer mon lien'}</button>
        </form>
      </Card>
    </Layout>
  );
}

export function CalendarLinkPage(p: { c: Ctx; url: string }) {
  return (
    <Layout c={p.c} title="Mon agenda">
      <PageHeader
        title="Votre lien d'agenda"
        help="Copiez-le maintenant dans votre calendrier (« s'abonner à un calendrier par URL ») : il ne sera plus affiché."
      />
      <Card>
        <p>
          <input readonly value={p.url} aria-label="Lien de l'agenda" size={80} />
        </p>
        <p>
          <a href={p.url.replace(/^https?:/, 'webcal:')}>Ouvrir dans mon calendrier</a>
        </p>
      </Card>
    </Layout>
  );
}

// The entrepreneur's side: "Ma vitrine" (profile, offers, reviews) and the quote requests.
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  Field,
  Csrf,
  FormErrorSummary,
  Select,
  TextArea,
  Checkbox,
  PageHeader,
  EmptyState,
} from '../../../web/components.tsx';
import { CATEGORIES } from '../categories.ts';
import type { Offer, Profile } from '../profile.service.ts';
import { MAX_PHOTO_BYTES, PHOTOS_PER_OFFER, type Photo } from '../photos.service.ts';
import type { QuoteRequest } from '../requests.service.ts';
import type { ThreadMessage } from '../messages.service.ts';
import { Thread } from './thread.tsx';
import type { Review } from '../reviews.service.ts';
import { priceText } from './public.tsx';

const cats = Object.entries(CATEGORIES) as [string, string][];
const STATUS: Record<QuoteRequest['status'], string> = {
  open: 'À traiter',
  converted: 'Devis créé',
  closed: 'Classée',
};

export function VitrineHome(p: {
  c: Ctx;
  activities: { activityId: string; name: string; profile: Profile | null }[];
  requests: QuoteRequest[];
}) {
  return (
    <Layout c={p.c} title="Ma vitrine">
      <PageHeader
        title="Ma vitrine"
        help="Ce que vous publiez sur la place de marché publique, et les demandes de devis reçues."
      />
      <p>
        <a href="/ma-vitrine/cotraitance">Faire une offre conjointe avec d’autres activités</a> ·{' '}
        <a href="/marche-interne">Marché interne (sous-traitance entre entrepreneur·es)</a>
      </p>
      <h2>Activités</h2>
      <ul>
        {p.activities.map((a) => (
          <li>
            <a href={`/ma-vitrine/${a.activityId}`}>{a.name}</a> —{' '}
            {a.profile ? (a.profile.published ? 'publiée' : 'non publiée') : 'pas encore de profil'}
          </li>
        ))}
      </ul>
      <h2>Demandes de devis</h2>
      {p.requests.length ? (
        <table>
          <thead>
            <tr>
              <th>Date</th>
              <th>De</th>
              <th>Statut</th>
            </tr>
          </thead>
          <tbody>
            {p.requests.map((r) => (
              <tr>
                <td>{r.createdAt.toISOString().slice(0, 10)}</td>
                <td>
                  <a href={`/ma-vitrine/demandes/${r.id}`}>{r.name}</a>
                </td>
                <td>{STATUS[r.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucune demande pour l’instant" />
      )}
    </Layout>
  );
}

/** The photos of the profile or of one offer, each with its remove button, and the upload form. */
function PhotoBlock(p: { c: Ctx; activityId: string; offerId: string | null; photos: Photo[]; error?: string }) {
  const id = `photo-${p.offerId ?? 'profil'}`;
  return (
    <div>
      {p.photos.map((ph) => (
        <form
          method="post"
          action={`/ma-vitrine/${p.activityId}/photos/${ph.id}/supprimer`}
          style="display:inline-block"
        >
          <Csrf token={p.c.get('csrf')} />
          <img src={`/ma-vitrine/${p.activityId}/photos/${ph.id}`} alt={ph.alt} width="120" />
          <button type="submit" class="secondary">
            Retirer
          </button>
        </form>
      ))}
      {p.photos.length < PHOTOS_PER_OFFER ? (
        <form method="post" action={`/ma-vitrine/${p.activityId}/photos`} enctype="multipart/form-data">
          <Csrf token={p.c.get('csrf')} />
          {p.offerId ? <input type="hidden" name="offer" value={p.offerId} /> : null}
          <div class={`field${p.error ? ' has-error' : ''}`}>
            <label for={id}>Ajouter une photo</label>
            <span class="hint" id={`${id}-hint`}>
              JPEG, PNG ou WebP, {MAX_PHOTO_BYTES / 1024 / 1024} Mo au plus, {PHOTOS_PER_OFFER} photos au plus.
            </span>
            <input
              type="file"
              id={id}
              name="photo"
              accept="image/jpeg,image/png,image/webp"
              aria-describedby={p.error ? `${id}-hint ${id}-error` : `${id}-hint`}
            />
            {p.error ? (
              <span class="error" id={`${id}-error`}>
                {p.error}
              </span>
            ) : null}
          </div>
          <label for={`${id}-alt`}>Description de la photo (pour les lecteurs d’écran)</label>
          <input type="text" id={`${id}-alt`} name="alt" maxlength={200} />
          <button type="submit">Envoyer la photo</button>
        </form>
      ) : (
        <p class="muted">{PHOTOS_PER_OFFER} photos au plus.</p>
      )}
    </div>
  );
}

export function VitrineActivity(p: {
  c: Ctx;
  activityId: string;
  name: string;
  profile: Profile | null;
  offers: Offer[];
  photos: Photo[];
  reviews: Review[];
  canModerate: boolean;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { c, profile } = p;
  const photos = (offerId: string | null) => (
    <PhotoBlock
      c={c}
      activityId={p.activityId}
      offerId={offerId}
      photos={p.photos.filter((x) => x.offerId === offerId)}
      error={(p.values.photoFor ?? '') === (offerId ?? '') ? (p.errors?.photo ?? p.errors?.alt) : undefined}
    />
  );
  const v = { ...(profile ? profileValues(profile) : {}), ...p.values };
  const e = p.errors ?? {};
  return (
    <Layout c={c} title={`Vitrine — ${p.name}`}>
      <PageHeader title={`Vitrine — ${p.name}`} />
      {profile?.published ? (
        <p>Publiée : visible par tout le monde, sans compte.</p>
      ) : (
        <p>Non publiée : personne ne la voit.</p>
      )}
      <form method="post" action={`/ma-vitrine/${p.activityId}`} novalidate>
        <Csrf token={c.get('csrf')} />
        <FormErrorSummary errors={p.errors} />
        <Field label="Nom affiché" name="displayName" value={v.displayName} error={e.displayName} required />
        <Field label="Accroche" name="headline" value={v.headline} error={e.headline} required />
        <TextArea label="Présentation" name="description" value={v.description} error={e.description} rows={6} />
        <Select label="Catégorie" name="category" value={v.category} options={cats} error={e.category} />
        <Field label="Code postal" name="postcode" value={v.postcode} error={e.postcode} inputmode="numeric" required />
        <Field
          label="Rayon d’intervention (km)"
          name="radiusKm"
          value={v.radiusKm ?? '30'}
          error={e.radiusKm}
          inputmode="numeric"
        />
        <Field
          label="Téléphone public (facultatif)"
          name="publicPhone"
          value={v.publicPhone}
          error={e.publicPhone}
          hint="Affiché seulement si vous le remplissez. Votre e-mail n’est jamais publié."
        />
        <Checkbox label="Publier ma vitrine" name="published" checked={v.published === 'on'} />
        <button type="submit">Enregistrer</button>
      </form>
      {profile ? (
        <>
          <h2>Photos du profil</h2>
          {photos(null)}
          <h2>Offres</h2>
          {p.offers.map((o) => (
            <form method="post" action={`/ma-vitrine/${p.activityId}/offres/${o.id}`} class="card">
              <Csrf token={c.get('csrf')} />
              <Field label="Titre" name="title" value={o.title} />
              <TextArea label="Description" name="description" value={o.description} />
              <Select label="Catégorie" name="category" value={o.category} options={cats} />
              <Field
                label="Prix HT (€, vide = sur devis)"
                name="price"
                value={o.priceCents === null ? '' : (o.priceCents / 100).toFixed(2).replace('.', ',')}
              />
              <Checkbox label="Publiée" name="published" checked={o.published} />
              <button type="submit">Enregistrer l’offre</button> <span class="muted">{priceText(o.priceCents)}</span>
            </form>
          ))}
          {p.offers.map((o) => (
            <section class="card">
              <h3>Photos — {o.title}</h3>
              {photos(o.id)}
            </section>
          ))}
          <h3>Nouvelle offre</h3>
          <form method="post" action={`/ma-vitrine/${p.activityId}/offres`} novalidate>
            <Csrf token={c.get('csrf')} />
            <Field label="Titre" name="title" value={p.values.offerTitle} error={e.title} />
            <TextArea label="Description" name="description" />
            <Select label="Catégorie" name="category" value={profile.category} options={cats} />
            <Field label="Prix HT (€, vide = sur devis)" name="price" error={e.price} />
            <Checkbox label="Publiée" name="published" checked />
            <button type="submit">Ajouter l’offre</button>
          </form>
          <h2>Avis</h2>
          {p.reviews.length ? (
            <ul>
              {p.reviews.map((r) => (
                <li>
                  <strong>{r.rating} / 5</strong> — {r.authorLabel} {r.hidden ? `(masqué : ${r.hiddenReason})` : ''}
                  <p>{r.body}</p>
                  <form method="post" action={`/ma-vitrine/avis/${r.id}/reponse`}>
                    <Csrf token={c.get('csrf')} />
                    <TextArea label="Votre réponse" name="reply" value={r.reply ?? ''} rows={2} />
                    <button type="submit" class="btn-small">
                      Répondre
                    </button>
                  </form>
                  {p.canModerate ? (
                    <form method="post" action={`/ma-vitrine/avis/${r.id}/moderation`}>
                      <Csrf token={c.get('csrf')} />
                      <input type="hidden" name="hide" value={r.hidden ? '0' : '1'} />
                      {r.hidden ? null : <Field label="Raison du masquage" name="reason" />}
                      <button type="submit" class="btn-small">
                        {r.hidden ? 'Rétablir' : 'Masquer'}
                      </button>
                    </form>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Pas encore d’avis. Un lien est envoyé à chaque client dont la facture est réglée.</p>
          )}
        </>
      ) : null}
    </Layout>
  );
}

const profileValues = (p: Profile): Record<string, string> => ({
  displayName: p.displayName,
  headline: p.headline,
  description: p.description,
  category: p.category,
  postcode: p.postcode,
  radiusKm: String(p.radiusKm),
  publicPhone: p.publicPhone ?? '',
  published: p.published ? 'on' : '',
});

export function RequestPage(p: {
  c: Ctx;
  r: QuoteRequest;
  thread: ThreadMessage[];
  messageError?: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { c, r } = p;
  const e = p.errors ?? {};
  return (
    <Layout c={c} title={`Demande de ${r.name}`}>
      <PageHeader title={`Demande de devis de ${r.name}`} />
      <p>
        {r.email}
        {r.phone ? ` · ${r.phone}` : ''}
        {r.postcode ? ` · ${r.postcode}` : ''} · {STATUS[r.status]}
      </p>
      <blockquote>{r.message}</blockquote>
      {r.status === 'open' ? (
        <>
          <form method="post" action={`/ma-vitrine/demandes/${r.id}/devis`} novalidate>
            <Csrf token={c.get('csrf')} />
            <FormErrorSummary errors={p.errors} />
            <p>Le client est créé avec ces coordonnées, puis un devis brouillon que vous complétez.</p>
            <Field label="Adresse" name="addressLine1" value={p.values.addressLine1} error={e.addressLine1} required />
            <Field
              label="Code postal"
              name="postalCode"
              value={p.values.postalCode ?? r.postcode ?? ''}
              error={e.postalCode}
              required
            />
            <Field label="Ville" name="city" value={p.values.city} error={e.city} required />
            <button type="submit">Créer le devis brouillon</button>
          </form>
          <form method="post" action={`/ma-vitrine/demandes/${r.id}/classer`}>
            <Csrf token={c.get('csrf')} />
            <button type="submit" class="btn-secondary">
              Classer sans suite
            </button>
          </form>
        </>
      ) : r.quoteId ? (
        <p>
          <a href={`/devis/${r.quoteId}`}>Voir le devis</a>
        </p>
      ) : null}
      <section aria-labelledby="thread-title">
        <h2 id="thread-title">Conversation avec {r.name}</h2>
        <Thread messages={p.thread} mine="entrepreneur" otherName={r.name} />
        <form method="post" action={`/ma-vitrine/demandes/${r.id}/message`} novalidate>
          <Csrf token={c.get('csrf')} />
          <TextArea
            label={`Votre message à ${r.name}`}
            name="body"
            value={p.values.messageBody}
            error={p.messageError}
            rows={4}
            hint="Envoyé par e-mail avec un lien pour lire la conversation et vous répondre ; votre adresse n’est pas communiquée."
          />
          <button type="submit">Envoyer le message</button>
        </form>
      </section>
    </Layout>
  );
}

// The public pages of the marketplace (no account): search, a cooperative's entrepreneurs, an
// activity's profile, an offer, the quote request form and the review form. Only what the
// entrepreneur published is shown; every page gives search engines a description, its canonical
// address and schema.org data.
import type { Photo } from '../photos.service.ts';
import type { Ctx } from '../../../web/context.ts';
import { PublicLayout } from '../../../web/layout.tsx';
import { Field, Csrf, FormErrorSummary, Select, TextArea } from '../../../web/components.tsx';
import { formatEuros } from '../../../core/money.ts';
import { CATEGORIES, EXTERNAL_LABEL, type Category } from '../categories.ts';
import { listRegions } from '../geo.ts';
import type { Offer, PublicProfile } from '../profile.service.ts';
import type { SearchHit } from '../search.service.ts';
import type { Review } from '../reviews.service.ts';
import type { PublicThread } from '../messages.service.ts';
import { Thread } from './thread.tsx';

export const priceText = (cents: number | null) => (cents === null ? 'Sur devis' : formatEuros(cents));
const origin = (c: Ctx) => c.get('app').config.publicUrl.replace(/\/$/, '');
export const profilePath = (coopSlug: string, slug: string) => `/marche/${coopSlug}/${slug}`;
export const offerPath = (coopSlug: string, slug: string, id: string) => `${profilePath(coopSlug, slug)}/offres/${id}`;
const short = (s: string, n = 155) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

export interface SearchForm {
  q?: string;
  categorie?: Category;
  cp?: string;
  rayon?: number;
  region?: string;
  prixMin?: number;
  prixMax?: number;
  page: number;
}

function Stars(p: { rating: { average: number | null; count: number } }) {
  return p.rating.count ? (
    <p class="rating">
      Note moyenne {p.rating.average!.toFixed(1).replace('.', ',')} / 5 sur {p.rating.count} avis (tous les avis publiés
      comptent)
    </p>
  ) : (
    <p class="muted">Pas encore d’avis.</p>
  );
}

export function SearchPage(p: {
  c: Ctx;
  f: SearchForm;
  hits: SearchHit[];
  more: boolean;
  coopSlugs: Map<string, string>;
  error?: string | null;
  /** The field the error is about ('region' or the postcode). */
  errorField?: string;
}) {
  const { c, f } = p;
  const regionError = p.errorField === 'region' ? (p.error ?? undefined) : undefined;
  const cpError = p.errorField === 'region' ? undefined : (p.error ?? undefined);
  const qs = (page: number) => {
    const u = new URLSearchParams();
    if (f.q) u.set('q', f.q);
    if (f.categorie) u.set('categorie', f.categorie);
    if (f.cp) u.set('cp', f.cp);
    if (f.rayon !== undefined) u.set('rayon', String(f.rayon));
    if (f.region) u.set('region', f.region);
    if (f.prixMin !== undefined) u.set('prix-min', String(f.prixMin));
    if (f.prixMax !== undefined) u.set('prix-max', String(f.prixMax));
    u.set('page', String(page));
    return `/marche?${u}`;
  };
  return (
    <PublicLayout
      c={c}
      title="Place de marché des coopératives"
      meta={{
        description:
          'Trouvez un·e entrepreneur·e des coopératives d’activité et d’emploi près de chez vous : artisans, consultants, formateurs… et demandez un devis.',
        canonical: `${origin(c)}/marche`,
        noindex: !!(f.q || f.cp || f.region || f.page > 1),
        jsonLd: {
          '@context': 'https://schema.org',
          '@type': 'WebSite',
          name: 'Place de marché Radieuse',
          url: `${origin(c)}/marche`,
        },
      }}
    >
      <h1>Trouver un·e entrepreneur·e</h1>
      <form method="get" action="/marche" class="filters">
        <Field label="Quoi ?" name="q" value={f.q} placeholder="plombier, site web, formation…" />
        <Select
          label="Catégorie"
          name="categorie"
          value={f.categorie ?? ''}
          options={[['', 'Toutes'], ...(Object.entries(CATEGORIES) as [string, string][])]}
        />
        <Select
          label="Région"
          name="region"
          value={f.region ?? ''}
          options={[['', 'Toutes'], ...listRegions().map((r) => [r.code, r.name] as [string, string])]}
          error={regionError}
        />
        <Field label="Code postal" name="cp" value={f.cp} inputmode="numeric" error={cpError} />
        <Field
          label="Rayon (km)"
          name="rayon"
          value={f.rayon === undefined ? '' : String(f.rayon)}
          inputmode="numeric"
        />
        <Field
          label="Prix min (€)"
          name="prix-min"
          value={f.prixMin === undefined ? '' : String(f.prixMin)}
          inputmode="numeric"
        />
        <Field
          label="Prix max (€)"
          name="prix-max"
          value={f.prixMax === undefined ? '' : String(f.prixMax)}
          inputmode="numeric"
        />
        <button type="submit">Chercher</button>
      </form>
      {p.hits.length ? (
        <ol class="results">
          {p.hits.map((h) => {
            const coop = p.coopSlugs.get(h.cooperativeId) ?? '';
            return (
              <li>
                <a href={offerPath(coop, h.profileSlug, h.offerId)}>{h.title}</a> — {h.activity}, {h.commune}
                {h.distanceKm !== null ? ` (${Math.round(h.distanceKm)} km)` : ''} · {priceText(h.priceCents)}
                <p class="muted">{short(h.description, 200)}</p>
              </li>
            );
          })}
        </ol>
      ) : (
        <p>Aucune offre ne correspond. Essayez d’autres mots ou un rayon plus grand.</p>
      )}
      <nav class="pager">
        {f.page > 1 ? <a href={qs(f.page - 1)}>Page précédente</a> : null}{' '}
        {p.more ? <a href={qs(f.page + 1)}>Page suivante</a> : null}
      </nav>
    </PublicLayout>
  );
}

export function CooperativePage(p: {
  c: Ctx;
  coop: { slug: string; name: string; city: string };
  profiles: { slug: string; displayName: string; headline: string; commune: string; category: Category }[];
}) {
  const { c, coop } = p;
  const url = `${origin(c)}/marche/${coop.slug}`;
  return (
    <PublicLayout
      c={c}
      title={`${coop.name} — entrepreneur·es`}
      meta={{
        description: short(
          `Les entrepreneur·es de ${coop.name} (${coop.city}) : ${p.profiles.map((x) => x.headline).join(', ')}`,
        ),
        canonical: url,
        jsonLd: {
          '@context': 'https://schema.org',
          '@type': 'Organization',
          name: coop.name,
          url,
          address: { '@type': 'PostalAddress', addressLocality: coop.city, addressCountry: 'FR' },
          member: p.profiles.map((x) => ({
            '@type': 'Organization',
            name: x.displayName,
            url: `${origin(c)}${profilePath(coop.slug, x.slug)}`,
          })),
        },
      }}
    >
      <h1>{coop.name}</h1>
      <p>Coopérative d’activité et d’emploi à {coop.city}. Ses entrepreneur·es :</p>
      {p.profiles.length ? (
        <ul>
          {p.profiles.map((x) => (
            <li>
              <a href={profilePath(coop.slug, x.slug)}>{x.displayName}</a> — {x.headline} ({CATEGORIES[x.category]},{' '}
              {x.commune})
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Aucun profil publié pour l’instant.</p>
      )}
      <p>
        <a href="/marche">Chercher dans toute la place de marché</a>
      </p>
    </PublicLayout>
  );
}

export function RequestForm(p: {
  /** Independents outside the cooperative take no quote request through it. */
  hidden?: boolean;
  c: Ctx;
  action: string;
  offerId?: string;
  fillToken: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const e = p.errors ?? {};
  if (p.hidden) return null;
  return (
    <form method="post" action={p.action} novalidate id="demande">
      <h2>Demander un devis</h2>
      <Csrf token={p.c.get('csrf')} />
      <FormErrorSummary errors={e.form ? null : p.errors} message={e.form ?? null} />
      {p.offerId ? <input type="hidden" name="offerId" value={p.offerId} /> : null}
      <Field label="Votre nom" name="name" value={p.values.name} error={e.name} autocomplete="name" required />
      <Field
        label="Adresse e-mail"
        name="email"
        type="email"
        value={p.values.email}
        error={e.email}
        autocomplete="email"
        required
      />
      <Field label="Téléphone (facultatif)" name="phone" value={p.values.phone} error={e.phone} autocomplete="tel" />
      <Field
        label="Code postal (facultatif)"
        name="postcode"
        value={p.values.postcode}
        error={e.postcode}
        inputmode="numeric"
      />
      <TextArea label="Votre besoin" name="message" value={p.values.message} error={e.message} rows={5} />
      <SpamGuard fillToken={p.fillToken} />
      <p class="hint">Vous recevrez un e-mail pour confirmer votre adresse ; la demande est transmise ensuite.</p>
      <button type="submit">Envoyer ma demande</button>
    </form>
  );
}

function ReviewsList(p: { reviews: Review[] }) {
  return p.reviews.length ? (
    <ul class="reviews">
      {p.reviews.map((r) => (
        <li>
          <strong>{r.rating} / 5</strong> — {r.authorLabel}
          <p>{r.body}</p>
          {r.reply ? <p class="muted">Réponse : {r.reply}</p> : null}
        </li>
      ))}
    </ul>
  ) : null;
}

const businessLd = (c: Ctx, coopSlug: string, pr: PublicProfile, coopName: string) => ({
  '@context': 'https://schema.org',
  '@type': 'LocalBusiness',
  name: pr.displayName,
  description: pr.headline,
  url: `${origin(c)}${profilePath(coopSlug, pr.slug)}`,
  address: { '@type': 'PostalAddress', postalCode: pr.postcode, addressLocality: pr.commune, addressCountry: 'FR' },
  ...(pr.publicPhone ? { telephone: pr.publicPhone } : {}),
  parentOrganization: { '@type': 'Organization', name: coopName },
  ...(pr.rating.count
    ? {
        aggregateRating: {
          '@type': 'AggregateRating',
          ratingValue: pr.rating.average,
          reviewCount: pr.rating.count,
          bestRating: 5,
          worstRating: 1,
        },
      }
    : {}),
  makesOffer: pr.offers.map((o) => offerLd(c, coopSlug, pr, o)),
});
const offerLd = (c: Ctx, coopSlug: string, pr: PublicProfile, o: Offer) => ({
  '@type': 'Offer',
  name: o.title,
  url: `${origin(c)}${offerPath(coopSlug, pr.slug, o.id)}`,
  ...(o.priceCents === null ? {} : { price: (o.priceCents / 100).toFixed(2), priceCurrency: 'EUR' }),
  itemOffered: { '@type': 'Service', name: o.title, description: short(o.description, 300) },
});

/** Photos of a profile or an offer, served by the public photo route. */
function Photos(p: { coopSlug: string; profileSlug: string; photos: Photo[]; alt: string }) {
  if (!p.photos.length) return null;
  return (
    <div class="market-photos">
      {p.photos.map((ph) => (
        <img
          src={`${profilePath(p.coopSlug, p.profileSlug)}/photos/${ph.id}`}
          alt={ph.alt || p.alt}
          loading="lazy"
          width="320"
          style="max-width:100%;height:auto;margin:0 .5rem .5rem 0"
        />
      ))}
    </div>
  );
}

export function ProfilePage(p: {
  c: Ctx;
  coop: { slug: string; name: string };
  profile: PublicProfile;
  photos: Photo[];
  reviews: Review[];
  fillToken: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { c, coop, profile: pr } = p;
  return (
    <PublicLayout
      c={c}
      title={`${pr.displayName} — ${pr.headline}`}
      meta={{
        description: short(`${pr.headline}. ${pr.description}`),
        canonical: `${origin(c)}${profilePath(coop.slug, pr.slug)}`,
        jsonLd: businessLd(c, coop.slug, pr, coop.name),
      }}
    >
      <h1>{pr.displayName}</h1>
      {pr.external ? <p class="badge">{EXTERNAL_LABEL}</p> : null}
      <p class="lead">{pr.headline}</p>
      <p class="muted">
        {CATEGORIES[pr.category]} · {pr.commune} ({pr.postcode}){pr.radiusKm ? `, intervient à ${pr.radiusKm} km` : ''}{' '}
        · {pr.external ? 'indépendant·e partenaire de' : 'entrepreneur·e de'}{' '}
        <a href={`/marche/${coop.slug}`}>{coop.name}</a>
      </p>
      {pr.publicPhone ? <p>Téléphone : {pr.publicPhone}</p> : null}
      {pr.description ? <p>{pr.description}</p> : null}
      <Photos
        coopSlug={coop.slug}
        profileSlug={pr.slug}
        photos={p.photos.filter((x) => !x.offerId)}
        alt={`Photo de ${pr.displayName}`}
      />
      <h2>Offres</h2>
      {pr.offers.length ? (
        <ul>
          {pr.offers.map((o) => (
            <li>
              <a href={offerPath(coop.slug, pr.slug, o.id)}>{o.title}</a> — {priceText(o.priceCents)}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Sur devis, selon votre besoin.</p>
      )}
      <h2>Avis</h2>
      <Stars rating={pr.rating} />
      <ReviewsList reviews={p.reviews} />
      {pr.external ? (
        <p class="muted">
          Indépendant·e hors coopérative : contactez cette personne directement
          {pr.publicPhone ? ` (${pr.publicPhone})` : ''} ; la coopérative ne fait pas ses devis.
        </p>
      ) : null}
      <RequestForm
        hidden={pr.external}
        c={c}
        action={`${profilePath(coop.slug, pr.slug)}/demande`}
        fillToken={p.fillToken}
        values={p.values}
        errors={p.errors}
      />
    </PublicLayout>
  );
}

export function OfferPage(p: {
  c: Ctx;
  coop: { slug: string; name: string };
  profile: PublicProfile;
  offer: Offer;
  photos: Photo[];
  fillToken: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const { c, coop, profile: pr, offer: o } = p;
  return (
    <PublicLayout
      c={c}
      title={`${o.title} — ${pr.displayName}`}
      meta={{
        description: short(`${o.title} par ${pr.displayName} (${pr.commune}). ${o.description}`),
        canonical: `${origin(c)}${offerPath(coop.slug, pr.slug, o.id)}`,
        jsonLd: {
          '@context': 'https://schema.org',
          ...offerLd(c, coop.slug, pr, o),
          seller: {
            '@type': 'LocalBusiness',
            name: pr.displayName,
            url: `${origin(c)}${profilePath(coop.slug, pr.slug)}`,
          },
        },
      }}
    >
      <h1>{o.title}</h1>
      <p class="lead">{priceText(o.priceCents)}</p>
      <p class="muted">
        Par <a href={profilePath(coop.slug, pr.slug)}>{pr.displayName}</a>
        {pr.external ? ` (${EXTERNAL_LABEL})` : ''}, {pr.commune} · {CATEGORIES[o.category]}
      </p>
      {o.description ? <p>{o.description}</p> : null}
      <Photos
        coopSlug={coop.slug}
        profileSlug={pr.slug}
        photos={p.photos.filter((x) => x.offerId === o.id)}
        alt={o.title}
      />
      <Stars rating={pr.rating} />
      {pr.external ? (
        <p class="muted">
          Indépendant·e hors coopérative : contactez cette personne directement
          {pr.publicPhone ? ` (${pr.publicPhone})` : ''} ; la coopérative ne fait pas ses devis.
        </p>
      ) : null}
      <RequestForm
        hidden={pr.external}
        c={c}
        action={`${profilePath(coop.slug, pr.slug)}/demande`}
        offerId={o.id}
        fillToken={p.fillToken}
        values={p.values}
        errors={p.errors}
      />
    </PublicLayout>
  );
}

/** The public forms' robot guard: a hidden field people leave empty and the signed display time. */
function SpamGuard(p: { fillToken: string }) {
  return (
    <>
      <div class="hp" hidden aria-hidden="true">
        <label for="f-website">Ne pas remplir</label>
        <input id="f-website" name="website" tabindex={-1} autocomplete="off" />
      </div>
      <input type="hidden" name="t" value={p.fillToken} />
    </>
  );
}

/** The customer's side of a request's thread (signed link, no account): the request's own text
 *  and the messages, nothing else. */
export function ThreadPage(p: {
  c: Ctx;
  token: string;
  thread: PublicThread;
  fillToken: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
  sent?: boolean;
}) {
  const t = p.thread;
  const e = p.errors ?? {};
  return (
    <PublicLayout c={p.c} title={`Votre demande à ${t.activityName}`} meta={{ noindex: true }}>
      <h1>Votre demande à {t.activityName}</h1>
      {p.sent ? <p class="flash flash-success">Message envoyé : {t.activityName} le lira dans son espace.</p> : null}
      <blockquote>{t.requestMessage}</blockquote>
      <Thread messages={t.messages} mine="customer" otherName={t.activityName} />
      {t.closed ? (
        <p>Cette demande est classée : la conversation est fermée.</p>
      ) : (
        <form method="post" action={`/demande-de-devis/fil/${p.token}`} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <TextArea label="Votre réponse" name="body" value={p.values.body} error={e.body} rows={5} />
          <SpamGuard fillToken={p.fillToken} />
          <button type="submit">Envoyer</button>
        </form>
      )}
    </PublicLayout>
  );
}

export function MessagePage(p: { c: Ctx; title: string; text: string; status?: number }) {
  return (
    <PublicLayout c={p.c} title={p.title} meta={{ noindex: true }}>
      <h1>{p.title}</h1>
      <p>{p.text}</p>
      <p>
        <a href="/marche">Retour à la place de marché</a>
      </p>
    </PublicLayout>
  );
}

export function ReviewFormPage(p: {
  c: Ctx;
  token: string;
  displayName: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
}) {
  const e = p.errors ?? {};
  return (
    <PublicLayout c={p.c} title={`Votre avis sur ${p.displayName}`} meta={{ noindex: true }}>
      <h1>Votre avis sur {p.displayName}</h1>
      <form method="post" action={`/avis/${p.token}`} novalidate>
        <Csrf token={p.c.get('csrf')} />
        <FormErrorSummary errors={p.errors} />
        <Select
          label="Note"
          name="rating"
          value={p.values.rating ?? '5'}
          error={e.rating}
          options={[
            ['5', '5 — excellent'],
            ['4', '4 — bien'],
            ['3', '3 — correct'],
            ['2', '2 — décevant'],
            ['1', '1 — mauvais'],
          ]}
        />
        <TextArea label="Votre avis" name="body" value={p.values.body} error={e.body} rows={5} />
        <Field
          label="Nom affiché (un prénom suffit)"
          name="authorLabel"
          value={p.values.authorLabel}
          error={e.authorLabel}
          required
        />
        <button type="submit">Publier mon avis</button>
      </form>
    </PublicLayout>
  );
}

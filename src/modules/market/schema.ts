// The marketplace. What the entrepreneur publishes (profile, offers) and what the public leaves
// (quote requests, reviews). Row-level security: every table has the tenant policy; published
// profiles and offers and visible reviews also have a `public` select policy, so the anonymous
// pages read them in a transaction with no cooperative set (`withPublic`) and see nothing else —
// requests, review links and unpublished rows stay invisible there.
import type { Generated } from 'kysely';
import type { SqlMigration } from '../../core/migrations.ts';
import { tenantPolicySql } from '../../core/db/tenant.ts';

export interface MarketTables {
  market_profile: {
    cooperative_id: string;
    activity_id: string;
    network_id: string;
    slug: string;
    display_name: string;
    headline: string;
    description: string;
    category: string;
    postcode: string;
    commune: string;
    lat: number;
    lon: number;
    radius_km: number;
    public_phone: string | null;
    published: boolean;
    /** An independent outside the cooperative (activity_id is then the market_external id). */
    external: Generated<boolean>;
    updated_at: Generated<Date>;
  };
  market_offer: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    network_id: string;
    title: string;
    description: string;
    category: string;
    price_cents: number | null;
    published: boolean;
    profile_published: boolean;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  market_request: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    offer_id: string | null;
    name: string;
    email: string;
    phone: string | null;
    postcode: string | null;
    message: string;
    status: 'unverified' | 'open' | 'converted' | 'closed';
    ip_hash: string;
    verified_at: Date | null;
    customer_id: string | null;
    quote_id: string | null;
    created_at: Generated<Date>;
  };
  market_review_link: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    invoice_id: string;
    customer_id: string;
    token_hash: string;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
  market_review: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    invoice_id: string;
    author_label: string;
    rating: number;
    body: string;
    reply: string | null;
    replied_at: Date | null;
    hidden_at: Date | null;
    hidden_reason: string | null;
    created_at: Generated<Date>;
  };
  market_joint: {
    cooperative_id: string;
    id: string;
    quote_id: string;
    lead_activity_id: string;
    request_id: string | null;
    title: string;
    created_at: Generated<Date>;
  };
  market_joint_part: {
    cooperative_id: string;
    joint_id: string;
    activity_id: string;
    position: number;
    description: string;
    amount_excl_cents: number;
  };
  market_joint_cost: {
    cooperative_id: string;
    id: string;
    joint_id: string;
    supplier_invoice_id: string;
    payer_activity_id: string;
    account: string;
    amount_excl_cents: number;
    entry_id: string | null;
    created_by: string;
    created_at: Generated<Date>;
  };
  market_joint_cost_share: {
    cooperative_id: string;
    cost_id: string;
    activity_id: string;
    cents: number;
  };
  market_charter: {
    cooperative_id: string;
    version: number;
    body: string;
    created_at: Generated<Date>;
  };
  market_external: {
    cooperative_id: string;
    id: string;
    name: string;
    email: string;
    invited_at: Generated<Date>;
    charter_version: number | null;
    accepted_at: Date | null;
  };
  market_need: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    title: string;
    description: string;
    budget_cents: number | null;
    status: 'open' | 'assigned' | 'invoiced' | 'closed';
    created_at: Generated<Date>;
  };
  market_need_answer: {
    cooperative_id: string;
    id: string;
    need_id: string;
    activity_id: string;
    message: string;
    amount_cents: number;
    status: 'proposed' | 'accepted' | 'declined';
    created_at: Generated<Date>;
  };
  market_internal_invoice: {
    cooperative_id: string;
    id: string;
    number: string;
    need_id: string;
    answer_id: string;
    buyer_activity_id: string;
    seller_activity_id: string;
    amount_cents: number;
    issued_on: string;
    created_at: Generated<Date>;
  };
  market_photo: {
    cooperative_id: string;
    id: string;
    activity_id: string;
    offer_id: string | null;
    file_id: string;
    mime_type: string;
    alt: string;
    created_at: Generated<Date>;
  };
  market_message: {
    cooperative_id: string;
    id: string;
    request_id: string;
    author: 'entrepreneur' | 'customer';
    author_user_id: string | null;
    body: string;
    ip_hash: string | null;
    created_at: Generated<Date>;
  };
}

export const marketMigrations: SqlMigration[] = [
  {
    name: '2026_12_06_2000_market',
    sql: `
create table market_profile (
  cooperative_id uuid not null references cooperative(id), activity_id uuid not null, network_id uuid not null,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{1,80}$'),
  display_name text not null check (length(display_name) between 2 and 120),
  headline text not null check (length(headline) between 3 and 160),
  description text not null check (length(description) <= 5000),
  category text not null, postcode text not null check (postcode ~ '^[0-9]{5}$'), commune text not null,
  lat double precision not null, lon double precision not null,
  radius_km integer not null check (radius_km between 0 and 1000),
  public_phone text, published boolean not null default false, updated_at timestamptz not null default now(),
  primary key (cooperative_id, activity_id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create unique index market_profile_slug on market_profile (cooperative_id, slug);
create table market_offer (
  cooperative_id uuid not null references cooperative(id), id uuid not null, activity_id uuid not null,
  network_id uuid not null,
  title text not null check (length(title) between 3 and 160), description text not null check (length(description) <= 5000),
  category text not null, price_cents bigint check (price_cents is null or price_cents between 0 and 100000000),
  published boolean not null default false, profile_published boolean not null default false,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, activity_id) references market_profile(cooperative_id, activity_id)
);
create index market_offer_fts on market_offer using gin (to_tsvector('fr', title || ' ' || description));
create index market_offer_trgm on market_offer using gin (search_key(title) gin_trgm_ops);
create index market_offer_public on market_offer (category, price_cents) where published and profile_published;
create table market_request (
  cooperative_id uuid not null references cooperative(id), id uuid not null, activity_id uuid not null,
  offer_id uuid, name text not null, email text not null, phone text, postcode text,
  message text not null check (length(message) <= 5000),
  status text not null check (status in ('unverified','open','converted','closed')),
  ip_hash text not null, verified_at timestamptz, customer_id uuid, quote_id uuid,
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create index market_request_activity on market_request (cooperative_id, activity_id, status, created_at);
create index market_request_ip on market_request (cooperative_id, ip_hash, created_at);
create index market_request_email on market_request (cooperative_id, email, created_at);
create table market_review_link (
  cooperative_id uuid not null references cooperative(id), id uuid not null, activity_id uuid not null,
  invoice_id uuid not null, customer_id uuid not null, token_hash text not null, used_at timestamptz,
  created_at timestamptz not null default now(), primary key (cooperative_id, id)
);
create unique index market_review_link_invoice on market_review_link (cooperative_id, invoice_id);
create unique index market_review_link_token on market_review_link (cooperative_id, token_hash);
create table market_review (
  cooperative_id uuid not null references cooperative(id), id uuid not null, activity_id uuid not null,
  invoice_id uuid not null, author_label text not null, rating smallint not null check (rating between 1 and 5),
  body text not null check (length(body) between 3 and 3000), reply text, replied_at timestamptz,
  hidden_at timestamptz, hidden_reason text, created_at timestamptz not null default now(),
  primary key (cooperative_id, id)
);
create unique index market_review_invoice on market_review (cooperative_id, invoice_id);
create index market_review_activity on market_review (cooperative_id, activity_id, created_at);
${tenantPolicySql('market_profile')}
create policy market_profile_public on market_profile for select using (published);
${tenantPolicySql('market_offer')}
create policy market_offer_public on market_offer for select using (published and profile_published);
${tenantPolicySql('market_request')}
${tenantPolicySql('market_review_link')}
${tenantPolicySql('market_review')}
create policy market_review_public on market_review for select using (hidden_at is null);
`,
  },
  {
    // Joint offers: one quote of the lead activity, one part per activity (its section of the quote);
    // the invoices of that quote move each partner's share to its analytic code (ledger).
    name: '2026_12_08_0300_market_joint',
    sql: `
create table market_joint (
  cooperative_id uuid not null references cooperative(id), id uuid not null, quote_id uuid not null,
  lead_activity_id uuid not null, request_id uuid, title text not null check (length(title) between 3 and 160),
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, lead_activity_id) references activity(cooperative_id, id)
);
create unique index market_joint_quote on market_joint (cooperative_id, quote_id);
create table market_joint_part (
  cooperative_id uuid not null references cooperative(id), joint_id uuid not null, activity_id uuid not null,
  position smallint not null, description text not null check (length(description) between 3 and 1000),
  amount_excl_cents bigint not null check (amount_excl_cents between 0 and 100000000),
  primary key (cooperative_id, joint_id, activity_id),
  foreign key (cooperative_id, joint_id) references market_joint(cooperative_id, id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
${tenantPolicySql('market_joint')}
${tenantPolicySql('market_joint_part')}
`,
  },
  {
    // The internal market: needs posted by an activity, answers of other activities, and the
    // internal invoice of the accepted answer (posted on both analytic codes by the ledger).
    name: '2026_12_08_0310_market_internal',
    sql: `
create table market_need (
  cooperative_id uuid not null references cooperative(id), id uuid not null, activity_id uuid not null,
  title text not null check (length(title) between 3 and 160), description text not null check (length(description) <= 5000),
  budget_cents bigint check (budget_cents is null or budget_cents between 0 and 100000000),
  status text not null check (status in ('open','assigned','invoiced','closed')),
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create index market_need_status on market_need (cooperative_id, status, created_at);
create table market_need_answer (
  cooperative_id uuid not null references cooperative(id), id uuid not null, need_id uuid not null,
  activity_id uuid not null, message text not null check (length(message) between 3 and 3000),
  amount_cents bigint not null check (amount_cents between 1 and 100000000),
  status text not null check (status in ('proposed','accepted','declined')),
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, need_id) references market_need(cooperative_id, id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
create unique index market_need_answer_once on market_need_answer (cooperative_id, need_id, activity_id);
create table market_internal_invoice (
  cooperative_id uuid not null references cooperative(id), id uuid not null, number text not null,
  need_id uuid not null, answer_id uuid not null, buyer_activity_id uuid not null, seller_activity_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0), issued_on date not null,
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, need_id) references market_need(cooperative_id, id),
  foreign key (cooperative_id, answer_id) references market_need_answer(cooperative_id, id)
);
create unique index market_internal_invoice_need on market_internal_invoice (cooperative_id, need_id);
create unique index market_internal_invoice_number on market_internal_invoice (cooperative_id, number);
${tenantPolicySql('market_need')}
${tenantPolicySql('market_need_answer')}
${tenantPolicySql('market_internal_invoice')}
`,
  },
  {
    // Independents outside the cooperative: a charter per cooperative (versioned), the
    // independents invited to accept it (version and date recorded), and their marketplace profile
    // (market_profile.external; no activity in the directory, hence no foreign key to it any more:
    // the services check the owner).
    name: '2026_12_08_0320_market_external',
    sql: `
create table market_charter (
  cooperative_id uuid not null references cooperative(id), version integer not null check (version > 0),
  body text not null check (length(body) between 20 and 20000), created_at timestamptz not null default now(),
  primary key (cooperative_id, version)
);
create table market_external (
  cooperative_id uuid not null references cooperative(id), id uuid not null,
  name text not null check (length(name) between 2 and 120), email text not null,
  invited_at timestamptz not null default now(), charter_version integer, accepted_at timestamptz,
  primary key (cooperative_id, id),
  foreign key (cooperative_id, charter_version) references market_charter(cooperative_id, version)
);
create unique index market_external_email on market_external (cooperative_id, email);
alter table market_profile add column external boolean not null default false;
alter table market_profile drop constraint market_profile_cooperative_id_activity_id_fkey;
${tenantPolicySql('market_charter')}
${tenantPolicySql('market_external')}
`,
  },
  {
    // Photos of a profile or of one of its offers: the image is a stored file (encrypted, typed by
    // its content); public when its profile (and its offer) is published.
    name: '2026_12_10_0310_market_photo',
    sql: `
create table market_photo (
  cooperative_id uuid not null references cooperative(id), id uuid not null, activity_id uuid not null,
  offer_id uuid, file_id uuid not null,
  mime_type text not null check (mime_type in ('image/jpeg','image/png','image/webp')),
  alt text not null default '' check (length(alt) <= 200), created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, activity_id) references market_profile(cooperative_id, activity_id),
  foreign key (cooperative_id, offer_id) references market_offer(cooperative_id, id),
  foreign key (cooperative_id, file_id) references stored_file(cooperative_id, id)
);
create index market_photo_activity on market_photo (cooperative_id, activity_id, offer_id, created_at);
${tenantPolicySql('market_photo')}
create policy market_photo_public on market_photo for select using (
  exists (select 1 from market_profile p where p.cooperative_id = market_photo.cooperative_id
          and p.activity_id = market_photo.activity_id and p.published)
  and (offer_id is null or exists (select 1 from market_offer o where o.cooperative_id = market_photo.cooperative_id
          and o.id = market_photo.offer_id and o.published and o.profile_published))
);
`,
  },
  {
    // The thread kept with a quote request: the entrepreneur writes from the request page, the
    // customer reads and answers through a signed link (no account).
    name: '2026_12_12_2001_market_message',
    sql: `
create table market_message (
  cooperative_id uuid not null references cooperative(id), id uuid not null, request_id uuid not null,
  author text not null check (author in ('entrepreneur','customer')), author_user_id uuid,
  body text not null check (length(body) between 1 and 5000), ip_hash text,
  created_at timestamptz not null default now(), primary key (cooperative_id, id),
  foreign key (cooperative_id, request_id) references market_request(cooperative_id, id)
);
create index market_message_request on market_message (cooperative_id, request_id, created_at);
${tenantPolicySql('market_message')}
`,
  },
  {
    // The costs of a joint job: a supplier invoice (already approved and posted under the activity
    // that bought) tagged with the joint offer; its charge is shared by the parts' keys and the
    // partners' shares are moved to their analytic codes by the ledger (entry_id). One joint per
    // supplier invoice; the shares are kept as posted (they sum to the amount).
    name: '2026_12_13_2001_market_joint_cost',
    sql: `
create table market_joint_cost (
  cooperative_id uuid not null references cooperative(id), id uuid not null, joint_id uuid not null,
  supplier_invoice_id uuid not null, payer_activity_id uuid not null, account text not null,
  amount_excl_cents bigint not null check (amount_excl_cents > 0), entry_id uuid,
  created_by uuid not null, created_at timestamptz not null default now(),
  primary key (cooperative_id, id),
  foreign key (cooperative_id, joint_id) references market_joint(cooperative_id, id),
  foreign key (cooperative_id, payer_activity_id) references activity(cooperative_id, id)
);
create unique index market_joint_cost_invoice on market_joint_cost (cooperative_id, supplier_invoice_id);
create index market_joint_cost_joint on market_joint_cost (cooperative_id, joint_id, created_at);
create table market_joint_cost_share (
  cooperative_id uuid not null references cooperative(id), cost_id uuid not null, activity_id uuid not null,
  cents bigint not null check (cents >= 0),
  primary key (cooperative_id, cost_id, activity_id),
  foreign key (cooperative_id, cost_id) references market_joint_cost(cooperative_id, id),
  foreign key (cooperative_id, activity_id) references activity(cooperative_id, id)
);
${tenantPolicySql('market_joint_cost')}
${tenantPolicySql('market_joint_cost_share')}
`,
  },
];

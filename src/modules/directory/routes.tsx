import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import {
  Field,
  Select,
  Csrf,
  PageHeader,
  Card,
  Pagination,
  EmptyState,
  FormErrorSummary,
  Checkbox,
} from '../../web/components.tsx';
import { formValues, formAll, pageParam } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { uploadBodyLimit } from '../../web/request-guards.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { requireRole, ROLES, ROLE_LABELS, type Role, ForbiddenError } from '../../core/actor.ts';
import { UserError, fieldErrors } from '../../core/errors.ts';
import { audit, verifyAuditChain } from '../../core/audit.ts';
import { inviteMember } from './invitations.service.ts';
import { grantableRoles } from './permissions.ts';
import { formatDateTime } from '../../core/dates.ts';
import { parseCents, centsToDecimal } from '../../core/money.ts';
import {
  getCooperative,
  updateCooperative,
  listMembers,
  listActivities,
  createActivity,
  type Cooperative,
  getMember,
  setMemberRoles,
  endMembership,
  getActivity,
  updateActivity,
  closeActivity,
  setCooperativeLogo,
  getCooperativeLogo,
  LOGO_MAX_BYTES,
  type MemberRow,
  type Activity,
} from './directory.service.ts';
import type { Ctx } from '../../web/context.ts';

export const directoryRoutes = new Hono<AppEnv>();
directoryRoutes.use('/cooperative', requireActor);
directoryRoutes.use('/cooperative/*', requireActor);
directoryRoutes.use('/membres/*', requireActor);
directoryRoutes.use('/membres', requireActor);
directoryRoutes.use('/activites/*', requireActor);
directoryRoutes.use('/activites', requireActor);
directoryRoutes.use('/audit', requireActor);

const STAFF: Role[] = ['support', 'accountant', 'director', 'network_admin'];

function CoopForm(p: {
  coop: Cooperative;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
  csrf: string;
}) {
  const v = p.values ?? {
    name: p.coop.name,
    legalForm: p.coop.legalForm,
    capital: centsToDecimal(p.coop.capitalCents).replace('.', ','),
    siren: p.coop.siren,
    vatNumber: p.coop.vatNumber ?? '',
    rcsCity: p.coop.rcsCity,
    addressLine: p.coop.addressLine,
    postalCode: p.coop.postalCode,
    city: p.coop.city,
    iban: p.coop.iban ?? '',
    bic: p.coop.bic ?? '',
    email: p.coop.email ?? '',
    phone: p.coop.phone ?? '',
    fiscalYearStartMonth: String(p.coop.fiscalYearStartMonth),
  };
  const e = p.errors ?? {};
  return (
    <form method="post" action="/cooperative" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <div class="form-grid">
        <Field label="Raison sociale" name="name" value={v.name} error={e.name} required />
        <Field
          label="Forme juridique"
          name="legalForm"
          value={v.legalForm}
          error={e.legalForm}
          hint="Ex. : SCOP SARL à capital variable"
          required
        />
        <Field label="Capital social (€)" name="capital" value={v.capital} error={e.capitalCents} inputmode="decimal" />
        <Field label="SIREN" name="siren" value={v.siren} error={e.siren} inputmode="numeric" required />
        <Field label="N° de TVA intracommunautaire" name="vatNumber" value={v.vatNumber} error={e.vatNumber} />
        <Field label="Ville du RCS" name="rcsCity" value={v.rcsCity} error={e.rcsCity} required />
        <Field label="Adresse du siège" name="addressLine" value={v.addressLine} error={e.addressLine} required />
        <Field
          label="Code postal"
          name="postalCode"
          value={v.postalCode}
          error={e.postalCode}
          inputmode="numeric"
          required
        />
        <Field label="Ville" name="city" value={v.city} error={e.city} required />
        <Field label="IBAN du compte principal" name="iban" value={v.iban} error={e.iban} />
        <Field label="BIC" name="bic" value={v.bic} error={e.bic} />
        <Field label="E-mail de contact" name="email" type="email" value={v.email} error={e.email} />
        <Field label="Téléphone" name="phone" value={v.phone} error={e.phone} />
        <Select
          label="Début de l'exercice comptable"
          name="fiscalYearStartMonth"
          value={v.fiscalYearStartMonth}
          error={e.fiscalYearStartMonth}
          options={[
            'janvier',
            'février',
            'mars',
            'avril',
            'mai',
            'juin',
            'juillet',
            'août',
            'septembre',
            'octobre',
            'novembre',
            'décembre',
          ].map((m, i) => [String(i + 1), m])}
        />
      </div>
      <button type="submit">Enregistrer</button>
    </form>
  );
}

directoryRoutes.get('/cooperative', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'director', 'network_admin', 'accountant');
  const coop = (await getCooperative(c.get('app').odb.db, actor.cooperativeId))!;
  return c.html(<CoopPage c={c} coop={coop} />);
});

async function hasLogo(c: Ctx, coopId: string): Promise<boolean> {
  const r = await c
    .get('app')
    .odb.db.selectFrom('cooperative')
    .select('logo_file_id')
    .where('id', '=', coopId)
    .executeTakeFirst();
  return !!r?.logo_file_id;
}
async function CoopPage(p: {
  c: Ctx;
  coop: Cooperative;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
  logoError?: string;
}) {
  const { c, coop } = p;
  const logo = await hasLogo(c, coop.id);
  const canEdit = actorOf(c).roles.some((r) => r === 'director' || r === 'network_admin');
  return (
    <Layout c={c} title="Coopérative">
      <PageHeader
        title="Informations de la coopérative"
        help="Ces mentions figurent sur chaque facture : elles doivent être exactes."
        action={logo ? <img class="coop-logo" src="/cooperative/logo" alt={`Logo de ${coop.name}`} /> : undefined}
      />
      <Card>
        <CoopForm coop={coop} values={p.values} errors={p.errors} csrf={c.get('csrf')} />
      </Card>
      {canEdit ? (
        <Card title="Logo">
          <p>Il apparaît sur vos factures, devis et documents. Image PNG ou JPEG, 2 Mo au plus.</p>
          <form method="post" action="/cooperative/logo" enctype="multipart/form-data" novalidate>
            <Csrf token={c.get('csrf')} />
            <div class={`field${p.logoError ? ' has-error' : ''}`}>
              <label for="f-logo">{logo ? 'Remplacer le logo' : 'Choisir le logo'}</label>
              <input
                id="f-logo"
                name="logo"
                type="file"
                accept="image/png,image/jpeg"
                aria-invalid={p.logoError ? 'true' : undefined}
                aria-describedby={p.logoError ? 'f-logo-error' : undefined}
              />
              {p.logoError ? (
                <p class="error" id="f-logo-error" role="alert">
                  {p.logoError}
                </p>
              ) : null}
            </div>
            <button type="submit" class="btn-secondary">
              Envoyer le logo
            </button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}

directoryRoutes.post('/cooperative/logo', uploadBodyLimit(LOGO_MAX_BYTES + 64 * 1024), async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'director', 'network_admin');
  const { odb, config } = c.get('app');
  const body = await c.req.parseBody();
  const file = body['logo'];
  try {
    if (!(file instanceof File) || file.size === 0) throw new UserError('Choisissez une image PNG ou JPEG.', 'logo');
    const content = Buffer.from(await file.arrayBuffer());
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      setCooperativeLogo(trx, actor, config.fileKey, { name: file.name, type: file.type, content }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const coop = (await getCooperative(odb.db, actor.cooperativeId))!;
    return c.html(<CoopPage c={c} coop={coop} logoError={errors.logo ?? Object.values(errors)[0]} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Logo enregistré.' });
  return c.redirect('/cooperative');
});

directoryRoutes.get('/cooperative/logo', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const logo = await withTenant(odb.db, actor.cooperativeId, (trx) =>
    getCooperativeLogo(trx, actor.cooperativeId, config.fileKey),
  );
  if (!logo) return c.notFound();
  const type = logo[0] === 0x89 ? 'image/png' : 'image/jpeg';
  return c.body(new Uint8Array(logo), 200, { 'Content-Type': type, 'Cache-Control': 'private, max-age=300' });
});

directoryRoutes.post('/cooperative', async (c) => {
  const actor = actorOf(c);
  const { odb } = c.get('app');
  const f = await formValues(c);
  const capital = parseCents(f.capital || '0');
  try {
    if (capital === null) throw new UserError('Montant invalide (ex. : 15 000,00).', 'capitalCents');
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      updateCooperative(trx, actor, {
        name: f.name ?? '',
        legalForm: f.legalForm ?? '',
        capitalCents: capital,
        siren: f.siren ?? '',
        vatNumber: f.vatNumber || null,
        rcsCity: f.rcsCity ?? '',
        addressLine: f.addressLine ?? '',
        postalCode: f.postalCode ?? '',
        city: f.city ?? '',
        iban: f.iban || null,
        bic: f.bic || null,
        email: f.email || null,
        phone: f.phone || null,
        fiscalYearStartMonth: Number(f.fiscalYearStartMonth || 1),
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const coop = (await getCooperative(odb.db, actor.cooperativeId))!;
    return c.html(<CoopPage c={c} coop={coop} values={f} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Informations enregistrées.' });
  return c.redirect('/cooperative');
});

// --- members ----------------------------------------------------------------------------
directoryRoutes.get('/membres', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const q = c.req.query('q') || undefined;
  const role = (c.req.query('role') || undefined) as Role | undefined;
  const page = pageParam(c);
  const res = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    listMembers(trx, actor, { q, role: role && ROLES.includes(role) ? role : undefined, page }),
  );
  return c.html(
    <Layout c={c} title="Membres">
      <PageHeader
        title="Membres"
        help="Les personnes de la coopérative et leurs rôles. Invitez quelqu'un : il ou elle reçoit un lien pour créer son compte."
        action={
          <a class="btn" href="/membres/inviter">
            Inviter une personne
          </a>
        }
      />
      <form class="filters" method="get" action="/membres" role="search">
        <Field label="Rechercher" name="q" value={q} placeholder="Nom ou e-mail" />
        <Select
          label="Rôle"
          name="role"
          value={role ?? ''}
          options={[['', 'Tous'], ...ROLES.map((r) => [r, ROLE_LABELS[r]] as [string, string])]}
        />
        <button type="submit" class="btn-secondary">
          Filtrer
        </button>
      </form>
      {res.items.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Nom</th>
              <th>E-mail</th>
              <th>Rôles</th>
            </tr>
          </thead>
          <tbody>
            {res.items.map((m) => (
              <tr>
                <td data-label="Nom">
                  <a href={`/membres/${m.userId}`}>{m.displayName}</a>
                </td>
                <td data-label="E-mail">{m.email}</td>
                <td data-label="Rôles">{m.roles.map((r) => ROLE_LABELS[r]).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucun membre ne correspond." />
      )}
      <Pagination page={res.page} pageSize={res.pageSize} total={res.total} baseUrl="/membres" params={{ q, role }} />
    </Layout>,
  );
});

function InviteForm(p: {
  csrf: string;
  roles: Role[];
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const v = p.values ?? {};
  const e = p.errors ?? {};
  return (
    <form method="post" action="/membres/inviter" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <Field label="Nom" name="displayName" value={v.displayName} error={e.displayName} required />
      <Field label="Adresse e-mail" name="email" type="email" value={v.email} error={e.email} required />
      <Select
        label="Rôle"
        name="role"
        value={v.role ?? 'entrepreneur'}
        error={e.role}
        hint="Vous ne pouvez donner que les rôles que votre propre rôle permet de donner."
        options={p.roles.map((r) => [r, ROLE_LABELS[r]])}
      />
      <button type="submit">Envoyer l'invitation</button>
    </form>
  );
}
directoryRoutes.get('/membres/inviter', (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'support', 'director', 'network_admin');
  return c.html(
    <Layout c={c} title="Inviter">
      <PageHeader title="Inviter une personne" help="Le lien est valable 7 jours." />
      <Card>
        <InviteForm csrf={c.get('csrf')} roles={grantableRoles(actor)} />
      </Card>
    </Layout>,
  );
});
directoryRoutes.post('/membres/inviter', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const f = await formValues(c);
  const input = { displayName: f.displayName ?? '', email: f.email ?? '', role: f.role ?? '' };
  try {
    await withTenant(odb.db, actor.cooperativeId, (trx) => inviteMember(trx, actor, input, config.publicUrl));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(
      <Layout c={c} title="Inviter">
        <PageHeader title="Inviter une personne" />
        <Card>
          <InviteForm csrf={c.get('csrf')} roles={grantableRoles(actor)} values={f} errors={errors} />
        </Card>
      </Layout>,
      400,
    );
  }
  setFlash(c, { kind: 'success', text: `Invitation envoyée à ${input.email.trim()}.` });
  return c.redirect('/membres');
});

// --- activities -------------------------------------------------------------------------
directoryRoutes.get('/activites', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const { odb } = c.get('app');
  const [acts, members] = await withTenant(
    odb.db,
    actor.cooperativeId,
    async (trx) => [await listActivities(trx, actor), await listMembers(trx, actor, { pageSize: 10000 })] as const,
  );
  const names = new Map(members.items.map((m) => [m.userId, m.displayName]));
  return c.html(
    <Layout c={c} title="Activités">
      <PageHeader
        title="Activités (enseignes)"
        help="Chaque activité a son code analytique : ses factures, dépenses et son compte d'activité s'y rattachent."
        action={
          <a class="btn" href="/activites/nouvelle">
            Nouvelle activité
          </a>
        }
      />
      {acts.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Nom</th>
              <th>Code</th>
              <th>Entrepreneur·es</th>
              <th>Autovalidation</th>
            </tr>
          </thead>
          <tbody>
            {acts.map((a) => (
              <tr>
                <td data-label="Nom">
                  <a href={`/activites/${a.id}`}>{a.name}</a>
                  {a.closedAt ? <span class="badge badge-neutral">Fermée</span> : null}
                </td>
                <td data-label="Code">
                  <code>{a.analyticCode}</code>
                </td>
                <td data-label="Entrepreneur·es">{a.ownerIds.map((o) => names.get(o) ?? '?').join(', ')}</td>
                <td data-label="Autovalidation">{a.trusted ? 'Oui' : 'Non'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title="Aucune activité pour l'instant."
          action={
            <a class="btn" href="/activites/nouvelle">
              Créer la première
            </a>
          }
        />
      )}
    </Layout>,
  );
});

async function ownerOptions(c: any, actor: any): Promise<[string, string][]> {
  const members = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    listMembers(trx, actor, { pageSize: 10000 }),
  );
  return members.items
    .filter((m) => m.roles.includes('entrepreneur') || m.roles.includes('cape'))
    .map((m) => [m.userId, m.displayName]);
}
function ActivityForm(p: {
  csrf: string;
  owners: [string, string][];
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
}) {
  const v = p.values ?? {};
  const e = p.errors ?? {};
  return (
    <form method="post" action="/activites/nouvelle" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <Field label="Nom de l'activité" name="name" value={v.name} error={e.name} required />
      <Field
        label="Code analytique"
        name="analyticCode"
        value={v.analyticCode}
        error={e.analyticCode}
        hint="2 à 12 lettres ou chiffres, ex. : BOIS01"
        required
      />
      <Select
        label="Entrepreneur·e"
        name="ownerId"
        value={v.ownerId}
        options={[['', '— à choisir plus tard —'], ...p.owners]}
        error={e['ownerIds.0']}
      />
      <Checkbox
        label="Activité de confiance : ses factures peuvent être autovalidées"
        name="trusted"
        checked={v.trusted === 'on'}
      />
      <button type="submit">Créer l'activité</button>
    </form>
  );
}
directoryRoutes.get('/activites/nouvelle', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  return c.html(
    <Layout c={c} title="Nouvelle activité">
      <PageHeader title="Nouvelle activité" />
      <Card>
        <ActivityForm csrf={c.get('csrf')} owners={await ownerOptions(c, actor)} />
      </Card>
    </Layout>,
  );
});
directoryRoutes.post('/activites/nouvelle', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
      createActivity(trx, actor, {
        name: f.name ?? '',
        analyticCode: f.analyticCode ?? '',
        ownerIds: f.ownerId ? [f.ownerId] : [],
        trusted: f.trusted === 'on',
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(
      <Layout c={c} title="Nouvelle activité">
        <PageHeader title="Nouvelle activité" />
        <Card>
          <ActivityForm csrf={c.get('csrf')} owners={await ownerOptions(c, actor)} values={f} errors={errors} />
        </Card>
      </Layout>,
      400,
    );
  }
  setFlash(c, { kind: 'success', text: 'Activité créée.' });
  return c.redirect('/activites');
});

// --- member administration -----------------------------------------------------------------
const ADMIN: Role[] = ['director', 'network_admin'];
function MemberPage(p: { c: Ctx; m: MemberRow; checked?: string[]; error?: string; status?: number }) {
  const { c, m } = p;
  const actor = actorOf(c);
  const csrf = c.get('csrf');
  const canEdit = actor.roles.some((r) => ADMIN.includes(r));
  const checked = p.checked ?? m.roles;
  const assignable = ROLES.filter(
    (r) => r !== 'network_admin' || actor.roles.includes('network_admin') || m.roles.includes('network_admin'),
  );
  return (
    <Layout c={c} title={m.displayName}>
      <PageHeader title={m.displayName} help={`${m.email} · membre depuis le ${formatDateTime(m.since)}`} />
      <Card title="Rôles dans la coopérative">
        {canEdit ? (
          <form method="post" action={`/membres/${m.userId}/roles`} novalidate>
            <Csrf token={csrf} />
            <fieldset
              class={`field${p.error ? ' has-error' : ''}`}
              aria-describedby={p.error ? 'f-roles-error' : undefined}
            >
              <legend>Rôles</legend>
              {assignable.map((r) => (
                <div class="field checkbox">
                  <input type="checkbox" id={`f-role-${r}`} name="roles" value={r} checked={checked.includes(r)} />
                  <label for={`f-role-${r}`}>{ROLE_LABELS[r]}</label>
                </div>
              ))}
              {p.error ? (
                <p class="error" id="f-roles-error" role="alert">
                  {p.error}
                </p>
              ) : null}
            </fieldset>
            <button type="submit">Enregistrer les rôles</button>
          </form>
        ) : (
          <p>{m.roles.map((r) => ROLE_LABELS[r]).join(', ')}</p>
        )}
      </Card>
      {canEdit && m.userId !== actor.userId ? (
        <Card title="Fin d'adhésion">
          <p>La personne ne pourra plus accéder à la coopérative. Son historique (factures, journal) est conservé.</p>
          <form method="post" action={`/membres/${m.userId}/fin`}>
            <Csrf token={csrf} />
            <button type="submit" class="btn-danger">
              Mettre fin à l'adhésion
            </button>
          </form>
        </Card>
      ) : null}
      <p>
        <a href="/membres">← Tous les membres</a>
      </p>
    </Layout>
  );
}
directoryRoutes.get('/membres/:id', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const m = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    getMember(trx, actor, c.req.param('id')),
  );
  return c.html(<MemberPage c={c} m={m} />);
});
directoryRoutes.post('/membres/:id/roles', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ADMIN);
  const roles = await formAll(c, 'roles');
  const db = c.get('app').odb.db;
  const id = c.req.param('id');
  try {
    await withTenant(db, actor.cooperativeId, (trx) => setMemberRoles(trx, actor, id, roles));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const m = await withTenant(db, actor.cooperativeId, (trx) => getMember(trx, actor, id));
    return c.html(<MemberPage c={c} m={m} checked={roles} error={errors.roles} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Rôles enregistrés.' });
  return c.redirect(`/membres/${id}`);
});
directoryRoutes.post('/membres/:id/fin', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...ADMIN);
  const db = c.get('app').odb.db;
  const id = c.req.param('id');
  try {
    await withTenant(db, actor.cooperativeId, (trx) => endMembership(trx, actor, id));
  } catch (e) {
    if (!(e instanceof UserError) || e.constructor !== UserError) throw e;
    const m = await withTenant(db, actor.cooperativeId, (trx) => getMember(trx, actor, id));
    return c.html(<MemberPage c={c} m={m} error={e.message} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Adhésion terminée.' });
  return c.redirect('/membres');
});

// --- activity administration -----------------------------------------------------------------
function ActivityEditPage(p: {
  c: Ctx;
  a: Activity;
  owners: [string, string][];
  values?: { name: string; ownerIds: string[]; trusted: boolean };
  errors?: Record<string, string> | null;
}) {
  const { c, a } = p;
  const csrf = c.get('csrf');
  const v = p.values ?? { name: a.name, ownerIds: a.ownerIds, trusted: a.trusted };
  const e = p.errors ?? {};
  const ownerError = e.ownerIds ?? e['ownerIds.0'];
  return (
    <Layout c={c} title={a.name}>
      <PageHeader
        title={a.name}
        help={`Code analytique ${a.analyticCode}${a.closedAt ? ` · fermée le ${formatDateTime(a.closedAt)}` : ''}`}
      />
      <Card title="Modifier l'activité">
        <form method="post" action={`/activites/${a.id}`} novalidate>
          <Csrf token={csrf} />
          <FormErrorSummary errors={p.errors} />
          <Field label="Nom de l'activité" name="name" value={v.name} error={e.name} required />
          <fieldset
            class={`field${ownerError ? ' has-error' : ''}`}
            aria-describedby={ownerError ? 'f-ownerIds-error' : undefined}
          >
            <legend>Entrepreneur·es</legend>
            {p.owners.length ? (
              p.owners.map(([id, name]) => (
                <div class="field checkbox">
                  <input
                    type="checkbox"
                    id={`f-owner-${id}`}
                    name="ownerIds"
                    value={id}
                    checked={v.ownerIds.includes(id)}
                  />
                  <label for={`f-owner-${id}`}>{name}</label>
                </div>
              ))
            ) : (
              <p class="hint">Aucun·e entrepreneur·e dans la coopérative.</p>
            )}
            {ownerError ? (
              <p class="error" id="f-ownerIds-error" role="alert">
                {ownerError}
              </p>
            ) : null}
          </fieldset>
          <Checkbox
            label="Activité de confiance : ses factures peuvent être autovalidées"
            name="trusted"
            checked={v.trusted}
          />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
      {a.closedAt ? null : (
        <Card title="Fermer l'activité">
          <p>
            Une activité fermée ne reçoit plus de nouvelles factures ni dépenses ; son historique reste consultable.
          </p>
          <form method="post" action={`/activites/${a.id}/fermer`}>
            <Csrf token={csrf} />
            <button type="submit" class="btn-danger">
              Fermer l'activité
            </button>
          </form>
        </Card>
      )}
      <p>
        <a href="/activites">← Toutes les activités</a>
      </p>
    </Layout>
  );
}
directoryRoutes.get('/activites/:id', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const a = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    getActivity(trx, actor, c.req.param('id')),
  );
  return c.html(<ActivityEditPage c={c} a={a} owners={await ownerOptions(c, actor)} />);
});
directoryRoutes.post('/activites/:id', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const db = c.get('app').odb.db;
  const id = c.req.param('id');
  const f = await formValues(c);
  const ownerIds = await formAll(c, 'ownerIds');
  const values = { name: f.name ?? '', ownerIds, trusted: f.trusted === 'on' };
  try {
    await withTenant(db, actor.cooperativeId, (trx) => updateActivity(trx, actor, id, values));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const a = await withTenant(db, actor.cooperativeId, (trx) => getActivity(trx, actor, id));
    return c.html(
      <ActivityEditPage c={c} a={a} owners={await ownerOptions(c, actor)} values={values} errors={errors} />,
      400,
    );
  }
  setFlash(c, { kind: 'success', text: 'Activité enregistrée.' });
  return c.redirect('/activites');
});
directoryRoutes.post('/activites/:id/fermer', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => closeActivity(trx, actor, c.req.param('id')));
  setFlash(c, { kind: 'success', text: 'Activité fermée.' });
  return c.redirect('/activites');
});

// --- audit log --------------------------------------------------------------------------
directoryRoutes.get('/audit', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'director', 'network_admin');
  const page = pageParam(c);
  const pageSize = 50;
  const { odb } = c.get('app');
  const [rows, total, check] = await withTenant(
    odb.db,
    actor.cooperativeId,
    async (trx) =>
      [
        await trx
          .selectFrom('audit_log')
          .selectAll()
          .where('cooperative_id', '=', actor.cooperativeId)
          .orderBy('seq', 'desc')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        Number(
          (
            await trx
              .selectFrom('audit_log')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('cooperative_id', '=', actor.cooperativeId)
              .executeTakeFirstOrThrow()
          ).n,
        ),
        await verifyAuditChain(trx, actor.cooperativeId),
      ] as const,
  );
  return c.html(
    <Layout c={c} title="Journal d'audit" wide>
      <PageHeader
        title="Journal d'audit"
        help="Chaque action importante : qui, quoi, quand, d'où. Le journal est chaîné : toute modification après coup est détectée."
      />
      <div class={`flash ${check.ok ? 'flash-success' : 'flash-error'}`} role="status">
        {check.ok
          ? `Intégrité vérifiée : ${check.count} entrées, chaîne intacte.`
          : `Alerte d'intégrité : ${check.reason}.`}
      </div>
      <table class="data">
        <thead>
          <tr>
            <th>N°</th>
            <th>Date</th>
            <th>Qui</th>
            <th>Action</th>
            <th>Objet</th>
            <th>Adresse</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td data-label="N°">{r.seq}</td>
              <td data-label="Date">{formatDateTime(r.at)}</td>
              <td data-label="Qui">{r.actor_label}</td>
              <td data-label="Action">
                <code>{r.action}</code>
              </td>
              <td data-label="Objet">{r.target_type ? `${r.target_type} ${r.target_id ?? ''}` : '—'}</td>
              <td data-label="Adresse">{r.ip ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pagination page={page} pageSize={pageSize} total={total} baseUrl="/audit" />
    </Layout>,
  );
});

export { ForbiddenError };

import { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, Pagination, EmptyState, FormErrorSummary, Checkbox } from '../../web/components.tsx';
import { formValues, formAll, pageParam } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { requireRole, ROLES, ROLE_LABELS, type Role, ForbiddenError } from '../../core/actor.ts';
import { UserError, fieldErrors } from '../../core/errors.ts';
import { audit, verifyAuditChain } from '../../core/audit.ts';
import { createInvitation } from '../../core/auth/invitations.ts';
import { enqueueMail } from '../../core/mail.ts';
import { formatDateTime } from '../../core/dates.ts';
import { parseCents, centsToDecimal } from '../../core/money.ts';
import { getCooperative, updateCooperative, listMembers, listActivities, createActivity, type Cooperative } from './directory.service.ts';

export const directoryRoutes = new Hono<AppEnv>();
directoryRoutes.use('/cooperative', requireActor);
directoryRoutes.use('/membres/*', requireActor); directoryRoutes.use('/membres', requireActor);
directoryRoutes.use('/activites/*', requireActor); directoryRoutes.use('/activites', requireActor);
directoryRoutes.use('/audit', requireActor);

const STAFF: Role[] = ['support', 'accountant', 'director', 'network_admin'];

function CoopForm(p: { coop: Cooperative; values?: Record<string, string>; errors?: Record<string, string> | null; csrf: string }) {
  const v = p.values ?? {
    name: p.coop.name, legalForm: p.coop.legalForm, capital: centsToDecimal(p.coop.capitalCents).replace('.', ','), siren: p.coop.siren,
    vatNumber: p.coop.vatNumber ?? '', rcsCity: p.coop.rcsCity, addressLine: p.coop.addressLine, postalCode: p.coop.postalCode,
    city: p.coop.city, iban: p.coop.iban ?? '', bic: p.coop.bic ?? '', email: p.coop.email ?? '', phone: p.coop.phone ?? '',
    fiscalYearStartMonth: String(p.coop.fiscalYearStartMonth),
  };
  const e = p.errors ?? {};
  return (
    <form method="post" action="/cooperative" novalidate>
      <Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <div class="form-grid">
        <Field label="Raison sociale" name="name" value={v.name} error={e.name} required />
        <Field label="Forme juridique" name="legalForm" value={v.legalForm} error={e.legalForm} hint="Ex. : SCOP SARL à capital variable" required />
        <Field label="Capital social (€)" name="capital" value={v.capital} error={e.capitalCents} inputmode="decimal" />
        <Field label="SIREN" name="siren" value={v.siren} error={e.siren} inputmode="numeric" required />
        <Field label="N° de TVA intracommunautaire" name="vatNumber" value={v.vatNumber} error={e.vatNumber} />
        <Field label="Ville du RCS" name="rcsCity" value={v.rcsCity} error={e.rcsCity} required />
        <Field label="Adresse du siège" name="addressLine" value={v.addressLine} error={e.addressLine} required />
        <Field label="Code postal" name="postalCode" value={v.postalCode} error={e.postalCode} inputmode="numeric" required />
        <Field label="Ville" name="city" value={v.city} error={e.city} required />
        <Field label="IBAN du compte principal" name="iban" value={v.iban} error={e.iban} />
        <Field label="BIC" name="bic" value={v.bic} error={e.bic} />
        <Field label="E-mail de contact" name="email" type="email" value={v.email} error={e.email} />
        <Field label="Téléphone" name="phone" value={v.phone} error={e.phone} />
        <Select label="Début de l'exercice comptable" name="fiscalYearStartMonth" value={v.fiscalYearStartMonth} error={e.fiscalYearStartMonth}
          options={['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'].map((m, i) => [String(i + 1), m])} />
      </div>
      <button type="submit">Enregistrer</button>
    </form>
  );
}

directoryRoutes.get('/cooperative', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'director', 'network_admin', 'accountant');
  const coop = (await getCooperative(c.get('app').odb.db, actor.cooperativeId))!;
  return c.html(<Layout c={c} title="Coopérative"><PageHeader title="Informations de la coopérative" help="Ces mentions figurent sur chaque facture : elles doivent être exactes." /><Card><CoopForm coop={coop} csrf={c.get('csrf')} /></Card></Layout>);
});

directoryRoutes.post('/cooperative', async (c) => {
  const actor = actorOf(c);
  const { odb } = c.get('app');
  const f = await formValues(c);
  const capital = parseCents(f.capital || '0');
  try {
    if (capital === null) throw new UserError('Montant invalide (ex. : 15 000,00).', 'capitalCents');
    await withTenant(odb.db, actor.cooperativeId, (trx) => updateCooperative(trx, actor, {
      name: f.name ?? '', legalForm: f.legalForm ?? '', capitalCents: capital, siren: f.siren ?? '', vatNumber: f.vatNumber || null,
      rcsCity: f.rcsCity ?? '', addressLine: f.addressLine ?? '', postalCode: f.postalCode ?? '', city: f.city ?? '', iban: f.iban || null,
      bic: f.bic || null, email: f.email || null, phone: f.phone || null, fiscalYearStartMonth: Number(f.fiscalYearStartMonth || 1),
    }));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    const coop = (await getCooperative(odb.db, actor.cooperativeId))!;
    return c.html(<Layout c={c} title="Coopérative"><PageHeader title="Informations de la coopérative" /><Card><CoopForm coop={coop} values={f} errors={errors} csrf={c.get('csrf')} /></Card></Layout>, 400);
  }
  setFlash(c, { kind: 'success', text: 'Informations enregistrées.' });
  return c.redirect('/cooperative');
});

// --- members ----------------------------------------------------------------------------
directoryRoutes.get('/membres', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const q = c.req.query('q') || undefined; const role = (c.req.query('role') || undefined) as Role | undefined;
  const page = pageParam(c);
  const res = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => listMembers(trx, actor, { q, role: role && ROLES.includes(role) ? role : undefined, page }));
  return c.html(
    <Layout c={c} title="Membres">
      <PageHeader title="Membres" help="Les personnes de la coopérative et leurs rôles. Invitez quelqu'un : il ou elle reçoit un lien pour créer son compte."
        action={<a class="btn" href="/membres/inviter">Inviter une personne</a>} />
      <form class="filters" method="get" action="/membres" role="search">
        <Field label="Rechercher" name="q" value={q} placeholder="Nom ou e-mail" />
        <Select label="Rôle" name="role" value={role ?? ''} options={[['', 'Tous'], ...ROLES.map((r) => [r, ROLE_LABELS[r]] as [string, string])]} />
        <button type="submit" class="btn-secondary">Filtrer</button>
      </form>
      {res.items.length ? (
        <table class="data"><thead><tr><th>Nom</th><th>E-mail</th><th>Rôles</th></tr></thead>
          <tbody>{res.items.map((m) => <tr><td data-label="Nom">{m.displayName}</td><td data-label="E-mail">{m.email}</td><td data-label="Rôles">{m.roles.map((r) => ROLE_LABELS[r]).join(', ')}</td></tr>)}</tbody></table>
      ) : <EmptyState title="Aucun membre ne correspond." />}
      <Pagination page={res.page} pageSize={res.pageSize} total={res.total} baseUrl="/membres" params={{ q, role }} />
    </Layout>);
});

function InviteForm(p: { csrf: string; values?: Record<string, string>; errors?: Record<string, string> }) {
  const v = p.values ?? {}; const e = p.errors ?? {};
  return (
    <form method="post" action="/membres/inviter" novalidate><Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <Field label="Nom" name="displayName" value={v.displayName} error={e.displayName} required />
      <Field label="Adresse e-mail" name="email" type="email" value={v.email} error={e.email} required />
      <Select label="Rôle" name="role" value={v.role ?? 'entrepreneur'} error={e.role} options={ROLES.map((r) => [r, ROLE_LABELS[r]])} />
      <button type="submit">Envoyer l'invitation</button>
    </form>);
}
directoryRoutes.get('/membres/inviter', (c) => {
  requireRole(actorOf(c), 'support', 'director', 'network_admin');
  return c.html(<Layout c={c} title="Inviter"><PageHeader title="Inviter une personne" help="Le lien est valable 7 jours." /><Card><InviteForm csrf={c.get('csrf')} /></Card></Layout>);
});
directoryRoutes.post('/membres/inviter', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'support', 'director', 'network_admin');
  const { odb, config } = c.get('app');
  const f = await formValues(c);
  const errors: Record<string, string> = {};
  if (!f.displayName?.trim()) errors.displayName = 'Indiquez le nom.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email?.trim() ?? '')) errors.email = 'Adresse e-mail invalide.';
  if (!ROLES.includes(f.role as Role)) errors.role = 'Choisissez un rôle.';
  if (f.role === 'network_admin' && !actor.roles.includes('network_admin')) errors.role = "Seule l'équipe du réseau peut inviter ce rôle.";
  if (Object.keys(errors).length) return c.html(<Layout c={c} title="Inviter"><PageHeader title="Inviter une personne" /><Card><InviteForm csrf={c.get('csrf')} values={f} errors={errors} /></Card></Layout>, 400);
  await odb.db.transaction().execute(async (trx) => {
    const token = await createInvitation(trx as any, { email: f.email!, cooperativeId: actor.cooperativeId, role: f.role!, invitedBy: actor.userId, displayName: f.displayName });
    const coop = await getCooperative(trx as any, actor.cooperativeId);
    await enqueueMail(trx as any, {
      to: f.email!.trim(), cooperativeId: actor.cooperativeId, subject: `Invitation à rejoindre ${coop?.name} sur Radieuse`,
      text: `Bonjour ${f.displayName},\n\n${actor.label} vous invite à rejoindre ${coop?.name} sur Radieuse.\nCréez votre compte avec ce lien (valable 7 jours) :\n${config.publicUrl}/invitation/${token}\n\nÀ bientôt !`,
    });
  });
  await withTenant(odb.db, actor.cooperativeId, (trx) => audit(trx, actor, { action: 'member.invited', data: { email: f.email, role: f.role } }));
  setFlash(c, { kind: 'success', text: `Invitation envoyée à ${f.email}.` });
  return c.redirect('/membres');
});

// --- activities -------------------------------------------------------------------------
directoryRoutes.get('/activites', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, ...STAFF);
  const { odb } = c.get('app');
  const [acts, members] = await withTenant(odb.db, actor.cooperativeId, async (trx) => [await listActivities(trx, actor), await listMembers(trx, actor, { pageSize: 10000 })] as const);
  const names = new Map(members.items.map((m) => [m.userId, m.displayName]));
  return c.html(
    <Layout c={c} title="Activités">
      <PageHeader title="Activités (enseignes)" help="Chaque activité a son code analytique : ses factures, dépenses et son compte d'activité s'y rattachent."
        action={<a class="btn" href="/activites/nouvelle">Nouvelle activité</a>} />
      {acts.length ? <table class="data"><thead><tr><th>Nom</th><th>Code</th><th>Entrepreneur·es</th><th>Autovalidation</th></tr></thead>
        <tbody>{acts.map((a) => <tr><td data-label="Nom">{a.name}</td><td data-label="Code"><code>{a.analyticCode}</code></td><td data-label="Entrepreneur·es">{a.ownerIds.map((o) => names.get(o) ?? '?').join(', ')}</td><td data-label="Autovalidation">{a.trusted ? 'Oui' : 'Non'}</td></tr>)}</tbody></table>
        : <EmptyState title="Aucune activité pour l'instant." action={<a class="btn" href="/activites/nouvelle">Créer la première</a>} />}
    </Layout>);
});

async function ownerOptions(c: any, actor: any): Promise<[string, string][]> {
  const members = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => listMembers(trx, actor, { pageSize: 10000 }));
  return members.items.filter((m) => m.roles.includes('entrepreneur') || m.roles.includes('cape')).map((m) => [m.userId, m.displayName]);
}
function ActivityForm(p: { csrf: string; owners: [string, string][]; values?: Record<string, string>; errors?: Record<string, string> | null }) {
  const v = p.values ?? {}; const e = p.errors ?? {};
  return (
    <form method="post" action="/activites/nouvelle" novalidate><Csrf token={p.csrf} />
      <FormErrorSummary errors={p.errors} />
      <Field label="Nom de l'activité" name="name" value={v.name} error={e.name} required />
      <Field label="Code analytique" name="analyticCode" value={v.analyticCode} error={e.analyticCode} hint="2 à 12 lettres ou chiffres, ex. : BOIS01" required />
      <Select label="Entrepreneur·e" name="ownerId" value={v.ownerId} options={[['', '— à choisir plus tard —'], ...p.owners]} error={e['ownerIds.0']} />
      <Checkbox label="Activité de confiance : ses factures peuvent être autovalidées" name="trusted" checked={v.trusted === 'on'} />
      <button type="submit">Créer l'activité</button>
    </form>);
}
directoryRoutes.get('/activites/nouvelle', async (c) => {
  const actor = actorOf(c); requireRole(actor, ...STAFF);
  return c.html(<Layout c={c} title="Nouvelle activité"><PageHeader title="Nouvelle activité" /><Card><ActivityForm csrf={c.get('csrf')} owners={await ownerOptions(c, actor)} /></Card></Layout>);
});
directoryRoutes.post('/activites/nouvelle', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => createActivity(trx, actor, { name: f.name ?? '', analyticCode: f.analyticCode ?? '', ownerIds: f.ownerId ? [f.ownerId] : [], trusted: f.trusted === 'on' }));
  } catch (e) {
    const errors = fieldErrors(e); if (!errors) throw e;
    return c.html(<Layout c={c} title="Nouvelle activité"><PageHeader title="Nouvelle activité" /><Card><ActivityForm csrf={c.get('csrf')} owners={await ownerOptions(c, actor)} values={f} errors={errors} /></Card></Layout>, 400);
  }
  setFlash(c, { kind: 'success', text: 'Activité créée.' });
  return c.redirect('/activites');
});

// --- audit log --------------------------------------------------------------------------
directoryRoutes.get('/audit', async (c) => {
  const actor = actorOf(c);
  requireRole(actor, 'director', 'network_admin');
  const page = pageParam(c); const pageSize = 50;
  const { odb } = c.get('app');
  const [rows, total, check] = await withTenant(odb.db, actor.cooperativeId, async (trx) => [
    await trx.selectFrom('audit_log').selectAll().where('cooperative_id', '=', actor.cooperativeId).orderBy('seq', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    Number((await trx.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('cooperative_id', '=', actor.cooperativeId).executeTakeFirstOrThrow()).n),
    await verifyAuditChain(trx, actor.cooperativeId),
  ] as const);
  return c.html(
    <Layout c={c} title="Journal d'audit" wide>
      <PageHeader title="Journal d'audit" help="Chaque action importante : qui, quoi, quand, d'où. Le journal est chaîné : toute modification après coup est détectée." />
      <div class={`flash ${check.ok ? 'flash-success' : 'flash-error'}`} role="status">{check.ok ? `Intégrité vérifiée : ${check.count} entrées, chaîne intacte.` : `Alerte d'intégrité : ${check.reason}.`}</div>
      <table class="data"><thead><tr><th>N°</th><th>Date</th><th>Qui</th><th>Action</th><th>Objet</th><th>Adresse</th></tr></thead>
        <tbody>{rows.map((r) => <tr><td data-label="N°">{r.seq}</td><td data-label="Date">{formatDateTime(r.at)}</td><td data-label="Qui">{r.actor_label}</td><td data-label="Action"><code>{r.action}</code></td><td data-label="Objet">{r.target_type ? `${r.target_type} ${r.target_id ?? ''}` : '—'}</td><td data-label="Adresse">{r.ip ?? '—'}</td></tr>)}</tbody></table>
      <Pagination page={page} pageSize={pageSize} total={total} baseUrl="/audit" />
    </Layout>);
});

export { ForbiddenError };

// The cooperative's sheet and logo (/cooperative).
import { Hono } from 'hono';
import { can } from '../../../core/authz.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors, UserError } from '../../../core/errors.ts';
import { parseCents } from '../../../core/money.ts';
import { type AppEnv, actorOf, type Ctx } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { requireActor, requireRecentAuth, setFlash } from '../../../web/middleware.ts';
import { uploadBodyLimit } from '../../../web/request-guards.ts';
import { ORGANISATION_TYPE_LABELS } from '../../../core/actor.ts';
import { changeOrganisationType } from '../organisation-type.service.ts';
import {
  cooperativeForEdit,
  getCooperativeLogo,
  LOGO_MAX_BYTES,
  setCooperativeLogo,
  updateCooperative,
} from '../cooperatives.service.ts';
import { DIRECTORY } from '../permissions.ts';
import { CoopPage } from '../views/cooperative-page.tsx';

export const cooperativeRoutes = new Hono<AppEnv>();
cooperativeRoutes.use('/cooperative', requireActor);
cooperativeRoutes.use('/cooperative/*', requireActor);

async function page(
  c: Ctx,
  extra: {
    values?: Record<string, string>;
    errors?: Record<string, string> | null;
    logoError?: string;
    typeValues?: Record<string, string>;
    typeErrors?: Record<string, string> | null;
  } = {},
  status: 200 | 400 = 200,
) {
  const actor = actorOf(c);
  const { coop, hasLogo } = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    cooperativeForEdit(trx, actor),
  );
  return c.html(
    <CoopPage
      c={c}
      coop={coop}
      hasLogo={hasLogo}
      canEdit={can(actor, DIRECTORY.cooperativeUpdate)}
      canChangeType={can(actor, DIRECTORY.organisationTypeChange)}
      {...extra}
    />,
    status,
  );
}

cooperativeRoutes.get('/cooperative', (c) => page(c));

cooperativeRoutes.post('/cooperative', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  const capital = /^[\d\s.,]{0,20}$/.test(f.capital ?? '') ? parseCents(f.capital || '0') : null;
  try {
    if (capital === null) throw new UserError('Montant invalide (ex. : 15 000,00).', 'capitalCents');
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
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
    return page(c, { values: f, errors }, 400);
  }
  setFlash(c, { kind: 'success', text: 'Informations enregistrées.' });
  return c.redirect('/cooperative');
});

// Hides or shows whole modules for every member: a recent proof of identity, like other direction changes.
cooperativeRoutes.post('/cooperative/type', requireRecentAuth, async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  let change: Awaited<ReturnType<typeof changeOrganisationType>>;
  try {
    change = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
      changeOrganisationType(trx, actor, {
        organisationType: f.organisationType ?? '',
        confirmed: f.confirmed === 'on',
      }),
    );
  } catch (e) {
    const typeErrors = fieldErrors(e);
    if (!typeErrors) throw e;
    return page(c, { typeValues: f, typeErrors }, 400);
  }
  const label = ORGANISATION_TYPE_LABELS[change.to];
  const text =
    change.erpShown === null
      ? `Type d’organisation : ${label}.`
      : change.erpShown
        ? `Type d’organisation : ${label}. Les modules de gestion (ventes, achats, banque, comptabilité) sont de nouveau visibles.`
        : `Type d’organisation : ${label}. Les modules de gestion sont masqués ; leurs données sont conservées.`;
  setFlash(c, { kind: 'success', text });
  return c.redirect('/cooperative');
});

cooperativeRoutes.post('/cooperative/logo', uploadBodyLimit(LOGO_MAX_BYTES + 64 * 1024), async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const body = await c.req.parseBody();
  const file = body.logo;
  try {
    if (!(file instanceof File) || file.size === 0) throw new UserError('Choisissez une image PNG ou JPEG.', 'logo');
    const content = Buffer.from(await file.arrayBuffer());
    await withTenant(odb.db, actor.cooperativeId, (trx) =>
      setCooperativeLogo(trx, actor, config.fileKey, { name: file.name, type: file.type, content }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return page(c, { logoError: errors.logo ?? Object.values(errors)[0] }, 400);
  }
  setFlash(c, { kind: 'success', text: 'Logo enregistré.' });
  return c.redirect('/cooperative');
});

cooperativeRoutes.get('/cooperative/logo', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const logo = await withTenant(odb.db, actor.cooperativeId, (trx) =>
    getCooperativeLogo(trx, actor.cooperativeId, config.fileKey),
  );
  if (!logo) return c.notFound();
  const type = logo[0] === 0x89 ? 'image/png' : 'image/jpeg';
  return c.body(new Uint8Array(logo), 200, { 'Content-Type': type, 'Cache-Control': 'private, max-age=300' });
});

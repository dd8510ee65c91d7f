// Information meetings, the public side (no account): choose a cooperative, register. Robots
// get the same answer as people, and nothing is written for them.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { UserError, fieldErrors } from '../../../core/errors.ts';
import { isUuid } from '../../../core/ids.ts';
import { getCooperativeBySlug, listCooperatives } from '../../directory/index.ts';
import { fillToken, registerProspect, upcomingMeetings } from '../info-meetings.service.ts';
import { PublicMeetingsList, PublicMeetingForm, PublicMeetingThanks } from '../views/public-meetings.tsx';
import { dbOf } from './kit.tsx';

export const publicInfoMeetingRoutes = new Hono<AppEnv>();

/** How many next meetings the list shows per cooperative. */
const NEXT_MEETINGS = 3;
/** A slug as cooperatives have them: anything else is no cooperative (404, no lookup). */
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;

publicInfoMeetingRoutes.get('/reunions-information', async (c) => {
  const coops = [];
  for (const k of await listCooperatives(dbOf(c)))
    coops.push({
      slug: k.slug,
      name: k.name,
      city: k.city,
      next: (await withTenant(dbOf(c), k.id, (tx) => upcomingMeetings(tx, k.id))).slice(0, NEXT_MEETINGS),
    });
  return c.html(<PublicMeetingsList c={c} coops={coops} />);
});

async function formPage(
  c: Ctx,
  slug: string,
  values: Record<string, string> = {},
  errors: Record<string, string> | null = null,
) {
  const coop = SLUG.test(slug) ? await getCooperativeBySlug(dbOf(c), slug) : null;
  if (!coop) return c.notFound();
  const meetings = await withTenant(dbOf(c), coop.id, (tx) => upcomingMeetings(tx, coop.id));
  return c.html(
    <PublicMeetingForm
      c={c}
      coop={coop}
      meetings={meetings}
      fillToken={fillToken(c.get('app').config.fileKey)}
      values={values}
      errors={errors}
    />,
    errors ? 400 : 200,
  );
}
publicInfoMeetingRoutes.get('/reunions-information/:slug', (c) => formPage(c, c.req.param('slug')));

publicInfoMeetingRoutes.post('/reunions-information/:slug', async (c) => {
  const slug = c.req.param('slug');
  const f = await formValues(c);
  const coop = SLUG.test(slug) ? await getCooperativeBySlug(dbOf(c), slug) : null;
  if (!coop) return c.notFound();
  try {
    const meetingId = f.meetingId ?? '';
    if (!isUuid(meetingId)) throw new UserError('Choisissez une date.', 'meetingId');
    await withTenant(dbOf(c), coop.id, (tx) =>
      registerProspect(tx, c.get('app').config.fileKey, {
        cooperativeId: coop.id,
        cooperativeName: coop.name,
        meetingId,
        displayName: f.displayName ?? '',
        email: f.email ?? '',
        phone: f.phone || null,
        honeypot: f.website,
        fillToken: f.t,
        publicUrl: c.get('app').config.publicUrl,
      }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return formPage(c, slug, f, errors);
  }
  // Same answer for robots and people: a robot learns nothing from it.
  return c.html(<PublicMeetingThanks c={c} />);
});

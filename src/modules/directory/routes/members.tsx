// Members (/membres): the list, invitations, a member's roles, the end of a membership.
import { Hono } from 'hono';
import { ROLES } from '../../../core/actor.ts';
import { authorize, can } from '../../../core/authz.ts';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors, UserError } from '../../../core/errors.ts';
import { type AppEnv, actorOf, type Ctx } from '../../../web/context.ts';
import { enumQuery, formAll, formValues, idParam, pageParam, textQuery } from '../../../web/forms.ts';
import { requireActor, setFlash } from '../../../web/middleware.ts';
import { inviteMember } from '../invitations.service.ts';
import { isIdentityVerified } from '../identity-verification.service.ts';
import { endMembership, getMember, listMembers, setMemberRoles } from '../members.service.ts';
import { DIRECTORY, grantableRoles } from '../permissions.ts';
import { InvitePage, MemberPage, MembersListPage } from '../views/members.tsx';

export const memberRoutes = new Hono<AppEnv>();
memberRoutes.use('/membres', requireActor);
memberRoutes.use('/membres/*', requireActor);

memberRoutes.get('/membres', async (c) => {
  const actor = actorOf(c);
  const q = textQuery(c, 'q');
  const role = enumQuery(c, 'role', ROLES);
  const page = pageParam(c);
  const res = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    listMembers(trx, actor, { q, role, page }),
  );
  return c.html(<MembersListPage c={c} res={res} q={q} role={role} canInvite={can(actor, DIRECTORY.memberInvite)} />);
});

memberRoutes.get('/membres/inviter', (c) => {
  const actor = actorOf(c);
  authorize(actor, DIRECTORY.memberInvite);
  return c.html(<InvitePage c={c} roles={grantableRoles(actor)} />);
});

memberRoutes.post('/membres/inviter', async (c) => {
  const actor = actorOf(c);
  const { odb, config } = c.get('app');
  const f = await formValues(c);
  const input = { displayName: f.displayName ?? '', email: f.email ?? '', role: f.role ?? '' };
  try {
    await withTenant(odb.db, actor.cooperativeId, (trx) => inviteMember(trx, actor, input, config.publicUrl));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<InvitePage c={c} roles={grantableRoles(actor)} values={f} errors={errors} />, 400);
  }
  setFlash(c, { kind: 'success', text: `Invitation envoyée à ${input.email.trim()}.` });
  return c.redirect('/membres');
});

async function memberPage(
  c: Ctx,
  id: string,
  extra: { checked?: string[]; error?: string } = {},
  status: 200 | 400 = 200,
) {
  const actor = actorOf(c);
  const { m, verified } = await withTenant(c.get('app').odb.db, actor.cooperativeId, async (trx) => {
    const m = await getMember(trx, actor, id);
    return { m, verified: await isIdentityVerified(trx, actor.cooperativeId, m.userId) };
  });
  return c.html(
    <MemberPage
      c={c}
      m={m}
      identityVerified={verified}
      canEdit={can(actor, DIRECTORY.memberRoles)}
      assignable={grantableRoles(actor)}
      {...extra}
    />,
    status,
  );
}

memberRoutes.get('/membres/:id', (c) => memberPage(c, idParam(c, 'id', 'Membre')));

memberRoutes.post('/membres/:id/roles', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Membre');
  const roles = await formAll(c, 'roles');
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => setMemberRoles(trx, actor, id, roles));
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return memberPage(c, id, { checked: roles, error: errors.roles }, 400);
  }
  setFlash(c, { kind: 'success', text: 'Rôles enregistrés.' });
  return c.redirect(`/membres/${id}`);
});

memberRoutes.post('/membres/:id/fin', async (c) => {
  const actor = actorOf(c);
  const id = idParam(c, 'id', 'Membre');
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => endMembership(trx, actor, id));
  } catch (e) {
    if (!(e instanceof UserError) || e.constructor !== UserError) throw e;
    return memberPage(c, id, { error: e.message }, 400);
  }
  setFlash(c, { kind: 'success', text: 'Adhésion terminée.' });
  return c.redirect('/membres');
});

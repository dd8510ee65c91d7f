// Every permission of the directory, tried for every role against the real services.
import { after } from 'node:test';
import { createTestDb, seedTestCooperatives, TEST_PNG, type TestCoop } from '../../app/testing.ts';
import type { Actor, Role } from '../../core/actor.ts';
import type { OpenDb } from '../../core/db/index.ts';
import type { UserId } from '../../core/ids.ts';
import { type AuthzCase, authzSuite, type AuthzWorld } from '../../core/testing-authz.ts';
import { activitiesOverview, createActivity, getActivity, ownerCandidates } from './activities.service.ts';
import { auditLogPage } from './audit-log.service.ts';
import { getBankDetails, setBankDetails } from './bank-details.service.ts';
import { cooperativeForEdit, updateCooperative, updateCooperativeSettings } from './cooperatives.service.ts';
import {
  listIdentityVerifications,
  setIdentityDocumentRetention,
  submitIdentityDocument,
} from './identity-verification.service.ts';
import { inviteMember } from './invitations.service.ts';
import { endMembership, listMembers, setMemberRoles } from './members.service.ts';
import { changeOrganisationType } from './organisation-type.service.ts';
import { DIRECTORY } from './permissions.ts';

let odb: OpenDb | null = null;
let a: TestCoop;
after(async () => {
  await odb?.close();
});

/** Every actor is the owner person (the entrepreneur of the seeded activity) wearing one role,
 *  so `own` means "their activity, their bank details"; the stranger is another person. */
const as = (userId: string, role: Role): Actor => ({
  userId: userId as UserId,
  cooperativeId: a.coop.id,
  roles: [role],
  label: `${role} test`,
  ip: null,
});

async function world(): Promise<AuthzWorld> {
  odb = await createTestDb();
  [a] = await seedTestCooperatives(odb, { withPasswords: false });
  return {
    odb,
    cooperativeId: a.coop.id,
    actor: (role) => as(a.users.entrepreneur.id, role),
    stranger: (role) => as(a.users.cape.id, role),
  };
}

const IBAN = 'FR7630006000011234567890189';
const KEY = Buffer.alloc(32, 9);

function cases(): AuthzCase[] {
  return [
    { permission: DIRECTORY.cooperativeView, run: (trx, actor) => cooperativeForEdit(trx, actor) },
    {
      permission: DIRECTORY.organisationTypeChange,
      run: (trx, actor) => changeOrganisationType(trx, actor, { organisationType: 'tiers_lieu', confirmed: true }),
    },
    {
      permission: DIRECTORY.cooperativeUpdate,
      run: (trx, actor) =>
        updateCooperative(trx, actor, {
          name: a.coop.name,
          legalForm: a.coop.legalForm,
          capitalCents: a.coop.capitalCents,
          siren: a.coop.siren,
          vatNumber: a.coop.vatNumber,
          rcsCity: a.coop.rcsCity,
          addressLine: a.coop.addressLine,
          postalCode: a.coop.postalCode,
          city: a.coop.city,
          iban: a.coop.iban,
          bic: a.coop.bic,
          fiscalYearStartMonth: 1,
        }),
    },
    {
      permission: DIRECTORY.cooperativeSettings,
      run: (trx, actor) => updateCooperativeSettings(trx, actor, { authzTest: true }),
    },
    { permission: DIRECTORY.memberList, run: (trx, actor) => listMembers(trx, actor) },
    {
      permission: DIRECTORY.memberInvite,
      run: (trx, actor) =>
        inviteMember(trx, actor, { displayName: 'Nina', email: 'nina@exemple.fr', role: 'entrepreneur' }, 'http://x'),
    },
    {
      permission: DIRECTORY.memberRoles,
      run: (trx, actor) => setMemberRoles(trx, actor, a.users.accountant.id, ['accountant', 'support']),
    },
    { permission: DIRECTORY.memberEnd, run: (trx, actor) => endMembership(trx, actor, a.users.support.id) },
    { permission: DIRECTORY.activityList, run: (trx, actor) => activitiesOverview(trx, actor) },
    { permission: DIRECTORY.activityView, run: (trx, actor) => getActivity(trx, actor, a.activityId) },
    {
      permission: DIRECTORY.activityManage,
      run: async (trx, actor) => {
        await ownerCandidates(trx, actor);
        return createActivity(trx, actor, { name: 'Atelier test', analyticCode: 'AUTHZ1' });
      },
    },
    { permission: DIRECTORY.auditView, run: (trx, actor) => auditLogPage(trx, actor, 1) },
    { permission: DIRECTORY.bankDetailsView, run: (trx, actor) => getBankDetails(trx, actor, a.users.entrepreneur.id) },
    {
      permission: DIRECTORY.bankDetailsEdit,
      run: (trx, actor) => setBankDetails(trx, actor, a.users.entrepreneur.id, { iban: IBAN, bic: '' }),
    },
    {
      permission: DIRECTORY.identitySubmit,
      run: (trx, actor) =>
        submitIdentityDocument(trx, actor, KEY, {
          userId: a.users.entrepreneur.id,
          name: 'cni.png',
          content: TEST_PNG,
        }),
    },
    { permission: DIRECTORY.identityVerify, run: (trx, actor) => listIdentityVerifications(trx, actor) },
    { permission: DIRECTORY.identityRetention, run: (trx, actor) => setIdentityDocumentRetention(trx, actor, 'keep') },
  ];
}

authzSuite('directory', world, cases);

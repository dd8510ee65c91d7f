// Test fixtures: two cooperatives with one user per role, built through the real services.
import type { OpenDb } from '../../core/db/index.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { directoryDb } from './db.ts';
import { decideIdentityVerification, submitIdentityDocument } from './identity-verification.service.ts';
import { createUser } from '../../core/auth/users.ts';
import { makeIban, makeSiren, frenchVatFromSiren } from '../../core/identifiers.ts';
import { uuidv7, type CooperativeId, type UserId } from '../../core/ids.ts';
import type { Actor, OrganisationType, Role } from '../../core/actor.ts';
import { createNetwork, createCooperative, type Cooperative } from './cooperatives.service.ts';
import { addMembership } from './members.service.ts';

export const TEST_PASSWORD = 'un mot de passe très long';

export interface TestCoop {
  coop: Cooperative;
  users: Record<Role, { id: string; email: string }>;
  activityId: string;
  analyticCode: string;
  actor(role: Role): Actor;
}

export async function seedTestCooperatives(
  odb: OpenDb,
  /** `organisationTypes`: the type of each of the two (default two CAEs, e.g.
   *  `['cae', 'tiers_lieu']` for an organisation without the ERP). */
  opts: { withPasswords?: boolean; organisationTypes?: [OrganisationType, OrganisationType] } = {},
): Promise<[TestCoop, TestCoop]> {
  return withSystem(odb.db, async (trx) => {
    const net = await createNetwork(trx, { slug: `net-${uuidv7().slice(-6)}`, name: 'Réseau test' });
    const result: TestCoop[] = [];
    const suffix = uuidv7().slice(-5);
    for (const [i, base] of ['alpha', 'beta'].entries()) {
      const slug = `${base}-${suffix}`;
      const siren = makeSiren(`9${i}${'123456'}`);
      const coop = await createCooperative(
        trx,
        net.id,
        {
          slug,
          name: `Coopérative ${base}`,
          legalForm: 'SCOP SARL à capital variable',
          capitalCents: 1000000,
          siren,
          vatNumber: frenchVatFromSiren(siren),
          rcsCity: 'Lyon',
          addressLine: '1 rue de la Paix',
          postalCode: '69001',
          city: 'Lyon',
          iban: makeIban('FR', `3000400031000000123456${i}`.padEnd(23, '0')),
          bic: 'BNPAFRPPXXX',
          organisationType: opts.organisationTypes?.[i] ?? 'cae',
        },
        { selfValidationThresholdCents: 100000, invoiceNumberTemplate: '{YYYY}-{SEQ:5}' },
      );
      const users = {} as TestCoop['users'];
      for (const role of ['entrepreneur', 'cape', 'support', 'accountant', 'director', 'network_admin'] as Role[]) {
        const email = `${role}@${slug}.test`;
        const u = await createUser(trx, {
          email,
          displayName: `${role[0].toUpperCase()}${role.slice(1)} ${slug}`,
          password: opts.withPasswords === false ? null : TEST_PASSWORD,
        });
        await addMembership(trx, coop.id, u.id, role);
        users[role] = { id: u.id, email };
      }
      const activityId = uuidv7();
      const analyticCode = `ACT${i + 1}`;
      await directoryDb(trx)
        .insertInto('activity')
        .values({
          cooperative_id: coop.id,
          id: activityId,
          name: `Activité ${slug}`,
          analytic_code: analyticCode,
          description: null,
          trusted: false,
          email: null,
          phone: null,
          closed_at: null,
        })
        .execute();
      await directoryDb(trx)
        .insertInto('activity_owner')
        .values({ cooperative_id: coop.id, activity_id: activityId, user_id: users.entrepreneur.id })
        .execute();
      result.push({
        coop,
        users,
        activityId,
        analyticCode,
        actor: (role: Role) => ({
          userId: users[role].id as UserId,
          cooperativeId: coop.id as CooperativeId,
          roles: [role],
          label: `${role} ${slug}`,
          ip: '127.0.0.1',
          ...(coop.organisationType === 'cae' ? {} : { organisationType: coop.organisationType }),
        }),
      });
    }
    return result as [TestCoop, TestCoop];
  });
}

/** The smallest valid PNG (1×1): an identity "document" the file store accepts by its content. */
export const TEST_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Verifies a person's identity through the real services: they deposit, support decides. */
export async function verifyIdentityForTest(db: OpenDb['db'], t: TestCoop, role: Role, key: Buffer): Promise<void> {
  await withTenant(db, t.coop.id, async (trx) => {
    const v = await submitIdentityDocument(trx, t.actor(role), key, { name: 'cni.png', content: TEST_PNG });
    const decider = t.actor(role === 'support' ? 'director' : 'support');
    await decideIdentityVerification(trx, decider, v.id, {
      decision: 'verified',
      documentType: 'cni',
      documentExpiry: `${new Date().getFullYear() + 5}-01-01`,
    });
  });
}

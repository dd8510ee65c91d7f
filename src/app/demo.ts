// The demo network: three cooperatives with different contribution rules, staff, 20–40
// entrepreneurs each, and what every module seeds on top. Deterministic: same seed, same data.
import { loadConfig } from '../core/config.ts';
import type { OpenDb } from '../core/db/index.ts';
import { moduleView } from '../core/db/handles.ts';
import { withSystem, type Tx } from '../core/db/tenant.ts';
import { hashPassword } from '../core/auth/password.ts';
import { uuidv7, type CooperativeId } from '../core/ids.ts';
import { makeIban, makeSiren, frenchVatFromSiren } from '../core/identifiers.ts';
import {
  createNetwork,
  createCooperative,
  addMembership,
  type DemoContext,
  type DemoCoop,
  type DemoPerson,
  type DirectoryTables,
} from '../modules/directory/index.ts';
import type { Role } from '../core/actor.ts';
import { Rng, FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES, TRADES, slugify } from '../core/random.ts';
import { bankDemoSeeder } from '../modules/bank/module.ts';
import { impactDemoSeeder } from '../modules/impact/module.ts';
import { campusDemoSeeder } from '../modules/campus/module.ts';
import { inboxDemoSeeder } from '../modules/inbox/module.ts';
import { journeysDemoSeeder } from '../modules/journeys/module.ts';
import { learningDemoSeeder } from '../modules/learning/module.ts';
import { ledgerAfterSalesDemoSeeder, ledgerDemoSeeder } from '../modules/ledger/module.ts';
import { marketDemoSeeder } from '../modules/market/module.ts';
import { purchasesDemoSeeder } from '../modules/purchases/module.ts';
import { salesDemoSeeder } from '../modules/sales/module.ts';
import { vaultDemoSeeder } from '../modules/vault/module.ts';
import { signaturesDemoSeeder } from '../modules/signatures/module.ts';

// The demo seeds people, activities and their owners: the directory's tables, seen through a view
// made here (src/app assembles the modules; it reaches no module's inner files).
const demoDb = moduleView<DirectoryTables>();
export const DEMO_PASSWORD = 'radieuse-demo-2026';
export const DEMO_NETWORK_SLUG = 'reseau-demo';

// Each module adds its data in dependency order (the ledger's chart before sales postings…).
const demoSeeders = [
  journeysDemoSeeder,
  ledgerDemoSeeder,
  salesDemoSeeder,
  purchasesDemoSeeder,
  bankDemoSeeder,
  ledgerAfterSalesDemoSeeder,
  campusDemoSeeder,
  learningDemoSeeder,
  marketDemoSeeder,
  inboxDemoSeeder,
  impactDemoSeeder,
  vaultDemoSeeder,
  signaturesDemoSeeder,
];

const COOPS = [
  {
    slug: 'soleil',
    name: 'Soleil Coop',
    city: 'Lyon',
    postal: '69003',
    address: '12 rue de la République',
    rcs: 'Lyon',
    entrepreneurs: 34,
    contribution: { kind: 'collected_percent', bp: 1000 },
  },
  {
    slug: 'rivage',
    name: 'Rivage Entreprendre',
    city: 'Nantes',
    postal: '44000',
    address: '5 quai de la Fosse',
    rcs: 'Nantes',
    entrepreneurs: 26,
    contribution: {
      kind: 'tiered',
      tiers: [
        [0, 1200],
        [5000000, 900],
        [10000000, 700],
      ],
    },
  },
  {
    slug: 'canopee',
    name: 'Canopée Activités',
    city: 'Grenoble',
    postal: '38000',
    address: '3 place Grenette',
    rcs: 'Grenoble',
    entrepreneurs: 22,
    contribution: { kind: 'invoiced_percent_with_minimum', bp: 1100, minimumMonthlyCents: 4000 },
  },
] as const;

export async function demoExists(odb: OpenDb): Promise<boolean> {
  return !!(await demoDb(odb.db)
    .selectFrom('network')
    .select('id')
    .where('slug', '=', DEMO_NETWORK_SLUG)
    .executeTakeFirst());
}

export function demoLogins(): string[] {
  const lines: string[] = [];
  for (const c of COOPS)
    for (const r of ['director', 'support', 'accountant', 'entrepreneur', 'cape']) lines.push(`${r}@${c.slug}.demo`);
  lines.push(`network_admin@${COOPS[0].slug}.demo`);
  return lines;
}

export async function loadDemo(
  odb: OpenDb,
  opts: { today?: string; log?: (m: string) => void; fileKey?: Buffer } = {},
): Promise<void> {
  const log = opts.log ?? (() => {});
  const rng = new Rng(20261126);
  const pwHash = await hashPassword(DEMO_PASSWORD);
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const coops: DemoCoop[] = [];
  await withSystem(odb.db, async (trx) => {
    const network = await createNetwork(trx, { slug: DEMO_NETWORK_SLUG, name: 'Réseau des coopératives radieuses' });
    const addUser = async (email: string, name: string) => {
      const id = uuidv7();
      await demoDb(trx)
        .insertInto('user_account')
        .values({
          id,
          email,
          display_name: name,
          password_hash: pwHash,
          totp_secret: null,
          totp_enabled: false,
          recovery_codes: null,
          locked_until: null,
          disabled_at: null,
        })
        .execute();
      return id;
    };
    let n = 0;
    for (const spec of COOPS) {
      n++;
      const siren = makeSiren(`8${n}${String(4321000 + n * 1111).slice(0, 6)}`);
      const coop = await createCooperative(
        trx,
        network.id,
        {
          slug: spec.slug,
          name: spec.name,
          legalForm: 'SCOP SARL à capital variable',
          capitalCents: 1500000 + n * 250000,
          siren,
          vatNumber: frenchVatFromSiren(siren),
          rcsCity: spec.rcs,
          addressLine: spec.address,
          postalCode: spec.postal,
          city: spec.city,
          iban: makeIban(
            'FR',
            `30004000${n}1000${String(12345670 + n).padStart(11, '0')}`.slice(0, 23).padEnd(23, '0'),
          ),
          bic: 'BNPAFRPPXXX',
          email: `contact@${spec.slug}.demo`,
          phone: `04 7${n} 00 00 0${n}`,
          fiscalYearStartMonth: 1,
        },
        {
          selfValidationThresholdCents: 150000,
          invoiceNumberTemplate: n === 2 ? '{ANA}-{YYYY}-{SEQ:4}' : '{YYYY}-{SEQ:5}',
          contribution: spec.contribution,
        },
      );
      const person = async (role: Role, local: string, gender: 'F' | 'M'): Promise<DemoPerson> => {
        const first = rng.pick(gender === 'F' ? FIRST_NAMES_F : FIRST_NAMES_M);
        const last = rng.pick(LAST_NAMES);
        const email = `${local}@${spec.slug}.demo`;
        const userId = await addUser(email, `${first} ${last}`);
        await addMembership(trx, coop.id, userId, role);
        await demoDb(trx)
          .insertInto('member_profile')
          .values({
            cooperative_id: coop.id,
            user_id: userId,
            gender,
            birth_year: rng.int(1962, 2000),
            education_level: rng.pick(['bac', 'bac+2', 'bac+3', 'bac+5', 'sans diplôme']),
            status_at_entry: rng.pick(['demandeur_emploi', 'demandeur_emploi', 'rsa', 'salarie', 'etudiant', 'autre']),
            postal_code: spec.postal,
            qpv: rng.chance(0.12),
            phone: null,
            support_user_id: null,
          })
          .execute();
        return { userId, email, name: `${first} ${last}`, gender, role };
      };
      const staff = {
        director: await person('director', 'director', rng.chance(0.5) ? 'F' : 'M'),
        support: await person('support', 'support', 'F'),
        accountant: await person('accountant', 'accountant', 'M'),
      };
      const entrepreneurs: DemoPerson[] = [];
      const capes: DemoPerson[] = [];
      for (let i = 0; i < spec.entrepreneurs; i++) {
        const gender: 'F' | 'M' = rng.chance(0.55) ? 'F' : 'M';
        const role: Role = i === 0 ? 'entrepreneur' : i === 1 ? 'cape' : rng.chance(0.25) ? 'cape' : 'entrepreneur';
        const local =
          i === 0
            ? 'entrepreneur'
            : i === 1
              ? 'cape'
              : `${slugify(rng.pick(gender === 'F' ? FIRST_NAMES_F : FIRST_NAMES_M))}.${i}`;
        const p = await person(role, local, gender);
        const [trade, code] = TRADES[(i + n * 3) % TRADES.length];
        const activityId = uuidv7();
        const analyticCode = `${code}${String(i + 1).padStart(2, '0')}`;
        await demoDb(trx)
          .insertInto('activity')
          .values({
            cooperative_id: coop.id,
            id: activityId,
            name: `${p.name.split(' ')[0]} — ${trade}`,
            analytic_code: analyticCode,
            description: trade,
            trusted: rng.chance(0.3),
            email: p.email,
            phone: null,
            closed_at: null,
          })
          .execute();
        await demoDb(trx)
          .insertInto('activity_owner')
          .values({ cooperative_id: coop.id, activity_id: activityId, user_id: p.userId })
          .execute();
        await demoDb(trx)
          .updateTable('member_profile')
          .set({ support_user_id: staff.support.userId })
          .where('cooperative_id', '=', coop.id)
          .where('user_id', '=', p.userId)
          .execute();
        (role === 'cape' ? capes : entrepreneurs).push({ ...p, activityId, analyticCode });
      }
      coops.push({ coop, staff, entrepreneurs, capes });
      log(`coopérative ${spec.name} : ${entrepreneurs.length + capes.length} entrepreneur·es`);
    }
    // The demo entrepreneur also works in a second cooperative (shows the switcher); network staff sees all three.
    const first = coops[0];
    await addMembership(trx, coops[1].coop.id, first.entrepreneurs[0].userId, 'entrepreneur');
    const netAdmin = await addUser(`network_admin@${COOPS[0].slug}.demo`, 'Réseau Radieux');
    for (const c of coops) {
      await addMembership(trx, c.coop.id, netAdmin, 'network_admin');
      await addMembership(trx, c.coop.id, netAdmin, 'director');
    }
  });
  const ctx: DemoContext = { odb, rng, coops, today, fileKey: opts.fileKey ?? loadConfig().fileKey, log };
  for (const s of demoSeeders) {
    await s.seed(ctx);
    log(`démo : ${s.name} chargé`);
  }
}

export type { Tx, CooperativeId };

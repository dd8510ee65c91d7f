// Data access and erasure requests (GDPR art. 15, 17, 20): `radieuse person export` and
// `radieuse person erase`. The modules declare their rules; this file finds the person and
// applies them in order (children before parents), in one transaction.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { systemActor } from '../core/actor.ts';
import { audit } from '../core/audit.ts';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import { withSystem } from '../core/db/tenant.ts';
import { UserError } from '../core/errors.ts';
import { readFile } from '../core/files.ts';
import {
  applyRetention,
  type ErasureLine,
  type ExportedSection,
  erasePersonalData,
  exportPersonalData,
  type PersonRef,
  type PersonalDataRules,
} from '../core/personal-data.ts';
import { accountPersonalData, corePersonalData } from '../core/personal-data-rules.ts';
import { type Cooperative, directoryPersonalData, membershipsOfUser } from '../modules/directory/index.ts';
import { campusPersonalData } from '../modules/campus/index.ts';
import { inboxPersonalData } from '../modules/inbox/index.ts';
import { impactPersonalData } from '../modules/impact/index.ts';
import { journeysPersonalData } from '../modules/journeys/index.ts';
import { learningPersonalData } from '../modules/learning/index.ts';
import { ledgerPersonalData } from '../modules/ledger/index.ts';
import { marketPersonalData } from '../modules/market/index.ts';
import { purchasesPersonalData } from '../modules/purchases/index.ts';
import { salesPersonalData } from '../modules/sales/index.ts';
import { vaultPersonalData } from '../modules/vault/index.ts';
import { signaturesPersonalData } from '../modules/signatures/index.ts';

/** Order matters: modules whose rules find rows through another table's data come first. */
const COOPERATIVE_RULES: PersonalDataRules[] = [
  impactPersonalData,
  campusPersonalData,
  inboxPersonalData,
  signaturesPersonalData,
  journeysPersonalData,
  learningPersonalData,
  purchasesPersonalData,
  ledgerPersonalData,
  marketPersonalData,
  salesPersonalData,
  vaultPersonalData,
  directoryPersonalData,
  corePersonalData,
];

const SECRET = /hash|secret|recovery_codes|public_key|credential_id|^content$|^iv$|^auth_tag$/;
const redact = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, SECRET.test(k) && v != null ? '[secret non exporté]' : v]),
  );

async function findPerson(
  odb: OpenDb,
  coop: Cooperative,
  email: string,
): Promise<PersonRef & { hasOtherCooperative: boolean }> {
  const e = email.trim().toLowerCase();
  if (!e.includes('@')) throw new UserError('Adresse e-mail invalide.', 'email');
  return withSystem(odb.db, async (tx) => {
    const u = await coreDb(tx)
      .selectFrom('user_account')
      .select('id')
      .where(sql`lower(email)`, '=', e)
      .executeTakeFirst();
    const memberships = u ? await membershipsOfUser(tx, u.id) : [];
    const here = memberships.some((m) => m.cooperativeId === coop.id);
    const ref: PersonRef = { cooperativeId: coop.id, email: e, userId: u && here ? u.id : null };
    // Someone without an account here may still be known by email (prospect, registrant).
    const { sections } = await exportPersonalData(tx, ref, COOPERATIVE_RULES);
    if (!ref.userId && !sections.length)
      throw new UserError(`Aucune donnée sur ${email} dans la coopérative ${coop.slug}.`, 'email');
    return { ...ref, hasOtherCooperative: memberships.some((m) => m.cooperativeId !== coop.id) };
  });
}

const rulesFor = (p: { userId: string | null; hasOtherCooperative: boolean }) =>
  p.userId && !p.hasOtherCooperative ? [...COOPERATIVE_RULES, accountPersonalData] : COOPERATIVE_RULES;

export interface PersonExport {
  dir: string;
  sections: number;
  rows: number;
  files: number;
}

/** Writes `personne.json` (every row, secrets redacted) and the person's files to `dir`. */
export async function exportPerson(
  odb: OpenDb,
  coop: Cooperative,
  email: string,
  dir: string,
  fileKey: Buffer,
): Promise<PersonExport> {
  const person = await findPerson(odb, coop, email);
  return withSystem(
    odb.db,
    async (tx) => {
      const rules = person.userId ? [...COOPERATIVE_RULES, accountPersonalData] : COOPERATIVE_RULES;
      const { sections, fileIds } = await exportPersonalData(tx, person, rules);
      mkdirSync(join(dir, 'fichiers'), { recursive: true });
      const files: { id: string; name: string; path: string; sha256: string }[] = [];
      for (const id of fileIds) {
        const f = await readFile(tx, fileKey, coop.id, id);
        const path = join('fichiers', `${id}-${f.name.replace(/[^\p{L}\p{N}._-]+/gu, '_')}`);
        writeFileSync(join(dir, path), f.content);
        files.push({ id, name: f.name, path, sha256: f.sha256 });
      }
      const doc = {
        format: 'radieuse-personal-data/1',
        generatedAt: new Date().toISOString(),
        cooperative: { slug: coop.slug, name: coop.name, siren: coop.siren },
        person: { email: person.email, userId: person.userId },
        sections: sections.map((s: ExportedSection) => ({ ...s, rows: s.rows.map(redact) })),
        files,
      };
      writeFileSync(join(dir, 'personne.json'), `${JSON.stringify(doc, null, 2)}\n`);
      await audit(tx, systemActor(coop.id, 'Commande radieuse'), {
        action: 'person.exported',
        data: { sections: sections.length, files: files.length },
      });
      return {
        dir,
        sections: sections.length,
        rows: sections.reduce((n, s) => n + s.rows.length, 0),
        files: files.length,
      };
    },
    { isolation: 'repeatable read' },
  );
}

/** Erases or anonymises what may be, keeps what the law requires, and says which and why. */
export async function erasePerson(
  odb: OpenDb,
  coop: Cooperative,
  email: string,
  opts: { dryRun: boolean },
): Promise<{ lines: ErasureLine[]; accountErased: boolean }> {
  const person = await findPerson(odb, coop, email);
  const rules = rulesFor(person);
  return withSystem(odb.db, async (tx) => {
    const lines = await erasePersonalData(tx, person, rules, opts);
    if (!opts.dryRun)
      await audit(tx, systemActor(coop.id, 'Commande radieuse'), {
        action: 'person.erased',
        // No personal data in the trail: what was done, not to whom (the request is filed apart).
        data: Object.fromEntries(lines.map((l) => [`${l.module}.${l.table}`, `${l.action} (${l.rows})`])),
      });
    return { lines, accountErased: rules.includes(accountPersonalData) };
  });
}

/** The daily retention job: erases what is past the periods of the register of processing. */
export async function runRetention(odb: OpenDb): Promise<{ label: string; rows: number }[]> {
  return withSystem(odb.db, (tx) => applyRetention(tx, [...COOPERATIVE_RULES, accountPersonalData]));
}

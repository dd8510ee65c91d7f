// `radieuse check`: every integrity check of every module, per cooperative, each in a
// repeatable-read snapshot so that a busy server cannot make a false alarm.
import { systemActor } from '../core/actor.ts';
import type { OpenDb } from '../core/db/index.ts';
import { withTenant } from '../core/db/tenant.ts';
import type { IntegrityCheck, IntegrityProblem } from '../core/integrity.ts';
import { auditChainCheck, storedFilesCheck } from '../core/integrity-checks.ts';
import { type Cooperative, listActivities, listCooperatives } from '../modules/directory/index.ts';
import { balancedEntriesCheck, ledgerTotalsByActivity } from '../modules/ledger/index.ts';
import { invoiceNumberingCheck, salesTotalsByActivity } from '../modules/sales/index.ts';
import { archiveProofsCheck } from '../modules/vault/index.ts';

/** The activity account is computed from the ledger: it must say what sales recorded. */
const activityAccountsCheck: IntegrityCheck = {
  label: 'comptes d’activité = grand livre = ventes',
  async run(tx, cooperativeId) {
    const activities = await listActivities(tx, systemActor(cooperativeId));
    const codeOf = new Map(activities.map((a) => [a.id as string, a.analyticCode]));
    const ledger = new Map((await ledgerTotalsByActivity(tx, cooperativeId)).map((l) => [l.analyticCode, l]));
    const problems: { kind: string; detail: string }[] = [];
    const euros = (c: number) => `${(c / 100).toFixed(2)} €`;
    for (const s of await salesTotalsByActivity(tx, cooperativeId)) {
      const code = codeOf.get(s.activityId) ?? s.activityId;
      const l = ledger.get(code) ?? { invoicedExclCents: 0, receivableCents: 0, collectedCents: 0 };
      for (const [what, a, b] of [
        ['chiffre d’affaires HT', s.invoicedExclCents, l.invoicedExclCents],
        ['encaissé', s.collectedCents, l.collectedCents],
        ['reste à encaisser', s.receivableCents, l.receivableCents],
      ] as const)
        if (a !== b)
          problems.push({
            kind: 'activity_account',
            detail: `activité ${code} : ${what} ${euros(a)} dans les ventes, ${euros(b)} au grand livre`,
          });
    }
    return problems;
  },
};

export function integrityChecks(fileKey: Buffer): IntegrityCheck[] {
  return [
    auditChainCheck,
    invoiceNumberingCheck,
    balancedEntriesCheck,
    activityAccountsCheck,
    storedFilesCheck(fileKey),
    archiveProofsCheck(fileKey),
  ];
}

export async function runIntegrity(
  odb: OpenDb,
  opts: { fileKey: Buffer; cooperative?: Cooperative; progress?: (m: string) => void },
): Promise<IntegrityProblem[]> {
  const coops = opts.cooperative ? [opts.cooperative] : await listCooperatives(odb.db);
  const problems: IntegrityProblem[] = [];
  for (const coop of coops) {
    for (const check of integrityChecks(opts.fileKey)) {
      opts.progress?.(`${coop.slug} : ${check.label}`);
      const found = await withTenant(odb.db, coop.id, (trx) => check.run(trx, coop.id), {
        isolation: 'repeatable read',
      });
      for (const p of found) problems.push({ kind: p.kind, cooperative: coop.slug, detail: p.detail });
    }
  }
  return problems;
}

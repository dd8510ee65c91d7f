// A process the crash test kills with SIGKILL in the middle of its work. It loops on one kind of
// money-changing work and prints `tick` after each commit, so the parent knows work is under way.
// usage: node --import tsx crash-worker.ts SCENARIO CONTEXT_JSON
import { backup } from '../../cli/backup.ts';
import type { Actor } from '../../core/actor.ts';
import { loadConfig } from '../../core/config.ts';
import { openDatabase } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { ensureMainAccount, importStatement, writeCamt053 } from '../../modules/bank/index.ts';
import { closePeriod } from '../../modules/ledger/index.ts';
import { createDraft, recordPayment, validateInvoice } from '../../modules/sales/index.ts';
import '../modules.ts';

export interface CrashContext {
  cooperativeId: string;
  activityId: string;
  customerId: string;
  entrepreneur: Actor;
  support: Actor;
  backupFile: string;
  /** Which run this is (each closing run starts on months the previous ones did not reach). */
  round?: number;
}

const [scenario, raw] = process.argv.slice(2);
const ctx = JSON.parse(raw) as CrashContext;
const config = loadConfig();
const odb = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.RADIEUSE_DATA });
const tick = () => process.stdout.write('tick\n');

async function validateOne(i: number) {
  return withTenant(odb.db, ctx.cooperativeId, async (trx) => {
    const d = await createDraft(trx, ctx.entrepreneur, {
      activityId: ctx.activityId,
      customerId: ctx.customerId,
      lines: [
        {
          description: `Séance ${i}`,
          quantityMilli: 1000,
          unitPriceCents: 10_000 + i,
          vatCategory: 'S',
          vatRateBp: 2000,
        },
      ],
    });
    return validateInvoice(trx, ctx.support, d.id);
  });
}

for (let i = 0; ; i++) {
  if (scenario === 'validation') await validateOne(i);
  else if (scenario === 'payments') {
    const inv = await validateOne(i);
    await withTenant(odb.db, ctx.cooperativeId, (trx) =>
      recordPayment(trx, ctx.support, inv.id, { amountCents: Math.floor(inv.totalInclCents / 2), date: '2026-01-20' }),
    );
  } else if (scenario === 'bank-import') {
    await withTenant(odb.db, ctx.cooperativeId, async (trx) => {
      const account = await ensureMainAccount(trx, ctx.support);
      if (!account) throw new Error('no bank account');
      const entries = Array.from({ length: 40 }, (_, k) => ({
        amountCents: 1_000 + k,
        bookingDate: '2026-01-15',
        label: `VIR ${i}-${k}`,
        bankRef: `REF-${i}-${k}`,
      }));
      const xml = writeCamt053({ messageId: `M${i}`, iban: account.iban, createdAt: '2026-01-16T10:00:00', entries });
      await importStatement(trx, ctx.support, {
        accountId: account.id,
        bytes: Buffer.from(xml),
        fileName: `r${i}.xml`,
      });
    });
  } else if (scenario === 'closing') {
    // Months from January 2020 on, one per loop: each closing is one transaction.
    const k = (ctx.round ?? 0) * 60 + i;
    const y = 2000 + Math.floor(k / 12);
    const m = String((k % 12) + 1).padStart(2, '0');
    await withTenant(odb.db, ctx.cooperativeId, (trx) =>
      closePeriod(trx, { ...ctx.support, roles: ['accountant'] }, `${y}-${m}`),
    );
  } else if (scenario === 'backup') {
    await validateOne(i);
    // The third backup is cut after its fifth table by a real SIGKILL (sent from here: the
    // parent would see the progress too late on PGlite, whose work blocks the event loop).
    let tables = 0;
    await backup(odb, ctx.backupFile, () => {
      if (i >= 2 && ++tables === 5) process.kill(process.pid, 'SIGKILL');
    });
  } else throw new Error(`unknown scenario ${scenario}`);
  tick();
}

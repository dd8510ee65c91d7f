// Hand-built sales event payloads for the ledger tests (the sales module emits the same shapes).
import type { InvoiceValidated, PaymentRecorded, VatShare } from '../sales/index.ts';
import { applyBasisPoints } from '../../core/money.ts';
import { createHash } from 'node:crypto';

/** A stable customer id for a label: the sales module emits customer ids (uuids), and so must hand-built
 * events, since other modules listening to them (e-invoicing) store and look them up as uuids. */
export function customerIdFor(label: string): string {
  const h = createHash('sha256').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
/** The default customer of the hand-built invoices (its ledger auxiliary account is this id). */
export const ACME = customerIdFor('C-ACME');

let n = 0;
export function invoicePayload(p: {
  activityId: string;
  activityCode: string;
  date: string;
  shares: [VatShare['nature'], number, number][];
  typeCode?: '380' | '381';
  number?: string;
  customerId?: string;
  customerName?: string;
  preceding?: string;
}): InvoiceValidated {
  n++;
  const shares: VatShare[] = p.shares.map(([nature, baseCents, vatRateBp]) => ({
    nature,
    vatRateBp,
    baseCents,
    vatCents: applyBasisPoints(baseCents, vatRateBp),
  }));
  const totalExclCents = shares.reduce((t, s) => t + s.baseCents, 0);
  const vatCents = shares.reduce((t, s) => t + s.vatCents, 0);
  return {
    invoiceId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    number: p.number ?? `2026-${String(n).padStart(5, '0')}`,
    issueDate: p.date,
    typeCode: p.typeCode ?? '380',
    customerId: p.customerId ?? ACME,
    customerName: p.customerName ?? 'Acme SARL',
    activityId: p.activityId,
    activityCode: p.activityCode,
    shares,
    totalExclCents,
    vatCents,
    totalInclCents: totalExclCents + vatCents,
    precedingInvoiceId: p.preceding ?? null,
  };
}

/** A payment of `amountCents` on an invoice, with its VAT share pro rata (largest share gets the remainder). */
export function paymentPayload(inv: InvoiceValidated, amountCents: number, date: string): PaymentRecorded {
  n++;
  const shares: VatShare[] = inv.shares.map((s) => ({
    ...s,
    baseCents: Math.round((s.baseCents * amountCents) / inv.totalInclCents),
    vatCents: Math.round((s.vatCents * amountCents) / inv.totalInclCents),
  }));
  return {
    paymentId: `00000000-0000-7000-9000-${String(n).padStart(12, '0')}`,
    invoiceId: inv.invoiceId,
    invoiceNumber: inv.number,
    date,
    amountCents,
    customerId: inv.customerId,
    customerName: inv.customerName,
    activityId: inv.activityId,
    activityCode: inv.activityCode,
    method: 'transfer',
    reference: null,
    shares,
  };
}

// --- real sales through the sales services (so real events post) -----------------------------
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import {
  createCustomer,
  createDraft,
  submitInvoice,
  validateInvoice,
  recordPayment,
  type Invoice,
} from '../sales/index.ts';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

let customers = 0;
export async function testCustomer(trx: Tx, actor: Actor, name?: string): Promise<string> {
  customers++;
  const c = await createCustomer(trx, actor, {
    kind: 'individual',
    name: name ?? `Client test ${customers} ${Math.random().toString(36).slice(2, 7)}`,
    email: 'client@example.test',
    addressLine1: '3 rue des Tests',
    postalCode: '69002',
    city: 'Lyon',
    countryCode: 'FR',
  } as Parameters<typeof createCustomer>[2]);
  return c.id;
}
/** A validated invoice of one line (excl. VAT `unitCents`), optionally paid (`payCents` incl. VAT) on `payDate`. */
export async function sell(
  trx: Tx,
  actor: Actor,
  p: {
    activityId: string;
    customerId: string;
    unitCents: number;
    vatRateBp?: number;
    nature?: 'goods' | 'services';
    payCents?: number;
    payDate?: string;
  },
): Promise<Invoice> {
  const d = await createDraft(trx, actor, {
    activityId: p.activityId,
    customerId: p.customerId,
    lines: [
      {
        description: 'Prestation',
        quantityMilli: 1000,
        unitPriceCents: p.unitCents,
        vatCategory: 'S',
        vatRateBp: p.vatRateBp ?? 2000,
        nature: p.nature ?? 'services',
      },
    ],
  });
  await submitInvoice(trx, actor, d.id);
  let inv = await validateInvoice(trx, actor, d.id);
  if (p.payCents)
    inv = await recordPayment(trx, actor, d.id, { amountCents: p.payCents, date: p.payDate, method: 'transfer' });
  return inv;
}

/**
 * The independent reading of a FEC file used by the tests: its lines become an hledger journal
 * (one transaction per journal and entry number), and hledger computes the balance per account
 * in cents. Nothing of the ledger's own code is involved.
 */
export function hledgerBalancesFromFec(fecText: string, workDir: string): Map<string, number> {
  const [, ...lines] = fecText
    .split('\r\n')
    .filter((l) => l.length)
    .map((l) => l.split('\t'));
  const cents = (s: string) => {
    if (!/^\d+,\d{2}$/.test(s)) throw new Error(`montant FEC mal formé : ${s}`);
    const [i, f] = s.split(',');
    return Number(i) * 100 + Number(f);
  };
  const txs = new Map<string, string[]>();
  for (const l of lines) {
    const key = `${l[0]}-${l[2]}`;
    if (!txs.has(key))
      txs.set(key, [`${l[3].slice(0, 4)}-${l[3].slice(4, 6)}-${l[3].slice(6)} ${key} ${l[10].replace(/[;|]/g, ' ')}`]);
    const amount = cents(l[11]) - cents(l[12]);
    txs
      .get(key)!
      .push(
        `    ${l[4]}    ${amount < 0 ? '-' : ''}${Math.trunc(Math.abs(amount) / 100)}.${String(Math.abs(amount) % 100).padStart(2, '0')}`,
      );
  }
  const journal = join(workDir, `fec-${Date.now()}.journal`);
  writeFileSync(journal, `${[...txs.values()].map((x) => x.join('\n')).join('\n\n')}\n`);
  const outCsv = execFileSync('/usr/bin/hledger', ['-f', journal, 'bal', '--flat', '-N', '-E', '-O', 'csv'], {
    encoding: 'utf8',
  });
  const balances = new Map<string, number>();
  for (const line of outCsv.trim().split('\n').slice(1)) {
    const [acc, amt] = line.split(',').map((s) => s.replace(/"/g, ''));
    const [i, f = ''] = amt.replace('-', '').split('.');
    balances.set(acc, (amt.startsWith('-') ? -1 : 1) * (Number(i) * 100 + Number(`${f}00`.slice(0, 2))));
  }
  return balances;
}

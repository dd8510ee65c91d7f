// Bank matching. The ranking is pure (rankSuggestions): a bank line against open items (sales
// invoices, recorded-but-unreconciled payments, and whatever other modules register: supplier
// invoices, expense reimbursements, salaries). Scores: exact amount, number in the label, party
// name in the label (normalised, no accents), date proximity, past matches of the counterparty.
// Auto-matching only when the best suggestion is confident AND clearly ahead of the next one.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { daysBetween, type IsoDate } from '../../core/dates.ts';
import { invoicePaymentIds, listInvoices, receivedPayments, recordPayment } from '../sales/index.ts';
import type { MatchTarget } from './schema.ts';
import { bankDb } from './db.ts';

export interface OpenItem {
  targetType: MatchTarget;
  id: string; // target id (invoice id…)
  number: string | null; // document number to look for in labels
  partyName: string; // customer / supplier / person
  partyKey: string; // customer id…, for past matches
  direction: 'in' | 'out'; // money received (credit lines) or paid (debit lines)
  remainingCents: number; // positive
  issueDate: IsoDate;
  dueDate: IsoDate | null;
  /** A payment already recorded by hand (not yet seen on the bank): linking it records nothing new. */
  existingPaymentId?: string;
  paymentDate?: IsoDate;
  /** False when the owning module settles in full only (supplier invoices, expense reports). */
  allowPartial?: boolean;
}
export interface BankLineLike {
  amountCents: number;
  bookingDate: IsoDate;
  label: string;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  reference: string | null;
}
export interface SuggestionTarget {
  item: OpenItem;
  amountCents: number;
}
export interface Suggestion {
  kind: 'single' | 'grouped' | 'partial';
  targets: SuggestionTarget[];
  score: number;
  reasons: string[];
}
/** Counterparty (normalised IBAN or name) → party keys it paid before. */
export type MatchHistory = Map<string, Set<string>>;

export const AUTO_MIN_SCORE = 80;
export const AUTO_MIN_GAP = 20;

export const normalise = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
const STOP = new Set([
  'SAS',
  'SARL',
  'SA',
  'EURL',
  'SCOP',
  'SCIC',
  'ASSOCIATION',
  'ASSO',
  'LES',
  'DES',
  'DU',
  'DE',
  'LA',
  'LE',
  'ET',
  'THE',
  'MME',
  'MR',
  'M',
]);
const nameTokens = (s: string) =>
  normalise(s)
    .split(' ')
    .filter((t) => t.length >= 3 && !STOP.has(t));

export function historyKeys(l: Pick<BankLineLike, 'counterpartyIban' | 'counterpartyName'>): string[] {
  const k: string[] = [];
  if (l.counterpartyIban) k.push(`iban:${l.counterpartyIban.replace(/\s/g, '').toUpperCase()}`);
  if (l.counterpartyName) k.push(`name:${normalise(l.counterpartyName)}`);
  return k;
}

/** The number appears in the label as a whole token (separators ignored: "F-2026-00012" ≈ "F2026 00012"). */
function numberInLabel(number: string | null, text: string): boolean {
  if (!number) return false;
  const n = normalise(number).replace(/ /g, '');
  if (n.length < 4) return false;
  // Separators are ignored ("2026-00012" ≈ "2026 00012" ≈ "202600012"), but digits must not continue it.
  return new RegExp(`(?<![0-9])${[...n].join(' ?')}(?![0-9])`).test(text);
}

/** 0..1: how much of the party's name appears in the label/counterparty text. */
function nameScore(partyName: string, text: string): number {
  const toks = nameTokens(partyName);
  if (!toks.length) return 0;
  const words = new Set(text.split(' '));
  const hit = toks.filter((t) => words.has(t)).length;
  return hit / toks.length;
}

function dateScore(item: OpenItem, date: IsoDate): number {
  if (item.existingPaymentId && item.paymentDate) {
    const d = Math.abs(daysBetween(item.paymentDate, date));
    return d <= 3 ? 20 : d <= 10 ? 10 : d <= 30 ? 0 : -20;
  }
  const sinceIssue = daysBetween(item.issueDate, date);
  if (sinceIssue < -3) return -30; // paid before the invoice existed: unlikely
  const due = item.dueDate ?? item.issueDate;
  const late = daysBetween(due, date);
  return late <= 15 ? 10 : late <= 60 ? 5 : 0;
}

const targetKey = (i: Pick<OpenItem, 'targetType' | 'id'>) => `${i.targetType}:${i.id}`;
/** True when no two entries settle the same target (an invoice and its recorded payments share one). */
export function distinctTargets(xs: { item: OpenItem }[]): boolean {
  return new Set(xs.map((x) => targetKey(x.item))).size === xs.length;
}

interface Scored {
  item: OpenItem;
  base: number;
  reasons: string[];
  amountExact: boolean;
  numberHit: boolean;
  nameHit: boolean;
}

/** Ranked suggestions for one bank line, best first (at most `limit`). */
export function rankSuggestions(
  line: BankLineLike,
  items: OpenItem[],
  history: MatchHistory = new Map(),
  limit = 5,
): Suggestion[] {
  const direction = line.amountCents >= 0 ? 'in' : 'out';
  const amount = Math.abs(line.amountCents);
  const text = normalise(`${line.label} ${line.counterpartyName ?? ''} ${line.reference ?? ''}`);
  const pastParties = new Set<string>();
  for (const k of historyKeys(line)) for (const p of history.get(k) ?? []) pastParties.add(p);
  const scored: Scored[] = [];
  for (const item of items) {
    if (item.direction !== direction || item.remainingCents <= 0) continue;
    const reasons: string[] = [];
    let base = 0;
    const numberHit = numberInLabel(item.number, text);
    if (numberHit) {
      base += 40;
      reasons.push(`numéro ${item.number} dans le libellé`);
    }
    const ns = nameScore(item.partyName, text);
    const nameHit = ns >= 0.99 || (ns >= 0.5 && nameTokens(item.partyName).length >= 2);
    if (nameHit) {
      base += ns >= 0.99 ? 20 : 12;
      reasons.push(`nom « ${item.partyName} » dans le libellé`);
    }
    if (pastParties.has(item.partyKey)) {
      base += 15;
      reasons.push('même payeur que lors de rapprochements passés');
    }
    const amountExact = item.remainingCents === amount;
    if (!numberHit && !nameHit && !amountExact && !pastParties.has(item.partyKey)) continue;
    base += dateScore(item, line.bookingDate);
    scored.push({ item, base, reasons, amountExact, numberHit, nameHit });
  }
  const out: Suggestion[] = [];
  for (const s of scored) {
    if (s.amountExact)
      out.push({
        kind: 'single',
        targets: [{ item: s.item, amountCents: amount }],
        score: s.base + 50,
        reasons: ['montant exact', ...s.reasons],
      });
    else if (
      s.item.remainingCents > amount &&
      s.numberHit &&
      !s.item.existingPaymentId &&
      s.item.allowPartial !== false
    ) {
      // One invoice paid in several transfers: this line pays part of it.
      out.push({
        kind: 'partial',
        targets: [{ item: s.item, amountCents: amount }],
        score: s.base + (s.nameHit ? 25 : 10),
        reasons: ['paiement partiel', ...s.reasons],
      });
    }
  }
  // Grouped: several items of the line's party (named or numbered in the label) whose remaining amounts sum to the line.
  const pool = scored.filter((s) => (s.numberHit || s.nameHit) && s.item.remainingCents < amount);
  const byParty = new Map<string, Scored[]>();
  for (const s of pool) byParty.set(s.item.partyKey, [...(byParty.get(s.item.partyKey) ?? []), s]);
  for (const group of byParty.values()) {
    const g = group.sort((a, b) => Number(b.numberHit) - Number(a.numberHit)).slice(0, 12);
    const numbered = g.filter((s) => s.numberHit);
    const sumNumbered = numbered.reduce((t, s) => t + s.item.remainingCents, 0);
    if (numbered.length >= 2 && sumNumbered === amount && distinctTargets(numbered)) {
      out.push({
        kind: 'grouped',
        targets: numbered.map((s) => ({ item: s.item, amountCents: s.item.remainingCents })),
        score: 90 + (numbered.every((s) => s.nameHit) ? 10 : 0),
        reasons: [`${numbered.length} factures citées dont la somme est exacte`],
      });
      continue;
    }
    // Without numbers: pairs and triples of the same party summing exactly (suggested, scored lower).
    const found: Scored[][] = [];
    for (let i = 0; i < g.length && found.length < 3; i++)
      for (let j = i + 1; j < g.length; j++) {
        // An invoice and a payment already recorded on it are the same target: never both in one group.
        if (!distinctTargets([g[i], g[j]])) continue;
        const s2 = g[i].item.remainingCents + g[j].item.remainingCents;
        if (s2 === amount) found.push([g[i], g[j]]);
        else
          for (let k = j + 1; k < g.length && s2 < amount; k++)
            if (s2 + g[k].item.remainingCents === amount && distinctTargets([g[i], g[j], g[k]]))
              found.push([g[i], g[j], g[k]]);
      }
    for (const f of found)
      out.push({
        kind: 'grouped',
        targets: f.map((s) => ({ item: s.item, amountCents: s.item.remainingCents })),
        score: 60 + (found.length === 1 ? 10 : 0),
        reasons: [`${f.length} factures de ${f[0].item.partyName} dont la somme est exacte`],
      });
  }
  // A payment already recorded that fits this line hides the "record a new payment" suggestions for the same invoice.
  const linked = new Set(
    out
      .filter((s) => s.kind === 'single' && s.targets[0].item.existingPaymentId && s.score >= 60)
      .map((s) => s.targets[0].item.id),
  );
  const kept = out.filter(
    (s) =>
      // One match per target and line (unique key of bank_match): a suggestion never names a target twice.
      distinctTargets(s.targets) &&
      (s.targets.some((t) => t.item.existingPaymentId) || !s.targets.some((t) => linked.has(t.item.id))),
  );
  return kept.sort((a, b) => b.score - a.score).slice(0, limit);
}

/** The suggestion to apply without asking, or null: confident, and clearly ahead of the runner-up. */
export function autoMatch(suggestions: Suggestion[]): Suggestion | null {
  const [best, second] = suggestions;
  if (!best || best.score < AUTO_MIN_SCORE) return null;
  if (second && best.score - second.score < AUTO_MIN_GAP) return null;
  // Needs a textual clue besides the amount (number or name), never amount + date alone.
  if (
    !best.reasons.some(
      (r) => r.startsWith('numéro') || r.startsWith('nom') || r.startsWith('même payeur') || r.includes('citées'),
    )
  )
    return null;
  return best;
}

// --- sources of open items (extension point) -------------------------------------------------

/** What a module provides so its documents can be matched: its open items, and how to settle one. */
export interface MatchSource {
  targetType: MatchTarget;
  listOpen(trx: Tx, actor: Actor): Promise<OpenItem[]>;
  /** Records the payment in the owning module (ledger posting through its events); returns its id. */
  settle(
    trx: Tx,
    actor: Actor,
    item: OpenItem,
    amountCents: number,
    line: { bookingDate: IsoDate; label: string; reference: string | null; accountId?: string },
  ): Promise<string | null>;
}

const salesSource: MatchSource = {
  targetType: 'invoice',
  async listOpen(trx, actor) {
    const res = await listInvoices(trx, actor, { status: 'issued', pageSize: 10000 });
    const items: OpenItem[] = res.items
      .filter((i) => i.typeCode !== '381' && i.dueCents > 0)
      .map((i) => ({
        targetType: 'invoice',
        id: i.id,
        number: i.number,
        partyName: i.customerName,
        partyKey: i.customerId,
        direction: 'in',
        remainingCents: i.dueCents,
        issueDate: i.issueDate,
        dueDate: i.dueDate,
      }));
    // Payments recorded by hand and not yet seen on a bank line (read-only, scoped).
    const seen = await bankDb(trx)
      .selectFrom('bank_match')
      .select('payment_id')
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('payment_id', 'is not', null)
      .execute();
    const pays = await receivedPayments(trx, actor.cooperativeId, { except: seen.map((m) => m.payment_id!) });
    for (const p of pays)
      items.push({
        targetType: 'invoice',
        id: p.invoiceId,
        number: p.invoiceNumber,
        partyName: p.customerName,
        partyKey: p.customerId,
        direction: 'in',
        remainingCents: p.amountCents,
        issueDate: p.issueDate,
        dueDate: p.dueDate,
        existingPaymentId: p.id,
        paymentDate: p.date,
      });
    return items;
  },
  async settle(trx, actor, item, amountCents, line) {
    if (item.existingPaymentId) return item.existingPaymentId;
    const before = await invoicePaymentIds(trx, actor.cooperativeId, item.id);
    await recordPayment(trx, actor, item.id, {
      amountCents,
      date: line.bookingDate,
      method: 'virement',
      reference: (line.reference ?? line.label).slice(0, 140),
    });
    const after = await invoicePaymentIds(trx, actor.cooperativeId, item.id);
    const known = new Set(before);
    return after.find((a) => !known.has(a)) ?? null;
  },
};

const sources: MatchSource[] = [salesSource];
/**
 * Other modules (purchases: supplier invoices and expense reimbursements; payroll: salaries) call this
 * from their index.ts to have their open items matched against debit lines.
 */
export function registerMatchSource(s: MatchSource): void {
  if (!sources.some((x) => x.targetType === s.targetType)) sources.push(s);
}
export const matchSources = (): readonly MatchSource[] => sources;
export const sourceFor = (t: MatchTarget) => sources.find((s) => s.targetType === t);

export async function loadOpenItems(trx: Tx, actor: Actor): Promise<OpenItem[]> {
  const all: OpenItem[] = [];
  for (const s of sources) all.push(...(await s.listOpen(trx, actor)));
  return all;
}

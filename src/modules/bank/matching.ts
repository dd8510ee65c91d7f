// Bank matching. The ranking is pure (rankSuggestions): a bank line against open items (sales
// invoices, recorded-but-unreconciled payments, and whatever other modules register: supplier
// invoices, expense reimbursements, salaries). Scores: exact amount, number in the label, party
// name in the label (normalised, no accents), date proximity, past matches of the counterparty.
// Auto-matching only when the best suggestion is confident AND clearly ahead of the next one.
import type { Tx } from '../../core/db/tenant.ts';
import type { Actor } from '../../core/actor.ts';
import { daysBetween, type IsoDate } from '../../core/dates.ts';
import { listInvoices, receivedPayments, recordPaymentId, recordPayments } from '../sales/index.ts';
import type { MatchTarget } from './schema.ts';
import { bankDb } from './db.ts';
import { requireModule } from '../../core/authz.ts';

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
function numberInLabel(number: string | null, text: string, compactText = text.replace(/ /g, '')): boolean {
  const n = compactNumber(number);
  if (!n) return false;
  // Cheap first: a label holding the number holds it whole once its spaces are gone.
  if (!compactText.includes(n)) return false;
  // Separators are ignored ("2026-00012" ≈ "2026 00012" ≈ "202600012"), but digits must not continue it.
  return new RegExp(`(?<![0-9])${[...n].join(' ?')}(?![0-9])`).test(text);
}

/** 0..1: how much of the party's name (its tokens) appears among the label's words. */
function nameScore(toks: string[], words: Set<string>): number {
  if (!toks.length) return 0;
  const hit = toks.filter((t) => words.has(t)).length;
  return hit / toks.length;
}
/** Enough of the name in the label: all of it, or half of a name of two words or more. */
const isNameHit = (score: number, tokens: string[]) => score >= 0.99 || (score >= 0.5 && tokens.length >= 2);
/** Each item's name tokens, worked out once however many lines it is ranked against. */
const itemTokens = new WeakMap<OpenItem, { name: string; tokens: string[] }>();
function tokensOf(item: OpenItem): string[] {
  const known = itemTokens.get(item);
  if (known?.name === item.partyName) return known.tokens;
  const tokens = nameTokens(item.partyName);
  itemTokens.set(item, { name: item.partyName, tokens });
  return tokens;
}

/** `fn` with its answers remembered, at most `max` of them (forgotten all at once past that):
 *  a statement ranks thousands of items against the same few hundred dates and numbers. */
function remembered<K, V>(fn: (k: K) => V, max = 100_000): (k: K) => V {
  const known = new Map<K, V>();
  return (k) => {
    if (known.has(k)) return known.get(k) as V;
    const v = fn(k);
    if (known.size >= max) known.clear();
    known.set(k, v);
    return v;
  };
}

/** Days since the epoch of an ISO date (parsing them each time was a tenth of the ranking). */
const dayOf = remembered((d: IsoDate) => daysBetween('1970-01-01', d));

function dateScore(item: OpenItem, date: IsoDate): number {
  const day = dayOf(date);
  if (item.existingPaymentId && item.paymentDate) {
    const d = Math.abs(day - dayOf(item.paymentDate));
    return d <= 3 ? 20 : d <= 10 ? 10 : d <= 30 ? 0 : -20;
  }
  const sinceIssue = day - dayOf(item.issueDate);
  if (sinceIssue < -3) return -30; // paid before the invoice existed: unlikely
  const late = day - dayOf(item.dueDate ?? item.issueDate);
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

/** The normalised number without separators, as numberInLabel compares it (null: too short). */
const compactForm = remembered((number: string) => {
  const n = normalise(number).replace(/ /g, '');
  return n.length >= 4 ? n : null;
});
const compactNumber = (number: string | null): string | null => (number ? compactForm(number) : null);

/** Whether the ranking scores the item at all for a line of this direction: money the same way,
 *  something left to pay. */
const rankable = (item: OpenItem, direction: OpenItem['direction']) =>
  item.direction === direction && item.remainingCents > 0;

/** At most this many items of one party enter a grouped payment (rankSuggestions keeps the first 12). */
const GROUP_SIZE = 12;

/**
 * Open items filed by what can make one a candidate for a bank line: its exact remaining amount,
 * its number in the label, its party's name. Ranking a line against the index scores only the
 * line's candidates (in the items' order, so the ranking is the same as against the list): a
 * statement of 10,000 lines against 10,000 open items costs each line's few candidates, not
 * lines × items. Built once per statement; `moved` re-files an item whose remaining amount a
 * match changed.
 *
 * What each kind of hit can give decides what the index must return. An exact amount or a
 * number gives a single or partial suggestion: all such items are candidates. A name alone (no
 * exact amount, no number) only feeds a grouped payment, which takes the first GROUP_SIZE items
 * of the party below the line's amount (numbered ones first, then in list order): so for a named
 * party the index returns only its first GROUP_SIZE such items, not the 1,650 open invoices a
 * large customer may hold. A past payer alone gives nothing (it only adds to a score), so it
 * makes no candidate.
 */
export class OpenItemIndex {
  private readonly order = new Map<OpenItem, number>();
  private readonly byAmount = new Map<number, Set<OpenItem>>();
  /** A word of a name → the names holding it (normalised name → its tokens and items by party). */
  private readonly namesByWord = new Map<string, Set<string>>();
  private readonly byName = new Map<string, { tokens: string[]; byParty: Map<string, OpenItem[]> }>();
  /** The last four characters of the compact number: a number in a label ends with them. */
  private readonly byNumberEnd = new Map<string, OpenItem[]>();

  constructor(readonly items: OpenItem[]) {
    const file = <K>(m: Map<K, OpenItem[]>, k: K, item: OpenItem) => {
      const list = m.get(k);
      if (list) list.push(item);
      else m.set(k, [item]);
    };
    items.forEach((item, i) => {
      this.order.set(item, i);
      this.fileAmount(item, item.remainingCents);
      const tokens = tokensOf(item);
      const name = tokens.join(' ');
      let named = this.byName.get(name);
      if (!named) {
        named = { tokens, byParty: new Map() };
        this.byName.set(name, named);
        for (const w of new Set(tokens)) {
          const names = this.namesByWord.get(w);
          if (names) names.add(name);
          else this.namesByWord.set(w, new Set([name]));
        }
      }
      file(named.byParty, item.partyKey, item);
      const n = compactNumber(item.number);
      if (n) file(this.byNumberEnd, n.slice(-4), item);
    });
  }

  private fileAmount(item: OpenItem, cents: number) {
    const set = this.byAmount.get(cents);
    if (set) set.add(item);
    else this.byAmount.set(cents, new Set([item]));
  }

  /** An item's remaining amount changed (a match settled part or all of it). */
  moved(item: OpenItem, previousCents: number) {
    this.byAmount.get(previousCents)?.delete(item);
    this.fileAmount(item, item.remainingCents);
  }

  /** Every item that may change the line's suggestions (rankSuggestions gives the same with all
   *  items), in list order. */
  candidates(text: string, amount: number, direction: OpenItem['direction']): OpenItem[] {
    // Only items the ranking scores at all: same direction, something left to pay (a debit line
    // of 120.00 € need not bring the hundreds of invoices of 120.00 € the customers owe).
    const found = new Set<OpenItem>();
    const fits = (item: OpenItem) => rankable(item, direction);
    for (const item of this.byAmount.get(amount) ?? []) if (fits(item)) found.add(item);
    // numberInLabel matches the number with optional spaces between its characters: without the
    // spaces, the label holds it whole, so it ends at one of the label's positions.
    const compact = text.replace(/ /g, '');
    for (let i = 4; i <= compact.length; i++)
      for (const item of this.byNumberEnd.get(compact.slice(i - 4, i)) ?? []) if (fits(item)) found.add(item);
    // Named parties: the first GROUP_SIZE items of each that a grouped payment could take (the
    // numbered ones are found above whatever their rank, and come first in a group).
    const words = text.split(' ');
    const wordSet = new Set(words);
    const names = new Set<string>();
    for (const w of words) for (const name of this.namesByWord.get(w) ?? []) names.add(name);
    for (const name of names) {
      const { tokens, byParty } = this.byName.get(name)!;
      if (!isNameHit(nameScore(tokens, wordSet), tokens)) continue;
      for (const list of byParty.values()) {
        let kept = 0;
        for (const item of list) {
          if (kept === GROUP_SIZE) break;
          if (item.direction !== direction || item.remainingCents <= 0 || item.remainingCents >= amount) continue;
          found.add(item);
          kept++;
        }
      }
    }
    return [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }
}

/**
 * The items whose number the label cites. When two series share a cooperative, "P9-2026-00113"
 * holds "2026-00113" (a separator then a whole number): a label citing the longer one cites
 * that invoice, not the other, so a number that only appears as the end of a longer cited one
 * does not count.
 */
function citedNumbers(items: OpenItem[], text: string, compactText: string): Set<OpenItem> {
  const hits = items.filter((item) => numberInLabel(item.number, text, compactText));
  if (hits.length < 2) return new Set(hits);
  const compact = new Map(hits.map((item) => [item, compactNumber(item.number)!]));
  const longer = [...new Set(compact.values())];
  return new Set(
    hits.filter((item) => {
      const n = compact.get(item)!;
      return !longer.some((m) => m.length > n.length && m.endsWith(n));
    }),
  );
}

/** Ranked suggestions for one bank line, best first (at most `limit`), against open items or
 *  their index (the same result; the index for a whole statement). */
export function rankSuggestions(
  line: BankLineLike,
  items: OpenItem[] | OpenItemIndex,
  history: MatchHistory = new Map(),
  limit = 5,
): Suggestion[] {
  const direction = line.amountCents >= 0 ? 'in' : 'out';
  const amount = Math.abs(line.amountCents);
  const text = normalise(`${line.label} ${line.counterpartyName ?? ''} ${line.reference ?? ''}`);
  const pastParties = new Set<string>();
  for (const k of historyKeys(line)) for (const p of history.get(k) ?? []) pastParties.add(p);
  const candidates = items instanceof OpenItemIndex ? items.candidates(text, amount, direction) : items;
  const words = new Set(text.split(' '));
  const compactText = text.replace(/ /g, '');
  const open = candidates.filter((item) => rankable(item, direction));
  const cited = citedNumbers(open, text, compactText);
  const scored: Scored[] = [];
  for (const item of open) {
    const reasons: string[] = [];
    let base = 0;
    const numberHit = cited.has(item);
    if (numberHit) {
      base += 40;
      reasons.push(`numéro ${item.number} dans le libellé`);
    }
    const tokens = tokensOf(item);
    const ns = nameScore(tokens, words);
    const nameHit = isNameHit(ns, tokens);
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

/** One target of a match to settle: the item, the amount the line pays of it, the line. */
export interface Settlement {
  item: OpenItem;
  amountCents: number;
  line: { bookingDate: IsoDate; label: string; reference: string | null; accountId?: string };
}

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
  /** Optional: what `settle` on each in order would do, at once (a statement's automatic
   *  matches); returns the ids in the same order. */
  settleMany?(trx: Tx, actor: Actor, settlements: Settlement[]): Promise<(string | null)[]>;
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
    return recordPaymentId(trx, actor, item.id, {
      amountCents,
      date: line.bookingDate,
      method: 'virement',
      reference: (line.reference ?? line.label).slice(0, 140),
    });
  },
  async settleMany(trx, actor, settlements) {
    const fresh = settlements.filter((s) => !s.item.existingPaymentId);
    const ids = await recordPayments(
      trx,
      actor,
      fresh.map((s) => ({
        invoiceId: s.item.id,
        amountCents: s.amountCents,
        date: s.line.bookingDate,
        method: 'virement',
        reference: (s.line.reference ?? s.line.label).slice(0, 140),
      })),
    );
    let k = 0;
    return settlements.map((s) => s.item.existingPaymentId ?? ids[k++]);
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
  requireModule(actor, 'bank');
  const all: OpenItem[] = [];
  for (const s of sources) all.push(...(await s.listOpen(trx, actor)));
  return all;
}

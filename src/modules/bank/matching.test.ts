// Matching quality on a generated set of 1,000 bank lines with known answers: clean labels, noisy
// and truncated labels, names only, numbers only, typos, amount-only lines, near-duplicate amounts,
// grouped and partial payments, and noise (fees, internal transfers). Automatic matches must be
// ≥ 99 % correct; precision and recall are printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from '../../core/dates.ts';
import {
  OpenItemIndex,
  rankSuggestions,
  autoMatch,
  historyKeys,
  type OpenItem,
  type BankLineLike,
  type MatchHistory,
  type Suggestion,
} from './matching.ts';

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}

const FIRST = [
  'Boulangerie',
  'Atelier',
  'Librairie',
  'Garage',
  'Studio',
  'Cabinet',
  'Hôtel',
  'Crèche',
  'Ferme',
  'Imprimerie',
  'Menuiserie',
  'Épicerie',
];
const SECOND = [
  'Lumière',
  'Martin',
  'des Pentes',
  'Morel',
  'Ondine',
  'du Parc',
  'Central',
  'Les Petits Pas',
  'Bellevue',
  'Girard',
  'Benali',
  'Lefèvre',
  'Rousseau',
  'Fontaine',
];
const strip = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

interface Expected {
  targets: { id: string; amountCents: number }[] | null;
}

function generate(seed = 42) {
  const r = rng(seed);
  const customers = Array.from({ length: 90 }, (_, i) => ({
    id: `c${i}`,
    name: `${FIRST[i % FIRST.length]} ${SECOND[(i * 7 + Math.floor(i / FIRST.length)) % SECOND.length]}${i >= 84 ? ' Conseil' : ''}`,
    iban: `FR76${String(10000000000 + i * 7919).padStart(23, '0')}`,
  }));
  const common = [12000, 36000, 60000, 120000, 150000, 48000]; // near-duplicate amounts across invoices
  const items: OpenItem[] = [];
  for (let i = 0; i < 1400; i++) {
    const c = r.pick(customers);
    const issue = addDays('2026-01-05', r.int(0, 300));
    const total = r.chance(0.3) ? r.pick(common) + (r.chance(0.3) ? r.pick([-1, 1, 100]) : 0) : r.int(50, 900000);
    items.push({
      targetType: 'invoice',
      id: `i${i}`,
      number: `2026-${String(i + 1).padStart(5, '0')}`,
      partyName: c.name,
      partyKey: c.id,
      direction: 'in',
      remainingCents: total,
      issueDate: issue,
      dueDate: addDays(issue, 30),
    });
  }
  const byCustomer = new Map<string, OpenItem[]>();
  for (const it of items) byCustomer.set(it.partyKey, [...(byCustomer.get(it.partyKey) ?? []), it]);
  const used = new Set<string>();
  const free = (it: OpenItem) => !used.has(it.id);
  const cust = (id: string) => customers.find((c) => c.id === id)!;
  const noisyName = (name: string) => {
    let n = strip(name).toUpperCase();
    if (r.chance(0.3)) n = n.slice(0, 18); // banks cut names
    return n;
  };
  const lines: { line: BankLineLike; expected: Expected; kind: string }[] = [];
  const payDate = (it: OpenItem) => addDays(it.issueDate, r.int(2, 55));
  const push = (kind: string, line: BankLineLike, expected: Expected) => lines.push({ kind, line, expected });
  while (lines.length < 1000) {
    const x = r.next();
    const it = r.pick(items.filter(free));
    const c = cust(it.partyKey);
    const cp = r.chance(0.6)
      ? { counterpartyName: noisyName(c.name), counterpartyIban: c.iban }
      : { counterpartyName: null, counterpartyIban: null };
    if (x < 0.4) {
      // clean: name and number
      used.add(it.id);
      push(
        'clean',
        {
          amountCents: it.remainingCents,
          bookingDate: payDate(it),
          label:
            `VIR SEPA ${noisyName(c.name)} ${r.pick(['FACT', 'FACTURE', 'REGLT', 'F'])} ${r.chance(0.3) ? it.number!.replace('-', '') : it.number} ${r.chance(0.3) ? `REF ${r.int(1000, 9999)}X` : ''}`.trim(),
          reference: null,
          ...cp,
        },
        { targets: [{ id: it.id, amountCents: it.remainingCents }] },
      );
    } else if (x < 0.52) {
      // name only
      used.add(it.id);
      push(
        'name',
        {
          amountCents: it.remainingCents,
          bookingDate: payDate(it),
          label: `VIR ${noisyName(c.name)}`,
          reference: null,
          ...cp,
        },
        { targets: [{ id: it.id, amountCents: it.remainingCents }] },
      );
    } else if (x < 0.62) {
      // number only, in a noisy label
      used.add(it.id);
      push(
        'number',
        {
          amountCents: it.remainingCents,
          bookingDate: payDate(it),
          label: `PRLV/VIR ${r.int(100000, 999999)} PAIEMENT ${it.number!.replace('-', r.pick([' ', '/', '']))}`,
          reference: null,
          counterpartyName: null,
          counterpartyIban: null,
        },
        { targets: [{ id: it.id, amountCents: it.remainingCents }] },
      );
    } else if (x < 0.67) {
      // typo in the number, no name
      used.add(it.id);
      const typo = it.number!.slice(0, -1) + String((Number(it.number!.slice(-1)) + 1) % 10);
      push(
        'typo',
        {
          amountCents: it.remainingCents,
          bookingDate: payDate(it),
          label: `VIREMENT FACTURE ${typo}`,
          reference: null,
          counterpartyName: null,
          counterpartyIban: null,
        },
        { targets: [{ id: it.id, amountCents: it.remainingCents }] },
      );
    } else if (x < 0.75) {
      // grouped: 2–3 invoices of the same customer
      const group = (byCustomer.get(it.partyKey) ?? []).filter(free).slice(0, r.int(2, 3));
      if (group.length < 2) continue;
      for (const g of group) used.add(g.id);
      const withNumbers = r.chance(0.75);
      const sum = group.reduce((t, g) => t + g.remainingCents, 0);
      push(
        withNumbers ? 'grouped' : 'grouped-name',
        {
          amountCents: sum,
          bookingDate: payDate(group[group.length - 1]),
          label: `VIR ${noisyName(c.name)} ${withNumbers ? `FACTURES ${group.map((g) => g.number).join(' ')}` : 'REGLEMENT FACTURES'}`,
          reference: null,
          ...cp,
        },
        { targets: group.map((g) => ({ id: g.id, amountCents: g.remainingCents })) },
      );
    } else if (x < 0.82) {
      // partial: part of one invoice, then possibly the rest later
      if (it.remainingCents < 200) continue;
      used.add(it.id);
      const part = Math.floor(it.remainingCents * r.pick([0.3, 0.5, 0.6]));
      const withName = r.chance(0.7);
      push(
        'partial',
        {
          amountCents: part,
          bookingDate: payDate(it),
          label: `${withName ? `VIR ${noisyName(c.name)} ` : 'VIR '}ACOMPTE FACTURE ${it.number}`,
          reference: null,
          ...(withName ? cp : { counterpartyName: null, counterpartyIban: null }),
        },
        { targets: [{ id: it.id, amountCents: part }] },
      );
    } else if (x < 0.9) {
      // amount only, no clue
      used.add(it.id);
      push(
        'amount',
        {
          amountCents: it.remainingCents,
          bookingDate: payDate(it),
          label: r.pick(['VIREMENT RECU', 'VIR SEPA RECU', 'VIR INST']),
          reference: null,
          counterpartyName: null,
          counterpartyIban: null,
        },
        { targets: [{ id: it.id, amountCents: it.remainingCents }] },
      );
    } else {
      // noise: fees, card spending, internal transfers, unknown credits (sometimes a common amount)
      const credit = r.chance(0.5);
      const amount = r.chance(0.3) ? r.pick(common) : r.int(100, 200000);
      push(
        'noise',
        {
          amountCents: credit ? amount : -amount,
          bookingDate: addDays('2026-01-05', r.int(0, 330)),
          label: r.pick([
            'FRAIS TENUE DE COMPTE',
            'CB PAPETERIE 12/03',
            'VIR INTERNE EPARGNE',
            'REMISE CHEQUES 0012',
            'COTISATION CARTE',
            'VIR CAF ALLOCATIONS',
          ]),
          reference: null,
          counterpartyName: null,
          counterpartyIban: null,
        },
        { targets: null },
      );
    }
  }
  lines.sort((a, b) =>
    a.line.bookingDate < b.line.bookingDate ? -1 : a.line.bookingDate > b.line.bookingDate ? 1 : 0,
  );
  return { items, lines };
}

test('matching 1,000 generated bank lines: automatic matches ≥ 99 % precise', () => {
  const { items, lines } = generate();
  assert.equal(lines.length, 1000);
  const history: MatchHistory = new Map();
  let auto = 0;
  let correct = 0;
  let answerable = 0;
  let suggestedTop = 0;
  const wrongByKind: Record<string, number> = {};
  const autoByKind: Record<string, number> = {};
  for (const { line, expected, kind } of lines) {
    if (expected.targets) answerable++;
    const suggestions = rankSuggestions(line, items, history);
    const key = (ts: { id: string; amountCents: number }[]) =>
      ts
        .map((t) => `${t.id}:${t.amountCents}`)
        .sort()
        .join(',');
    if (
      expected.targets &&
      suggestions[0] &&
      key(suggestions[0].targets.map((t) => ({ id: t.item.id, amountCents: t.amountCents }))) === key(expected.targets)
    )
      suggestedTop++;
    const best = autoMatch(suggestions);
    if (!best) continue;
    auto++;
    autoByKind[kind] = (autoByKind[kind] ?? 0) + 1;
    const got = key(best.targets.map((t) => ({ id: t.item.id, amountCents: t.amountCents })));
    if (expected.targets && got === key(expected.targets)) correct++;
    else wrongByKind[kind] = (wrongByKind[kind] ?? 0) + 1;
    for (const t of best.targets) {
      t.item.remainingCents -= t.amountCents;
      for (const k of historyKeys(line)) {
        if (!history.has(k)) history.set(k, new Set());
        history.get(k)!.add(t.item.partyKey);
      }
    }
  }
  const precision = correct / auto;
  const recall = correct / answerable;
  console.log(
    `matching: ${lines.length} lignes, ${answerable} avec une réponse, ${auto} rapprochements automatiques, ${correct} justes`,
  );
  console.log(
    `matching: précision ${(precision * 100).toFixed(2)} %, rappel ${(recall * 100).toFixed(2)} %, bonne suggestion en tête ${((suggestedTop / answerable) * 100).toFixed(1)} %`,
  );
  console.log(`matching: automatiques par type ${JSON.stringify(autoByKind)}, erreurs ${JSON.stringify(wrongByKind)}`);
  assert.ok(precision >= 0.99, `précision ${precision}`);
  assert.ok(recall >= 0.5, `rappel ${recall}`); // most clean lines must still be matched without a click
  assert.equal(autoByKind.amount ?? 0, 0, 'an amount alone never auto-matches');
  assert.equal(autoByKind.noise ?? 0, 0, 'noise never auto-matches');
});

/** What a ranking shows, comparable between the list and the index (the items are copies). */
const view = (xs: Suggestion[]) =>
  xs.map((x) => ({
    kind: x.kind,
    score: x.score,
    reasons: x.reasons,
    targets: x.targets.map((t) => `${t.item.id}:${t.item.existingPaymentId ?? ''}:${t.amountCents}`),
  }));
/** Settles an automatic match's targets, as autoMatchTransactions does (and re-files them in the index). */
const settle = (best: Suggestion | null, l: BankLineLike, h: MatchHistory, moved?: OpenItemIndex) => {
  for (const t of best?.targets ?? []) {
    const before = t.item.remainingCents;
    t.item.remainingCents -= t.amountCents;
    moved?.moved(t.item, before);
    for (const k of historyKeys(l)) h.set(k, new Set([...(h.get(k) ?? []), t.item.partyKey]));
  }
};
/** Ranks every line against the list and against the index, matches applied as they go; returns
 *  how many were matched automatically. */
function compareListAndIndex(make: () => { items: OpenItem[]; lines: { line: BankLineLike }[] }): number {
  // Two copies of the same statement: one ranked against the list, one against the index.
  const plain = make();
  const indexed = make();
  const index = new OpenItemIndex(indexed.items);
  const [hPlain, hIndexed]: MatchHistory[] = [new Map(), new Map()];
  let autos = 0;
  for (const [k, { line: l }] of plain.lines.entries()) {
    const a = rankSuggestions(l, plain.items, hPlain);
    const b = rankSuggestions(indexed.lines[k].line, index, hIndexed);
    assert.deepEqual(view(b), view(a), `line ${k}: ${l.label}`);
    const best = autoMatch(a);
    if (best) autos++;
    settle(best, l, hPlain);
    settle(autoMatch(b), indexed.lines[k].line, hIndexed, index);
  }
  return autos;
}

test('the index of open items ranks every line exactly as the list does, matches applied as they go', () => {
  const autos = compareListAndIndex(() => generate(7));
  assert.ok(autos > 500, `${autos} automatic matches: the comparison went through settled items`);
});

/** One customer holding 1,500 open invoices among 200 of others, and 600 lines about it: named
 *  with or without numbers, grouped (pairs of its invoices), partial, exact amounts, tiny
 *  amounts, from a payer seen before (its IBAN). */
function bigCustomer(seed: number) {
  const r = rng(seed);
  const big = { id: 'big', name: 'Hôtel du Parc', iban: 'FR7630006000011234567890189' };
  const items: OpenItem[] = [];
  for (let i = 0; i < 1700; i++) {
    const mine = i % 17 !== 0 && items.filter((x) => x.partyKey === 'big').length < 1500;
    const issue = addDays('2025-01-05', r.int(0, 600));
    items.push({
      targetType: 'invoice',
      id: `i${i}`,
      number: `2025-${String(i + 1).padStart(5, '0')}`,
      partyName: mine ? big.name : `${r.pick(FIRST)} ${r.pick(SECOND)}`,
      partyKey: mine ? big.id : `c${i % 40}`,
      direction: 'in',
      remainingCents: r.chance(0.3) ? r.pick([12000, 36000, 60000]) : r.int(50, 400000),
      issueDate: issue,
      dueDate: addDays(issue, 30),
    });
  }
  const mine = items.filter((x) => x.partyKey === big.id);
  const lines: { line: BankLineLike }[] = [];
  for (let k = 0; k < 600; k++) {
    const a = r.pick(mine);
    const b = r.pick(mine);
    const x = r.next();
    const amountCents =
      x < 0.35
        ? a.remainingCents + b.remainingCents
        : x < 0.6
          ? a.remainingCents
          : x < 0.8
            ? r.int(1, 400)
            : r.int(100, 900000);
    const numbers = r.chance(0.3) ? ` FACT ${a.number}${x < 0.35 && r.chance(0.5) ? ` ${b.number}` : ''}` : '';
    const withPayer = r.chance(0.5);
    lines.push({
      line: {
        amountCents,
        bookingDate: addDays('2025-03-01', r.int(0, 600)),
        label: `VIR ${r.chance(0.8) ? 'HOTEL DU PARC' : 'PARC'}${numbers}`,
        counterpartyName: withPayer ? 'HOTEL DU PARC' : null,
        counterpartyIban: withPayer ? big.iban : null,
        reference: null,
      },
    });
  }
  return { items, lines };
}

test('a customer with 1,500 open invoices: the index ranks as the list does and keeps few of them', () => {
  const autos = compareListAndIndex(() => bigCustomer(3));
  assert.ok(autos > 50, `${autos} automatic matches: the comparison went through settled items`);
  // A transfer naming the customer, without number or exact amount, brings 12 of its invoices
  // (the first a grouped payment would take), not the 1,500; and as many of each other party
  // whose name it half holds ("Hôtel Martin").
  const { items } = bigCustomer(3);
  const index = new OpenItemIndex(items);
  const named = index.candidates('VIR HOTEL DU PARC', 777_777, 'in');
  const perParty = new Map<string, number>();
  for (const i of named) perParty.set(i.partyKey, (perParty.get(i.partyKey) ?? 0) + 1);
  assert.equal(perParty.get('big'), 12);
  assert.ok(Math.max(...perParty.values()) <= 12);
  assert.ok(named.every((i) => i.remainingCents < 777_777));
  assert.equal(index.candidates('VIR HOTEL DU PARC', 777_777, 'out').length, 0);
});

const inv = (id: string, number: string, party: string, remaining: number, issue = '2026-10-01'): OpenItem => ({
  targetType: 'invoice',
  id,
  number,
  partyName: party,
  partyKey: party,
  direction: 'in',
  remainingCents: remaining,
  issueDate: issue,
  dueDate: addDays(issue, 30),
});
const line = (amountCents: number, label: string, bookingDate = '2026-10-20'): BankLineLike => ({
  amountCents,
  bookingDate,
  label,
  counterpartyName: null,
  counterpartyIban: null,
  reference: null,
});

test('grouped payment: one transfer for several invoices whose remaining amounts add up', () => {
  const items = [
    inv('a', '2026-00010', 'Hôtel du Parc', 30000),
    inv('b', '2026-00011', 'Hôtel du Parc', 12050),
    inv('c', '2026-00012', 'Garage Central', 12050),
  ];
  const s = rankSuggestions(line(42050, 'VIR HOTEL DU PARC FACT 2026-00010 2026-00011'), items);
  assert.equal(s[0].kind, 'grouped');
  assert.deepEqual(s[0].targets.map((t) => [t.item.id, t.amountCents]).sort(), [
    ['a', 30000],
    ['b', 12050],
  ]);
  assert.equal(autoMatch(s), s[0]);
  // Without numbers: suggested from the customer's open invoices, never automatic.
  const n = rankSuggestions(line(42050, 'VIR HOTEL DU PARC'), items);
  assert.equal(n[0].kind, 'grouped');
  assert.equal(autoMatch(n), null);
});

test('partial payments: an invoice paid by several transfers', () => {
  const items = [inv('a', '2026-00020', 'Studio Ondine', 100000)];
  const first = rankSuggestions(line(40000, 'VIR STUDIO ONDINE ACOMPTE 2026-00020'), items);
  assert.equal(first[0].kind, 'partial');
  assert.equal(first[0].targets[0].amountCents, 40000);
  assert.ok(autoMatch(first));
  items[0].remainingCents -= 40000;
  const second = rankSuggestions(line(60000, 'VIR STUDIO ONDINE SOLDE 2026-00020', '2026-11-02'), items);
  assert.equal(second[0].kind, 'single');
  assert.equal(second[0].targets[0].amountCents, 60000);
  assert.ok(autoMatch(second));
});

test('ambiguity blocks automatic matching: same customer, same amount, no number', () => {
  const items = [
    inv('a', '2026-00030', 'Librairie Le Passage', 36000),
    inv('b', '2026-00031', 'Librairie Le Passage', 36000, '2026-10-03'),
  ];
  const s = rankSuggestions(line(36000, 'VIR LIBRAIRIE LE PASSAGE'), items);
  assert.equal(s.length >= 2, true);
  assert.equal(autoMatch(s), null);
  const withNumber = rankSuggestions(line(36000, 'VIR LIBRAIRIE LE PASSAGE 2026-00031'), items);
  assert.equal(autoMatch(withNumber)?.targets[0].item.id, 'b');
  // A debit line never matches a customer invoice.
  assert.equal(rankSuggestions(line(-36000, 'VIR LIBRAIRIE LE PASSAGE 2026-00031'), items).length, 0);
});

test('fuzz: over-, under- and double payments of the same invoice (with payments recorded by hand)', () => {
  const r = rng(7);
  for (let round = 0; round < 400; round++) {
    const items: OpenItem[] = [];
    const nInv = r.int(1, 3);
    for (let k = 0; k < nInv; k++) {
      const total = r.int(5, 500) * 100;
      const paid = r.chance(0.5) ? Math.floor(total / r.int(2, 4)) : 0;
      const id = `i${k}`;
      const base = { ...inv(id, `2025-0000${k + 1}`, 'Boulangerie Lumière', total - paid) };
      items.push(base);
      if (paid) items.push({ ...base, remainingCents: paid, existingPaymentId: `p${k}`, paymentDate: base.issueDate });
    }
    const totals = new Map(items.filter((i) => !i.existingPaymentId).map((i) => [i.id, i.remainingCents]));
    const invoices = items.filter((i) => !i.existingPaymentId);
    const lines: BankLineLike[] = [];
    for (let k = 0, n = r.int(1, 5); k < n; k++) {
      const target = r.pick(invoices);
      const due = totals.get(target.id)!;
      const amount = r.pick([due, due * 2, due + r.int(1, 999), Math.max(1, due - r.int(1, 999)), due]);
      lines.push(line(amount, `VIR SEPA BOULANGERIE LUMIERE REF ${target.number}`));
    }
    for (const l of lines) {
      const s = rankSuggestions(l, items);
      for (const x of s) {
        const keys = x.targets.map((t) => `${t.item.targetType}:${t.item.id}`);
        assert.equal(new Set(keys).size, keys.length, 'a target twice in one suggestion');
        assert.equal(
          x.targets.reduce((t, y) => t + y.amountCents, 0),
          Math.abs(l.amountCents),
        );
        for (const t of x.targets) assert.ok(t.amountCents <= t.item.remainingCents, 'never above the remaining due');
      }
      const best = autoMatch(s);
      if (!best) continue;
      for (const t of best.targets) {
        // Automatic: the exact remaining due, or an announced part of it (number in the label), never more.
        if (best.kind !== 'partial') assert.equal(t.amountCents, t.item.remainingCents);
        else assert.ok(t.amountCents < t.item.remainingCents);
        t.item.remainingCents -= t.amountCents;
      }
    }
  }
});

test('a number of another series that ends like an invoice number does not cite it', () => {
  // Two series in one cooperative (one per activity, say): "P9-2026-00113" and "2026-00113".
  const items = [inv('p9', 'P9-2026-00113', 'Paul Girard', 87074), inv('plain', '2026-00113', 'Paul Girard', 87074)];
  const s = rankSuggestions(line(87074, 'VIR PAUL GIRARD FACTURE P9-2026-00113'), items);
  assert.equal(s[0].targets[0].item.id, 'p9');
  assert.ok(!s[1].reasons.some((r) => r.startsWith('numéro')), 'the other series is not cited');
  assert.equal(autoMatch(s), s[0]);
  // Cited on its own, the unprefixed one is found, with or without separators, an amount after it.
  for (const label of ['VIR PAUL GIRARD FACT 2026-00113 870,74', 'VIR FACT 202600113'])
    assert.equal(rankSuggestions(line(87074, label), items)[0].targets[0].item.id, 'plain', label);
});

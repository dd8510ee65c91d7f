import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { withTenant, withSystem } from '../../core/db/tenant.ts';
import { emit } from '../../core/events.ts';

import { SALES_EVENTS } from '../sales/index.ts';
import { createManualEntry } from './posting.service.ts';
import { ACME, invoicePayload, paymentPayload } from './test-helpers.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let A: TestCoop;
before(async () => {
  t = await createTestApp();
  [A] = await seedTestCooperatives(t.odb);
  // Customer ACME: invoice 1 200,00 € TTC (1 000 € HT), partial payment 600,00 € (not lettered automatically),
  // and a second receipt of 600,00 € typed by hand on 411 ACME.
  const inv = invoicePayload({
    activityId: A.activityId,
    activityCode: A.analyticCode,
    date: '2026-02-10',
    shares: [['services', 100000, 2000]],
  });
  await withTenant(t.odb.db, A.coop.id, async (trx) => {
    await emit(trx, A.actor('support'), SALES_EVENTS.invoiceValidated, inv);
    await emit(trx, A.actor('support'), SALES_EVENTS.paymentRecorded, paymentPayload(inv, 60000, '2026-03-02'));
    await createManualEntry(trx, A.actor('accountant'), {
      journal: 'BQ',
      date: '2026-03-20',
      label: 'Virement Acme',
      pieceRef: 'REL-03',
      lines: [
        { account: '512', debit: '600,00' },
        { account: '411', auxAccount: ACME, credit: '600,00' },
      ],
    });
  });
});
after(async () => {
  await t.odb.close();
});

const q = async <T>(text: string) => (await sql.raw<T>(text).execute(t.odb.db)).rows;
const acctClient = async () => {
  const c = new TestClient(t.app);
  await c.signIn(A.users.accountant.email, TEST_PASSWORD);
  return c;
};
const openLines = async () =>
  q<{ entry_id: string; line_no: number; debit_cents: number; credit_cents: number; lettering: string | null }>(
    `select entry_id, line_no, debit_cents, credit_cents, lettering from entry_line where cooperative_id = '${A.coop.id}' and account = '411' and aux_account = '${ACME}' order by entry_id, line_no`,
  );

test('lettering: unbalanced selection refused beside the lines and nothing written; balanced selection lettered; then unlettered', async () => {
  const c = await acctClient();
  const page = await c.get(`/comptabilite/lettrage?compte=411&tiers=${ACME}`);
  assert.equal(page.res.status, 200);
  const lines = await openLines();
  assert.equal(lines.length, 3);
  assert.ok(lines.every((l) => l.lettering === null));
  for (const l of lines) assert.match(page.html, new RegExp(`value="${l.entry_id}:${l.line_no}"`));
  const invoice = lines.find((l) => Number(l.debit_cents) === 120000)!;
  const receipts = lines.filter((l) => Number(l.credit_cents) === 60000);
  const key = (l: typeof invoice) => `${l.entry_id}:${l.line_no}`;

  const seqBefore = await q<{ n: number }>(
    `select count(*)::int as n from ledger_sequence where cooperative_id = '${A.coop.id}' and journal_code = '#LET'`,
  );
  const bad = await c.post('/comptabilite/lettrage', {
    compte: '411',
    tiers: ACME,
    lines: [key(invoice), key(receipts[0])],
  });
  assert.equal(bad.res.status, 400);
  assert.match(
    bad.html,
    /id="f-lines-error"[^>]*>Les lignes cochées ne s&#39;équilibrent pas : écart de 600,00\u00a0€ \(débit en trop\)/,
  );
  assert.ok(
    (await openLines()).every((l) => l.lettering === null),
    'nothing lettered',
  );
  assert.deepEqual(
    await q(
      `select count(*)::int as n from ledger_sequence where cooperative_id = '${A.coop.id}' and journal_code = '#LET'`,
    ),
    seqBefore,
    'no code consumed',
  );
  const one = await c.post('/comptabilite/lettrage', { compte: '411', tiers: ACME, lines: [key(invoice)] });
  assert.equal(one.res.status, 400);
  assert.match(one.html, /Cochez au moins deux lignes/);

  const ok = await c.post('/comptabilite/lettrage', {
    compte: '411',
    tiers: ACME,
    lines: [key(invoice), ...receipts.map(key)],
  });
  assert.equal(ok.res.status, 302);
  const after1 = await openLines();
  const code = after1[0].lettering;
  assert.ok(code && /^[A-Z]+$/.test(code));
  assert.ok(after1.every((l) => l.lettering === code));
  const again = await c.get(`/comptabilite/lettrage?compte=411&tiers=${ACME}`);
  assert.match(again.html, /Aucune ligne à lettrer/);
  assert.match(again.html, new RegExp(`<td data-label="Code">${code}</td>`));

  const unknown = await c.post('/comptabilite/lettrage/delettrer', { compte: '411', tiers: ACME, code: 'ZZZ' });
  assert.equal(unknown.res.status, 400);
  assert.match(unknown.html, /id="f-code-error"[^>]*>Aucune ligne du compte 411 ne porte le lettrage ZZZ/);
  assert.ok(
    (await openLines()).every((l) => l.lettering === code),
    'still lettered',
  );
  const un = await c.post('/comptabilite/lettrage/delettrer', { compte: '411', tiers: ACME, code: code! });
  assert.equal(un.res.status, 302);
  assert.ok((await openLines()).every((l) => l.lettering === null));

  const e = new TestClient(t.app);
  await e.signIn(A.users.entrepreneur.email, TEST_PASSWORD);
  assert.equal((await e.get('/comptabilite/lettrage')).res.status, 403);
});

test('chart of accounts: filter, add, duplicate and bad numbers refused, rename, delete only when unused', async () => {
  const c = await acctClient();
  const accounts = async () =>
    await q<{ number: string; label: string }>(
      `select number, label from ledger_account where cooperative_id = '${A.coop.id}' order by number`,
    );
  const list = await c.get('/comptabilite/plan-comptable?q=60');
  assert.equal(list.res.status, 200);
  assert.match(list.html, />604</);
  assert.doesNotMatch(list.html, />411</);
  const n = (await accounts()).length;

  const add = await c.post('/comptabilite/plan-comptable', { number: '6064', label: 'Fournitures de bureau' });
  assert.equal(add.res.status, 302);
  assert.equal((await accounts()).length, n + 1);
  const dup = await c.post('/comptabilite/plan-comptable', { number: '6064', label: 'Autre' });
  assert.equal(dup.res.status, 400);
  assert.match(dup.html, /id="f-number-error"[^>]*>Le compte 6064 existe déjà/);
  for (const bad of ['8123', '12', '123456789', '6a4']) {
    const r = await c.post('/comptabilite/plan-comptable', { number: bad, label: 'Essai' });
    assert.equal(r.res.status, 400, bad);
    assert.match(r.html, /id="f-number-error"[^>]*>Numéro invalide : de 3 à 8 chiffres/);
  }
  const noLabel = await c.post('/comptabilite/plan-comptable', { number: '6065', label: ' ' });
  assert.equal(noLabel.res.status, 400);
  assert.match(noLabel.html, /id="f-label-error"[^>]*>Indiquez un libellé/);
  assert.equal((await accounts()).length, n + 1, 'nothing written by the refused forms');

  const ren = await c.post('/comptabilite/plan-comptable/6064/libelle', { label_6064: 'Petites fournitures' });
  assert.equal(ren.res.status, 302);
  assert.equal((await accounts()).find((a) => a.number === '6064')?.label, 'Petites fournitures');
  const renBad = await c.post('/comptabilite/plan-comptable/6064/libelle', { label_6064: '' });
  assert.equal(renBad.res.status, 400);
  assert.match(renBad.html, /id="f-label_6064-error"[^>]*>Indiquez un libellé/);
  assert.equal((await accounts()).find((a) => a.number === '6064')?.label, 'Petites fournitures');

  const used = await c.post('/comptabilite/plan-comptable/706/supprimer', {});
  assert.equal(used.res.status, 400);
  assert.match(used.html, /Le compte 706 porte des écritures : il ne peut pas être supprimé/);
  assert.ok((await accounts()).some((a) => a.number === '706'));
  const role = await c.post('/comptabilite/plan-comptable/7068/supprimer', {});
  assert.equal(role.res.status, 400);
  assert.match(role.html, /Le compte 7068 sert aux écritures automatiques/);
  assert.ok((await accounts()).some((a) => a.number === '7068'));
  const del = await c.post('/comptabilite/plan-comptable/6064/supprimer', {});
  assert.equal(del.res.status, 302);
  assert.equal((await accounts()).length, n);
});

test('contributions: the rule in plain words, overrides with overlap refused beside the date, simulation current vs simulated', async () => {
  await withSystem(t.odb.db, (trx) =>
    sql`update cooperative set settings = settings || ${JSON.stringify({ contribution: { kind: 'collected_percent', bp: 1000 } })}::jsonb where id = ${A.coop.id}`.execute(
      trx,
    ),
  );
  const c = await acctClient();
  const count = async () =>
    Number(
      (
        await q<{ n: number }>(
          `select count(*)::int as n from contribution_override where cooperative_id = '${A.coop.id}'`,
        )
      )[0].n,
    );
  const page = await c.get('/comptabilite/contributions');
  assert.equal(page.res.status, 200);
  assert.match(page.html, /10\u00a0% du chiffre d&#39;affaires encaissé hors taxes, chaque mois\./);
  assert.match(page.html, /Aucune dérogation/);

  const ok = await c.post('/comptabilite/contributions/derogations', {
    activityId: A.activityId,
    kind: 'collected_percent',
    rate: '5',
    validFrom: '2026-01-01',
    validTo: '2026-06-30',
  });
  assert.equal(ok.res.status, 302);
  assert.equal(await count(), 1);
  const listed = await c.get('/comptabilite/contributions');
  assert.match(listed.html, /5\u00a0% du chiffre d&#39;affaires encaissé hors taxes/);
  assert.match(listed.html, /30 juin 2026/);

  const overlap = await c.post('/comptabilite/contributions/derogations', {
    activityId: A.activityId,
    kind: 'fixed_monthly',
    amount: '150,00',
    validFrom: '2026-06-01',
    validTo: '',
  });
  assert.equal(overlap.res.status, 400);
  assert.match(
    overlap.html,
    /id="f-validFrom-error"[^>]*>Cette dérogation chevauche celle du 1 janv\. 2026 au 30 juin 2026 : ajustez les dates\./,
  );
  const badRate = await c.post('/comptabilite/contributions/derogations', {
    activityId: A.activityId,
    kind: 'collected_percent',
    rate: 'beaucoup',
    validFrom: '2026-07-01',
  });
  assert.equal(badRate.res.status, 400);
  assert.match(badRate.html, /id="f-rate-error"[^>]*>Taux invalide/);
  const noAct = await c.post('/comptabilite/contributions/derogations', {
    activityId: '',
    kind: 'collected_percent',
    rate: '5',
    validFrom: '2026-07-01',
  });
  assert.equal(noAct.res.status, 400);
  assert.match(noAct.html, /id="f-activityId-error"[^>]*>Choisissez l&#39;activité/);
  assert.equal(await count(), 1, 'nothing written by the refused forms');

  // 2026: 500,00 € collected excl. VAT in March (600,00 € incl. VAT at 20 %), under the 5 % override → 25,00 € today; at 12 % → 60,00 €.
  const entries = Number(
    (await q<{ n: number }>(`select count(*)::int as n from journal_entry where cooperative_id = '${A.coop.id}'`))[0].n,
  );
  const sim = await c.get('/comptabilite/contributions?annee=2026&taux=12');
  assert.equal(sim.res.status, 200);
  const row =
    sim.html
      .slice(sim.html.indexOf('Contribution simulée'))
      .match(new RegExp(`<tr><td data-label="Activité">${A.analyticCode} — [^<]*</td>(.*?)</tr>`))?.[1] ?? '';
  assert.match(
    row,
    /Encaissé HT" class="num">500,00\u00a0€.*Actuelle" class="num">25,00\u00a0€.*Simulée" class="num">60,00\u00a0€.*Écart" class="num">\+35,00\u00a0€/,
  );
  assert.equal(
    Number(
      (await q<{ n: number }>(`select count(*)::int as n from journal_entry where cooperative_id = '${A.coop.id}'`))[0]
        .n,
    ),
    entries,
    'a simulation writes nothing',
  );
  const badSim = await c.get('/comptabilite/contributions?annee=2026&taux=abc');
  assert.equal(badSim.res.status, 400);
  assert.match(badSim.html, /id="f-taux-error"[^>]*>Taux invalide/);
});

test('every accounting page shows the same tabs, its own marked as the page shown', async () => {
  const c = await acctClient();
  const hrefs = [
    '/comptabilite',
    '/comptabilite/balance',
    '/comptabilite/saisie',
    '/comptabilite/lettrage',
    '/comptabilite/plan-comptable',
    '/comptabilite/periodes',
    '/comptabilite/contributions',
    '/comptabilite/exports',
    '/comptabilite/import',
  ];
  for (const page of hrefs) {
    const { res, html } = await c.get(page);
    assert.equal(res.status, 200, page);
    const nav = /<nav class="tabs" aria-label="Comptabilité">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
    assert.deepEqual(
      [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]),
      hrefs,
      `tabs of ${page}`,
    );
    assert.deepEqual(
      [...nav.matchAll(/<a href="([^"]+)" aria-current="page"/g)].map((m) => m[1]),
      [page],
      `current tab of ${page}`,
    );
  }
});

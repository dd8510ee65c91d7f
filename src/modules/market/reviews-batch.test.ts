// The list form of the review links (a bank statement settling many invoices at once) does what
// the one-invoice form does for each: the same links, the same messages in the same order, none
// for a customer without e-mail or an activity without a marketplace profile, one per invoice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, seedTestCooperatives, type TestCoop } from '../../app/testing.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { Tx } from '../../core/db/handles.ts';
import { saveProfile } from './profile.service.ts';
import {
  issueAndMailReviewLinks,
  issueReviewLink,
  mailReviewLink,
  parseReviewToken,
  reviewLinkState,
} from './reviews.service.ts';
import { marketDb } from './db.ts';
import { moduleView } from '../../core/db/handles.ts';

let odb: OpenDb;
let one: TestCoop;
let many: TestCoop;
before(async () => {
  odb = await createTestDb();
  [one, many] = await seedTestCooperatives(odb, { withPasswords: false });
  for (const c of [one, many])
    await withTenant(odb.db, c.coop.id, (t) =>
      saveProfile(t as unknown as Tx, c.actor('entrepreneur'), c.activityId, {
        displayName: 'Atelier Test',
        headline: 'Menuiserie',
        description: 'Menuiserie en coopérative.',
        category: 'batiment',
        postcode: '69003',
        radiusKm: '40',
        publicPhone: '',
        published: 'on',
      }),
    );
});
after(() => odb?.close());

const URL_BASE = 'https://radieuse.example';
/** Four paid invoices: two mailed, one without e-mail, one of an activity without profile; the
 *  first invoice again (a link is made once per invoice). */
function paid(c: TestCoop) {
  const customerId = uuidv7();
  const rows = [
    {
      invoiceId: uuidv7(),
      activityId: c.activityId,
      customerId,
      customerName: 'Mme Rivière',
      customerEmail: 'r@exemple.fr',
    },
    {
      invoiceId: uuidv7(),
      activityId: c.activityId,
      customerId,
      customerName: 'M. Sans Courriel',
      customerEmail: null,
    },
    {
      invoiceId: uuidv7(),
      activityId: uuidv7(),
      customerId,
      customerName: 'Sans vitrine',
      customerEmail: 's@exemple.fr',
    },
    {
      invoiceId: uuidv7(),
      activityId: c.activityId,
      customerId,
      customerName: 'M. Chêne',
      customerEmail: 'c@exemple.fr',
    },
  ];
  return [...rows, rows[0]!];
}

const mails = moduleView<{
  mail_outbox: {
    cooperative_id: string | null;
    to_address: string;
    subject: string;
    text_body: string;
    headers: unknown;
    id: string;
  };
}>();
async function outcome(c: TestCoop) {
  const links = await marketDb(odb.db as never)
    .selectFrom('market_review_link')
    .select(['invoice_id', 'token_hash'])
    .where('cooperative_id', '=', c.coop.id)
    .execute();
  const sent = await mails(odb.db)
    .selectFrom('mail_outbox')
    .select(['to_address', 'subject', 'text_body', 'headers'])
    .where('cooperative_id', '=', c.coop.id)
    .orderBy('id')
    .execute();
  // Each link's secret is random: what is compared is its place, the rest of the text is equal.
  const text = sent.map((m) => ({ ...m, text_body: m.text_body.replace(/\/avis\/[^\s]+/, '/avis/…') }));
  return {
    links: links.length,
    linkedInvoices: new Set(links.map((l) => l.invoice_id)),
    text,
    tokens: sent.map((m) => /\/avis\/([^\s]+)/.exec(m.text_body)?.[1]),
  };
}

test('issueAndMailReviewLinks equals issueReviewLink then mailReviewLink, invoice by invoice', async () => {
  const a = paid(one);
  await withTenant(odb.db, one.coop.id, async (t) => {
    for (const p of a) {
      if (!p.customerEmail) continue;
      const token = await issueReviewLink(t as unknown as Tx, one.coop.id, p);
      if (token)
        await mailReviewLink(
          t as unknown as Tx,
          one.coop.id,
          p.customerEmail,
          p.customerName,
          p.activityId,
          token,
          URL_BASE,
        );
    }
  });
  const b = paid(many);
  await withTenant(odb.db, many.coop.id, (t) => issueAndMailReviewLinks(t as unknown as Tx, many.coop.id, b, URL_BASE));
  const x = await outcome(one);
  const y = await outcome(many);
  assert.equal(x.links, 2);
  assert.equal(y.links, 2);
  assert.deepEqual(y.linkedInvoices, new Set([b[0]!.invoiceId, b[3]!.invoiceId]));
  assert.deepEqual(y.text, x.text);
  assert.deepEqual(
    y.text.map((m) => m.to_address),
    ['r@exemple.fr', 'c@exemple.fr'],
  );
  for (const token of y.tokens) {
    const parsed = parseReviewToken(token ?? '');
    assert.equal(parsed?.coopId, many.coop.id);
    const state = await withTenant(odb.db, many.coop.id, (t) =>
      reviewLinkState(t as unknown as Tx, many.coop.id, parsed!.secret),
    );
    assert.deepEqual(
      state,
      { activityId: many.activityId, displayName: 'Atelier Test', used: false },
      'the mailed link opens the form',
    );
  }
  // Paid again (a statement imported twice would not, but a replay might): nothing new.
  await withTenant(odb.db, many.coop.id, (t) => issueAndMailReviewLinks(t as unknown as Tx, many.coop.id, b, URL_BASE));
  assert.equal((await outcome(many)).text.length, 2);
});

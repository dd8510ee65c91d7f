// The demo network's campus knowledge: resource persons with tags and endorsements in several
// cooperatives (one of the network, one offering a slot), articles promoted to the whole network
// with their attribution, an article in review, ideas in every status, adopted ones seen elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDemoTestDb } from '../../app/testing.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { systemActor } from '../../core/actor.ts';
import { listCooperatives } from '../directory/index.ts';
import { findHelpers } from './experts.service.ts';
import { listArticles } from './articles.service.ts';
import { listIdeas } from './ideas.service.ts';

test('demo: resource persons across cooperatives, network articles, ideas in every status', async () => {
  const odb = await createDemoTestDb();
  try {
    const coops = await listCooperatives(odb.db);
    assert.ok(coops.length >= 2);
    const last = coops[coops.length - 1];
    const actor = systemActor(last.id);
    await withTenant(odb.db, last.id, async (tx) => {
      const helpers = await findHelpers(tx, actor, '', { limit: 100 });
      assert.ok(new Set(helpers.map((h) => h.cooperativeId)).size >= 2, 'resource persons of several cooperatives');
      assert.ok(helpers.some((h) => h.badge === 'network'));
      assert.ok(helpers.filter((h) => h.badge === 'cooperative').length >= 2);
      assert.ok(helpers.every((h) => h.endorsements >= 1));
      const sig = await findHelpers(tx, actor, 'signature electronique');
      assert.ok(sig.length >= 1);
      const net = await listArticles(tx, actor, { view: 'network' });
      assert.ok(net.length >= 2, 'articles promoted to the network');
      assert.ok(new Set(net.map((a) => a.cooperativeName)).size >= 2, 'from several cooperatives');
      const ideas = await listIdeas(tx, actor);
      assert.deepEqual([...new Set(ideas.map((i) => i.status))].sort(), ['adopted', 'done', 'new', 'studied']);
      assert.ok(ideas.some((i) => i.votes > 0 && i.comments > 0));
      assert.ok((await listIdeas(tx, actor, { elsewhere: true })).length >= 1);
    });
  } finally {
    await odb.close();
  }
});

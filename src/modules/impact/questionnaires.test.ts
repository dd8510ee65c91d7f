// The questionnaire builder and a wave of it answered through anonymous links, over HTTP: a
// conditional question is skipped when its condition is false (whatever is sent) and required
// when true, with the French error beside it; the answer row holds no link, person or time;
// results are hidden under 5 answers and shown from 5; free texts reach network analysts only;
// editing a used questionnaire makes a new version and the old wave keeps its questions; the
// CSV is aggregated. Runs on PGlite and, with DATABASE_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClient } from '../../app/testing-web.ts';
import { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from '../../app/testing.ts';
import type { OpenDb } from '../../core/db/index.ts';
import { impactDb } from './db.ts';

let odb: OpenDb;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let a: TestCoop;
let b: TestCoop;
before(async () => {
  ({ odb, app } = await createTestApp());
  [a, b] = await seedTestCooperatives(odb);
});
after(async () => {
  await odb.close();
});

async function signed(coop: TestCoop, role: 'support' | 'entrepreneur' | 'director' | 'network_admin') {
  const c = new TestClient(app);
  await c.signIn(coop.users[role].email, TEST_PASSWORD);
  return c;
}
const QUESTION = {
  type: 'single',
  label: '',
  help: '',
  required: 'on',
  options: '',
  scale_min: '1',
  scale_max: '5',
  scale_min_label: 'Pas du tout',
  scale_max_label: 'Tout à fait',
  number_min: '',
  number_max: '',
  condition: '',
};
const linksOf = (html: string) =>
  [...html.matchAll(/https?:\/\/[^\s<]*\/enquete\/([0-9a-f-]{36}\.[A-Za-z0-9_-]{32})/g)].map((m) => m[1]!);

let qid = '';
let sup: TestClient;
let waveId = '';
let links: string[] = [];

test('the builder: questions of every type, a condition, reorder, preview', async () => {
  sup = await signed(a, 'support');
  const bad = await sup.post('/impact/questionnaires', { title: 'x', intro: '' });
  assert.equal(bad.res.status, 400);
  assert.match(bad.html, /Indiquez un titre/);
  const created = await sup.post('/impact/questionnaires', { title: 'Après la sortie', intro: 'Six mois plus tard.' });
  assert.equal(created.res.status, 303);
  qid = /\/impact\/questionnaires\/([0-9a-f-]{36})$/.exec(created.res.headers.get('location') ?? '')![1]!;
  const base = `/impact/questionnaires/${qid}`;
  const add = (q: Record<string, string>) => sup.post(`${base}/questions`, { ...QUESTION, ...q });
  assert.equal((await add({ label: 'Avez-vous un emploi ?', options: 'Oui\nNon' })).res.status, 303); // q1
  // A condition must refer to an earlier question's answer.
  const wrong = await add({ type: 'short_text', label: 'Lequel ?', condition: 'q9:o1' });
  assert.equal(wrong.res.status, 400);
  assert.match(wrong.html, /placée avant/);
  assert.equal((await add({ type: 'short_text', label: 'Quel emploi ?', condition: 'q1:o1' })).res.status, 303); // q2
  assert.equal((await add({ type: 'scale', label: 'Satisfaction', scale_min: '0', scale_max: '10' })).res.status, 303); // q3
  assert.equal(
    (await add({ type: 'number', label: 'Heures par semaine', number_min: '0', number_max: '80', required: '' })).res
      .status,
    303,
  ); // q4
  assert.equal(
    (await add({ type: 'multiple', label: 'Ce qui vous a aidé', options: 'Ateliers\nAccompagnement\nRéseau' })).res
      .status,
    303,
  ); // q5
  assert.equal((await add({ type: 'long_text', label: 'Un mot ?', required: '' })).res.status, 303); // q6
  // A bad scale is refused beside its field.
  const badScale = await add({ type: 'scale', label: 'Mauvaise', scale_min: '3', scale_max: '4' });
  assert.equal(badScale.res.status, 400);
  assert.match(badScale.html, /au moins 3 points/);
  // Reorder: q2 cannot move above q1, which it depends on; q3 can move up and back.
  const up = await sup.post(`${base}/questions/q2/monter`, {});
  assert.equal(up.res.status, 400);
  assert.match(up.html, /reste placée après/);
  assert.equal((await sup.post(`${base}/questions/q4/monter`, {})).res.status, 303);
  let page = await sup.get(base);
  assert.ok(page.html.indexOf('Heures par semaine') < page.html.indexOf('Satisfaction'));
  assert.equal((await sup.post(`${base}/questions/q4/descendre`, {})).res.status, 303);
  // Deleting q1 is refused while q2 depends on it.
  assert.equal((await sup.post(`${base}/questions/q1/supprimer`, {})).res.status, 400);
  page = await sup.get(base);
  assert.match(page.html, /Version 1 \(brouillon/);
  assert.match(page.html, /seulement si « Avez-vous un emploi \? » est « Oui »/);
  // Preview: answering « Non » without q2 is valid; « Oui » without q2 is not.
  const prev = await sup.get(`${base}/apercu`);
  assert.equal(prev.res.status, 200);
  assert.match(prev.html, /data-if-question="q1"/);
  const p1 = await sup.post(`${base}/apercu`, { q1: 'o2', q3: '7', q5: 'o1' });
  assert.equal(p1.res.status, 200, p1.html.slice(0, 200));
  assert.match(p1.html, /Réponse valable/);
  const p2 = await sup.post(`${base}/apercu`, { q1: 'o1', q3: '7', q5: 'o1' });
  assert.equal(p2.res.status, 400);
  assert.match(p2.html, /id="q-q2-error"[^>]*>Répondez à cette question/);
  // The built-in WHO-5 and QVT barometers preview too.
  assert.match((await sup.get('/impact/questionnaires/modele/qvt_support')).html, /Charge|accompagne/);
  assert.equal((await sup.get('/impact/questionnaires/modele/nope')).res.status, 404);
  // Other cooperatives and entrepreneurs see nothing of it.
  const other = await signed(b, 'director');
  assert.equal((await other.get(base)).res.status, 404);
  const ent = await signed(a, 'entrepreneur');
  assert.equal((await ent.get(base)).res.status, 403);
});

test('a wave of it answered through anonymous links: conditions server-side, nothing tied to a person', async () => {
  const created = await sup.post('/impact/enquetes', {
    questionnaire: qid,
    title: 'Sortants 2026',
    kind: 'after_exit',
    links: '8',
    opens_on: '',
    closes_on: '',
  });
  assert.equal(created.res.status, 200, created.html.slice(0, 300));
  links = linksOf(created.html);
  assert.equal(links.length, 8);
  const anon = new TestClient(app);
  const form = await anon.get(`/enquete/${links[0]}`);
  assert.equal(form.res.status, 200);
  assert.match(form.html, /Quel emploi \?/);
  assert.match(form.html, /À remplir seulement si vous avez répondu « Oui »/);
  assert.match(form.html, /survey\.js/);
  // « Non »: the conditional question is skipped, even if something was typed in it.
  let r = await anon.post(`/enquete/${links[0]}`, { q1: 'o2', q2: 'CACHÉ', q3: '4', q5: ['o1', 'o3'] });
  assert.equal(r.res.status, 200, r.html.slice(0, 400));
  // « Oui » without saying which job: refused, error beside q2, the other answers kept.
  r = await anon.post(`/enquete/${links[1]}`, { q1: 'o1', q3: '8', q4: '35', q5: 'o2' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /id="q-q2-error"[^>]*>Répondez à cette question/);
  assert.match(r.html, /value="35"/);
  // Bad number: its own message.
  r = await anon.post(`/enquete/${links[1]}`, { q1: 'o1', q2: 'Boulangère', q3: '8', q4: '200', q5: 'o2' });
  assert.equal(r.res.status, 400);
  assert.match(r.html, /au plus 80/);
  const answersSets: Record<string, string | string[]>[] = [
    { q1: 'o1', q2: 'Boulangère', q3: '8', q4: '35', q5: 'o2', q6: 'Merci pour tout SECRETMOT' },
    { q1: 'o1', q2: 'Graphiste', q3: '9', q5: ['o1', 'o2'] },
    { q1: 'o2', q3: '5', q4: '10', q5: 'o3' },
  ];
  for (const [i, s] of answersSets.entries())
    assert.equal((await anon.post(`/enquete/${links[i + 1]}`, s)).res.status, 200);
  // 4 answers: hidden.
  waveId = await waveIdOf('Sortants 2026');
  let res = await sup.get(`/impact/enquetes/${waveId}`);
  assert.equal(res.res.status, 200);
  assert.match(res.html, /4 réponses sur 8 liens/);
  assert.doesNotMatch(res.html, /Moyenne/);
  assert.match(res.html, /moins de 5 personnes : résultats masqués/);
  // The fifth answer: figures show.
  assert.equal(
    (await anon.post(`/enquete/${links[4]}`, { q1: 'o1', q2: 'Menuisier', q3: '6', q4: '40', q5: 'o2', q6: 'Bien' }))
      .res.status,
    200,
  );
  res = await sup.get(`/impact/enquetes/${waveId}`);
  assert.match(res.html, /5 réponses sur 8 liens/);
  // Satisfaction 4, 8, 9, 5, 6: mean 6.4, median 6.
  assert.match(res.html, /Moyenne : <strong>6,4<\/strong> · médiane : <strong>6<\/strong>/);
  // q1: Oui 3, Non 2 — « Non » under 5 is hidden, and so is « Oui » (else 5 − 3 gives it away).
  assert.match(res.html, /<td>Oui<\/td><td class="num">masqué/);
  // q2 (shown only to those who said yes) has 3 answers: hidden whole.
  assert.match(res.html, /Quel emploi \?<\/h3><p class="hint">3 réponses — moins de 5 personnes/);
  // Used and garbage links.
  assert.equal((await anon.get(`/enquete/${links[0]}`)).res.status, 404);
  assert.equal((await anon.post(`/enquete/${links[0]}`, { q1: 'o2', q3: '1' })).res.status, 404);
  // The rows: no link, no person, no time of day; the skipped question was not stored.
  const rows = await impactDb(odb.db)
    .selectFrom('impact_survey_answer')
    .selectAll()
    .where('survey_id', '=', waveId)
    .execute();
  assert.equal(rows.length, 5);
  assert.deepEqual(Object.keys(rows[0]!).sort(), [
    'answered_on',
    'answers',
    'cooperative_id',
    'id',
    'items',
    'score',
    'survey_id',
  ]);
  const all = JSON.stringify(rows);
  assert.doesNotMatch(all, /CACHÉ/);
  for (const l of links) assert.ok(!all.includes(l.split('.')[1]!));
  for (const u of Object.values(a.users)) assert.ok(!all.includes(u.id));
  for (const r of rows) assert.match(String(r.answered_on), /\d{4}/); // a day, kept as a date (no time column)
  // The CSV: aggregated lines only, no free text, no person, no link.
  const csv = await sup.get(`/impact/enquetes/${waveId}/resultats.csv`);
  assert.equal(csv.res.status, 200);
  assert.match(csv.res.headers.get('content-disposition') ?? '', /attachment/);
  assert.match(csv.html, /^question,libelle,reponse,personnes/);
  assert.doesNotMatch(csv.html, /SECRETMOT|Boulangère|Menuisier/);
  for (const u of Object.values(a.users)) assert.ok(!csv.html.includes(u.id) && !csv.html.includes(u.email));
  assert.match(csv.html, /q3,Satisfaction,\(ensemble\),5,,,,6\.4,6,/);
});

test('free texts: hidden from directors, read by network analysts (from 5 answers)', async () => {
  const dir = await signed(a, 'director');
  const seen = await dir.get(`/impact/enquetes/${waveId}`);
  assert.equal(seen.res.status, 200);
  assert.doesNotMatch(seen.html, /SECRETMOT/);
  assert.match(seen.html, /ne sont lues que par les analystes du réseau/);
  const net = await signed(a, 'network_admin');
  const read = await net.get(`/impact/enquetes/${waveId}`);
  // q6 was answered by 2 people: hidden even for analysts.
  assert.doesNotMatch(read.html, /SECRETMOT/);
  assert.match(read.html, /Réponses libres masquées : moins de 5 personnes/);
  // Three more answers with a word: 5 texts, shown to the analyst only, sorted (not in arrival order).
  const anon = new TestClient(app);
  for (const [i, w] of ['Zèbre', 'Avenir', 'Courage'].entries())
    assert.equal((await anon.post(`/enquete/${links[5 + i]}`, { q1: 'o2', q3: '5', q5: 'o1', q6: w })).res.status, 200);
  const again = await net.get(`/impact/enquetes/${waveId}`);
  assert.match(again.html, /SECRETMOT/);
  assert.ok(again.html.indexOf('Avenir') < again.html.indexOf('Zèbre'));
  assert.doesNotMatch((await dir.get(`/impact/enquetes/${waveId}`)).html, /SECRETMOT|Zèbre/);
  assert.doesNotMatch((await net.get(`/impact/enquetes/${waveId}/resultats.csv`)).html, /SECRETMOT|Zèbre/);
});

test('versioning: editing a used questionnaire writes version 2; the old wave keeps version 1', async () => {
  const base = `/impact/questionnaires/${qid}`;
  let page = await sup.get(base);
  assert.match(page.html, /Version 1, déjà utilisée/);
  assert.equal(
    (
      await sup.post(`${base}/questions/q3`, {
        ...QUESTION,
        type: 'scale',
        label: 'Satisfaction générale',
        scale_min: '0',
        scale_max: '10',
      })
    ).res.status,
    303,
  );
  page = await sup.get(base);
  assert.match(page.html, /Version 2 \(brouillon/);
  // A second edit stays in version 2 (not yet used).
  assert.equal((await sup.post(base, { title: 'Après la sortie (révisé)', intro: '' })).res.status, 303);
  const versions = await impactDb(odb.db)
    .selectFrom('impact_questionnaire_version')
    .select(['version', 'used', 'definition'])
    .where('questionnaire_id', '=', qid)
    .orderBy('version')
    .execute();
  assert.deepEqual(
    versions.map((v) => [v.version, v.used]),
    [
      [1, true],
      [2, false],
    ],
  );
  assert.equal(versions[0]!.definition.questions[2]!.label, 'Satisfaction');
  // The old wave still shows its own questions and its version.
  const old = await sup.get(`/impact/enquetes/${waveId}`);
  assert.match(old.html, /version 1/);
  assert.match(old.html, /<h3>Satisfaction<\/h3>/);
  // A new wave uses version 2 and freezes it.
  const w2 = await sup.post('/impact/enquetes', {
    questionnaire: qid,
    title: 'Sortants 2027',
    kind: 'yearly',
    links: '2',
  });
  assert.equal(w2.res.status, 200);
  const wave = await impactDb(odb.db)
    .selectFrom('impact_survey')
    .select(['questionnaire_version', 'kind'])
    .where('title', '=', 'Sortants 2027')
    .executeTakeFirstOrThrow();
  assert.equal(wave.questionnaire_version, 2);
  assert.equal(wave.kind, 'yearly');
  const form = await new TestClient(app).get(`/enquete/${linksOf(w2.html)[0]}`);
  assert.match(form.html, /Satisfaction générale/);
});

test('dates: before the opening and after the closing, a link takes no answer', async () => {
  const w = await sup.post('/impact/enquetes', {
    questionnaire: 'who5',
    title: 'Close',
    kind: 'ad_hoc',
    links: '1',
    opens_on: '2020-01-01',
    closes_on: '2020-01-31',
  });
  const [l] = linksOf(w.html);
  const anon = new TestClient(app);
  const r = await anon.get(`/enquete/${l}`);
  assert.equal(r.res.status, 410);
  assert.match(r.html, /close depuis le 2020-01-31/);
  assert.equal((await anon.post(`/enquete/${l}`, { q0: '1', q1: '1', q2: '1', q3: '1', q4: '1' })).res.status, 410);
  const badDates = await sup.post('/impact/enquetes', {
    questionnaire: 'who5',
    title: 'Dates',
    links: '1',
    opens_on: '2026-02-01',
    closes_on: '2026-01-01',
  });
  assert.equal(badDates.res.status, 400);
  assert.match(badDates.html, /La clôture vient après l’ouverture/);
});

async function waveIdOf(title: string): Promise<string> {
  const r = await impactDb(odb.db)
    .selectFrom('impact_survey')
    .select('id')
    .where('title', '=', title)
    .executeTakeFirstOrThrow();
  return r.id;
}

// The world the attack suite plays in: the demo network (every module's objects, as real as the
// demo is), one victim cooperative whose private texts carry a marker, signed-in clients for
// every role of another cooperative, and the list of routes read from the app itself, so a new
// module's pages are attacked the day they are mounted.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { victimActors } from './testing-attack-actor.ts';
import { coreDb } from '../core/db/handles.ts';
import type { OpenDb } from '../core/db/index.ts';
import { DEMO_PASSWORD } from './demo.ts';
import { createDemoTestDb, TEST_PNG, testConfig } from './testing.ts';
import { privateCourseWithEverything } from '../modules/learning/testing.ts';
import { ownSurveyObjects } from '../modules/impact/testing.ts';
import { photoOnProfile } from '../modules/market/testing.ts';
import { createApplicationToken } from '../modules/api/index.ts';
import { withTenant } from '../core/db/tenant.ts';
import { createTestApp, TestClient } from './testing-web.ts';
import { peopleVictimFixtures } from './testing-attack-people.ts';
import { toolsVictimFixtures } from './testing-attack-tools.ts';

export type App = Awaited<ReturnType<typeof createTestApp>>['app'];

/** Routes whose POST would end the attacker's session or account rather than reach a victim. */
export const SELF_ONLY_POSTS = [
  /^\/bienvenue\//,
  /^\/deconnexion$/,
  /^\/connexion/,
  /^\/profil\/(2fa|mot-de-passe|passkeys)/,
  /^\/mot-de-passe-oublie$/,
];

export interface Route {
  method: 'GET' | 'POST';
  path: string;
}

export function appRoutes(app: App): Route[] {
  const seen = new Set<string>();
  const out: Route[] = [];
  for (const r of app.routes) {
    if (r.method !== 'GET' && r.method !== 'POST') continue;
    if (r.path.includes('*') || r.path === '/static/:file') continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

export const params = (path: string) => [...path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]);
export const fill = (path: string, id: string) => path.replace(/:([A-Za-z_]+)/g, id);

/** Every tenant table with an `id`, and a few ids of the cooperative's rows in each. */
export async function idsByTable(odb: OpenDb, cooperativeId: string, perTable = 2): Promise<Map<string, string[]>> {
  const db = coreDb(odb.db);
  const tables = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.columns i on i.table_name = c.table_name and i.table_schema = c.table_schema and i.column_name = 'id'
    where c.table_schema = 'public' and c.column_name = 'cooperative_id'
    order by c.table_name`.execute(db);
  const out = new Map<string, string[]>();
  for (const { table_name } of tables.rows) {
    const r = await sql<{ id: string }>`select id::text as id from ${sql.table(table_name)}
      where cooperative_id = ${cooperativeId} order by id limit ${perTable}`.execute(db);
    if (r.rows.length)
      out.set(
        table_name,
        r.rows.map((x) => x.id),
      );
  }
  return out;
}

/** A digest of every row of the cooperative, table by table: equal before and after = untouched. */
export async function fingerprint(
  odb: OpenDb,
  cooperativeId: string,
  skip: string[] = [],
): Promise<Record<string, string>> {
  const db = coreDb(odb.db);
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'cooperative_id' order by table_name`.execute(db);
  const out: Record<string, string> = {};
  for (const { table_name } of tables.rows) {
    if (skip.includes(table_name)) continue;
    const r = await sql<{
      t: string | null;
    }>`select string_agg(x::text, '|' order by x::text) as t from ${sql.table(table_name)} x
      where cooperative_id = ${cooperativeId}`.execute(db);
    out[table_name] = createHash('sha256')
      .update(r.rows[0].t ?? '')
      .digest('hex')
      .slice(0, 16);
  }
  return out;
}

export interface AttackWorld {
  odb: OpenDb;
  app: App;
  victim: { id: string; slug: string };
  attacker: { id: string; slug: string };
  signIn(email: string): Promise<TestClient>;
  close(): Promise<void>;
}

/** The demo network on a fresh database; `canopee` is the victim (no user of it belongs elsewhere
 *  but the network staff), `rivage` the attacking cooperative. */
export async function attackWorld(): Promise<AttackWorld> {
  const { odb, app } = await createTestApp({ odb: await createDemoTestDb() });
  const coops = await sql<{ id: string; slug: string }>`select id, slug from cooperative`.execute(coreDb(odb.db));
  const find = (slug: string) => {
    const c = coops.rows.find((x) => x.slug === slug);
    if (!c) throw new Error(`demo cooperative ${slug} missing`);
    return c;
  };
  return {
    odb,
    app,
    victim: find('canopee'),
    attacker: find('rivage'),
    async signIn(email: string) {
      const c = new TestClient(app);
      const r = await c.signIn(email, DEMO_PASSWORD);
      if (r.res.status !== 303 && r.res.status !== 302) throw new Error(`sign-in of ${email} failed (${r.res.status})`);
      return c;
    },
    close: () => odb.close(),
  };
}

/** For each GET route whose one parameter is `:id`, the tables whose ids it answers 200 to (asked as
 *  `client`). */
export async function discoverKinds(
  client: TestClient,
  routes: Route[],
  ids: Map<string, string[]>,
): Promise<Map<string, string[]>> {
  const kinds = new Map<string, string[]>();
  // Routes with one `:id` only: the others name what they take (see `paramSources`).
  for (const r of routes.filter((x) => x.method === 'GET' && params(x.path).join() === 'id')) {
    const found: string[] = [];
    for (const [table, v] of ids) {
      const { res } = await client.get(fill(r.path, v[0]));
      if (res.status === 200) found.push(table);
    }
    kinds.set(r.path, found);
  }
  return kinds;
}

/** The victim's objects the demo does not give it, made through the services before the attack
 *  (so their texts get the marker too): a private course with a lesson, its file, a quiz, a linked
 *  workshop session, a cohort, an attempt and a certificate; a questionnaire of its own with a
 *  wave and a funder; a photo on an activity's shop window. */
export async function victimFixtures(w: AttackWorld) {
  await toolsVictimFixtures(w); // first: its public course is the victim's first course
  const db = coreDb(w.odb.db);
  const actor = victimActors(w.odb, w.victim.id);
  const first = async (q: ReturnType<typeof sql<{ id: string }>>) => {
    const r = await q.execute(db);
    if (!r.rows.length) throw new Error('the demo lacks a row the victim fixtures need');
    return r.rows[0].id;
  };
  const key = testConfig().fileKey;
  const director = await actor('director@canopee.demo');
  const learning = await privateCourseWithEverything(
    w.odb,
    key,
    { author: director, learner: await actor('entrepreneur@canopee.demo') },
    {
      sessionId: await first(sql`select id::text as id from workshop_session where cooperative_id = ${w.victim.id}
        order by id limit 1`),
      file: { name: 'support.png', content: TEST_PNG },
    },
  );
  const impact = await ownSurveyObjects(w.odb, director);
  // A shop window of the victim (a profile, published or not) and the person who runs it.
  const owner = await sql<{ id: string; email: string }>`select p.activity_id::text as id, u.email
    from market_profile p join activity_owner o on o.cooperative_id = p.cooperative_id and o.activity_id = p.activity_id
    join user_account u on u.id = o.user_id where p.cooperative_id = ${w.victim.id} order by p.activity_id limit 1`.execute(
    db,
  );
  if (!owner.rows.length) throw new Error('the victim has no shop window');
  const photo = await photoOnProfile(w.odb, key, await actor(owner.rows[0].email), owner.rows[0].id, TEST_PNG);
  // An application token of the victim (the director's page lists and revokes them).
  const appToken = await withTenant(w.odb.db, w.victim.id, (tx) =>
    createApplicationToken(tx, director, { name: 'Logiciel de paie', scopes: ['invoices:read'], role: 'accountant' }),
  );
  await peopleVictimFixtures(w);
  return { learning, impact, photo, appToken: appToken.info.id };
}

/** Where the victim's values of a parameter are read: a column of a tenant table (`id` unless
 *  said; `key` is what the next parameter's rows refer to), or a value of the victim itself. */
type Source =
  | { table: string; column?: string; expr?: string; key?: string; suffix?: string }
  | { victim: 'id' | 'slug' }
  | { fixed: string };

/** What a parameter stands for, when its name says it (`:id` is found by asking the route). A
 *  parameter not listed here, nor found, gets made-up ids only: the coverage test lists it. */
export function paramSources(path: string, name: string): Source[] {
  const t = (table: string, more: Omit<Extract<Source, { table: string }>, 'table'> = {}) => ({ table, ...more });
  switch (name) {
    case 'lessonId':
      return [t('learning_lesson')];
    case 'quizId':
      return [t('learning_quiz')];
    case 'attemptId':
      return [t('learning_attempt')];
    case 'cohortId':
      return [t('learning_cohort')];
    case 'fileId':
      return [t('learning_lesson_file')];
    case 'sessionId':
      return [t('learning_course_session', { column: 'session_id' })];
    case 'answer':
      return [t('campus_answer'), t('market_need_answer')];
    case 'target':
      return [t('campus_answer')];
    case 'post':
      return path.includes('/commentaires/') ? [t('campus_comment')] : [t('campus_answer')];
    case 'comment':
      return [t('campus_comment')];
    case 'delivery':
      return [t('webhook_delivery')];
    case 'batchId':
      return [t('receipt_reading', { column: 'batch_id' })];
    case 'photo':
      return [t('market_photo')];
    case 'offer':
      return [t('market_offer')];
    case 'activity':
      return [t('activity')];
    case 'user':
    case 'userId':
      return [t('membership', { column: 'user_id' })];
    case 'number':
      return [t('ledger_account', { column: 'number' })];
    case 'qid':
      // A question of the questionnaire: a key inside its definition (`q1`…).
      return [
        t('impact_questionnaire_version', { expr: "definition->'questions'->0->>'id'", key: 'questionnaire_id' }),
      ];
    case 'coop':
      return [{ victim: path.startsWith('/marche/') ? 'slug' : 'id' }];
    case 'slug':
      return path.startsWith('/marche/')
        ? [t('market_profile', { column: 'slug', key: 'activity_id' })]
        : [{ victim: 'slug' }];
    case 'file':
      if (path.startsWith('/campus/')) return [t('campus_attachment')];
      if (path.startsWith('/banque/virements/')) return [t('sepa_batch', { suffix: '.xml' })];
      return [];
    case 'type':
      // The validation queues by document type: `expense` takes expense reports.
      return path.startsWith('/validation/') ? [{ fixed: 'expense' }] : [];
    default:
      return [];
  }
}

/** Routes whose `:id` no GET page of the victim's director tells (POST only, or a bearer-token API):
 *  where the victim's values are read. */
const ID_SOURCES: [RegExp, string, Partial<{ column: string }>?][] = [
  [/^\/validation\/(:type\/)?:id\//, 'expense_report'],
  [/^\/impact\/mes-enquetes\/:id\//, 'impact_survey'],
  [/^\/impact\/financeurs\/:id\//, 'impact_funder'],
  [/^\/formations\/certificats\/:id\//, 'learning_certificate'],
  [/^\/ma-vitrine\/avis\/:id\//, 'market_review'],
  [/^\/rendez-vous\/actions\/:id\//, 'appointment_action'],
  [/^\/salaire\/demandes\/:id\//, 'salary_request'],
  [/^\/absences\/:id\//, 'payroll_absence'],
  [/^\/catalogue\/:id\//, 'catalogue_item'],
  [/^\/notes-de-frais\/ligne\/:id\//, 'expense_line'],
  [/^\/banque\/lignes\/:id\//, 'bank_transaction'],
  [/^\/creneaux\/:id\//, 'support_slot'],
  [/^\/reunions\/inscriptions\/:id\//, 'info_meeting_registration'],
  [/^\/facturation-electronique\/transmissions\/:id\//, 'einvoice_transmission', { column: 'invoice_id' }],
  [/^\/facturation-electronique\/recues\/:id\//, 'einvoice_incoming'],
  [/^\/profil\/jetons-api\/:id\//, 'api_token'],
  [/^\/jetons-applications\/:id\//, 'api_token'],
  [/^\/a-faire\/factures\/:id\//, 'invoice'],
  [/^\/coffre-fort\/documents\/:id\//, 'archive_document'],
  [/^\/(membres|api\/v1\/people)\/:id/, 'membership', { column: 'user_id' }],
  [/^\/api\/v1\/customers\/:id/, 'customer'],
  [/^\/api\/v1\/invoices\/:id/, 'invoice'],
  [/^\/api\/v1\/quotes\/:id/, 'quote'],
  [/^\/api\/v1\/activities\/:id/, 'activity'],
  [/^\/api\/v1\/expense-reports\/:id/, 'expense_report'],
  [/^\/api\/v1\/expenses\/:id/, 'expense_line'],
  [/^\/api\/v1\/bank-lines\/:id/, 'bank_transaction'],
];

/** The victim's values for every parameter of `path`, each consistent with the one before it
 *  (a lesson of that course, an answer of that question…): at most two fillings per route.
 *  `idTables` are the tables the route's `:id` takes (discovered), empty when unknown. */
export async function realFillings(
  odb: OpenDb,
  victim: { id: string; slug: string },
  path: string,
  idTables: string[],
  ids: Map<string, string[]>,
): Promise<string[]> {
  const db = coreDb(odb.db);
  type Val = { value: string; key: string };
  const valuesOf = async (name: string, parentKey: string | null): Promise<Val[]> => {
    if (name === 'id' && idTables.length)
      return idTables.flatMap((t) => (ids.get(t) ?? []).slice(0, 2).map((id) => ({ value: id, key: id })));
    const sources: Source[] =
      name === 'id'
        ? ID_SOURCES.filter(([re]) => re.test(path)).map(([, table, more]) => ({ table, ...more }))
        : paramSources(path, name);
    for (const s of sources) {
      if ('victim' in s) return [{ value: victim[s.victim], key: victim.id }];
      if ('fixed' in s) return [{ value: s.fixed, key: s.fixed }];
      const rows = await tableValues(db, victim.id, s, parentKey);
      if (rows.length) return rows;
    }
    return [];
  };
  const names = params(path);
  let partial: { values: Record<string, string>; key: string | null }[] = [{ values: {}, key: null }];
  for (const [i, name] of names.entries()) {
    const next: typeof partial = [];
    for (const p of partial)
      for (const v of (await valuesOf(name, p.key)).slice(0, i === 0 ? 2 : 1))
        next.push({ values: { ...p.values, [name]: v.value }, key: v.key });
    partial = next;
    if (!partial.length) return [];
  }
  return partial.map((p) => path.replace(/:([A-Za-z_]+)/g, (_, n: string) => p.values[n]));
}

const uuidColumns = new Map<string, string[]>();

/** Two values of a victim's table, those whose row refers to `parentKey` (any uuid column) first. */
async function tableValues(
  db: ReturnType<typeof coreDb>,
  victimId: string,
  s: { table: string; column?: string; expr?: string; key?: string; suffix?: string },
  parentKey: string | null,
): Promise<{ value: string; key: string }[]> {
  if (!uuidColumns.has(s.table))
    uuidColumns.set(
      s.table,
      (
        await sql<{ c: string }>`select column_name as c from information_schema.columns
          where table_schema = 'public' and table_name = ${s.table} and data_type = 'uuid'
            and column_name <> 'cooperative_id'`.execute(db)
      ).rows.map((r) => r.c),
    );
  const value = s.expr ? sql.raw(`(${s.expr})`) : sql.ref(s.column ?? 'id');
  const key = sql.ref(s.key ?? s.column ?? 'id');
  const pick = (where: ReturnType<typeof sql>) =>
    sql<{ value: string; key: string }>`select ${value}::text as value, ${key}::text as key
      from ${sql.table(s.table)} where cooperative_id = ${victimId} and ${value} is not null and ${where}
      order by 1 limit 2`.execute(db);
  const linkCols = (uuidColumns.get(s.table) ?? []).filter((c) => c !== s.column);
  let rows: { value: string; key: string }[] = [];
  if (parentKey && linkCols.length)
    rows = (
      await pick(
        sql`(${sql.join(
          linkCols.map((c) => sql`${sql.ref(c)}::text = ${parentKey}`),
          sql` or `,
        )})`,
      )
    ).rows;
  if (!rows.length) rows = (await pick(sql`true`)).rows;
  return rows.map((r) => ({ value: r.value + (s.suffix ?? ''), key: r.key }));
}

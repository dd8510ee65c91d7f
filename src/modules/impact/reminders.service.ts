// Who is asked to answer a wave, and the reminders. When a wave is opened for members (the
// cooperative's entrepreneurs, its support team) or for e-mail addresses, each person gets a
// personal link of their own: members find it in « Mes enquêtes » (announced in their digest),
// addresses receive it by e-mail. The reminder job (daily) writes again to those whose link is
// unused, at most the wave's number of reminders, one every REMIND_EVERY_DAYS days, never to
// someone who answered or asked not to be reminded. An e-mailed reminder carries a fresh link:
// the old one stops working and only hashes are kept, never a secret.
//
// Anonymity: the answer row holds no link (surveys.service.ts), so the send list only knows
// whether a person's link was used, never what they answered. The team sees counts only (asked,
// reminded, opted out), never who answered.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../core/db/handles.ts';
import { systemActor, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { todayParis } from '../../core/dates.ts';
import { withSystem, withTenant } from '../../core/db/tenant.ts';
import { isUuid } from '../../core/ids.ts';
import { enqueueMail } from '../../core/mail.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import type { Schedule } from '../../core/jobs.ts';
import { renderEmail } from '../../web/email.tsx';
import { listMembers } from '../directory/index.ts';
import { notify } from '../inbox/index.ts';
import { impactDb } from './db.ts';
import { IMPACT } from './permissions.ts';

export const REMIND_EVERY_DAYS = 7;
export const MAX_RECIPIENTS = 2000;
export const AUDIENCES = ['none', 'entrepreneurs', 'support', 'members'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const AUDIENCE_LABELS: Record<Audience, string> = {
  none: 'Personne : je distribue les liens moi-même',
  entrepreneurs: 'Les entrepreneur·es et personnes en CAPE de la coopérative',
  support: 'L’équipe d’appui de la coopérative',
  members: 'Tous les membres de la coopérative',
};
const AUDIENCE_ROLES: Record<Audience, string[]> = {
  none: [],
  entrepreneurs: ['entrepreneur', 'cape'],
  support: ['support'],
  members: ['entrepreneur', 'cape', 'support', 'director', 'accountant'],
};

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const newSecret = () => randomBytes(24).toString('base64url');
const EMAIL_RE = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** E-mail addresses typed one per line (or separated by commas); French errors. */
export function parseEmails(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(/[\n,;]+/)) {
    const e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e.length > 254 || !EMAIL_RE.test(e)) throw new UserError(`Adresse invalide : ${e.slice(0, 80)}`, 'emails');
    out.add(e);
  }
  if (out.size > MAX_RECIPIENTS) throw new UserError(`${MAX_RECIPIENTS} adresses au plus.`, 'emails');
  return [...out];
}

/** The members a wave is sent to (user ids, each once). */
export async function audienceMembers(tx: Tx, actor: Actor, audience: Audience): Promise<string[]> {
  authorize(actor, IMPACT.surveyManage);
  const roles = AUDIENCE_ROLES[audience];
  if (!roles.length) return [];
  // The directory's list, read with a system actor: the caller's permission is checked above.
  const page = await listMembers(tx, systemActor(actor.cooperativeId, 'Enquêtes'), { pageSize: 100_000 });
  return page.items.filter((m) => m.roles.some((r) => roles.includes(r))).map((m) => m.userId);
}

function inviteMail(publicUrl: string, link: string, title: string, reminder: boolean) {
  return renderEmail({
    paragraphs: [
      'Bonjour,',
      reminder
        ? `Vous n’avez pas encore répondu à l’enquête « ${title} ». Il reste du temps : votre avis compte, et quelques minutes suffisent.`
        : `Votre coopérative vous invite à répondre à l’enquête « ${title} ». Quelques minutes suffisent.`,
      'L’enquête est anonyme : votre réponse n’est reliée ni à votre nom ni à ce lien, et n’est jamais montrée seule. Ce lien est personnel et ne sert qu’une fois.',
    ],
    action: { label: 'Répondre à l’enquête', href: `${publicUrl}/enquete/${link}` },
    footer: [
      `Pour ne plus recevoir de relance pour cette enquête : ${publicUrl}/enquete/${link}/sans-relance`,
      reminder ? 'Le lien reçu précédemment ne fonctionne plus : utilisez celui-ci.' : '',
    ].filter(Boolean),
  });
}

const memberText = (title: string, reminder: boolean) =>
  reminder
    ? `Rappel : l’enquête anonyme « ${title} » attend votre réponse (Mes enquêtes).`
    : `Une enquête anonyme vous attend : « ${title} ». Répondez depuis « Mes enquêtes ».`;

/** Inserts a link for each recipient and invites them (digest for members, e-mail for addresses). */
export async function inviteRecipients(
  tx: Tx,
  actor: Actor,
  survey: { id: string; title: string },
  to: { userIds: string[]; emails: string[] },
  publicUrl: string,
): Promise<number> {
  authorize(actor, IMPACT.surveyManage);
  const trx = impactDb(tx);
  const today = todayParis();
  for (const userId of to.userIds) {
    const h = hash(newSecret());
    await trx
      .insertInto('impact_survey_link')
      .values({ cooperative_id: actor.cooperativeId, survey_id: survey.id, token_hash: h })
      .execute();
    await trx
      .insertInto('impact_survey_recipient')
      .values({
        cooperative_id: actor.cooperativeId,
        id: randomUUID(),
        survey_id: survey.id,
        user_id: userId,
        email: null,
        token_hash: h,
        last_sent_on: today,
      })
      .execute();
    await notify(tx, actor, userId, 'impact.survey', memberText(survey.title, false));
  }
  for (const email of to.emails) {
    const secret = newSecret();
    const h = hash(secret);
    const id = randomUUID();
    await trx
      .insertInto('impact_survey_link')
      .values({ cooperative_id: actor.cooperativeId, survey_id: survey.id, token_hash: h })
      .execute();
    await trx
      .insertInto('impact_survey_recipient')
      .values({
        cooperative_id: actor.cooperativeId,
        id,
        survey_id: survey.id,
        user_id: null,
        email,
        token_hash: h,
        last_sent_on: today,
      })
      .execute();
    await enqueueMail(tx, {
      to: email,
      cooperativeId: actor.cooperativeId,
      dedupeKey: `impact-survey:${id}:0`,
      subject: `Enquête anonyme : ${survey.title}`,
      ...inviteMail(publicUrl, `${actor.cooperativeId}.${secret}`, survey.title, false),
    });
  }
  return to.userIds.length + to.emails.length;
}

/** Gives a recipient's unused link a new secret (the old one stops working); null if it was used. */
async function rotate(tx: Tx, cooperativeId: string, recipient: { id: string; token_hash: string }) {
  const trx = impactDb(tx);
  const secret = newSecret();
  const h = hash(secret);
  const link = await trx
    .updateTable('impact_survey_link')
    .set({ token_hash: h })
    .where('cooperative_id', '=', cooperativeId)
    .where('token_hash', '=', recipient.token_hash)
    .where('used', '=', false)
    .returning('survey_id')
    .executeTakeFirst();
  if (!link) return null;
  await trx
    .updateTable('impact_survey_recipient')
    .set({ token_hash: h })
    .where('cooperative_id', '=', cooperativeId)
    .where('id', '=', recipient.id)
    .execute();
  return `${cooperativeId}.${secret}`;
}

/** Recipients of open waves still to be reminded today (link unused, not opted out, under the cap). */
async function dueRecipients(tx: Tx, cooperativeId: string, today: string) {
  const before = new Date(Date.parse(today) - REMIND_EVERY_DAYS * 86_400_000).toISOString().slice(0, 10);
  return impactDb(tx)
    .selectFrom('impact_survey_recipient as r')
    .innerJoin('impact_survey as s', (j) =>
      j.onRef('s.cooperative_id', '=', 'r.cooperative_id').onRef('s.id', '=', 'r.survey_id'),
    )
    .innerJoin('impact_survey_link as l', (j) =>
      j.onRef('l.cooperative_id', '=', 'r.cooperative_id').onRef('l.token_hash', '=', 'r.token_hash'),
    )
    .select(['r.id', 'r.token_hash', 'r.user_id', 'r.email', 'r.reminders', 's.title', 's.id as survey_id'])
    .where('r.cooperative_id', '=', cooperativeId)
    .where('l.used', '=', false)
    .where('r.opted_out', '=', false)
    .whereRef('r.reminders', '<', 's.max_reminders')
    .where('r.last_sent_on', '<=', before)
    .where((e) => e.or([e('s.closes_on', 'is', null), e('s.closes_on', '>=', today)]))
    .where((e) => e.or([e('s.opens_on', 'is', null), e('s.opens_on', '<=', today)]))
    .execute();
}

/** One cooperative's reminders of the day, in its tenant transaction. Returns how many were sent. */
export async function remindCooperative(db: Db, cooperativeId: string, today: string, publicUrl: string) {
  return withTenant(db, cooperativeId, async (t) => {
    const tx = t as unknown as Tx;
    const actor = systemActor(cooperativeId, 'Relances d’enquête');
    let sent = 0;
    for (const r of await dueRecipients(tx, cooperativeId, today)) {
      if (r.user_id) await notify(tx, actor, r.user_id, 'impact.survey', memberText(r.title, true));
      else if (r.email) {
        const link = await rotate(tx, cooperativeId, r);
        if (!link) continue;
        await enqueueMail(tx, {
          to: r.email,
          cooperativeId,
          dedupeKey: `impact-survey:${r.id}:${r.reminders + 1}`,
          subject: `Rappel — enquête anonyme : ${r.title}`,
          ...inviteMail(publicUrl, link, r.title, true),
        });
      }
      await impactDb(tx)
        .updateTable('impact_survey_recipient')
        .set({ reminders: r.reminders + 1, last_sent_on: today })
        .where('cooperative_id', '=', cooperativeId)
        .where('id', '=', r.id)
        .execute();
      sent++;
    }
    return sent;
  });
}

/** Every cooperative with a send list: the daily job. */
export async function sendSurveyReminders(db: Db, today: string, publicUrl: string): Promise<number> {
  const coops = await withSystem(db, (tx) =>
    impactDb(tx as unknown as Tx)
      .selectFrom('impact_survey_recipient')
      .select('cooperative_id')
      .distinct()
      .execute(),
  );
  let sent = 0;
  for (const c of coops) sent += await remindCooperative(db, c.cooperative_id, today, publicUrl);
  return sent;
}

export function remindersSchedule(db: Db, publicUrl: string): Schedule {
  return {
    name: 'impact-survey-reminders',
    cron: '30 8 * * *',
    handler: async () => {
      await sendSurveyReminders(db, todayParis(), publicUrl);
    },
  };
}

export interface SendListCounts {
  recipients: number;
  members: number;
  emails: number;
  reminders: number;
  optedOut: number;
}
/** Counts only: never who answered. */
export async function sendListCounts(tx: Tx, actor: Actor): Promise<Map<string, SendListCounts>> {
  authorize(actor, IMPACT.surveyManage);
  const rows = await impactDb(tx)
    .selectFrom('impact_survey_recipient')
    .select(['survey_id', 'user_id', 'reminders', 'opted_out'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .execute();
  const out = new Map<string, SendListCounts>();
  for (const r of rows) {
    const c = out.get(r.survey_id) ?? { recipients: 0, members: 0, emails: 0, reminders: 0, optedOut: 0 };
    c.recipients++;
    if (r.user_id) c.members++;
    else c.emails++;
    c.reminders += r.reminders;
    if (r.opted_out) c.optedOut++;
    out.set(r.survey_id, c);
  }
  return out;
}

export interface MyInvitation {
  id: string;
  title: string;
  closesOn: string | null;
}
/** The open waves a member is asked to answer and has not answered (any member, their own only). */
export async function myInvitations(tx: Tx, actor: Actor): Promise<MyInvitation[]> {
  if (!actor.userId) return [];
  const today = todayParis();
  const rows = await impactDb(tx)
    .selectFrom('impact_survey_recipient as r')
    .innerJoin('impact_survey as s', (j) =>
      j.onRef('s.cooperative_id', '=', 'r.cooperative_id').onRef('s.id', '=', 'r.survey_id'),
    )
    .innerJoin('impact_survey_link as l', (j) =>
      j.onRef('l.cooperative_id', '=', 'r.cooperative_id').onRef('l.token_hash', '=', 'r.token_hash'),
    )
    .select(['r.id', 's.title', 's.closes_on'])
    .where('r.cooperative_id', '=', actor.cooperativeId)
    .where('r.user_id', '=', actor.userId)
    .where('l.used', '=', false)
    .where((e) => e.or([e('s.closes_on', 'is', null), e('s.closes_on', '>=', today)]))
    .where((e) => e.or([e('s.opens_on', 'is', null), e('s.opens_on', '<=', today)]))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    closesOn: r.closes_on === null ? null : String(r.closes_on).slice(0, 10),
  }));
}

async function ownRecipient(tx: Tx, actor: Actor, id: string) {
  if (!isUuid(id) || !actor.userId) throw new NotFoundError('Enquête');
  const r = await impactDb(tx)
    .selectFrom('impact_survey_recipient')
    .select(['id', 'token_hash'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('Enquête');
  return r;
}

/** A member opens their invitation: a fresh one-time link (the secret is shown to them alone). */
export async function openMyInvitation(tx: Tx, actor: Actor, id: string): Promise<string> {
  const r = await ownRecipient(tx, actor, id);
  const link = await rotate(tx, actor.cooperativeId, r);
  if (!link) throw new NotFoundError('Enquête');
  return link;
}

/** A member asks not to be reminded of a wave. */
export async function optOutMine(tx: Tx, actor: Actor, id: string): Promise<void> {
  const r = await ownRecipient(tx, actor, id);
  await impactDb(tx)
    .updateTable('impact_survey_recipient')
    .set({ opted_out: true })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', r.id)
    .execute();
}

/** Someone asks, through their link, not to be reminded (public, no account). */
export async function optOutByLink(db: Db, token: string): Promise<void> {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m || !isUuid(m[1]!)) throw new NotFoundError('Enquête');
  const cooperativeId = m[1]!;
  const done = await withTenant(db, cooperativeId, (t) =>
    impactDb(t as unknown as Tx)
      .updateTable('impact_survey_recipient')
      .set({ opted_out: true })
      .where('cooperative_id', '=', cooperativeId)
      .where('token_hash', '=', hash(m[2]!))
      .returning('id')
      .executeTakeFirst(),
  );
  if (!done) throw new NotFoundError('Enquête');
}

// Workshops: themes, sessions with capacity, self-registration with a waiting list (promotion
// when someone cancels), attendance recorded for the whole group at once, hours, sign-in sheet.
import { z } from 'zod';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Tx } from '../../core/db/handles.ts';
import { journeysDb } from './db.ts';
import { uuidv7 } from '../../core/ids.ts';
import { type Actor, requireRole, isStaff } from '../../core/actor.ts';
import { UserError, NotFoundError } from '../../core/errors.ts';
import { audit } from '../../core/audit.ts';
import { parseInput } from '../../core/validation.ts';
import { isIsoDate, formatDateLong } from '../../core/dates.ts';
import { parisInstant, parisDate, parisTime } from './appointments.service.ts';
import { rolesInCooperative } from './members.ts';

const STAFF = ['support', 'director', 'network_admin'] as const;

export async function createTheme(
  tx: Tx,
  actor: Actor,
  input: { name: string; description?: string | null },
): Promise<string> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF);
  if (input.name.trim().length < 2) throw new UserError("Indiquez le thème de l'atelier.", 'name');
  const id = uuidv7();
  await trx
    .insertInto('workshop_theme')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      name: input.name.trim(),
      description: input.description?.trim() || null,
    })
    .execute();
  return id;
}
export async function listThemes(tx: Tx, actor: Actor) {
  const trx = journeysDb(tx);
  return trx
    .selectFrom('workshop_theme')
    .select(['id', 'name', 'description'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .orderBy('name')
    .execute();
}

export const SessionInput = z.object({
  themeId: z.string().uuid('Choisissez un thème.'),
  date: z.string().refine(isIsoDate, 'Date invalide (AAAA-MM-JJ).'),
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Heure invalide (HH:MM).'),
  end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Heure invalide (HH:MM).'),
  place: z.string().trim().min(2, 'Indiquez le lieu.'),
  capacity: z
    .number({ message: 'Indiquez le nombre de places.' })
    .int('Nombre entier.')
    .min(1, 'Au moins 1 place.')
    .max(500, 'Au plus 500 places.'),
});
export async function createSession(tx: Tx, actor: Actor, raw: z.input<typeof SessionInput>): Promise<string> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF);
  const v = parseInput(SessionInput, raw);
  const startsAt = parisInstant(v.date, v.start);
  const endsAt = parisInstant(v.date, v.end);
  if (endsAt <= startsAt) throw new UserError("L'heure de fin doit être après l'heure de début.", 'end');
  const theme = await trx
    .selectFrom('workshop_theme')
    .select('id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', v.themeId)
    .executeTakeFirst();
  if (!theme) throw new UserError('Thème inconnu.', 'themeId');
  const id = uuidv7();
  await trx
    .insertInto('workshop_session')
    .values({
      cooperative_id: actor.cooperativeId,
      id,
      theme_id: v.themeId,
      starts_at: startsAt,
      ends_at: endsAt,
      place: v.place,
      capacity: v.capacity,
      attendance_recorded_at: null,
    })
    .execute();
  await audit(trx, actor, {
    action: 'workshop.session_created',
    targetType: 'workshop_session',
    targetId: id,
    data: { startsAt: startsAt.toISOString(), capacity: v.capacity },
  });
  return id;
}

export interface Session {
  id: string;
  themeId: string;
  themeName: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  capacity: number;
  registered: number;
  waiting: number;
  attendanceRecordedAt: Date | null;
  myStatus: string | null;
}
export async function listSessions(tx: Tx, actor: Actor, opts: { from?: Date; id?: string } = {}): Promise<Session[]> {
  const trx = journeysDb(tx);
  let q = trx
    .selectFrom('workshop_session')
    .innerJoin('workshop_theme', (j) =>
      j
        .onRef('workshop_theme.cooperative_id', '=', 'workshop_session.cooperative_id')
        .onRef('workshop_theme.id', '=', 'workshop_session.theme_id'),
    )
    .selectAll('workshop_session')
    .select('workshop_theme.name as theme_name')
    .select((eb) => [
      eb
        .selectFrom('workshop_registration as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.cooperative_id', '=', 'workshop_session.cooperative_id')
        .whereRef('r.session_id', '=', 'workshop_session.id')
        .where('r.status', '=', 'registered')
        .as('registered'),
      eb
        .selectFrom('workshop_registration as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.cooperative_id', '=', 'workshop_session.cooperative_id')
        .whereRef('r.session_id', '=', 'workshop_session.id')
        .where('r.status', '=', 'waiting')
        .as('waiting'),
      eb
        .selectFrom('workshop_registration as r')
        .select('r.status')
        .whereRef('r.cooperative_id', '=', 'workshop_session.cooperative_id')
        .whereRef('r.session_id', '=', 'workshop_session.id')
        .where('r.user_id', '=', actor.userId ?? '00000000-0000-0000-0000-000000000000')
        .as('my_status'),
    ])
    .where('workshop_session.cooperative_id', '=', actor.cooperativeId);
  if (opts.from) q = q.where('workshop_session.starts_at', '>=', opts.from);
  if (opts.id) q = q.where('workshop_session.id', '=', opts.id);
  return (await q.orderBy('workshop_session.starts_at').execute()).map((r) => ({
    id: r.id,
    themeId: r.theme_id,
    themeName: r.theme_name,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    place: r.place,
    capacity: r.capacity,
    registered: Number(r.registered ?? 0),
    waiting: Number(r.waiting ?? 0),
    attendanceRecordedAt: r.attendance_recorded_at,
    myStatus: (r.my_status as string | null) ?? null,
  }));
}
export async function getSession(tx: Tx, actor: Actor, id: string): Promise<Session> {
  const trx = journeysDb(tx);
  const [s] = await listSessions(trx, actor, { id });
  if (!s) throw new NotFoundError('Séance');
  return s;
}

/** Registers a user (themselves, or someone chosen by staff). The session row is locked so that
 *  concurrent registrations are serialised and the capacity is never exceeded. */
export async function register(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  userId: string = actor.userId ?? '',
): Promise<'registered' | 'waiting'> {
  const trx = journeysDb(tx);
  if (userId !== actor.userId) requireRole(actor, ...STAFF);
  const s = await trx
    .selectFrom('workshop_session')
    .select(['id', 'capacity', 'starts_at'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  if (new Date(s.starts_at) <= new Date()) throw new UserError('Cette séance a déjà commencé.');
  if (!(await rolesInCooperative(tx, actor.cooperativeId, userId)).length)
    throw new UserError("Cette personne n'est pas membre de la coopérative.");
  const existing = await trx
    .selectFrom('workshop_registration')
    .select('status')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (existing && existing.status !== 'cancelled') return existing.status as 'registered' | 'waiting';
  const { n } = await trx
    .selectFrom('workshop_registration')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('status', '=', 'registered')
    .executeTakeFirstOrThrow();
  const status = Number(n) < s.capacity ? 'registered' : 'waiting';
  await trx
    .insertInto('workshop_registration')
    .values({
      cooperative_id: actor.cooperativeId,
      session_id: sessionId,
      user_id: userId,
      status,
      registered_at: new Date(),
      attended: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['cooperative_id', 'session_id', 'user_id'])
        .doUpdateSet({ status, registered_at: new Date(), attended: null }),
    )
    .execute();
  await audit(trx, actor, {
    action: `workshop.${status}`,
    targetType: 'workshop_session',
    targetId: sessionId,
    data: { userId },
  });
  return status;
}

/** Cancels a registration; a freed place goes to the first person on the waiting list. */
export async function cancelRegistration(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  userId: string = actor.userId ?? '',
): Promise<{ promoted: string | null }> {
  const trx = journeysDb(tx);
  if (userId !== actor.userId) requireRole(actor, ...STAFF);
  const s = await trx
    .selectFrom('workshop_session')
    .select(['id', 'capacity'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  const reg = await trx
    .selectFrom('workshop_registration')
    .select('status')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!reg || reg.status === 'cancelled') throw new UserError("Vous n'êtes pas inscrit·e à cette séance.");
  await trx
    .updateTable('workshop_registration')
    .set({ status: 'cancelled' })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .execute();
  await audit(trx, actor, {
    action: 'workshop.cancelled',
    targetType: 'workshop_session',
    targetId: sessionId,
    data: { userId },
  });
  let promoted: string | null = null;
  if (reg.status === 'registered') {
    const { n } = await trx
      .selectFrom('workshop_registration')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('session_id', '=', sessionId)
      .where('status', '=', 'registered')
      .executeTakeFirstOrThrow();
    if (Number(n) < s.capacity) {
      const next = await trx
        .selectFrom('workshop_registration')
        .select('user_id')
        .where('cooperative_id', '=', actor.cooperativeId)
        .where('session_id', '=', sessionId)
        .where('status', '=', 'waiting')
        .orderBy('registered_at')
        .orderBy('user_id')
        .limit(1)
        .executeTakeFirst();
      if (next) {
        await trx
          .updateTable('workshop_registration')
          .set({ status: 'registered' })
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('session_id', '=', sessionId)
          .where('user_id', '=', next.user_id)
          .execute();
        await audit(trx, actor, {
          action: 'workshop.promoted',
          targetType: 'workshop_session',
          targetId: sessionId,
          data: { userId: next.user_id },
        });
        promoted = next.user_id;
      }
    }
  }
  return { promoted };
}

export interface Participant {
  userId: string;
  name: string;
  email: string;
  status: 'registered' | 'waiting' | 'cancelled';
  registeredAt: Date;
  attended: boolean | null;
}
export async function participants(tx: Tx, actor: Actor, sessionId: string): Promise<Participant[]> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF);
  const rows = await trx
    .selectFrom('workshop_registration')
    .innerJoin('user_account', 'user_account.id', 'workshop_registration.user_id')
    .select([
      'workshop_registration.user_id',
      'user_account.display_name',
      'user_account.email',
      'workshop_registration.status',
      'workshop_registration.registered_at',
      'workshop_registration.attended',
    ])
    .where('workshop_registration.cooperative_id', '=', actor.cooperativeId)
    .where('workshop_registration.session_id', '=', sessionId)
    .orderBy('workshop_registration.registered_at')
    .orderBy('workshop_registration.user_id')
    .execute();
  const collator = new Intl.Collator('fr');
  return rows
    .map((r) => ({
      userId: r.user_id,
      name: r.display_name,
      email: r.email,
      status: r.status,
      registeredAt: r.registered_at,
      attended: r.attended,
    }))
    .sort((a, b) =>
      a.status === b.status
        ? collator.compare(a.name, b.name)
        : a.status === 'registered'
          ? -1
          : b.status === 'registered'
            ? 1
            : 0,
    );
}

/** One form for the whole group: every registered person is marked present or absent; people who
 *  came without registering (walk-ins, chosen among members) are added as present. */
export async function recordAttendance(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  presentUserIds: string[],
  walkIns: string[] = [],
): Promise<{ present: number; absent: number; hours: number }> {
  const trx = journeysDb(tx);
  requireRole(actor, ...STAFF);
  const s = await trx
    .selectFrom('workshop_session')
    .selectAll()
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new NotFoundError('Séance');
  if (new Date(s.starts_at) > new Date())
    throw new UserError("La séance n'a pas encore eu lieu : l'émargement se fait après son début.");
  const present = new Set([...presentUserIds, ...walkIns]);
  for (const u of walkIns) {
    if (!(await rolesInCooperative(tx, actor.cooperativeId, u)).length)
      throw new UserError('Personne inconnue.', 'walkIn');
    await trx
      .insertInto('workshop_registration')
      .values({
        cooperative_id: actor.cooperativeId,
        session_id: sessionId,
        user_id: u,
        status: 'registered',
        registered_at: new Date(),
        attended: true,
      })
      .onConflict((oc) =>
        oc.columns(['cooperative_id', 'session_id', 'user_id']).doUpdateSet({ status: 'registered', attended: true }),
      )
      .execute();
  }
  const regs = await trx
    .selectFrom('workshop_registration')
    .select('user_id')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('session_id', '=', sessionId)
    .where('status', '=', 'registered')
    .execute();
  let p = 0;
  let a = 0;
  for (const r of regs) {
    const here = present.has(r.user_id);
    here ? p++ : a++;
    await trx
      .updateTable('workshop_registration')
      .set({ attended: here })
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('session_id', '=', sessionId)
      .where('user_id', '=', r.user_id)
      .execute();
  }
  await trx
    .updateTable('workshop_session')
    .set({ attendance_recorded_at: new Date() })
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('id', '=', sessionId)
    .execute();
  const hours = sessionHours(s.starts_at, s.ends_at);
  await audit(trx, actor, {
    action: 'workshop.attendance_recorded',
    targetType: 'workshop_session',
    targetId: sessionId,
    data: { present: p, absent: a },
  });
  return { present: p, absent: a, hours: hours * p };
}
export const sessionHours = (start: Date, end: Date) =>
  Math.round(((new Date(end).getTime() - new Date(start).getTime()) / 3600000) * 100) / 100;

/** Hours of workshops attended, per person (for a person's page and activity reports). */
export async function attendedHours(
  tx: Tx,
  actor: Actor,
  userId: string,
): Promise<{ sessions: number; hours: number }> {
  const trx = journeysDb(tx);
  if (!isStaff(actor) && userId !== actor.userId) requireRole(actor, ...STAFF);
  const rows = await trx
    .selectFrom('workshop_registration')
    .innerJoin('workshop_session', (j) =>
      j
        .onRef('workshop_session.cooperative_id', '=', 'workshop_registration.cooperative_id')
        .onRef('workshop_session.id', '=', 'workshop_registration.session_id'),
    )
    .select(['workshop_session.starts_at', 'workshop_session.ends_at'])
    .where('workshop_registration.cooperative_id', '=', actor.cooperativeId)
    .where('workshop_registration.user_id', '=', userId)
    .where('workshop_registration.attended', '=', true)
    .execute();
  return {
    sessions: rows.length,
    hours: Math.round(rows.reduce((s, r) => s + sessionHours(r.starts_at, r.ends_at), 0) * 100) / 100,
  };
}

const here = dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json'));
/** The sign-in sheet: one line per registered person with an empty signature box. */
export async function signInSheetPdf(
  tx: Tx,
  actor: Actor,
  sessionId: string,
  cooperativeName: string,
): Promise<Buffer> {
  const trx = journeysDb(tx);
  const s = await getSession(trx, actor, sessionId);
  const people = (await participants(trx, actor, sessionId)).filter((p) => p.status === 'registered');
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Feuille d'émargement — ${s.themeName}` } });
  doc.registerFont('body', join(here, 'ttf/DejaVuSans.ttf'));
  doc.registerFont('bold', join(here, 'ttf/DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res) => doc.on('end', () => res()));
  doc.font('bold').fontSize(16).text("Feuille d'émargement");
  doc
    .font('body')
    .fontSize(11)
    .moveDown(0.3)
    .text(cooperativeName)
    .text(`Atelier : ${s.themeName}`)
    .text(
      `Date : ${formatDateLong(parisDate(s.startsAt))}, de ${parisTime(s.startsAt)} à ${parisTime(s.endsAt)} (heure de Paris)`,
    )
    .text(`Lieu : ${s.place}`)
    .text(`Durée : ${sessionHours(s.startsAt, s.endsAt)} h · ${people.length} inscrit·e(s)`)
    .moveDown();
  const x = 50;
  const rowH = 28;
  const widths = [30, 250, 215];
  let y = doc.y;
  const header = () => {
    doc.font('bold').fontSize(10);
    ['N°', 'Nom et prénom', 'Signature'].forEach((h, i) =>
      doc
        .rect(x + widths.slice(0, i).reduce((a, b) => a + b, 0), y, widths[i], rowH)
        .stroke()
        .text(h, x + widths.slice(0, i).reduce((a, b) => a + b, 0) + 5, y + 9, { width: widths[i] - 10 }),
    );
    y += rowH;
    doc.font('body');
  };
  header();
  const lines = [...people.map((p) => p.name), '', '', ''];
  lines.forEach((name, i) => {
    if (y + rowH > doc.page.height - 60) {
      doc.addPage();
      y = 50;
      header();
    }
    const cells = [String(i + 1), name, ''];
    cells.forEach((t, k) =>
      doc
        .rect(x + widths.slice(0, k).reduce((a, b) => a + b, 0), y, widths[k], rowH)
        .stroke()
        .text(t, x + widths.slice(0, k).reduce((a, b) => a + b, 0) + 5, y + 9, {
          width: widths[k] - 10,
          lineBreak: false,
        }),
    );
    y += rowH;
  });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

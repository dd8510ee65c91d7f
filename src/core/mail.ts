// Mail goes through an outbox table written in the caller's transaction: nothing is lost when
// SMTP is down; `deliverOutbox` (run by a job, and right after enqueueing) sends with retries.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from './db/index.ts';
import type { Tx } from './db/tenant.ts';
import { uuidv7 } from './ids.ts';
import { coreDb } from './db/handles.ts';

export interface MailAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}
export interface MailInput {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  cooperativeId?: string | null;
  dedupeKey?: string;
  /** Extra headers, limited to those a caller may set (see ALLOWED_HEADERS). */
  headers?: Record<string, string>;
}

/** Headers a message may carry besides the usual ones: unsubscribing (RFC 2369, RFC 8058) and
 *  the auto-submitted mark. Anything else (From, Reply-To, Bcc…) stays in the core's hands. */
const ALLOWED_HEADERS = new Set(['List-Unsubscribe', 'List-Unsubscribe-Post', 'Auto-Submitted']);
function checkedHeaders(h: Record<string, string> | undefined): Record<string, string> | null {
  if (!h) return null;
  for (const [k, v] of Object.entries(h))
    if (!ALLOWED_HEADERS.has(k) || /[\r\n]/.test(v)) throw new Error(`en-tête de message refusé : ${k}`);
  return h;
}

const outboxRow = (m: MailInput) => ({
  id: uuidv7(),
  cooperative_id: m.cooperativeId ?? null,
  to_address: m.to,
  subject: m.subject,
  text_body: m.text,
  html_body: m.html ?? null,
  attachments: m.attachments ? JSON.stringify(m.attachments) : null,
  last_error: null,
  sent_at: null,
  message_id: null,
  dedupe_key: m.dedupeKey ?? null,
  headers: checkedHeaders(m.headers) ? JSON.stringify(m.headers) : null,
});

export async function enqueueMail(dbIn: Db | Tx, m: MailInput): Promise<string> {
  return (await enqueueMails(dbIn, [m]))[0]!;
}

/** Several messages queued in one insert (a statement's payments each mailing a review link). */
export async function enqueueMails(dbIn: Db | Tx, ms: readonly MailInput[]): Promise<string[]> {
  const rows = ms.map(outboxRow);
  const db = coreDb(dbIn);
  for (let i = 0; i < rows.length; i += 500) {
    const q = db.insertInto('mail_outbox').values(rows.slice(i, i + 500));
    // A dedupe key makes enqueueing idempotent (a digest is never queued twice after a crash);
    // rows without one (null) never conflict.
    await q.onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  }
  return rows.map((r) => r.id);
}

export type Transport = Pick<Transporter, 'sendMail'>;
let transport: Transport | null = null;
export function smtpTransport(url: string | undefined): Transport {
  if (url) return nodemailer.createTransport(url);
  // No SMTP configured (demo): keep the message as JSON so nothing fails, and log it.
  return nodemailer.createTransport({ jsonTransport: true });
}
export function setTransport(t: Transport) {
  transport = t;
}

const BACKOFF_MIN = [1, 5, 15, 60, 240, 720];
export const MAX_ATTEMPTS = 10;

/** Sends due messages; each message is claimed, sent, then marked, so a crash never double-sends a sent one. */
export async function deliverOutbox(
  dbIn: Db,
  opts: { transport?: Transport; from: string; limit?: number; now?: Date },
): Promise<{ sent: number; failed: number }> {
  const db = coreDb(dbIn);
  const t = opts.transport ?? transport;
  if (!t) return { sent: 0, failed: 0 };
  const now = opts.now ?? new Date();
  const due = await db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('created_at')
    .limit(opts.limit ?? 50)
    .execute();
  let sent = 0;
  let failed = 0;
  for (const m of due) {
    try {
      const info = await t.sendMail({
        from: opts.from,
        to: m.to_address,
        subject: m.subject,
        text: m.text_body,
        html: m.html_body ?? undefined,
        headers: (m.headers as Record<string, string> | null) ?? undefined,
        attachments: ((m.attachments as MailAttachment[] | null) ?? []).map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: Buffer.from(a.contentBase64, 'base64'),
        })),
      });
      await db
        .updateTable('mail_outbox')
        .set({
          status: 'sent',
          sent_at: new Date(),
          message_id: String(info.messageId ?? ''),
          attempts: m.attempts + 1,
        })
        .where('id', '=', m.id)
        .execute();
      sent++;
    } catch (e) {
      const attempts = m.attempts + 1;
      const wait = BACKOFF_MIN[Math.min(attempts - 1, BACKOFF_MIN.length - 1)];
      await db
        .updateTable('mail_outbox')
        .set({
          attempts,
          last_error: (e as Error).message.slice(0, 500),
          status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          next_attempt_at: new Date(now.getTime() + wait * 60_000),
        })
        .where('id', '=', m.id)
        .execute();
      failed++;
    }
  }
  return { sent, failed };
}

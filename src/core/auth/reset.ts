// Password reset: the request answers the same, in about the same time, whether or not an
// account has the address; the link is spent atomically with the new password.
import type { Db } from '../db/index.ts';
import { withSystem } from '../db/tenant.ts';
import { UserError } from '../errors.ts';
import { enqueueMail } from '../mail.ts';
import { consumeToken, createResetToken, readToken, RESET_HOURS } from './invitations.ts';
import { passwordProblem } from './password.ts';
import { revokeOtherSessions } from './sessions.ts';
import { findUserByEmail, getUser, setPassword } from './users.ts';

/** The request takes at least this long, so its duration does not tell whether a mail was queued. */
export const RESET_ANSWER_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function requestPasswordReset(db: Db, email: string, publicUrl: string): Promise<void> {
  const started = Date.now();
  const u = await findUserByEmail(db, email.slice(0, 320));
  if (u && !u.disabled_at) {
    const token = await createResetToken(db, u.id);
    const link = `${publicUrl}/reinitialiser/${token}`;
    await enqueueMail(db, {
      to: u.email,
      subject: 'Réinitialiser votre mot de passe Radieuse',
      text: `Bonjour ${u.display_name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable ${RESET_HOURS} heures) :\n${link}\n\nSi vous n'avez rien demandé, ignorez ce message.`,
    });
  }
  await sleep(Math.max(0, RESET_ANSWER_MS - (Date.now() - started)));
}

/** Checks the link can still be used (for the form); throws the French reason otherwise. */
export async function checkResetLink(db: Db, token: string): Promise<void> {
  await readToken(db, token, 'reset');
}

/** Sets the new password and spends the link, once: a second use, even in parallel, is refused.
 *  Every session of the person ends. */
export async function resetPassword(db: Db, token: string, password: string): Promise<{ userId: string }> {
  const row = await readToken(db, token, 'reset');
  const user = row.user_id ? await getUser(db, row.user_id) : null;
  if (!user) throw new UserError("Ce lien n'est pas valide. Demandez-en un nouveau.");
  const problem = passwordProblem(password, user.email);
  if (problem) throw new UserError(problem, 'password');
  await withSystem(db, async (trx) => {
    await consumeToken(trx, token, 'reset');
    await setPassword(trx, user.id, password);
  });
  await revokeOtherSessions(db, user.id, null);
  return { userId: user.id };
}

import type { Tx } from '../../core/db/tenant.ts';
import { directoryDb } from './db.ts';
import type { Actor } from '../../core/actor.ts';
import { ForbiddenError } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { UserError } from '../../core/errors.ts';
import { isIban, isBic } from '../../core/identifiers.ts';
import { audit } from '../../core/audit.ts';
import { DIRECTORY } from './permissions.ts';
import { requireVerifiedIdentity } from './identity-verification.service.ts';
// --- bank details (expense reimbursements) ---------------------------------------------------
export interface BankDetails {
  iban: string | null;
  bic: string | null;
}

/** `own`: one's own account only; the accountant and the direction read anyone's (transfers). */
export async function getBankDetails(tx: Tx, actor: Actor, userId: string): Promise<BankDetails> {
  const scope = authorize(actor, DIRECTORY.bankDetailsView);
  if (scope === 'own' && userId !== actor.userId) throw new ForbiddenError();
  const trx = directoryDb(tx);
  const r = await trx
    .selectFrom('member_profile')
    .select(['iban', 'bic'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return { iban: r?.iban ?? null, bic: r?.bic ?? null };
}

/** The signed-in person's own reimbursement account. */
export async function getOwnBankDetails(tx: Tx, actor: Actor): Promise<BankDetails> {
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  return getBankDetails(tx, actor, actor.userId);
}

/** A person records the account where the cooperative reimburses their expenses. */
export async function setOwnBankDetails(
  tx: Tx,
  actor: Actor,
  raw: { iban: string; bic: string },
): Promise<BankDetails> {
  if (!actor.userId) throw new UserError('Action réservée à une personne connectée.');
  return setBankDetails(tx, actor, actor.userId, raw);
}

/** Records a person's reimbursement account: each person records their own (`own`). */
export async function setBankDetails(
  tx: Tx,
  actor: Actor,
  userId: string,
  raw: { iban: string; bic: string },
): Promise<BankDetails> {
  const scope = authorize(actor, DIRECTORY.bankDetailsEdit);
  if (scope === 'own' && userId !== actor.userId) throw new ForbiddenError();
  const trx = directoryDb(tx);
  const iban = raw.iban.replace(/\s/g, '').toUpperCase();
  const bic = raw.bic.replace(/\s/g, '').toUpperCase();
  const fields: Record<string, string> = {};
  if (!isIban(iban)) fields.iban = 'IBAN invalide : vérifiez les chiffres (la clé de contrôle ne correspond pas).';
  if (bic && !isBic(bic)) fields.bic = 'BIC invalide (8 ou 11 caractères, ex. : BNPAFRPPXXX).';
  if (Object.keys(fields).length) throw new UserError(Object.values(fields)[0], undefined, fields);
  // Changing where the money goes is what an account thief does first: a change (not the first
  // entry) needs the person's identity verified by support (identity-verification.service.ts).
  const current = await trx
    .selectFrom('member_profile')
    .select('iban')
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (current?.iban && current.iban !== iban)
    await requireVerifiedIdentity(
      tx,
      actor.cooperativeId,
      userId,
      "Pour changer de coordonnées bancaires, faites d'abord vérifier votre identité par l'équipe d'appui (Mon profil → Vérifier mon identité).",
      'iban',
    );
  await trx
    .insertInto('member_profile')
    .values({
      cooperative_id: actor.cooperativeId,
      user_id: userId,
      gender: null,
      birth_year: null,
      education_level: null,
      status_at_entry: null,
      postal_code: null,
      qpv: null,
      phone: null,
      support_user_id: null,
      iban,
      bic: bic || null,
    })
    .onConflict((oc) => oc.columns(['cooperative_id', 'user_id']).doUpdateSet({ iban, bic: bic || null }))
    .execute();
  await audit(trx, actor, {
    action: 'member.bank_details_updated',
    targetType: 'user',
    targetId: userId,
    data: { iban: `${iban.slice(0, 4)}…${iban.slice(-4)}` },
  });
  return { iban, bic: bic || null };
}

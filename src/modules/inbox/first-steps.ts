// First-use guided steps for a new entrepreneur ("Pour bien démarrer" on the home page): four
// steps computed from state, each with the link that does it. Nothing is stored.
import type { LegacyTx as Tx } from '../../core/db/tenant.ts';
import { hasRole, type Actor } from '../../core/actor.ts';

export interface FirstStep {
  key: 'profile' | 'activity' | 'customer' | 'document';
  label: string;
  help: string;
  href: string;
  done: boolean;
}

/** The four steps, or null when the actor is not an entrepreneur. */
export async function firstSteps(trx: Tx, actor: Actor): Promise<FirstStep[] | null> {
  if (!actor.userId || !hasRole(actor, 'entrepreneur')) return null;
  const coop = actor.cooperativeId;
  const uid = actor.userId;
  const profile = await trx
    .selectFrom('member_profile')
    .select('user_id')
    .where('cooperative_id', '=', coop)
    .where('user_id', '=', uid)
    .where((eb) => eb.or([eb('iban', 'is not', null), eb('phone', 'is not', null)]))
    .executeTakeFirst();
  const owned = trx
    .selectFrom('activity_owner')
    .select('activity_id')
    .where('cooperative_id', '=', coop)
    .where('user_id', '=', uid);
  const activity = await owned.executeTakeFirst();
  const customer = await trx
    .selectFrom('customer')
    .select('id')
    .where('cooperative_id', '=', coop)
    .where('created_by', '=', uid)
    .limit(1)
    .executeTakeFirst();
  const quote = activity
    ? await trx
        .selectFrom('quote')
        .select('id')
        .where('cooperative_id', '=', coop)
        .where('activity_id', 'in', owned)
        .limit(1)
        .executeTakeFirst()
    : undefined;
  const invoice =
    activity && !quote
      ? await trx
          .selectFrom('invoice')
          .select('id')
          .where('cooperative_id', '=', coop)
          .where('activity_id', 'in', owned)
          .limit(1)
          .executeTakeFirst()
      : undefined;
  return [
    {
      key: 'profile',
      label: 'Complétez votre profil',
      help: 'Votre IBAN, pour que la coopérative vous rembourse vos frais.',
      href: '/profil/banque',
      done: !!profile,
    },
    {
      key: 'activity',
      label: 'Ayez votre activité',
      help: "Votre chargé·e d'accompagnement la crée avec vous ; elle porte vos ventes et vos dépenses.",
      href: '/compte-activite',
      done: !!activity,
    },
    {
      key: 'customer',
      label: 'Créez votre premier client',
      help: 'Son nom et son adresse suffisent pour commencer.',
      href: '/clients/nouveau',
      done: !!customer,
    },
    {
      key: 'document',
      label: 'Faites votre premier devis ou votre première facture',
      help: 'Radieuse calcule la TVA et les mentions obligatoires pour vous.',
      href: '/devis/nouveau',
      done: !!(quote || invoice),
    },
  ];
}

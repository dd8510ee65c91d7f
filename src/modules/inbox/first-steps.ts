// First-use guided steps for a new entrepreneur ("Pour bien démarrer" on the home page): four
// steps computed from state, each with the link that does it. Nothing is stored.
import type { Tx } from '../../core/db/handles.ts';
import { hasErp, hasRole, type Actor } from '../../core/actor.ts';
import { authorize } from '../../core/authz.ts';
import { INBOX } from './permissions.ts';
import { listActivities, ownProfileStarted } from '../directory/index.ts';
import { ownFirstSalesSteps } from '../sales/index.ts';

export interface FirstStep {
  key: 'profile' | 'activity' | 'customer' | 'document';
  label: string;
  help: string;
  href: string;
  done: boolean;
}

/** The four steps, or null when the actor is not an entrepreneur. Each module answers for its
 *  own part: the directory for the profile and the activity, sales for customers and documents. */
export async function firstSteps(tx: Tx, actor: Actor): Promise<FirstStep[] | null> {
  authorize(actor, INBOX.todoRead);
  // The steps lead to invoicing: not for an organisation without the ERP.
  if (!actor.userId || !hasRole(actor, 'entrepreneur') || !hasErp(actor.organisationType)) return null;
  const profile = await ownProfileStarted(tx, actor);
  const activity = (await listActivities(tx, actor, { ownedBy: actor.userId })).length > 0;
  const sales = await ownFirstSalesSteps(tx, actor);
  return [
    {
      key: 'profile',
      label: 'Complétez votre profil',
      help: 'Votre IBAN, pour que la coopérative vous rembourse vos frais.',
      href: '/profil/banque',
      done: profile,
    },
    {
      key: 'activity',
      label: 'Ayez votre activité',
      help: "Votre chargé·e d'accompagnement la crée avec vous ; elle porte vos ventes et vos dépenses.",
      href: '/compte-activite',
      done: activity,
    },
    {
      key: 'customer',
      label: 'Créez votre premier client',
      help: 'Son nom et son adresse suffisent pour commencer.',
      href: '/clients/nouveau',
      done: sales.customer,
    },
    {
      key: 'document',
      label: 'Faites votre premier devis ou votre première facture',
      help: 'Radieuse calcule la TVA et les mentions obligatoires pour vous.',
      href: '/devis/nouveau',
      done: sales.document,
    },
  ];
}

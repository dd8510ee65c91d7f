// The cooperative's payroll parameters (settings.payroll): headcount band, versement mobilité of
// its commune, AT/MP rate, compulsory health plan. Every salary simulation and request of the
// cooperative uses them; the direction sets them on /salaire/parametres.
import type { Tx } from '../../../core/db/handles.ts';
import type { Actor } from '../../../core/actor.ts';
import { authorize } from '../../../core/authz.ts';
import { UserError } from '../../../core/errors.ts';
import { parseCents } from '../../../core/money.ts';
import { getCooperative, updateCooperativeSettings } from '../../directory/index.ts';
import { LEDGER } from '../permissions.ts';
import { HEADCOUNT_BANDS, type HeadcountBand, type PayrollParams } from './salary-engine.ts';

/** The rules' own defaults, shown in the form before the direction sets anything. */
export const DEFAULT_PAYROLL_PARAMS: PayrollParams = {
  headcountBand: 'moins de 11',
  mobilityRateBp: 0,
  commune: '',
  atmpRateBp: null,
  healthPlanMonthlyCents: 4000,
  healthEmployerShareBp: 5000,
};

function valid(p: unknown): p is PayrollParams {
  const x = p as PayrollParams;
  return (
    !!x &&
    HEADCOUNT_BANDS.includes(x.headcountBand) &&
    Number.isInteger(x.mobilityRateBp) &&
    (x.atmpRateBp === null || Number.isInteger(x.atmpRateBp)) &&
    Number.isInteger(x.healthPlanMonthlyCents) &&
    Number.isInteger(x.healthEmployerShareBp)
  );
}

/**
 * The parameters the simulations use, or null when the direction has set none (the rules'
 * defaults then apply). Not personal, the same for every member: read without a permission.
 */
export async function cooperativePayrollParams(tx: Tx, cooperativeId: string): Promise<PayrollParams | null> {
  const coop = await getCooperative(tx, cooperativeId);
  const p = (coop?.settings as Record<string, unknown> | undefined)?.payroll;
  return valid(p) ? p : null;
}

/** The form's values: the saved parameters, or the defaults. */
export async function payrollSettings(tx: Tx, actor: Actor): Promise<{ params: PayrollParams; saved: boolean }> {
  authorize(actor, LEDGER.payrollSettings);
  const p = await cooperativePayrollParams(tx, actor.cooperativeId);
  return { params: p ?? DEFAULT_PAYROLL_PARAMS, saved: p !== null };
}

/** "2,95" (percent, comma or dot) → basis points, or null. */
function percentBp(raw: string | undefined): number | null {
  const s = (raw ?? '').replace(/\s|%/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  return Math.round(Number(s) * 100);
}

export async function savePayrollSettings(tx: Tx, actor: Actor, raw: Record<string, string>): Promise<PayrollParams> {
  authorize(actor, LEDGER.payrollSettings);
  const fields: Record<string, string> = {};
  const band = raw.headcountBand as HeadcountBand;
  if (!HEADCOUNT_BANDS.includes(band)) fields.headcountBand = "Choisissez la tranche d'effectif.";
  const vm = (raw.mobilityRate ?? '').trim() ? percentBp(raw.mobilityRate) : 0;
  if (vm === null || vm > 320)
    fields.mobilityRate = 'Un taux en pourcentage entre 0 et 3,20, par exemple 2,95 (0 si la commune n’en a pas).';
  const atmp = (raw.atmpRate ?? '').trim() ? percentBp(raw.atmpRate) : null;
  if ((raw.atmpRate ?? '').trim() && (atmp === null || atmp <= 0 || atmp > 1500))
    fields.atmpRate = 'Un taux en pourcentage, par exemple 0,90 ; laissez vide pour le taux collectif.';
  const health = parseCents((raw.healthPlan ?? '').trim());
  if (health === null || health < 0 || health > 100_000)
    fields.healthPlan = 'Le montant mensuel de la mutuelle en euros, par exemple 60.';
  const share = percentBp(raw.healthEmployerShare);
  if (share === null || share < 5000 || share > 10000)
    fields.healthEmployerShare = "L'employeur paie au moins 50 % de la mutuelle : un pourcentage entre 50 et 100.";
  const commune = (raw.commune ?? '').trim();
  if (commune.length > 100) fields.commune = 'Le nom de la commune est trop long.';
  if (Object.keys(fields).length)
    throw new UserError(
      Object.keys(fields).length > 1 ? 'Certains champs sont à corriger.' : Object.values(fields)[0],
      undefined,
      fields,
    );
  const params: PayrollParams = {
    headcountBand: band,
    mobilityRateBp: vm!,
    commune,
    atmpRateBp: atmp,
    healthPlanMonthlyCents: health!,
    healthEmployerShareBp: share!,
  };
  await updateCooperativeSettings(tx, actor, { payroll: params });
  return params;
}

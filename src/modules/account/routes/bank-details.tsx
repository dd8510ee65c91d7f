// "Mes coordonnées bancaires": where the cooperative reimburses the person's expenses (used by
// the SEPA transfers of the bank module). Kept per cooperative, like every member detail. A
// change of bank account is a security change: it needs a recent proof of identity.
import { Hono } from 'hono';
import { withTenant } from '../../../core/db/tenant.ts';
import { fieldErrors } from '../../../core/errors.ts';
import { formatIban } from '../../../core/identifiers.ts';
import { type AppEnv, actorOf } from '../../../web/context.ts';
import { formValues } from '../../../web/forms.ts';
import { requireActor, requireRecentAuth, setFlash } from '../../../web/middleware.ts';
import { getOwnBankDetails, setOwnBankDetails } from '../../directory/index.ts';
import { BankDetailsPage } from '../views/bank-details-page.tsx';

export const bankDetailsRoutes = new Hono<AppEnv>();
bankDetailsRoutes.use('/profil/banque', requireActor, requireRecentAuth);

bankDetailsRoutes.get('/profil/banque', async (c) => {
  const actor = actorOf(c);
  const d = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => getOwnBankDetails(trx, actor));
  return c.html(<BankDetailsPage c={c} values={{ iban: d.iban ? formatIban(d.iban) : '', bic: d.bic ?? '' }} />);
});

bankDetailsRoutes.post('/profil/banque', async (c) => {
  const actor = actorOf(c);
  const f = await formValues(c);
  try {
    await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
      setOwnBankDetails(trx, actor, { iban: f.iban ?? '', bic: f.bic ?? '' }),
    );
  } catch (e) {
    const errors = fieldErrors(e);
    if (!errors) throw e;
    return c.html(<BankDetailsPage c={c} values={{ iban: f.iban ?? '', bic: f.bic ?? '' }} errors={errors} />, 400);
  }
  setFlash(c, {
    kind: 'success',
    text: 'Coordonnées bancaires enregistrées : vos remboursements arriveront sur ce compte.',
  });
  return c.redirect('/profil');
});

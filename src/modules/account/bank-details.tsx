// "Mes coordonnées bancaires": where the cooperative reimburses the person's expenses (used by
// the SEPA transfers of the bank module). Kept per cooperative, like every member detail.
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, FormErrorSummary } from '../../web/components.tsx';
import { formValues } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { fieldErrors } from '../../core/errors.ts';
import { formatIban } from '../../core/identifiers.ts';
import { getBankDetails, setOwnBankDetails } from '../directory/index.ts';

export const bankDetailsRoutes = new Hono<AppEnv>();
bankDetailsRoutes.use('/profil/banque', requireActor);

function Page(p: { c: Ctx; values: { iban: string; bic: string }; errors?: Record<string, string> | null }) {
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title="Mes coordonnées bancaires">
      <PageHeader
        title="Mes coordonnées bancaires"
        help="La coopérative vous rembourse vos notes de frais par virement sur ce compte."
      />
      <Card>
        <form method="post" action="/profil/banque" novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={p.errors} />
          <Field
            label="IBAN"
            name="iban"
            value={p.values.iban}
            error={e.iban}
            required
            autocomplete="off"
            hint="Il figure sur votre RIB, ex. : FR76 3000 4000 0312 3456 7890 143"
          />
          <Field label="BIC (facultatif)" name="bic" value={p.values.bic} error={e.bic} autocomplete="off" />
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </Layout>
  );
}

bankDetailsRoutes.get('/profil/banque', async (c) => {
  const actor = actorOf(c);
  const d = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) =>
    getBankDetails(trx, actor, actor.userId!),
  );
  return c.html(<Page c={c} values={{ iban: d.iban ? formatIban(d.iban) : '', bic: d.bic ?? '' }} />);
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
    return c.html(<Page c={c} values={{ iban: f.iban ?? '', bic: f.bic ?? '' }} errors={errors} />, 400);
  }
  setFlash(c, {
    kind: 'success',
    text: 'Coordonnées bancaires enregistrées : vos remboursements arriveront sur ce compte.',
  });
  return c.redirect('/profil');
});

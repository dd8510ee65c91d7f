// "Mes coordonnées bancaires": the account where the cooperative reimburses one's expenses.
import { Card, Csrf, Field, FormErrorSummary, PageHeader } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';

export function BankDetailsPage(p: {
  c: Ctx;
  values: { iban: string; bic: string };
  errors?: Record<string, string> | null;
}) {
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

// The direction's settings of the automatic checks (thresholds of the cooperative).
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';

function ThresholdsForm(p: {
  c: Ctx;
  v: Record<string, string>;
  errors?: Record<string, string> | null;
  message?: string;
}) {
  return (
    <form method="post" action="/validation/reglages" novalidate>
      <Csrf token={p.c.get('csrf')} />
      <FormErrorSummary errors={p.errors} message={p.message} />
      <Field
        label="Montant inhabituel : combien de fois le montant habituel du client"
        name="outlierFactor"
        value={p.v.outlierFactor}
        error={p.errors?.outlierFactor}
        inputmode="decimal"
        hint="10 par défaut."
        required
      />
      <Field
        label="Nombre de factures passées pour connaître le montant habituel"
        name="outlierMinHistory"
        value={p.v.outlierMinHistory}
        error={p.errors?.outlierMinHistory}
        inputmode="numeric"
        hint="3 par défaut."
        required
      />
      <Field
        label="Doublon : même client et même montant à moins de … jours"
        name="duplicateDays"
        value={p.v.duplicateDays}
        error={p.errors?.duplicateDays}
        inputmode="numeric"
        hint="7 par défaut."
        required
      />
      <button type="submit">Enregistrer</button>
    </form>
  );
}

export function ThresholdsPage(p: {
  c: Ctx;
  values: Record<string, string>;
  errors?: Record<string, string> | null;
  message?: string;
}) {
  return (
    <Layout c={p.c} title="Réglages des contrôles">
      <PageHeader
        title="Réglages des contrôles"
        help="Les seuils des contrôles automatiques des factures, propres à votre coopérative."
      />
      <Card>
        <ThresholdsForm c={p.c} v={p.values} errors={p.errors} message={p.message} />
      </Card>
    </Layout>
  );
}

import type { Child } from 'hono/jsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { Field, Select, Csrf, PageHeader, Card, FormErrorSummary } from '../../../web/components.tsx';
import { activitiesFor } from '../../directory/index.ts';
import { listSuppliers } from '../supplier.service.ts';
import { PURCHASE_ACCOUNTS } from '../categories.ts';
import { tenant } from './kit.ts';
import { VAT_RATES, ROWS, SPLITS, FileField, ErrorText } from '../views/kit.tsx';
import { SupplierFields } from './suppliers.tsx';

export function uploadCard(c: Ctx, error?: string) {
  return (
    <Card title="1. Déposez la facture">
      <form method="post" action="/factures-fournisseurs/lire" enctype="multipart/form-data" novalidate>
        <Csrf token={c.get('csrf')} />
        <FileField
          label="Facture (PDF, Factur-X, XML CII/UBL ou photo)"
          name="file"
          accept="application/pdf,text/xml,application/xml,.xml,image/*"
          error={error}
          required
          hint="Une facture Factur-X ou XML remplit tous les champs ; un PDF simple ou une photo donne des suggestions à vérifier."
        />
        <button type="submit">Lire la facture</button>
      </form>
      <p>
        <a href="/factures-fournisseurs/nouvelle?manuel=1">Saisir sans fichier</a>
      </p>
    </Card>
  );
}

export async function invoiceFormPage(
  c: Ctx,
  values: Record<string, string>,
  errors: Record<string, string> | null,
  info?: string,
  progress?: Child,
) {
  const [suppliers, acts] = await tenant(
    c,
    async (trx, a) => [await listSuppliers(trx, a), (await activitiesFor(trx, a)).filter((x) => !x.closedAt)] as const,
  );
  const v = values;
  const e = errors ?? {};
  const actOptions: [string, string][] = [
    ['', '—'],
    ...acts.map((a) => [a.id, `${a.analyticCode} — ${a.name}`] as [string, string]),
  ];
  return c.html(
    <Layout c={c} title="Nouvelle facture fournisseur" wide>
      <PageHeader
        title="Nouvelle facture fournisseur"
        help="Vérifiez les champs, répartissez le montant hors taxes entre vos activités, puis envoyez pour approbation."
      />
      {progress ?? null}
      {info ? (
        <div class="flash flash-info" role="status">
          {info}
        </div>
      ) : null}
      {v.fileId ? null : uploadCard(c, e.file)}
      <Card title={v.fileId ? 'Vérifiez et complétez' : '2. Complétez'}>
        <form method="post" action="/factures-fournisseurs" novalidate>
          <Csrf token={c.get('csrf')} />
          <FormErrorSummary errors={errors} message={e._} />
          <input type="hidden" name="fileId" value={v.fileId ?? ''} />
          <input type="hidden" name="source" value={v.source ?? 'manual'} />
          <input type="hidden" name="expectedTotal" value={v.expectedTotal ?? ''} />
          <fieldset>
            <legend>Fournisseur</legend>
            <Select
              label="Fournisseur"
              name="supplierId"
              value={v.supplierId ?? ''}
              error={e.supplierId}
              options={[
                ['', '— nouveau fournisseur (ci-dessous) —'],
                ...suppliers.map((s) => [s.id, s.siren ? `${s.name} (${s.siren})` : s.name] as [string, string]),
              ]}
            />
            <details
              open={
                !v.supplierId ||
                Object.keys(e).some(
                  (k) => k.startsWith('new_') || ['name', 'siren', 'iban', 'bic', 'vatNumber'].includes(k),
                )
              }
            >
              <summary>Nouveau fournisseur</summary>
              <SupplierFields
                v={v}
                e={Object.fromEntries(
                  Object.entries(e).filter(
                    ([k]) =>
                      k.startsWith('new_') || ['name', 'siren', 'vatNumber', 'iban', 'bic', 'countryCode'].includes(k),
                  ),
                )}
                prefix="new_"
              />
            </details>
          </fieldset>
          <div class="form-grid">
            <Field
              label="N° de la facture (donné par le fournisseur)"
              name="supplierNumber"
              value={v.supplierNumber}
              error={e.supplierNumber}
              required
            />
            <Select
              label="Nature de la dépense"
              name="account"
              value={v.account ?? '604'}
              error={e.account}
              options={PURCHASE_ACCOUNTS.map(([a, l]) => [a, `${l} (${a})`] as [string, string])}
            />
            <Field
              label="Date de la facture"
              name="issueDate"
              type="date"
              value={v.issueDate}
              error={e.issueDate}
              required
            />
            <Field label="Échéance" name="dueDate" type="date" value={v.dueDate} error={e.dueDate} />
          </div>
          <Field label="Objet (facultatif)" name="label" value={v.label} error={e.label} />
          <fieldset>
            <legend>Montants par taux de TVA</legend>
            <ErrorText error={e.lines} />
            {Array.from({ length: ROWS }, (_, i) => (
              <div class="form-grid">
                <Field label={`Description ${i + 1}`} name={`l${i}_description`} value={v[`l${i}_description`]} />
                <Select label="Taux de TVA" name={`l${i}_rate`} value={v[`l${i}_rate`] ?? '2000'} options={VAT_RATES} />
                <Field
                  label="Montant HT (€)"
                  name={`l${i}_excl`}
                  value={v[`l${i}_excl`]}
                  error={e[`l${i}_excl`]}
                  inputmode="decimal"
                />
                <Field
                  label="TVA (€, vide = calculée)"
                  name={`l${i}_vat`}
                  value={v[`l${i}_vat`]}
                  error={e[`l${i}_vat`]}
                  inputmode="decimal"
                />
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>Répartition entre activités (montants HT)</legend>
            <ErrorText error={e.splits} />
            {Array.from({ length: SPLITS }, (_, i) => (
              <div class="form-grid">
                <Select
                  label={`Activité ${i + 1}`}
                  name={`s${i}_activity`}
                  value={v[`s${i}_activity`] ?? (i === 0 && acts.length === 1 ? acts[0].id : '')}
                  options={actOptions}
                />
                <Field
                  label="Part HT (€)"
                  name={`s${i}_amount`}
                  value={v[`s${i}_amount`]}
                  error={e[`s${i}_amount`]}
                  inputmode="decimal"
                />
              </div>
            ))}
          </fieldset>
          <button type="submit">Envoyer pour approbation</button>
        </form>
      </Card>
    </Layout>,
    errors ? 400 : 200,
  );
}

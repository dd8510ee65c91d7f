// The direction's form for the limits per expense category (/notes-de-frais/plafonds).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { Field, Csrf, PageHeader, Card, FormErrorSummary } from '../../web/components.tsx';
import { formValues } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { can } from '../../core/authz.ts';
import { NotFoundError, UserError, fieldErrors } from '../../core/errors.ts';
import { centsToDecimal, formatEuros } from '../../core/money.ts';
import { PURCHASES } from './permissions.ts';
import { expenseLimits, saveExpenseLimits, type ExpenseLimit } from './limits.service.ts';

export const limitsRoutes = new Hono<AppEnv>();
const PATH = '/notes-de-frais/plafonds';
limitsRoutes.use(PATH, requireActor);

function requireLimits(c: Ctx) {
  if (!can(actorOf(c), PURCHASES.expenseLimits)) throw new NotFoundError('Page');
}

function Page(p: {
  c: Ctx;
  limits: ExpenseLimit[];
  values: Record<string, string>;
  errors?: Record<string, string>;
  message?: string;
}) {
  const e = p.errors ?? {};
  return (
    <Layout c={p.c} title="Plafonds des notes de frais">
      <PageHeader
        title="Plafonds des notes de frais"
        help="Au-delà du plafond de sa catégorie, une dépense est signalée à l'équipe qui valide : elle la regarde avant de valider la note."
      />
      <Card>
        <form method="post" action={PATH} novalidate>
          <Csrf token={p.c.get('csrf')} />
          <FormErrorSummary errors={Object.keys(e).length ? e : null} message={p.message} />
          <div class="form-grid">
            {p.limits.map((l) => (
              <Field
                label={`${l.label} (€ par dépense)`}
                name={l.code}
                value={p.values[l.code]}
                error={e[l.code]}
                inputmode="decimal"
                hint={
                  l.defaultCents === null
                    ? 'Par défaut : pas de plafond. Laissez vide pour ne pas plafonner.'
                    : `Par défaut : ${formatEuros(l.defaultCents)}. Laissez vide pour ne pas plafonner.`
                }
              />
            ))}
          </div>
          <button type="submit">Enregistrer</button>
        </form>
      </Card>
    </Layout>
  );
}

const valuesOf = (ls: ExpenseLimit[]) =>
  Object.fromEntries(ls.map((l) => [l.code, l.cents === null ? '' : centsToDecimal(l.cents, ',')]));

limitsRoutes.get(PATH, async (c) => {
  requireLimits(c);
  const actor = actorOf(c);
  const limits = await withTenant(c.get('app').odb.db, actor.cooperativeId, (trx) => expenseLimits(trx, actor));
  return c.html(<Page c={c} limits={limits} values={valuesOf(limits)} />);
});

limitsRoutes.post(PATH, async (c) => {
  requireLimits(c);
  const actor = actorOf(c);
  const f = await formValues(c);
  const db = c.get('app').odb.db;
  try {
    await withTenant(db, actor.cooperativeId, (trx) => saveExpenseLimits(trx, actor, f));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const limits = await withTenant(db, actor.cooperativeId, (trx) => expenseLimits(trx, actor));
    return c.html(<Page c={c} limits={limits} values={f} errors={fieldErrors(e) ?? {}} message={e.message} />, 400);
  }
  setFlash(c, { kind: 'success', text: 'Plafonds enregistrés : les prochaines validations les appliquent.' });
  return c.redirect(PATH, 303);
});

// Inbox pages: snooze, "it's sent", the exceptions-only validation queue and its thresholds,
// digest preferences, and the public unsubscribe link (no sign-in, token in the URL).
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../web/context.ts';
import { actorOf } from '../../web/context.ts';
import { Layout, PublicLayout } from '../../web/layout.tsx';
import {
  Field,
  TextArea,
  Csrf,
  PageHeader,
  Card,
  EmptyState,
  FormErrorSummary,
  Badge,
  Advanced,
} from '../../web/components.tsx';
import { formValues, formAll } from '../../web/forms.ts';
import { requireActor, setFlash } from '../../web/middleware.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { hasRole } from '../../core/actor.ts';
import { UserError, NotFoundError, fieldErrors } from '../../core/errors.ts';
import { addDays, addMonths, formatDate, formatDateLong, todayParis } from '../../core/dates.ts';
import { formatEuros } from '../../core/money.ts';
import { isUuid } from '../../core/ids.ts';
import { markSent } from '../sales/index.ts';
import { snoozeItem } from './inbox.service.ts';
import { thresholdsOf } from './checks.ts';
import {
  validationQueue,
  validateBatch,
  validateException,
  saveThresholds,
  isValidator,
  type QueueEntry,
} from './validation.ts';
import { getPreference, setPreference, unsubscribe, unsubscribeTarget, FREQUENCY_LABELS } from './digest.ts';
import type { DigestFrequency } from './schema.ts';
import { setBeginnerMode } from './beginner.ts';
import { deadlines, renewCalendarToken, hasCalendarFeed, calendarByToken } from './calendar.ts';

export const inboxRoutes = new Hono<AppEnv>();
for (const p of [
  '/mode-simplifie',
  '/a-faire/*',
  '/validation',
  '/validation/*',
  '/preferences-notifications',
  '/calendrier-admin',
  '/calendrier-admin/*',
])
  inboxRoutes.use(p, requireActor);

const db = (c: Ctx) => c.get('app').odb.db;
const tenant = <T,>(c: Ctx, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(db(c), actorOf(c).cooperativeId, fn);
const back = (c: Ctx, fallback = '/') => {
  const r = c.req.query('retour');
  return r && r.startsWith('/') && !r.startsWith('//') ? r : fallback;
};

// --- inbox actions ---------------------------------------------------------------------------
inboxRoutes.post('/a-faire/reporter', async (c) => {
  const f = await formValues(c);
  const days = Math.min(365, Math.max(1, Number(f.days) || 7));
  const today = todayParis();
  await tenant(c, (trx) => snoozeItem(trx, actorOf(c), f.key ?? '', addDays(today, days), today));
  setFlash(c, {
    kind: 'success',
    text: `C'est noté : cet élément reviendra le ${formatDate(addDays(today, days))} s'il est toujours à faire.`,
  });
  return c.redirect('/', 303);
});

inboxRoutes.post('/a-faire/factures/:id/envoyee', async (c) => {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  await tenant(c, (trx) => markSent(trx, actorOf(c), id));
  setFlash(c, { kind: 'success', text: 'Facture marquée comme envoyée.' });
  return c.redirect('/', 303);
});

// --- validation queue ------------------------------------------------------------------------
function Findings(p: { e: QueueEntry }) {
  return (
    <ul class="findings">
      {p.e.findings.map((f) => (
        <li>
          <Badge
            status={f.severity === 'blocking' ? 'refused' : 'pending'}
            label={f.severity === 'blocking' ? 'Bloquant' : 'À vérifier'}
          />{' '}
          {f.message}
        </li>
      ))}
    </ul>
  );
}

async function queuePage(
  c: Ctx,
  errors: Record<string, string> = {},
  status: 200 | 400 = 200,
  values: Record<string, string> = {},
) {
  const actor = actorOf(c);
  if (!isValidator(actor)) throw new NotFoundError('Page');
  const q = await tenant(c, (trx) => validationQueue(trx, actor));
  const csrf = c.get('csrf');
  return c.html(
    <Layout c={c} title="Validation" wide>
      <PageHeader
        title="Validation des factures"
        help="Les factures sans alerte sont prêtes : validez-les en une fois. Regardez seulement celles à examiner."
        action={
          hasRole(actor, 'director') ? (
            <a class="btn btn-secondary" href="/validation/reglages">
              Réglages des contrôles
            </a>
          ) : undefined
        }
      />
      <Card title={`Prêtes à valider (${q.ready.length})`}>
        {q.ready.length ? (
          <form method="post" action="/validation/lot">
            <Csrf token={csrf} />
            <table class="data">
              <thead>
                <tr>
                  <th>Choisir</th>
                  <th>Date</th>
                  <th>Client</th>
                  <th class="num">TTC</th>
                </tr>
              </thead>
              <tbody>
                {q.ready.map((e) => (
                  <tr>
                    <td data-label="Choisir">
                      <input
                        type="checkbox"
                        name="ids"
                        value={e.invoice.id}
                        checked
                        aria-label={`Choisir la facture de ${e.invoice.customerName}`}
                      />
                    </td>
                    <td data-label="Date">{formatDate(e.invoice.issueDate)}</td>
                    <td data-label="Client">
                      <a href={`/factures/${e.invoice.id}`}>{e.invoice.customerName}</a>
                    </td>
                    <td data-label="TTC" class="num">
                      {formatEuros(e.invoice.totalInclCents)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="submit">
              Valider les {q.ready.length} facture{q.ready.length > 1 ? 's' : ''} cochée{q.ready.length > 1 ? 's' : ''}
            </button>
          </form>
        ) : (
          <p class="muted">Aucune facture prête.</p>
        )}
      </Card>
      <Card title={`À examiner (${q.review.length})`}>
        {q.review.length ? (
          q.review.map((e) => (
            <article class="review-item">
              <h3>
                <a href={`/factures/${e.invoice.id}`}>{e.invoice.customerName}</a> —{' '}
                {formatEuros(e.invoice.totalInclCents)} <span class="muted">({formatDate(e.invoice.issueDate)})</span>
              </h3>
              <Findings e={e} />
              {e.blocking ? (
                <p class="muted">À corriger par l'entrepreneur·e avant validation.</p>
              ) : (
                <form method="post" action={`/validation/${e.invoice.id}/exception`} novalidate>
                  <Csrf token={csrf} />
                  <FormErrorSummary errors={errors[e.invoice.id] ? { reason: errors[e.invoice.id] } : null} />
                  <TextArea
                    label="Pourquoi validez-vous malgré tout ?"
                    name={`reason-${e.invoice.id}`}
                    rows={2}
                    value={values[`reason-${e.invoice.id}`]}
                    error={errors[e.invoice.id]}
                    hint="Une phrase suffit ; elle est gardée dans le journal d'audit."
                  />
                  <button type="submit" class="btn-secondary">
                    Valider malgré les alertes
                  </button>
                </form>
              )}
            </article>
          ))
        ) : (
          <EmptyState title="Rien à examiner." text="Aucune facture soumise ne présente d'alerte." />
        )}
      </Card>
    </Layout>,
    status,
  );
}

inboxRoutes.get('/validation', (c) => queuePage(c));

inboxRoutes.post('/validation/lot', async (c) => {
  const actor = actorOf(c);
  if (!isValidator(actor)) throw new NotFoundError('Page');
  const r = await validateBatch(db(c), actor, (await formAll(c, 'ids')).filter(isUuid));
  const n = r.validated.length;
  setFlash(c, {
    kind: r.skipped.length ? 'info' : 'success',
    text: `${n} facture${n > 1 ? 's' : ''} validée${n > 1 ? 's' : ''}.${r.skipped.length ? ` ${r.skipped.length} laissée(s) de côté : elles sont à examiner.` : ''}`,
  });
  return c.redirect('/validation', 303);
});

inboxRoutes.post('/validation/:id/exception', async (c) => {
  const actor = actorOf(c);
  const id = c.req.param('id');
  if (!isValidator(actor)) throw new NotFoundError('Page');
  if (!isUuid(id)) throw new NotFoundError('Facture');
  const f = await formValues(c);
  try {
    const inv = await tenant(c, (trx) => validateException(trx, actor, id, f[`reason-${id}`] ?? f.reason ?? ''));
    setFlash(c, { kind: 'success', text: `Facture ${inv.number} validée ; votre motif est enregistré.` });
    return c.redirect('/validation', 303);
  } catch (e) {
    if (e instanceof UserError && e.field === 'reason') return queuePage(c, { [id]: e.message }, 400, f);
    throw e;
  }
});

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
inboxRoutes.get('/validation/reglages', async (c) => {
  const actor = actorOf(c);
  if (!hasRole(actor, 'director')) throw new NotFoundError('Page');
  const t = await tenant(c, (trx) => thresholdsOf(trx, actor.cooperativeId));
  const v = Object.fromEntries(Object.entries(t).map(([k, x]) => [k, String(x).replace('.', ',')]));
  return c.html(
    <Layout c={c} title="Réglages des contrôles">
      <PageHeader
        title="Réglages des contrôles"
        help="Les seuils des contrôles automatiques des factures, propres à votre coopérative."
      />
      <Card>
        <ThresholdsForm c={c} v={v} />
      </Card>
    </Layout>,
  );
});
inboxRoutes.post('/validation/reglages', async (c) => {
  const actor = actorOf(c);
  if (!hasRole(actor, 'director')) throw new NotFoundError('Page');
  const f = await formValues(c);
  try {
    await tenant(c, (trx) => saveThresholds(trx, actor, f));
  } catch (e) {
    if (e instanceof UserError)
      return c.html(
        <Layout c={c} title="Réglages des contrôles">
          <PageHeader title="Réglages des contrôles" />
          <Card>
            <ThresholdsForm c={c} v={f} errors={fieldErrors(e)} message={e.message} />
          </Card>
        </Layout>,
        400,
      );
    throw e;
  }
  setFlash(c, { kind: 'success', text: 'Réglages enregistrés.' });
  return c.redirect('/validation', 303);
});

// --- digest preferences ------------------------------------------------------------------------
function PreferenceForm(p: { c: Ctx; frequency: DigestFrequency | string; unsubscribed: boolean; error?: string }) {
  const radio = (k: DigestFrequency) => (
    <div class="field checkbox">
      <input type="radio" id={`f-frequency-${k}`} name="frequency" value={k} checked={p.frequency === k} />
      <label for={`f-frequency-${k}`}>{FREQUENCY_LABELS[k]}</label>
    </div>
  );
  return (
    <form method="post" action="/preferences-notifications" novalidate>
      <Csrf token={p.c.get('csrf')} />
      {p.unsubscribed ? (
        <p class="flash flash-info">
          Vous êtes désabonné·e des résumés. Choisissez une fréquence pour les recevoir de nouveau.
        </p>
      ) : null}
      <fieldset class={p.error ? 'has-error' : ''}>
        <legend>Recevoir les nouvelles</legend>
        {radio('weekly')}
        <Advanced c={p.c} open={p.frequency !== 'weekly'}>
          {radio('daily')}
          {radio('urgent')}
        </Advanced>
        {p.error ? (
          <p class="error" role="alert" id="f-frequency-error">
            {p.error}
          </p>
        ) : null}
      </fieldset>
      <button type="submit">Enregistrer</button>
    </form>
  );
}
inboxRoutes.get('/preferences-notifications', async (c) => {
  const pref = await tenant(c, (trx) => getPreference(trx, actorOf(c)));
  return c.html(
    <Layout c={c} title="Mes notifications">
      <PageHeader
        title="Mes notifications"
        help="Radieuse ne vous envoie pas un message par événement : les nouvelles sont regroupées dans un seul résumé."
      />
      <Card>
        <PreferenceForm c={c} frequency={pref.frequency} unsubscribed={pref.unsubscribed} />
      </Card>
    </Layout>,
  );
});
inboxRoutes.post('/preferences-notifications', async (c) => {
  const f = await formValues(c);
  try {
    await tenant(c, (trx) => setPreference(trx, actorOf(c), f.frequency ?? ''));
  } catch (e) {
    if (e instanceof UserError)
      return c.html(
        <Layout c={c} title="Mes notifications">
          <PageHeader title="Mes notifications" />
          <Card>
            <PreferenceForm c={c} frequency={f.frequency ?? ''} unsubscribed={false} error={e.message} />
          </Card>
        </Layout>,
        400,
      );
    throw e;
  }
  setFlash(c, { kind: 'success', text: 'Vos préférences sont enregistrées.' });
  return c.redirect(back(c, '/preferences-notifications'), 303);
});

// --- beginner mode (simplified screens: advanced fields folded under "Plus d'options") ----------------
inboxRoutes.post('/mode-simplifie', async (c) => {
  const f = await formValues(c);
  const on = f.beginnerMode === 'on';
  await setBeginnerMode(db(c), c.get('user')!.id, on);
  setFlash(c, {
    kind: 'success',
    text: on
      ? "Mode simplifié activé : les options avancées sont rangées sous « Plus d'options »."
      : 'Mode simplifié désactivé : toutes les options sont affichées.',
  });
  return c.redirect(back(c, '/'), 303);
});

// --- public unsubscribe (token in the URL; CSRF-exempt prefix /public/…/token/) ------------------
inboxRoutes.get('/public/desabonnement/token/:token', async (c) => {
  const token = c.req.param('token');
  try {
    const t = await unsubscribeTarget(db(c), token);
    return c.html(
      <PublicLayout c={c} title="Se désabonner">
        <Card title="Ne plus recevoir les résumés">
          <p>
            Vous ne recevrez plus les résumés de Radieuse à l'adresse <strong>{t.email}</strong>. Vous pourrez les
            réactiver dans « Mes notifications ».
          </p>
          <form method="post" action={`/public/desabonnement/token/${token}`}>
            <button type="submit">Confirmer le désabonnement</button>
          </form>
        </Card>
      </PublicLayout>,
    );
  } catch (e) {
    if (e instanceof UserError)
      return c.html(
        <PublicLayout c={c} title="Lien invalide">
          <Card title="Lien invalide">
            <p>{e.message}</p>
          </Card>
        </PublicLayout>,
        404,
      );
    throw e;
  }
});
inboxRoutes.post('/public/desabonnement/token/:token', async (c) => {
  try {
    await unsubscribe(db(c), c.req.param('token'));
    return c.html(
      <PublicLayout c={c} title="Désabonnement confirmé">
        <Card title="C'est fait">
          <p>Vous ne recevrez plus de résumé. Vos choses à faire restent visibles dans Radieuse.</p>
        </Card>
      </PublicLayout>,
    );
  } catch (e) {
    if (e instanceof UserError)
      return c.html(
        <PublicLayout c={c} title="Lien invalide">
          <Card title="Lien invalide">
            <p>{e.message}</p>
          </Card>
        </PublicLayout>,
        404,
      );
    throw e;
  }
});

// --- administrative calendar ------------------------------------------------------------------------
async function calendarPage(c: Ctx, feedUrl?: string) {
  const actor = actorOf(c);
  const from = todayParis();
  const to = addMonths(from, 3);
  const [items, hasFeed] = await tenant(
    c,
    async (trx) => [await deadlines(trx, actor, from, to), await hasCalendarFeed(trx, actor)] as const,
  );
  return c.html(
    <Layout c={c} title="Mes échéances">
      <PageHeader
        title="Mes échéances"
        help="Toutes vos dates administratives des trois prochains mois, au même endroit."
      />
      {items.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Date</th>
              <th>Quoi</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr>
                <td data-label="Date">{formatDateLong(d.date)}</td>
                <td data-label="Quoi">{d.href ? <a href={d.href}>{d.title}</a> : d.title}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Aucune échéance dans les trois prochains mois." />
      )}
      <Card title="Dans votre agenda">
        <p>
          Abonnez votre agenda (téléphone, Thunderbird, Outlook…) à ces échéances : elles s'y mettront à jour toutes
          seules.
        </p>
        {feedUrl ? (
          <p>
            Votre adresse secrète, à copier dans votre agenda : <code class="feed-url">{feedUrl}</code>
          </p>
        ) : hasFeed ? (
          <p class="muted">Une adresse existe déjà. En créer une nouvelle désactive l'ancienne.</p>
        ) : null}
        <form method="post" action="/calendrier-admin/lien">
          <Csrf token={c.get('csrf')} />
          <button type="submit" class="btn-secondary">
            {hasFeed || feedUrl ? 'Créer une nouvelle adresse' : "Obtenir l'adresse de l'agenda"}
          </button>
        </form>
      </Card>
    </Layout>,
  );
}
inboxRoutes.get('/calendrier-admin', (c) => calendarPage(c));
inboxRoutes.post('/calendrier-admin/lien', async (c) => {
  const token = await tenant(c, (trx) => renewCalendarToken(trx, actorOf(c)));
  return calendarPage(c, `${c.get('app').config.publicUrl}/public/calendrier-admin/token/${token}`);
});
inboxRoutes.get('/public/calendrier-admin/token/:token', async (c) => {
  const ics = await calendarByToken(db(c), c.req.param('token'), todayParis(), c.get('app').config.publicUrl);
  if (!ics) return c.text('Calendrier introuvable.', 404);
  return c.body(ics, 200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=900' });
});

// Signature pages: the list (the team's follow-up, or one's own documents), the preparation
// form, and a request's page (read, ask for a code, sign; for the team: cancel, resend).
import { formatDateTime } from '../../../core/dates.ts';
import {
  Badge,
  Card,
  Checkbox,
  Csrf,
  EmptyState,
  Field,
  FormErrorSummary,
  PageHeader,
  Select,
} from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import { KIND_LABELS } from '../contracts.ts';
import { SIGNATURE_KINDS } from '../schema.ts';
import {
  type PreparationChoices,
  type SignatureRequest,
  type SignatureStatus,
  STATUS_LABELS,
} from '../requests.service.ts';
import { CODE_VALID_MINUTES, CONSENT_TEXT, type CooperativeCertificate } from '../signing.service.ts';

const TONE: Record<SignatureStatus, string> = {
  pending: 'pending',
  signed: 'accepted',
  expired: 'expired',
  cancelled: 'cancelled',
};
export function StatusBadge(p: { status: SignatureStatus }) {
  return <Badge status={TONE[p.status]} label={STATUS_LABELS[p.status]} />;
}

export function ListPage(p: {
  c: Ctx;
  rows: SignatureRequest[];
  team: boolean;
  canPrepare: boolean;
  status?: SignatureStatus;
  certificate: CooperativeCertificate | null;
}) {
  const { c } = p;
  return (
    <Layout c={c} title="Signatures">
      <PageHeader
        title={p.team ? 'Signatures' : 'Mes documents à signer'}
        help={
          p.team
            ? 'Les contrats préparés pour les personnes de la coopérative : chacune les signe en ligne avec un code reçu par e-mail, puis le document est scellé par la coopérative.'
            : 'Les contrats que votre coopérative vous a préparés : lisez-les, puis signez-les avec un code reçu par e-mail.'
        }
        action={
          p.canPrepare ? (
            <a class="btn" href="/signatures/nouvelle">
              Préparer un document
            </a>
          ) : undefined
        }
      />
      {p.team ? (
        <form method="get" action="/signatures" class="filters">
          <Select
            label="État"
            name="etat"
            value={p.status ?? ''}
            options={[['', 'Tous'], ...Object.entries(STATUS_LABELS)] as [string, string][]}
            autosubmit
          />
          <noscript>
            <button type="submit">Filtrer</button>
          </noscript>
        </form>
      ) : null}
      {p.rows.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Document</th>
              {p.team ? <th>Personne</th> : null}
              <th>Préparé le</th>
              <th>État</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr>
                <td data-label="Document">{r.title}</td>
                {p.team ? (
                  <td data-label="Personne">
                    {r.signerName} <span class="hint">{r.signerEmail}</span>
                  </td>
                ) : null}
                <td data-label="Préparé le">{formatDateTime(r.createdAt)}</td>
                <td data-label="État">
                  <StatusBadge status={r.status} />
                </td>
                <td>
                  <a href={`/signatures/${r.id}`}>{r.status === 'pending' && !p.team ? 'Lire et signer' : 'Voir'}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState
          title={p.team ? 'Aucune demande de signature' : 'Rien à signer pour le moment'}
          text={p.team ? 'Préparez un CAPE, un CESA, un avenant ou une candidature au sociétariat.' : undefined}
        />
      )}
      {p.team ? (
        <Card title="Certificat de cachet de la coopérative">
          {p.certificate ? (
            <p>
              {p.certificate.source === 'imported' ? 'Importé' : 'Auto-signé, créé par Radieuse'} :{' '}
              {p.certificate.subject}
              <br />
              <span class="hint">
                Empreinte SHA-256 {p.certificate.fingerprint} · valable jusqu’au{' '}
                {formatDateTime(p.certificate.notAfter)}
              </span>
            </p>
          ) : (
            <p>Aucun pour l’instant : un certificat auto-signé sera créé à la première signature.</p>
          )}
          <p class="hint">
            Pour un certificat délivré par une autorité de certification, l’exploitant l’importe avec la commande «
            radieuse signature certificate ».
          </p>
        </Card>
      ) : null}
    </Layout>
  );
}

export function NewPage(p: {
  c: Ctx;
  choices: PreparationChoices;
  values?: Record<string, string>;
  errors?: Record<string, string> | null;
  message?: string | null;
}) {
  const { c } = p;
  const v = p.values ?? {};
  const e = p.errors ?? {};
  return (
    <Layout c={c} title="Préparer un document à signer">
      <PageHeader
        title="Préparer un document à signer"
        help="Le contrat est produit en PDF à partir des informations ci-dessous ; la personne reçoit un e-mail et le retrouve dans sa liste « À faire »."
      />
      <FormErrorSummary errors={p.errors} message={p.message} />
      <form method="post" action="/signatures/nouvelle">
        <Csrf token={c.get('csrf')} />
        <Select
          label="Type de document"
          name="kind"
          value={v.kind}
          options={SIGNATURE_KINDS.map((k) => [k, KIND_LABELS[k]] as [string, string])}
          error={e.kind}
          required
        />
        <Select
          label="Personne qui signe"
          name="userId"
          value={v.userId}
          options={[
            ['', '—'],
            ...p.choices.people.map((x) => [x.userId, `${x.name} (${x.email})`] as [string, string]),
          ]}
          error={e.userId}
          required
        />
        <Select
          label="Activité"
          name="activityId"
          value={v.activityId}
          hint="Obligatoire pour un CAPE ou un CESA : l'activité de la personne."
          options={[['', '—'], ...p.choices.activities.map((a) => [a.id, a.name] as [string, string])]}
          error={e.activityId}
        />
        <Field
          label="Date de début (ou de prise d'effet)"
          name="startDate"
          type="date"
          value={v.startDate}
          error={e.startDate}
          required
        />
        <Field
          label="Date de fin"
          name="endDate"
          type="date"
          value={v.endDate}
          error={e.endDate}
          hint="CAPE : un an au plus. CESA : vide pour une durée indéterminée."
        />
        <Field
          label="Montant (€)"
          name="amount"
          value={v.amount}
          inputmode="decimal"
          error={e.amount}
          hint="CESA : rémunération brute mensuelle de départ. Candidature : montant des parts souscrites. Avenant : si l'avenant porte sur un montant."
        />
        <Field
          label="Objet de l'avenant"
          name="subject"
          value={v.subject}
          error={e.subject}
          hint="Par exemple : passage à temps partiel, changement d'activité."
        />
        <button type="submit">Préparer et envoyer à la personne</button>
      </form>
    </Layout>
  );
}

export function RequestPage(p: {
  c: Ctx;
  r: SignatureRequest;
  isSigner: boolean;
  canManage: boolean;
  codeError?: string | null;
  consentError?: string | null;
  message?: string | null;
}) {
  const { c, r } = p;
  const base = `/signatures/${r.id}`;
  return (
    <Layout c={c} title={r.title}>
      <PageHeader
        title={r.title}
        help={`${r.kindLabel} · préparé par ${r.preparerName} le ${formatDateTime(r.createdAt)}`}
      />
      {p.message ? (
        <div class="flash flash-error" role="alert">
          {p.message}
        </div>
      ) : null}
      <Card title="Où en est-on ?">
        <p>
          <StatusBadge status={r.status} />
        </p>
        <p>
          Pour : {r.signerName} ({r.signerEmail}){r.activityName ? ` · activité ${r.activityName}` : ''}
        </p>
        {r.status === 'pending' ? <p>La demande reste ouverte jusqu’au {formatDateTime(r.expiresAt)}.</p> : null}
        {r.status === 'signed' ? <p>Signé le {formatDateTime(r.signedAt)}.</p> : null}
        {r.status === 'cancelled' ? <p>Annulée le {formatDateTime(r.cancelledAt)}.</p> : null}
      </Card>
      <Card title="Le document">
        <p>
          <a href={`${base}/document`} target="_blank" rel="noopener">
            Lire le document (PDF)
          </a>{' '}
          · <a href={`${base}/document/telecharger`}>Télécharger</a>
        </p>
        <p class="hint">Empreinte SHA-256 du document : {r.documentSha256}</p>
        {r.status === 'signed' ? (
          <p>
            <a href={`${base}/signe`}>Télécharger le document signé et scellé</a> ·{' '}
            <a href={`${base}/preuve`}>Télécharger le dossier de preuve</a>
          </p>
        ) : null}
      </Card>
      {p.isSigner && r.status === 'pending' ? (
        <Card title="Signer">
          <ol>
            <li>Lisez le document en entier.</li>
            <li>
              Demandez votre code : il est envoyé à {r.signerEmail} et reste valable {CODE_VALID_MINUTES} minutes.
            </li>
            <li>Cochez la case, tapez le code, signez.</li>
          </ol>
          <form method="post" action={`${base}/code`}>
            <Csrf token={c.get('csrf')} />
            <button type="submit" class="secondary">
              {r.otpExpiresAt ? 'Recevoir un nouveau code' : 'Recevoir mon code par e-mail'}
            </button>
          </form>
          {r.otpExpiresAt ? (
            <p class="hint">
              Code envoyé le {formatDateTime(r.otpSentAt)}, valable jusqu’à {formatDateTime(r.otpExpiresAt)} ·{' '}
              {r.otpAttemptsLeft} essai(s) restant(s).
            </p>
          ) : null}
          <form method="post" action={`${base}/signer`}>
            <Csrf token={c.get('csrf')} />
            <Checkbox label={CONSENT_TEXT} name="consent" />
            {p.consentError ? (
              <p class="error" role="alert">
                {p.consentError}
              </p>
            ) : null}
            <Field
              label="Code reçu par e-mail (6 chiffres)"
              name="code"
              inputmode="numeric"
              autocomplete="one-time-code"
              error={p.codeError ?? undefined}
              required
            />
            <button type="submit">Signer le document</button>
          </form>
        </Card>
      ) : null}
      {p.canManage && (r.status === 'pending' || r.status === 'expired') ? (
        <Card title="Suivi">
          <form method="post" action={`${base}/relancer`} class="inline">
            <Csrf token={c.get('csrf')} />
            <button type="submit" class="secondary">
              Relancer la personne par e-mail
            </button>
          </form>{' '}
          <form method="post" action={`${base}/annuler`} class="inline">
            <Csrf token={c.get('csrf')} />
            <button type="submit" class="danger">
              Annuler la demande
            </button>
          </form>
        </Card>
      ) : null}
    </Layout>
  );
}

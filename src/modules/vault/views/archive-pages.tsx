// The archive pages: the member's coffre-fort (documents by kind, their proofs, who accessed
// them, upload, whole export), staff's list of people and a person's archive with the deposit
// form, the direction's settings (timestamp authority, retention).
import { formatDate, formatDateTime } from '../../../core/dates.ts';
import { Badge, Card, Csrf, EmptyState, Field, PageHeader, Select } from '../../../web/components.tsx';
import type { Ctx } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import {
  type AccessLine,
  type ArchivedDocument,
  type ArchiveSettings,
  type ArchiveView,
  CONTRACT_KINDS,
  DOCUMENT_KINDS,
  type DocumentKind,
  MAX_ARCHIVE_FILE_BYTES,
} from '../archive.service.ts';

const ACTIONS: Record<string, string> = {
  view: 'a consulté',
  download: 'a téléchargé',
  export: 'a exporté tout le coffre-fort',
  deposit: 'a déposé',
  upload: 'a ajouté',
  purge: 'a effacé (conservation passée)',
  delete: 'a supprimé',
};

const size = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} Mo` : `${Math.max(1, Math.round(n / 1024))} ko`;

function Proof(p: { d: ArchivedDocument; timestamping: boolean }) {
  return (
    <details class="more">
      <summary>Preuve d'intégrité</summary>
      {p.d.proofs.map((e) => (
        <dl class="proof">
          <dt>{e.part === 'main' ? 'Document' : 'Preuve de signature'} — empreinte SHA-256</dt>
          <dd>
            <code>{e.sha256}</code>
          </dd>
          <dt>Position dans la chaîne</dt>
          <dd>
            n° {e.seq}, inscrite le {formatDateTime(e.createdAt)}
          </dd>
          <dt>Empreinte de l'entrée</dt>
          <dd>
            <code>{e.entryHash}</code>
          </dd>
          <dt>Entrée précédente</dt>
          <dd>
            <code>{e.prevHash}</code>
          </dd>
          <dt>Horodatage</dt>
          <dd>
            {e.tsaTime
              ? `${formatDateTime(e.tsaTime)} par ${e.tsaName ?? 'l’autorité d’horodatage'}`
              : p.timestamping
                ? e.tsaError
                  ? "En attente : l'autorité d'horodatage n'a pas encore répondu."
                  : 'En attente.'
                : "Pas d'horodatage : la coopérative n'a pas configuré d'autorité d'horodatage."}
          </dd>
        </dl>
      ))}
    </details>
  );
}

function DocumentCard(p: {
  c: Ctx;
  d: ArchivedDocument;
  timestamping: boolean;
  canDelete: boolean;
  canSetEnd: boolean;
}) {
  const { d, c } = p;
  return (
    <li class="card">
      <h3>
        {d.title}
        {d.contractKind ? ` (${CONTRACT_KINDS[d.contractKind]})` : ''}
      </h3>
      <p class="hint">
        Daté du {formatDate(d.documentDate)}
        {d.endsOn ? ` · fin le ${formatDate(d.endsOn)}` : ''} · {d.fileName} · {size(d.size)} · archivé le{' '}
        {formatDateTime(d.createdAt)}
        {d.source === 'signature' ? ' · signé électroniquement' : ''}
      </p>
      {d.purgedAt ? (
        <p>
          <Badge status="expired" label="Contenu effacé" /> le {formatDateTime(d.purgedAt)} ({d.purgeReason}). La preuve
          reste dans la chaîne.
        </p>
      ) : (
        <p class="actions">
          <a class="btn btn-secondary" href={`/coffre-fort/documents/${d.id}/fichier`}>
            Télécharger
          </a>
          {d.hasCompanion ? (
            <a class="btn btn-secondary" href={`/coffre-fort/documents/${d.id}/preuve-signature`}>
              Télécharger la preuve de signature
            </a>
          ) : null}
        </p>
      )}
      <Proof d={d} timestamping={p.timestamping} />
      {p.canDelete && d.kind === 'own' && !d.purgedAt ? (
        <form method="post" action={`/coffre-fort/documents/${d.id}/supprimer`}>
          <Csrf token={c.get('csrf')} />
          <button type="submit" class="btn-danger">
            Supprimer ce document
          </button>
        </form>
      ) : null}
      {p.canSetEnd && d.kind === 'contract' && !d.purgedAt ? (
        <form method="post" action={`/coffre-fort/documents/${d.id}/fin`} class="inline-form">
          <Csrf token={c.get('csrf')} />
          <Field label="Fin du contrat" name="endsOn" type="date" value={d.endsOn} />
          <button type="submit" class="btn-secondary">
            Enregistrer la fin
          </button>
        </form>
      ) : null}
    </li>
  );
}

function Documents(p: { c: Ctx; view: ArchiveView; canDelete: boolean; canSetEnd: boolean; empty: string }) {
  const byKind = (Object.keys(DOCUMENT_KINDS) as DocumentKind[])
    .map((k) => [k, p.view.documents.filter((d) => d.kind === k)] as const)
    .filter(([, ds]) => ds.length);
  if (!byKind.length) return <EmptyState title="Aucun document pour l'instant" text={p.empty} />;
  return (
    <>
      {byKind.map(([k, ds]) => (
        <section aria-labelledby={`kind-${k}`}>
          <h2 id={`kind-${k}`}>
            {DOCUMENT_KINDS[k]} ({ds.length})
          </h2>
          <ul class="cards">
            {ds.map((d) => (
              <DocumentCard
                c={p.c}
                d={d}
                timestamping={p.view.timestamping.configured}
                canDelete={p.canDelete}
                canSetEnd={p.canSetEnd}
              />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function AccessLog(p: { lines: AccessLine[] }) {
  return (
    <Card title="Qui a accédé à ce coffre-fort">
      {p.lines.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Quand</th>
              <th>Qui</th>
              <th>Quoi</th>
            </tr>
          </thead>
          <tbody>
            {p.lines.map((l) => (
              <tr>
                <td data-label="Quand">{formatDateTime(l.at)}</td>
                <td data-label="Qui">{l.actorLabel}</td>
                <td data-label="Quoi">
                  {ACTIONS[l.action] ?? l.action}
                  {l.documentTitle ? ` « ${l.documentTitle} »` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Personne n'a encore accédé à ces documents.</p>
      )}
    </Card>
  );
}

function UploadFields(p: { errors: Record<string, string>; values: Record<string, string> }) {
  const e = p.errors;
  return (
    <>
      <Field label="Titre" name="title" value={p.values.title} error={e.title} required />
      <Field
        label="Date du document"
        name="documentDate"
        type="date"
        value={p.values.documentDate}
        error={e.documentDate}
      />
      <div class={`field${e.document ? ' has-error' : ''}`}>
        <label for="f-document">Fichier (PDF ou photo, {MAX_ARCHIVE_FILE_BYTES / 1024 / 1024} Mo au plus)</label>
        <input
          id="f-document"
          type="file"
          name="document"
          accept="application/pdf,image/*"
          required
          aria-invalid={e.document ? 'true' : undefined}
          aria-describedby={e.document ? 'f-document-error' : undefined}
        />
        {e.document ? (
          <p class="error" id="f-document-error" role="alert">
            {e.document}
          </p>
        ) : null}
      </div>
    </>
  );
}

export function OwnArchivePage(p: {
  c: Ctx;
  view: ArchiveView;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}) {
  const { c, view } = p;
  return (
    <Layout c={c} title="Mon coffre-fort">
      <PageHeader
        title="Mon coffre-fort"
        help="Vos contrats, bulletins de paie, certificats, attestations et factures, gardés chiffrés. Chaque document a une preuve qu'il n'a pas été modifié, et chaque accès est noté ci-dessous."
        action={
          <a class="btn" href="/coffre-fort/export" download>
            Télécharger tout mon coffre-fort
          </a>
        }
      />
      {view.timestamping.configured ? null : (
        <p class="hint">
          Votre coopérative n'a pas configuré d'autorité d'horodatage : vos documents ont une empreinte et une place
          dans la chaîne, mais pas de date certifiée par un tiers.
        </p>
      )}
      <Documents
        c={c}
        view={view}
        canDelete
        canSetEnd={false}
        empty="Vos contrats signés et vos bulletins de paie arriveront ici. Vous pouvez aussi y ranger vos propres documents."
      />
      <Card title="Ajouter un document">
        <p>Un diplôme, une attestation, un justificatif : il est gardé jusqu'à ce que vous le supprimiez.</p>
        <form method="post" action="/coffre-fort/documents" enctype="multipart/form-data">
          <Csrf token={c.get('csrf')} />
          <UploadFields errors={p.errors ?? {}} values={p.values ?? {}} />
          <button type="submit">Ajouter à mon coffre-fort</button>
        </form>
      </Card>
      <AccessLog lines={view.access} />
    </Layout>
  );
}

export function PeoplePage(p: {
  c: Ctx;
  people: { userId: string; name: string; email: string; documents: number }[];
  canSettings: boolean;
}) {
  return (
    <Layout c={p.c} title="Coffres-forts des personnes">
      <PageHeader
        title="Coffres-forts des personnes"
        help="Déposez un bulletin, un certificat ou une attestation dans le coffre-fort d'une personne. Chaque consultation est visible par la personne."
        action={
          p.canSettings ? (
            <a class="btn btn-secondary" href="/coffre-fort/reglages">
              Réglages
            </a>
          ) : undefined
        }
      />
      {p.people.length ? (
        <table class="data">
          <thead>
            <tr>
              <th>Personne</th>
              <th>Documents</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {p.people.map((x) => (
              <tr>
                <td data-label="Personne">
                  {x.name} <span class="hint">{x.email}</span>
                </td>
                <td data-label="Documents">{x.documents}</td>
                <td>
                  <a href={`/coffre-fort/personnes/${x.userId}`}>Ouvrir</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Personne dans la coopérative" />
      )}
    </Layout>
  );
}

export function PersonArchivePage(p: {
  c: Ctx;
  view: ArchiveView;
  depositKinds: [string, string][];
  canSetEnd: boolean;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}) {
  const { c, view } = p;
  const e = p.errors ?? {};
  const v = p.values ?? {};
  const base = `/coffre-fort/personnes/${view.person.id}`;
  return (
    <Layout c={c} title={`Coffre-fort de ${view.person.name}`}>
      <PageHeader
        title={`Coffre-fort de ${view.person.name}`}
        help={`${view.person.email} · votre consultation est inscrite dans le journal des accès que la personne voit.`}
        action={
          <a class="btn btn-secondary" href={`${base}/export`} download>
            Exporter son coffre-fort (départ)
          </a>
        }
      />
      {p.depositKinds.length ? (
        <Card title="Déposer un document">
          {e._ ? (
            <div class="flash flash-error" role="alert">
              {e._}
            </div>
          ) : null}
          <form method="post" action={`${base}/depots`} enctype="multipart/form-data">
            <Csrf token={c.get('csrf')} />
            <Select label="Type" name="kind" value={v.kind} options={p.depositKinds} error={e.kind} required />
            <Select
              label="Type de contrat (pour un contrat)"
              name="contractKind"
              value={v.contractKind}
              options={[['', '—'], ...(Object.entries(CONTRACT_KINDS) as [string, string][])]}
              error={e.contractKind}
            />
            <UploadFields errors={e} values={v} />
            <button type="submit">Déposer</button>
          </form>
        </Card>
      ) : null}
      <Documents
        c={c}
        view={view}
        canDelete={false}
        canSetEnd={p.canSetEnd}
        empty="Rien n'a encore été archivé pour cette personne."
      />
      <AccessLog lines={view.access} />
      <p>
        <a href="/coffre-fort/personnes">Retour aux coffres-forts</a>
      </p>
    </Layout>
  );
}

export function SettingsPage(p: {
  c: Ctx;
  s: ArchiveSettings;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}) {
  const e = p.errors ?? {};
  const v = p.values ?? {};
  return (
    <Layout c={p.c} title="Réglages du coffre-fort">
      <PageHeader
        title="Réglages du coffre-fort"
        help="L'autorité d'horodatage date chaque preuve de façon vérifiable par un tiers. Les durées de conservation décident quand le contenu d'un document est effacé ; sa preuve reste."
      />
      <form method="post" action="/coffre-fort/reglages">
        <Csrf token={p.c.get('csrf')} />
        <Card title="Horodatage (RFC 3161)">
          <Field
            label="Adresse de l'autorité d'horodatage"
            name="tsaUrl"
            type="url"
            value={v.tsaUrl ?? p.s.tsaUrl}
            error={e.tsaUrl}
            hint={
              p.s.effectiveTsaUrl && !p.s.tsaUrl
                ? `Vide : celle du serveur est utilisée (${p.s.effectiveTsaUrl}).`
                : 'Vide : pas d’horodatage, sauf si le serveur en configure une.'
            }
          />
        </Card>
        <Card title="Durées de conservation (en années)">
          {(Object.keys(DOCUMENT_KINDS) as DocumentKind[]).map((k) => (
            <Field
              label={`${DOCUMENT_KINDS[k]}${k === 'contract' ? ' (après la fin du contrat)' : ''}`}
              name={`retention_${k}`}
              inputmode="numeric"
              value={v[`retention_${k}`] ?? p.s.retention[k]}
              error={e[`retention_${k}`]}
              hint={k === 'own' ? 'Vide : jusqu’à ce que la personne le supprime.' : 'Vide : conservé sans limite.'}
            />
          ))}
        </Card>
        <button type="submit">Enregistrer</button>
      </form>
    </Layout>
  );
}

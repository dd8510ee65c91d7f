// The archive export: one zip with every document of a person, manifest.json (each file's name,
// kind, title, SHA-256 and chain entry, its timestamp token), the tokens (.tsr), the timestamp
// authorities' certificates, verifier.mjs (offline check, no dependency) and README.txt, in
// French, saying how to check everything, timestamps included with `openssl ts -verify`.
// The member takes it at any time; staff for a person leaving the cooperative.
import { strToU8, zipSync } from 'fflate';
import type { Actor } from '../../core/actor.ts';
import { audit } from '../../core/audit.ts';
import type { Tx } from '../../core/db/handles.ts';
import { NotFoundError, UserError } from '../../core/errors.ts';
import { readFile } from '../../core/files.ts';
import { uuidv7 } from '../../core/ids.ts';
import { getCooperative } from '../directory/index.ts';
import { archiveForExport, CONTRACT_KINDS, DOCUMENT_KINDS } from './archive.service.ts';
import { vaultDb } from './db.ts';
import { certificatePemOf, sha256Hex } from './timestamp.ts';
import { VERIFIER_MJS } from './verifier-script.ts';

const EXT: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/json': 'json',
};

function slug(s: string): string {
  return (
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'document'
  );
}

export interface ManifestFile {
  document_id: string;
  part: 'main' | 'companion';
  name: string | null;
  kind: string;
  contract_kind: string | null;
  title: string;
  date: string;
  sha256: string;
  seq: number;
  chain_kind: string;
  created_at: string;
  prev_hash: string;
  entry_hash: string;
  timestamp_token: string | null;
  timestamp_time: string | null;
  tsa: string | null;
  purged_at: string | null;
}

/** The zip of a person's archive: their own (`userId` omitted) or, for staff, anyone's. */
export async function exportArchive(
  tx: Tx,
  actor: Actor,
  key: Buffer,
  userId?: string,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  const view = await archiveForExport(tx, actor, userId);
  const person = view.person;
  const coop = await getCooperative(tx, actor.cooperativeId);
  if (!coop) throw new NotFoundError('Coopérative');
  const trx = vaultDb(tx);
  const files: Record<string, Uint8Array> = {};
  const manifestFiles: ManifestFile[] = [];
  const certs = new Map<string, string>();
  let maxSeq = 0;
  for (const d of view.documents) {
    const row = await trx
      .selectFrom('archive_document')
      .select(['file_id', 'companion_file_id'])
      .where('cooperative_id', '=', actor.cooperativeId)
      .where('id', '=', d.id)
      .executeTakeFirstOrThrow();
    for (const p of d.proofs) {
      maxSeq = Math.max(maxSeq, p.seq);
      const fileId = p.part === 'main' ? row.file_id : row.companion_file_id;
      const base = `${String(p.seq).padStart(6, '0')}-${slug(d.title)}`;
      let name: string | null = null;
      if (fileId) {
        const f = await readFile(tx, key, actor.cooperativeId, fileId);
        if (sha256Hex(f.content) !== p.sha256)
          throw new UserError(
            `Le contenu de « ${d.title} » ne correspond plus à sa preuve : signalez-le à la coopérative.`,
          );
        const ext = EXT[f.mimeType] ?? (p.part === 'companion' ? 'json' : 'bin');
        name = `documents/${base}${p.part === 'companion' ? '-preuve-signature' : ''}.${ext}`;
        files[name] = new Uint8Array(f.content);
      }
      let token: string | null = null;
      if (p.hasToken) {
        const t = await trx
          .selectFrom('archive_chain')
          .select('tsa_response')
          .where('cooperative_id', '=', actor.cooperativeId)
          .where('seq', '=', p.seq)
          .executeTakeFirstOrThrow();
        token = `horodatages/${String(p.seq).padStart(6, '0')}.tsr`;
        files[token] = new Uint8Array(t.tsa_response!);
        const pem = certificatePemOf(t.tsa_response!);
        if (pem && !certs.has(pem)) certs.set(pem, `horodatages/autorite-${certs.size + 1}.pem`);
      }
      manifestFiles.push({
        document_id: d.id,
        part: p.part,
        name,
        kind: d.kind,
        contract_kind: d.contractKind,
        title: d.title,
        date: d.documentDate,
        sha256: p.sha256,
        seq: p.seq,
        chain_kind: p.kind,
        created_at: p.createdAt.toISOString(),
        prev_hash: p.prevHash,
        entry_hash: p.entryHash,
        timestamp_token: token,
        timestamp_time: p.tsaTime?.toISOString() ?? null,
        tsa: p.tsaName,
        purged_at: p.purgedAt?.toISOString() ?? null,
      });
    }
  }
  for (const [pem, path] of certs) files[path] = strToU8(pem);
  const chain = await trx
    .selectFrom('archive_chain')
    .select(['seq', 'prev_hash', 'entry_hash'])
    .where('cooperative_id', '=', actor.cooperativeId)
    .where('seq', '<=', maxSeq)
    .orderBy('seq')
    .execute();
  manifestFiles.sort((a, b) => a.seq - b.seq);
  const manifest = {
    format: 'radieuse-coffre-fort/1',
    exported_at: new Date().toISOString(),
    cooperative: { id: coop.id, name: coop.name, siren: coop.siren },
    person: { id: person.id, name: person.name, email: person.email },
    hash_rule:
      'entry_hash = SHA-256 du JSON aux clés triées {cooperative_id, created_at, document_id, kind, prev_hash, seq, sha256} ; la première entrée a prev_hash = 64 zéros ; chaque horodatage porte sur entry_hash.',
    files: manifestFiles,
    chain: chain.map((c) => ({ seq: Number(c.seq), prev_hash: c.prev_hash, entry_hash: c.entry_hash })),
    tsa_certificates: [...certs.values()],
  };
  files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 2));
  files['verifier.mjs'] = strToU8(VERIFIER_MJS);
  files['README.txt'] = strToU8(readme(person.name, coop.name, manifestFiles, [...certs.values()]));
  const zip = Buffer.from(zipSync(files, { level: 6 }));
  await vaultDb(tx)
    .insertInto('archive_access')
    .values({
      cooperative_id: actor.cooperativeId,
      id: uuidv7(),
      user_id: person.id,
      document_id: null,
      actor_user_id: actor.userId,
      actor_label: actor.label,
      action: 'export',
    })
    .execute();
  await audit(tx, actor, {
    action: 'archive.export',
    targetType: 'user',
    targetId: person.id,
    data: { documents: view.documents.length, bytes: zip.length },
  });
  return { name: `coffre-fort-${slug(person.name)}.zip`, mimeType: 'application/zip', content: zip };
}

function readme(person: string, coop: string, files: ManifestFile[], certs: string[]): string {
  const kinds = Object.entries(DOCUMENT_KINDS)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  const stamped = files.find((f) => f.timestamp_token);
  return `Coffre-fort de ${person} — ${coop}
Export du ${new Date().toLocaleString('fr-FR', { timeZone: 'Europe/Paris' })}

Ce dossier contient tous vos documents archivés et de quoi prouver, sans nous, qu'ils n'ont pas
été modifiés depuis leur archivage.

CONTENU
- documents/ : vos documents (le numéro au début du nom est la position dans la chaîne).
  Les contrats signés électroniquement sont accompagnés de leur preuve de signature (-preuve-signature.json).
- manifest.json : pour chaque fichier, son type (${kinds}),
  son titre, son empreinte SHA-256, sa position dans la chaîne (seq), l'empreinte de l'entrée
  précédente (prev_hash), celle de son entrée (entry_hash) et son jeton d'horodatage.
  Types de contrat : ${Object.entries(CONTRACT_KINDS)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ')}.
- horodatages/ : les jetons d'horodatage (.tsr, RFC 3161) et le certificat de chaque autorité (.pem).
- verifier.mjs : un petit programme de vérification, sans dépendance.

1. VÉRIFIER LES FICHIERS ET LA CHAÎNE
Avec Node.js (version 18 ou plus), dans ce dossier :
    node verifier.mjs
Il affiche « OK » si chaque fichier a bien l'empreinte notée, si chaque entrée de la chaîne se
recalcule et si les entrées se suivent depuis la première. Sinon il affiche « KO » et la liste
des problèmes. Les documents dont le contenu a été effacé (durée de conservation passée) n'ont
plus de fichier, mais leur entrée reste dans la chaîne.

2. VÉRIFIER LES HORODATAGES (preuve de date par un tiers)
${
  stamped
    ? `Chaque jeton porte sur l'empreinte de l'entrée (entry_hash du manifeste). Avec OpenSSL :
    openssl ts -verify -digest ENTRY_HASH -in horodatages/NUMERO.tsr -CAfile ${certs[0] ?? 'horodatages/autorite-1.pem'}
Par exemple, pour l'entrée ${stamped.seq} :
    openssl ts -verify -digest ${stamped.entry_hash} -in ${stamped.timestamp_token} -CAfile ${certs[0] ?? 'horodatages/autorite-1.pem'}
OpenSSL répond « Verification: OK ». Pour lire la date d'un jeton :
    openssl ts -reply -in ${stamped.timestamp_token} -text
Le certificat fourni est celui contenu dans le jeton : pour une preuve opposable, vérifiez aussi
qu'il est bien celui de l'autorité d'horodatage annoncée (sa chaîne de certification).`
    : `Aucun document de cet export n'est horodaté : votre coopérative n'a pas configuré d'autorité
d'horodatage au moment de l'archivage. Les empreintes et la chaîne restent vérifiables (étape 1).`
}
`;
}

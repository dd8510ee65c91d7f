// The source of verifier.mjs, put in every export: a Node script with no dependency (node:crypto
// and node:fs only) that re-checks, from manifest.json, each file's SHA-256, each entry's hash
// (the same canonical serialisation as chain.ts) and the links of the chain from its start.
// Timestamp signatures are left to `openssl ts -verify` (README.txt), which is made for that.
export const VERIFIER_MJS = `#!/usr/bin/env node
// Vérifie un export de coffre-fort Radieuse : node verifier.mjs [dossier]
// Sans dépendance : seulement node:crypto et node:fs.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const problems = [];
let manifest;
try {
  manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
} catch (e) {
  console.log('KO : manifest.json illisible (' + e.message + ')');
  process.exit(1);
}

// Même règle que Radieuse : JSON aux clés triées de ces sept champs, puis SHA-256.
function entryHash(f) {
  return sha256(JSON.stringify({
    cooperative_id: f.cooperative_id,
    created_at: f.created_at,
    document_id: f.document_id,
    kind: f.kind,
    prev_hash: f.prev_hash,
    seq: f.seq,
    sha256: f.sha256,
  }));
}

// 1. La chaîne, depuis sa première entrée : chaque entrée pointe vers la précédente.
const chain = new Map();
let prev = '0'.repeat(64);
let expected = 1;
for (const e of manifest.chain ?? []) {
  if (e.seq !== expected) problems.push('chaîne : entrée ' + expected + ' manquante');
  if (e.prev_hash !== prev) problems.push('chaîne : lien rompu à l\\'entrée ' + e.seq);
  prev = e.entry_hash;
  expected = e.seq + 1;
  chain.set(e.seq, e.entry_hash);
}

// 2. Chaque fichier : son empreinte, son entrée recalculée, sa place dans la chaîne, son jeton.
let checked = 0;
for (const f of manifest.files ?? []) {
  const label = f.title + (f.part === 'companion' ? ' (preuve de signature)' : '');
  if (f.name) {
    const path = join(dir, f.name);
    if (!existsSync(path)) problems.push(label + ' : fichier absent (' + f.name + ')');
    else if (sha256(readFileSync(path)) !== f.sha256) problems.push(label + ' : fichier modifié (' + f.name + ')');
    else checked++;
  }
  if (entryHash({ ...f, cooperative_id: manifest.cooperative.id, kind: f.chain_kind }) !== f.entry_hash)
    problems.push(label + ' : entrée ' + f.seq + ' de la chaîne altérée');
  if (chain.get(f.seq) !== f.entry_hash) problems.push(label + ' : entrée ' + f.seq + ' absente de la chaîne');
  if (f.timestamp_token) {
    const tsrPath = join(dir, f.timestamp_token);
    if (!existsSync(tsrPath)) problems.push(label + ' : jeton d\\'horodatage absent');
    else if (!readFileSync(tsrPath).includes(Buffer.from(f.entry_hash, 'hex')))
      problems.push(label + ' : le jeton d\\'horodatage ne porte pas l\\'empreinte de l\\'entrée ' + f.seq);
  }
}

if (problems.length) {
  console.log('KO : ' + problems.length + ' problème(s)');
  for (const p of problems) console.log(' - ' + p);
  process.exit(1);
}
console.log('OK : ' + checked + ' fichier(s) intacts, ' + (manifest.files ?? []).length + ' entrée(s) vérifiées dans une chaîne de ' + chain.size + ' entrée(s).');
`;

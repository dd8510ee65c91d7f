// The cooperative's sealing certificate: a PKCS#12 (key + certificate). Generated self-signed
// on first use (so a cooperative can seal from day one), or imported by the operator from a
// certificate authority (`radieuse signature certificate`). Kept encrypted at rest with the
// files' key (AES-256-GCM), like every stored document.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { UserError } from '../../core/errors.ts';
import { certificateFingerprint, openP12, subjectText } from './pades.ts';

export interface P12Bundle {
  p12: Buffer;
  passphrase: string;
}
export interface CertificateInfo {
  subject: string;
  fingerprint: string;
  notAfter: Date;
}

/** A self-signed RSA-2048 sealing certificate in the cooperative's name, valid ten years. */
export function generateSelfSignedP12(
  coop: { name: string; siren: string; city: string },
  now = new Date(),
): P12Bundle {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86_400_000);
  // Tagged UTF8String so that accents survive (node-forge encodes them on the way out).
  const utf8 = (value: string) => ({
    value: value.slice(0, 64),
    valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
  });
  const attrs = [
    { name: 'commonName', ...utf8(`${coop.name} — cachet électronique`) },
    { name: 'organizationName', ...utf8(coop.name) },
    { shortName: 'OU', value: `SIREN ${coop.siren}` },
    { name: 'localityName', ...utf8(coop.city) },
    { name: 'countryName', value: 'FR' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const passphrase = randomBytes(24).toString('base64url');
  const asn1 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], passphrase, { algorithm: '3des' });
  return { p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'), passphrase };
}

/** Opens a P12: its signing certificate (the one matching the key), or a French error. */
export function inspectP12(bundle: P12Bundle): CertificateInfo {
  let cert: forge.pki.Certificate;
  try {
    cert = openP12(bundle.p12, bundle.passphrase).cert;
  } catch {
    throw new UserError(
      'Fichier P12 illisible, mot de passe incorrect, ou aucun certificat correspondant à une clé RSA.',
      'p12',
    );
  }
  return { subject: subjectText(cert), fingerprint: certificateFingerprint(cert), notAfter: cert.validity.notAfter };
}

/** The bundle encrypted for storage: iv, tag and ciphertext of `{p12, passphrase}`. */
export function encryptBundle(key: Buffer, bundle: P12Bundle): { iv: string; authTag: string; content: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const clear = Buffer.from(JSON.stringify({ p12: bundle.p12.toString('base64'), passphrase: bundle.passphrase }));
  const content = Buffer.concat([cipher.update(clear), cipher.final()]);
  return { iv: iv.toString('base64'), authTag: cipher.getAuthTag().toString('base64'), content };
}

export function decryptBundle(key: Buffer, stored: { iv: string; authTag: string; content: Buffer }): P12Bundle {
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(stored.iv, 'base64'));
  d.setAuthTag(Buffer.from(stored.authTag, 'base64'));
  const clear = JSON.parse(Buffer.concat([d.update(stored.content), d.final()]).toString('utf8')) as {
    p12: string;
    passphrase: string;
  };
  return { p12: Buffer.from(clear.p12, 'base64'), passphrase: clear.passphrase };
}

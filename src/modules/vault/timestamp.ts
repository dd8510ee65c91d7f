// RFC 3161 trusted timestamps: the request we send to a timestamp authority (TSA) over a chain
// entry's hash, and the checks of its answer. A token proves that the hash existed at a date,
// signed by a third party: it is what makes the chain convincing to someone who does not trust
// the cooperative's database. The TSA's certificate travels inside the token (certReq), so the
// signature is checked against it here, and an export carries it for `openssl ts -verify`.
import { createHash, randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { outboundRequest } from '../../core/outbound.ts';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';
const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';
const TIMEOUT_MS = 15_000;

/** A DER-encoded TimeStampReq for a SHA-256 digest (hex), with a random nonce. */
export function buildTimestampRequest(hashHex: string): { der: Buffer; nonceHex: string } {
  const nonce = randomBytes(8);
  nonce[0]! &= 0x7f; // a positive INTEGER
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: bytesOf(hashHex) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  return { der: Buffer.from(req.toSchema().toBER(false)), nonceHex: nonce.toString('hex') };
}

export interface TimestampCheck {
  ok: boolean;
  /** What is wrong, in French, when not ok. */
  problem?: string;
  genTime?: Date;
  /** The TSA's name (its certificate's subject) and certificate (DER). */
  tsaName?: string;
  certificate?: Buffer;
}

/**
 * Checks a TimeStampResp (DER): status granted, a signed TSTInfo whose imprint is our hash
 * (SHA-256), the nonce when given, and the signature against the TSA certificate carried in the
 * token, which must be meant for timestamping.
 */
export async function verifyTimestampResponse(
  der: Buffer | Uint8Array,
  expectedHashHex: string,
  expectedNonceHex?: string,
): Promise<TimestampCheck> {
  try {
    const resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(der));
    if (resp.status.status !== pkijs.PKIStatus.granted && resp.status.status !== pkijs.PKIStatus.grantedWithMods)
      return { ok: false, problem: `horodatage refusé par l'autorité (statut ${resp.status.status})` };
    if (!resp.timeStampToken || resp.timeStampToken.contentType !== SIGNED_DATA_OID)
      return { ok: false, problem: 'réponse sans jeton signé' };
    const signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
    if (signed.encapContentInfo.eContentType !== TST_INFO_OID || !signed.encapContentInfo.eContent)
      return { ok: false, problem: "le jeton ne contient pas d'information d'horodatage" };
    const tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent.getValue());
    if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID)
      return { ok: false, problem: "l'empreinte horodatée n'est pas un SHA-256" };
    const imprint = Buffer.from(tst.messageImprint.hashedMessage.getValue()).toString('hex');
    if (imprint !== expectedHashHex.toLowerCase())
      return { ok: false, problem: "le jeton horodate une autre empreinte que celle de l'entrée" };
    if (expectedNonceHex !== undefined) {
      const nonce = tst.nonce ? Buffer.from(tst.nonce.valueBlock.valueHexView).toString('hex') : '';
      if (nonce.replace(/^(00)+/, '') !== expectedNonceHex.replace(/^(00)+/, ''))
        return { ok: false, problem: "le nonce de la réponse n'est pas celui de la demande" };
    }
    const certs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    if (!certs.length) return { ok: false, problem: "le jeton ne contient pas le certificat de l'autorité" };
    const cert = signatureCertificate(signed, certs);
    if (!cert) return { ok: false, problem: 'la signature du jeton ne se vérifie pas' };
    const eku = cert.extensions?.find((x) => x.extnID === '2.5.29.37')?.parsedValue as pkijs.ExtKeyUsage | undefined;
    if (!eku?.keyPurposes.includes(TIME_STAMPING_EKU))
      return { ok: false, problem: "le certificat signataire n'est pas un certificat d'horodatage" };
    return {
      ok: true,
      genTime: tst.genTime,
      tsaName: nameOf(cert),
      certificate: Buffer.from(cert.toSchema().toBER(false)),
    };
  } catch (e) {
    return { ok: false, problem: `jeton illisible (${(e as Error).message})` };
  }
}

const DIGESTS: Record<string, string> = {
  [SHA256_OID]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * The certificate whose key signed the token, or null: the signed attributes must carry the
 * digest of the TSTInfo, and their DER (as a SET) must verify under the signer's public key.
 * Checked with node:crypto rather than pkijs' verify, which insists on the timestamped data
 * itself while we timestamp a digest.
 */
function signatureCertificate(signed: pkijs.SignedData, certs: pkijs.Certificate[]): pkijs.Certificate | null {
  const si = signed.signerInfos[0];
  if (!si?.signedAttrs || signed.signerInfos.length !== 1) return null;
  const digest = DIGESTS[si.digestAlgorithm.algorithmId];
  if (!digest) return null;
  const content = Buffer.from(signed.encapContentInfo.eContent!.getValue());
  const md = si.signedAttrs.attributes.find((a) => a.type === '1.2.840.113549.1.9.4');
  const mdValue = md?.values[0] as asn1js.OctetString | undefined;
  if (!mdValue || !Buffer.from(mdValue.getValue()).equals(createHash(digest).update(content).digest())) return null;
  const attrs = Buffer.from(si.signedAttrs.toSchema().toBER(false));
  attrs[0] = 0x31; // signed over as a SET OF, not as the [0] it is tagged with
  const signature = Buffer.from(si.signature.valueBlock.valueHexView);
  for (const c of certs) {
    const sid = si.sid as pkijs.IssuerAndSerialNumber;
    if (sid instanceof pkijs.IssuerAndSerialNumber && !sid.serialNumber.isEqual(c.serialNumber)) continue;
    try {
      const key = new X509Certificate(Buffer.from(c.toSchema().toBER(false))).publicKey;
      if (cryptoVerify(digest, attrs, key, signature)) return c;
    } catch {
      // an unusable key: try the next certificate
    }
  }
  return null;
}

/** Asks a TSA to timestamp a hash (hex) and checks its answer; throws with a French message. */
export async function requestTimestamp(
  url: string,
  hashHex: string,
  opts: { trusted?: boolean } = {},
): Promise<{ response: Buffer; genTime: Date; tsaName: string }> {
  const { der, nonceHex } = buildTimestampRequest(hashHex);
  const res = await outboundRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
    body: new Uint8Array(der),
    timeoutMs: TIMEOUT_MS,
    maxResponseBytes: 256 * 1024,
    trusted: opts.trusted,
  });
  if (res.status < 200 || res.status >= 300) throw new Error(`l'autorité d'horodatage répond ${res.status}`);
  const response = res.body;
  const check = await verifyTimestampResponse(response, hashHex, nonceHex);
  if (!check.ok) throw new Error(check.problem);
  return { response, genTime: check.genTime!, tsaName: check.tsaName! };
}

/** The TSA certificate carried in a response, as PEM (the export's `openssl ts -verify -CAfile`). */
export function certificatePemOf(der: Buffer | Uint8Array): string | null {
  try {
    const resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(der));
    const signed = new pkijs.SignedData({ schema: resp.timeStampToken!.content });
    const cert = (signed.certificates ?? []).find((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    if (!cert) return null;
    return pemOf(Buffer.from(cert.toSchema().toBER(false)));
  } catch {
    return null;
  }
}

export function pemOf(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

/** A certificate's subject as "CN=…, O=…". */
export function nameOf(cert: pkijs.Certificate): string {
  const short: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.6': 'C', '2.5.4.11': 'OU' };
  return cert.subject.typesAndValues
    .map((t) => `${short[t.type] ?? t.type}=${(t.value.valueBlock as { value?: string }).value ?? ''}`)
    .join(', ');
}

export const sha256Hex = (b: Buffer | Uint8Array | string) => createHash('sha256').update(b).digest('hex');

function bytesOf(hex: string): ArrayBuffer {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('empreinte SHA-256 attendue (64 caractères hexadécimaux)');
  return toArrayBuffer(Buffer.from(hex, 'hex'));
}

export function toArrayBuffer(b: Buffer | Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

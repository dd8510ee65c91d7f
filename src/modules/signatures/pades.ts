// The cooperative's seal on a signed contract, in PAdES (PDF Advanced Electronic Signatures):
// a CMS detached signature (subFilter ETSI.CAdES.detached) over the PDF's ByteRange, made with
// the cooperative's certificate. The placeholder and the CMS come from @signpdf (a well-kept
// library); verification parses the result back with node-forge so a test, and
// `verifySealedPdf`, can tell an intact PDF from a changed one without trusting the signer.
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';

export interface SealInput {
  pdf: Buffer;
  p12: Buffer;
  passphrase: string;
  /** Shown by PDF readers as the signature's reason: carries the evidence file's hash. */
  reason: string;
  name: string;
  location: string;
  contactInfo: string;
  signingTime: Date;
}

/** The PDF with a PAdES signature made with the P12's key. */
export async function sealPdf(input: SealInput): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: input.pdf,
    reason: input.reason,
    name: input.name,
    location: input.location,
    contactInfo: input.contactInfo,
    signingTime: input.signingTime,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    signatureLength: 16384,
    appName: 'Radieuse',
  });
  const signer = new CooperativeSealSigner(input.p12, input.passphrase);
  return Buffer.from(await new SignPdf().sign(withPlaceholder, signer, input.signingTime));
}

/**
 * @signpdf/signer-p12's signer, with one correction: node-forge reads a certificate's UTF8String
 * names as raw bytes and encodes them again when it writes the signer's issuer, so a
 * certificate named « Coopérative … » (ours, or one bought from an authority) gave a signature
 * whose issuer matched no certificate and that no reader could verify. The issuer is handed to
 * node-forge decoded; the rest is the library's signer (SHA-256, contentType, signingTime,
 * messageDigest as signed attributes, detached).
 */
class CooperativeSealSigner extends Signer {
  constructor(
    private readonly p12: Buffer,
    private readonly passphrase: string,
  ) {
    super();
  }
  async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const { key, cert, chain } = openP12(this.p12, this.passphrase);
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const c of chain) p7.addCertificate(c);
    p7.addSigner({
      key,
      issuer: cert.issuer.attributes.map((a) => (isUtf8(a) ? { ...a, value: utf8Text(a.value) } : a)),
      serialNumber: cert.serialNumber,
      digestAlgorithm: forge.pki.oids.sha256,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest },
      ],
    } as unknown as Parameters<typeof p7.addSigner>[0]);
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}

/** The private key of a P12, the certificate that matches it, and every certificate it holds. */
export function openP12(
  p12Der: Buffer,
  passphrase: string,
): { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate; chain: forge.pki.Certificate[] } {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12Der.toString('binary')), false, passphrase);
  const keyBags = {
    ...p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag }),
    ...p12.getBags({ bagType: forge.pki.oids.keyBag }),
  };
  const key = (keyBags[forge.pki.oids.pkcs8ShroudedKeyBag]?.[0]?.key ?? keyBags[forge.pki.oids.keyBag]?.[0]?.key) as
    | forge.pki.rsa.PrivateKey
    | undefined;
  if (!key?.n) throw new Error('no RSA private key in the P12');
  const chain = (p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => !!c);
  const cert = chain.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return !!pub?.n && pub.n.compareTo(key.n) === 0 && pub.e.compareTo(key.e) === 0;
  });
  if (!cert) throw new Error('no certificate of the P12 matches its key');
  return { key, cert, chain };
}

export interface SealCheck {
  /** The ByteRange covers the whole file but the signature value, and its digest is the one signed. */
  ok: boolean;
  problems: string[];
  byteRange: [number, number, number, number] | null;
  subFilter: string | null;
  /** SHA-256 of the signed bytes (the ByteRange), hex. */
  signedDigest: string | null;
  /** The messageDigest attribute of the CMS signed attributes, hex. */
  messageDigest: string | null;
  certificateSubject: string | null;
  certificateSha256: string | null;
  reason: string | null;
}

const OID_MESSAGE_DIGEST = forge.pki.oids.messageDigest;

/** Parses a sealed PDF back: ByteRange digest = CMS messageDigest, and the CMS signature over
 *  the signed attributes verifies with the certificate it carries. Takes the last signature. */
export function verifySealedPdf(pdf: Buffer): SealCheck {
  const problems: string[] = [];
  const result: SealCheck = {
    ok: false,
    problems,
    byteRange: null,
    subFilter: null,
    signedDigest: null,
    messageDigest: null,
    certificateSubject: null,
    certificateSha256: null,
    reason: null,
  };
  const text = pdf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges.at(-1);
  if (!last) {
    problems.push('aucune signature dans le PDF');
    return result;
  }
  const br = [Number(last[1]), Number(last[2]), Number(last[3]), Number(last[4])] as [number, number, number, number];
  result.byteRange = br;
  const [a, b, c, d] = br;
  if (a !== 0 || c + d !== pdf.length || b >= c) problems.push('la signature ne couvre pas tout le fichier');
  const sub = text
    .slice(Math.max(0, (last.index ?? 0) - 2000), (last.index ?? 0) + 4000)
    .match(/\/SubFilter\s*\/([\w.]+)/);
  result.subFilter = sub ? sub[1] : null;
  const reason = text.slice(Math.max(0, (last.index ?? 0) - 2000), c + 4000).match(/\/Reason\s*\(([^)]*)\)/);
  result.reason = reason ? reason[1] : null;
  // The hole between the two ranges is `<hex…>`: the DER CMS, padded with zeros.
  const hole = text.slice(b, c);
  const hex = hole.replace(/^</, '').replace(/>$/, '');
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  result.signedDigest = createHash('sha256').update(signed).digest('hex');
  let msg: forge.pkcs7.PkcsSignedData;
  try {
    // The CMS is followed by the placeholder's zero padding: read one DER value, ignore the rest.
    const der = Buffer.from(hex, 'hex');
    const options = { strict: false, parseAllBytes: false } as unknown as boolean;
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), options);
    msg = forge.pkcs7.messageFromAsn1(asn1) as forge.pkcs7.PkcsSignedData;
  } catch (e) {
    problems.push(`signature illisible : ${(e as Error).message}`);
    return result;
  }
  const raw = (msg as unknown as { rawCapture: { authenticatedAttributes?: forge.asn1.Asn1[]; signature: string } })
    .rawCapture;
  const attrs = raw.authenticatedAttributes ?? [];
  for (const attr of attrs) {
    const parts = attr.value as forge.asn1.Asn1[];
    if (forge.asn1.derToOid(parts[0].value as string) !== OID_MESSAGE_DIGEST) continue;
    const set = parts[1].value as forge.asn1.Asn1[];
    result.messageDigest = forge.util.bytesToHex(set[0].value as string);
  }
  if (!result.messageDigest) problems.push('attribut messageDigest absent');
  else if (result.messageDigest !== result.signedDigest)
    problems.push("l'empreinte signée ne correspond pas au contenu du PDF (document modifié)");
  const cert = msg.certificates[0];
  if (!cert) {
    problems.push('certificat absent de la signature');
    return result;
  }
  result.certificateSubject = subjectText(cert);
  result.certificateSha256 = certificateFingerprint(cert);
  // The signature covers the DER of the signed attributes as a SET (RFC 5652 §5.4).
  const setDer = forge.asn1
    .toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs))
    .getBytes();
  const md = forge.md.sha256.create();
  md.update(setDer);
  let verified = false;
  try {
    verified = (cert.publicKey as forge.pki.rsa.PublicKey).verify(md.digest().bytes(), raw.signature);
  } catch {
    verified = false;
  }
  if (!verified) problems.push('la signature cryptographique ne se vérifie pas avec le certificat');
  result.ok = problems.length === 0;
  return result;
}

export function certificateFingerprint(cert: forge.pki.Certificate): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex');
}

/** node-forge's types say `Class` where the value is a universal `Type` tag. */
const isUtf8 = (a: { valueTagClass?: unknown }) => a.valueTagClass === forge.asn1.Type.UTF8;

function utf8Text(v: unknown): string {
  try {
    return forge.util.decodeUtf8(String(v));
  } catch {
    return String(v);
  }
}

/** `CN=…, O=…` with accents decoded (node-forge hands UTF8String values back as bytes). */
export function subjectText(cert: forge.pki.Certificate): string {
  return cert.subject.attributes.map((x) => `${x.shortName}=${isUtf8(x) ? utf8Text(x.value) : x.value}`).join(', ');
}

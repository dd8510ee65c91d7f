// The seam for a qualified signature provider (Yousign, Docusign…): the rest of the module asks a
// SignatureProvider to open a request, to say where it stands and to hand back the signed
// document with its evidence. The built-in provider does it all in Radieuse (simple electronic
// signature, code by e-mail, seal of the cooperative). An adapter for a provider implements
// the same three functions over the provider's API (see README.md, « Brancher un prestataire »).
import type { Actor } from '../../core/actor.ts';
import type { Tx } from '../../core/db/handles.ts';
import {
  getSignatureRequest,
  type MailLinks,
  type PrepareSignatureInput,
  prepareSignature,
  readSignatureFile,
  type SignatureStatus,
} from './requests.service.ts';

export interface ProviderRequest {
  /** The request's id in Radieuse (signature_request.id). */
  requestId: string;
  /** The provider's own reference (the same id for the built-in provider). */
  externalId: string;
  status: SignatureStatus;
}

export interface SignatureProvider {
  /** Short name stored on each request (signature_request.provider). */
  readonly name: string;
  /** Generates the document and asks the person to sign it. */
  createRequest(tx: Tx, actor: Actor, input: PrepareSignatureInput): Promise<ProviderRequest>;
  /** Where the request stands (the provider's webhook or a poll updates Radieuse from it). */
  status(tx: Tx, actor: Actor, requestId: string): Promise<SignatureStatus>;
  /** The signed PDF and the evidence file, once signed. */
  fetchSigned(tx: Tx, actor: Actor, requestId: string): Promise<{ pdf: Buffer; evidence: Buffer }>;
}

/** Radieuse's own provider: simple electronic signature with a one-time code by e-mail. */
export function simpleSignatureProvider(key: Buffer, links: MailLinks): SignatureProvider {
  return {
    name: 'simple',
    async createRequest(tx, actor, input) {
      const r = await prepareSignature(tx, actor, key, input, links);
      return { requestId: r.id, externalId: r.id, status: r.status };
    },
    async status(tx, actor, requestId) {
      return (await getSignatureRequest(tx, actor, requestId)).status;
    },
    async fetchSigned(tx, actor, requestId) {
      const pdf = await readSignatureFile(tx, actor, key, requestId, 'signed');
      const evidence = await readSignatureFile(tx, actor, key, requestId, 'evidence');
      return { pdf: pdf.content, evidence: evidence.content };
    },
  };
}

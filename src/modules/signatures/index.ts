// Electronic signature of contracts (CAPE, CESA, amendments, associate applications): the door
// for other modules. The archive subscribes to SIGNATURES_COMPLETED.
export { SIGNATURES } from './permissions.ts';
export {
  SIGNATURES_COMPLETED,
  SIGNATURES_EVENTS,
  type SignaturesCompletedPayload,
} from './events.ts';
export { SIGNATURE_KINDS, type SignatureKind, signaturesMigrations } from './schema.ts';
export { KIND_LABELS } from './contracts.ts';
export {
  getSignatureRequest,
  listSignatureRequests,
  prepareSignature,
  readSignatureFile,
  type PrepareSignatureInput,
  type SignatureRequest,
  type SignatureStatus,
} from './requests.service.ts';
export { type SignatureEvidence, EVIDENCE_FORMAT } from './signing.service.ts';
export { type SignatureProvider, type ProviderRequest, simpleSignatureProvider } from './provider.ts';
export { verifySealedPdf, type SealCheck } from './pades.ts';
export { signaturesPersonalData } from './personal-data.ts';

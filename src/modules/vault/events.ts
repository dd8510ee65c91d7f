// What the archive consumes: a signed contract (the signature module's `signatures.completed`)
// becomes a contract of the signer's archive, in the same transaction; its timestamp is asked
// for once that transaction has committed (queue `vault-timestamps`, swept every few minutes).
import { onEvent } from '../../core/events.ts';
import { requestJob } from '../../core/jobs.ts';
import { archiveSignedContract, type SignatureCompleted } from './archive.service.ts';

export const SIGNATURE_COMPLETED = 'signatures.completed';
export const TIMESTAMP_QUEUE = 'vault-timestamps';

onEvent<SignatureCompleted>(SIGNATURE_COMPLETED, async (tx, actor, p) => {
  await archiveSignedContract(tx, actor, p);
  await requestJob(TIMESTAMP_QUEUE, { cooperativeId: actor.cooperativeId });
});

// The bank module's door for other modules' tests: CAMT.053 statements written from entries.
export { writeCamt053, type CamtEntry } from './camt-writer.ts';

// Integrity checks: what must never change once written (audit chains, gapless numbering,
// balanced entries, activity accounts equal to the ledger, stored files equal to their hashes).
// Each check looks at one cooperative through a repeatable-read snapshot and lists problems in
// French; `radieuse check` runs them all (after a restore too).
import type { Tx } from './db/handles.ts';

export interface IntegrityProblem {
  /** Stable machine name, e.g. `numbering_gap`, `unbalanced_entry`. */
  kind: string;
  /** The cooperative's slug. */
  cooperative: string;
  /** What is wrong, in French, precise enough to find it. */
  detail: string;
}

export interface IntegrityCheck {
  /** What the check verifies, shown in the command's progress. */
  label: string;
  run(tx: Tx, cooperativeId: string): Promise<{ kind: string; detail: string }[]>;
}

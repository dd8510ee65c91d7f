// Imported for its side effects: every module that reacts to other modules' events registers
// its handlers here (the ledger posts sales events in the same transaction). The server, the
// CLI and the test databases import this file so the wiring is the same everywhere.
import './ledger/index.ts';
import './journeys/index.ts';
import './inbox/index.ts';
import './purchases/index.ts';
import './bank/index.ts';
import './sales/inbox.ts';
import './journeys/inbox.ts';
import './ledger/inbox.ts';
import './purchases/inbox.ts';
import './bank/inbox.ts';

// The whole database as Kysely sees it: each module declares its own tables in its schema.ts.
import type { CoreTables } from '../core/schema.ts';
import type { DirectoryTables } from './directory/schema.ts';
import type { SalesTables } from './sales/schema.ts';
import type { LedgerTables } from './ledger/schema.ts';
import type { JourneysTables } from './journeys/schema.ts';
import type { InboxTables } from './inbox/schema.ts';
import type { PurchasesTables } from './purchases/schema.ts';
import type { BankTables } from './bank/schema.ts';

export interface Database
  extends CoreTables,
    DirectoryTables,
    SalesTables,
    LedgerTables,
    JourneysTables,
    InboxTables,
    PurchasesTables,
    BankTables {}

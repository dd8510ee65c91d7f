// E-invoicing (the reform's approved platforms): other modules use only what is exported here.
export { einvoicingMigrations, type EInvoicingTables } from './schema.ts';
export { EINVOICING } from './permissions.ts';
export * from './events.ts';
export { LIFECYCLE, LIFECYCLE_STATUSES, parseStatus, type LifecycleStatus } from './statuses.ts';
export type { PlatformAdapter, OutgoingDocument, StatusReport, IncomingDocument } from './adapter.ts';
export { folderAdapter } from './folder-adapter.ts';
export { httpAdapter, checkPlatformUrl } from './http-adapter.ts';
export { getPlatform, savePlatform, type Platform, type PlatformInput, type PlatformEnv } from './platform.service.ts';
export {
  invoiceEInvoicing,
  listTransmissions,
  sendDue,
  pullStatuses,
  type Transmission,
} from './transmission.service.ts';
export { pullIncoming, listIncoming } from './incoming.service.ts';
export { eReportingSummary, eReportingCsv } from './ereporting.service.ts';

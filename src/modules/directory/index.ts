// Directory: network → cooperatives → activities (enseignes) → members and roles.
export * from './directory.service.ts';
export { directoryMigrations, type DirectoryTables } from './schema.ts';
export type { DemoContext, DemoCoop, DemoPerson, DemoSeeder } from './demo-kit.ts';
export { ownProfileStarted } from './profile-progress.service.ts';

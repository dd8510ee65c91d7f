// Directory: network → cooperatives → activities (enseignes) → members and roles.
export * from './directory.service.ts';
export * from './invitations.service.ts';
export { DIRECTORY, grantableRoles, mayGrant } from './permissions.ts';
export { directoryMigrations, type DirectoryTables } from './schema.ts';
export type { DemoContext, DemoCoop, DemoPerson, DemoSeeder } from './demo-kit.ts';

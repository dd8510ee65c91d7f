// Directory: network → cooperatives → activities (enseignes) → members and roles.
export * from './directory.service.ts';
export { directoryMigrations, type DirectoryTables } from './schema.ts';
export { seedTestCooperatives, TEST_PASSWORD, type TestCoop } from './fixtures.ts';

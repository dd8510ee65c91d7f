// Directory: network → cooperatives → activities (enseignes) → members and roles.
export * from './cooperatives.service.ts';
export * from './organisation-type.service.ts';
export * from './members.service.ts';
export * from './activities.service.ts';
export * from './activity-facts.service.ts';
export * from './bank-details.service.ts';
export * from './invitations.service.ts';
export * from './audit-log.service.ts';
export { DIRECTORY, grantableRoles, mayGrant } from './permissions.ts';
export { directoryMigrations, type DirectoryTables } from './schema.ts';
export type { DemoContext, DemoCoop, DemoPerson, DemoSeeder } from './demo-kit.ts';
export { directoryPersonalData } from './personal-data.ts';
export { ownProfileStarted } from './profile-progress.service.ts';
export {
  profileCounts,
  statisticalProfiles,
  supportCaseloads,
  supportTeamIds,
  type ProfileCounts,
  type StatisticalProfile,
  JOB_SEEKER_STATUSES,
} from './profile-statistics.service.ts';
export * from './identity-verification.service.ts';

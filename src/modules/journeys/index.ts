export { journeysMigrations, type JourneysTables } from './schema.ts';

// Learning (courses and MOOCs, quizzes, progress, certificates, training hours): what other
// modules may use. Each service authorizes its actor (permissions.ts).
export { learningMigrations, type LearningTables } from './schema.ts';
export { LEARNING } from './permissions.ts';
export { catalogue, getCourse } from './courses.service.ts';
export { trainingHoursReport, type HoursRow } from './hours.service.ts';
export { learningPersonalData } from './personal-data.ts';

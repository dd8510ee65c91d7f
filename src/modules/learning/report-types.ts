// The training report's shapes (reports.service.ts builds it; hours.service.ts writes it to XLSX).

/** Counts of 1 to 4 people are never shown. */
export const MIN_CELL = 5;

export interface CourseHours {
  courseId: string;
  title: string;
  fundingSource: string;
  learners: number;
  hours: number;
}
export interface FundingHours {
  fundingSource: string;
  hours: number;
}
/** A count, or null when suppressed (1 to 4 people, or the one hidden beside another). */
export type Cell = number | null;
export interface Satisfaction {
  courseId: string;
  title: string;
  answers: number;
  /** Mean of the scores, one decimal (null under MIN_CELL answers: too few to be anonymous). */
  average: number | null;
  comments: string[];
}
export interface TrainingReport {
  year: number;
  perCourse: CourseHours[];
  perFunding: FundingHours[];
  bySex: { label: string; count: Cell }[];
  byAge: { label: string; count: Cell }[];
  learners: number;
  satisfaction: Satisfaction[];
  /** Sex and age come from the directory's profiles: only for those who may read them. */
  profilesShown: boolean;
}

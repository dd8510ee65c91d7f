// Salary simulation (modele-social + publicodes): engine functions and the /salaire/simulation pages.
export {
  simulateFromEmployerCost,
  simulateFromGross,
  simulateFromNet,
  warmUp,
  engineInfo,
  salaryCacheStats,
  clearSalaryCache,
  eurosToCents,
  SalaryInputError,
  FULL_TIME_HOURS_PER_MONTH,
  MAX_MONTHLY_CENTS,
  type SalarySimulation,
  type SalaryLine,
  type SalaryOptions,
} from './salary-engine.ts';
export { salaryRoutes } from './salary-routes.tsx';

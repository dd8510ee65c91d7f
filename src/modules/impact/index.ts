// Impact measurement: the door for other modules.
export { IMPACT } from './permissions.ts';
export { computeSroi, type SroiResult, type SroiInput } from './kit/sroi.ts';
export { wilson, who5, kaplanMeier, median } from './kit/stats.ts';
export { suppressTable, suppressWithTotal, MIN_PEOPLE } from './kit/suppression.ts';
export { REFERENTIAL, type IndicatorRow } from './indicators.ts';
export { cooperativeIndicators, networkIndicators } from './indicators.service.ts';
export { impactPersonalData } from './personal-data.ts';

// The team goal's limits, shared by the model and the pages.
export const MAX_MONTHLY_GOAL = 10_000;
/** People shown when rankings are on. */
export const RANKING_SIZE = 5;

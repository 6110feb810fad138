// Limits of the CSV imports, shown on the pages and enforced by the models.
export const PEOPLE_COLUMNS = ["name", "email", "job title", "location"];
export const MAX_PEOPLE_ROWS = 500;

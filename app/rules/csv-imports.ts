// Limits of the CSV imports, shown on the pages and enforced by the models.
export const PEOPLE_COLUMNS = ["name", "email", "job title", "location"];
export const MAX_PEOPLE_ROWS = 500;
export const EXPENSE_COLUMNS = ["date", "description", "amount", "category"];
export const MAX_EXPENSE_ROWS = 2000;

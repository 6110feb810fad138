// The fiscal year a money page shows (?fy=2026, default the current one) and "today".
import { localDate } from "#app/models/clock.server.ts";
import { fiscalYear, fiscalYearOf, type FiscalYear } from "#app/rules/fiscal.ts";
import { getPractice } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";

export async function fiscalContext(request: Request): Promise<{
  fy: FiscalYear;
  current: number;
  startMonth: number;
  today: string;
  now: Date;
  timeZone: string;
  labour: boolean;
}> {
  const practice = await getPractice(services.db);
  const timeZone = practice?.time_zone ?? "UTC";
  const startMonth = practice?.fiscal_year_start_month ?? 1;
  const now = services.clock.now();
  const today = localDate(now, timeZone);
  const current = fiscalYearOf(today, startMonth);
  const asked = Number(new URL(request.url).searchParams.get("fy"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : current;
  return { fy: fiscalYear(year, startMonth), current, startMonth, today, now, timeZone, labour: practice?.labour_cost_enabled === 1 };
}

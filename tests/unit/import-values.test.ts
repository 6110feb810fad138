// Converting what practices' files hold, each by hand-worked examples: ratings on any scale to 1–5,
// dates as people write them (the order asked, never guessed, when a column cannot tell), amounts
// in both statement shapes, names, and a spend category guessed from the description.
import { describe, expect, it } from "vitest";
import {
  convertDate,
  convertRating,
  convertSpend,
  detectDateColumn,
  detectDecimalMark,
  detectOutgoingSign,
  detectRatingScale,
  guessSpendCategory,
  joinName,
  looksLikeDate,
  parseSignedCents,
  readFullName,
  type RatingColumn,
} from "#app/models/import-values.server.ts";

const NEW_YORK = "America/New_York";

describe("ratings to 1–5", () => {
  const all = (column: RatingColumn, values: string[]) => values.map((v) => convertRating(v, column).value);

  it("keeps 1–5 stars as they are", () => {
    const column = detectRatingScale(["5", "4", "2", "1", "3"], "Star Rating");
    expect(column).toEqual({ ok: true, scale: "1-5", rule: "Ratings from 1 to 5, kept as they are." });
    expect(all(column, ["1", "2", "3", "4", "5", "4.0"])).toEqual([1, 2, 3, 4, 5, 4]);
  });

  it("halves 1–10 and rounds up: 1–2 → 1 … 9–10 → 5", () => {
    const column = detectRatingScale(["7", "10", "3"], "Rate your visit from 1 to 10");
    expect(column.ok && column.scale).toBe("1-10");
    expect(all(column, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it("reads 0–10 when a 0 appears or the header asks about recommending, by the rule it states", () => {
    const withZero = detectRatingScale(["0", "8", "10"], "Score");
    const byHeader = detectRatingScale(["9", "10", "7"], "How likely are you to recommend our office to a friend or family member?");
    for (const column of [withZero, byHeader]) {
      expect(column).toEqual({ ok: true, scale: "0-10", rule: "A 0–10 “how likely to recommend” score: 0–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5." });
      expect(all(column, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])).toEqual([1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    }
    // A recommend column where nobody gave more than 5 is still 0–10: 4 is a detractor's 2, not 4 stars.
    const low = detectRatingScale(["4", "2", "5"], "How likely is it that you would recommend us?");
    expect(all(low, ["4"])).toEqual([2]);
  });

  it("reads answers in words and shows the rule with the words the column uses", () => {
    const column = detectRatingScale(["Very satisfied", "Somewhat dissatisfied", "Neither satisfied nor dissatisfied", "very satisfied"]);
    expect(column).toEqual({
      ok: true,
      scale: "words",
      rule: "Answers in words, from best to worst: Very satisfied → 5, Neither satisfied nor dissatisfied → 3, Somewhat dissatisfied → 2.",
    });
    expect(all(column, ["Very satisfied", "Somewhat dissatisfied", "VERY SATISFIED"])).toEqual([5, 2, 5]);
    expect(all(detectRatingScale(["Excellent", "Poor"]), ["Excellent", "Very good", "Good", "Fair", "Poor"])).toEqual([5, 4, 3, 2, 1]);
    expect(all(detectRatingScale(["Extremely likely"]), ["Extremely likely", "Very likely", "Somewhat likely", "Not so likely", "Not at all likely"])).toEqual([5, 4, 3, 2, 1]);
  });

  it("keeps the original beside the converted value", () => {
    const r = convertRating("7", detectRatingScale(["7", "10"]));
    expect(r).toEqual({ value: 4, original: "7", rule: expect.stringMatching(/^A rating from 1 to 10/), problem: null });
  });

  it("refuses a column it cannot read, and a value outside the column's scale", () => {
    expect(detectRatingScale(["4", "12"])).toEqual({ ok: false, problem: "The column has values up to 12; DeskCoach reads ratings from 1 to 5, 1 to 10 or 0 to 10." });
    expect(detectRatingScale(["4.5", "3"])).toMatchObject({ ok: false, problem: "“4.5” is not a rating DeskCoach knows (whole numbers, or words such as “Very satisfied” or “Excellent”)." });
    expect(detectRatingScale(["", " "])).toEqual({ ok: false, problem: "The column is empty." });
    const stars = detectRatingScale(["5", "1"]);
    expect(convertRating("0", stars).problem).toBe("0 is outside the scale 1 to 5.");
    expect(convertRating("", stars)).toMatchObject({ value: null, problem: "No rating." });
    expect(convertRating("Meh", detectRatingScale(["Excellent"])).problem).toBe("“Meh” is not one of the answers DeskCoach knows.");
  });
});

describe("dates as people write them", () => {
  const date = (text: string, order: "mdy" | "dmy" | null = "mdy", timeZone = NEW_YORK) => convertDate(text, { order, timeZone }).value;

  it("reads ISO, with or without a time, Z or an offset", () => {
    expect(date("2026-03-02")).toBe("2026-03-02");
    expect(date("2026-03-02T14:05:09")).toBe("2026-03-02");
    expect(date("2026-03-02 14:05")).toBe("2026-03-02");
    // 03:30 UTC on 2 March is 22:30 on 1 March in New York (UTC−5).
    expect(date("2026-03-02T03:30:00Z")).toBe("2026-03-01");
    expect(date("2026-03-02T03:30:00.000Z", null, "Europe/Berlin")).toBe("2026-03-02");
    // 23:30 in Los Angeles (UTC−8) is 02:30 the next day in New York.
    expect(date("2026-03-02T23:30:00-08:00")).toBe("2026-03-03");
    expect(date("2026-03-02T23:30:00-0800")).toBe("2026-03-03");
  });

  it("reads Google Forms' timestamps and SurveyMonkey's with AM/PM", () => {
    expect(date("3/2/2026 14:05:09")).toBe("2026-03-02");
    expect(date("03/02/2026 09:14:05 AM")).toBe("2026-03-02");
    expect(date("03/02/2026 12:30:00 AM")).toBe("2026-03-02");
    expect(date("3/2/2026 2:05 PM")).toBe("2026-03-02");
    expect(date("3/2/2026 13:05 PM")).toBeNull();
  });

  it("reads month names", () => {
    expect(date("March 2, 2026")).toBe("2026-03-02");
    expect(date("Mar 2 2026")).toBe("2026-03-02");
    expect(date("2 Mar 2026")).toBe("2026-03-02");
    expect(date("2nd March 2026")).toBe("2026-03-02");
    expect(date("02-Mar-2026")).toBe("2026-03-02");
    expect(date("Monday, March 2, 2026 2:05 PM")).toBe("2026-03-02");
    expect(date("Sept 30, 2026")).toBe("2026-09-30");
  });

  it("reads numbers-only dates in the column's order, and refuses dates that do not exist", () => {
    expect(date("3/4/2026", "mdy")).toBe("2026-03-04");
    expect(date("3/4/2026", "dmy")).toBe("2026-04-03");
    expect(date("14.03.2026", "dmy")).toBe("2026-03-14");
    expect(date("3/4/26", "mdy")).toBe("2026-03-04");
    expect(date("2/30/2026")).toBeNull();
    expect(date("2026-02-29")).toBeNull();
    expect(date("2028-02-29")).toBe("2028-02-29");
    expect(convertDate("yesterday", { order: "mdy", timeZone: NEW_YORK }).problem).toBe("“yesterday” is not a date DeskCoach can read.");
  });

  it("tells a column's order from a day or month over 12, and asks when nothing tells", () => {
    expect(detectDateColumn(["14/03/2026", "02/03/2026"], NEW_YORK)).toMatchObject({ ok: true, order: "dmy" });
    expect(detectDateColumn(["3/14/2026", "3/2/2026 14:05:09"], NEW_YORK)).toMatchObject({ ok: true, order: "mdy" });
    expect(detectDateColumn(["2026-03-02", "March 2, 2026"], NEW_YORK)).toMatchObject({ ok: true, order: null });
    const ambiguous = detectDateColumn(["03/04/2026", "05/06/2026", "07/08/2026", "01/12/2026"], NEW_YORK);
    expect(ambiguous).toEqual({
      ok: false,
      ambiguous: true,
      problem: "Every date in this column could be month/day or day/month (03/04/2026 could be 4 March or 3 April). Say which the file uses.",
    });
    expect(detectDateColumn(["14/03/2026", "3/14/2026"], NEW_YORK)).toMatchObject({ ok: false, ambiguous: false, problem: expect.stringMatching(/mixes day\/month/) });
    // Without the person's answer, a numbers-only date is a problem, never a guess.
    expect(convertDate("03/04/2026", { order: null, timeZone: NEW_YORK })).toMatchObject({ value: null, problem: "“03/04/2026” could be month/day or day/month: say which the file uses." });
  });

  it("states the rule, with the practice's time zone", () => {
    const r = convertDate("3/4/2026", { order: "mdy", timeZone: NEW_YORK });
    expect(r.original).toBe("3/4/2026");
    expect(r.rule).toMatch(/^Dates with numbers only are read as month\/day\/year \(US\): 3\/4\/2026 is 4 March 2026\. .*\(America\/New_York\)/);
  });

  it("tells dates from other values", () => {
    expect(["2026-03-02", "13/12/2026", "March 2, 2026", "3/2/2026 14:05:09"].every(looksLikeDate)).toBe(true);
    expect(["5", "-49.00", "Maple", "13/13/2026", "E1001"].some(looksLikeDate)).toBe(false);
  });
});

describe("amounts", () => {
  const cents = (text: string, mark: "." | "," = ".") => {
    const p = parseSignedCents(text, mark);
    return p.ok ? p.cents : p.problem;
  };

  it("reads the ways statements write money", () => {
    expect(cents("$1,234.56")).toBe(123456);
    expect(cents("(45.00)")).toBe(-4500);
    expect(cents("-45.00")).toBe(-4500);
    expect(cents("$-45")).toBe(-4500);
    expect(cents("-$45.5")).toBe(-4550);
    expect(cents("45.00-")).toBe(-4500);
    expect(cents("−12.00")).toBe(-1200);
    expect(cents("USD 12.00")).toBe(1200);
    expect(cents("1.234,56", ",")).toBe(123456);
    expect(cents("-49,00", ",")).toBe(-4900);
    expect(cents("1,234.567")).toBe("“1,234.567” is not an amount like 1,234.56.");
    expect(cents("12,34")).toBe("“12,34” is not an amount like 1,234.56.");
  });

  it("uses a decimal comma only in a semicolon file whose amounts end in one", () => {
    expect(detectDecimalMark(";", ["1.234,56", "49,00"])).toBe(",");
    expect(detectDecimalMark(";", ["1,234.56", "49.00"])).toBe(".");
    expect(detectDecimalMark(",", ["49,00"])).toBe(".");
  });

  it("takes a signed column's spend from the sign most rows have, and leaves money coming in out", () => {
    const bank = ["-49.00", "2,350.00", "-320.00", "-86.45", "-1,295.00"];
    expect(detectOutgoingSign(bank, ".")).toBe("negative");
    const shape = { kind: "signed", column: 0, outgoing: "negative" } as const;
    expect(bank.map((v) => convertSpend([v], shape, ".")).map((c) => [c.value, c.moneyIn])).toEqual([
      [4900, false],
      [null, true],
      [32000, false],
      [8645, false],
      [129500, false],
    ]);
    expect(convertSpend(["-49.00"], shape, ".").rule).toBe("Negative amounts are money going out and count as spend; positive amounts (deposits, refunds) are left out.");
    // A card statement's charges are positive and its payments negative.
    expect(detectOutgoingSign(["84.99", "39.99", "-1,774.98"], ".")).toBe("positive");
    expect(convertSpend(["84.99"], { kind: "signed", column: 0, outgoing: "positive" }, ".").value).toBe(8499);
    expect(convertSpend(["1.234,56"], { kind: "signed", column: 0, outgoing: "positive" }, ",").value).toBe(123456);
  });

  it("takes Debit and Credit columns' spend from the debits", () => {
    const shape = { kind: "debit-credit", debit: 0, credit: 1 } as const;
    const rows = [
      ["84.99", ""],
      ["1,200.00", ""],
      ["", "1,774.98"],
      ["-45.00", ""],
      ["", ""],
      ["abc", ""],
    ];
    expect(rows.map((r) => convertSpend(r, shape, ".")).map((c) => [c.value, c.moneyIn, c.problem])).toEqual([
      [8499, false, null],
      [120000, false, null],
      [null, true, null],
      // Some banks write debits with a minus: the column, not the sign, says it went out.
      [4500, false, null],
      [null, false, "No amount in Debit or Credit."],
      [null, false, "“abc” is not an amount like 1,234.56."],
    ]);
    expect(convertSpend(["", ""], { kind: "debit-credit", debit: 0, credit: null }, ".").problem).toBe("No amount in Debit or Credit.");
  });
});

describe("names", () => {
  it("joins first and last name columns, and turns “Last, First” round", () => {
    expect(joinName(" José ", "García")).toMatchObject({ value: "José García", problem: null });
    expect(joinName("Cher", "")).toMatchObject({ value: "Cher" });
    expect(joinName("", "")).toMatchObject({ value: null, problem: "No name." });
    expect(readFullName("Reyes, Alma")).toMatchObject({ value: "Alma Reyes", original: "Reyes, Alma", rule: "“Last, First” turned round to “First Last”." });
    expect(readFullName("Alma  Reyes")).toMatchObject({ value: "Alma Reyes", rule: "The name as written." });
    expect(readFullName("Reyes, Alma, Jr.")).toMatchObject({ value: "Reyes, Alma, Jr." });
  });
});

describe("a spend category guessed from the description", () => {
  it("knows course providers and event words, maps only to DeskCoach's categories, and says it is a guess", () => {
    const guess = (d: string) => guessSpendCategory(d).category;
    expect(["COURSERA INC 855-555-0100 CA", "UDEMY ONLINE COURSES", "LINKEDIN LEARNING", "HEALTHSTREAM INC NASHVILLE TN", "RELIAS LEARNING LLC"].map(guess)).toEqual(Array(5).fill("online-courses"));
    expect(["MGMA CONFERENCE REGISTRATION", "CEU SEMINAR - PATIENT EXPERIENCE", "Regional front-desk workshop"].map(guess)).toEqual(Array(3).fill("conferences-and-workshops"));
    expect(guess("Patient-experience webinar")).toBe("virtual-instructor-led");
    expect(guess("OFFICE DEPOT #1123")).toBe("other");
    // Words, not letters inside words: "Ceuta" is not a CEU course.
    expect(guess("CEUTA IMPORTS")).toBe("other");
    expect(guessSpendCategory("Coursera")).toEqual({ category: "online-courses", guessed: true, rule: "Guessed Online courses from “coursera” in the description; check it." });
    expect(guessSpendCategory("OFFICE DEPOT").rule).toBe("No known provider or word in the description: Other, until you choose.");
  });
});

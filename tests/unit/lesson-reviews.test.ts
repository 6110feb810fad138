import { describe, expect, it } from "vitest";
import { lessonReviews } from "#app/models/catalog.server.ts";
import { reviewDueOn } from "#app/models/content.server.ts";

const lesson = (slug: string, reviewed: string, sources = 0) => ({
  slug,
  title: `Lesson ${slug}`,
  reviewed,
  sources: Array.from({ length: sources }, (_, i) => ({ title: `Source ${i}`, citation: "45 CFR 164.524" })),
});

describe("lesson reviews", () => {
  it("are due twelve months after the last, month ends included", () => {
    expect(reviewDueOn("2026-12-04")).toBe("2027-12-04");
    // No 29 February next year: due on the last day of February.
    expect(reviewDueOn("2024-02-29")).toBe("2025-02-28");
  });

  it("list the due lessons first, longest overdue first, then by due date", () => {
    const catalog = {
      modules: [
        { title: "Phone", lessons: [lesson("voicemail", "2025-03-01", 2), lesson("hold", "2026-11-30")] },
        { title: "Money", lessons: [lesson("estimates", "2025-01-10", 3)] },
      ],
    } as unknown as Parameters<typeof lessonReviews>[0];
    expect(lessonReviews(catalog, "2026-03-01")).toEqual([
      { slug: "estimates", title: "Lesson estimates", moduleTitle: "Money", reviewed: "2025-01-10", dueOn: "2026-01-10", due: true, sources: 3 },
      // Due on the day itself.
      { slug: "voicemail", title: "Lesson voicemail", moduleTitle: "Phone", reviewed: "2025-03-01", dueOn: "2026-03-01", due: true, sources: 2 },
      { slug: "hold", title: "Lesson hold", moduleTitle: "Phone", reviewed: "2026-11-30", dueOn: "2027-11-30", due: false, sources: 0 },
    ]);
  });
});

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { lessonReviews } from "#app/models/catalog.server.ts";
import { localDate } from "#app/models/clock.server.ts";
import { REVIEW_MONTHS } from "#app/models/content.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";

export const meta: MetaFunction = () => [{ title: "Lesson reviews · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "owner");
  const { now, timeZone, catalog } = await practiceContext();
  const today = localDate(now, timeZone);
  const lessons = lessonReviews(catalog, today);
  return { today, lessons, dueCount: lessons.filter((l) => l.due).length, months: REVIEW_MONTHS };
}

export default function LessonReviews() {
  const { lessons, dueCount, months } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Lesson reviews</h1>
      <p className="muted">
        Every lesson is checked for accuracy at least every {months} months: rules, fees and forms change. A lesson that
        teaches a rule lists its sources at its end.
      </p>
      <p>
        {dueCount === 0 ? (
          <strong>No lesson is due for review.</strong>
        ) : (
          <strong>
            {dueCount} lesson{dueCount === 1 ? " is" : "s are"} due for review.
          </strong>
        )}
      </p>
      <div className="table-wrap" role="region" aria-label="Lessons and their reviews" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Lesson</th>
              <th scope="col">Module</th>
              <th scope="col">Last reviewed</th>
              <th scope="col">Next review</th>
              <th scope="col" className="num">
                Sources
              </th>
            </tr>
          </thead>
          <tbody>
            {lessons.map((l) => (
              <tr key={l.slug}>
                <td>
                  <Link to={`/lessons/${l.slug}`}>{l.title}</Link>
                </td>
                <td>{l.moduleTitle}</td>
                <td className="num">{l.reviewed}</td>
                <td className="num">{l.due ? <strong>Due since {l.dueOn}</strong> : l.dueOn}</td>
                <td className="num">{l.sources}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

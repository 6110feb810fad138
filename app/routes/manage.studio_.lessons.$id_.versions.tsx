import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { diffLines } from "diff";
import { readLessonFields } from "#app/models/studio-files.server.ts";
import { lessonVersions } from "#app/models/studio.server.ts";
import { studioLesson } from "#app/route-helpers/studio-lesson.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Versions · Studio · DeskCoach" }];

/** Every published version, readable, and the changes in the text between any two (or the draft). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { lesson } = await studioLesson(request, params.id);
  const versions = await lessonVersions(services.db, lesson.id);
  const url = new URL(request.url);
  const texts = new Map<string, string>([["draft", `${lesson.source}\n${lesson.quiz ?? ""}`], ...versions.map((v) => [String(v.version), `${v.source}\n${v.quiz ?? ""}`] as const)]);
  const latest = versions[0]?.version;
  const from = url.searchParams.get("from") ?? String(versions[1]?.version ?? latest ?? "draft");
  const to = url.searchParams.get("to") ?? (lesson.changed ? "draft" : String(latest ?? "draft"));
  const a = texts.get(from);
  const b = texts.get(to);
  const changes = a !== undefined && b !== undefined ? diffLines(a, b).map((c) => ({ kind: c.added ? "added" : c.removed ? "removed" : "same", text: c.value })) : null;
  return {
    id: lesson.id,
    title: readLessonFields(lesson.source).title || lesson.slug,
    versions: versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt, publishedByName: v.publishedByName, retake: v.retake })),
    options: [...texts.keys()],
    from,
    to,
    changes,
  };
}

export default function Versions() {
  const { changes, from, id, options, title, to, versions } = useLoaderData<typeof loader>();
  const label = (v: string) => (v === "draft" ? "the draft" : `version ${v}`);
  return (
    <>
      <p>
        <Link to={`/manage/studio/lessons/${id}`}>← Back to the editor</Link>
      </p>
      <h1>Versions of “{title}”</h1>
      {versions.length === 0 ? (
        <p>Not published yet: there are no versions.</p>
      ) : (
        <ul>
          {versions.map((v) => (
            <li key={v.version}>
              Version {v.version}: published by {v.publishedByName} on {v.publishedAt.slice(0, 10)}
              {v.retake ? ", everyone who had completed it asked to retake it" : ", earlier completions still count"}
            </li>
          ))}
        </ul>
      )}
      <Form method="get" className="inline-fields">
        {(["from", "to"] as const).map((name) => (
          <div className="field" key={name}>
            <label htmlFor={name}>{name === "from" ? "Compare" : "with"}</label>
            <select id={name} name={name} defaultValue={name === "from" ? from : to}>
              {options.map((o) => (
                <option key={o} value={o}>
                  {label(o)}
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="submit" className="button">
          Show changes
        </button>
      </Form>
      {changes === null ? (
        <p>Choose two versions to compare.</p>
      ) : (
        <section aria-labelledby="changes-heading">
          <h2 id="changes-heading">
            Changes from {label(from)} to {label(to)}
          </h2>
          {changes.every((c) => c.kind === "same") ? <p>No changes.</p> : null}
          <pre className="diff">
            {changes.map((c, i) =>
              c.kind === "added" ? (
                <ins key={i}>{c.text.replace(/^/gm, "+ ")}</ins>
              ) : c.kind === "removed" ? (
                <del key={i}>{c.text.replace(/^/gm, "- ")}</del>
              ) : (
                <span key={i}>{c.text.replace(/^/gm, "  ")}</span>
              ),
            )}
          </pre>
        </section>
      )}
    </>
  );
}

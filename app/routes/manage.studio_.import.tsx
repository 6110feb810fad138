import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { readModuleFiles, unpackZip, UPLOAD } from "#app/models/module-files.server.ts";
import { importModule, type ImportProblem } from "#app/models/studio.server.ts";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readForm } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Import a module · Studio · DeskCoach" }];

/** Larger than any module a zip may hold (20 MB), refused before it is read. */
const MAX_UPLOAD_BYTES = 21 * 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "manager");
  return null;
}

/** Each problem as "file:line: message" ("upload: …" for the upload as a whole). */
function refused(problems: ImportProblem[], status = 400) {
  return data({ problems: problems.map((p) => `${p.file}${p.file === UPLOAD ? "" : `:${p.line}`}: ${p.message}`) }, { status });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  if (Number(request.headers.get("content-length") ?? 0) > MAX_UPLOAD_BYTES) return refused([{ file: UPLOAD, line: 1, message: "The upload is larger than 20 MB." }], 413);
  const form = await readForm(request);
  const uploads = form.getAll("files").filter((f): f is File => f instanceof File && f.size > 0);
  if (uploads.length === 0) return refused([{ file: UPLOAD, line: 1, message: "Choose a .zip of a module, or the module's files." }]);
  const read = async (f: File) => new Uint8Array(await f.arrayBuffer());
  let files: { path: string; bytes: Uint8Array }[];
  if (uploads.length === 1 && /\.zip$/i.test(uploads[0]!.name)) {
    const unpacked = unpackZip(await read(uploads[0]!));
    if (unpacked.problems.length > 0) return refused(unpacked.problems);
    files = unpacked.files;
  } else {
    // Loose files from a folder: pictures go in images/, as the folder holds them.
    files = await Promise.all(uploads.map(async (f) => ({ path: /\.(png|jpe?g|webp)$/i.test(f.name) ? `images/${f.name}` : f.name, bytes: await read(f) })));
  }
  const ctx = { ...(await practiceContext()), library: services.library, skills: services.library.builtIn.skills };
  const result = await importModule(services.db, actor, readModuleFiles(files), ctx);
  if ("problems" in result) return refused(result.problems);
  throw redirect(`/manage/studio/modules/${result.moduleId}?imported=1`);
}

export default function ImportModule() {
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const problems = result?.problems ?? [];
  return (
    <>
      <p>
        <Link to="/manage/studio">← Lesson studio</Link>
      </p>
      <h1>Import a module</h1>
      <p>
        A module exported from DeskCoach (a .zip), or a module folder's files: <code>module.yaml</code>, each lesson's <code>.mdx</code> and{" "}
        <code>.quiz.yaml</code>, and its pictures. Lessons come in as drafts, exactly as written; each one lists what to fix before it can be
        published. A lesson whose text breaks the rules for lesson text (code, HTML, links that are not https, mailto or tel) is refused
        here, by file and line.
      </p>
      {problems.length > 0 ? (
        <div className="form-error" role="alert" id="files-error">
          <p>Nothing was imported. Fix these and try again:</p>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" noValidate className="stack">
        <div className="field">
          <label htmlFor="files">Module .zip or files</label>
          <input
            type="file"
            id="files"
            name="files"
            multiple
            accept=".zip,.mdx,.yaml,.png,.jpg,.jpeg,.webp"
            aria-describedby={problems.length > 0 ? "files-error" : undefined}
          />
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          Import as drafts
        </button>
      </Form>
    </>
  );
}

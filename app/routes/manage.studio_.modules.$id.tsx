import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError } from "#app/components/field.tsx";
import { ModuleFields } from "#app/components/studio-fields.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { FieldError } from "#app/models/field-error.ts";
import { readLessonFields } from "#app/models/studio-files.server.ts";
import { listStudio, mayPublish, moduleForEdit, moveLesson, setModuleState, updateModule } from "#app/models/studio.server.ts";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readModuleForm } from "#app/route-helpers/studio-forms.server.ts";
import { fieldErrorReply, formReply, notFound, readForm, readId } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.module.title} · Studio · DeskCoach` : "Studio · DeskCoach" }];

async function findModule(request: Request, id: string | undefined) {
  const actor = await requireRole(request, "manager");
  const moduleId = readId(id);
  if (moduleId === null) throw notFound();
  try {
    return { actor, module: await moduleForEdit(services.db, moduleId) };
  } catch (error) {
    if (error instanceof FieldError && error.status === 404) throw notFound();
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, module } = await findModule(request, params.id);
  const { lessons } = await listStudio(services.db, actor);
  return {
    module,
    lessons: lessons
      .filter((l) => l.moduleSlug === module.slug)
      .map((l) => ({ id: l.id, title: readLessonFields(l.source).title || l.slug, state: l.state, version: l.version })),
    skills: services.library.builtIn.skills.map((s) => ({ id: s.id, label: s.label })),
    canPublish: await mayPublish(services.db, actor),
    imported: new URL(request.url).searchParams.has("imported"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, module } = await findModule(request, params.id);
  const ctx = { ...(await practiceContext()), library: services.library };
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const here = `/manage/studio/modules/${module.id}`;
  try {
    if (intent === "module") {
      const parsed = readModuleForm(form, services.library.builtIn.skills);
      if (!parsed.ok) return formReply(parsed, {});
      await updateModule(services.db, actor, module.id, parsed.data, ctx);
      throw redirect(here);
    }
    if (intent === "up" || intent === "down") {
      const lessonId = readId(form.get("lessonId"));
      if (lessonId === null) throw notFound();
      await moveLesson(services.db, actor, lessonId, intent, ctx);
      throw redirect(here);
    }
    if (intent === "publish" || intent === "archive" || intent === "restore") {
      if (intent === "archive" && form.get("confirm") !== "yes") return formReply({ errors: { confirm: "Tick “Yes, I am sure” first." }, values: {} }, {});
      await setModuleState(services.db, actor, module.id, intent === "publish" ? "published" : intent === "archive" ? "archived" : "draft", ctx);
      throw redirect(here);
    }
  } catch (error) {
    if (error instanceof FieldError) return fieldErrorReply(error, form, {});
    throw error;
  }
  return formReply({ errors: { form: "Unknown action." }, values: {} }, {});
}

const STATE_LABELS = { draft: "Draft", published: "Published", archived: "Archived" } as const;

export default function EditModule() {
  const { canPublish, imported, lessons, module, skills } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <>
      <p>
        <Link to="/manage/studio">← Lesson studio</Link>
      </p>
      <h1>{module.title}</h1>
      <p>
        {STATE_LABELS[module.state]} · last change by {module.updatedByName} on {module.updatedAt.slice(0, 10)} ·{" "}
        <a href={`/manage/studio/modules/${module.id}/export.zip`} download>
          Export as a .zip
        </a>
      </p>
      {imported ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Imported as drafts. Open each lesson to see what, if anything, to fix before publishing.
        </p>
      ) : null}
      <FormError error={errors.form} />
      <section className="card" aria-labelledby="order-heading">
        <h2 id="order-heading">Lessons, in order</h2>
        {lessons.length === 0 ? (
          <p>
            No lessons yet. <Link to="/manage/studio">Write one</Link> and choose this module.
          </p>
        ) : (
          <ol>
            {lessons.map((l, i) => (
              <li key={l.id}>
                <Link to={`/manage/studio/lessons/${l.id}`}>{l.title}</Link> ({STATE_LABELS[l.state]}
                {l.version > 0 ? `, version ${l.version}` : ""})
                <Form method="post" className="inline-form">
                  <input type="hidden" name="lessonId" value={l.id} />
                  {i > 0 ? (
                    <button type="submit" name="intent" value="up" className="button small" disabled={busy} aria-label={`Move ${l.title} up`}>
                      Up
                    </button>
                  ) : null}
                  {i < lessons.length - 1 ? (
                    <button type="submit" name="intent" value="down" className="button small" disabled={busy} aria-label={`Move ${l.title} down`}>
                      Down
                    </button>
                  ) : null}
                </Form>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section className="card" aria-labelledby="state-heading">
        <h2 id="state-heading">In the library</h2>
        <Form method="post" className="stack">
          {module.state === "published" ? (
            <>
              <p>Published: its published lessons are in the library and can be assigned. Archiving hides it and keeps its history.</p>
              {errors.confirm ? (
                <p className="field-error" role="alert">
                  <span aria-hidden="true">⚠ </span>
                  {errors.confirm}
                </p>
              ) : null}
              <div className="choice">
                <input type="checkbox" id="confirm-archive" name="confirm" value="yes" />
                <label htmlFor="confirm-archive">Yes, I am sure</label>
              </div>
              <button type="submit" name="intent" value="archive" className="button danger" disabled={busy}>
                Archive the module
              </button>
            </>
          ) : canPublish ? (
            <>
              <p>{module.state === "archived" ? "Archived: hidden from the library." : "A draft: not in the library yet."}</p>
              <button type="submit" name="intent" value="publish" className="button primary" disabled={busy}>
                Publish the module
              </button>
            </>
          ) : (
            <p className="muted">The owner has turned off publishing for managers of one location.</p>
          )}
        </Form>
      </section>
      <section className="card" aria-labelledby="details-heading">
        <h2 id="details-heading">Title, summary and skills</h2>
        <ModuleFields skills={skills} errors={errors} values={result?.values ?? {}} initial={module} submitLabel="Save module" />
      </section>
    </>
  );
}

import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FormError, SelectField, TextField } from "#app/components/field.tsx";
import { ModuleFields } from "#app/components/studio-fields.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { FieldError } from "#app/models/field-error.ts";
import { builtInFiles, copyBuiltInLesson, createLesson, createModule, listStudio, mayPublish } from "#app/models/studio.server.ts";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readModuleForm } from "#app/route-helpers/studio-forms.server.ts";
import { fieldErrorReply, formReply, parseForm, readForm } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Lesson studio · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const { modules, lessons } = await listStudio(services.db, actor);
  const builtIn = services.library.builtIn;
  const titleOf = (slug: string) => builtIn.module(slug)?.title ?? modules.find((m) => m.slug === slug)?.title ?? slug;
  return {
    canPublish: await mayPublish(services.db, actor),
    skills: builtIn.skills.map((s) => ({ id: s.id, label: s.label })),
    modules: modules.map((m) => ({
      id: m.id,
      title: m.title,
      state: m.state,
      updatedByName: m.updatedByName,
      updatedAt: m.updatedAt,
      lessons: lessons.filter((l) => l.moduleSlug === m.slug).length,
    })),
    lessons: lessons.map((l) => ({
      id: l.id,
      title: /^title:\s*"?(.*?)"?\s*$/m.exec(l.source)?.[1] || l.slug,
      module: titleOf(l.moduleSlug),
      replaces: l.replacesSlug ? (builtIn.lesson(l.replacesSlug)?.title ?? l.replacesSlug) : null,
      state: l.state,
      version: l.version,
      changed: l.changed,
      updatedByName: l.updatedByName,
      updatedAt: l.updatedAt,
    })),
    builtInLessons: builtIn.modules.map((m) => ({ title: m.title, lessons: m.lessons.map((l) => ({ slug: l.slug, title: l.title })) })),
  };
}

const lessonSchema = z.object({
  title: z.string().trim().min(3, "Give the lesson a title of at least 3 characters.").max(100, "Keep the title under 100 characters."),
  moduleId: z.coerce.number({ invalid_type_error: "Choose one of your modules." }).int().positive("Create a module first, then add lessons to it."),
});
const copySchema = z.object({ slug: z.string().min(1, "Choose a lesson to copy.") });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = { ...(await practiceContext()), library: services.library };
  const form = await readForm(request);
  const intent = form.get("intent");
  try {
    if (intent === "module") {
      const parsed = readModuleForm(form, services.library.builtIn.skills);
      if (!parsed.ok) return formReply(parsed, { intent });
      const id = await createModule(services.db, actor, parsed.data, ctx);
      throw redirect(`/manage/studio/modules/${id}`);
    }
    if (intent === "lesson") {
      const parsed = parseForm(form, lessonSchema);
      if (!parsed.ok) return formReply(parsed, { intent });
      const id = await createLesson(services.db, actor, parsed.data, ctx);
      throw redirect(`/manage/studio/lessons/${id}`);
    }
    if (intent === "copy") {
      const parsed = parseForm(form, copySchema);
      if (!parsed.ok) return formReply(parsed, { intent });
      const original = services.library.builtIn.lesson(parsed.data.slug);
      if (!original) return formReply({ errors: { slug: "Choose a lesson from the library." }, values: {} }, { intent });
      const id = await copyBuiltInLesson(services.db, actor, original.slug, builtInFiles(services.env.CONTENT_DIR, original), ctx);
      throw redirect(`/manage/studio/lessons/${id}`);
    }
  } catch (error) {
    if (error instanceof FieldError) return fieldErrorReply(error, form, { intent });
    throw error;
  }
  return formReply({ errors: { form: "Unknown action." }, values: {} }, { intent: null });
}

const STATE_LABELS = { draft: "Draft", published: "Published", archived: "Archived" } as const;

export default function Studio() {
  const { builtInLessons, canPublish, lessons, modules, skills } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errorsFor = (intent: string): Record<string, string> => (result && result.intent === intent ? result.errors : {});
  const valuesFor = (intent: string): Record<string, string> => (result && result.intent === intent ? result.values : {});
  return (
    <>
      <h1>Lesson studio</h1>
      <p>
        Write lessons about how your office does things, in the same five-minute shape as the library. A lesson is a draft until it is
        published; each publish is a new version.
        {canPublish ? null : " The owner has turned off publishing for managers of one location: you can write drafts for a colleague to publish."}
      </p>
      <FormError error={result?.errors.form} />
      <p>
        <Link to="/manage/studio/import">Import a module (.zip or files)</Link>
      </p>

      <section className="card" aria-labelledby="modules-heading">
        <h2 id="modules-heading">Your modules</h2>
        {modules.length === 0 ? (
          <p>No modules yet. Create one below; its lessons appear in the library once the module and a lesson are published.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Your modules</caption>
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">State</th>
                  <th scope="col">Lessons</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {modules.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      <Link to={`/manage/studio/modules/${m.id}`}>{m.title}</Link>
                    </th>
                    <td>{STATE_LABELS[m.state]}</td>
                    <td>{m.lessons}</td>
                    <td>
                      {m.updatedByName}, {m.updatedAt.slice(0, 10)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="lessons-heading">
        <h2 id="lessons-heading">Your lessons</h2>
        {lessons.length === 0 ? (
          <p>No lessons yet. Write one below, or copy a lesson from the library and change it to fit your office.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Your lessons</caption>
              <thead>
                <tr>
                  <th scope="col">Lesson</th>
                  <th scope="col">Module</th>
                  <th scope="col">State</th>
                  <th scope="col">Version</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {lessons.map((l) => (
                  <tr key={l.id}>
                    <th scope="row">
                      <Link to={`/manage/studio/lessons/${l.id}`}>{l.title}</Link>
                      {l.replaces ? <span className="muted"> (replaces “{l.replaces}”)</span> : null}
                    </th>
                    <td>{l.module}</td>
                    <td>
                      {STATE_LABELS[l.state]}
                      {l.state !== "archived" && l.version > 0 && l.changed ? ", with unpublished changes" : ""}
                    </td>
                    <td>{l.version > 0 ? l.version : "–"}</td>
                    <td>
                      {l.updatedByName}, {l.updatedAt.slice(0, 10)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="new-lesson-heading">
        <h2 id="new-lesson-heading">Write a lesson</h2>
        {modules.length === 0 ? (
          <p>Create a module first: every lesson belongs to one.</p>
        ) : (
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="lesson" />
            <TextField label="Title" name="title" defaultValue={valuesFor("lesson").title ?? ""} error={errorsFor("lesson").title} maxLength={100} />
            <SelectField
              label="Module"
              name="moduleId"
              defaultValue={valuesFor("lesson").moduleId ?? ""}
              error={errorsFor("lesson").moduleId}
              options={modules.filter((m) => m.state !== "archived").map((m) => ({ value: String(m.id), label: m.title }))}
            />
            <button type="submit" className="button primary" disabled={busy}>
              Start writing
            </button>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="copy-heading">
        <h2 id="copy-heading">Make a copy of a library lesson for your practice</h2>
        <p>The copy is a draft you can change (your own greeting, your own policy). Once published, your staff see it in place of the library's lesson.</p>
        <Form method="post" noValidate className="stack">
          <input type="hidden" name="intent" value="copy" />
          <div className="field">
            <label htmlFor="copy-slug">Library lesson</label>
            {errorsFor("copy").slug ? (
              <p id="copy-slug-error" className="field-error" role="alert">
                <span aria-hidden="true">⚠ </span>
                {errorsFor("copy").slug}
              </p>
            ) : null}
            <select id="copy-slug" name="slug" defaultValue={valuesFor("copy").slug ?? ""} aria-describedby={errorsFor("copy").slug ? "copy-slug-error" : undefined}>
              <option value="">Choose a lesson</option>
              {builtInLessons.map((m) => (
                <optgroup key={m.title} label={m.title}>
                  {m.lessons.map((l) => (
                    <option key={l.slug} value={l.slug}>
                      {l.title}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <button type="submit" className="button" disabled={busy}>
            Make a copy
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="new-module-heading">
        <h2 id="new-module-heading">Create a module</h2>
        <ModuleFields skills={skills} errors={errorsFor("module")} values={valuesFor("module")} />
      </section>
    </>
  );
}

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError } from "#app/components/field.tsx";
import { BodyEditor, Problems, QuizEditor } from "#app/components/studio-editor.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { localDate } from "#app/models/clock.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import { acceptImage, MAX_IMAGE_BYTES } from "#app/models/lesson-images.server.ts";
import { composeLesson, composeQuiz, readLessonFields, readQuizForm, sourcesToText } from "#app/models/studio-files.server.ts";
import {
  addImage,
  archiveLesson,
  checkStoredDraft,
  deleteImage,
  lessonForEdit,
  lessonImages,
  mayPublish,
  publishLesson,
  PublishRefused,
  restoreLesson,
  saveDraft,
  studioModuleTitle,
  type DraftProblem,
} from "#app/models/studio.server.ts";
import { compileSource, warmCompiler } from "#app/models/lesson-compiler.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readLessonForm } from "#app/route-helpers/studio-forms.server.ts";
import { MAX_BODY_CHARS } from "#app/models/authored-mdx.server.ts";
import { studioLesson } from "#app/route-helpers/studio-lesson.server.ts";
import { fieldErrorReply, readForm } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.fields.title || "Lesson"} · Studio · DeskCoach` : "Studio · DeskCoach" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lesson } = await studioLesson(request, params.id);
  // A preview or a publish is likely next: the compiler's thread starts now, off the request path.
  warmCompiler();
  const ctx = await practiceContext();
  const builtIn = services.library.builtIn;
  const [check, images, canPublish] = await Promise.all([
    checkStoredDraft(services.db, lesson, { skills: builtIn.skills, today: localDate(ctx.now, ctx.timeZone) }),
    lessonImages(services.db, lesson.id),
    mayPublish(services.db, actor),
  ]);
  const fields = readLessonFields(lesson.source);
  const url = new URL(request.url);
  return {
    lesson: { id: lesson.id, slug: lesson.slug, state: lesson.state, version: lesson.version, changed: lesson.changed, updatedByName: lesson.updatedByName, updatedAt: lesson.updatedAt },
    module: builtIn.module(lesson.moduleSlug)?.title ?? (await studioModuleTitle(services.db, lesson.moduleSlug)),
    replaces: lesson.replacesSlug ? (builtIn.lesson(lesson.replacesSlug)?.title ?? lesson.replacesSlug) : null,
    fields: { ...fields, objectives: fields.objectives.join("\n"), sources: sourcesToText(fields.sources), minutes: fields.minutes === null ? "" : String(fields.minutes) },
    quiz: readQuizForm(lesson.quiz),
    check,
    images: images.map((i) => ({ name: i.name, width: i.width, height: i.height, size: Number(i.size) })),
    skills: builtIn.skills.map((s) => ({ id: s.id, label: s.label })),
    canPublish,
    notice: url.searchParams.get("saved") ? "Saved." : url.searchParams.get("published") ? `Published version ${url.searchParams.get("published")}.` : null,
    retakes: url.searchParams.get("retakes"),
    maxBody: MAX_BODY_CHARS,
    maxImageMb: MAX_IMAGE_BYTES / 1024 / 1024,
  };
}

function refused(errors: Record<string, string>, problems: DraftProblem[] = [], status = 400) {
  return data({ errors, problems }, { status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, lesson } = await studioLesson(request, params.id);
  const ctx = await practiceContext();
  const studio = { ...ctx, library: services.library };
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_IMAGE_BYTES + 64 * 1024) return refused({ image: `The file is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB.` }, [], 413);
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const here = `/manage/studio/lessons/${lesson.id}`;
  try {
    if (intent === "image") {
      const file = form.get("image");
      if (!(file instanceof File) || file.size === 0) return refused({ image: "Choose a picture (PNG, JPEG or WebP) to upload." });
      const accepted = await acceptImage(new Uint8Array(await file.arrayBuffer()), file.name);
      if (!accepted.ok) return refused({ image: accepted.message });
      const name = await addImage(services.db, actor, lesson.id, accepted, ctx.now);
      throw redirect(`${here}?added=${encodeURIComponent(name)}#images`);
    }
    if (intent === "delete-image") {
      await deleteImage(services.db, actor, lesson.id, String(form.get("name") ?? ""), ctx.now);
      throw redirect(`${here}#images`);
    }
    if (intent === "archive") {
      if (form.get("confirm") !== "yes") return refused({ confirm: "Tick “Yes, I am sure” first." });
      const done = await archiveLesson(services.db, actor, lesson.id, studio);
      throw redirect(done === "deleted" ? "/manage/studio" : here);
    }
    if (intent === "restore") {
      await restoreLesson(services.db, actor, lesson.id, studio);
      throw redirect(here);
    }
    if (intent !== "save" && intent !== "publish") return refused({ form: "Unknown action." });

    const read = readLessonForm(form);
    if (!read.ok) return refused(read.errors);
    const today = localDate(ctx.now, ctx.timeZone);
    const removed = new Set(read.quiz.questions.filter((_, i) => form.get(`q${i}-remove`) === "on").map((q) => q.id));
    const quiz = composeQuiz({ ...read.quiz, questions: read.quiz.questions.filter((q) => !removed.has(q.id)) });
    const source = composeLesson(read.fields, { order: lesson.position, reviewed: today });
    await saveDraft(services.db, actor, lesson.id, { source, quiz }, ctx.now);
    if (intent === "save") throw redirect(`${here}?saved=1`);

    const retake = form.get("retake") === "yes";
    const daysText = String(form.get("retakeDays") ?? "").trim();
    const days = Number(daysText);
    if (retake && (!/^\d{1,3}$/.test(daysText) || days < 1 || days > 365)) {
      return refused({ retakeDays: "Enter the days they have to retake it, from 1 to 365." });
    }
    const saved = await lessonForEdit(services.db, actor, lesson.id);
    const published = await publishLesson(services.db, actor, saved.id, { retakeDays: retake ? days : null }, {
      ...studio,
      skills: services.library.builtIn.skills,
      compile: (text, hash) => compileSource(text, hash, services.env.CONTENT_CACHE_DIR),
    });
    throw redirect(`${here}?published=${published.version}${published.retakes > 0 ? `&retakes=${published.retakes}` : ""}`);
  } catch (error) {
    if (error instanceof PublishRefused) {
      return refused({ form: "The lesson was saved, but it has problems to fix before it can be published. They are listed beside each field." }, error.check.problems);
    }
    if (error instanceof FieldError) return fieldErrorReply(error, form, { problems: [] as DraftProblem[] });
    throw error;
  }
}

export default function EditLesson() {
  const { canPublish, check, fields, images, lesson, maxBody, maxImageMb, module, notice, quiz, replaces, retakes, skills } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result && "errors" in result ? (result.errors as Record<string, string>) : {};
  const problems = result && "problems" in result && result.problems.length > 0 ? result.problems : check.problems;
  const forField = (field: string) => problems.filter((p) => p.field === field);
  const warningsFor = (field: string) => check.warnings.filter((p) => p.field === field);
  const archived = lesson.state === "archived";
  return (
    <>
      <p>
        <Link to="/manage/studio">← Lesson studio</Link>
      </p>
      <h1>{fields.title || "Untitled lesson"}</h1>
      <p>
        {module}
        {replaces ? <> · replaces the library's “{replaces}” once published</> : null} ·{" "}
        {lesson.state === "draft" ? "Draft, never published" : lesson.state === "archived" ? `Archived (version ${lesson.version})` : `Published, version ${lesson.version}`}
        {lesson.state === "published" && lesson.changed ? ", with unpublished changes" : ""} · last change by {lesson.updatedByName} on {lesson.updatedAt.slice(0, 10)}
      </p>
      <p>
        <Link to={`/manage/studio/lessons/${lesson.id}/preview`}>Preview as a learner sees it</Link>
        {lesson.version > 0 ? (
          <>
            {" · "}
            <Link to={`/manage/studio/lessons/${lesson.id}/versions`}>Versions and changes</Link>
          </>
        ) : null}
      </p>
      {notice ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>
          {notice}
          {retakes ? ` ${retakes} ${retakes === "1" ? "person has" : "people have"} it to take again.` : ""}
        </p>
      ) : null}
      <FormError error={errors.form} />
      {problems.length > 0 ? (
        <div className="card" role="region" aria-labelledby="problems-heading">
          <h2 id="problems-heading">
            {problems.length} {problems.length === 1 ? "problem" : "problems"} to fix before publishing
          </h2>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                <a href={`#${p.field.startsWith("q") && p.field !== "quiz" ? `${p.field}-prompt` : p.field === "form" ? "title" : p.field}`}>{p.message}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="notice">
          <span aria-hidden="true">✓ </span>No problems: this draft meets every rule of the library.
        </p>
      )}

      <Form method="post" noValidate className="stack studio-editor">
        <fieldset disabled={archived}>
          <legend className="visually-hidden">Lesson</legend>
          <TextInput label="Title" name="title" value={fields.title} problems={forField("title")} maxLength={100} />
          <TextInput label="Summary (one sentence for lists)" name="summary" value={fields.summary} problems={forField("summary")} maxLength={300} />
          <TextInput label="Minutes to read" name="minutes" value={fields.minutes} problems={forField("minutes")} error={errors.minutes} inputMode="numeric" />
          <div className="field">
            <label htmlFor="objectives">Objectives (one a line: what the learner can do afterwards)</label>
            <Problems id="objectives" problems={forField("objectives")} />
            <textarea id="objectives" name="objectives" rows={4} defaultValue={fields.objectives} />
          </div>
          <fieldset>
            <legend>Skills (one to four)</legend>
            <Problems id="skills" problems={forField("skills")} />
            {skills.map((s) => (
              <div className="choice" key={s.id}>
                <input type="checkbox" id={`skill-${s.id}`} name="skills" value={s.id} defaultChecked={fields.skills.includes(s.id)} />
                <label htmlFor={`skill-${s.id}`}>{s.label}</label>
              </div>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="sources">Sources (one a line: title | citation or https:// address; needed when the lesson teaches a rule)</label>
            <Problems id="sources" problems={forField("sources")} />
            <textarea id="sources" name="sources" rows={3} defaultValue={fields.sources} />
          </div>
          <BodyEditor defaultValue={fields.body} problems={forField("body")} warnings={warningsFor("body")} error={errors.body} maxLength={maxBody} imageNames={images.map((i) => i.name)} />
          <QuizEditor slug={lesson.slug} quiz={quiz} problems={problems} quizWarnings={check.warnings.filter((w) => w.field.startsWith("q"))} />
          <div className="button-row">
            <button type="submit" name="intent" value="save" className="button" disabled={busy}>
              Save draft
            </button>
          </div>
          {canPublish ? (
            <fieldset className="card">
              <legend>Publish</legend>
              {lesson.version > 0 ? (
                <>
                  <p>People who completed an earlier version:</p>
                  <div className="choice">
                    <input type="radio" id="retake-no" name="retake" value="no" defaultChecked />
                    <label htmlFor="retake-no">Their completion still counts</label>
                  </div>
                  <div className="choice">
                    <input type="radio" id="retake-yes" name="retake" value="yes" />
                    <label htmlFor="retake-yes">They must take the new version</label>
                  </div>
                  <TextInput label="Days they have to retake it" name="retakeDays" value="14" error={errors.retakeDays} inputMode="numeric" problems={[]} />
                </>
              ) : (
                <p>Publishing saves the draft and makes it version 1. It appears in the library once its module is published.</p>
              )}
              <button type="submit" name="intent" value="publish" className="button primary" disabled={busy}>
                Save and publish
              </button>
            </fieldset>
          ) : (
            <p className="muted">The owner has turned off publishing for managers of one location: a manager of the whole practice or the owner publishes.</p>
          )}
        </fieldset>
      </Form>

      <section className="card" id="images" aria-labelledby="images-heading">
        <h2 id="images-heading">Pictures</h2>
        <p>
          PNG, JPEG or WebP, up to {maxImageMb} MB. Location and camera details are removed. Put a picture in the lesson as{" "}
          <code>![What the picture shows](images/name.png)</code>: the text in brackets is what a screen reader says.
        </p>
        {images.length === 0 ? (
          <p>No pictures yet.</p>
        ) : (
          <ul>
            {images.map((i) => (
              <li key={i.name}>
                <a href={`/manage/studio/lessons/${lesson.id}/images/${i.name}`}>{i.name}</a> ({i.width}×{i.height}, {Math.ceil(i.size / 1024)} KB) · write{" "}
                <code>![…](images/{i.name})</code>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="name" value={i.name} />
                  <button type="submit" name="intent" value="delete-image" className="button link" disabled={busy || archived}>
                    Remove {i.name}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" encType="multipart/form-data" noValidate className="stack">
          <div className="field">
            <label htmlFor="image">Add a picture</label>
            {errors.image ? (
              <p id="image-error" className="field-error" role="alert">
                <span aria-hidden="true">⚠ </span>
                {errors.image}
              </p>
            ) : null}
            <input type="file" id="image" name="image" accept="image/png,image/jpeg,image/webp" aria-describedby={errors.image ? "image-error" : undefined} />
          </div>
          <button type="submit" name="intent" value="image" className="button" disabled={busy || archived}>
            Upload picture
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="archive-heading">
        <h2 id="archive-heading">{archived ? "Restore" : lesson.version === 0 ? "Delete this draft" : "Archive"}</h2>
        <Form method="post">
          {archived ? (
            <>
              <p>Restoring puts version {lesson.version} back in the library.</p>
              <button type="submit" name="intent" value="restore" className="button" disabled={busy}>
                Restore the lesson
              </button>
            </>
          ) : lesson.version === 0 ? (
            <>
              <p>It was never published, so nobody has taken it. Deleting removes the draft and its pictures.</p>
              <ConfirmButton intent="archive" label="Delete this draft" error={errors.confirm} />
            </>
          ) : (
            <>
              <p>Archiving takes the lesson out of the library. Attempts, completions and versions are kept, and you can restore it.</p>
              <ConfirmButton intent="archive" label="Archive the lesson" error={errors.confirm} />
            </>
          )}
        </Form>
      </section>
    </>
  );
}

function TextInput({
  label,
  name,
  value,
  problems,
  error,
  ...input
}: { label: string; name: string; value: string; problems: DraftProblem[]; error?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const all = error ? [...problems, { field: name, message: error }] : problems;
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <Problems id={name} problems={all} />
      <input id={name} name={name} defaultValue={value} aria-invalid={all.length > 0 ? true : undefined} aria-describedby={all.length > 0 ? `${name}-problems` : undefined} {...input} />
    </div>
  );
}

/** A destructive button that asks first: a checkbox to tick (works without JavaScript). */
function ConfirmButton({ intent, label, error }: { intent: string; label: string; error?: string }) {
  const busy = useIsPending();
  return (
    <>
      {error ? (
        <p className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
      <div className="choice">
        <input type="checkbox" id={`confirm-${intent}`} name="confirm" value="yes" required />
        <label htmlFor={`confirm-${intent}`}>Yes, I am sure</label>
      </div>
      <button type="submit" name="intent" value={intent} className="button danger" disabled={busy}>
        {label}
      </button>
    </>
  );
}

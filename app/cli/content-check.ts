// npm run content:check [--compile-only] — validates every module, lesson and quiz, compiles
// each lesson (filling the cache the server reads), and prints one line per problem as
// `path:line: message`, then warnings as `path:line: warning: message` and the library's
// quiz-quality figures. Exits 1 if there is any problem; warnings never fail it.
import { loadContent, MAX_READING_GRADE } from "#app/models/content.server.ts";
import { compileLessons } from "#app/models/lesson-compiler.server.ts";
import { run } from "./run.ts";

await run(async () => {
  const dir = process.env.CONTENT_DIR ?? "./content";
  const cacheDir = process.env.CONTENT_CACHE_DIR ?? "./.cache/lessons";
  const quiet = process.argv.includes("--quiet");
  const { content, problems, warnings, quizFigures } = loadContent(dir);
  const lessons = content.modules.flatMap((m) => m.lessons);
  const compiled = await compileLessons(lessons, cacheDir);
  problems.push(...compiled.problems);

  if (!quiet) {
    for (const m of content.modules) {
      console.log(`${m.title} (${m.slug})`);
      for (const l of m.lessons) {
        const quiz = l.quiz ? `${l.quiz.questions.length} questions` : "no quiz";
        console.log(
          `  ${l.slug.padEnd(40)} ${String(l.minutes).padStart(2)} min  ${String(l.words).padStart(4)} words  grade ${l.readingGrade.toFixed(1).padStart(4)}  ${quiz}`,
        );
      }
    }
    console.log(
      `${content.modules.length} modules, ${lessons.length} lessons; reading grade limit ${MAX_READING_GRADE}; ${compiled.compiled} compiled, ${lessons.length - compiled.compiled} from cache`,
    );
  }
  if (!quiet) {
    console.log("Quiz quality:");
    for (const line of quizFigures) console.log(`  ${line}`);
    for (const w of warnings) console.error(`${w.file}:${w.line}: warning: ${w.message}`);
  } else if (warnings.length > 0) {
    console.error(`${warnings.length} content warning${warnings.length === 1 ? "" : "s"} (npm run content:check lists them)`);
  }
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  if (problems.length > 0) {
    console.error(`${problems.length} problem${problems.length === 1 ? "" : "s"} found`);
    return 1;
  }
  return 0;
});

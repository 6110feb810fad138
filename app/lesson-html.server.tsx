// Lessons are rendered to static HTML once, on the server, from the compiled MDX. The browser gets
// markup only: no MDX runtime, no `new Function` (so the CSP needs no 'unsafe-eval'), and a
// smaller page. See docs/decisions/0002-lessons-render-on-the-server.md.
// The bare "mdx-bundler/client" is a directory import that plain Node refuses.
import { getMDXComponent } from "mdx-bundler/client/index.js";
import { renderToStaticMarkup } from "react-dom/server";
import { lessonComponents } from "#app/components/lesson-components.tsx";

export function renderLessonHtml(code: string): string {
  const Component = getMDXComponent(code);
  return renderToStaticMarkup(<Component components={lessonComponents} />);
}

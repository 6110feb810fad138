// Lessons are rendered to static HTML once, on the server, from the compiled MDX. The browser gets
// markup only: no MDX runtime, no `new Function` (so the CSP needs no 'unsafe-eval'), and a
// smaller page. See docs/decisions/0002-lessons-render-on-the-server.md.
// The bare "mdx-bundler/client" is a directory import that plain Node refuses.
import { getMDXComponent } from "mdx-bundler/client/index.js";
import { renderToStaticMarkup } from "react-dom/server";
import { lessonComponents } from "#app/components/lesson-components.tsx";

/**
 * A lesson's pictures are written `images/<name>` (the lesson's folder, as content/ holds it); on
 * the page they are served from the lesson's own address.
 */
export function lessonImageUrl(imageBase: string, src: string): string {
  const name = /^images\/([a-z0-9][a-z0-9-]*\.(?:png|jpg|webp))$/.exec(src)?.[1];
  return name ? `${imageBase}/${name}` : src;
}

/** `imageBase`: where the lesson's pictures are served (a studio preview serves its draft's). */
export function renderLessonHtml(code: string, lessonSlug: string, imageBase = `/lessons/${lessonSlug}/images`): string {
  const Component = getMDXComponent(code);
  const components = {
    ...lessonComponents,
    img: ({ src, alt }: { src?: string; alt?: string }) => <img src={lessonImageUrl(imageBase, src ?? "")} alt={alt ?? ""} loading="lazy" />,
  };
  return renderToStaticMarkup(<Component components={components} />);
}

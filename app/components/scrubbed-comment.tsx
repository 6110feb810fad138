import { splitMarks } from "#app/rules/feedback.ts";

/** A stored comment, as text (never markup), with the scrubber's marks shown as marks. */
export function ScrubbedComment({ text }: { text: string }) {
  if (text.trim() === "") return <span className="muted">(no comment)</span>;
  return (
    <>
      {splitMarks(text).map((part, i) =>
        part.mark ? (
          <mark key={i} className="redacted">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}

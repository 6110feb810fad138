// The admission queue in front of Remix: at most MAX_IN_PROGRESS requests at once, the rest
// waiting in order.

/**
 * How many requests Remix works on at once. The server is one thread: past a handful, more
 * requests in progress only interleave (each takes longer) and keep half-built pages alive long
 * enough for V8 to keep them. 8 kept the throughput and halved the lesson page's p99 under 50
 * connections (measured in docs/decisions/0007-pages-leave-in-one-piece.md). The rest wait their
 * turn, in order, before any work is done for them; a response that turns to streaming gives its
 * place up.
 */
export const MAX_IN_PROGRESS = 8;
/** Past this many waiting, the server is overloaded: answer 503 at once rather than queue more. */
export const MAX_WAITING = 1024;

export function createAdmission(limit: number, maxWaiting: number) {
  let inProgress = 0;
  const waiting: (() => void)[] = [];
  return {
    /** Resolves with a release function once admitted, or with null when the queue is full. */
    async enter(): Promise<(() => void) | null> {
      if (inProgress >= limit) {
        if (waiting.length >= maxWaiting) return null;
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        inProgress++;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // The place passes straight to the next in line, if any.
        const next = waiting.shift();
        if (next) next();
        else inProgress--;
      };
    },
  };
}

// Long work in the server process (a whole practice's standings, the morning's reminders) gives
// way between batches, so that the requests waiting meanwhile are answered. SQLite reads are
// synchronous: without this, building the standings of 10,000 people (about 5 s) held every
// other request back. `npm run bench` measures it in the `reminders` scenario.

/** Resolves after the requests already waiting have had their turn. Never inside a transaction. */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

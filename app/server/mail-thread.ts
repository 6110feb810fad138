// Starts the mail thread (mail-worker.ts) and keeps it going: a thread that fails (the database
// away at start, say) is logged in one line and started again a minute later. The thread never
// keeps the process alive: stopping the server ends it, and whatever it left is in the outbox.
import { Worker } from "node:worker_threads";
import { ROUND_SECONDS } from "#app/models/mail/scheduler.server.ts";

export function startMailThread(file: URL, log: (line: string) => void = console.error): { stop(): Promise<void> } {
  let worker: Worker | null = null;
  let stopped = false;
  const start = () => {
    const thread = new Worker(file);
    worker = thread;
    thread.unref();
    thread.on("error", (error) => log(`Mail thread failed (it starts again in a minute): ${error.message}`));
    thread.on("exit", () => {
      worker = null;
      if (!stopped) setTimeout(start, ROUND_SECONDS * 1000).unref();
    });
  };
  start();
  return {
    async stop() {
      stopped = true;
      await worker?.terminate();
    },
  };
}

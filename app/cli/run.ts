// Shared start-up for command-line tools: report a failure in one line, never a stack trace.
export async function run(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exit(code ?? 0);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

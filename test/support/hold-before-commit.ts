/**
 * Test-only entry point: `node -r ts-node/register/transpile-only hold-before-commit.ts DB ACTION`
 * runs the graph on DB the way `ecom run` does, and holds ACTION's transaction open, its work done
 * but not committed, until this process's stdin closes, so a crash test can kill the run at a
 * known point. It says `holding ACTION before commit` on stderr once there. The hold comes in
 * through the runner's beforeCommit option: nothing in production code waits for a test.
 */
import { consoleOutput } from "../../scripts/output";
import { PROJECT_ROOT } from "../../scripts/paths";
import { runPipeline } from "../../scripts/pipeline";

async function holdUntilStdinCloses(): Promise<void> {
  // A pending promise alone would let Node exit; the open stdin keeps the process (and the lock) alive.
  await new Promise<void>((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });
}

async function hold(db: string, held: string): Promise<number> {
  const result = await runPipeline({
    sources: [],
    db,
    projectDir: PROJECT_ROOT,
    vars: {},
    fullRefresh: false,
    output: consoleOutput,
    beforeCommit: async (action) => {
      if (action !== held) return;
      process.stderr.write(`holding ${action} before commit\n`);
      await holdUntilStdinCloses();
    },
  });
  return result.run.succeeded ? 0 : 1;
}

const [db, action] = process.argv.slice(2);
if (!db || !action) {
  process.stderr.write("usage: hold-before-commit.ts DB ACTION\n");
  process.exit(2);
}
hold(db, action).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
);

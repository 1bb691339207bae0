/**
 * How a Node runner (src/tools/node-runner.ts) says that the tool itself could not start — a
 * missing package, a config or data source that does not load — as opposed to a migration that
 * failed: exit code ENVIRONMENT_EXIT and one line on stderr starting with ENVIRONMENT_PREFIX.
 * Such a step is an environment error (exit 2, one line), never an up-failed on every migration.
 */

/** Exit code of a runner whose tool could not start. */
export const ENVIRONMENT_EXIT = 3;
/** Prefix of the one line a runner prints on stderr before exiting with ENVIRONMENT_EXIT. */
export const ENVIRONMENT_PREFIX = 'rollback-verify-environment: ';

/** The runner's message when this exit says the tool could not start; undefined otherwise. */
export function runnerEnvironmentMessage(exitCode: number | null, stderr: string): string | undefined {
  if (exitCode !== ENVIRONMENT_EXIT) return undefined;
  const line = stderr.split(/\r?\n/).find((l) => l.startsWith(ENVIRONMENT_PREFIX));
  return line?.slice(ENVIRONMENT_PREFIX.length).trim();
}

/**
 * How the Node runners of the framework formats (TypeORM, Sequelize) are started. A runner is a small program passed to the project's
 * `node` with `-e`, so it works the same from src/ and from the bundle, and loads the project's
 * own packages from the project's node_modules. How a runner reports a tool that could not start:
 * src/tools/runner-environment.ts.
 */
import { EnvironmentError } from '../errors.js';
import { findProgram } from './find-program.js';
import { SEQUELIZE_RUNNER } from './sequelize-runner.js';
import { TYPEORM_RUNNER } from './typeorm-runner.js';

const RUNNERS = { typeorm: TYPEORM_RUNNER, sequelize: SEQUELIZE_RUNNER } as const;

/** The process for a step run by a Node runner: `node -e <runner> -- <argv after the tool name>`. */
export function nodeRunnerProcess(launcher: keyof typeof RUNNERS, argv: readonly string[], cwd: string, file: string): { command: string; args: string[] } {
  const node = findProgram('node', cwd);
  if (!node) throw new EnvironmentError(`${file}: 'node' was not found on PATH: ${launcher} migrations run with the project's Node.js (actions/setup-node, then npm ci)`);
  return { command: node, args: ['-e', RUNNERS[launcher], '--', ...argv.slice(1)] };
}

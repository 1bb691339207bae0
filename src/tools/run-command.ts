/**
 * Runs one step of a tool-driven migration (Alembic, knex, node-pg-migrate, psql for Sqitch, a
 * team's own command) as a process against the scratch database, and turns its exit into the
 * same outcome a SQL script has: timing, and on failure a message with the file and line.
 *
 * - No shell: argv is spawned as is (the commands format wraps a command in `sh -c` only when
 *   it uses shell syntax), so paths with spaces and quotes reach the tool intact.
 * - The tool gets DATABASE_URL and the libpq PG* variables of the scratch database; an argv
 *   element equal to DATABASE_URL_ARG is replaced by the URL (knex takes it as a flag).
 * - Output is kept, bounded, for the report; the failure is read from it (failure-location.ts).
 * - A step that outlives the time limit is killed with its whole process group (a shell's
 *   children too), first politely, then with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, EnvironmentError } from '../errors.js';
import type { CommandScript } from '../formats/types.js';
import type { ScriptFailure, ScriptOutcome } from '../result/outcome.js';
import { alembicProcess, LAUNCHER_URL_VARIABLE } from './alembic-launch.js';
import { CLEARED_PG_VARIABLES, databaseEnv, postgresqlUrl } from './database-env.js';
import { describeToolFailure, lastLines } from './failure-location.js';
import { findProgram, INSTALL_HINTS } from './find-program.js';
import { laravelProcess } from './laravel-runner.js';
import { nodeRunnerProcess } from './node-runner.js';
import { runnerEnvironmentMessage } from './runner-environment.js';
import { nodeInvocation } from './node-invocation.js';
import { BoundedOutput } from './output.js';
import { runFrameworkStep } from './framework-step.js';
import type { FrameworkRunners } from './framework-runner.js';
import { isMissingExtension, textSaysConnectionLost } from '../postgres/failures.js';

/** An argv element replaced by the scratch database URL when the step runs. */
export const DATABASE_URL_ARG = '{database-url}';

/** Time between SIGTERM and SIGKILL for a step that ran out of time. */
const KILL_GRACE_MS = 3000;

export interface CommandRunOptions {
  /** The scratch database's URL. */
  url: string;
  /** The step's time limit; 0 means none. */
  timeoutMs: number;
  /** The run's long-lived framework runners (Rails, Django); a step boots its own without them. */
  runners?: FrameworkRunners;
}

/** A step's outcome, with the tool's output (bounded) for the report. */
export interface CommandOutcome extends ScriptOutcome {
  output: { stdout: string; stderr: string };
  exitCode: number | null;
}

/** Runs the step; never throws for the tool's failures, only when the tool is not installed. */
export async function runCommandScript(script: CommandScript, options: CommandRunOptions): Promise<CommandOutcome> {
  if (script.launcher === 'rails' || script.launcher === 'django') return runFrameworkStep({ ...script, launcher: script.launcher }, options);
  const { command, args, env: loading } = await resolveProcess(script);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED_PG_VARIABLES) delete env[name];
  Object.assign(env, loading ?? {}, databaseEnv(options.url), { [LAUNCHER_URL_VARIABLE]: postgresqlUrl(options.url) }, script.env ?? {});

  const stdout = new BoundedOutput();
  const stderr = new BoundedOutput();
  const started = performance.now();
  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; spawnError?: Error }>((done) => {
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    let killer: NodeJS.Timeout | undefined;
    const child = spawn(command, args.map((a) => (a === DATABASE_URL_ARG ? postgresqlUrl(options.url) : a)), {
      cwd: script.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout can end the tool and everything it started.
      detached: true,
    });
    child.stdout.setEncoding('utf8').on('data', (c: string) => stdout.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    if (options.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        killer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      }, options.timeoutMs);
    }
    child.on('error', (err) => {
      clearTimeout(timer);
      clearTimeout(killer);
      done({ code: null, signal: null, timedOut, spawnError: err });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      done({ code, signal, timedOut });
    });
  });
  const ms = performance.now() - started;
  const output = { stdout: stdout.text(), stderr: stderr.text() };
  if (result.spawnError) {
    throw new EnvironmentError(`${script.file}: could not start ${script.argv[0]}: ${result.spawnError.message}`);
  }
  if (result.code === 0 && !result.timedOut) return { ms, output, exitCode: 0 };
  return { ms, output, exitCode: result.code, failure: failureOf(script, output, result, options.timeoutMs) };
}

/** The process a step runs as (the project's tool, its loading, Alembic's Python); throws EnvironmentError when it is not installed. */
export async function resolveProcess(script: CommandScript): Promise<{ command: string; args: string[]; env?: Record<string, string> }> {
  if (script.launcher === 'alembic') return alembicProcess(script.argv, script.cwd);
  if (script.launcher === 'typeorm' || script.launcher === 'sequelize') return nodeRunnerProcess(script.launcher, script.argv, script.cwd, script.file);
  if (script.launcher === 'laravel') return laravelProcess(script.argv, script.cwd, script.file);
  const [program, ...args] = script.argv;
  if (!program) throw new EnvironmentError(`${script.file}: the step has no command to run`);
  const path = findProgram(program, script.cwd);
  if (!path) {
    const hint = INSTALL_HINTS[program];
    throw new EnvironmentError(`${script.file}: '${program}' was not found in node_modules/.bin or on PATH${hint ? `: ${hint}` : ''}`);
  }
  if (program !== 'knex' && program !== 'node-pg-migrate') return { command: path, args };
  // The project's own tool, loaded the way its package.json scripts load it (TypeScript).
  const how = nodeInvocation(program, script.cwd);
  if (!how.wrapper) return { command: path, args: [...how.args, ...args], env: how.env };
  const runner = how.wrapper[0]!;
  const runnerPath = findProgram(runner, script.cwd) ?? (runner === 'node' ? process.execPath : undefined);
  if (!runnerPath) {
    throw new EnvironmentError(`${script.file}: the project runs ${program} under '${runner}' (package.json script '${how.script}'), which is not installed: install the project's packages first (npm ci)`);
  }
  return { command: runnerPath, args: [...how.wrapper.slice(1), how.toolPath?.includes('/') ? how.toolPath : path, ...how.args, ...args], env: how.env };
}

function failureOf(
  script: CommandScript,
  output: { stdout: string; stderr: string },
  result: { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean },
  timeoutMs: number,
): ScriptFailure {
  const shown = script.argv.join(' ');
  if (result.timedOut) {
    return { message: `'${shown}' did not finish within ${Math.round(timeoutMs / 1000)} s; its process group was killed`, file: script.file, timeout: true };
  }
  // A runner that could not start its tool (a missing package, a config that does not load):
  // the same for every migration, so one line and exit 2, not a failure of this migration.
  const cannotStart = runnerEnvironmentMessage(result.code, output.stderr);
  if (cannotStart) throw new EnvironmentError(`'${shown}' could not start: ${cannotStart}`);
  const combined = `${output.stdout}\n${output.stderr}`;
  const missingDriver = /No module named '(psycopg2|psycopg|asyncpg|pg8000)'|Cannot find module '(pg)'/.exec(combined);
  if (missingDriver) {
    throw new EnvironmentError(`${script.file}: the PostgreSQL driver '${missingDriver[1] ?? missingDriver[2]}' is not installed for ${script.argv[0]}: install the project's dependencies (pip install -r requirements.txt / npm ci)`);
  }
  if (script.launcher === 'alembic' && /No 'script_location' key found in configuration/.test(combined)) {
    // The ini lies outside the migrations directory (read only by Alembic): still a setup problem.
    const ini = script.argv[script.argv.indexOf('-c') + 1] ?? 'alembic.ini';
    throw new ConfigError(`${join(script.cwd, ini)} has no script_location in its [alembic] section: Alembic cannot find the migration scripts; add script_location = <the directory holding env.py>`);
  }
  const known = { files: [script.file, ...(script.extraFiles ?? [])] };
  const detail = describeToolFailure(output.stderr, known) ?? describeToolFailure(output.stdout, known);
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  const message = detail?.message ?? `'${shown}' ${how}: ${lastLines(output.stderr.trim() ? output.stderr : output.stdout) || 'no output'}`;
  const failure: ScriptFailure = { message, file: detail?.file ?? script.file };
  // Without a location in the output, the step's own definition (e.g. `exports.down`) is the best line.
  const line = detail?.line ?? (failure.file === script.file ? script.line : undefined);
  if (line) failure.line = line;
  if (detail?.sqlstate) failure.sqlstate = detail.sqlstate;
  if (isMissingExtension(combined)) failure.environment = true;
  if (textSaysConnectionLost(combined)) {
    failure.connectionLost = true;
  }
  if (/could not connect to server|connection to server .* failed|Connection refused|ECONNREFUSED|password authentication failed/.test(combined)) {
    failure.message += ' — the tool could not reach the scratch database: make its configuration read DATABASE_URL';
  }
  return failure;
}

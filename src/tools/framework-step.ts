/**
 * Runs one step of a framework-driven format (CommandScript launcher `rails` or `django`) on the
 * run's long-lived runner for that app, and turns the runner's reply into the outcome every
 * other script has: the time the migration itself took (not the framework's boot), and on
 * failure the message, SQLSTATE, and the file and line of the migration the error came from.
 */
import type { CommandScript } from '../formats/types.js';
import type { ScriptFailure, ScriptOutcome } from '../result/outcome.js';
import { isMissingExtension, textSaysConnectionLost } from '../postgres/failures.js';
import { djangoRequest, djangoRunnerSpec } from './django-launch.js';
import { lastLines, matchKnown } from './failure-location.js';
import { FrameworkRunner, FrameworkRunners, type RunnerError, type RunnerReply, type RunnerSpec } from './framework-runner.js';
import { railsRequest, railsRunnerSpec } from './rails-launch.js';

/** A framework boots once per run; a large app may take a while, whatever the step limit is. */
const MIN_BOOT_LIMIT_MS = 180_000;
const MAX_MESSAGE = 600;

export interface FrameworkStepOptions {
  url: string;
  /** The step's time limit; 0 means none. */
  timeoutMs: number;
  /** The run's runners; without them the step boots a runner of its own and stops it after. */
  runners?: FrameworkRunners;
}

export interface FrameworkStepOutcome extends ScriptOutcome {
  output: { stdout: string; stderr: string };
  exitCode: number | null;
}

interface Launcher {
  spec(script: CommandScript, url: string): Promise<RunnerSpec>;
  request(script: CommandScript): Record<string, unknown>;
}

const LAUNCHERS: Record<'rails' | 'django', Launcher> = {
  rails: { spec: async (s, url) => railsRunnerSpec(s, url), request: railsRequest },
  django: { spec: djangoRunnerSpec, request: djangoRequest },
};

/** Runs the step; throws EnvironmentError only when the framework cannot run at all. */
export async function runFrameworkStep(script: CommandScript & { launcher: 'rails' | 'django' }, options: FrameworkStepOptions): Promise<FrameworkStepOutcome> {
  const launcher = LAUNCHERS[script.launcher];
  const request = launcher.request(script);
  const start = async () => FrameworkRunner.start(await launcher.spec(script, options.url), Math.max(options.timeoutMs, MIN_BOOT_LIMIT_MS));
  const key = JSON.stringify([script.launcher, script.cwd, options.url, script.env ?? {}]);
  const runner = options.runners ? await options.runners.get(key, start) : await start();
  try {
    const started = performance.now();
    const reply = await runner.request(request, options.timeoutMs);
    const ms = performance.now() - started;
    const output = { stdout: reply.output, stderr: '' };
    if (reply.kind === 'done' && reply.ok) return { ms, output, exitCode: 0 };
    return { ms, output, exitCode: null, failure: failureOf(script, reply, runner.spec.framework, options.timeoutMs) };
  } finally {
    if (!options.runners) await runner.stop();
  }
}

function failureOf(script: CommandScript, reply: Exclude<RunnerReply, { ok: true }>, framework: string, timeoutMs: number): ScriptFailure {
  const shown = script.argv.join(' ');
  if (reply.kind === 'timeout') {
    return { message: `'${shown}' did not finish within ${Math.round(timeoutMs / 1000)} s; the ${framework} runner was stopped with everything it started`, file: script.file, timeout: true };
  }
  if (reply.kind === 'crashed') {
    const message = `the ${framework} runner ${reply.exit} during '${shown}': ${lastLines(reply.output) || 'no output'}`;
    return { message: clip(message), file: script.file, ...(script.line ? { line: script.line } : {}), ...(textSaysConnectionLost(reply.output) ? { connectionLost: true } : {}) };
  }
  return describeRunnerError(script, reply.error);
}

/** A runner's error as a ScriptFailure, located in the innermost frame of the step's own files. */
export function describeRunnerError(script: CommandScript, error: RunnerError): ScriptFailure {
  const known = { files: [script.file, ...(script.extraFiles ?? [])] };
  const failure: ScriptFailure = { message: clip(errorText(error)), file: script.file };
  const frame = error.frames.map(([path, line]) => ({ file: matchKnown(path, known), line })).find((f) => f.file);
  const line = frame ? frame.line : script.line;
  if (frame) failure.file = frame.file!;
  if (line) failure.line = line;
  if (error.sqlstate) failure.sqlstate = error.sqlstate;
  if (error.irreversible) failure.irreversible = true;
  if (error.connectionLost || textSaysConnectionLost(error.message)) failure.connectionLost = true;
  if (isMissingExtension(error.message, error.sqlstate)) failure.environment = true;
  if (error.sqlstate === '57014') failure.timeout = true;
  return failure;
}

/** `PG::UndefinedTable: ERROR: …` as Rails words it; `ProgrammingError: …` for Django's bare messages. */
export function errorText(error: RunnerError): string {
  const message = error.message.trim();
  // Active Record's messages start with the driver's class (`PG::DuplicateTable: ERROR: …`).
  const named = /^[A-Z]\w*(?:::[A-Z]\w*)+: /.test(message);
  const short = error.class.replace(/^.*(::|\.)/, '');
  return named || !short ? message : `${short}: ${message}`;
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one;
}

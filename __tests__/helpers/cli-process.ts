/**
 * Runs the bundled CLI (dist/cli.js) as a child with its own TMPDIR, optionally as another OS
 * user, and lets a test watch its stderr and signal it mid-run. Resolves when it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/harness.js';

export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRequest {
  args: string[];
  cwd?: string;
  /** The child's TMPDIR: where the local cluster makes its dir (the leftovers scope). */
  tmpDir: string;
  env?: Record<string, string>;
  /** Run as this OS user (needs root). */
  user?: { uid: number; gid: number };
  /** Called on every stderr chunk with everything read so far. */
  onStderr?: (all: string, child: ChildProcess) => void;
  /** Kill the child with SIGKILL after this long: a hang fails the test instead of the suite. */
  hangAfterMs?: number;
}

/** Runs the CLI to its end. */
export function runCli(req: CliRequest): Promise<CliRun & { hung: boolean }> {
  const child = spawn(process.execPath, [CLI, ...req.args], {
    cwd: req.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', TMPDIR: req.tmpDir, ...req.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(req.user ?? {}),
  });
  let stdout = '';
  let stderr = '';
  let hung = false;
  const timer = req.hangAfterMs
    ? setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, req.hangAfterMs)
    : undefined;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    req.onStderr?.(stderr, child);
  });
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, hung });
    }),
  );
}

/** The lines a user reads as errors: `rollback-verify: …` lines and stack frames. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('rollback-verify:') || /^\s+at /.test(l));
}

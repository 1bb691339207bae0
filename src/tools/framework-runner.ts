/**
 * One long-lived process that drives a web framework's migrations (src/tools/rails-runner.rb,
 * src/tools/django-runner.py). Booting the framework is most of what `bin/rails db:migrate:up`
 * or `manage.py migrate` costs (about 0.75 s for a small Rails app, several seconds for a large
 * one), so the runner boots the app once per run and then applies or reverts one migration per
 * request, each through the framework's own code, disconnecting after each so every phase starts
 * on a new connection as a new process would.
 *
 * Wire protocol: requests are JSON lines on the child's stdin; replies are JSON lines on file
 * descriptor 3, so whatever the app prints (a logger on STDOUT, warnings) cannot corrupt them.
 * The first message is `ready` or `boot-failed`. The child runs in its own process group: a step
 * that outlives its time limit is ended with everything it started, and the next step boots a new
 * runner. Every runner is registered with the cleanup registry (SIGINT/SIGTERM) and stopped by
 * FrameworkRunners.close() at the end of the run, before the scratch database is dropped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { registerCleanup } from '../cleanup.js';
import { EnvironmentError } from '../errors.js';
import { BoundedOutput } from './output.js';

/**
 * The environment variable carrying a step's migrations directory (absolute) to its runner,
 * which checks that the app really keeps its migrations there.
 */
export const MIGRATIONS_DIR_VARIABLE = 'ROLLBACK_VERIFY_MIGRATIONS_DIR';

/** Time between SIGTERM and SIGKILL when a runner must go. */
const KILL_GRACE_MS = 3000;

/** An error as a runner reports it. `frames` are [path, line], innermost first. */
export interface RunnerError {
  class: string;
  message: string;
  frames: Array<[string, number]>;
  sqlstate?: string;
  /** The framework refused to revert: ActiveRecord::IrreversibleMigration, Django's IrreversibleError. */
  irreversible?: boolean;
  connectionLost?: boolean;
}

/** A runner's answer to one request, or why there was none. */
export type RunnerReply =
  | { kind: 'done'; ok: true; output: string }
  | { kind: 'done'; ok: false; output: string; error: RunnerError }
  | { kind: 'timeout'; output: string }
  | { kind: 'crashed'; output: string; exit: string };

/** How to start one framework's runner. */
export interface RunnerSpec {
  /** For messages: `Rails`, `Django`. */
  framework: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The one-line error for a failed boot: what failed and what to install or fix. */
  bootFailure(error: RunnerError | undefined, output: string): string;
  /** Removed when the runner stops (its log or cache dir). */
  tempDirs: string[];
}

interface Message {
  event?: string;
  ok?: boolean;
  error?: RunnerError;
  output?: string;
  [key: string]: unknown;
}

/** A booted framework process answering one request at a time. */
export class FrameworkRunner {
  private readonly messages: Message[] = [];
  private readonly waiters = new Set<() => void>();
  private exited?: string;
  /** Output the child wrote to stdout/stderr itself (boot messages, a logger on STDOUT). */
  private stray = new BoundedOutput();
  private readonly unregister: () => Promise<void>;
  private nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    readonly spec: RunnerSpec,
  ) {
    const channel = child.stdio[3] as Readable;
    createInterface({ input: channel }).on('line', (line) => {
      try {
        this.messages.push(JSON.parse(line) as Message);
      } catch {
        this.stray.push(`${line}\n`);
      }
      this.wake();
    });
    child.stdout!.setEncoding('utf8').on('data', (c: string) => this.stray.push(c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => this.stray.push(c));
    child.on('close', (code, signal) => {
      this.exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.wake();
    });
    this.unregister = registerCleanup(() => this.kill());
  }

  /** Starts the process and waits for its boot; EnvironmentError when it cannot boot. */
  static async start(spec: RunnerSpec, bootTimeoutMs: number): Promise<FrameworkRunner> {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const runner = new FrameworkRunner(child, spec);
    const first = await Promise.race([runner.next(bootTimeoutMs), spawnError.then((e) => ({ spawnError: e }))]);
    if ('spawnError' in first) {
      await runner.stop();
      throw new EnvironmentError(`could not start ${spec.command}: ${first.spawnError.message}`);
    }
    if (first.kind === 'message' && first.message.event === 'ready') {
      runner.stray = new BoundedOutput();
      return runner;
    }
    const output = `${first.kind === 'message' ? (first.message.output ?? '') : ''}${runner.stray.text()}`;
    await runner.stop();
    if (first.kind === 'timeout') {
      throw new EnvironmentError(`${spec.framework} did not finish booting within ${Math.round(bootTimeoutMs / 1000)} s (${spec.command} ${spec.args.join(' ')}); an initializer may wait for a service that is not there`);
    }
    throw new EnvironmentError(spec.bootFailure(first.kind === 'message' ? first.message.error : undefined, output));
  }

  /** True until the process exits or is stopped. */
  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Sends one request and waits for its reply; a reply later than `timeoutMs` (0: none) ends the runner. */
  async request(body: Record<string, unknown>, timeoutMs: number): Promise<RunnerReply> {
    if (!this.alive) return { kind: 'crashed', output: this.stray.text(), exit: this.exited! };
    const id = this.nextId++;
    this.stray = new BoundedOutput();
    (this.child.stdin as Writable).write(`${JSON.stringify({ ...body, id })}\n`);
    const got = await this.next(timeoutMs);
    if (got.kind === 'message') {
      const output = `${got.message.output ?? ''}${this.stray.text()}`;
      return got.message.ok ? { kind: 'done', ok: true, output } : { kind: 'done', ok: false, output, error: got.message.error ?? { class: 'Error', message: 'the runner reported a failure without details', frames: [] } };
    }
    if (got.kind === 'timeout') {
      await this.kill();
      return { kind: 'timeout', output: this.stray.text() };
    }
    return { kind: 'crashed', output: this.stray.text(), exit: this.exited ?? 'exited' };
  }

  /** Ends the runner: EOF on stdin lets it finish; SIGTERM, then SIGKILL to its group otherwise. */
  async stop(): Promise<void> {
    if (this.alive) {
      (this.child.stdin as Writable).end();
      await this.waitExit(KILL_GRACE_MS);
    }
    await this.unregister();
  }

  private async kill(): Promise<void> {
    if (this.alive) {
      this.signalGroup('SIGTERM');
      if (!(await this.waitExit(KILL_GRACE_MS))) {
        this.signalGroup('SIGKILL');
        await this.waitExit(KILL_GRACE_MS);
      }
    }
    for (const dir of this.spec.tempDirs) rmSync(dir, { recursive: true, force: true });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      if (this.child.pid) process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  private async waitExit(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.alive && Date.now() < deadline) await this.wait(deadline - Date.now());
    return !this.alive;
  }

  /** The next message, or why none came. */
  private async next(timeoutMs: number): Promise<{ kind: 'message'; message: Message } | { kind: 'timeout' } | { kind: 'exit' }> {
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
    for (;;) {
      const message = this.messages.shift();
      if (message) return { kind: 'message', message };
      if (!this.alive) return { kind: 'exit' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await this.wait(left);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.waiters.add(done);
    });
  }

  /** Something happened (a message, the exit): every waiter looks again. */
  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * The runners of one verification run, one per app and scratch database, started on first use
 * and restarted after a step killed theirs. close() stops them all.
 */
export class FrameworkRunners {
  private readonly runners = new Map<string, Promise<FrameworkRunner>>();

  /** The live runner for `key`, started with `start` when there is none. */
  async get(key: string, start: () => Promise<FrameworkRunner>): Promise<FrameworkRunner> {
    const existing = this.runners.get(key);
    if (existing) {
      const runner = await existing.catch(() => undefined);
      if (runner?.alive) return runner;
      await runner?.stop();
    }
    const started = start();
    this.runners.set(key, started);
    started.catch(() => this.runners.delete(key));
    return started;
  }

  /** Stops every runner (each ends its process group and removes its temp dirs). */
  async close(): Promise<void> {
    const all = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.stop()));
  }
}

/**
 * The runner script named `name`: next to this module in the sources (src/tools/), next to the
 * bundle in dist/ (scripts/bundle.mjs copies it there).
 */
export function runnerScript(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), name);
}
